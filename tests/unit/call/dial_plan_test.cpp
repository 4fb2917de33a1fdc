#include "call/dial_plan.h"

#include <gtest/gtest.h>

using namespace hujiao::call;

namespace {
DialRule rule(const std::string& id, int64_t prio, const std::string& prefix, std::vector<std::string> trunks) {
  DialRule r;
  r.id = id;
  r.name = id;
  r.priority = prio;
  r.prefix = prefix;
  r.trunkIds = std::move(trunks);
  return r;
}
}  // namespace

TEST(DialPlan, PriorityThenLongestPrefix) {
  DialPlan p;
  auto any = rule("any", 200, "", {"t3"});
  auto zero = rule("zero", 100, "0", {"t1"});
  auto intl = rule("intl", 100, "00", {"t2", "t1"});
  p.setRules({any, zero, intl});
  EXPECT_EQ(p.route("0049301234")->rule->id, "intl");
  EXPECT_EQ(p.route("0301234")->rule->id, "zero");
  EXPECT_EQ(p.route("5551234")->rule->id, "any");
  EXPECT_EQ(p.route("0049301234")->rule->trunkIds, (std::vector<std::string>{"t2", "t1"}));
}

TEST(DialPlan, LengthBoundsAndRewrite) {
  DialPlan p;
  auto r = rule("r", 1, "9", {"t"});
  r.minLength = 5;
  r.maxLength = 12;
  r.stripDigits = 1;
  r.prepend = "+49";
  p.setRules({r});
  EXPECT_FALSE(p.route("9123"));
  EXPECT_FALSE(p.route("9123456789012"));
  auto route = p.route("9301234");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->number, "+49301234");
  EXPECT_FALSE(p.route("8301234"));
}

TEST(DialPlan, RewriteEdgeCases) {
  DialRule r;
  r.stripDigits = 10;
  r.prepend = "1";
  EXPECT_EQ(rewriteNumber(r, "123"), "1");
  r.stripDigits = 0;
  EXPECT_EQ(rewriteNumber(r, "123"), "1123");
}

TEST(DialPlan, CallerIdPolicy) {
  DialRule r;
  Trunk t;
  t.callerId = "0301111";
  EXPECT_EQ(callerIdFor(r, t, "100"), "100");
  r.callerIdPolicy = "fixed";
  r.callerId = "0302222";
  EXPECT_EQ(callerIdFor(r, t, "100"), "0302222");
  r.callerIdPolicy = "trunk";
  EXPECT_EQ(callerIdFor(r, t, "100"), "0301111");
}

TEST(DidTable, TrunkSpecificWins) {
  DidTable t;
  Did any{"1", "5551000", "extension", "100", "", "", 0, 0};
  Did spec{"2", "5551000", "extension", "200", "trunkB", "", 0, 0};
  Did queue{"3", "5552000", "queue", "q1", "", "", 0, 0};
  t.setDids({any, spec, queue});
  EXPECT_EQ(t.find("5551000", "trunkA")->target, "100");
  EXPECT_EQ(t.find("5551000", "trunkB")->target, "200");
  EXPECT_EQ(t.find("5552000", "trunkA")->targetType, "queue");
  EXPECT_EQ(t.find("5553000", "trunkA"), nullptr);
}

TEST(DidTable, FindAnyForExtensions) {
  DidTable t;
  Did onlyB{"7", "5554000", "flow", "f2", "trunkB", "", 0, 0};
  Did onlyA{"5", "5554000", "flow", "f1", "trunkA", "", 0, 0};
  Did any{"9", "5555000", "queue", "q1", "", "", 0, 0};
  Did spec{"1", "5555000", "queue", "q2", "trunkA", "", 0, 0};
  t.setDids({onlyB, onlyA, any, spec});
  // No DID for "any trunk": the smallest id decides, so the choice is stable.
  EXPECT_EQ(t.findAny("5554000")->target, "f1");
  // A DID for any trunk wins over trunk-bound ones.
  EXPECT_EQ(t.findAny("5555000")->target, "q1");
  EXPECT_EQ(t.findAny("5556000"), nullptr);
}

TEST(Validation, RejectsBadRecords) {
  Extension e;
  e.number = "100";
  e.password = "secret1";
  EXPECT_TRUE(validateExtension(e, true));
  e.number = "1 0";
  EXPECT_EQ(validateExtension(e, true).error().code, "invalid");
  e.number = "100";
  e.password = "abc";
  EXPECT_FALSE(validateExtension(e, true));
  Trunk t;
  t.name = "carrier";
  t.host = "127.0.0.1";
  EXPECT_TRUE(validateTrunk(t));
  t.transport = "sctp";
  EXPECT_FALSE(validateTrunk(t));
  DialRule r;
  r.name = "out";
  EXPECT_FALSE(validateDialRule(r));  // no trunk
  r.trunkIds = {"t"};
  EXPECT_TRUE(validateDialRule(r));
  r.callerIdPolicy = "fixed";
  EXPECT_FALSE(validateDialRule(r));
  Did d;
  d.number = "555";
  d.target = "100";
  EXPECT_TRUE(validateDid(d));
  d.targetType = "";
  EXPECT_FALSE(validateDid(d));
}
