#include "media/recorder.h"

#include <fcntl.h>
#ifdef HUJIAO_HAVE_OPUSENC
#include <opusenc.h>
#else
struct OggOpusEnc;
#endif
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/log.h"
#include "media/codec.h"

namespace hujiao::media {

namespace {

void le16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

void wavHeader(uint8_t* h, int channels, int rate, uint32_t dataBytes) {
  std::memcpy(h, "RIFF", 4);
  le32(h + 4, 36 + dataBytes);
  std::memcpy(h + 8, "WAVEfmt ", 8);
  le32(h + 16, 16);
  le16(h + 20, 1);  // PCM
  le16(h + 22, static_cast<uint16_t>(channels));
  le32(h + 24, static_cast<uint32_t>(rate));
  le32(h + 28, static_cast<uint32_t>(rate * channels * 2));
  le16(h + 32, static_cast<uint16_t>(channels * 2));
  le16(h + 34, 16);
  std::memcpy(h + 36, "data", 4);
  le32(h + 40, dataBytes);
}

std::mutex& factoryMutex() {
  static std::mutex m;
  return m;
}
SealedSinkFactory& factorySlot() {
  static SealedSinkFactory f;
  return f;
}

bool isSealedPath(const std::string& p) {
  return p.size() > kSealedSuffix.size() && p.compare(p.size() - kSealedSuffix.size(), kSealedSuffix.size(),
                                                      kSealedSuffix) == 0;
}

#ifdef HUJIAO_HAVE_OPUSENC
// libopusenc writes its pages through these into the sealed sink.
int sinkWrite(void* user, const unsigned char* ptr, opus_int32 len) {
  auto* sink = static_cast<SealedSink*>(user);
  return sink->append(ptr, static_cast<size_t>(len)) ? 0 : 1;
}
int sinkClose(void*) { return 0; }  // finalize() is the writer's, after the drain
#endif

}  // namespace

void setSealedSinkFactory(SealedSinkFactory factory) {
  std::lock_guard lock(factoryMutex());
  factorySlot() = std::move(factory);
}

std::unique_ptr<SealedSink> makeSealedSink(const std::string& path, std::string& error) {
  SealedSinkFactory factory;
  {
    std::lock_guard lock(factoryMutex());
    factory = factorySlot();
  }
  if (!factory) {
    error = "no sealed writer registered (encryption keys not loaded)";
    return nullptr;
  }
  return factory(path, error);
}

struct RecorderHub::OpenFile {
  uint64_t recId = 0;
  std::shared_ptr<const RecOpenInfo> info;
  int fd = -1;
  std::unique_ptr<SealedSink> sink;  // encrypted while recording (".hrec")
  OggOpusEnc* ope = nullptr;
  uint64_t dataBytes = 0;
  uint64_t frames = 0;  // per channel
  bool failed = false;
};

RecorderHub::RecorderHub(int workers, int flushMs, EventPoster poster) : flushMs_(flushMs), poster_(std::move(poster)) {
  for (int i = 0; i < workers; ++i) channels_.push_back(std::make_unique<RecorderChannel>());
  thread_ = std::thread([this] { run(); });
}

RecorderHub::~RecorderHub() {
  stop_ = true;
  thread_.join();
  for (auto& ch : channels_) {
    RecBlock* b = nullptr;
    while (ch->freeBlocks.pop(b)) delete b;
  }
}

void RecorderHub::run() {
  pthread_setname_np(pthread_self(), "media-rec");
  for (;;) {
    bool any = false;
    for (auto& ch : channels_) any = drainChannel(*ch) || any;
    if (!any) {
      if (stop_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // Workers are gone: close what is still open.
  for (auto& f : files_) {
    WriterMsg m;
    m.kind = WriterMsg::Kind::Close;
    m.recId = f->recId;
    handle(*channels_[0], m);
  }
}

bool RecorderHub::drainChannel(RecorderChannel& ch) {
  bool any = false;
  WriterMsg m;
  while (ch.toWriter.pop(m)) {
    handle(ch, m);
    m = WriterMsg{};
    any = true;
  }
  return any;
}

void RecorderHub::handle(RecorderChannel& ch, WriterMsg& m) {
  auto log = core::logger("media");
  auto it = std::find_if(files_.begin(), files_.end(), [&](const auto& f) { return f->recId == m.recId; });
  switch (m.kind) {
    case WriterMsg::Kind::Open: {
      auto f = std::make_unique<OpenFile>();
      f->recId = m.recId;
      f->info = m.open;
      std::error_code ec;
      std::filesystem::path p(f->info->path);
      if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
      std::string why;
      if (isSealedPath(f->info->path)) {
        f->sink = makeSealedSink(f->info->path, why);
        if (!f->sink) f->failed = true;
      }
      if (f->failed) {
        // reported below
      } else if (f->info->format == RecordingFormat::OggOpus) {
#ifdef HUJIAO_HAVE_OPUSENC
        int err = 0;
        OggOpusComments* c = ope_comments_create();
        if (f->sink) {
          static const OpusEncCallbacks kSinkCallbacks = {sinkWrite, sinkClose};
          f->ope = ope_encoder_create_callbacks(&kSinkCallbacks, f->sink.get(), c, f->info->rate, f->info->channels, 0,
                                                &err);
        } else {
          f->ope = ope_encoder_create_file(f->info->path.c_str(), c, f->info->rate, f->info->channels, 0, &err);
        }
        ope_comments_destroy(c);
        if (f->ope) {
          ope_encoder_ctl(f->ope, OPE_SET_MUXING_DELAY(48000 * flushMs_ / 1000));
          ope_encoder_ctl(f->ope, OPUS_SET_BITRATE((f->info->rate == kWideRate ? 24000 : 16000) * f->info->channels));
        }
#endif
        f->failed = f->ope == nullptr;
      } else if (f->sink) {
        // Sizes 0 until finalize patches them (recovery sets them from the length).
        uint8_t h[44];
        wavHeader(h, f->info->channels, f->info->rate, 0);
        f->failed = !f->sink->append(h, sizeof h);
        if (f->failed) why = f->sink->error();
      } else {
        f->fd = ::open(f->info->path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0640);
        if (f->fd >= 0) {
          uint8_t h[44];
          wavHeader(h, f->info->channels, f->info->rate, 0);
          f->failed = ::write(f->fd, h, sizeof h) != static_cast<ssize_t>(sizeof h);
        } else {
          f->failed = true;
        }
      }
      if (f->failed) {
        log->warn("recording {}: cannot create file: {}", f->info->path, why.empty() ? std::strerror(errno) : why);
        MediaEvent ev;
        ev.type = MediaEvent::Type::Error;
        ev.endpoint = f->info->endpoint;
        ev.requestId = f->info->requestId;
        ev.detail = "cannot create recording file " + f->info->path;
        poster_(std::move(ev));
      }
      files_.push_back(std::move(f));
      break;
    }
    case WriterMsg::Kind::Data: {
      RecBlock* b = m.block;
      if (it != files_.end() && !(*it)->failed && b->used > 0) {
        OpenFile& f = **it;
        int chans = f.info->channels;
        if (f.ope) {
#ifdef HUJIAO_HAVE_OPUSENC
          ope_encoder_write(f.ope, b->data.get(), static_cast<int>(b->used / static_cast<size_t>(chans)));
#endif
        } else if (f.sink) {
          const size_t bytes = b->used * 2;
          if (f.sink->append(reinterpret_cast<const uint8_t*>(b->data.get()), bytes)) {
            f.dataBytes += bytes;
          } else {
            f.failed = true;
            log->warn("recording {}: write failed: {}", f.info->path, f.sink->error());
          }
        } else {
          size_t bytes = b->used * 2;
          if (::write(f.fd, b->data.get(), bytes) == static_cast<ssize_t>(bytes)) {
            f.dataBytes += bytes;
            // Header fix-up after every block: the file on disk is always a valid WAV.
            // One pwrite of bytes 4..43 (both sizes and what lies between, unchanged).
            uint8_t h[44];
            wavHeader(h, chans, f.info->rate, static_cast<uint32_t>(f.dataBytes));
            [[maybe_unused]] auto r = ::pwrite(f.fd, h + 4, 40, 4);
          } else {
            f.failed = true;
            log->warn("recording {}: write failed: {}", f.info->path, std::strerror(errno));
          }
        }
        f.frames += b->used / static_cast<size_t>(chans);
      }
      b->used = 0;
      if (!ch.freeBlocks.push(std::move(b))) delete m.block;
      break;
    }
    case WriterMsg::Kind::Close: {
      if (it == files_.end()) break;
      OpenFile& f = **it;
#ifdef HUJIAO_HAVE_OPUSENC
      if (f.ope) {
        ope_encoder_drain(f.ope);
        ope_encoder_destroy(f.ope);
      }
#endif
      if (f.fd >= 0) ::close(f.fd);
      if (f.sink && !f.failed) {
        if (!f.ope) {
          uint8_t h[44];
          wavHeader(h, f.info->channels, f.info->rate, static_cast<uint32_t>(f.dataBytes));
          f.failed = !f.sink->setHeadPatch(4, h + 4, 40);
        }
        if (!f.failed) f.failed = !f.sink->finalize();
        if (f.failed) log->warn("recording {}: finishing the sealed file failed: {}", f.info->path, f.sink->error());
      }
      f.sink.reset();  // closes the file (a failed one stays open-state: recovery keeps what authenticates)
      MediaEvent ev;
      ev.type = MediaEvent::Type::RecordingStopped;
      ev.endpoint = f.info->endpoint;
      ev.requestId = f.info->requestId;
      ev.detail = f.info->path;
      ev.recordedMs = static_cast<int64_t>(f.frames * 1000 / static_cast<uint64_t>(f.info->rate));
      ev.reason = f.failed ? "error" : "stopped";
      poster_(std::move(ev));
      files_.erase(it);
      break;
    }
  }
}

Recording::Recording(RecorderChannel& ch, uint64_t recId, std::shared_ptr<const RecOpenInfo> info, int flushMs)
    : ch_(&ch), recId_(recId), channels_(info->channels), rate_(info->rate),
      blockSamples_(static_cast<size_t>(info->rate) * static_cast<size_t>(flushMs) / 1000 *
                    static_cast<size_t>(info->channels)) {
  WriterMsg m;
  m.kind = WriterMsg::Kind::Open;
  m.recId = recId_;
  m.open = std::move(info);
  if (!ch_->toWriter.push(std::move(m))) ch_->droppedBlocks.fetch_add(1, std::memory_order_relaxed);
}

Recording::~Recording() {
  handOff();
  WriterMsg m;
  m.kind = WriterMsg::Kind::Close;
  m.recId = recId_;
  if (!ch_->toWriter.push(std::move(m))) ch_->droppedBlocks.fetch_add(1, std::memory_order_relaxed);
  for (RecBlock* b : spare_) delete b;  // freeBlocks has the writer as its only producer
}

RecBlock* Recording::takeBlock() {
  if (spare_.empty()) {
    RecBlock* b = nullptr;
    if (ch_->freeBlocks.pop(b)) spare_.push_back(b);
  }
  if (!spare_.empty()) {
    RecBlock* b = spare_.back();
    spare_.pop_back();
    if (b->capacity < blockSamples_) {
      b->data.reset(new int16_t[blockSamples_]);
      b->capacity = blockSamples_;
    }
    b->used = 0;
    b->recId = recId_;
    return b;
  }
  // Warm-up only: the pool grows until blocks come back from the writer.
  auto* b = new RecBlock;
  b->data.reset(new int16_t[blockSamples_]);
  b->capacity = blockSamples_;
  b->recId = recId_;
  return b;
}

void Recording::handOff() {
  if (!cur_) return;
  if (cur_->used == 0) {
    spare_.push_back(cur_);
    cur_ = nullptr;
    return;
  }
  WriterMsg m;
  m.kind = WriterMsg::Kind::Data;
  m.recId = recId_;
  m.block = cur_;
  if (!ch_->toWriter.push(std::move(m))) {
    ch_->droppedBlocks.fetch_add(1, std::memory_order_relaxed);
    cur_->used = 0;
    spare_.push_back(cur_);
  }
  cur_ = nullptr;
}

void Recording::write(const int16_t* ch0, const int16_t* ch1, int samples) {
  if (paused_) return;
  int done = 0;
  while (done < samples) {
    if (!cur_) cur_ = takeBlock();
    size_t room = (cur_->capacity - cur_->used) / static_cast<size_t>(channels_);
    auto n = static_cast<int>(std::min<size_t>(room, static_cast<size_t>(samples - done)));
    int16_t* dst = cur_->data.get() + cur_->used;
    if (channels_ == 2) {
      for (int i = 0; i < n; ++i) {
        dst[2 * i] = ch0[done + i];
        dst[2 * i + 1] = ch1 ? ch1[done + i] : 0;
      }
    } else {
      std::memcpy(dst, ch0 + done, static_cast<size_t>(n) * 2);
    }
    cur_->used += static_cast<size_t>(n * channels_);
    done += n;
    if (cur_->used >= blockSamples_) handOff();
  }
}

void Recording::setPaused(bool p) {
  if (p && !paused_) handOff();  // what was recorded before the pause reaches disk now
  paused_ = p;
}

}  // namespace hujiao::media
