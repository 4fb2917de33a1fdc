// Pure parts of the event store: interval arithmetic, record validation and
// journal round trip, rollup attribution (no database).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/time_format.h"
#include "report/events.h"
#include "report/interval.h"
#include "report/rollup.h"

namespace hujiao::report {
namespace {

int64_t t(const char *iso) { return *core::parseIso8601(iso); }

TEST(ReportInterval, PeriodStartsInUtc) {
  EXPECT_EQ(periodStart(t("2026-03-02T08:14:59Z"), Interval::Min15, 0),
            t("2026-03-02T08:00:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-02T08:15:00Z"), Interval::Min15, 0),
            t("2026-03-02T08:15:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-02T08:59:59Z"), Interval::Min30, 0),
            t("2026-03-02T08:30:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-02T08:59:59Z"), Interval::Hour, 0),
            t("2026-03-02T08:00:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-02T23:59:59Z"), Interval::Day, 0),
            t("2026-03-02T00:00:00Z"));
  // 2026-03-08 is a Sunday: its week began on Monday 2026-03-02.
  EXPECT_EQ(periodStart(t("2026-03-08T23:00:00Z"), Interval::Week, 0),
            t("2026-03-02T00:00:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-09T00:00:00Z"), Interval::Week, 0),
            t("2026-03-09T00:00:00Z"));
  EXPECT_EQ(periodStart(t("2024-02-29T12:00:00Z"), Interval::Month, 0),
            t("2024-02-01T00:00:00Z"));
  EXPECT_EQ(nextPeriodStart(t("2024-02-01T00:00:00Z"), Interval::Month, 0),
            t("2024-03-01T00:00:00Z"));
  EXPECT_EQ(nextPeriodStart(t("2025-12-01T00:00:00Z"), Interval::Month, 0),
            t("2026-01-01T00:00:00Z"));
}

TEST(ReportInterval, PeriodStartsInATimeZone) {
  // 2026-03-01T20:00Z is already 2026-03-02 04:00 in UTC+08:00 (a Monday).
  EXPECT_EQ(periodStart(t("2026-03-01T20:00:00Z"), Interval::Day, 480),
            t("2026-03-01T16:00:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-01T20:00:00Z"), Interval::Week, 480),
            t("2026-03-01T16:00:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-31T17:00:00Z"), Interval::Month, 480),
            t("2026-03-31T16:00:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-31T15:59:00Z"), Interval::Month, 480),
            t("2026-02-28T16:00:00Z"));
  // Nepal, UTC+05:45: hours start at :15 UTC.
  EXPECT_EQ(periodStart(t("2026-03-02T08:20:00Z"), Interval::Hour, 345),
            t("2026-03-02T08:15:00Z"));
  EXPECT_EQ(periodStart(t("2026-03-02T02:00:00Z"), Interval::Day, -210),
            t("2026-03-01T03:30:00Z"));
  EXPECT_EQ(formatLocal(t("2026-03-01T16:00:00Z"), 480),
            "2026-03-02T00:00:00+08:00");
  EXPECT_EQ(formatLocal(t("2026-03-01T03:30:00Z"), -210),
            "2026-03-01T00:00:00-03:30");
  EXPECT_EQ(parseTzOffset("+05:45"), 345);
  EXPECT_EQ(parseTzOffset("-03:30"), -210);
  EXPECT_EQ(parseTzOffset("Z"), 0);
  EXPECT_FALSE(parseTzOffset("+5:45"));
  EXPECT_FALSE(parseTzOffset("+25:00"));
}

TEST(ReportEvents, ValidationNamesTheProblem) {
  InteractionRecord r;
  r.kind = IxKind::Answered;
  r.atUs = t("2026-03-02T08:00:00Z");
  r.interactionId = "i1";
  EXPECT_NE(validate(r), ""); // no agent
  r.agentId = "a1";
  EXPECT_EQ(validate(r), "");
  r.waitUs = -1;
  EXPECT_EQ(validate(r), "negative duration");
  r.waitUs = 0;
  r.kind = IxKind::Survey;
  r.score = 6;
  EXPECT_EQ(validate(r), "survey score out of 1..5");
  IvrPathRecord v;
  v.callId = "c";
  v.flowId = "f";
  v.atUs = 10;
  v.enteredAtUs = 20;
  EXPECT_EQ(validate(v), "ivr path with bad times");
}

