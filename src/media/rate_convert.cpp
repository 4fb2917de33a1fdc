#include "media/rate_convert.h"

#include <speex/speex_resampler.h>

#include <cstring>

namespace hujiao::media {

RateConverter::RateConverter(int fromRate, int toRate) : from_(fromRate), to_(toRate) {
  int err = 0;
  // Quality 4: ~-70 dB images/aliases; cheap enough for per-frame use on a worker.
  st_ = speex_resampler_init(1, static_cast<spx_uint32_t>(from_), static_cast<spx_uint32_t>(to_), 4, &err);
}

RateConverter::~RateConverter() {
  if (st_) speex_resampler_destroy(st_);
}

void RateConverter::reset() {
  if (st_) speex_resampler_reset_mem(st_);
}

int RateConverter::process(const int16_t* in, int samples, int16_t* out) {
  int want = static_cast<int>(static_cast<int64_t>(samples) * to_ / from_);
  if (!st_) {
    std::memset(out, 0, static_cast<size_t>(want) * sizeof(int16_t));
    return want;
  }
  auto inLen = static_cast<spx_uint32_t>(samples);
  auto outLen = static_cast<spx_uint32_t>(want);
  speex_resampler_process_int(st_, 0, in, &inLen, out, &outLen);
  // The fixed 2:1 / 1:2 ratio gives exactly `want`; pad defensively so callers always get a full frame.
  if (static_cast<int>(outLen) < want) {
    std::memset(out + outLen, 0, static_cast<size_t>(want - static_cast<int>(outLen)) * sizeof(int16_t));
  }
  return want;
}

}  // namespace hujiao::media
