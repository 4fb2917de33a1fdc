#pragma once
// DTMF: RFC 4733 receive/send state machines and in-band detection/generation
// (spandsp dtmf_rx/dtmf_tx). Each digit is reported once, with its duration.
//
// Threads: every object here belongs to one media worker.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "media/rtp.h"

struct dtmf_rx_state_s;
struct dtmf_tx_state_s;

namespace hujiao::media {

struct DtmfDigit {
  char digit = 0;
  int durationMs = 0;
};

/// Reassembles RFC 4733 events: one digit per event timestamp, reported on the
/// first end packet (retransmitted ends ignored), or when the next event starts
/// if every end packet was lost.
class Rfc4733Receiver {
 public:
  std::optional<DtmfDigit> onPacket(const TelephoneEvent& ev, uint32_t timestamp, int clockRate);
  /// Tick: an event with no packet for `idleMs` ends (its end packets were lost).
  std::optional<DtmfDigit> onIdle(int64_t nowUs, int idleMs = 500);
  void noteTime(int64_t nowUs) { lastPacketUs_ = nowUs; }

 private:
  bool active_ = false;
  bool reported_ = false;
  uint32_t ts_ = 0;
  uint8_t event_ = 0;
  uint16_t duration_ = 0;
  int clockRate_ = 8000;
  int64_t lastPacketUs_ = 0;
};

/// Produces RFC 4733 packets for queued digits, one call per 20 ms tick.
class Rfc4733Sender {
 public:
  void queue(const std::string& digits, int durationMs);
  bool busy() const { return !pending_.empty() || state_ != State::Idle; }
  /// Writes the payload (4 bytes) of the packet due this tick, if any. `newEvent`
  /// says the marker bit is set and a new timestamp begins; `count` is how many
  /// copies to send (end packets are sent three times).
  bool next(uint8_t* payload, bool& newEvent, int& count);

 private:
  enum class State { Idle, Tone, Gap };
  std::string pending_;
  int durationMs_ = 100;
  State state_ = State::Idle;
  uint8_t event_ = 0;
  int elapsedMs_ = 0;
};

/// spandsp DTMF receiver with durations. Call process() with each 20 ms frame.
class InbandDtmfDetector {
 public:
  InbandDtmfDetector();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;
  /// Returns the number of finished digits written to out (at most `max`).
  int process(const int16_t* pcm, int samples, DtmfDigit* out, int max);
  /// A frame with no received audio (jitter-buffer underrun, concealment): not fed to
  /// the detector, so a network gap inside a tone does not split it into two key
  /// presses; a digit held at the gap is released after `kGapReleaseMs` of it.
  int gap(int samples, DtmfDigit* out, int max);
  static constexpr int kGapReleaseMs = 200;

 private:
  static void onTone(void* self, int code, int level, int delay);
  dtmf_rx_state_s* rx_;
  int64_t samples_ = 0;
  int64_t startSample_ = 0;
  char current_ = 0;
  DtmfDigit done_[8];
  int doneCount_ = 0;
  // A digit that just ended is held briefly: if the same digit resumes within
  // the minimum inter-digit pause (Q.24: 40 ms), the break was a dropout (packet
  // loss, jitter-buffer underrun), not a new key press.
  char held_ = 0;
  int64_t heldStart_ = 0;
  int64_t heldEnd_ = 0;
  int64_t gapSamples_ = 0;  // consecutive samples with no received audio
  void release();
};

/// spandsp DTMF generator for peers without telephone-event.
class InbandDtmfGenerator {
 public:
  InbandDtmfGenerator();
  ~InbandDtmfGenerator();
  InbandDtmfGenerator(const InbandDtmfGenerator&) = delete;
  InbandDtmfGenerator& operator=(const InbandDtmfGenerator&) = delete;
  void queue(const std::string& digits, int durationMs);
  /// Fills `samples`; returns false when nothing is left to play (out is silence).
  bool generate(int16_t* out, int samples);

 private:
  dtmf_tx_state_s* tx_;
};

}  // namespace hujiao::media
