#pragma once
// A day's (or week's) staffing plan from an interval forecast: per interval the agents
// required by Erlang C (or Erlang A when a patience is given), with and without
// shrinkage, and the expected service level, ASA, occupancy and abandon rate; plus
// totals. The JSON helpers define the body of POST /api/v1/reports/staffing
// (shape in src/report/README.md).
//
// Threads: pure functions; call from the service plane, never from the control thread:
// a 96-interval Erlang A plan with an ASA limit takes about 0.3 s of CPU (Erlang C plans
// and plans without an ASA limit take milliseconds).
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "report/erlang.h"

namespace hujiao::report {

/// One forecast interval.
struct ForecastInterval {
  std::string start;                ///< UTC ISO 8601 start; echoed back unchanged
  double calls = 0;                 ///< calls offered in the interval
  double ahtS = 0;                  ///< average handle time, seconds
  std::optional<double> patienceS;  ///< mean patience; falls back to StaffingRequest::patienceS
};

struct StaffingRequest {
  int intervalMinutes = 30;                 ///< length of every interval, 1..1440
  std::vector<ForecastInterval> intervals;  ///< strictly increasing, non-overlapping starts
  ServiceTarget target;
  double shrinkage = 0;                     ///< fraction of paid time not available for calls, [0, 1)
  std::optional<double> patienceS;          ///< default patience for intervals without one
};

struct StaffingInterval {
  ForecastInterval forecast;     ///< with the effective patience filled in
  bool erlangA = false;          ///< model used: Erlang A (patience known) or Erlang C
  int agentsRequired = 0;        ///< on the phones, meeting the target
  int agentsWithShrinkage = 0;   ///< ceil(agentsRequired / (1 - shrinkage)): to schedule
  QueueMetrics metrics;          ///< expected performance with agentsRequired
  double expectedAnswered = 0;   ///< calls * (1 - P(abandon))
  double expectedAbandoned = 0;  ///< calls * P(abandon)
};

struct StaffingTotals {
  double calls = 0;
  double expectedAnswered = 0;
  double expectedAbandoned = 0;
  double serviceLevel = 1;        ///< sum answered within T / sum (offered - short abandons)
  double asaS = 0;                ///< answered-weighted mean ASA
  double abandonRate = 0;         ///< abandoned / offered
  double occupancy = 0;           ///< handled workload / staffed agent time
  double agentHoursRequired = 0;
  double agentHoursWithShrinkage = 0;
  int peakAgentsRequired = 0;
  int peakAgentsWithShrinkage = 0;
};

struct StaffingPlan {
  int intervalMinutes = 30;
  ServiceTarget target;
  double shrinkage = 0;
  std::vector<StaffingInterval> intervals;
  StaffingTotals totals;
};

/// Most intervals one request may hold: a 31-day month of 15-minute intervals.
inline constexpr size_t kMaxForecastIntervals = 31 * 96;

/// Computes the plan. Error "invalid" names the offending field (with its interval
/// index), "target_unreachable" when some interval cannot meet the target.
core::Result<StaffingPlan> planStaffing(const StaffingRequest& request);

/// Parses the request body; unknown keys and wrong types are Error "invalid".
core::Result<StaffingRequest> staffingRequestFromJson(const nlohmann::json& body);
nlohmann::json toJson(const StaffingRequest& request);
/// The response body. Infinite values (never happen in a plan that met its target) are null.
nlohmann::json toJson(const StaffingPlan& plan);
nlohmann::json toJson(const QueueMetrics& metrics);

}  // namespace hujiao::report
