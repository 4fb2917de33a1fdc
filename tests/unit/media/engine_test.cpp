// GCC 12 at -O2 reports false null dereferences inside gtest/std::optional/Result here.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <set>

#include "engine_harness.h"

namespace hujiao::media {
namespace {

using test::Harness;
using test::Packet;
using test::Peer;

std::vector<uint8_t> numbered(int i) {
  std::vector<uint8_t> p(160);
  for (size_t k = 0; k < p.size(); ++k) p[k] = static_cast<uint8_t>(i * 7 + k);
  return p;
}

TEST(Engine, SameCodecBridgeRelaysBothWaysUnchanged) {
  Harness h;
  Peer p1, p2;
  EndpointId a = h.answered(p1);
  EndpointId b = h.answered(p2);
  ASSERT_TRUE(h.engine->bridge(a, b));
  h.pump(50);
  int portA = h.engine->portOf(a), portB = h.engine->portOf(b);
  std::vector<Packet> at1, at2;
  for (int i = 0; i < 50; ++i) {
    p1.sendRtp(portA, 0, static_cast<uint16_t>(1000 + i), 160u * i, 0x1111, numbered(i));
    p2.sendRtp(portB, 0, static_cast<uint16_t>(5000 + i), 160u * i, 0x2222, numbered(100 + i));
    h.pump(2);
    for (auto& p : p1.drain()) at1.push_back(p);
    for (auto& p : p2.drain()) at2.push_back(p);
  }
  h.pump(200, [&] {
    for (auto& p : p1.drain()) at1.push_back(p);
    for (auto& p : p2.drain()) at2.push_back(p);
    return at1.size() >= 50 && at2.size() >= 50;
  });
  ASSERT_EQ(at2.size(), 50u);
  ASSERT_EQ(at1.size(), 50u);
  std::set<uint32_t> ssrcs;
  for (int i = 0; i < 50; ++i) {
    const Packet& q = at2[static_cast<size_t>(i)];
    EXPECT_EQ(std::vector<uint8_t>(q.payload(), q.payload() + q.h.payloadLen), numbered(i));
    EXPECT_EQ(q.h.payloadType, 0);
    if (i > 0) {
      EXPECT_EQ(static_cast<uint16_t>(q.h.seq - at2[static_cast<size_t>(i - 1)].h.seq), 1);
      EXPECT_EQ(q.h.timestamp - at2[static_cast<size_t>(i - 1)].h.timestamp, 160u);
    }
    ssrcs.insert(q.h.ssrc);
    EXPECT_EQ(at1[static_cast<size_t>(i)].bytes.size(), 172u);
  }
  EXPECT_EQ(ssrcs.size(), 1u);
  EXPECT_NE(*ssrcs.begin(), 0x1111u);  // B's own stream identity, not A's
}

TEST(Engine, TranscodesBetweenDifferentCodecs) {
  Harness h;
  Peer p1, p2;
  EndpointId a = h.answered(p1, {{0, "PCMU", 8000, 1, ""}});
  EndpointId b = h.answered(p2, {{8, "PCMA", 8000, 1, ""}});
  ASSERT_TRUE(h.engine->bridge(a, b));
  h.pump(50);
  std::vector<Packet> got;
  for (int i = 0; i < 40; ++i) {
    std::vector<uint8_t> pl(160);
    for (int k = 0; k < 160; ++k) pl[static_cast<size_t>(k)] = linearToUlaw(static_cast<int16_t>(6000 * std::sin(2 * M_PI * 400 * (i * 160 + k) / 8000.0)));
    p1.sendRtp(h.engine->portOf(a), 0, static_cast<uint16_t>(i), 160u * i, 77, pl);
    h.pump(20);
    for (auto& p : p2.drain()) got.push_back(p);
  }
  h.pump(200, [&] {
    for (auto& p : p2.drain()) got.push_back(p);
    return false;
  });
  ASSERT_GT(got.size(), 25u);
  double level = 0;
  for (auto& p : got) {
    EXPECT_EQ(p.h.payloadType, 8);
    double s = 0;
    for (size_t i = 0; i < p.h.payloadLen; ++i) s += std::abs(alawToLinear(p.payload()[i]));
    level = std::max(level, s / 160);
  }
  EXPECT_NEAR(level, 6000 * 2 / M_PI, 600);  // the sine's mean |amplitude| survives transcoding
}

TEST(Engine, LatchingResistsHijackButFollowsASilentPeer) {
  Harness h;
  Peer p1, p2, attacker, moved;
  EndpointId a = h.answered(p1);
  EndpointId b = h.answered(p2);
  ASSERT_TRUE(h.engine->bridge(a, b));
  h.pump(50);
  int portA = h.engine->portOf(a), portB = h.engine->portOf(b);
  uint16_t seq = 0;
  auto fromB = [&] {
    ++seq;
    p2.sendRtp(portB, 0, seq, 160u * seq, 9, numbered(1));
  };
  p1.sendRtp(portA, 0, 1, 0, 5, numbered(0));
  h.pump(20);
  for (int i = 0; i < 10; ++i) attacker.sendRtp(portA, 0, static_cast<uint16_t>(100 + i), 0, 666, numbered(2));
  p1.sendRtp(portA, 0, 2, 160, 5, numbered(0));
  h.pump(20);
  fromB();
  h.pump(50);
  EXPECT_EQ(attacker.drain().size(), 0u);
  EXPECT_EQ(p1.drain().size(), 1u);
  // p1 goes silent (NAT rebinding); a new source with one SSRC takes over after 5 packets.
  h.pump(300);
  for (int i = 0; i < 5; ++i) {
    moved.sendRtp(portA, 0, static_cast<uint16_t>(3 + i), 160u * (3 + i), 5, numbered(0));
    h.pump(5);
  }
  h.pump(20);
  fromB();
  h.pump(50);
  EXPECT_EQ(moved.drain().size(), 1u);
  EXPECT_EQ(p1.drain().size(), 0u);
}

TEST(Engine, PlaysToneThenReportsCompletion) {
  Harness h;
  Peer p;
  EndpointId a = h.answered(p);
  PlayRequest r;
  r.requestId = 42;
  PlayItem t;
  t.kind = PlayItem::Kind::Tone;
  t.tone = "busy";
  t.tonePlan = "na";
  t.durationMs = 300;
  r.items.push_back(t);
  ASSERT_TRUE(h.engine->play(a, r));
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::PlaybackDone));
  const MediaEvent* e = h.find(MediaEvent::Type::PlaybackDone);
  EXPECT_EQ(e->requestId, 42u);
  EXPECT_EQ(e->reason, "completed");
  h.pump(60);
  auto got = p.drain();
  EXPECT_NEAR(static_cast<double>(got.size()), 15, 2);
  double loud = 0;
  for (auto& q : got) loud = std::max(loud, test::meanAbsUlaw(q));
  EXPECT_GT(loud, 300);
}

