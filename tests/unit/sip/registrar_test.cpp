#include "sip/registrar.h"

#include <gtest/gtest.h>

#include "sip/auth_blocker.h"
#include "sip/sdp.h"
#include "sip/timers.h"

using namespace hujiao::sip;

namespace {
constexpr int64_t kS = 1'000'000;
RegisterRequest req(const std::string& contact, int64_t expires, uint32_t cseq, const std::string& callId = "c1") {
  RegisterRequest r;
  r.aor = "100";
  r.contacts.push_back({contact, -1});
  r.expiresHeader = expires;
  r.callId = callId;
  r.cseq = cseq;
  r.sourceIp = "10.0.0.1";
  r.sourcePort = 40000;
  r.transport = "udp";
  r.maxContacts = 2;
  return r;
}
}  // namespace

TEST(Registrar, AddsRefreshesAndExpires) {
  Registrar reg({60, 3600, 600});
  auto out = reg.apply(req("sip:100@192.168.1.5:5060", 120, 1), 0);
  ASSERT_EQ(out.status, 200);
  ASSERT_EQ(out.bindings.size(), 1u);
  // NAT: we send to the observed source, not the private address.
  EXPECT_EQ(out.bindings[0].contact, "sip:100@10.0.0.1:40000");
  EXPECT_EQ(out.bindings[0].expiresAtUs, 120 * kS);
  out = reg.apply(req("sip:100@192.168.1.5:5060", 7200, 2), 10 * kS);
  EXPECT_EQ(out.bindings[0].expiresAtUs, 10 * kS + 3600 * kS);  // capped at max
  EXPECT_EQ(reg.bindings("100", 10 * kS).size(), 1u);
  EXPECT_TRUE(reg.expire(3609 * kS).empty());
  EXPECT_EQ(reg.expire(3611 * kS).size(), 1u);
  EXPECT_TRUE(reg.bindings("100", 3611 * kS).empty());
}

TEST(Registrar, TooBriefAndDefaultExpires) {
  Registrar reg({60, 3600, 600});
  auto out = reg.apply(req("sip:a@h", 30, 1), 0);
  EXPECT_EQ(out.status, 423);
  EXPECT_EQ(out.minExpires, 60);
  out = reg.apply(req("sip:a@h", -1, 2), 0);
  EXPECT_EQ(out.bindings[0].expiresAtUs, 600 * kS);
  auto r = req("sip:a@h", 3600, 3);
  r.contacts[0].expires = 90;  // the contact param wins over the header
  out = reg.apply(r, 0);
  EXPECT_EQ(out.bindings[0].expiresAtUs, 90 * kS);
}

TEST(Registrar, SeveralContactsMaxAndUnregister) {
  Registrar reg({60, 3600, 600});
  EXPECT_EQ(reg.apply(req("sip:a@h1", 600, 1, "x"), 0).status, 200);
  EXPECT_EQ(reg.apply(req("sip:a@h2", 600, 1, "y"), 0).status, 200);
  EXPECT_EQ(reg.bindings("100", 0).size(), 2u);
  auto out = reg.apply(req("sip:a@h3", 600, 1, "z"), 0);
  EXPECT_EQ(out.status, 403);
  out = reg.apply(req("sip:a@h1", 0, 2, "x"), 0);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.removed.size(), 1u);
  EXPECT_EQ(reg.bindings("100", 0).size(), 1u);
}

TEST(Registrar, StarUnregisterAndCseqOrder) {
  Registrar reg({60, 3600, 600});
  (void)reg.apply(req("sip:a@h1", 600, 5, "x"), 0);
  EXPECT_EQ(reg.apply(req("sip:a@h1", 600, 4, "x"), 0).status, 500);
  RegisterRequest star;
  star.aor = "100";
  star.star = true;
  star.expiresHeader = 600;
  EXPECT_EQ(reg.apply(star, 0).status, 400);  // * needs Expires: 0
  star.expiresHeader = 0;
  star.callId = "other";
  star.cseq = 1;
  auto out = reg.apply(star, 0);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.removed.size(), 1u);
  EXPECT_TRUE(reg.bindings("100", 0).empty());
}

