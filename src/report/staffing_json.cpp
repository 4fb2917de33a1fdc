// JSON (de)serialisation of the staffing request and plan (shape: src/report/README.md).
// Parsing never throws: every key is checked for presence and type first.
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "report/staffing.h"

namespace hujiao::report {
namespace {

using core::makeError;
using core::Result;
using nlohmann::json;

core::Error invalid(const std::string& where, const std::string& message) {
  return makeError("invalid", where + message);
}

Result<void> onlyKeys(const json& obj, std::initializer_list<const char*> allowed, const std::string& where) {
  for (const auto& item : obj.items()) {
    bool known = false;
    for (const char* key : allowed) known = known || item.key() == key;
    if (!known) return invalid(where, "unknown key \"" + item.key() + "\"");
  }
  return {};
}

// A number under `key`; missing or null gives nullopt, any other non-number an error.
Result<std::optional<double>> optionalNumber(const json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<double>{};
  if (!it->is_number()) return invalid(where, std::string(key) + " must be a number");
  return std::optional<double>{it->get<double>()};
}

Result<double> requiredNumber(const json& obj, const char* key, const std::string& where) {
  auto v = optionalNumber(obj, key, where);
  if (!v) return v.error();
  if (!*v) return invalid(where, std::string(key) + " is required");
  return **v;
}

Result<double> numberOr(const json& obj, const char* key, double fallback, const std::string& where) {
  auto v = optionalNumber(obj, key, where);
  if (!v) return v.error();
  return v->value_or(fallback);
}

// Infinity and NaN have no JSON spelling: null says "unbounded/undefined".
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json optional(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }

Result<ForecastInterval> intervalFromJson(const json& item, size_t index) {
  const std::string where = "intervals[" + std::to_string(index) + "]: ";
  if (!item.is_object()) return invalid(where, "must be an object");
  if (auto v = onlyKeys(item, {"start", "calls", "aht_s", "patience_s"}, where); !v) return v.error();
  ForecastInterval out;
  const auto start = item.find("start");
  if (start == item.end() || !start->is_string()) return invalid(where, "start must be an ISO 8601 string");
  out.start = start->get<std::string>();
  auto calls = requiredNumber(item, "calls", where);
  if (!calls) return calls.error();
  out.calls = *calls;
  auto aht = requiredNumber(item, "aht_s", where);
  if (!aht) return aht.error();
  out.ahtS = *aht;
  auto patience = optionalNumber(item, "patience_s", where);
  if (!patience) return patience.error();
  out.patienceS = *patience;
  return out;
}

}  // namespace

Result<StaffingRequest> staffingRequestFromJson(const json& body) {
  if (!body.is_object()) return makeError("invalid", "the staffing request must be a JSON object");
  if (auto v = onlyKeys(body,
                        {"interval_minutes", "intervals", "service_level", "answer_within_s", "shrinkage",
                         "max_occupancy", "max_asa_s", "max_abandon_rate", "short_abandon_s", "patience_s"},
                        "");
      !v) {
    return v.error();
  }
  StaffingRequest r;
  auto minutes = numberOr(body, "interval_minutes", 30, "");
  if (!minutes) return minutes.error();
  if (*minutes != std::floor(*minutes) || *minutes < 1 || *minutes > 1440) {
    return makeError("invalid", "interval_minutes must be a whole number between 1 and 1440");
  }
  r.intervalMinutes = static_cast<int>(*minutes);

  auto sl = requiredNumber(body, "service_level", "");
  if (!sl) return sl.error();
  r.target.serviceLevel = *sl;
  auto within = requiredNumber(body, "answer_within_s", "");
  if (!within) return within.error();
  r.target.answerWithinS = *within;
  auto shrinkage = numberOr(body, "shrinkage", 0, "");
  if (!shrinkage) return shrinkage.error();
  r.shrinkage = *shrinkage;
  auto occupancy = numberOr(body, "max_occupancy", 1, "");
  if (!occupancy) return occupancy.error();
  r.target.maxOccupancy = *occupancy;
  auto shortAbandon = numberOr(body, "short_abandon_s", 0, "");
  if (!shortAbandon) return shortAbandon.error();
  r.target.shortAbandonS = *shortAbandon;
  auto maxAsa = optionalNumber(body, "max_asa_s", "");
  if (!maxAsa) return maxAsa.error();
  r.target.maxAsaS = *maxAsa;
  auto maxAbandon = optionalNumber(body, "max_abandon_rate", "");
  if (!maxAbandon) return maxAbandon.error();
  r.target.maxAbandonRate = *maxAbandon;
  auto patience = optionalNumber(body, "patience_s", "");
  if (!patience) return patience.error();
  r.patienceS = *patience;

  const auto intervals = body.find("intervals");
  if (intervals == body.end() || !intervals->is_array()) {
    return makeError("invalid", "intervals must be an array of {start, calls, aht_s, patience_s?}");
  }
  if (intervals->size() > kMaxForecastIntervals) {
    return makeError("invalid", "at most " + std::to_string(kMaxForecastIntervals) + " intervals per request");
  }
  r.intervals.reserve(intervals->size());
  for (size_t i = 0; i < intervals->size(); ++i) {
    auto item = intervalFromJson((*intervals)[i], i);
    if (!item) return item.error();
    r.intervals.push_back(std::move(*item));
  }
  return r;
}

json toJson(const StaffingRequest& r) {
  json intervals = json::array();
  for (const auto& i : r.intervals) {
    json item{{"start", i.start}, {"calls", i.calls}, {"aht_s", i.ahtS}};
    if (i.patienceS) item["patience_s"] = *i.patienceS;
    intervals.push_back(std::move(item));
  }
  json body{{"interval_minutes", r.intervalMinutes},
            {"service_level", r.target.serviceLevel},
            {"answer_within_s", r.target.answerWithinS},
            {"shrinkage", r.shrinkage},
            {"max_occupancy", r.target.maxOccupancy},
            {"short_abandon_s", r.target.shortAbandonS},
            {"intervals", std::move(intervals)}};
  if (r.target.maxAsaS) body["max_asa_s"] = *r.target.maxAsaS;
  if (r.target.maxAbandonRate) body["max_abandon_rate"] = *r.target.maxAbandonRate;
  if (r.patienceS) body["patience_s"] = *r.patienceS;
  return body;
}

json toJson(const QueueMetrics& m) {
  return json{{"agents", m.agents},
              {"traffic_erlangs", number(m.trafficErlangs)},
              {"probability_wait", number(m.probWait)},
              {"service_level", number(m.serviceLevel)},
              {"asa_s", number(m.asaS)},
              {"mean_wait_s", number(m.meanWaitS)},
              {"occupancy", number(m.occupancy)},
              {"abandon_rate", number(m.probAbandon)},
              {"short_abandon_rate", number(m.probShortAbandon)},
              {"stable", m.stable}};
}

json toJson(const StaffingPlan& plan) {
  json intervals = json::array();
  for (const auto& i : plan.intervals) {
    json item = toJson(i.metrics);
    item.erase("agents");
    item["start"] = i.forecast.start;
    item["calls"] = i.forecast.calls;
    item["aht_s"] = i.forecast.ahtS;
    item["patience_s"] = optional(i.forecast.patienceS);
    item["model"] = i.erlangA ? "erlang_a" : "erlang_c";
    item["agents_required"] = i.agentsRequired;
    item["agents_with_shrinkage"] = i.agentsWithShrinkage;
    item["expected_answered"] = number(i.expectedAnswered);
    item["expected_abandoned"] = number(i.expectedAbandoned);
    intervals.push_back(std::move(item));
  }
  const StaffingTotals& t = plan.totals;
  json totals{{"calls", number(t.calls)},
              {"expected_answered", number(t.expectedAnswered)},
              {"expected_abandoned", number(t.expectedAbandoned)},
              {"service_level", number(t.serviceLevel)},
              {"asa_s", number(t.asaS)},
              {"abandon_rate", number(t.abandonRate)},
              {"occupancy", number(t.occupancy)},
              {"agent_hours_required", number(t.agentHoursRequired)},
              {"agent_hours_with_shrinkage", number(t.agentHoursWithShrinkage)},
              {"peak_agents_required", t.peakAgentsRequired},
              {"peak_agents_with_shrinkage", t.peakAgentsWithShrinkage}};
  json target{{"service_level", plan.target.serviceLevel},
              {"answer_within_s", plan.target.answerWithinS},
              {"max_occupancy", plan.target.maxOccupancy},
              {"max_asa_s", optional(plan.target.maxAsaS)},
              {"max_abandon_rate", optional(plan.target.maxAbandonRate)},
              {"short_abandon_s", plan.target.shortAbandonS}};
  return json{{"interval_minutes", plan.intervalMinutes},
              {"shrinkage", plan.shrinkage},
              {"target", std::move(target)},
              {"intervals", std::move(intervals)},
              {"totals", std::move(totals)}};
}

}  // namespace hujiao::report
