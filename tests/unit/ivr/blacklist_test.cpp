#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/time_format.h"
#include "ivr/blacklist.h"

namespace hujiao::ivr {
namespace {

constexpr int64_t kNow = 1'772'589'600'000'000;  // 2026-03-04T02:00:00Z

std::vector<BlacklistEntry> sample() {
  return {
      {"13800138000", false, "fraud", std::nullopt},
      {"1700", true, "virtual operator range", std::nullopt},
      {"170012", true, "expired narrower rule", kNow - 1},
      {"+4420", true, "spam campaign", kNow + 3600'000'000LL},
      {"13900000000", false, "expired", kNow - 1'000'000},
  };
}

TEST(IvrBlacklist, ExactPrefixAndExpiry) {
  Blacklist bl;
  bl.replace(sample());
  auto exact = bl.lookup("138-0013-8000", kNow);
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->entry.reason, "fraud");
  EXPECT_FALSE(bl.lookup("1380013800", kNow).has_value());  // exact means exact
  auto prefix = bl.lookup("17001234567", kNow);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->entry.reason, "virtual operator range");  // the longer prefix has expired
  EXPECT_TRUE(bl.lookup("+44 20 7946 0000", kNow).has_value());
  EXPECT_FALSE(bl.lookup("+44 20 7946 0000", kNow + 3600'000'000LL).has_value());  // expired by then
  EXPECT_FALSE(bl.lookup("13900000000", kNow).has_value());
  EXPECT_FALSE(bl.lookup("anonymous", kNow).has_value());
  EXPECT_FALSE(bl.lookup("", kNow).has_value());
  EXPECT_EQ(exact->policy.action, BlacklistPolicy::Action::Reject);
  EXPECT_EQ(exact->policy.sipCode, 603);
}

TEST(IvrBlacklist, LongestUnexpiredPrefixAndExactWin) {
  Blacklist bl;
  bl.replace({{"86", true, "country", std::nullopt},
              {"86138", true, "mobile", std::nullopt},
              {"8613800000000", false, "one number", std::nullopt}});
  EXPECT_EQ(bl.lookup("8613812345678", kNow)->entry.reason, "mobile");
  EXPECT_EQ(bl.lookup("8610", kNow)->entry.reason, "country");
  EXPECT_EQ(bl.lookup("8613800000000", kNow)->entry.reason, "one number");
}

TEST(IvrBlacklist, PolicyAndAtomicReplace) {
  Blacklist bl;
  bl.setPolicy({BlacklistPolicy::Action::Flow, 603, "blocked_flow"});
  bl.replace(sample());
  auto hit = bl.lookup("13800138000", kNow);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->policy.action, BlacklistPolicy::Action::Flow);
  EXPECT_EQ(hit->policy.flowId, "blocked_flow");
  // Readers keep working while a writer swaps lists.
  std::atomic<bool> stop{false};
  std::atomic<int> seen{0};
  std::thread reader([&] {
    while (!stop) {
      auto h = bl.lookup("13800138000", kNow);
      if (h) {
        EXPECT_EQ(h->entry.reason, "fraud");
      }
      ++seen;
    }
  });
  for (int i = 0; i < 200 || seen.load() < 100; ++i) {
    bl.replace(sample());
    bl.replace({});
  }
  stop = true;
  reader.join();
  EXPECT_GT(seen.load(), 0);
  EXPECT_EQ(bl.size(), 0u);
  EXPECT_EQ(bl.lookup("13800138000", kNow), std::nullopt);
}

TEST(IvrBlacklistCsv, ParsesGoodLinesAndReportsBadOnesByLine) {
  std::string csv =
      "\xEF\xBB\xBFnumber,reason,expires_at\n"
      "13800138000,fraud,\n"
      "\"1700*\",\"virtual, operator\",2027-01-01\n"
      "# a comment\n"
      "\n"
      "+44 20 7946 0000,\"said \"\"hi\"\"\",2026-06-01T12:00:00+08:00\n"
      "12ab34,bad number,\n"
      "555,reason,not-a-date\n"
      "666,\"unterminated\n"
      "777,a,b,c\n"
      "*,prefix of nothing,\n";
  auto r = parseBlacklistCsv(csv);
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].number, "13800138000");
  EXPECT_FALSE(r.entries[0].prefix);
  EXPECT_EQ(r.entries[1].number, "1700");
  EXPECT_TRUE(r.entries[1].prefix);
  EXPECT_EQ(r.entries[1].reason, "virtual, operator");
  EXPECT_EQ(r.entries[1].expiresAtUs, core::parseIso8601("2027-01-01"));
  EXPECT_EQ(r.entries[2].number, "+442079460000");
  EXPECT_EQ(r.entries[2].reason, "said \"hi\"");
  EXPECT_EQ(r.entries[2].expiresAtUs, core::parseIso8601("2026-06-01T04:00:00Z"));
  ASSERT_EQ(r.errors.size(), 5u);
  EXPECT_EQ(r.errors[0].line, 7);
  EXPECT_NE(r.errors[0].message.find("12ab34"), std::string::npos);
  EXPECT_EQ(r.errors[1].line, 8);
  EXPECT_NE(r.errors[1].message.find("not-a-date"), std::string::npos);
  EXPECT_EQ(r.errors[2].line, 9);
  EXPECT_NE(r.errors[2].message.find("unterminated"), std::string::npos);
  EXPECT_EQ(r.errors[3].line, 10);
  EXPECT_NE(r.errors[3].message.find("3 columns"), std::string::npos);
  EXPECT_EQ(r.errors[4].line, 11);
}

TEST(IvrBlacklistCsv, NumbersNormalise) {
  EXPECT_EQ(normalizeNumber("(010) 8888-1234"), "01088881234");
  EXPECT_EQ(normalizeNumber("+86 138.0013.8000"), "+8613800138000");
  EXPECT_EQ(normalizeNumber("1+2"), std::nullopt);
  EXPECT_EQ(normalizeNumber("+"), std::nullopt);
  EXPECT_EQ(normalizeNumber(std::string(40, '1')), std::nullopt);
}

}  // namespace
}  // namespace hujiao::ivr