TEST(Engine, PlaysAWavFileOfAnotherRateAndReportsMissingFiles) {
  Harness h;
  Peer p;
  EndpointId a = h.answered(p);
  // 0.5 s at 16 kHz stereo.
  std::string path = (h.dir() / "prompt.wav").string();
  SF_INFO si{};
  si.samplerate = 16000;
  si.channels = 2;
  si.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &si);
  std::vector<int16_t> s(16000);
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<int16_t>(5000 * std::sin(2 * M_PI * 300 * static_cast<double>(i / 2) / 16000));
  sf_writef_short(f, s.data(), 8000);
  sf_close(f);
  PlayRequest r;
  r.requestId = 1;
  PlayItem it;
  it.kind = PlayItem::Kind::File;
  it.path = "prompt.wav";
  r.items.push_back(it);
  ASSERT_TRUE(h.engine->play(a, r));
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::PlaybackDone));
  EXPECT_EQ(h.find(MediaEvent::Type::PlaybackDone)->reason, "completed");
  h.pump(60);
  auto got = p.drain();
  EXPECT_NEAR(static_cast<double>(got.size()), 25, 2);
  h.events.clear();
  r.items[0].path = "missing.wav";
  r.requestId = 2;
  ASSERT_TRUE(h.engine->play(a, r));
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::PlaybackDone));
  EXPECT_EQ(h.find(MediaEvent::Type::PlaybackDone)->reason, "error");
  EXPECT_NE(h.find(MediaEvent::Type::PlaybackDone)->detail.find("not found"), std::string::npos);
}

