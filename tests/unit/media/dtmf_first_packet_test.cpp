// Issue 5's defect as the media plane sees it: sipp replays RFC 4733 digits from
// pcaps, so the first packet an answered endpoint ever receives is a
// telephone-event, each digit keeps the pcap's own sequence numbers and
// timestamps (going backwards between digits), all under one SSRC, with the end
// packet sent three times. These packets are the ones in sipp's dtmf_2833_*.pcap.
#include <gtest/gtest.h>

#include "engine_harness.h"
#include "media/dtmf.h"

namespace hujiao::media {
namespace {

using test::Harness;
using test::Peer;

struct PcapDigit {
  uint8_t event;
  uint16_t seq;
  uint32_t ts;
};
constexpr uint32_t kSippSsrc = 0x0e05384e;

/// One digit as sipp's pcap holds it: 7 updates then the end packet three times.
void replay(Harness& h, Peer& p, int port, const PcapDigit& d) {
  for (int i = 0; i < 8; ++i) {
    uint8_t ev[4];
    bool end = i == 7;
    writeTelephoneEvent(ev, TelephoneEvent{d.event, end, 10, static_cast<uint16_t>(320 * i)});
    for (int copies = end ? 3 : 1; copies > 0; --copies) {
      p.sendRtp(port, 101, static_cast<uint16_t>(d.seq + i), d.ts, kSippSsrc, std::vector<uint8_t>(ev, ev + 4),
                i == 0);
    }
    h.pump(20);
  }
}

std::string digitsOf(const Harness& h) {
  std::string out;
  for (const auto& e : h.events) {
    if (e.type == MediaEvent::Type::DtmfDigit) out += e.digit;
  }
  return out;
}

TEST(DtmfFirstPacket, SippPcapDigitsAreReportedWhenTheFirstPacketIsATelephoneEvent) {
  Harness h;
  Peer p;
  EndpointId a = h.answered(p);
  ASSERT_TRUE(h.engine->detectDtmf(a, true));
  h.pump(60);
  int port = h.engine->portOf(a);
  // "2" then "1": the second digit's sequence numbers and timestamp are lower.
  replay(h, p, port, PcapDigit{2, 8042, 23200});
  replay(h, p, port, PcapDigit{1, 7984, 13280});
  h.pump(2000, [&] { return digitsOf(h).size() >= 2; });
  h.pump(100);
  EXPECT_EQ(digitsOf(h), "21");
  for (const auto& e : h.events) {
    if (e.type == MediaEvent::Type::DtmfDigit) {
      EXPECT_EQ(e.durationMs, 280);  // 2240 / 8 kHz
    }
  }
}

TEST(DtmfFirstPacket, WithoutDetectionTelephoneEventsOnlyStopABargeInPrompt) {
  // The contract the IVR missed: digits are reported only where control turned
  // detection on; a stopOnDtmf prompt still ends, with reason "dtmf".
  Harness h;
  Peer p;
  EndpointId a = h.answered(p);
  PlayRequest r;
  r.requestId = 3;
  r.stopOnDtmf = true;
  r.loops = 0;
  PlayItem t;
  t.kind = PlayItem::Kind::Tone;
  t.tone = "ringback";
  r.items.push_back(t);
  ASSERT_TRUE(h.engine->play(a, r));
  h.pump(60);
  replay(h, p, h.engine->portOf(a), PcapDigit{5, 8155, 43200});
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::PlaybackDone));
  const MediaEvent* done = h.find(MediaEvent::Type::PlaybackDone);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->reason, "dtmf");
  h.pump(700);  // past the receiver's idle check
  EXPECT_EQ(digitsOf(h), "");
  // Turned on later (no audio in between): the next replayed digit is reported.
  ASSERT_TRUE(h.engine->detectDtmf(a, true));
  h.pump(60);
  replay(h, p, h.engine->portOf(a), PcapDigit{11, 8436, 92640});
  h.pump(2000, [&] { return !digitsOf(h).empty(); });
  EXPECT_EQ(digitsOf(h), "#");
}

// The in-band counterpart seen under load: a sender that stalls mid-tone leaves the
// jitter buffer concealing; those frames are gaps, not a pause between two presses.
TEST(DtmfFirstPacket, InbandToneSplitByANetworkGapIsOneDigit) {
  InbandDtmfGenerator gen;
  gen.queue("5", 160);
  InbandDtmfDetector det;
  std::string got;
  DtmfDigit d[4];
  int16_t pcm[160];
  for (int frame = 0; frame < 20; ++frame) {
    gen.generate(pcm, 160);
    int n = (frame >= 3 && frame < 7) ? det.gap(160, d, 4) : det.process(pcm, 160, d, 4);  // 80 ms lost
    for (int i = 0; i < n; ++i) got += d[i].digit;
  }
  EXPECT_EQ(got, "5");
  // A stream that stops right after a digit still reports it once the gap is long enough.
  gen.queue("7", 100);
  for (int frame = 0; frame < 6; ++frame) {
    gen.generate(pcm, 160);
    int n = det.process(pcm, 160, d, 4);
    for (int i = 0; i < n; ++i) got += d[i].digit;
  }
  for (int frame = 0; frame < InbandDtmfDetector::kGapReleaseMs / 20 + 1; ++frame) {
    int n = det.gap(160, d, 4);
    for (int i = 0; i < n; ++i) got += d[i].digit;
  }
  EXPECT_EQ(got, "57");
}

}  // namespace
}  // namespace hujiao::media