TEST(ReportEvents, JournalRoundTrip) {
  InteractionRecord r;
  r.kind = IxKind::Ended;
  r.atUs = 123;
  r.interactionId = "i\"1";
  r.queueId = "q";
  r.agentId = "a";
  r.talkUs = 5;
  r.holdUs = 6;
  r.wrapUpUs = 7;
  r.answeredAtUs = 100;
  r.resolved = 1;
  auto back = recordFromJson(nlohmann::json::parse(toJson(r).dump()));
  ASSERT_TRUE(back);
  const auto &x = std::get<InteractionRecord>(*back);
  EXPECT_EQ(x.interactionId, "i\"1");
  EXPECT_EQ(x.kind, IxKind::Ended);
  EXPECT_EQ(x.talkUs + x.holdUs + x.wrapUpUs, 18);
  EXPECT_EQ(x.resolved, 1);
  IvrPathRecord v;
  v.atUs = 9;
  v.enteredAtUs = 3;
  v.callId = "c";
  v.flowId = "f";
  v.exit = IvrExit::Completed;
  auto vb = recordFromJson(toJson(v));
  ASSERT_TRUE(vb);
  EXPECT_EQ(std::get<IvrPathRecord>(*vb).exit, IvrExit::Completed);
  EXPECT_FALSE(
      recordFromJson(nlohmann::json::parse(R"({"t":"ix","kind":"nope"})")));
  EXPECT_FALSE(recordFromJson(nlohmann::json::parse("[1,2]")));
}

TEST(ReportRollup, AgentStateIsSplitAtQuarterHours) {
  RollupBatch b;
  AgentStateRecord r;
  r.agentId = "a";
  r.fromState = "not_ready";
  r.toState = "ready";
  r.atUs = t("2026-03-02T08:50:00Z");
  r.previousForUs = 1800LL * 1'000'000; // since 08:20
  b.addAgentState(r, "lunch");
  const int64_t q = 1'000'000;
  EXPECT_EQ(b.states().size(), 3u);
  EXPECT_EQ(
      b.states().at({"a", t("2026-03-02T08:15:00Z"), "not_ready", "lunch"}),
      600 * q);
  EXPECT_EQ(
      b.states().at({"a", t("2026-03-02T08:30:00Z"), "not_ready", "lunch"}),
      900 * q);
  EXPECT_EQ(
      b.states().at({"a", t("2026-03-02T08:45:00Z"), "not_ready", "lunch"}),
      300 * q);
}

TEST(ReportRollup, AbandonBucketsIncludeTheirUpperBound) {
  RollupBatch b;
  int i = 0;
  for (int w : {0, 5, 6, 10, 20, 30, 60, 120, 300, 301}) {
    InteractionRecord r;
    r.kind = IxKind::Abandoned;
    r.atUs = t("2026-03-02T08:00:00Z");
    r.interactionId = "x" + std::to_string(i++);
    r.queueId = "q";
    r.waitUs = int64_t{w} * 1'000'000;
    b.addInteraction(r);
  }
  const auto &c = b.ix().at({"queue", "q", t("2026-03-02T08:00:00Z")});
  EXPECT_EQ(c[kAb0], 2); // 0, 5
  EXPECT_EQ(c[kAb1], 2); // 6, 10
  EXPECT_EQ(c[kAb2], 1);
  EXPECT_EQ(c[kAb3], 1);
  EXPECT_EQ(c[kAb4], 1);
  EXPECT_EQ(c[kAb5], 1);
  EXPECT_EQ(c[kAb6], 1);
  EXPECT_EQ(c[kAb7], 1); // 301
  EXPECT_EQ(c[kShortAbandoned], 2);
  EXPECT_EQ(c[kOffered], 10);
}

} // namespace
} // namespace hujiao::report