TEST(Engine, TtsIsSynthesisedAndCached) {
  Harness h;
  Peer p;
  EndpointId a = h.answered(p);
  PlayRequest r;
  r.requestId = 5;
  PlayItem it;
  it.kind = PlayItem::Kind::Tts;
  it.text = "您好，欢迎致电";
  it.voice = "cmn";
  r.items.push_back(it);
  ASSERT_TRUE(h.engine->play(a, r));
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::PlaybackDone, 8000));
  EXPECT_EQ(h.find(MediaEvent::Type::PlaybackDone)->reason, "completed");
  auto got = p.drain();
  EXPECT_GT(got.size(), 20u);  // more than 0.4 s of speech
  size_t cached = 0;
  for (auto& e : std::filesystem::directory_iterator(h.dir() / "tts")) cached += e.path().extension() == ".wav";
  EXPECT_EQ(cached, 1u);
}

TEST(Engine, StopOnDtmfAndDigitEvents) {
  Harness h;
  Peer p;
  EndpointId a = h.answered(p);
  ASSERT_TRUE(h.engine->detectDtmf(a, true));
  PlayRequest r;
  r.requestId = 8;
  r.stopOnDtmf = true;
  r.loops = 0;
  PlayItem t;
  t.kind = PlayItem::Kind::Tone;
  t.tone = "ringback";
  r.items.push_back(t);
  ASSERT_TRUE(h.engine->play(a, r));
  h.pump(100);
  int port = h.engine->portOf(a);
  for (int i = 1; i <= 6; ++i) {
    uint8_t ev[4];
    writeTelephoneEvent(ev, TelephoneEvent{7, i >= 4, 10, static_cast<uint16_t>(160 * std::min(i, 4))});
    p.sendRtp(port, 101, static_cast<uint16_t>(i), 8000, 3, std::vector<uint8_t>(ev, ev + 4), i == 1);
    h.pump(20);
  }
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::DtmfDigit));
  int digits = 0;
  for (auto& e : h.events) {
    if (e.type != MediaEvent::Type::DtmfDigit) continue;
    ++digits;
    EXPECT_EQ(e.digit, '7');
    EXPECT_EQ(e.durationMs, 80);
  }
  EXPECT_EQ(digits, 1);
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::PlaybackDone));
  EXPECT_EQ(h.find(MediaEvent::Type::PlaybackDone)->reason, "dtmf");
}

TEST(Engine, InbandDigitsFromAPeerWithoutTelephoneEvent) {
  Harness h;
  Peer p;
  EndpointId a = h.answered(p, {{0, "PCMU", 8000, 1, ""}});
  ASSERT_TRUE(h.engine->detectDtmf(a, true));
  h.pump(50);
  InbandDtmfGenerator gen;
  gen.queue("39", 100);
  int16_t pcm[160];
  uint16_t seq = 0;
  for (int i = 0; i < 30; ++i) {
    gen.generate(pcm, 160);
    std::vector<uint8_t> pl(160);
    for (int k = 0; k < 160; ++k) pl[static_cast<size_t>(k)] = linearToUlaw(pcm[k]);
    ++seq;
    p.sendRtp(h.engine->portOf(a), 0, seq, 160u * seq, 4, pl);
    h.pump(20);
  }
  h.pump(300);
  std::string got;
  for (auto& e : h.events) {
    if (e.type == MediaEvent::Type::DtmfDigit) got.push_back(e.digit);
  }
  EXPECT_EQ(got, "39");
}

TEST(Engine, SendsRfc4733Digits) {
  Harness h;
  Peer p;
  EndpointId a = h.answered(p);
  ASSERT_TRUE(h.engine->sendDtmf(a, "5", 100));
  EXPECT_FALSE(h.engine->sendDtmf(a, "x", 100));
  h.pump(400);
  auto got = p.drain();
  int ends = 0, starts = 0;
  for (auto& q : got) {
    ASSERT_EQ(q.h.payloadType, 101);
    auto ev = parseTelephoneEvent(q.payload(), q.h.payloadLen);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->event, 5);
    ends += ev->end;
    starts += q.h.marker;
  }
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(ends, 3);
}

