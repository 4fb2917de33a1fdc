#include <gtest/gtest.h>

#include "media/sdp_negotiation.h"

namespace hujiao::media {
namespace {

const std::vector<std::string> kAll = {"PCMU", "PCMA", "G722", "opus", "telephone-event"};

MediaDescription remote(std::vector<PayloadFormat> f, Direction d = Direction::SendRecv, int ptime = 20) {
  MediaDescription m;
  m.address = "192.0.2.10";
  m.port = 40000;
  m.formats = std::move(f);
  m.direction = d;
  m.ptimeMs = ptime;
  return m;
}

TEST(Sdp, OfferListsAllowedCodecsAndTelephoneEvent) {
  auto o = buildOffer("10.0.0.1", 20000, {"PCMA", "opus", "telephone-event"}, 20);
  ASSERT_EQ(o.formats.size(), 3u);
  EXPECT_EQ(o.formats[0].payloadType, 8);
  EXPECT_EQ(o.formats[1].encoding, "opus");
  EXPECT_EQ(o.formats[1].clockRate, 48000);
  EXPECT_EQ(o.formats[1].channels, 2);
  EXPECT_EQ(o.formats[2].payloadType, 101);
  EXPECT_EQ(o.formats[2].fmtp, "0-16");
}

TEST(Sdp, AnswerFollowsOffererPreferenceAndKeepsItsPayloadTypes) {
  auto r = answerOffer(remote({{96, "opus", 48000, 2, ""}, {0, "PCMU", 8000, 1, ""}, {98, "telephone-event", 8000, 1, "0-15"}}),
                       "10.0.0.1", 20000, kAll);
  ASSERT_TRUE(r);
  auto& [ans, n] = *r;
  EXPECT_EQ(n.codec, CodecId::Opus);
  EXPECT_EQ(n.sendPt, 96);
  EXPECT_EQ(n.sendTePt, 98);
  ASSERT_EQ(ans.formats.size(), 2u);
  EXPECT_EQ(ans.formats[0].payloadType, 96);
  EXPECT_EQ(ans.port, 20000);
  EXPECT_EQ(n.remoteAddress, "192.0.2.10");
}

TEST(Sdp, StaticPayloadWithoutRtpmapAndAllowedFilter) {
  auto r = answerOffer(remote({{0, "", 8000, 1, ""}, {8, "", 8000, 1, ""}}), "10.0.0.1", 20000, {"PCMA"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->second.codec, CodecId::Pcma);
  EXPECT_EQ(r->second.sendTePt, -1);  // not offered: in-band DTMF
}

TEST(Sdp, NoCommonCodecIsAnError) {
  auto r = answerOffer(remote({{3, "GSM", 8000, 1, ""}}), "10.0.0.1", 20000, kAll);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "incompatible_codecs");
}

TEST(Sdp, BadAddressIsAnError) {
  auto m = remote({{0, "PCMU", 8000, 1, ""}});
  m.address = "not-an-ip";
  auto r = answerOffer(m, "10.0.0.1", 20000, kAll);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_sdp");
}

TEST(Sdp, DirectionAndPtime) {
  auto r = answerOffer(remote({{0, "PCMU", 8000, 1, ""}}, Direction::SendOnly, 30), "10.0.0.1", 1, kAll);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.direction, Direction::RecvOnly);
  EXPECT_EQ(r->second.ptimeMs, 30);
  auto r2 = answerOffer(remote({{0, "PCMU", 8000, 1, ""}}, Direction::SendRecv, 200), "10.0.0.1", 1, kAll);
  EXPECT_EQ(r2->second.ptimeMs, 60);  // clamped to 10..60
  auto r3 = answerOffer(remote({{0, "PCMU", 8000, 1, ""}}, Direction::SendRecv, 0), "10.0.0.1", 1, kAll);
  EXPECT_EQ(r3->second.ptimeMs, 20);
}

TEST(Sdp, RejectedStreamAnswersPortZero) {
  auto m = remote({{0, "PCMU", 8000, 1, ""}});
  m.port = 0;
  auto r = answerOffer(m, "10.0.0.1", 20000, kAll);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.port, 0);
  EXPECT_EQ(r->second.direction, Direction::Inactive);
}

TEST(Sdp, ApplyAnswerMapsPayloadTypes) {
  auto offer = buildOffer("10.0.0.1", 20000, kAll, 20);
  auto ans = remote({{8, "PCMA", 8000, 1, ""}, {100, "telephone-event", 8000, 1, "0-16"}});
  auto n = applyAnswer(offer, ans);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->codec, CodecId::Pcma);
  EXPECT_EQ(n->sendTePt, 100);
  EXPECT_EQ(n->recvTePt, 101);  // what we offered
  auto bad = applyAnswer(buildOffer("10.0.0.1", 20000, {"PCMU"}, 20), ans);
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace hujiao::media
