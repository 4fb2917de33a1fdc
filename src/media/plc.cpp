#include "media/plc.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hujiao::media {

Plc::Plc(int rate)
    : rate_(std::clamp(rate, 8000, kMaxRate)),
      hist_(390 * rate_ / 8000),
      minPitch_(40 * rate_ / 8000),
      maxPitch_(120 * rate_ / 8000),
      corrLen_(160 * rate_ / 8000) {}

void Plc::remember(const int16_t* pcm, int samples) {
  if (samples <= 0) return;
  if (samples >= hist_) {
    std::memcpy(history_, pcm + (samples - hist_), static_cast<size_t>(hist_) * sizeof(int16_t));
  } else {
    std::memmove(history_, history_ + samples, static_cast<size_t>(hist_ - samples) * sizeof(int16_t));
    std::memcpy(history_ + (hist_ - samples), pcm, static_cast<size_t>(samples) * sizeof(int16_t));
  }
  filled_ = std::min(hist_, filled_ + samples);
}

int Plc::findPitch() const {
  // The lag whose period best predicts the last 20 ms (normalised cross-correlation).
  const int16_t* x = history_ + (hist_ - corrLen_);
  int best = minPitch_;
  double bestScore = 0;
  for (int p = minPitch_; p <= maxPitch_; ++p) {
    const int16_t* y = x - p;
    int64_t num = 0, energy = 0;
    for (int i = 0; i < corrLen_; ++i) {
      num += int64_t{x[i]} * y[i];
      energy += int64_t{y[i]} * y[i];
    }
    if (num <= 0 || energy == 0) continue;
    double score = static_cast<double>(num) / std::sqrt(static_cast<double>(energy));
    if (score > bestScore) {
      bestScore = score;
      best = p;
    }
  }
  return best;
}

int16_t Plc::synth() {
  // Cycle over the last `periods_` pitch periods of the history. The last quarter
  // period of the segment is cross-faded into the samples just before the segment's
  // start, so each wrap back to the start is continuous (overlap-add).
  const int seg = periods_ * pitch_;
  const int base = hist_ - seg;
  const int ola = std::max(1, pitch_ / 4);
  double v = history_[base + pos_];
  if (pos_ >= seg - ola) {
    int k = pos_ - (seg - ola);
    double t = (k + 1.0) / (ola + 1.0);
    v = (1.0 - t) * v + t * history_[base - ola + k];
  }
  pos_ = (pos_ + 1) % seg;
  return static_cast<int16_t>(std::lround(std::clamp(v, -32768.0, 32767.0)));
}

namespace {
/// Level of the n-th concealed sample: full for 10 ms, then -20% per 10 ms, silent at 60 ms.
double fadeGain(int n, int rate) {
  int tenMs = rate / 100;
  if (n < tenMs) return 1.0;
  return std::max(0.0, 1.0 - static_cast<double>(n - tenMs) / (5.0 * tenMs));
}
}  // namespace

void Plc::conceal(int16_t* pcm, int samples) {
  if (samples <= 0) return;
  if (filled_ == 0) {  // nothing heard yet: nothing to repeat
    std::memset(pcm, 0, static_cast<size_t>(samples) * sizeof(int16_t));
    erased_ += samples;
    return;
  }
  const int tenMs = rate_ / 100;
  if (erased_ == 0) {
    pitch_ = findPitch();
    periods_ = 1;
    pos_ = 0;
  }
  for (int i = 0; i < samples; ++i) {
    // Widen the repeated segment as the loss goes on (less buzz); the position moves
    // with it so the output stays on the same history sample.
    if (periods_ < 3 && erased_ >= periods_ * tenMs) {
      ++periods_;
      pos_ += pitch_;
    }
    double g = fadeGain(erased_, rate_);
    pcm[i] = static_cast<int16_t>(std::lround(synth() * g));
    ++erased_;
  }
}

void Plc::good(int16_t* pcm, int samples) {
  if (samples <= 0) return;
  if (erased_ > 0 && filled_ > 0 && pitch_ > 0) {
    // Cross-fade from the synthetic continuation into the real signal: a quarter
    // period, plus 4 ms for each further 10 ms lost, at most 10 ms.
    const int tenMs = rate_ / 100;
    int fade = pitch_ / 4 + (4 * rate_ / 1000) * ((erased_ - 1) / tenMs);
    fade = std::min({fade, tenMs, samples});
    for (int i = 0; i < fade; ++i) {
      if (periods_ < 3 && erased_ >= periods_ * tenMs) {
        ++periods_;
        pos_ += pitch_;
      }
      double s = synth() * fadeGain(erased_, rate_);
      ++erased_;
      double t = (i + 1.0) / (fade + 1.0);
      pcm[i] = static_cast<int16_t>(std::lround(std::clamp(t * pcm[i] + (1.0 - t) * s, -32768.0, 32767.0)));
    }
  }
  erased_ = 0;
  remember(pcm, samples);
}

}  // namespace hujiao::media
