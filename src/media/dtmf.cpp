#include "media/dtmf.h"

#include <spandsp.h>

#include <algorithm>
#include <cstring>

namespace hujiao::media {

std::optional<DtmfDigit> Rfc4733Receiver::onPacket(const TelephoneEvent& ev, uint32_t timestamp, int clockRate) {
  std::optional<DtmfDigit> out;
  if (ev.event > 15) return out;  // not DTMF (flash, tones...)
  if (active_ && timestamp != ts_) {
    if (!reported_) out = DtmfDigit{dtmfEventToChar(event_), duration_ * 1000 / clockRate_};
    active_ = false;
  }
  if (!active_) {
    if (reported_ && timestamp == ts_) return out;  // late retransmission of a finished event
    active_ = true;
    reported_ = false;
    ts_ = timestamp;
    event_ = ev.event;
    clockRate_ = clockRate > 0 ? clockRate : 8000;
  }
  duration_ = std::max(duration_, ev.duration);
  if (ev.end && !reported_) {
    duration_ = ev.duration;
    reported_ = true;
    active_ = false;
    DtmfDigit d{dtmfEventToChar(event_), duration_ * 1000 / clockRate_};
    duration_ = 0;
    if (out) return out;  // rare: previous digit lost its end; report it first, this one on the next end
    return d;
  }
  return out;
}

std::optional<DtmfDigit> Rfc4733Receiver::onIdle(int64_t nowUs, int idleMs) {
  if (active_ && !reported_ && nowUs - lastPacketUs_ > int64_t{idleMs} * 1000) {
    reported_ = true;
    active_ = false;
    DtmfDigit d{dtmfEventToChar(event_), duration_ * 1000 / clockRate_};
    duration_ = 0;
    return d;
  }
  return std::nullopt;
}

void Rfc4733Sender::queue(const std::string& digits, int durationMs) {
  for (char c : digits) {
    if (dtmfCharToEvent(c) >= 0) pending_.push_back(c);
  }
  durationMs_ = std::clamp(durationMs, 40, 2000);
}

bool Rfc4733Sender::next(uint8_t* payload, bool& newEvent, int& count) {
  newEvent = false;
  count = 1;
  if (state_ == State::Gap) {
    elapsedMs_ += 20;
    if (elapsedMs_ < 60) return false;
    state_ = State::Idle;
  }
  if (state_ == State::Idle) {
    if (pending_.empty()) return false;
    event_ = static_cast<uint8_t>(dtmfCharToEvent(pending_.front()));
    pending_.erase(0, 1);
    state_ = State::Tone;
    elapsedMs_ = 0;
    newEvent = true;
  }
  elapsedMs_ += 20;
  TelephoneEvent ev;
  ev.event = event_;
  ev.volume = 10;
  ev.duration = static_cast<uint16_t>(elapsedMs_ * 8);
  if (elapsedMs_ >= durationMs_) {
    ev.end = true;
    count = 3;  // RFC 4733 2.5.1.4: the end packet is sent three times
    state_ = State::Gap;
    elapsedMs_ = 0;
  }
  writeTelephoneEvent(payload, ev);
  return true;
}

InbandDtmfDetector::InbandDtmfDetector() : rx_(dtmf_rx_init(nullptr, nullptr, nullptr)) {
  dtmf_rx_set_realtime_callback(rx_, &InbandDtmfDetector::onTone, this);
  // Accept 8 dB twist / 4 dB reverse twist (ITU Q.24 national limits) and tones from -35 dBm0.
  dtmf_rx_parms(rx_, 0, 8, 4, -35);
}

InbandDtmfDetector::~InbandDtmfDetector() { dtmf_rx_free(rx_); }

void InbandDtmfDetector::release() {
  if (held_ && doneCount_ < 8) done_[doneCount_++] = DtmfDigit{held_, static_cast<int>((heldEnd_ - heldStart_) / 8)};
  held_ = 0;
}

void InbandDtmfDetector::onTone(void* user, int code, int /*level*/, int /*delay*/) {
  auto* self = static_cast<InbandDtmfDetector*>(user);
  constexpr int64_t kMinPause = 50 * 8;  // samples
  if (code != 0) {
    if (self->held_ == static_cast<char>(code) && self->samples_ - self->heldEnd_ < kMinPause) {
      self->startSample_ = self->heldStart_;  // same key, bridged dropout
      self->held_ = 0;
    } else {
      self->release();
      self->startSample_ = self->samples_;
    }
    self->current_ = static_cast<char>(code);
  } else if (self->current_ != 0) {
    self->release();
    self->held_ = self->current_;
    self->heldStart_ = self->startSample_;
    self->heldEnd_ = self->samples_;
    self->current_ = 0;
  }
}

int InbandDtmfDetector::gap(int samples, DtmfDigit* out, int max) {
  doneCount_ = 0;
  gapSamples_ += samples;
  if (gapSamples_ >= int64_t{kGapReleaseMs} * 8) {
    // The stream stopped: a tone still on ends where the audio ended; report it.
    if (current_ != 0) {
      release();
      held_ = current_;
      heldStart_ = startSample_;
      heldEnd_ = samples_;
      current_ = 0;
    }
    if (held_) release();
  }
  int n = std::min(doneCount_, max);
  std::copy(done_, done_ + n, out);
  return n;
}

int InbandDtmfDetector::process(const int16_t* pcm, int samples, DtmfDigit* out, int max) {
  doneCount_ = 0;
  gapSamples_ = 0;
  // Feed in small blocks so the sample clock in the callback is precise enough.
  for (int off = 0; off < samples; off += 40) {
    int n = std::min(40, samples - off);
    dtmf_rx(rx_, pcm + off, n);
    samples_ += n;
    if (held_ && samples_ - heldEnd_ >= 50 * 8) release();
  }
  int n = std::min(doneCount_, max);
  std::copy(done_, done_ + n, out);
  return n;
}

InbandDtmfGenerator::InbandDtmfGenerator() : tx_(dtmf_tx_init(nullptr)) {}
InbandDtmfGenerator::~InbandDtmfGenerator() { dtmf_tx_free(tx_); }

void InbandDtmfGenerator::queue(const std::string& digits, int durationMs) {
  dtmf_tx_set_timing(tx_, std::clamp(durationMs, 40, 2000), 60);
  std::string ok;
  for (char c : digits) {
    if (dtmfCharToEvent(c) >= 0) ok.push_back(c);
  }
  dtmf_tx_put(tx_, ok.c_str(), static_cast<int>(ok.size()));
}

bool InbandDtmfGenerator::generate(int16_t* out, int samples) {
  int n = dtmf_tx(tx_, out, samples);
  if (n < samples) std::memset(out + n, 0, (samples - n) * 2);
  return n > 0;
}

}  // namespace hujiao::media