TEST(Engine, RecordsABridgedCallInTwoChannels) {
  Harness h;
  Peer p1, p2;
  EndpointId a = h.answered(p1);
  EndpointId b = h.answered(p2);
  ASSERT_TRUE(h.engine->bridge(a, b));
  RecordingOptions ro;
  ro.path = "calls/x.wav";
  ro.requestId = 77;
  ASSERT_TRUE(h.engine->startRecording(a, ro));
  EXPECT_FALSE(h.engine->startRecording(a, ro));  // already recording
  auto t0 = std::chrono::steady_clock::now();
  h.pump(40);
  for (int i = 0; i < 50; ++i) {
    p1.sendRtp(h.engine->portOf(a), 0, static_cast<uint16_t>(i), 160u * i, 1, test::ulawLevel(3000));
    p2.sendRtp(h.engine->portOf(b), 0, static_cast<uint16_t>(i), 160u * i, 2, test::ulawLevel(-1500));
    h.pump(20);
  }
  ASSERT_TRUE(h.engine->stopRecording(a));
  auto elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::RecordingStopped));
  const MediaEvent* e = h.find(MediaEvent::Type::RecordingStopped);
  EXPECT_EQ(e->requestId, 77u);
  EXPECT_NEAR(static_cast<double>(e->recordedMs), elapsedMs, 120);  // one frame per 20 ms tick
  SF_INFO si{};
  SNDFILE* f = sf_open(e->detail.c_str(), SFM_READ, &si);
  ASSERT_NE(f, nullptr) << e->detail;
  EXPECT_EQ(si.channels, 2);
  std::vector<int16_t> s(static_cast<size_t>(si.frames) * 2);
  sf_readf_short(f, s.data(), si.frames);
  sf_close(f);
  int64_t e0 = 0, e1 = 0;
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    e0 += s[i] > 2000;
    e1 += s[i + 1] < -1000;
  }
  EXPECT_EQ(si.frames, e->recordedMs * 8);
  EXPECT_GT(e0, si.frames * 2 / 3);  // channel 0: the endpoint's party
  EXPECT_GT(e1, si.frames * 2 / 3);  // channel 1: what it hears
}

TEST(Engine, ConferenceMixesAllButSelf) {
  Harness h;
  Peer p[3];
  EndpointId ep[3];
  for (int i = 0; i < 3; ++i) ep[i] = h.answered(p[i]);
  auto conf = h.engine->createConference("c");
  ASSERT_TRUE(conf);
  for (int i = 0; i < 3; ++i) {
    ConferenceMemberOptions o;
    o.joinTone = false;
    ASSERT_TRUE(h.engine->joinConference(*conf, ep[i], o));
  }
  h.pump(100);
  const int16_t levels[3] = {1000, 2000, 0};
  for (int t = 0; t < 25; ++t) {
    for (int i = 0; i < 3; ++i) p[i].sendRtp(h.engine->portOf(ep[i]), 0, static_cast<uint16_t>(t), 160u * t, 10u + i, test::ulawLevel(levels[i]));
    h.pump(20);
  }
  double heard[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    for (auto& q : p[i].drain()) heard[i] = std::max(heard[i], test::meanAbsUlaw(q));
  }
  EXPECT_NEAR(heard[0], 2000, 150);  // hears party 1 only
  EXPECT_NEAR(heard[1], 1000, 100);  // hears party 0 only
  EXPECT_NEAR(heard[2], 3000, 200);  // hears both
  ASSERT_TRUE(h.engine->setMuted(ep[1], true));
  h.pump(40);
  for (auto& pp : p) pp.drain();
  for (int t = 25; t < 40; ++t) {
    for (int i = 0; i < 3; ++i) p[i].sendRtp(h.engine->portOf(ep[i]), 0, static_cast<uint16_t>(t), 160u * t, 10u + i, test::ulawLevel(levels[i]));
    h.pump(20);
  }
  double last = 0;
  for (auto& q : p[2].drain()) last = test::meanAbsUlaw(q);
  EXPECT_NEAR(last, 1000, 100);  // party 1 muted
}

