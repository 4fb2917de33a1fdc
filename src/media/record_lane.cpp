#include "media/record_lane.h"

#include <cstring>

namespace hujiao::media {

void RecordLane::resync(uint32_t ts) {
  // The packet at `ts` lands kDelay frames after the next one played.
  origin_ = ts - (play_ + kDelay) * static_cast<uint32_t>(kFrameSamples);
  std::memset(stamp_, 0, sizeof stamp_);
  synced_ = true;
  lateRun_ = 0;
  ++resyncs_;
}

bool RecordLane::put(uint32_t ts, const uint8_t* payload, size_t len) {
  if (len != static_cast<size_t>(kFrameSamples)) return false;
  if (!synced_) resync(ts);
  uint32_t off = ts - origin_;
  if (off % kFrameSamples != 0) {  // the sender's timestamps moved off the grid (new stream)
    resync(ts);
    off = ts - origin_;
  }
  uint32_t f = off / kFrameSamples;
  auto ahead = static_cast<int32_t>(f - play_);
  if (ahead < 0) {
    // Late: drop one (reordering, jitter beyond kDelay); a second in a row means the
    // sender's clock fell behind ours: re-anchor rather than drop everything from now on.
    ++late_;
    if (++lateRun_ < 2 && ahead > -kFrames) return true;
    resync(ts);
    f = play_ + kDelay;
  } else if (ahead >= kFrames) {  // a jump ahead (timestamp gap, new stream, fast clock)
    resync(ts);
    f = play_ + kDelay;
  }
  lateRun_ = 0;
  const size_t slot = f % kFrames;
  stamp_[slot] = f + 1;
  int16_t* dst = pcm_[slot];
  for (int i = 0; i < kFrameSamples; ++i) dst[i] = table_[payload[i]];
  return true;
}

bool RecordLane::get(int16_t* out) {
  const size_t slot = play_ % kFrames;
  const bool have = synced_ && stamp_[slot] == play_ + 1;
  if (have) {
    std::memcpy(out, pcm_[slot], sizeof pcm_[slot]);
    stamp_[slot] = 0;
  } else {
    std::memset(out, 0, sizeof pcm_[slot]);
  }
  ++play_;
  return have;
}

}  // namespace hujiao::media
