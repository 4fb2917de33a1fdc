#pragma once
// Players: PCM clips (prompts, TTS), call-progress tones and silence, played in
// sequence and looped, producing one 20 ms frame per media tick.
//
// Threads: a PlaybackPlan is built on the media prep thread (files, TTS) or the
// control thread (tones), then handed to a worker and never changed; the
// Playback cursor belongs to that worker.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media/codec.h"

namespace hujiao::media {

/// 8 kHz mono 16-bit audio.
struct PcmClip {
  std::vector<int16_t> samples;
};
using ClipPtr = std::shared_ptr<const PcmClip>;

/// A call-progress tone: one or two frequencies, a cadence of on/off durations.
struct ToneSpec {
  int f1 = 0;
  int f2 = 0;          // 0 = single frequency
  int levelDbm0 = -13;  // per frequency
  std::vector<int> cadenceMs;  // on, off, on, off...; empty = continuous
};

/// Tone by plan ("cn", "na") and name ("dial", "ringback", "busy", "congestion", "call_waiting").
const ToneSpec* findTone(const std::string& plan, const std::string& name);

struct PlanItem {
  enum class Kind { Clip, Tone, Silence };
  Kind kind = Kind::Silence;
  ClipPtr clip;
  ToneSpec tone;
  int durationMs = 0;  // Tone: 0 = until stopped; Silence: length
};

struct PlaybackPlan {
  uint64_t requestId = 0;
  std::vector<PlanItem> items;
  int loops = 1;  // 0 = forever
  bool stopOnDtmf = false;
};

/// Sine pair generator with cadence; cheap recursive oscillators.
class ToneGenerator {
 public:
  explicit ToneGenerator(const ToneSpec& spec);
  void generate(int16_t* out, int samples);

 private:
  void restartOscillators();
  const ToneSpec spec_;
  double c1_ = 0, c2_ = 0, amp_ = 0;
  double y1a_ = 0, y1b_ = 0, y2a_ = 0, y2b_ = 0;
  size_t segment_ = 0;
  int segmentLeft_ = 0;  // samples
};

/// Cursor over a plan; the worker calls next() once per tick.
class Playback {
 public:
  explicit Playback(std::shared_ptr<const PlaybackPlan> plan);
  /// Fills 160 samples; returns false once the plan is finished (the frame is then padded with silence).
  bool next(int16_t* out);
  uint64_t requestId() const { return plan_->requestId; }
  bool stopOnDtmf() const { return plan_->stopOnDtmf; }

 private:
  void enterItem();
  std::shared_ptr<const PlaybackPlan> plan_;
  size_t item_ = 0;
  int loopsDone_ = 0;
  size_t pos_ = 0;  // samples into the current item
  std::unique_ptr<ToneGenerator> tone_;
  bool finished_ = false;
};

}  // namespace hujiao::media