TEST(Registrar, KeepAliveMarksUnreachable) {
  Registrar reg({60, 3600, 600});
  (void)reg.apply(req("sip:a@h1", 600, 1), 0);
  EXPECT_FALSE(reg.keepAliveResult("100", "sip:a@h1", false, 2));
  auto changed = reg.keepAliveResult("100", "sip:a@h1", false, 2);
  ASSERT_TRUE(changed);
  EXPECT_FALSE(changed->reachable);
  changed = reg.keepAliveResult("100", "sip:a@h1", true, 2);
  ASSERT_TRUE(changed);
  EXPECT_TRUE(changed->reachable);
}

TEST(Registrar, RewriteContactHost) {
  EXPECT_EQ(rewriteContactHost("sip:100@192.168.0.2:5062;transport=UDP;ob", "1.2.3.4", 999, "udp"), "sip:100@1.2.3.4:999;ob");
  EXPECT_EQ(rewriteContactHost("sip:100@h", "::1", 5070, "tcp"), "sip:100@[::1]:5070;transport=tcp");
  EXPECT_EQ(rewriteContactHost("sip:h:5060", "1.1.1.1", 1, "udp"), "sip:1.1.1.1:1");
}

TEST(AuthBlocker, BlocksAfterThresholdInWindow) {
  AuthBlocker b(3, 60 * kS, 600 * kS);
  EXPECT_FALSE(b.recordFailure("1.1.1.1", 0));
  EXPECT_FALSE(b.recordFailure("1.1.1.1", 30 * kS));
  EXPECT_FALSE(b.recordFailure("1.1.1.1", 75 * kS));  // the first fell out of the window
  auto blocked = b.recordFailure("1.1.1.1", 80 * kS);
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->untilUs, 680 * kS);
  EXPECT_TRUE(b.isBlocked("1.1.1.1", 100 * kS));
  EXPECT_FALSE(b.isBlocked("2.2.2.2", 100 * kS));
  EXPECT_EQ(b.list(100 * kS).size(), 1u);
  EXPECT_FALSE(b.isBlocked("1.1.1.1", 681 * kS));
  EXPECT_EQ(b.purge(681 * kS).size(), 1u);
}

TEST(AuthBlocker, SuccessResetsAndUnblock) {
  AuthBlocker b(2, 60 * kS, 600 * kS);
  EXPECT_FALSE(b.recordFailure("a", 0));
  b.recordSuccess("a");
  EXPECT_FALSE(b.recordFailure("a", 1));
  EXPECT_TRUE(b.recordFailure("a", 2));
  EXPECT_TRUE(b.unblock("a"));
  EXPECT_FALSE(b.isBlocked("a", 3));
  EXPECT_FALSE(b.unblock("a"));
}

TEST(Sdp, ParseAndFormat) {
  const std::string body =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8 101\r\n"
      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
      "a=ptime:30\r\na=sendonly\r\n";
  auto d = parseSdp(body);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->address, "10.0.0.1");
  EXPECT_EQ(d->port, 4000);
  ASSERT_EQ(d->formats.size(), 3u);
  EXPECT_EQ(d->formats[2].encoding, "telephone-event");
  EXPECT_EQ(d->formats[2].fmtp, "0-16");
  EXPECT_EQ(d->ptimeMs, 30);
  EXPECT_EQ(d->direction, hujiao::media::Direction::SendOnly);
  auto again = parseSdp(formatSdp(*d, 7, 8));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->formats.size(), 3u);
  EXPECT_EQ(again->direction, hujiao::media::Direction::SendOnly);
  EXPECT_FALSE(parseSdp("garbage"));
  EXPECT_FALSE(parseSdp("v=0\r\nm=video 1 RTP/AVP 96\r\n"));
  EXPECT_FALSE(parseSdp(""));
}

TEST(Timers, FireInOrderAndCancel) {
  Timers t;
  std::vector<int> fired;
  t.start(30, [&] { fired.push_back(3); });
  auto id = t.start(20, [&] { fired.push_back(2); });
  t.start(10, [&] { fired.push_back(1); });
  t.cancel(id);
  EXPECT_EQ(t.fire(15), 1u);
  EXPECT_EQ(t.fire(100), 1u);
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  t.cancel(id);  // already gone: no effect
  EXPECT_EQ(t.size(), 0u);
}
