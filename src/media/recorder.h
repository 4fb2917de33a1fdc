#pragma once
// Recorder: workers fill fixed blocks of interleaved PCM (8 kHz, or 16 kHz for
// wideband legs and conferences) per recording
// and hand full blocks (recorder_flush_ms of audio) to one writer thread
// through SPSC rings; the writer appends each block with one write() and fixes
// the WAV header right after (or feeds libopusenc for Ogg/Opus), so a crash
// (even kill -9) loses at most about one block and leaves a playable file.
// A path ending in ".hrec" is encrypted while recording: the writer thread
// appends the same bytes to a SealedSink (the recording layer's AES-256-GCM
// chunk writer, registered with setSealedSinkFactory), which seals and writes
// each full chunk, so no plaintext audio reaches the disk; a crash keeps every
// sealed chunk (start-up recovery finishes the file).
// Blocks return to the worker on another ring and are reused: no allocation
// or file I/O on a worker after a recording's first blocks.
//
// Threads: RecorderHub is built and started on the control thread; each
// RecorderChannel has exactly one worker (producer of messages) and the writer
// (consumer); Recording objects belong to their worker.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "media/media_api.h"
#include "media/spsc_ring.h"

namespace hujiao::media {

struct RecBlock {
  uint64_t recId = 0;
  size_t used = 0;  // interleaved samples
  size_t capacity = 0;
  std::unique_ptr<int16_t[]> data;
};

struct RecOpenInfo {
  std::string path;  // absolute or relative to the working directory, resolved by the engine
  RecordingFormat format = RecordingFormat::WavStereo;
  int channels = 2;
  int rate = 8000;  // 16000 for a wideband (G.722/Opus) leg or conference; set by the worker
  EndpointId endpoint = 0;
  uint64_t requestId = 0;
};

struct WriterMsg {
  enum class Kind { Open, Data, Close };
  Kind kind = Kind::Data;
  uint64_t recId = 0;
  RecBlock* block = nullptr;
  std::shared_ptr<const RecOpenInfo> open;
};

struct RecorderChannel {
  RecorderChannel() : toWriter(8192), freeBlocks(16384) {}
  SpscRing<WriterMsg> toWriter;    // worker -> writer
  SpscRing<RecBlock*> freeBlocks;  // writer -> worker
  std::atomic<uint64_t> droppedBlocks{0};
};

using EventPoster = std::function<void(MediaEvent)>;  // thread-safe (posts to control)

/// An encrypted file being written (implemented outside src/media, e.g. by
/// recording::ChunkWriter). Used by the recorder's writer thread only.
class SealedSink {
 public:
  virtual ~SealedSink() = default;  // without finalize(): the file stays open (recoverable)
  /// Appends plaintext; full chunks are sealed and written. False on error.
  virtual bool append(const uint8_t* data, size_t n) = 0;
  /// Bytes to overlay on the plaintext start at finalize (the WAV sizes).
  virtual bool setHeadPatch(uint16_t offset, const uint8_t* bytes, uint16_t n) = 0;
  /// Seals the rest and closes the file as finished.
  virtual bool finalize() = 0;
  virtual std::string error() const = 0;
};
/// Creates the sealed file at `path` (must not exist); null with `error` set on failure.
using SealedSinkFactory = std::function<std::unique_ptr<SealedSink>(const std::string& path, std::string& error)>;
/// Process-wide (the key ring is): recordings whose path ends in ".hrec" are
/// written through it; without one they fail to open. Any thread; an empty
/// function unregisters. Files already open keep their sink.
void setSealedSinkFactory(SealedSinkFactory factory);
/// A sink from the registered factory (the recorder's writer thread; also tests
/// and tools); null with `error` set when none is registered or creation fails.
std::unique_ptr<SealedSink> makeSealedSink(const std::string& path, std::string& error);
/// The path suffix that selects the sealed writer.
inline constexpr std::string_view kSealedSuffix = ".hrec";

class RecorderHub {
 public:
  RecorderHub(int workers, int flushMs, EventPoster poster);
  ~RecorderHub();  // writes what is queued, closes every file
  RecorderHub(const RecorderHub&) = delete;
  RecorderHub& operator=(const RecorderHub&) = delete;
  RecorderChannel& channel(int worker) { return *channels_[static_cast<size_t>(worker)]; }
  int flushMs() const { return flushMs_; }

 private:
  struct OpenFile;
  void run();
  bool drainChannel(RecorderChannel& ch);
  void handle(RecorderChannel& ch, WriterMsg& m);

  int flushMs_;
  EventPoster poster_;
  std::vector<std::unique_ptr<RecorderChannel>> channels_;
  std::vector<std::unique_ptr<OpenFile>> files_;  // writer thread only
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// Worker side of one recording.
class Recording {
 public:
  Recording(RecorderChannel& ch, uint64_t recId, std::shared_ptr<const RecOpenInfo> info, int flushMs);
  ~Recording();  // closes (RecordingStopped follows from the writer)
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;
  /// One frame: ch1 may be null for mono recordings.
  void write(const int16_t* ch0, const int16_t* ch1, int samples);
  void setPaused(bool p);
  bool paused() const { return paused_; }
  int channels() const { return channels_; }
  int rate() const { return rate_; }
  /// The endpoint moved to another worker: produce into that worker's channel from now on.
  void rebind(RecorderChannel& ch) { ch_ = &ch; }

 private:
  void handOff();
  RecBlock* takeBlock();
  RecorderChannel* ch_;
  uint64_t recId_;
  int channels_;
  int rate_;
  size_t blockSamples_;
  RecBlock* cur_ = nullptr;
  bool paused_ = false;
  std::vector<RecBlock*> spare_;
};

}  // namespace hujiao::media
