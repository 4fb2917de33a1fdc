#include "media/rtcp.h"

#include <algorithm>
#include <cmath>

namespace hujiao::media {

namespace {
inline uint32_t rd32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
         p[3];
}
inline void wr32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
constexpr int64_t kNtpUnixOffsetS = 2208988800LL;
}  // namespace

void RxStats::onPacket(uint32_t ssrcIn, uint16_t seq, uint32_t ts, uint32_t arrivalTs, size_t bytesIn) {
  if (!started || ssrcIn != ssrc) {
    started = true;
    ssrc = ssrcIn;
    maxSeq = seq;
    cycles = 0;
    baseSeq = seq;
    received = 0;
    expectedPrior = 0;
    receivedPrior = 0;
    jitter = 0;
    lastTransit = static_cast<int64_t>(arrivalTs) - ts;
  }
  auto delta = static_cast<uint16_t>(seq - maxSeq);
  if (delta < 3000) {
    if (seq < maxSeq) cycles += 65536;
    maxSeq = seq;
  } else if (delta > 65536 - 100) {
    // reordered/duplicate: counted as received, sequence state unchanged
  } else {
    // a big jump: restart the sequence (RFC 3550 A.1 would probe; we resync at once)
    baseSeq = seq;
    maxSeq = seq;
    cycles = 0;
    received = 0;
    expectedPrior = 0;
    receivedPrior = 0;
  }
  ++received;
  bytes += bytesIn;
  int64_t transit = static_cast<int64_t>(arrivalTs) - ts;
  int64_t d = transit - lastTransit;
  lastTransit = transit;
  if (d < 0) d = -d;
  if (d < 1'000'000) jitter += (static_cast<double>(d) - jitter) / 16.0;
}

uint64_t RxStats::expected() const {
  if (!started) return 0;
  return static_cast<uint64_t>(cycles) + maxSeq - baseSeq + 1;
}

uint64_t RxStats::lost() const {
  uint64_t e = expected();
  return e > received ? e - received : 0;
}

uint64_t ntpFromUnixUs(int64_t us) {
  auto sec = static_cast<uint64_t>(us / 1'000'000 + kNtpUnixOffsetS);
  auto frac = static_cast<uint64_t>((us % 1'000'000) * 4294967296.0 / 1e6);
  return sec << 32 | frac;
}

size_t buildRtcpReport(uint8_t* out, size_t cap, uint32_t ourSsrc, const TxCounters& tx, bool sentRecently,
                       RxStats& rx, const RemoteReport& remote, int64_t nowMonoUs, int64_t nowWallUs) {
  bool sr = sentRecently;
  int rc = rx.started ? 1 : 0;
  size_t len = 8 + (sr ? 20 : 0) + 24 * static_cast<size_t>(rc);
  if (cap < len) return 0;
  out[0] = static_cast<uint8_t>(0x80 | rc);
  out[1] = sr ? 200 : 201;
  auto words = static_cast<uint16_t>(len / 4 - 1);
  out[2] = static_cast<uint8_t>(words >> 8);
  out[3] = static_cast<uint8_t>(words);
  wr32(out + 4, ourSsrc);
  uint8_t* p = out + 8;
  if (sr) {
    uint64_t ntp = ntpFromUnixUs(nowWallUs);
    wr32(p, static_cast<uint32_t>(ntp >> 32));
    wr32(p + 4, static_cast<uint32_t>(ntp));
    wr32(p + 8, tx.lastRtpTs);
    wr32(p + 12, tx.packets);
    wr32(p + 16, tx.octets);
    p += 20;
  }
  if (rc) {
    uint64_t expected = rx.expected();
    auto expectedInterval = static_cast<int64_t>(expected - rx.expectedPrior);
    auto receivedInterval = static_cast<int64_t>(rx.received - rx.receivedPrior);
    rx.expectedPrior = static_cast<uint32_t>(expected);
    rx.receivedPrior = rx.received;
    int64_t lostInterval = expectedInterval - receivedInterval;
    uint8_t fraction = (expectedInterval == 0 || lostInterval <= 0)
                           ? 0
                           : static_cast<uint8_t>(std::min<int64_t>((lostInterval << 8) / expectedInterval, 255));
    auto cumLost = static_cast<int64_t>(rx.lost());
    cumLost = std::clamp<int64_t>(cumLost, -8388608, 8388607);
    wr32(p, rx.ssrc);
    wr32(p + 4, static_cast<uint32_t>(fraction) << 24 | (static_cast<uint32_t>(cumLost) & 0xffffff));
    wr32(p + 8, rx.cycles | rx.maxSeq);
    wr32(p + 12, static_cast<uint32_t>(rx.jitter));
    uint32_t lsr = 0;
    uint32_t dlsr = 0;
    if (remote.lastSrNtpMid != 0) {
      lsr = remote.lastSrNtpMid;
      dlsr = static_cast<uint32_t>((nowMonoUs - remote.lastSrArrivalUs) * 65536 / 1'000'000);
    }
    wr32(p + 16, lsr);
    wr32(p + 20, dlsr);
  }
  return len;
}

