// The JSON schemas of the records routes (routes_records*.cpp): recordings,
// legal hold, the recording policy and live recording control
// (docs/recording.md), quality inspection (score forms and scores), historical
// reports and staffing (docs/reports.md). They go to the catalogue through
// addRecordsSchemas() (schemas.cpp); the routes name them. The handlers parse
// their bodies themselves (nested members, cross-field rules such as weights
// summing to 100), so the request schemas here describe exactly what those
// handlers accept, with the same bounds.
// Immutable after first use; any thread.
#include <optional>
#include <string>
#include <vector>

#include "api/schema_helpers.h"
#include "api/schemas.h"

namespace hujiao::api {

namespace {
using namespace schema_helpers;  // NOLINT(google-build-using-namespace)

/// A fractional number in [min, max] (either end open when exclusive).
FieldSpec num(std::string name, std::string desc = "") {
  return typedField(std::move(name), FieldType::Number, std::move(desc));
}

FieldSpec range(FieldSpec f, std::optional<double> min, std::optional<double> max, bool minOpen = false,
                bool maxOpen = false) {
  f.minimum = min;
  f.maximum = max;
  f.exclusiveMinimum = minOpen;
  f.exclusiveMaximum = maxOpen;
  return f;
}

/// A response number that is null when it is not finite (no agents, no calls).
FieldSpec nnum(std::string name, std::string desc = "") { return nullable(num(std::move(name), std::move(desc))); }

void addQualitySchemas(std::vector<ObjectSchema>& s) {
  s.push_back({"ScoreCriterion",
               "One criterion of a score form. Weights of a form sum to 100; ids are unique within it",
               {required(str("id", 64)), required(str("name", 200)), str("description", 1000),
                required(range(num("weight", "Share of the total, in percent"), 0, 100, true), 0),
                range(integer("max_points", "Points of a perfect answer (default 10)"), 1, 100)}});
  const FieldSpec criteria = [] {
    FieldSpec f = refArray("criteria", "ScoreCriterion", "1 to 50 criteria");
    f.maxLength = 50;
    return f;
  }();
  s.push_back({"ScoreForm",
               "A quality score form",
               {str("id"), str("name"), str("description"), criteria, boolean("active", "Offered for new scores"),
                time("created_at"), time("updated_at")}});
  s.push_back(shortList("ScoreFormList", "ScoreForm", "The score forms (?active=true: active ones only)"));
  s.push_back({"ScoreFormCreate",
               "A new score form: criteria weights must sum to 100",
               {required(str("name", 200)), str("description", 1000), required(criteria, 0), boolean("active")}});
  s.push_back({"ScoreFormUpdate",
               "Partial update; a form that has scores only changes active (and description)",
               {minOne(str("name", 200)), str("description", 1000), criteria, boolean("active")}});
  s.push_back(
      {"ScoreItem",
       "Points given for one criterion",
       {required(str("criterion_id", 64)), required(range(integer("points"), 0, 100), 0), str("comment", 2000)}});
  s.push_back({"Score",
               "A supervisor's score of a recording",
               {str("id"), str("recording_id"), str("form_id"), str("supervisor_id"), str("agent_id"),
                str("department_id"), time("recording_started_at"), refArray("items", "ScoreItem"),
                num("total", "Weighted total, 0..100"), str("comment"), time("created_at"), time("updated_at")}});
  s.push_back({"ScoreCreate",
               "Score a recording with a form: one item per criterion, points 0..max_points",
               {required(str("form_id", 64)), required(refArray("items", "ScoreItem"), 0), str("comment", 2000)}});
  s.push_back(shortList("RecordingScoreList", "Score", "Every score of a recording"));
  s.push_back({"AgentScoreSummary",
               "Scores of one agent among those matching the filters",
               {str("agent_id"), integer("count"), num("average"), num("min"), num("max")}});
  s.push_back({"ScorePage",
               "A page of scores with per-agent averages over every match",
               {refArray("items", "Score"), integer("total"), integer("limit"), integer("offset"),
                refArray("summary", "AgentScoreSummary")}});
}

void addReportSchemas(std::vector<ObjectSchema>& s) {
  s.push_back({"ReportColumn", "", {str("key", 0, false, "Member name in each row"), str("label")}});
  s.push_back({"Report",
               "A historical report (format=json; csv and xlsx give the same table as a file). Metric "
               "definitions: docs/reports.md",
               {str("report", 0, false, "queues, agents, dids, flows, agent-states or flow-nodes"),
                time("from"), time("to"), choice(str("interval"), {"15m", "30m", "1h", "day", "week", "month"}),
                integer("tz_offset_minutes"), refArray("columns", "ReportColumn"),
                typedField("rows", FieldType::ObjectArray,
                           "One object per interval and id, keyed by column key (numbers, or strings for "
                           "interval and ids)")}});
}

/// Members common to both staffing requests (percentages are 0..100).
std::vector<FieldSpec> staffingTargets() {
  return {
      range(num("interval_s", "Interval length (default 1800)"), 0, 86400, true),
      required(range(num("target_sl_pct", "Service level target: this % of calls answered within target_s"), 0,
                     100, true, true),
               0),
      required(range(num("target_s", "Service level threshold in seconds"), 0, std::nullopt), 0),
      nullable(range(num("patience_s", "Average caller patience: Erlang A (abandons) instead of Erlang C"), 0,
                     std::nullopt, true)),
      range(num("max_occupancy_pct", "Add agents until occupancy is at most this"), 0, 100, true),
      range(num("max_asa_s", "Add agents until the average speed of answer is at most this"), 0, std::nullopt),
      range(num("max_abandon_pct", "Erlang A: add agents until abandons are below this"), 0, 100, true, true),
      range(num("short_abandon_s", "Abandons before this many seconds do not count"), 0, std::nullopt),
      range(num("shrinkage_pct", "Time agents are paid but not available (breaks, training)"), 0, 100, false,
            true)};
}

/// The queue figures the staffing maths gives for a number of agents.
std::vector<FieldSpec> staffingMetrics() {
  return {integer("agents", "Agents required"),
          nnum("service_level_pct"),
          nnum("asa_s", "Average speed of answer"),
          nnum("occupancy_pct"),
          nnum("traffic_erlangs"),
          nnum("probability_wait_pct"),
          nnum("abandon_pct", "Erlang A only (0 with Erlang C)"),
          choice(str("model"), {"erlang_c", "erlang_a"}),
          integer("agents_with_shrinkage", "agents / (1 - shrinkage), rounded up")};
}

void addStaffingSchemas(std::vector<ObjectSchema>& s) {
  {
    auto f = staffingTargets();
    f.insert(f.begin(), {required(range(num("calls", "Calls offered in the interval"), 0, std::nullopt), 0),
                         required(range(num("aht_s", "Average handling time in seconds"), 0, std::nullopt, true), 0)});
    s.push_back({"StaffingErlangRequest", "One interval's load and the service target", f});
  }
  s.push_back({"StaffingResult", "Agents required for the interval and what they achieve", staffingMetrics()});
  s.push_back({"ForecastInterval",
               "One interval of a forecast",
               {required(str("start", 64, false, "Interval start (ISO 8601)")),
                required(range(num("calls"), 0, std::nullopt), 0),
                required(range(num("aht_s"), 0, std::nullopt, true), 0),
                range(num("patience_s", "Overrides the request's patience_s"), 0, std::nullopt, true)}});
  {
    auto f = staffingTargets();
    f.front().description = "Interval length: a whole number of minutes, 60..86400 (default 1800)";
    FieldSpec intervals =
        required(refArray("intervals", "ForecastInterval", "At most 2976 (31 days of 15 minutes)"), 0);
    intervals.maxLength = 2976;
    f.insert(f.begin(), intervals);
    s.push_back({"StaffingPlanRequest", "A forecast and the service target", f});
  }
  {
    auto f = staffingMetrics();
    f.insert(f.begin(), {str("start"), num("calls"), num("aht_s")});
    s.push_back({"StaffingPlanInterval", "", f});
  }
  s.push_back({"StaffingPlanTotals",
               "The day: weighted service figures and agent hours",
               {num("calls"), nnum("service_level_pct"), nnum("asa_s"), nnum("abandon_pct"), nnum("occupancy_pct"),
                nnum("agent_hours"), nnum("agent_hours_with_shrinkage"), integer("peak_agents"),
                integer("peak_agents_with_shrinkage")}});
  s.push_back(
      {"StaffingPlan",
       "Agents required per interval",
       {num("interval_s"), refArray("intervals", "StaffingPlanInterval"), ref("totals", "StaffingPlanTotals")}});
}

}  // namespace

void addRecordsSchemas(std::vector<ObjectSchema>& s) {
  // ---- recordings ----
  s.push_back({"RecordingPause", "", {time("start"), time("end")}});
  s.push_back({"Recording",
               "A call recording's metadata (agents see their own)",
               {str("id"), str("call_id"), strings("legs", 0, "Legs of the call in the file"), str("agent_id"),
                str("department_id"), str("queue_id"), str("customer_number"), str("direction"), str("did"),
                str("reason", 0, false, "Why it was recorded"), time("started_at"), time("ended_at"),
                integer("duration_ms"), integer("size_bytes"), str("sha256"), str("key_id"), boolean("encrypted"),
                str("format"), str("status"), refArray("pauses", "RecordingPause"),
                boolean("legal_hold", "Retention skips it")}});
  s.push_back(list("RecordingList", "Recording"));
  s.push_back({"LegalHold", "", {required(boolean("legal_hold"), 0)}});
  const std::vector<FieldSpec> policyFields = {
      choice(str("mode"), {"all", "selected", "none"}),
      strings("queues", 0, "mode selected: calls of these queues"),
      strings("agents", 0, "mode selected: calls of these agents"),
      choice(strings("directions", 0, "mode selected: calls in these directions"),
             {"inbound", "outbound", "internal"}),
      strings("dids", 0, "mode selected: calls to these DIDs"),
      strings("never_numbers", 0, "Never record calls with these numbers"),
      strings("never_agents", 0, "Never record these agents"),
      boolean("allow_on_demand", "Agents may start recording a call"),
      boolean("allow_agent_pause", "Agents may pause and resume"),
      integer("retention_days", "0 = keep forever"),
      object("retention_by_queue", "{queue_id: days}")};
  s.push_back({"RecordingPolicy", "The recording policy in force (docs/recording.md)", policyFields});
  s.push_back({"RecordingPolicyUpdate", "Fields given replace the current ones", policyFields});
  s.push_back({"CallRecordingAction", "", {choice("action", {"start", "pause", "resume", "stop"}, true)}});
  s.push_back({"CallRecordingState",
               "",
               {str("call_id"), nstr("recording_id"), boolean("recording"), boolean("paused"), str("reason")}});
  addQualitySchemas(s);
  addReportSchemas(s);
  addStaffingSchemas(s);
}

}  // namespace hujiao::api
