// Wideband legs keep 16 kHz through the decoded paths: a G.722 <-> Opus bridge
// (transcoded), a recorded G.722 bridge, and a conference with G.722 members.
// The probe is a 5 kHz tone: it cannot pass an 8 kHz (4 kHz bandwidth) path.
#pragma GCC diagnostic ignored "-Wnull-dereference"  // GCC 12 false positives in gtest/Result
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>

#include "engine_harness.h"

namespace hujiao::media {
namespace {

using test::Harness;
using test::Peer;

const std::vector<PayloadFormat> kG722 = {{9, "G722", 8000, 1, ""}, {101, "telephone-event", 8000, 1, "0-16"}};
const std::vector<PayloadFormat> kOpus = {{111, "opus", 48000, 2, ""}, {101, "telephone-event", 8000, 1, "0-16"}};

/// Power of `f` Hz in x (Goertzel), as an amplitude estimate.
double toneAmplitude(const int16_t* x, size_t n, double f, int rate) {
  double w = 2 * M_PI * f / rate, c = 2 * std::cos(w), s1 = 0, s2 = 0;
  for (size_t i = 0; i < n; ++i) {
    double s0 = x[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  double power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return 2 * std::sqrt(std::max(power, 0.0)) / static_cast<double>(n);
}

/// A peer sending a tone with a 16 kHz wideband encoder.
struct ToneSender {
  ToneSender(CodecId id, double hz, double amp) : codec(makeCodec(id, kWideRate)), hz_(hz), amp_(amp) {}
  void send(Peer& p, int dstPort, uint8_t pt, uint32_t ssrc) {
    int16_t pcm[kMaxFrameSamples];
    for (int i = 0; i < kMaxFrameSamples; ++i, ++n_) pcm[i] = static_cast<int16_t>(amp_ * std::sin(2 * M_PI * hz_ * n_ / kWideRate));
    uint8_t buf[1500];
    int len = codec->encode(pcm, kMaxFrameSamples, buf, sizeof buf);
    ASSERT_GT(len, 0);
    uint32_t tsStep = codec->id() == CodecId::Opus ? 960 : 160;
    p.sendRtp(dstPort, pt, static_cast<uint16_t>(seq_), tsStep * seq_, ssrc, std::vector<uint8_t>(buf, buf + len));
    ++seq_;
  }
  std::unique_ptr<Codec> codec;
  double hz_, amp_;
  int64_t n_ = 0;
  uint32_t seq_ = 0;
};

/// Decodes everything a peer received (one codec stream) at 16 kHz.
std::vector<int16_t> receivedAudio(Peer& p, CodecId id) {
  auto dec = makeCodec(id, kWideRate);
  std::vector<int16_t> out;
  int16_t pcm[5760];
  for (auto& q : p.drain()) {
    if (q.h.payloadType == 101) continue;
    int n = dec->decode(q.payload(), q.h.payloadLen, pcm, 5760);
    if (n > 0) out.insert(out.end(), pcm, pcm + n);
  }
  return out;
}

TEST(Wideband, CodecsRunAt16kHzWhenAsked) {
  EXPECT_EQ(audioRateFor(CodecId::G722), kWideRate);
  EXPECT_EQ(audioRateFor(CodecId::Opus), kWideRate);
  EXPECT_EQ(audioRateFor(CodecId::Pcmu), kSampleRate);
  EXPECT_EQ(makeCodec(CodecId::G722, kWideRate)->rate(), kWideRate);
  EXPECT_EQ(makeCodec(CodecId::Pcma, kWideRate)->rate(), kSampleRate);  // narrowband stays 8 kHz
  EXPECT_EQ(makeCodec(CodecId::G722)->rate(), kSampleRate);             // the old entry point is unchanged
  // A 5 kHz tone survives a 16 kHz G.722 round trip.
  ToneSender t(CodecId::G722, 5000, 8000);
  auto dec = makeCodec(CodecId::G722, kWideRate);
  std::vector<int16_t> all;
  for (int f = 0; f < 10; ++f) {
    int16_t pcm[kMaxFrameSamples], out[kMaxFrameSamples];
    for (int i = 0; i < kMaxFrameSamples; ++i, ++t.n_) pcm[i] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 5000 * t.n_ / kWideRate));
    uint8_t buf[400];
    int len = t.codec->encode(pcm, kMaxFrameSamples, buf, sizeof buf);
    ASSERT_EQ(len, 160);
    ASSERT_EQ(dec->decode(buf, static_cast<size_t>(len), out, kMaxFrameSamples), kMaxFrameSamples);
    all.insert(all.end(), out, out + kMaxFrameSamples);
  }
  EXPECT_GT(toneAmplitude(all.data() + 960, all.size() - 960, 5000, kWideRate), 5000);
}

TEST(Wideband, TranscodedG722ToOpusBridgeKeeps16kHz) {
  Harness h;
  Peer pg, po;
  EndpointId g = h.answered(pg, kG722);
  EndpointId o = h.answered(po, kOpus);
  ASSERT_TRUE(h.engine->bridge(g, o));
  h.pump(60);
  ToneSender toOpus(CodecId::G722, 5000, 8000), toG722(CodecId::Opus, 6000, 8000);
  for (int i = 0; i < 50; ++i) {
    toOpus.send(pg, h.engine->portOf(g), 9, 1);
    toG722.send(po, h.engine->portOf(o), 111, 2);
    h.pump(20);
  }
  h.pump(100);
  auto atOpus = receivedAudio(po, CodecId::Opus);
  auto atG722 = receivedAudio(pg, CodecId::G722);
  ASSERT_GT(atOpus.size(), 16000u);
  ASSERT_GT(atG722.size(), 16000u);
  // Steady-state middle part; an 8 kHz path would leave nothing above 4 kHz.
  EXPECT_GT(toneAmplitude(atOpus.data() + 4000, 8000, 5000, kWideRate), 2500);
  EXPECT_GT(toneAmplitude(atG722.data() + 4000, 8000, 6000, kWideRate), 2500);
}

TEST(Wideband, RecordedG722BridgeIsA16kHzFile) {
  Harness h;
  Peer p1, p2;
  EndpointId a = h.answered(p1, kG722);
  EndpointId b = h.answered(p2, kG722);
  ASSERT_TRUE(h.engine->bridge(a, b));
  RecordingOptions ro;
  ro.path = "wb.wav";
  ASSERT_TRUE(h.engine->startRecording(a, ro));
  h.pump(40);
  ToneSender t1(CodecId::G722, 5000, 8000), t2(CodecId::G722, 6000, 6000);
  for (int i = 0; i < 50; ++i) {
    t1.send(p1, h.engine->portOf(a), 9, 1);
    t2.send(p2, h.engine->portOf(b), 9, 2);
    h.pump(20);
  }
  // Still relayed without decoding: the far end gets the packets as sent (160 bytes of G.722).
  auto relayed = p2.drain();
  ASSERT_FALSE(relayed.empty());
  EXPECT_EQ(relayed.back().h.payloadLen, 160u);
  ASSERT_TRUE(h.engine->stopRecording(a));
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::RecordingStopped));
  const MediaEvent* e = h.find(MediaEvent::Type::RecordingStopped);
  SF_INFO si{};
  SNDFILE* f = sf_open(e->detail.c_str(), SFM_READ, &si);
  ASSERT_NE(f, nullptr) << e->detail;
  EXPECT_EQ(si.samplerate, kWideRate);
  EXPECT_EQ(si.channels, 2);
  EXPECT_EQ(si.frames, e->recordedMs * 16);
  std::vector<int16_t> s(static_cast<size_t>(si.frames) * 2);
  sf_readf_short(f, s.data(), si.frames);
  sf_close(f);
  std::vector<int16_t> ch0, ch1;
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    ch0.push_back(s[i]);
    ch1.push_back(s[i + 1]);
  }
  ASSERT_GT(ch0.size(), 12000u);
  EXPECT_GT(toneAmplitude(ch0.data() + 4000, 8000, 5000, kWideRate), 3000);  // the party
  EXPECT_GT(toneAmplitude(ch1.data() + 4000, 8000, 6000, kWideRate), 2000);  // what the party hears
}

