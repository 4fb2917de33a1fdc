#include "media/playback.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hujiao::media {

namespace {

// Call-progress tones. China: GB 3380 / YD/T 1277 style 450 Hz plans.
// North America: ANSI T1.401 "precise tone plan".
const struct {
  const char* plan;
  const char* name;
  ToneSpec spec;
} kTones[] = {
    {"cn", "dial", {450, 0, -10, {}}},
    {"cn", "ringback", {450, 0, -10, {1000, 4000}}},
    {"cn", "busy", {450, 0, -10, {350, 350}}},
    {"cn", "congestion", {450, 0, -10, {700, 700}}},
    {"cn", "call_waiting", {450, 0, -13, {400, 4000}}},
    {"na", "dial", {350, 440, -13, {}}},
    {"na", "ringback", {440, 480, -19, {2000, 4000}}},
    {"na", "busy", {480, 620, -24, {500, 500}}},
    {"na", "congestion", {480, 620, -24, {250, 250}}},
    {"na", "call_waiting", {440, 0, -13, {300, 9700}}},
};

constexpr double kPi = 3.14159265358979323846;

}  // namespace

const ToneSpec* findTone(const std::string& plan, const std::string& name) {
  for (const auto& t : kTones) {
    if (plan == t.plan && name == t.name) return &t.spec;
  }
  return nullptr;
}

ToneGenerator::ToneGenerator(const ToneSpec& spec) : spec_(spec) {
  // 0 dBm0 is 3.14 dB below a full-scale sine (G.711).
  amp_ = 32767.0 * std::pow(10.0, (spec_.levelDbm0 - 3.14) / 20.0);
  c1_ = 2 * std::cos(2 * kPi * spec_.f1 / kSampleRate);
  c2_ = 2 * std::cos(2 * kPi * spec_.f2 / kSampleRate);
  segmentLeft_ = spec_.cadenceMs.empty() ? 0 : spec_.cadenceMs[0] * kSampleRate / 1000;
  restartOscillators();
}

void ToneGenerator::restartOscillators() {
  // y[n] = c*y[n-1] - y[n-2] with y[-1] = 0, y[-2] = -sin(w) gives sin(w*n).
  y1a_ = 0;
  y1b_ = -std::sin(2 * kPi * spec_.f1 / kSampleRate);
  y2a_ = 0;
  y2b_ = -std::sin(2 * kPi * spec_.f2 / kSampleRate);
}

void ToneGenerator::generate(int16_t* out, int samples) {
  for (int i = 0; i < samples; ++i) {
    bool on = true;
    if (!spec_.cadenceMs.empty()) {
      while (segmentLeft_ <= 0) {
        segment_ = (segment_ + 1) % spec_.cadenceMs.size();
        segmentLeft_ = spec_.cadenceMs[segment_] * kSampleRate / 1000;
        if (segment_ % 2 == 0) restartOscillators();
      }
      on = segment_ % 2 == 0;
      --segmentLeft_;
    }
    double v = 0;
    if (on) {
      double a = c1_ * y1a_ - y1b_;
      y1b_ = y1a_;
      y1a_ = a;
      v = a;
      if (spec_.f2 > 0) {
        double b = c2_ * y2a_ - y2b_;
        y2b_ = y2a_;
        y2a_ = b;
        v += b;
      }
    }
    out[i] = static_cast<int16_t>(std::lround(v * amp_));
  }
}

Playback::Playback(std::shared_ptr<const PlaybackPlan> plan) : plan_(std::move(plan)) {
  if (plan_->items.empty()) finished_ = true;
  else enterItem();
}

void Playback::enterItem() {
  pos_ = 0;
  const PlanItem& it = plan_->items[item_];
  if (it.kind == PlanItem::Kind::Tone) tone_ = std::make_unique<ToneGenerator>(it.tone);
  else tone_.reset();
}

bool Playback::next(int16_t* out) {
  int filled = 0;
  while (filled < kFrameSamples && !finished_) {
    const PlanItem& it = plan_->items[item_];
    size_t total = 0;  // samples in this item; 0 = endless
    switch (it.kind) {
      case PlanItem::Kind::Clip: total = it.clip ? it.clip->samples.size() : 0; break;
      case PlanItem::Kind::Tone: total = static_cast<size_t>(it.durationMs) * kSampleRate / 1000; break;
      case PlanItem::Kind::Silence: total = static_cast<size_t>(it.durationMs) * kSampleRate / 1000; break;
    }
    bool endless = it.kind == PlanItem::Kind::Tone && it.durationMs == 0;
    size_t left = endless ? static_cast<size_t>(kFrameSamples) : (total > pos_ ? total - pos_ : 0);
    auto n = static_cast<int>(std::min<size_t>(left, static_cast<size_t>(kFrameSamples - filled)));
    if (n > 0) {
      if (it.kind == PlanItem::Kind::Clip) std::memcpy(out + filled, it.clip->samples.data() + pos_, n * 2);
      else if (it.kind == PlanItem::Kind::Tone) tone_->generate(out + filled, n);
      else std::memset(out + filled, 0, n * 2);
      filled += n;
      pos_ += static_cast<size_t>(n);
    }
    if (!endless && pos_ >= total) {
      ++item_;
      if (item_ >= plan_->items.size()) {
        item_ = 0;
        ++loopsDone_;
        if (plan_->loops != 0 && loopsDone_ >= plan_->loops) finished_ = true;
        // A plan of only empty items would spin forever when looped.
        bool anyAudio = std::any_of(plan_->items.begin(), plan_->items.end(), [](const PlanItem& p) {
          return p.durationMs > 0 || (p.kind == PlanItem::Kind::Tone) || (p.clip && !p.clip->samples.empty());
        });
        if (!anyAudio) finished_ = true;
      }
      if (!finished_) enterItem();
    }
  }
  if (filled < kFrameSamples) std::memset(out + filled, 0, (kFrameSamples - filled) * 2);
  return !finished_ || filled > 0;
}

}  // namespace hujiao::media
