#pragma once
// The media prep thread: turns a PlayRequest into a PlaybackPlan off the
// control and media threads. WAV files (any rate/channels libsndfile reads)
// are converted once to 8 kHz mono with the speexdsp resampler and kept in a
// bounded cache; TTS is synthesised with espeak-ng and cached on disk by a
// hash of voice+text (and in memory like a file).
//
// Threads: submit() from the control thread (a short mutex-protected push;
// never on a media worker); the Done callback runs on the prep thread and must
// only post. loadAudioFile()/resampleTo8k() are pure helpers for any thread.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "media/media_api.h"
#include "media/media_config.h"
#include "media/playback.h"

namespace hujiao::media {

class MediaPrep {
 public:
  using Done = std::function<void(core::Result<std::shared_ptr<const PlaybackPlan>>)>;
  explicit MediaPrep(const MediaConfig& cfg);
  ~MediaPrep();
  MediaPrep(const MediaPrep&) = delete;
  MediaPrep& operator=(const MediaPrep&) = delete;

  void submit(PlayRequest request, Done done);

 private:
  core::Result<std::shared_ptr<const PlaybackPlan>> build(const PlayRequest& r);
  core::Result<ClipPtr> file(const std::string& path);
  core::Result<ClipPtr> tts(const std::string& text, const std::string& voice);
  void remember(const std::string& key, ClipPtr clip);
  void run();

  const MediaConfig cfg_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<PlayRequest, Done>> jobs_;
  bool stop_ = false;
  // Prep thread only.
  std::map<std::string, ClipPtr> cache_;
  std::deque<std::string> cacheOrder_;
  size_t cacheBytes_ = 0;
  int espeakRate_ = 0;
  std::thread thread_;
};

/// Reads an audio file and converts it to 8 kHz mono. Errors: "not_found", "invalid".
core::Result<ClipPtr> loadAudioFile(const std::string& path);
std::vector<int16_t> resampleTo8k(const std::vector<int16_t>& in, int inRate);
/// Builds the plan items that need no file (tones, silence); error for File/Tts items.
core::Result<PlanItem> toneOrSilenceItem(const PlayItem& item, const std::string& defaultPlan);

}  // namespace hujiao::media
