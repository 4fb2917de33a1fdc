// The staffing plan and its JSON body (POST /api/v1/reports/staffing).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "report/staffing.h"

namespace hujiao::report {
namespace {

using nlohmann::json;

json classicDay() {
  return json::parse(R"({
    "interval_minutes": 30,
    "service_level": 0.8,
    "answer_within_s": 20,
    "shrinkage": 0.3,
    "max_occupancy": 0.85,
    "intervals": [
      {"start": "2026-11-23T08:00:00Z", "calls": 100, "aht_s": 180},
      {"start": "2026-11-23T08:30:00Z", "calls": 0, "aht_s": 180},
      {"start": "2026-11-23T09:00:00Z", "calls": 100, "aht_s": 180, "patience_s": 120},
      {"start": "2026-11-23T09:30:00Z", "calls": 360, "aht_s": 240}
    ]
  })");
}

TEST(Staffing, PlanFromJsonMatchesTheWorkedExample) {
  auto request = staffingRequestFromJson(classicDay());
  ASSERT_TRUE(request.ok()) << request.error().message;
  auto plan = planStaffing(*request);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->intervals.size(), 4u);

  const auto& first = plan->intervals[0];  // Call Centre Helper example: 14 agents, 20 with 30% shrinkage
  EXPECT_FALSE(first.erlangA);
  EXPECT_EQ(first.agentsRequired, 14);
  EXPECT_EQ(first.agentsWithShrinkage, 20);
  EXPECT_NEAR(first.metrics.serviceLevel, 0.88835, 1e-5);
  EXPECT_NEAR(first.metrics.asaS, 7.8359, 1e-4);

  const auto& empty = plan->intervals[1];
  EXPECT_EQ(empty.agentsRequired, 0);
  EXPECT_EQ(empty.agentsWithShrinkage, 0);

  const auto& patient = plan->intervals[2];
  EXPECT_TRUE(patient.erlangA);
  EXPECT_LE(patient.agentsRequired, 14);
  EXPECT_GT(patient.expectedAbandoned, 0.0);
  EXPECT_NEAR(patient.expectedAnswered + patient.expectedAbandoned, 100, 1e-9);

  const auto& busy = plan->intervals[3];  // 48 E
  EXPECT_GT(busy.agentsRequired, 48);
  EXPECT_LE(busy.metrics.occupancy, 0.85);

  const auto& t = plan->totals;
  EXPECT_DOUBLE_EQ(t.calls, 560);
  EXPECT_EQ(t.peakAgentsRequired, busy.agentsRequired);
  EXPECT_DOUBLE_EQ(t.agentHoursRequired,
                   0.5 * (first.agentsRequired + patient.agentsRequired + busy.agentsRequired));
  EXPECT_GE(t.serviceLevel, 0.8);  // every interval meets the target, so the day does
  EXPECT_NEAR(t.abandonRate, patient.expectedAbandoned / 560, 1e-12);
  // Occupancy = handled workload / staffed time.
  const double workload = first.expectedAnswered * 180 + patient.expectedAnswered * 180 + busy.expectedAnswered * 240;
  EXPECT_NEAR(t.occupancy, workload / (t.agentHoursRequired * 3600), 1e-12);
}

TEST(Staffing, ResponseJsonShape) {
  auto plan = planStaffing(*staffingRequestFromJson(classicDay()));
  ASSERT_TRUE(plan.ok());
  const json body = toJson(*plan);
  EXPECT_EQ(body["interval_minutes"], 30);
  EXPECT_EQ(body["target"]["service_level"], 0.8);
  EXPECT_TRUE(body["target"]["max_asa_s"].is_null());
  const json& first = body["intervals"][0];
  EXPECT_EQ(first["start"], "2026-11-23T08:00:00Z");
  EXPECT_EQ(first["model"], "erlang_c");
  EXPECT_EQ(first["agents_required"], 14);
  EXPECT_EQ(first["agents_with_shrinkage"], 20);
  EXPECT_TRUE(first["patience_s"].is_null());
  for (const char* key : {"traffic_erlangs", "probability_wait", "service_level", "asa_s", "mean_wait_s", "occupancy",
                          "abandon_rate", "short_abandon_rate", "expected_answered", "expected_abandoned"}) {
    EXPECT_TRUE(first[key].is_number()) << key;
  }
  EXPECT_EQ(body["intervals"][2]["model"], "erlang_a");
  EXPECT_EQ(body["intervals"][2]["patience_s"], 120);
  for (const char* key : {"calls", "expected_answered", "expected_abandoned", "service_level", "asa_s", "abandon_rate",
                          "occupancy", "agent_hours_required", "agent_hours_with_shrinkage", "peak_agents_required",
                          "peak_agents_with_shrinkage"}) {
    EXPECT_TRUE(body["totals"][key].is_number()) << key;
  }
  // The body survives a text round trip (no NaN or infinity inside).
  EXPECT_EQ(json::parse(body.dump()), body);
}

