#include "media/mixer.h"

#include <algorithm>
#include <cstdlib>

#include "media/playback.h"
#include "media/rate_convert.h"
#include "media/recorder.h"

namespace hujiao::media {

Conference::Conference() = default;
Conference::~Conference() = default;

int frameLevel(const int16_t* pcm, int samples) {
  int64_t sum = 0;
  for (int i = 0; i < samples; ++i) sum += std::abs(static_cast<int>(pcm[i]));
  return samples > 0 ? static_cast<int>(sum / samples) : 0;
}

int mixFrame(const MixInput* in, int n, int maxSpeakers, int16_t* const* out, int16_t* total, const int16_t* extra,
             int samples) {
  samples = std::clamp(samples, 0, kMaxFrameSamples);
  constexpr int kMaxSel = 16;
  constexpr int kSilenceLevel = 40;  // below this mean amplitude a member is not a speaker
  int sel[kMaxSel];
  int selLevel[kMaxSel];
  int nsel = 0;
  maxSpeakers = std::clamp(maxSpeakers, 1, kMaxSel);
  for (int i = 0; i < n; ++i) {
    if (!in[i].pcm || !in[i].canSpeak) continue;
    int lvl = frameLevel(in[i].pcm, samples);
    if (lvl < kSilenceLevel) continue;
    if (nsel < maxSpeakers) {
      sel[nsel] = i;
      selLevel[nsel++] = lvl;
    } else {
      int weakest = static_cast<int>(std::min_element(selLevel, selLevel + nsel) - selLevel);
      if (lvl > selLevel[weakest]) {
        sel[weakest] = i;
        selLevel[weakest] = lvl;
      }
    }
  }
  int32_t sum[kMaxFrameSamples];
  for (int s = 0; s < samples; ++s) sum[s] = extra ? extra[s] : 0;
  for (int k = 0; k < nsel; ++k) {
    const int16_t* p = in[sel[k]].pcm;
    for (int s = 0; s < samples; ++s) sum[s] += p[s];
  }
  auto sat = [](int32_t v) { return static_cast<int16_t>(std::clamp(v, -32768, 32767)); };
  if (total) {
    for (int s = 0; s < samples; ++s) total[s] = sat(sum[s]);
  }
  for (int i = 0; i < n; ++i) {
    if (!out[i]) continue;
    bool selected = std::find(sel, sel + nsel, i) != sel + nsel;
    if (selected) {
      const int16_t* own = in[i].pcm;
      for (int s = 0; s < samples; ++s) out[i][s] = sat(sum[s] - own[s]);
    } else {
      for (int s = 0; s < samples; ++s) out[i][s] = sat(sum[s]);
    }
  }
  return nsel;
}

}  // namespace hujiao::media
