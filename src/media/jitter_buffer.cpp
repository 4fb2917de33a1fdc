#include "media/jitter_buffer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdlib>

namespace hujiao::media {

JitterBuffer::JitterBuffer(int minMs, int maxMs, int initMs, int rate)
    : minMs_(minMs), maxMs_(std::max(maxMs, minMs + 20)), rate_(rate == kWideRate ? kWideRate : kSampleRate),
      frame_(frameSamplesAt(rate_)), targetMs_(std::clamp(initMs, minMs, maxMs_)), slots_(new Slot[kSlots]),
      samplesPerPacket_(frame_) {}

void JitterBuffer::reset() {
  for (int i = 0; i < kSlots; ++i) slots_[i].used = false;
  used_ = 0;
  playing_ = false;
  started_ = false;
  haveSeq_ = false;
  haveTransit_ = false;
  pcmLen_ = 0;
  concealRun_ = 0;
}

bool JitterBuffer::takeSlot(uint16_t seq) {
  Slot& s = slots_[seq % kSlots];
  if (!s.used || s.seq != seq) return false;
  s.used = false;
  --used_;
  return true;
}

void JitterBuffer::dropOldest() {
  for (int i = 0; i < kSlots && used_ > 0; ++i) {
    bool had = takeSlot(nextSeq_);
    ++nextSeq_;
    if (had) {
      ++stats_.dropped;
      return;
    }
  }
}

int JitterBuffer::bufferedMs() const { return countBuffered() * packetMs_ + pcmLen_ / (rate_ / 1000); }

void JitterBuffer::put(uint16_t seq, uint32_t ts, const uint8_t* payload, size_t len, int64_t arrivalUs,
                       int tsPerMs) {
  if (len == 0 || len > kMaxPayload) {
    ++stats_.dropped;
    return;
  }
  // Jitter: variation of (arrival - media time), smoothed by 1/16 as in RFC 3550.
  int64_t transit = arrivalUs - static_cast<int64_t>(ts) * 1000 / std::max(tsPerMs, 1);
  if (haveTransit_) {
    int64_t d = std::llabs(transit - lastTransitUs_);
    if (d < 2'000'000) jitterUs_ += (static_cast<double>(d) - jitterUs_) / 16.0;
  }
  haveTransit_ = true;
  lastTransitUs_ = transit;

  if (haveSeq_) {
    int diff = static_cast<int16_t>(static_cast<uint16_t>(seq - nextSeq_));
    if (started_ && diff < 0) {
      ++stats_.late;
      return;
    }
    if (diff >= kSlots || diff < -kSlots) {  // a jump: new stream or long gap; start over
      reset();
      haveTransit_ = true;
      lastTransitUs_ = transit;
    }
  }
  if (!haveSeq_) {
    haveSeq_ = true;
    nextSeq_ = seq;
    highestSeq_ = seq;
  } else if (!started_ && seqNewerThan(nextSeq_, seq)) {
    nextSeq_ = seq;  // still buffering: start from the oldest packet seen
  }
  Slot& s = slots_[seq % kSlots];
  if (s.used && s.seq == seq) {
    ++stats_.dropped;
    return;
  }
  if (s.used) {
    ++stats_.dropped;  // overwritten: buffer overflow
  } else {
    ++used_;
  }
  s.used = true;
  s.seq = seq;
  s.len = static_cast<uint16_t>(len);
  std::memcpy(s.data, payload, len);
  if (static_cast<int16_t>(static_cast<uint16_t>(seq - highestSeq_)) > 0) highestSeq_ = seq;
  // Bounded: never hold more than the maximum delay.
  while (used_ * packetMs_ > maxMs_) dropOldest();
}

bool JitterBuffer::seqNewerThan(uint16_t a, uint16_t b) { return static_cast<int16_t>(static_cast<uint16_t>(a - b)) > 0; }

bool JitterBuffer::decodeNext(Codec& codec) {
  Slot& s = slots_[nextSeq_ % kSlots];
  int room = static_cast<int>(sizeof(pcm_) / sizeof(pcm_[0])) - pcmLen_;
  if (s.used && s.seq == nextSeq_) {
    s.used = false;
    --used_;
    int n = codec.decode(s.data, s.len, pcm_ + pcmLen_, room);
    if (n > 0) {
      samplesPerPacket_ = std::min(n, frame_ * 3);
      packetMs_ = std::max(samplesPerPacket_ / (rate_ / 1000), 1);
      pcmLen_ += n;
      ++stats_.played;
      concealRun_ = 0;
    } else {
      codec.conceal(pcm_ + pcmLen_, std::min(samplesPerPacket_, room));
      pcmLen_ += std::min(samplesPerPacket_, room);
      ++stats_.concealed;
    }
    ++nextSeq_;
    return true;
  }
  // Missing: conceal if later packets exist (it is lost), otherwise we ran dry.
  if (seqNewerThan(highestSeq_, nextSeq_)) {
    int n = std::min(samplesPerPacket_, room);
    codec.conceal(pcm_ + pcmLen_, n);
    pcmLen_ += n;
    ++stats_.concealed;
    ++nextSeq_;
    return true;
  }
  return false;
}

bool JitterBuffer::get(Codec& codec, int16_t* out) {
  if (!playing_) {
    // Start once the target delay is buffered.
    if (haveSeq_ && countBuffered() * packetMs_ >= std::max(targetMs_, packetMs_)) {
      playing_ = true;
      started_ = true;
      // After an underrun, resume at the oldest buffered packet instead of concealing the gap.
      for (int i = 0; i < kSlots && !(slots_[nextSeq_ % kSlots].used && slots_[nextSeq_ % kSlots].seq == nextSeq_); ++i) {
        ++nextSeq_;
      }
    } else {
      std::memset(out, 0, frame_ * 2);
      return false;
    }
  }
  while (pcmLen_ < frame_) {
    if (!decodeNext(codec)) break;
  }
  const bool decoded = pcmLen_ >= frame_;
  if (pcmLen_ < frame_) {
    // Underrun: conceal briefly (a late packet may still come), then go quiet and re-buffer.
    ++stats_.underruns;
    int missing = frame_ - pcmLen_;
    if (concealRun_ < 3) codec.conceal(pcm_ + pcmLen_, missing);
    else std::memset(pcm_ + pcmLen_, 0, missing * 2);
    pcmLen_ = frame_;
    ++concealRun_;
    playing_ = false;
    targetMs_ = std::min(targetMs_ + 20, maxMs_);
  }
  std::memcpy(out, pcm_, frame_ * 2);
  pcmLen_ -= frame_;
  if (pcmLen_ > 0) std::memmove(pcm_, pcm_ + frame_, pcmLen_ * 2);

  // Adapt: aim at ~3x jitter plus a packet, within bounds; shrink slowly by dropping a packet.
  int desired = std::clamp(static_cast<int>(3 * jitterUs_ / 1000) + packetMs_, minMs_, maxMs_);
  if (desired > targetMs_) targetMs_ = desired;
  int buffered = bufferedMs();
  if (buffered > targetMs_ + 2 * packetMs_) {
    if (++overTargetTicks_ > 50) {
      if (takeSlot(nextSeq_)) {
        ++nextSeq_;
        ++stats_.dropped;
      }
      overTargetTicks_ = 0;
    }
  } else {
    overTargetTicks_ = 0;
    if (desired < targetMs_ && buffered <= targetMs_) targetMs_ = std::max(desired, targetMs_ - 1);
  }
  return decoded;
}

}  // namespace hujiao::media
