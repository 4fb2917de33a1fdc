#pragma once
// Adaptive, bounded jitter buffer for legs whose audio is decoded (mixing,
// transcoding, recording, in-band DTMF). Packets go in as they arrive (read
// phase); one 20 ms frame comes out per tick, decoded, with loss concealed by
// the codec's PLC. The target delay follows the measured jitter between
// min and max; a late packet is dropped, an underrun re-buffers.
//
// Threads: owned by one media worker; storage is allocated once at construction.
#include <cstdint>
#include <memory>

#include "media/codec.h"

namespace hujiao::media {

struct JitterStats {
  uint64_t played = 0;     // packets decoded
  uint64_t concealed = 0;  // packets lost and concealed
  uint64_t late = 0;       // arrived after their playout time
  uint64_t dropped = 0;    // duplicates, overflow, shrink
  uint64_t underruns = 0;
};

class JitterBuffer {
 public:
  static constexpr int kSlots = 32;
  static constexpr size_t kMaxPayload = 480;  // 60 ms of G.711

  /// `rate`: PCM rate of the codec given to get() (8000, or 16000 for a wideband leg).
  JitterBuffer(int minMs, int maxMs, int initMs, int rate = kSampleRate);
  /// Read phase. `arrivalUs` is a monotonic time; `tsPerMs` the RTP clock in units/ms.
  void put(uint16_t seq, uint32_t ts, const uint8_t* payload, size_t len, int64_t arrivalUs, int tsPerMs);
  /// Tick: one 20 ms frame (rate/50 samples) of audio (decoded, concealed or silence).
  /// Returns true when the whole frame is decoded from received packets (false: concealment,
  /// underrun silence or still buffering), so in-band detectors can tell a gap from a pause.
  bool get(Codec& codec, int16_t* out);
  void reset();

  int targetMs() const { return targetMs_; }
  int bufferedMs() const;
  const JitterStats& stats() const { return stats_; }

 private:
  struct Slot {
    bool used = false;
    uint16_t seq = 0;
    uint16_t len = 0;
    uint8_t data[kMaxPayload];
  };
  int countBuffered() const { return used_; }
  void dropOldest();
  bool takeSlot(uint16_t seq);
  static bool seqNewerThan(uint16_t a, uint16_t b);
  bool decodeNext(Codec& codec);

  const int minMs_, maxMs_;
  const int rate_, frame_;
  int targetMs_;
  std::unique_ptr<Slot[]> slots_;
  bool playing_ = false;
  bool started_ = false;  // played since the last reset: never go back in sequence
  int used_ = 0;          // occupied slots
  bool haveSeq_ = false;
  uint16_t nextSeq_ = 0;
  uint16_t highestSeq_ = 0;
  int packetMs_ = 20;
  int samplesPerPacket_ = kFrameSamples;
  // Jitter estimate (RFC 3550 style), in microseconds.
  bool haveTransit_ = false;
  int64_t lastTransitUs_ = 0;
  double jitterUs_ = 0;
  int overTargetTicks_ = 0;
  int concealRun_ = 0;
  // Decoded samples not yet played (a packet may hold more or less than a frame).
  int16_t pcm_[kMaxFrameSamples * 4];
  int pcmLen_ = 0;
  JitterStats stats_;
};

}  // namespace hujiao::media
