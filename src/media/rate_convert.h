#pragma once
// 8 kHz <-> 16 kHz conversion of one continuous audio stream (speexdsp
// resampler, state kept between frames). Used where a wideband leg meets a
// narrowband one in a mix, or where 8 kHz sources (prompts, tones, in-band
// DTMF) feed a 16 kHz leg.
//
// Threads: one instance per stream, owned by one media worker. All memory is
// allocated at construction; process() does not allocate.
#include <cstdint>

struct SpeexResamplerState_;

namespace hujiao::media {

class RateConverter {
 public:
  RateConverter(int fromRate, int toRate);
  ~RateConverter();
  RateConverter(const RateConverter&) = delete;
  RateConverter& operator=(const RateConverter&) = delete;
  /// Converts `samples` at fromRate() into out (samples * to / from of them; `out` must hold that many).
  /// Returns the samples written (exactly the ratio once the filter has primed).
  int process(const int16_t* in, int samples, int16_t* out);
  void reset();
  int fromRate() const { return from_; }
  int toRate() const { return to_; }

 private:
  int from_, to_;
  SpeexResamplerState_* st_ = nullptr;
};

}  // namespace hujiao::media