bool parseRtcp(const uint8_t* d, size_t len, uint32_t ourSsrc, RemoteReport& remote, int64_t nowMonoUs,
               int64_t nowWallUs) {
  bool any = false;
  while (len >= 8) {
    if ((d[0] >> 6) != 2) return any;
    size_t plen = (static_cast<size_t>(d[2]) << 8 | d[3]) * 4 + 4;
    if (plen > len) return any;
    int rc = d[0] & 0x1f;
    uint8_t pt = d[1];
    const uint8_t* blocks = nullptr;
    if (pt == 200 && plen >= 28) {
      uint32_t ntpHi = rd32(d + 8);
      uint32_t ntpLo = rd32(d + 12);
      remote.lastSrNtpMid = (ntpHi << 16) | (ntpLo >> 16);
      remote.lastSrArrivalUs = nowMonoUs;
      blocks = d + 28;
    } else if (pt == 201) {
      blocks = d + 8;
    }
    if (blocks) {
      for (int i = 0; i < rc; ++i) {
        const uint8_t* b = blocks + 24 * i;
        if (b + 24 > d + plen) break;
        if (rd32(b) != ourSsrc) continue;
        remote.have = true;
        remote.fractionLost = b[4] / 256.0;
        uint32_t cl = rd32(b + 4) & 0xffffff;
        remote.cumulativeLost = (cl & 0x800000) ? static_cast<int64_t>(cl) - 0x1000000 : cl;
        remote.jitterUnits = rd32(b + 12);
        uint32_t lsr = rd32(b + 16);
        uint32_t dlsr = rd32(b + 20);
        if (lsr != 0) {
          uint64_t ntp = ntpFromUnixUs(nowWallUs);
          auto nowMid = static_cast<uint32_t>(ntp >> 16);
          auto rtt = static_cast<int32_t>(nowMid - lsr - dlsr);
          if (rtt >= 0) remote.rttMs = rtt * 1000.0 / 65536.0;
        }
      }
      any = true;
    }
    d += plen;
    len -= plen;
  }
  return any;
}

double estimateMos(CodecId codec, double lossPercent, double jitterMs, double oneWayDelayMs) {
  // Equipment impairment Ie and packet-loss robustness Bpl (G.113 Appendix I values).
  double ie = 0, bpl = 25.1;  // G.711 with PLC
  switch (codec) {
    case CodecId::Pcmu:
    case CodecId::Pcma: ie = 0; bpl = 25.1; break;
    case CodecId::G722: ie = 0; bpl = 20; break;  // narrowband-equivalent scale
    case CodecId::G729: ie = 11; bpl = 19; break;
    case CodecId::Opus: ie = 5; bpl = 25; break;
  }
  double ppl = std::max(lossPercent, 0.0);
  double ieEff = ie + (95 - ie) * ppl / (ppl + bpl);
  // Jitter-buffer delay (about twice the jitter) adds to the one-way delay.
  double d = std::max(oneWayDelayMs, 0.0) + 2 * std::max(jitterMs, 0.0);
  double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  double r = 93.2 - id - ieEff;
  if (r <= 0) return 1.0;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

}  // namespace hujiao::media
