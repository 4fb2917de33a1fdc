#include "media/media_prep.h"

#include <espeak-ng/speak_lib.h>
#include <sndfile.h>
#include <speex/speex_resampler.h>
#include <sys/stat.h>

#include <filesystem>
#include <fmt/format.h>

#include "core/log.h"

namespace hujiao::media {

namespace {

constexpr size_t kCacheLimitBytes = 64u << 20;
constexpr sf_count_t kMaxFileFrames = 48000LL * 60 * 30;  // 30 minutes at 48 kHz

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

int onSynth(short* wav, int n, espeak_EVENT* events) {
  if (wav && n > 0 && events) {
    auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
    if (out) out->insert(out->end(), wav, wav + n);
  }
  return 0;
}

core::Result<void> writeWav8k(const std::string& path, const std::vector<int16_t>& pcm) {
  SF_INFO info{};
  info.samplerate = kSampleRate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  std::string tmp = path + ".tmp";
  SNDFILE* f = sf_open(tmp.c_str(), SFM_WRITE, &info);
  if (!f) return core::Error{"io", "cannot write " + tmp};
  sf_writef_short(f, pcm.data(), static_cast<sf_count_t>(pcm.size()));
  sf_close(f);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);  // atomic: readers never see a half file
  if (ec) return core::Error{"io", "cannot rename " + tmp};
  return {};
}

}  // namespace

std::vector<int16_t> resampleTo8k(const std::vector<int16_t>& in, int inRate) {
  if (inRate == kSampleRate || in.empty()) return in;
  int err = 0;
  SpeexResamplerState* st = speex_resampler_init(1, static_cast<spx_uint32_t>(inRate), kSampleRate, 6, &err);
  if (!st) return {};
  speex_resampler_skip_zeros(st);
  std::vector<int16_t> out(in.size() * kSampleRate / static_cast<size_t>(inRate) + 64);
  spx_uint32_t inLen = static_cast<spx_uint32_t>(in.size());
  spx_uint32_t outLen = static_cast<spx_uint32_t>(out.size());
  speex_resampler_process_int(st, 0, in.data(), &inLen, out.data(), &outLen);
  // Flush the filter tail with zeros.
  std::vector<int16_t> zeros(static_cast<size_t>(speex_resampler_get_input_latency(st)), 0);
  spx_uint32_t zl = static_cast<spx_uint32_t>(zeros.size());
  spx_uint32_t tail = static_cast<spx_uint32_t>(out.size()) - outLen;
  speex_resampler_process_int(st, 0, zeros.data(), &zl, out.data() + outLen, &tail);
  out.resize(outLen + tail);
  speex_resampler_destroy(st);
  return out;
}

core::Result<ClipPtr> loadAudioFile(const std::string& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (!f) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return core::Error{"not_found", "prompt file not found: " + path};
    return core::Error{"invalid", "not a readable audio file: " + path + " (" + sf_strerror(nullptr) + ")"};
  }
  if (info.channels < 1 || info.samplerate < 4000 || info.samplerate > 192000 || info.frames > kMaxFileFrames) {
    sf_close(f);
    return core::Error{"invalid", "unsupported audio file (rate/channels/length): " + path};
  }
  std::vector<int16_t> inter(static_cast<size_t>(info.frames) * static_cast<size_t>(info.channels));
  sf_count_t got = sf_readf_short(f, inter.data(), info.frames);
  sf_close(f);
  std::vector<int16_t> mono(static_cast<size_t>(std::max<sf_count_t>(got, 0)));
  for (size_t i = 0; i < mono.size(); ++i) {
    int32_t sum = 0;
    for (int c = 0; c < info.channels; ++c) sum += inter[i * static_cast<size_t>(info.channels) + static_cast<size_t>(c)];
    mono[i] = static_cast<int16_t>(sum / info.channels);
  }
  auto clip = std::make_shared<PcmClip>();
  clip->samples = resampleTo8k(mono, info.samplerate);
  return ClipPtr(std::move(clip));
}

core::Result<PlanItem> toneOrSilenceItem(const PlayItem& item, const std::string& defaultPlan) {
  PlanItem p;
  if (item.kind == PlayItem::Kind::Silence) {
    if (item.durationMs <= 0) return core::Error{"invalid", "silence needs a duration"};
    p.kind = PlanItem::Kind::Silence;
    p.durationMs = item.durationMs;
    return p;
  }
  if (item.kind != PlayItem::Kind::Tone) return core::Error{"invalid", "not a tone"};
  const ToneSpec* t = findTone(item.tonePlan.empty() ? defaultPlan : item.tonePlan, item.tone);
  if (!t) return core::Error{"invalid", "unknown tone '" + item.tone + "' in plan '" + item.tonePlan + "'"};
  p.kind = PlanItem::Kind::Tone;
  p.tone = *t;
  p.durationMs = std::max(item.durationMs, 0);
  return p;
}