TEST(Wideband, ConferenceWithWidebandMembersMixesAt16kHz) {
  Harness h;
  Peer pw1, pw2, pn;
  EndpointId w1 = h.answered(pw1, kG722);
  EndpointId w2 = h.answered(pw2, kG722);
  EndpointId n = h.answered(pn);  // PCMU
  auto conf = h.engine->createConference("wb");
  ASSERT_TRUE(conf);
  for (EndpointId ep : {w1, w2, n}) {
    ConferenceMemberOptions o;
    o.joinTone = false;
    ASSERT_TRUE(h.engine->joinConference(*conf, ep, o));
  }
  h.pump(80);
  ToneSender t1(CodecId::G722, 5000, 8000);
  auto pcmu = makeCodec(CodecId::Pcmu);
  int64_t k = 0;
  for (int i = 0; i < 50; ++i) {
    t1.send(pw1, h.engine->portOf(w1), 9, 1);
    int16_t pcm[kFrameSamples];
    for (int j = 0; j < kFrameSamples; ++j, ++k) pcm[j] = static_cast<int16_t>(6000 * std::sin(2 * M_PI * 1000 * k / 8000.0));
    uint8_t buf[kFrameSamples];
    pcmu->encode(pcm, kFrameSamples, buf, sizeof buf);
    pn.sendRtp(h.engine->portOf(n), 0, static_cast<uint16_t>(i), 160u * i, 3, std::vector<uint8_t>(buf, buf + 160));
    h.pump(20);
  }
  h.pump(60);
  auto atW2 = receivedAudio(pw2, CodecId::G722);
  ASSERT_GT(atW2.size(), 16000u);
  // The other wideband member hears the 5 kHz tone (16 kHz mix) and the narrowband member's 1 kHz.
  EXPECT_GT(toneAmplitude(atW2.data() + 4000, 8000, 5000, kWideRate), 3000);
  EXPECT_GT(toneAmplitude(atW2.data() + 4000, 8000, 1000, kWideRate), 2500);
  // The narrowband member hears the 8 kHz version: the 1 kHz part of the mix only (his own voice
  // is not sent back), and nothing folded down from 5 kHz.
  std::vector<int16_t> atN;
  auto dec = makeCodec(CodecId::Pcmu);
  int16_t out[kFrameSamples];
  for (auto& q : pn.drain()) {
    int m = dec->decode(q.payload(), q.h.payloadLen, out, kFrameSamples);
    if (m > 0) atN.insert(atN.end(), out, out + m);
  }
  ASSERT_GT(atN.size(), 6000u);
  EXPECT_LT(toneAmplitude(atN.data() + 2000, 4000, 3000, kSampleRate), 300);  // 5 kHz would alias to 3 kHz
}

}  // namespace
}  // namespace hujiao::media
