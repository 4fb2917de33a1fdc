// Staffing plan: one required-agents search per forecast interval, then day totals.
#include "report/staffing.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/time_format.h"

namespace hujiao::report {
namespace {

using core::makeError;
using core::Result;

core::Error invalidAt(size_t index, const std::string& message) {
  return makeError("invalid", "intervals[" + std::to_string(index) + "]: " + message);
}

Result<void> validateRequest(const StaffingRequest& request) {
  if (request.intervalMinutes < 1 || request.intervalMinutes > 1440) {
    return makeError("invalid", "interval_minutes must be between 1 and 1440");
  }
  if (request.intervals.empty()) return makeError("invalid", "intervals must hold at least one forecast interval");
  if (request.intervals.size() > kMaxForecastIntervals) {
    return makeError("invalid", "at most " + std::to_string(kMaxForecastIntervals) + " intervals per request");
  }
  if (!(request.shrinkage >= 0 && request.shrinkage < 1)) {
    return makeError("invalid", "shrinkage must be a fraction in [0, 1) (0.3 for 30%)");
  }
  if (request.patienceS && !(*request.patienceS > 0 && std::isfinite(*request.patienceS))) {
    return makeError("invalid", "patience_s must be a number of seconds > 0");
  }
  if (auto v = validate(request.target); !v) return v.error();
  const int64_t lengthUs = int64_t{request.intervalMinutes} * 60 * 1'000'000;
  std::optional<int64_t> previous;
  for (size_t i = 0; i < request.intervals.size(); ++i) {
    const auto start = core::parseIso8601(request.intervals[i].start);
    if (!start) return invalidAt(i, "start must be an ISO 8601 time such as 2026-11-23T08:00:00Z");
    if (previous && *start < *previous + lengthUs) {
      return invalidAt(i, "starts must increase by at least interval_minutes (intervals may not overlap)");
    }
    previous = start;
  }
  return {};
}

int withShrinkage(int agents, double shrinkage) {
  // The small slack keeps 14 / (1 - 0.3) = 20.000000000000004 at 20.
  return static_cast<int>(std::ceil(agents / (1 - shrinkage) - 1e-9));
}

}  // namespace

Result<StaffingPlan> planStaffing(const StaffingRequest& request) {
  if (auto v = validateRequest(request); !v) return v.error();
  StaffingPlan plan;
  plan.intervalMinutes = request.intervalMinutes;
  plan.target = request.target;
  plan.shrinkage = request.shrinkage;
  plan.intervals.reserve(request.intervals.size());
  const double intervalS = request.intervalMinutes * 60.0;

  StaffingTotals& t = plan.totals;
  double answeredInTime = 0;
  double shortAbandoned = 0;
  double answeredWait = 0;  // sum of answered * ASA
  double handledSeconds = 0;
  double staffedSeconds = 0;
  for (size_t i = 0; i < request.intervals.size(); ++i) {
    StaffingInterval out;
    out.forecast = request.intervals[i];
    if (!out.forecast.patienceS) out.forecast.patienceS = request.patienceS;
    out.erlangA = out.forecast.patienceS.has_value();
    QueueLoad load{out.forecast.calls, intervalS, out.forecast.ahtS, out.forecast.patienceS};
    auto staffing = requiredAgents(load, request.target);
    if (!staffing) {
      return core::Error{staffing.error().code, "intervals[" + std::to_string(i) + "] (" + out.forecast.start +
                                                    "): " + staffing.error().message};
    }
    out.agentsRequired = staffing->agents;
    out.agentsWithShrinkage = withShrinkage(staffing->agents, request.shrinkage);
    out.metrics = staffing->metrics;
    const double calls = out.forecast.calls;
    out.expectedAbandoned = calls * out.metrics.probAbandon;
    out.expectedAnswered = calls - out.expectedAbandoned;

    t.calls += calls;
    t.expectedAnswered += out.expectedAnswered;
    t.expectedAbandoned += out.expectedAbandoned;
    const double shortAb = calls * out.metrics.probShortAbandon;
    shortAbandoned += shortAb;
    answeredInTime += out.metrics.serviceLevel * (calls - shortAb);
    if (out.expectedAnswered > 0) answeredWait += out.expectedAnswered * out.metrics.asaS;
    handledSeconds += out.expectedAnswered * out.forecast.ahtS;
    staffedSeconds += out.agentsRequired * intervalS;
    t.agentHoursRequired += out.agentsRequired * intervalS / 3600;
    t.agentHoursWithShrinkage += out.agentsWithShrinkage * intervalS / 3600;
    t.peakAgentsRequired = std::max(t.peakAgentsRequired, out.agentsRequired);
    t.peakAgentsWithShrinkage = std::max(t.peakAgentsWithShrinkage, out.agentsWithShrinkage);
    plan.intervals.push_back(std::move(out));
  }
  const double slBase = t.calls - shortAbandoned;
  t.serviceLevel = slBase > 0 ? std::min(1.0, answeredInTime / slBase) : 1.0;
  t.asaS = t.expectedAnswered > 0 ? answeredWait / t.expectedAnswered : 0;
  t.abandonRate = t.calls > 0 ? t.expectedAbandoned / t.calls : 0;
  t.occupancy = staffedSeconds > 0 ? handledSeconds / staffedSeconds : 0;
  return plan;
}

}  // namespace hujiao::report
