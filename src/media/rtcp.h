#pragma once
// RTCP (RFC 3550) sender/receiver reports, per-leg receive statistics
// (loss from extended sequence numbers, interarrival jitter per A.8) and a MOS
// estimate from the simplified E-model (ITU-T G.107). Pure code: the worker
// owns the state objects.
#include <cstddef>
#include <cstdint>

#include "media/codec.h"

namespace hujiao::media {

/// Receive-side statistics of one RTP stream (RFC 3550 A.1/A.3/A.8).
struct RxStats {
  bool started = false;
  uint32_t ssrc = 0;
  uint16_t maxSeq = 0;
  uint32_t cycles = 0;
  uint32_t baseSeq = 0;
  uint64_t received = 0;
  uint64_t bytes = 0;
  uint32_t expectedPrior = 0;
  uint64_t receivedPrior = 0;
  int64_t lastTransit = 0;
  double jitter = 0;  // timestamp units
  /// Per packet (hot path: a few integer operations). arrivalTs = arrival time in RTP units.
  void onPacket(uint32_t ssrcIn, uint16_t seq, uint32_t ts, uint32_t arrivalTs, size_t bytesIn);
  uint64_t expected() const;
  uint64_t lost() const;
};

/// What the peer told us in its reports.
struct RemoteReport {
  bool have = false;
  double fractionLost = 0;  // 0..1
  int64_t cumulativeLost = 0;
  double jitterUnits = 0;
  double rttMs = -1;
  uint32_t lastSrNtpMid = 0;   // middle 32 bits of the NTP time in their last SR (our LSR)
  int64_t lastSrArrivalUs = 0;  // monotonic
};

struct TxCounters {
  uint32_t packets = 0;
  uint32_t octets = 0;
  uint32_t lastRtpTs = 0;
};

/// Builds an SR (when we sent since the last report) or RR with one report block.
/// Returns the length written (<= cap), 0 if cap is too small.
size_t buildRtcpReport(uint8_t* out, size_t cap, uint32_t ourSsrc, const TxCounters& tx, bool sentRecently,
                       RxStats& rx, const RemoteReport& remote, int64_t nowMonoUs, int64_t nowWallUs);

/// Parses a compound RTCP packet, updating `remote` (RTT from LSR/DLSR, loss, jitter).
bool parseRtcp(const uint8_t* data, size_t len, uint32_t ourSsrc, RemoteReport& remote, int64_t nowMonoUs,
               int64_t nowWallUs);

/// ITU-T G.107 simplified: R from codec impairment, effective loss and one-way delay; MOS from R.
double estimateMos(CodecId codec, double lossPercent, double jitterMs, double oneWayDelayMs);

/// NTP 64-bit timestamp of a wall-clock time (UTC microseconds).
uint64_t ntpFromUnixUs(int64_t us);

}  // namespace hujiao::media
