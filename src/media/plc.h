#pragma once
// Packet-loss concealment for waveform codecs without their own (G.711, G.722),
// in the manner of ITU-T G.711 Appendix I: on a lost frame, repeat the last
// pitch period of the decoded history (found by normalised cross-correlation
// over 5-15 ms), widening to two and three periods as the loss goes on so the
// repetition does not buzz; smooth every period wrap with an overlap-add; keep
// full level for 10 ms, then fade linearly to silence at 60 ms. The first good
// frame after a loss is cross-faded in from the synthetic signal.
//
// Replaces spandsp's plc (whose plc_fillin copies overlapping ranges with memcpy).
// Threads: one instance per decoded leg, used by its media worker only. Fixed
// storage; no allocation after construction.
#include <cstdint>

namespace hujiao::media {

class Plc {
 public:
  /// `rate` is 8000 or 16000 (history and pitch range scale with it).
  explicit Plc(int rate = 8000);
  /// A decoded (good) frame, in place: cross-faded if it ends a loss, then remembered.
  void good(int16_t* pcm, int samples);
  /// Writes `samples` of concealment audio for a lost frame.
  void conceal(int16_t* pcm, int samples);

  int pitch() const { return pitch_; }  // samples; 0 before the first loss
  int erasedSamples() const { return erased_; }

 private:
  static constexpr int kMaxRate = 16000;
  static constexpr int kMaxHist = 390 * (kMaxRate / 8000);  // 48.75 ms: 3 longest periods + a quarter
  int findPitch() const;
  int16_t synth();  // next concealment sample (before the fade), advances the position
  void remember(const int16_t* pcm, int samples);

  const int rate_;
  const int hist_;      // history length in samples
  const int minPitch_;  // 5 ms
  const int maxPitch_;  // 15 ms
  const int corrLen_;   // correlation window (20 ms, or less if the history is short)
  int16_t history_[kMaxHist] = {};
  int filled_ = 0;   // good samples seen, capped at hist_
  int erased_ = 0;   // samples concealed in the current loss
  int pitch_ = 0;
  int periods_ = 1;  // periods in the repeated segment
  int pos_ = 0;      // position in the segment
};

}  // namespace hujiao::media