TEST(Engine, SupervisorListensWithoutBeingHeard) {
  Harness h;
  Peer agent, customer, sup;
  EndpointId a = h.answered(agent);
  EndpointId c = h.answered(customer);
  EndpointId s = h.answered(sup);
  ASSERT_TRUE(h.engine->bridge(a, c));
  EXPECT_FALSE(h.engine->supervise(s, s, SuperviseMode::Listen));
  ASSERT_TRUE(h.engine->supervise(s, a, SuperviseMode::Listen));
  h.pump(80);
  for (int t = 0; t < 30; ++t) {
    agent.sendRtp(h.engine->portOf(a), 0, static_cast<uint16_t>(t), 160u * t, 1, test::ulawLevel(1000));
    customer.sendRtp(h.engine->portOf(c), 0, static_cast<uint16_t>(t), 160u * t, 2, test::ulawLevel(2000));
    sup.sendRtp(h.engine->portOf(s), 0, static_cast<uint16_t>(t), 160u * t, 3, test::ulawLevel(4000));
    h.pump(20);
  }
  double toSup = 0, toAgent = 0;
  for (auto& q : sup.drain()) toSup = std::max(toSup, test::meanAbsUlaw(q));
  for (auto& q : agent.drain()) toAgent = std::max(toAgent, test::meanAbsUlaw(q));
  EXPECT_NEAR(toSup, 3000, 250);    // both parties
  EXPECT_NEAR(toAgent, 2000, 150);  // the customer only: the supervisor is not heard
  // Whisper: the agent hears customer + supervisor.
  ASSERT_TRUE(h.engine->supervise(s, a, SuperviseMode::Whisper));
  h.pump(80);
  agent.drain();
  for (int t = 30; t < 50; ++t) {
    customer.sendRtp(h.engine->portOf(c), 0, static_cast<uint16_t>(t), 160u * t, 2, test::ulawLevel(2000));
    sup.sendRtp(h.engine->portOf(s), 0, static_cast<uint16_t>(t), 160u * t, 3, test::ulawLevel(4000));
    h.pump(20);
  }
  toAgent = 0;
  for (auto& q : agent.drain()) toAgent = std::max(toAgent, test::meanAbsUlaw(q));
  EXPECT_NEAR(toAgent, 6000, 500);
}

TEST(Engine, RtpTimeoutAndStats) {
  Harness h([](MediaConfig& c) { c.rtpTimeoutS = 1; });
  Peer p;
  EndpointId a = h.answered(p);
  for (int i = 0; i < 10; ++i) {
    int seq = i < 5 ? i : i + 1;  // seq 5 is lost
    p.sendRtp(h.engine->portOf(a), 0, static_cast<uint16_t>(seq), 160u * seq, 1, test::ulawLevel(100));
    h.pump(20);
  }
  ASSERT_TRUE(h.engine->requestStats(a, 3));
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::Stats));
  const auto* st = h.find(MediaEvent::Type::Stats);
  ASSERT_TRUE(st->quality);
  EXPECT_EQ(st->requestId, 3u);
  EXPECT_EQ(st->quality->packetsReceived, 10u);
  EXPECT_EQ(st->quality->codec, "PCMU");
  EXPECT_EQ(st->quality->packetsLost, 1u);
  EXPECT_NEAR(st->quality->lossPercent, 100.0 / 11, 0.1);
  EXPECT_GT(st->quality->mos, 3.0);  // 9 % loss costs about one MOS point
  EXPECT_LT(st->quality->mos, 4.0);
  ASSERT_TRUE(h.waitEvent(MediaEvent::Type::RtpTimeout, 3000));
  EXPECT_EQ(h.find(MediaEvent::Type::RtpTimeout)->endpoint, a);
}

TEST(Engine, BadInputGetsClearErrors) {
  Harness h;
  EXPECT_EQ(h.engine->bridge(1234, 5678).error().code, "not_found");
  auto a = h.engine->createEndpoint({});
  ASSERT_TRUE(a);
  MediaDescription m;
  m.address = "127.0.0.1";
  m.port = 4000;
  m.formats = {{3, "GSM", 8000, 1, ""}};
  EXPECT_EQ(h.engine->answerOffer(*a, m).error().code, "incompatible_codecs");
  EXPECT_EQ(h.engine->applyAnswer(*a, m).error().code, "invalid_state");
  RecordingOptions ro;
  ro.path = "../escape.wav";
  EXPECT_FALSE(h.engine->startRecording(*a, ro));
  PlayRequest r;
  EXPECT_FALSE(h.engine->play(*a, r));
  EndpointOptions o;
  o.allowedCodecs = {"GSM"};
  EXPECT_FALSE(h.engine->createEndpoint(o));
  h.engine->destroyEndpoint(*a);
  h.engine->destroyEndpoint(*a);  // twice is harmless
}

TEST(Engine, Ipv6Endpoint) {
  Harness h;
  EndpointOptions o;
  o.ipv6 = true;
  auto a = h.engine->createEndpoint(o);
  if (!a) GTEST_SKIP() << "no IPv6 loopback here: " << a.error().message;
  auto offer = h.engine->localOffer(*a);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->address, "::1");
  MediaDescription ans = *offer;
  ans.address = "127.0.0.1";
  EXPECT_EQ(h.engine->applyAnswer(*a, ans).error().code, "invalid_sdp");
}

}  // namespace
}  // namespace hujiao::media
