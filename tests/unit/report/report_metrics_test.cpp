// Every report metric checked against figures worked out by hand from the
// scripted history in report_history.h, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "report/report_query.h"
#include "report_history.h"
#include "report_test_support.h"

namespace hujiao::report::test {
namespace {

using nlohmann::json;

class ReportMetricsTest : public ReportDbTest {
protected:
  void SetUp() override {
    ReportDbTest::SetUp();
    EventStore es(db());
    for (const auto &batch : scriptedHistory()) {
      auto r = es.write(batch);
      ASSERT_OK(r);
    }
  }

  json report(const std::string &kind, std::map<std::string, std::string> q) {
    auto req = parseReportRequest(kind, q);
    EXPECT_OK(req);
    if (!req)
      return json();
    ReportService svc(db());
    auto t = svc.run(*req);
    EXPECT_OK(t);
    if (!t)
      return json();
    return toJson(*req, *t);
  }

  static json row(const json &rep, const std::string &periodStart,
                  const std::string &keyCol, const std::string &key) {
    for (const auto &r : rep.at("rows")) {
      if (r.at("period_start") == periodStart && r.at(keyCol) == key)
        return r;
    }
    ADD_FAILURE() << "no row " << periodStart << " " << key << " in "
                  << rep.dump();
    return json::object();
  }
};

#define EXPECT_NUM(row, col, v)                                                \
  EXPECT_NEAR((row).at(col).get<double>(), (v), 1e-9) << col
#define EXPECT_NULLCOL(row, col) EXPECT_TRUE((row).at(col).is_null()) << col

TEST_P(ReportMetricsTest, QueueHourHasEveryMetric) {
  auto rep = report("queues", {{"from", "2026-03-02T08:00:00Z"},
                               {"to", "2026-03-02T09:00:00Z"},
                               {"interval", "60m"}});
  ASSERT_EQ(rep.at("rows").size(), 2u); // q1 and q2
  auto r = row(rep, "2026-03-02T08:00:00Z", "queue_id", "q1");
  EXPECT_EQ(r.at("period_start_local"), "2026-03-02T08:00:00+00:00");
  // Offered = answered (i1 i2 i6 i10) + abandoned (i3 i4 i7 i8) + overflowed
  // (i5) + exited (i9).
  EXPECT_NUM(r, "offered", 10);
  EXPECT_NUM(r, "answered", 4);
  EXPECT_NUM(r, "abandoned", 4);
  EXPECT_NUM(r, "short_abandoned", 2); // i3 (3 s) and i7 (exactly 5 s)
  EXPECT_NUM(r, "abandon_rate", 0.4);
  EXPECT_NUM(r, "abandon_rate_excl_short", 0.25); // (4-2)/(10-2)
  EXPECT_NUM(r, "abandon_0_5", 2);
  EXPECT_NUM(r, "abandon_5_10", 0);
  EXPECT_NUM(r, "abandon_10_20", 0);
  EXPECT_NUM(r, "abandon_20_30", 1); // i4 25 s
  EXPECT_NUM(r, "abandon_30_60", 0);
  EXPECT_NUM(r, "abandon_60_120", 1); // i8 exactly 120 s
  EXPECT_NUM(r, "abandon_120_300", 0);
  EXPECT_NUM(r, "abandon_300_plus", 0);
  EXPECT_NUM(r, "abandon_mean_s", 38.25); // (3+25+5+120)/4
  EXPECT_NUM(r, "abandon_p90_s",
             96.0); // 3.6th of 4 falls in (60,120]: 60 + 0.6*60
  EXPECT_NUM(r, "overflowed", 1);
  EXPECT_NUM(r, "other_exits", 1);
  EXPECT_NUM(r, "answered_within_sl", 3); // 10, 15, 20 (= T) s; not i2's 40 s
  EXPECT_NUM(r, "service_level", 0.375);  // 3 / (10 - 2)
  EXPECT_NUM(r, "asa_s", 21.25);          // (10+40+15+20)/4
  EXPECT_NUM(r, "mean_wait_s", 29.75);    // (85 + 153)/8
  EXPECT_NUM(r, "longest_wait_s", 40);
  EXPECT_NUM(r, "handled", 4);
  EXPECT_NUM(r, "talk_s", 480);   // 120+200+60+100
  EXPECT_NUM(r, "hold_s", 50);    // 30+0+0+20
  EXPECT_NUM(r, "wrap_up_s", 60); // 20+10+0+30
  EXPECT_NUM(r, "aht_s", 147.5);  // 590/4
  EXPECT_NUM(r, "avg_talk_s", 120);
  EXPECT_NUM(r, "avg_hold_s", 12.5);
  EXPECT_NUM(r, "avg_wrap_up_s", 15);
  EXPECT_NUM(r, "transfers", 1);
  EXPECT_NUM(r, "transfer_rate", 0.25);
  EXPECT_NUM(r, "fcr_repeat_rate", 0.75); // i1's customer came back (i7)
  EXPECT_NUM(r, "fcr_disposition_rate",
             2.0 / 3.0); // i1 yes, i2 no, i10 yes; i6 unknown
  EXPECT_NUM(r, "csat_responses", 3);
  EXPECT_NUM(r, "csat_score", 2.0 / 3.0); // 5 and 4 of 5, 3, 4
  EXPECT_NUM(r, "csat_mean", 4.0);
  EXPECT_NUM(r, "csat_response_rate", 0.75);
  EXPECT_NUM(r, "callbacks_requested", 1);
  EXPECT_NUM(r, "callbacks_done", 1);
  EXPECT_NUM(r, "offers", 5);
  EXPECT_NUM(r, "ring_no_answer", 1);

  auto q2 = row(rep, "2026-03-02T08:00:00Z", "queue_id", "q2");
  EXPECT_NUM(q2, "offered", 1);
  EXPECT_NUM(q2, "abandoned", 1);
  EXPECT_NUM(q2, "short_abandoned", 0);
  EXPECT_NUM(q2, "abandon_30_60", 1);
  EXPECT_NUM(q2, "service_level", 0.0);
  EXPECT_NULLCOL(q2, "asa_s");
  EXPECT_NULLCOL(q2, "aht_s");
  EXPECT_NULLCOL(q2, "longest_wait_s");
}

TEST_P(ReportMetricsTest,
       FifteenMinuteIntervalsAttributeOutcomesAndKeepEmptyOnes) {
  auto rep = report("queues", {{"from", "2026-03-02T08:00:00Z"},
                               {"to", "2026-03-02T09:00:00Z"},
                               {"interval", "15m"},
                               {"queue_id", "q1"}});
  ASSERT_EQ(rep.at("rows").size(), 4u);
  auto a = row(rep, "2026-03-02T08:00:00Z", "queue_id", "q1");
  EXPECT_NUM(a, "offered", 5);
  EXPECT_NUM(a, "answered", 2);
  EXPECT_NUM(a, "abandoned", 2);
  EXPECT_NUM(a, "short_abandoned", 1);
  EXPECT_NUM(a, "service_level", 0.25); // 1 / (5 - 1)
  EXPECT_NUM(a, "asa_s", 25);
  EXPECT_NUM(a, "aht_s", 190); // (320 + 30 + 30) / 2
  EXPECT_NUM(a, "transfers", 1);
  EXPECT_NUM(a, "offers", 3);
  EXPECT_NUM(a, "fcr_repeat_rate", 0.5);
  EXPECT_NUM(a, "csat_score", 0.5);
  // i6 entered at 08:14:50 but was answered at 08:15:05: counted in the second
  // interval.
  auto b = row(rep, "2026-03-02T08:15:00Z", "queue_id", "q1");
  EXPECT_NUM(b, "offered", 4);
  EXPECT_NUM(b, "answered", 1);
  EXPECT_NUM(b, "abandoned", 2);
  EXPECT_NUM(b, "short_abandoned", 1);
  EXPECT_NUM(b, "other_exits", 1);
  EXPECT_NUM(b, "service_level", 1.0 / 3.0);
  EXPECT_NUM(b, "asa_s", 15);
  EXPECT_NUM(b, "aht_s", 60);
  EXPECT_NUM(b, "callbacks_requested", 1);
  EXPECT_NUM(b, "callbacks_done", 0);
  // 08:30 had nothing: a row of zeros, ratios null.
  auto c = row(rep, "2026-03-02T08:30:00Z", "queue_id", "q1");
  EXPECT_NUM(c, "offered", 0);
  EXPECT_NUM(c, "handled", 0);
  EXPECT_NULLCOL(c, "service_level");
  EXPECT_NULLCOL(c, "asa_s");
  EXPECT_NULLCOL(c, "abandon_rate");
  EXPECT_NULLCOL(c, "abandon_p90_s");
  auto d = row(rep, "2026-03-02T08:45:00Z", "queue_id", "q1");
  EXPECT_NUM(d, "offered", 1);
  EXPECT_NUM(d, "service_level", 1.0);
  EXPECT_NUM(d, "aht_s", 150);
  EXPECT_NUM(d, "callbacks_done", 1);

  auto sparse = report("queues", {{"from", "2026-03-02T08:00:00Z"},
                                  {"to", "2026-03-02T09:00:00Z"},
                                  {"interval", "15m"},
                                  {"queue_id", "q1"},
                                  {"fill_empty", "0"}});
  EXPECT_EQ(sparse.at("rows").size(), 3u);
}

TEST_P(ReportMetricsTest, DayWeekMonthInATimeZone) {
  // UTC-08:15: local midnight is 08:15 UTC, between the first and second
  // quarter hour.
  auto day = report("queues", {{"from", "2026-03-01T08:15:00Z"},
                               {"to", "2026-03-03T08:15:00Z"},
                               {"interval", "day"},
                               {"tz", "-08:15"},
                               {"queue_id", "q1"}});
  ASSERT_EQ(day.at("rows").size(), 2u);
  auto d1 = row(day, "2026-03-01T08:15:00Z", "queue_id", "q1");
  EXPECT_EQ(d1.at("period_start_local"), "2026-03-01T00:00:00-08:15");
  EXPECT_NUM(d1, "offered", 5);
  EXPECT_NUM(d1, "answered", 2);
  auto d2 = row(day, "2026-03-02T08:15:00Z", "queue_id", "q1");
  EXPECT_EQ(d2.at("period_start_local"), "2026-03-02T00:00:00-08:15");
  EXPECT_NUM(d2, "offered", 5);
  EXPECT_NUM(d2, "answered", 2);
  EXPECT_NUM(d2, "service_level", 0.5); // i6, i10 within T of (5 - 1 short)

  // Weeks start on Monday: 2026-03-02 is one; in UTC+08:00 its week starts
  // 2026-03-01T16:00Z.
  auto week = report("queues", {{"from", "2026-02-22T16:00:00Z"},
                                {"to", "2026-03-08T16:00:00Z"},
                                {"interval", "week"},
                                {"tz", "+08:00"},
                                {"queue_id", "q1"}});
  ASSERT_EQ(week.at("rows").size(), 2u);
  EXPECT_NUM(row(week, "2026-02-22T16:00:00Z", "queue_id", "q1"), "offered", 0);
  EXPECT_NUM(row(week, "2026-03-01T16:00:00Z", "queue_id", "q1"), "offered",
             10);

  auto month = report("queues", {{"from", "2026-01-31T16:00:00Z"},
                                 {"to", "2026-03-31T16:00:00Z"},
                                 {"interval", "month"},
                                 {"tz", "+08:00"},
                                 {"queue_id", "q1"}});
  ASSERT_EQ(month.at("rows").size(), 2u);
  auto feb = row(month, "2026-01-31T16:00:00Z", "queue_id", "q1");
  EXPECT_EQ(feb.at("period_start_local"), "2026-02-01T00:00:00+08:00");
  EXPECT_NUM(feb, "offered", 0);
  auto mar = row(month, "2026-02-28T16:00:00Z", "queue_id", "q1");
  EXPECT_NUM(mar, "offered", 10);
  EXPECT_NUM(mar, "service_level", 0.375);
  EXPECT_NUM(mar, "longest_wait_s", 40);
  EXPECT_NUM(mar, "abandon_p90_s", 96.0);
}

TEST_P(ReportMetricsTest, MonthsInAnotherOffsetMixDayHourAndQuarterRows) {
  // The store keeps days in UTC; a month in -08:15 reads the UTC days inside
  // it from day rows and its edges from hour and quarter rows: same figures.
  auto month = report("queues", {{"from", "2026-03-01T08:15:00Z"},
                                 {"to", "2026-04-01T08:15:00Z"},
                                 {"interval", "month"},
                                 {"tz", "-08:15"},
                                 {"queue_id", "q1"}});
  ASSERT_EQ(month.at("rows").size(), 1u);
  auto mar = row(month, "2026-03-01T08:15:00Z", "queue_id", "q1");
  EXPECT_NUM(mar, "offered", 10);
  EXPECT_NUM(mar, "service_level", 0.375);
  EXPECT_NUM(mar, "longest_wait_s", 40);
  EXPECT_NUM(mar, "aht_s", 147.5);
  auto states = report("agent-states", {{"from", "2026-03-01T08:15:00Z"},
                                        {"to", "2026-04-01T08:15:00Z"},
                                        {"interval", "month"},
                                        {"tz", "-08:15"},
                                        {"agent_id", "a1"}});
  auto a1 = row(states, "2026-03-01T08:15:00Z", "agent_id", "a1");
  EXPECT_NUM(a1, "logged_in_s", 4500);
  EXPECT_NUM(a1, "not_ready_lunch_s", 1800);
  auto week = report("agent-states", {{"from", "2026-02-23T08:15:00Z"},
                                      {"to", "2026-03-09T08:15:00Z"},
                                      {"interval", "week"},
                                      {"tz", "-08:15"},
                                      {"agent_id", "a1"}});
  // 07:55-08:15 UTC is the end of the local week before (-08:15).
  EXPECT_NUM(row(week, "2026-02-23T08:15:00Z", "agent_id", "a1"),
             "logged_in_s", 1200);
  EXPECT_NUM(row(week, "2026-03-02T08:15:00Z", "agent_id", "a1"),
             "logged_in_s", 3300);
}

TEST_P(ReportMetricsTest, UtcDaysReadTheDayRollups) {
  // Day-aligned in the store's day offset (UTC): answered from the day rows.
  auto day = report("queues", {{"from", "2026-03-01T00:00:00Z"},
                               {"to", "2026-03-03T00:00:00Z"},
                               {"interval", "day"},
                               {"queue_id", "q1"}});
  ASSERT_EQ(day.at("rows").size(), 2u);
  EXPECT_NUM(row(day, "2026-03-01T00:00:00Z", "queue_id", "q1"), "offered", 0);
  auto r = row(day, "2026-03-02T00:00:00Z", "queue_id", "q1");
  EXPECT_NUM(r, "offered", 10);
  EXPECT_NUM(r, "service_level", 0.375);
  EXPECT_NUM(r, "longest_wait_s", 40);
  EXPECT_NUM(r, "aht_s", 147.5);
  EXPECT_NUM(r, "fcr_repeat_rate", 0.75);
  auto states = report("agent-states", {{"from", "2026-03-02T00:00:00Z"},
                                        {"to", "2026-03-03T00:00:00Z"},
                                        {"interval", "day"},
                                        {"agent_id", "a1"}});
  ASSERT_EQ(states.at("rows").size(), 1u);
  auto a1 = row(states, "2026-03-02T00:00:00Z", "agent_id", "a1");
  EXPECT_NUM(a1, "logged_in_s", 4500); // 07:55 to 09:10
  EXPECT_NUM(a1, "ready_s", 2220); // 300 before 08:00 + 1320 + 600 after 09:00
  EXPECT_NUM(a1, "not_ready_lunch_s", 1800);
  EXPECT_NUM(a1, "not_ready_break_s", 240);
}

TEST_P(ReportMetricsTest, AgentsReport) {
  auto rep = report("agents", {{"from", "2026-03-02T08:00:00Z"},
                               {"to", "2026-03-02T09:00:00Z"},
                               {"interval", "60m"}});
  ASSERT_EQ(rep.at("rows").size(), 2u);
  auto a1 = row(rep, "2026-03-02T08:00:00Z", "agent_id", "a1");
  EXPECT_NUM(a1, "answered", 2); // i1, i6
  EXPECT_NUM(a1, "answered_within_sl", 2);
  EXPECT_NUM(a1, "asa_s", 12.5);
  EXPECT_NUM(a1, "handled", 2);
  EXPECT_NUM(a1, "aht_s", 115); // (120+30+20 + 60)/2
  EXPECT_NUM(a1, "talk_s", 180);
  EXPECT_NUM(a1, "transfers", 0);
  EXPECT_NUM(a1, "offers", 2);
  EXPECT_NUM(a1, "ring_no_answer", 0);
  EXPECT_NUM(a1, "fcr_repeat_rate", 0.5);
  EXPECT_NUM(a1, "fcr_disposition_rate", 1.0);
  EXPECT_NUM(a1, "csat_score", 1.0);
  EXPECT_NUM(a1, "csat_mean", 5.0);
  EXPECT_NUM(a1, "callbacks_done", 1);
  // State time (split at bucket edges): see AgentStateTime.
  EXPECT_NUM(a1, "logged_in_s", 3600);
  EXPECT_NUM(a1, "state_ready_s", 1320);
  EXPECT_NUM(a1, "state_not_ready_s", 2040);
  EXPECT_NUM(a1, "occupancy", 240.0 / 1560.0);
  EXPECT_NUM(a1, "utilisation", 240.0 / 3600.0);

  auto a2 = row(rep, "2026-03-02T08:00:00Z", "agent_id", "a2");
  EXPECT_NUM(a2, "answered", 2); // i2, i10
  EXPECT_NUM(a2, "answered_within_sl", 1);
  EXPECT_NUM(a2, "asa_s", 30);
  EXPECT_NUM(a2, "aht_s", 180); // (200+0+10 + 100+20+30)/2
  EXPECT_NUM(a2, "transfers", 1);
  EXPECT_NUM(a2, "transfer_rate", 0.5);
  EXPECT_NUM(a2, "offers", 3);
  EXPECT_NUM(a2, "ring_no_answer", 1);
  EXPECT_NUM(a2, "fcr_repeat_rate", 1.0);
  EXPECT_NUM(a2, "fcr_disposition_rate", 0.5);
  EXPECT_NUM(a2, "csat_score", 0.5);
  EXPECT_NUM(a2, "csat_mean", 3.5);
  EXPECT_NUM(a2, "logged_in_s",
             0); // still in its first state: booked when it ends
  EXPECT_NULLCOL(a2, "occupancy");
}

TEST_P(ReportMetricsTest, AgentStateTime) {
  auto rep = report("agent-states", {{"from", "2026-03-02T08:00:00Z"},
                                     {"to", "2026-03-02T09:00:00Z"},
                                     {"interval", "15m"},
                                     {"agent_id", "a1"}});
  ASSERT_EQ(rep.at("rows").size(), 4u);
  std::vector<std::string> cols;
  for (const auto &c : rep.at("columns")) {
    EXPECT_FALSE(c.at("label").get<std::string>().empty());
    cols.push_back(c.at("key").get<std::string>());
  }
  EXPECT_NE(std::find(cols.begin(), cols.end(), "not_ready_break_s"),
            cols.end());
  EXPECT_NE(std::find(cols.begin(), cols.end(), "not_ready_lunch_s"),
            cols.end());
  auto q1 = row(rep, "2026-03-02T08:00:00Z", "agent_id", "a1");
  EXPECT_NUM(q1, "logged_in_s", 900);
  EXPECT_NUM(q1, "ready_s", 485); // 5 + 420 + 60
  EXPECT_NUM(q1, "reserved_s", 5);
  EXPECT_NUM(q1, "busy_s", 150);
  EXPECT_NUM(q1, "wrap_up_s", 20);
  EXPECT_NUM(q1, "not_ready_s", 240);
  EXPECT_NUM(q1, "not_ready_break_s",
             240); // reason remembered from the previous batch
  EXPECT_NUM(q1, "not_ready_lunch_s", 0);
  EXPECT_NUM(q1, "occupancy", 175.0 / 660.0);
  auto q2 = row(rep, "2026-03-02T08:15:00Z", "agent_id", "a1");
  EXPECT_NUM(q2, "reserved_s", 5);
  EXPECT_NUM(q2, "busy_s", 60);
  EXPECT_NUM(q2, "ready_s", 235);
  EXPECT_NUM(q2, "not_ready_lunch_s", 600);
  auto q3 = row(rep, "2026-03-02T08:30:00Z", "agent_id", "a1");
  EXPECT_NUM(q3, "not_ready_lunch_s", 900);
  EXPECT_NUM(q3, "logged_in_s", 900);
  EXPECT_NULLCOL(q3, "occupancy"); // neither handling nor ready time: undefined
  auto q4 = row(rep, "2026-03-02T08:45:00Z", "agent_id", "a1");
  EXPECT_NUM(q4, "not_ready_lunch_s", 300);
  EXPECT_NUM(q4, "ready_s", 600);
}

TEST_P(ReportMetricsTest, DidAndFlowReportsWithIvrContainment) {
  for (const auto &[kind, col, key] :
       {std::tuple{"dids", "did", "800"},
        std::tuple{"flows", "flow_id", "main"}}) {
    auto rep = report(kind, {{"from", "2026-03-02T08:00:00Z"},
                             {"to", "2026-03-02T09:00:00Z"},
                             {"interval", "60m"}});
    ASSERT_EQ(rep.at("rows").size(), 1u) << kind;
    auto r = row(rep, "2026-03-02T08:00:00Z", col, key);
    EXPECT_NUM(r, "offered", 10); // i5's abandon in q2 carries no DID/flow
    EXPECT_NUM(r, "answered", 4);
    EXPECT_NUM(r, "service_level", 0.375);
    EXPECT_NUM(r, "ivr_entered", 6);
    EXPECT_NUM(r, "ivr_short_hangups", 1); // c-x1 after 3 s
    EXPECT_NUM(r, "ivr_contained",
               2); // c-x2 completed, c-x4 hang-up after self-service
    EXPECT_NUM(r, "ivr_containment", 0.4); // 2 / (6 - 1)
  }
  auto nodes = report("flow-nodes", {{"from", "2026-03-02T08:00:00Z"},
                                     {"to", "2026-03-02T09:00:00Z"},
                                     {"interval", "60m"}});
  std::map<std::string, int64_t> exits;
  for (const auto &r : nodes.at("rows")) {
    exits[r.at("exit_node").get<std::string>() + "/" +
          r.at("exit").get<std::string>()] = r.at("calls").get<int64_t>();
  }
  EXPECT_EQ(exits, (std::map<std::string, int64_t>{{"balance/completed", 1},
                                                   {"balance/hangup", 1},
                                                   {"menu1/hangup", 1},
                                                   {"menu1/queue", 1},
                                                   {"menu2/external", 1},
                                                   {"welcome/hangup", 1}}));
}

TEST_P(ReportMetricsTest, RawEventsAreKept) {
  auto n = db().query("SELECT COUNT(*) FROM report_ix_events");
  ASSERT_OK(n);
  EXPECT_EQ(n->rows.at(0).i64(0), 37);
  auto states =
      db().query("SELECT COUNT(*) FROM report_agent_events WHERE agent_id = $1",
                 {std::string("a1")});
  ASSERT_OK(states);
  EXPECT_EQ(states->rows.at(0).i64(0), 13);
  auto cdr =
      db().query("SELECT cdr_id FROM report_cdr_refs WHERE interaction_id = $1",
                 {std::string("i6")});
  ASSERT_OK(cdr);
  ASSERT_EQ(cdr->size(), 1u);
  EXPECT_EQ(cdr->rows[0].str(0), "cdr-6");
  auto ivr =
      db().query("SELECT COUNT(*) FROM report_ivr_paths WHERE flow_id = $1",
                 {std::string("main")});
  ASSERT_OK(ivr);
  EXPECT_EQ(ivr->rows.at(0).i64(0), 6);
}

TEST_P(ReportMetricsTest, BadRequestsAreRefused) {
  ReportService svc(db());
  auto run = [&](std::map<std::string, std::string> q,
                 const std::string &kind = "queues") {
    auto req = parseReportRequest(kind, q);
    if (!req)
      return req.error().code;
    auto t = svc.run(*req);
    return t ? std::string("ok") : t.error().code;
  };
  EXPECT_EQ(
      run({{"from", "2026-03-02T08:00:00Z"}, {"to", "2026-03-02T09:00:00Z"}}),
      "ok");
  EXPECT_EQ(run({{"from", "2026-03-02T08:00:00Z"}}), "invalid");
  EXPECT_EQ(
      run({{"from", "2026-03-02T08:05:00Z"}, {"to", "2026-03-02T09:00:00Z"}}),
      "invalid");
  EXPECT_EQ(
      run({{"from", "2026-03-02T09:00:00Z"}, {"to", "2026-03-02T08:00:00Z"}}),
      "invalid");
  EXPECT_EQ(run({{"from", "2026-03-02T08:00:00Z"},
                 {"to", "2026-03-02T09:00:00Z"},
                 {"tz", "+05:20"}}),
            "invalid");
  EXPECT_EQ(run({{"from", "2026-03-02T08:00:00Z"},
                 {"to", "2026-03-02T09:00:00Z"},
                 {"interval", "7m"}}),
            "invalid");
  EXPECT_EQ(run({{"from", "2026-03-02T08:00:00Z"},
                 {"to", "2026-03-02T09:00:00Z"},
                 {"colour", "red"}}),
            "invalid");
  EXPECT_EQ(
      run({{"from", "2026-03-02T08:00:00Z"}, {"to", "2026-03-02T09:00:00Z"}},
          "nope"),
      "not_found");
  EXPECT_EQ(run({{"from", "2026-03-02T08:00:00Z"},
                 {"to", "2026-03-02T09:00:00Z"},
                 {"queue_id", "q1"}},
                "agents"),
            "invalid");
  // 6 queues x 35,040 quarter hours of a year exceed the row limit.
  EXPECT_EQ(run({{"from", "2025-03-02T00:00:00Z"},
                 {"to", "2026-03-02T00:00:00Z"},
                 {"interval", "15m"},
                 {"queue_id", "a,b,c,d,e,f"}}),
            "invalid");
}

HUJIAO_REPORT_BACKENDS(ReportMetricsTest);

} // namespace
} // namespace hujiao::report::test
