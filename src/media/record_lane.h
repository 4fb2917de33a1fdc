#pragma once
// RecordLane: the receive path of a G.711 leg whose audio is decoded only to be
// recorded (a plain relayed bridge with a recording). The general path (jitter
// buffer with adaptive delay, PLC history and pitch search, virtual decode,
// memmove of the leftover) costs more per packet than the relay itself, so such a
// leg gets this instead: each 20 ms packet is decoded on arrival through the
// G.711 table straight into a small ring of frames placed by RTP timestamp, and
// each tick takes one frame out at a fixed delay (kDelay frames, 100 ms). A frame that
// did not arrive in time is recorded as silence (no concealment: the file
// shows the loss). Anything but 20 ms packets is refused (put() returns false)
// and the leg goes back to the jitter buffer.
//
// Threads: owned by one media worker; fixed-size storage, no allocation after
// construction.
#include <cstddef>
#include <cstdint>

#include "media/codec.h"

namespace hujiao::media {

class RecordLane {
 public:
  static constexpr int kFrames = 16;  // 320 ms of ring (5 KiB)
  // Frames between arrival and recording: absorbs 100 ms of jitter. Nobody listens to a
  // recording live, so the delay costs nothing but ring space.
  static constexpr int kDelay = 5;

  /// `decodeTable`: the 256-entry G.711 decoding table (g711DecodeTable()).
  explicit RecordLane(const int16_t* decodeTable) : table_(decodeTable) {}

  /// Read phase: one RTP payload with its timestamp. False when the payload is not a
  /// 20 ms G.711 frame (the caller then falls back to the jitter buffer).
  bool put(uint32_t ts, const uint8_t* payload, size_t len);
  /// Tick: the next 20 ms frame (160 samples) into `out`; true if it was received.
  bool get(int16_t* out);

  const int16_t* table() const { return table_; }
  uint64_t lateDropped() const { return late_; }
  uint64_t resyncs() const { return resyncs_; }

 private:
  void resync(uint32_t ts);

  const int16_t* table_;
  bool synced_ = false;
  uint32_t origin_ = 0;  // RTP timestamp of frame 0
  uint32_t play_ = 0;    // next frame get() returns
  int lateRun_ = 0;
  uint64_t late_ = 0;
  uint64_t resyncs_ = 0;
  uint32_t stamp_[kFrames] = {};  // frame number + 1 held in each slot (0: empty)
  int16_t pcm_[kFrames][kFrameSamples] = {};
};

}  // namespace hujiao::media