TEST(Staffing, RequestRoundTripsAndDefaultPatienceApplies) {
  json in = classicDay();
  in["patience_s"] = 300;
  in["max_asa_s"] = 30;
  auto request = staffingRequestFromJson(in);
  ASSERT_TRUE(request.ok());
  auto again = staffingRequestFromJson(toJson(*request));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(toJson(*again), toJson(*request));
  auto plan = planStaffing(*request);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->intervals[0].erlangA);
  EXPECT_DOUBLE_EQ(*plan->intervals[0].forecast.patienceS, 300);
  EXPECT_DOUBLE_EQ(*plan->intervals[2].forecast.patienceS, 120);  // its own patience wins
}

TEST(Staffing, FullDayOfErlangAIsQuick) {
  StaffingRequest r;
  r.intervalMinutes = 15;
  r.target = ServiceTarget{0.8, 20, 0.9, 20.0, 0.05, 5};
  r.shrinkage = 0.35;
  for (int i = 0; i < 96; ++i) {
    const double shape = std::sin(3.14159 * i / 96);  // busy mid-day, quiet at night
    const int minutes = i * 15;
    char start[32];
    std::snprintf(start, sizeof start, "2026-11-23T%02d:%02d:00Z", minutes / 60, minutes % 60);
    r.intervals.push_back(ForecastInterval{start, 2000 * shape * shape, 240, 150.0});
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto plan = planStaffing(r);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_GT(plan->totals.peakAgentsWithShrinkage, plan->totals.peakAgentsRequired);
  for (const auto& i : plan->intervals) {
    if (i.forecast.calls == 0) continue;
    EXPECT_GE(i.metrics.serviceLevel, 0.8);
    EXPECT_LE(i.metrics.asaS, 20.0);
    EXPECT_LE(i.metrics.probAbandon, 0.05);
    EXPECT_LE(i.metrics.occupancy, 0.9 + 1e-12);
  }
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(Staffing, BadRequestsAreClearErrors) {
  auto errorOf = [](const json& body) -> std::string {
    auto request = staffingRequestFromJson(body);
    if (!request) return request.error().code + ": " + request.error().message;
    auto plan = planStaffing(*request);
    if (!plan) return plan.error().code + ": " + plan.error().message;
    return "ok";
  };
  EXPECT_EQ(errorOf(classicDay()), "ok");
  EXPECT_NE(errorOf(json::array()).find("invalid"), std::string::npos);
  auto with = [](const char* key, json value) {
    json body = classicDay();
    body[key] = std::move(value);
    return body;
  };
  EXPECT_NE(errorOf(with("service_level", 80)).find("service_level"), std::string::npos);
  EXPECT_NE(errorOf(with("service_level", "high")).find("service_level must be a number"), std::string::npos);
  EXPECT_NE(errorOf(with("shrinkage", 1.0)).find("shrinkage"), std::string::npos);
  EXPECT_NE(errorOf(with("interval_minutes", 7.5)).find("interval_minutes"), std::string::npos);
  EXPECT_NE(errorOf(with("intervals", json::array())).find("at least one"), std::string::npos);
  EXPECT_NE(errorOf(with("intervals", "none")).find("intervals must be an array"), std::string::npos);
  EXPECT_NE(errorOf(with("servicelevel", 0.8)).find("unknown key \"servicelevel\""), std::string::npos);

  json body = classicDay();
  body["intervals"][2]["aht_s"] = -3;
  EXPECT_NE(errorOf(body).find("intervals[2]"), std::string::npos);
  body = classicDay();
  body["intervals"][1].erase("calls");
  EXPECT_NE(errorOf(body).find("intervals[1]: calls is required"), std::string::npos);
  body = classicDay();
  body["intervals"][3]["start"] = "yesterday";
  EXPECT_NE(errorOf(body).find("intervals[3]: start"), std::string::npos);
  body = classicDay();
  body["intervals"][3]["start"] = "2026-11-23T09:15:00Z";  // overlaps the 09:00 interval
  EXPECT_NE(errorOf(body).find("overlap"), std::string::npos);
  body = classicDay();
  body["intervals"][0]["aht"] = 180;
  EXPECT_NE(errorOf(body).find("unknown key \"aht\""), std::string::npos);
  body = classicDay();
  body["intervals"][0]["patience_s"] = 0;
  EXPECT_NE(errorOf(body).find("patience_s"), std::string::npos);
}

}  // namespace
}  // namespace hujiao::report