MediaPrep::MediaPrep(const MediaConfig& cfg) : cfg_(cfg) {
  thread_ = std::thread([this] { run(); });
}

MediaPrep::~MediaPrep() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void MediaPrep::submit(PlayRequest request, Done done) {
  {
    std::lock_guard lock(mu_);
    jobs_.emplace_back(std::move(request), std::move(done));
  }
  cv_.notify_one();
}

void MediaPrep::run() {
  pthread_setname_np(pthread_self(), "media-prep");
  for (;;) {
    std::pair<PlayRequest, Done> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (stop_) break;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job.second(build(job.first));
  }
  if (espeakRate_ > 0) espeak_Terminate();
}

void MediaPrep::remember(const std::string& key, ClipPtr clip) {
  size_t bytes = clip->samples.size() * 2;
  while (cacheBytes_ + bytes > kCacheLimitBytes && !cacheOrder_.empty()) {
    auto it = cache_.find(cacheOrder_.front());
    if (it != cache_.end()) {
      cacheBytes_ -= it->second->samples.size() * 2;
      cache_.erase(it);
    }
    cacheOrder_.pop_front();
  }
  cache_[key] = std::move(clip);
  cacheOrder_.push_back(key);
  cacheBytes_ += bytes;
}

core::Result<ClipPtr> MediaPrep::file(const std::string& relPath) {
  std::filesystem::path p(relPath);
  if (p.is_relative()) p = std::filesystem::path(cfg_.soundsDir) / p;
  struct stat st{};
  std::string path = p.string();
  std::string key = "f:" + path;
  if (::stat(path.c_str(), &st) == 0) {
    // Appended piecewise: GCC 12 -O3 warns falsely (-Wrestrict) on `"literal" + std::string&&`.
    key += ':';
    key += std::to_string(st.st_mtim.tv_sec);
    key += ':';
    key += std::to_string(st.st_size);
  }
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  auto clip = loadAudioFile(path);
  if (clip) remember(key, *clip);
  return clip;
}

core::Result<ClipPtr> MediaPrep::tts(const std::string& text, const std::string& voiceIn) {
  std::string voice = voiceIn.empty() ? cfg_.ttsVoice : voiceIn;
  if (text.empty()) return core::Error{"invalid", "empty TTS text"};
  if (text.size() > 4000) return core::Error{"invalid", "TTS text longer than 4000 bytes"};
  std::string key = fmt::format("{:016x}", fnv1a(voice + '\x1f' + text));
  std::filesystem::path cached = std::filesystem::path(cfg_.ttsCacheDir) / (key + ".wav");
  if (auto it = cache_.find("t:" + key); it != cache_.end()) return it->second;
  if (std::filesystem::exists(cached)) {
    auto clip = loadAudioFile(cached.string());
    if (clip) {
      remember("t:" + key, *clip);
      return clip;
    }
  }
  if (espeakRate_ == 0) {
    espeakRate_ = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nullptr, espeakINITIALIZE_DONT_EXIT);
    if (espeakRate_ <= 0) {
      espeakRate_ = 0;
      return core::Error{"unavailable", "espeak-ng could not be initialised"};
    }
    espeak_SetSynthCallback(&onSynth);
  }
  if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) return core::Error{"invalid", "unknown TTS voice '" + voice + "'"};
  std::vector<int16_t> pcm;
  espeak_ERROR e = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &pcm);
  if (e != EE_OK || pcm.empty()) return core::Error{"internal", "espeak-ng synthesis failed"};
  auto clip = std::make_shared<PcmClip>();
  clip->samples = resampleTo8k(pcm, espeakRate_);
  std::error_code ec;
  std::filesystem::create_directories(cfg_.ttsCacheDir, ec);
  if (auto w = writeWav8k(cached.string(), clip->samples); !w) {
    core::logger("media")->warn("TTS cache: {}", w.error().message);
  }
  ClipPtr c = clip;
  remember("t:" + key, c);
  return c;
}

core::Result<std::shared_ptr<const PlaybackPlan>> MediaPrep::build(const PlayRequest& r) {
  auto plan = std::make_shared<PlaybackPlan>();
  plan->requestId = r.requestId;
  plan->loops = r.loops;
  plan->stopOnDtmf = r.stopOnDtmf;
  for (const auto& item : r.items) {
    if (item.kind == PlayItem::Kind::File || item.kind == PlayItem::Kind::Tts) {
      auto clip = item.kind == PlayItem::Kind::File ? file(item.path) : tts(item.text, item.voice);
      if (!clip) return clip.error();
      PlanItem p;
      p.kind = PlanItem::Kind::Clip;
      p.clip = *clip;
      plan->items.push_back(std::move(p));
    } else {
      auto p = toneOrSilenceItem(item, cfg_.tonePlan);
      if (!p) return p.error();
      plan->items.push_back(std::move(*p));
    }
  }
  return std::shared_ptr<const PlaybackPlan>(std::move(plan));
}

}  // namespace hujiao::media
