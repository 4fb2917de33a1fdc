#include <gtest/gtest.h>

#include "media/dtmf.h"
#include "media/rtcp.h"
#include "media/rtp.h"

namespace hujiao::media {
namespace {

TEST(Rtp, WriteAndParse) {
  uint8_t p[40] = {};
  writeRtpHeader(p, 8, true, 65535, 0xdeadbeef, 0x12345678);
  auto h = parseRtp(p, 40);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->payloadType, 8);
  EXPECT_TRUE(h->marker);
  EXPECT_EQ(h->seq, 65535);
  EXPECT_EQ(h->timestamp, 0xdeadbeefu);
  EXPECT_EQ(h->ssrc, 0x12345678u);
  EXPECT_EQ(h->payloadLen, 28u);
}

TEST(Rtp, RejectsGarbageAndHandlesCsrcExtensionPadding) {
  uint8_t p[64] = {};
  EXPECT_FALSE(parseRtp(p, 64));  // version 0
  EXPECT_FALSE(parseRtp(p, 5));
  writeRtpHeader(p, 0, false, 1, 2, 3);
  p[0] = 0x80 | 0x20 | 0x10 | 1;  // padding, extension, one CSRC
  p[12 + 4 + 2] = 0;
  p[12 + 4 + 3] = 1;  // extension of one word
  p[63] = 4;          // four bytes of padding
  auto h = parseRtp(p, 64);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->headerLen, 12u + 4 + 8);
  EXPECT_EQ(h->payloadLen, 64u - 24 - 4);
  p[63] = 60;  // padding larger than the payload
  EXPECT_FALSE(parseRtp(p, 64));
  uint8_t rtcp[8] = {0x80, 200, 0, 1, 0, 0, 0, 0};
  EXPECT_FALSE(parseRtp(rtcp, 8));
}

TEST(Rfc4733, ParseWrite) {
  uint8_t b[4];
  writeTelephoneEvent(b, TelephoneEvent{11, true, 10, 800});
  auto e = parseTelephoneEvent(b, 4);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, 11);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 10);
  EXPECT_EQ(e->duration, 800);
  EXPECT_FALSE(parseTelephoneEvent(b, 3));
  EXPECT_EQ(dtmfEventToChar(11), '#');
  EXPECT_EQ(dtmfCharToEvent('*'), 10);
  EXPECT_EQ(dtmfCharToEvent('x'), -1);
}

TEST(Rfc4733, ReceiverReportsEachDigitOnceWithDuration) {
  Rfc4733Receiver rx;
  int reported = 0;
  for (uint16_t d = 160; d <= 800; d += 160) {
    if (rx.onPacket(TelephoneEvent{5, false, 10, d}, 1000, 8000)) ++reported;
  }
  std::optional<DtmfDigit> got;
  for (int i = 0; i < 3; ++i) {  // the end packet is sent three times
    auto r = rx.onPacket(TelephoneEvent{5, true, 10, 960}, 1000, 8000);
    if (r) {
      got = r;
      ++reported;
    }
  }
  EXPECT_EQ(reported, 1);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->digit, '5');
  EXPECT_EQ(got->durationMs, 120);
}

TEST(Rfc4733, LostEndPacketsStillReportTheDigit) {
  Rfc4733Receiver rx;
  EXPECT_FALSE(rx.onPacket(TelephoneEvent{1, false, 10, 160}, 1000, 8000));
  EXPECT_FALSE(rx.onPacket(TelephoneEvent{1, false, 10, 320}, 1000, 8000));
  // Next digit starts: the first one is reported on its behalf.
  auto r = rx.onPacket(TelephoneEvent{2, false, 10, 160}, 5000, 8000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->digit, '1');
  EXPECT_EQ(r->durationMs, 40);
  rx.noteTime(0);
  auto idle = rx.onIdle(1'000'000);
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->digit, '2');
}

TEST(Rfc4733, SenderSequence) {
  Rfc4733Sender tx;
  tx.queue("1#", 100);
  int packets = 0, events = 0, ends = 0;
  uint8_t p[4];
  for (int tick = 0; tick < 40; ++tick) {
    bool fresh = false;
    int count = 0;
    if (tx.next(p, fresh, count)) {
      packets += count;
      events += fresh ? 1 : 0;
      if (p[1] & 0x80) ++ends;
    }
  }
  EXPECT_EQ(events, 2);
  EXPECT_EQ(ends, 2);
  EXPECT_EQ(packets, 2 * (5 + 2));  // 5 packets per 100 ms digit, the last one x3
  EXPECT_FALSE(tx.busy());
}

TEST(Rtcp, ReportRoundTripGivesLossAndRtt) {
  RxStats rx;
  for (uint16_t s = 0; s < 100; ++s) {
    if (s % 10 == 3) continue;  // 10 % loss
    rx.onPacket(42, s, s * 160u, s * 160u, 160);
  }
  EXPECT_EQ(rx.expected(), 100u);
  EXPECT_EQ(rx.lost(), 10u);
  TxCounters tx{100, 16000, 5000};
  RemoteReport theirs;
  theirs.lastSrNtpMid = static_cast<uint32_t>(ntpFromUnixUs(1'700'000'000'000'000) >> 16);
  theirs.lastSrArrivalUs = 0;
  uint8_t buf[128];
  size_t n = buildRtcpReport(buf, sizeof buf, 7, tx, true, rx, theirs, 20'000, 1'700'000'000'020'000);
  ASSERT_EQ(n, 52u);
  // The peer (ssrc 42 sent to us) parses our report about its stream.
  RemoteReport seen;
  ASSERT_TRUE(parseRtcp(buf, n, 42, seen, 0, 1'700'000'000'070'000));
  EXPECT_TRUE(seen.have);
  EXPECT_NEAR(seen.fractionLost, 0.10, 0.01);
  EXPECT_EQ(seen.cumulativeLost, 10);
  EXPECT_NEAR(seen.rttMs, 50, 1);  // 70 ms since its SR minus our 20 ms hold
}

TEST(Rtcp, MosFallsWithLossAndDelay) {
  double clean = estimateMos(CodecId::Pcmu, 0, 0, 20);
  EXPECT_GT(clean, 4.3);
  EXPECT_LT(estimateMos(CodecId::Pcmu, 5, 10, 20), clean);
  EXPECT_LT(estimateMos(CodecId::Pcmu, 0, 0, 400), 3.9);
  EXPECT_LT(estimateMos(CodecId::G729, 0, 0, 20), clean);
  EXPECT_GE(estimateMos(CodecId::Pcmu, 100, 100, 1000), 1.0);
}

}  // namespace
}  // namespace hujiao::media
