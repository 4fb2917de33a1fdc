// Historical reports (/api/v1/reports/{queues,agents,dids,flows,agent-states,
// flow-nodes}) as JSON, CSV or XLSX, and staffing with Erlang C / Erlang A
// (/api/v1/staffing/erlang, /api/v1/staffing/plan). Metric definitions:
// docs/reports.md. Reports read the store on the pool thread (never the
// control thread); staffing is pure CPU.
#include <cmath>

#include "api/routes_records_common.h"
#include "report/erlang.h"
#include "report/staffing.h"

namespace hujiao::api {

using nlohmann::json;
namespace rd = records_detail;

namespace {

struct ReportRoute {
  const char* kind;
  const char* idParam;
  const char* summary;
};

constexpr ReportRoute kReports[] = {
    {"queues", "queue_id", "Queue report by interval: offered, answered, abandoned, service level, ASA, AHT ..."},
    {"agents", "agent_id", "Agent report by interval: answered, talk/hold/wrap-up, occupancy, transfers ..."},
    {"dids", "did", "DID report by interval: calls per dialled number and their outcome"},
    {"flows", "flow_id", "IVR flow report by interval: entered, containment, exits"},
    {"agent-states", "agent_id", "Agent state time by interval: ready, not ready by reason, busy, wrap-up"},
    {"flow-nodes", "flow_id", "IVR node exits by interval"},
};

/// Department-scoped principals see their departments' agents only.
core::Result<std::optional<std::vector<std::string>>> visibleAgents(ApiContext& ctx, const Principal& p) {
  if (p.scope == Scope::All) return std::optional<std::vector<std::string>>{};
  std::vector<std::string> ids;
  if (p.scope == Scope::Self) {
    ids.push_back(p.userId);
    return std::optional<std::vector<std::string>>{ids};
  }
  for (const auto& dep : p.departmentIds) {
    auto rows = ctx.store.db().query("SELECT id FROM users WHERE department_id = $1", {dep});
    if (!rows) return rows.error();
    for (const auto& r : rows->rows) ids.push_back(r.str(0));
  }
  return std::optional<std::vector<std::string>>{ids};
}

core::Result<HttpResponse> runReport(ApiContext& ctx, RequestContext& rc, const ReportRoute& route) {
  auto svc = rd::service(ctx);
  if (!svc) return svc.error();
  auto req = report::parseReportRequest(route.kind, rc.query);
  if (!req) return req.error().code == "invalid" ? core::makeError("invalid_query", req.error().message) : req.error();
  const std::string kind = route.kind;
  if (kind == "agents" || kind == "agent-states") {
    auto visible = visibleAgents(ctx, *rc.principal);
    if (!visible) return visible.error();
    if (*visible) {
      if (req->ids.empty()) {
        req->ids = **visible;
        if (req->ids.empty()) {
          // Nothing visible: an id no agent has, and no zero rows for it.
          req->ids.push_back("-");
          req->fillEmpty = false;
        }
      } else {
        std::erase_if(req->ids, [&](const std::string& id) {
          return std::find((*visible)->begin(), (*visible)->end(), id) == (*visible)->end();
        });
        if (req->ids.empty()) return core::makeError("forbidden", "these agents are not in your departments");
      }
    }
  }
  auto out = report::renderReport((*svc)->reports(), *req);
  if (!out) return out.error().code == "invalid" ? core::makeError("invalid_query", out.error().message) : out.error();
  HttpResponse r;
  r.status = 200;
  r.contentType = out->contentType;
  r.body = std::move(out->body);
  if (!out->filename.empty())
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + out->filename + "\"");
  return r;
}

// ---- staffing ----

core::Result<double> number(const json& b, const char* key, bool required, double def = 0) {
  auto it = b.find(key);
  if (it == b.end() || it->is_null()) {
    if (required) return invalidField(key, "is required");
    return def;
  }
  if (!it->is_number() || !std::isfinite(it->get<double>())) return invalidField(key, "must be a number");
  return it->get<double>();
}

struct Common {
  double intervalS = 1800;
  report::ServiceTarget target;
  std::optional<double> patienceS;
  double shrinkage = 0;
};

core::Result<Common> common(const json& b) {
  Common c;
  auto interval = number(b, "interval_s", false, 1800);
  if (!interval) return interval.error();
  c.intervalS = *interval;
  auto sl = number(b, "target_sl_pct", true);
  if (!sl) return sl.error();
  if (*sl <= 0 || *sl >= 100) return invalidField("target_sl_pct", "must be between 0 and 100 (exclusive)");
  c.target.serviceLevel = *sl / 100.0;
  auto t = number(b, "target_s", true);
  if (!t) return t.error();
  c.target.answerWithinS = *t;
  if (b.contains("patience_s") && !b["patience_s"].is_null()) {
    auto p = number(b, "patience_s", true);
    if (!p) return p.error();
    if (*p <= 0) return invalidField("patience_s", "must be > 0");
    c.patienceS = *p;
  }
  if (b.contains("max_occupancy_pct")) {
    auto o = number(b, "max_occupancy_pct", true);
    if (!o) return o.error();
    if (*o <= 0 || *o > 100) return invalidField("max_occupancy_pct", "must be in (0, 100]");
    c.target.maxOccupancy = *o / 100.0;
  }
  if (b.contains("max_asa_s")) {
    auto a = number(b, "max_asa_s", true);
    if (!a) return a.error();
    c.target.maxAsaS = *a;
  }
  if (b.contains("max_abandon_pct")) {
    auto a = number(b, "max_abandon_pct", true);
    if (!a) return a.error();
    if (*a <= 0 || *a >= 100) return invalidField("max_abandon_pct", "must be between 0 and 100 (exclusive)");
    c.target.maxAbandonRate = *a / 100.0;
  }
  if (b.contains("short_abandon_s")) {
    auto a = number(b, "short_abandon_s", true);
    if (!a) return a.error();
    c.target.shortAbandonS = *a;
  }
  if (b.contains("shrinkage_pct")) {
    auto s = number(b, "shrinkage_pct", true);
    if (!s) return s.error();
    if (*s < 0 || *s >= 100) return invalidField("shrinkage_pct", "must be in [0, 100)");
    c.shrinkage = *s / 100.0;
  }
  return c;
}

json finite(double v, int decimals) {
  if (!std::isfinite(v)) return nullptr;
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

json metricsJson(const report::QueueMetrics& m, bool erlangA) {
  return {{"agents", m.agents},
          {"service_level_pct", finite(m.serviceLevel * 100, 2)},
          {"asa_s", finite(m.asaS, 2)},
          {"occupancy_pct", finite(m.occupancy * 100, 2)},
          {"traffic_erlangs", finite(m.trafficErlangs, 3)},
          {"probability_wait_pct", finite(m.probWait * 100, 2)},
          {"abandon_pct", finite(m.probAbandon * 100, 2)},
          {"model", erlangA ? "erlang_a" : "erlang_c"}};
}

/// Validation errors of the maths ("invalid") become 400 naming the field;
/// an unreachable target is 422.
core::Error staffingError(const core::Error& e) {
  if (e.code == "invalid") return core::makeError("invalid_field", e.message);
  if (e.code == "target_unreachable") return core::makeError("invalid_request", e.message);
  return e;
}

core::Result<HttpResponse> erlang(RequestContext& rc) {
  auto b = rd::body(rc);
  if (!b) return b.error();
  auto c = common(*b);
  if (!c) return c.error();
  auto calls = number(*b, "calls", true);
  if (!calls) return calls.error();
  auto aht = number(*b, "aht_s", true);
  if (!aht) return aht.error();
  report::QueueLoad load{*calls, c->intervalS, *aht, c->patienceS};
  auto s = report::requiredAgents(load, c->target);
  if (!s) {
    if (s.error().code == "target_unreachable")
      return rd::errorBody(422, "target_unreachable", s.error().message);
    return staffingError(s.error());
  }
  json out = metricsJson(s->metrics, c->patienceS.has_value());
  out["agents"] = s->agents;
  if (c->shrinkage > 0) out["agents_with_shrinkage"] = static_cast<int>(std::ceil(s->agents / (1 - c->shrinkage) - 1e-9));
  return jsonResponse(200, out);
}

core::Result<HttpResponse> plan(RequestContext& rc) {
  auto b = rd::body(rc);
  if (!b) return b.error();
  auto c = common(*b);
  if (!c) return c.error();
  const double minutes = c->intervalS / 60.0;
  if (minutes < 1 || minutes > 1440 || std::floor(minutes) != minutes)
    return invalidField("interval_s", "must be a whole number of minutes, 60..86400");
  report::StaffingRequest req;
  req.intervalMinutes = static_cast<int>(minutes);
  req.target = c->target;
  req.shrinkage = c->shrinkage;
  req.patienceS = c->patienceS;
  if (!b->contains("intervals") || !(*b)["intervals"].is_array() || (*b)["intervals"].empty())
    return invalidField("intervals", "must be a non-empty array of {start, calls, aht_s}");
  size_t i = 0;
  for (const auto& iv : (*b)["intervals"]) {
    const std::string field = "intervals[" + std::to_string(i++) + "]";
    if (!iv.is_object()) return invalidField(field, "must be an object");
    report::ForecastInterval f;
    f.start = optString(iv, "start");
    if (f.start.empty()) return invalidField(field + ".start", "is required (ISO 8601)");
    auto calls = number(iv, "calls", true);
    if (!calls) return invalidField(field + ".calls", "must be a number");
    auto aht = number(iv, "aht_s", true);
    if (!aht) return invalidField(field + ".aht_s", "must be a number");
    f.calls = *calls;
    f.ahtS = *aht;
    if (iv.contains("patience_s")) {
      auto p = number(iv, "patience_s", true);
      if (!p) return invalidField(field + ".patience_s", "must be a number");
      f.patienceS = *p;
    }
    req.intervals.push_back(std::move(f));
  }
  auto p = report::planStaffing(req);
  if (!p) {
    if (p.error().code == "target_unreachable")
      return rd::errorBody(422, "target_unreachable", p.error().message);
    return staffingError(p.error());
  }
  json intervals = json::array();
  for (const auto& iv : p->intervals) {
    json o = metricsJson(iv.metrics, iv.erlangA);
    o["start"] = iv.forecast.start;
    o["calls"] = iv.forecast.calls;
    o["aht_s"] = iv.forecast.ahtS;
    o["agents"] = iv.agentsRequired;
    o["agents_with_shrinkage"] = iv.agentsWithShrinkage;
    intervals.push_back(std::move(o));
  }
  const auto& t = p->totals;
  json totals = {{"calls", t.calls},
                 {"service_level_pct", finite(t.serviceLevel * 100, 2)},
                 {"asa_s", finite(t.asaS, 2)},
                 {"abandon_pct", finite(t.abandonRate * 100, 2)},
                 {"occupancy_pct", finite(t.occupancy * 100, 2)},
                 {"agent_hours", finite(t.agentHoursRequired, 2)},
                 {"agent_hours_with_shrinkage", finite(t.agentHoursWithShrinkage, 2)},
                 {"peak_agents", t.peakAgentsRequired},
                 {"peak_agents_with_shrinkage", t.peakAgentsWithShrinkage}};
  return jsonResponse(200, {{"interval_s", c->intervalS}, {"intervals", intervals}, {"totals", totals}});
}

}  // namespace

void addRecordsReportRoutes(Router& router, ApiContext& ctx) {
  using F = FieldType;
  for (const auto& r : kReports) {
    std::vector<QueryParamSpec> q = {
        rd::qp("from", F::String, "Start (ISO 8601, on a 15-minute boundary)", "date-time"),
        rd::qp("to", F::String, "End, exclusive (ISO 8601, on a 15-minute boundary; at most 400 days after from)", "date-time"),
        rd::qp("interval", F::String, "15m, 30m, 1h, day, week or month (default 1h)"),
        rd::qp("tz", F::String, "UTC offset of the intervals, e.g. +08:00 (default Z)"),
        rd::qp("tz_offset_minutes", F::Integer, "UTC offset in minutes (a multiple of 15)", "", -840, 840),
        rd::qp(r.idParam, F::String, "Only these ids (comma-separated)"),
        rd::qp("fill_empty", F::String, "1 (default): a zero row for every interval of every id; 0: rows with data only"),
        rd::qp("format", F::String, "json (default), csv or xlsx"),
        rd::qp("bom", F::String, "csv: 1 = start with a UTF-8 BOM (Excel)")};
    const ReportRoute* route = &r;
    router.add({"GET", std::string("/api/v1/reports/") + r.kind, "reports.read", r.summary, "reports", "", "Report",
                200, std::move(q), [&ctx, route](RequestContext& rc) { return runReport(ctx, rc, *route); }});
  }
  router.add(parsesOwnBody(
      {"POST",
       "/api/v1/staffing/erlang",
       "reports.read",
       "Agents required for one interval (Erlang C, or Erlang A with patience_s): {calls, aht_s, interval_s, "
       "target_sl_pct, target_s, patience_s?}",
       "reports",
       "StaffingErlangRequest",
       "StaffingResult",
       200,
       {},
       [](RequestContext& rc) { return erlang(rc); }}));
  router.add(parsesOwnBody(
      {"POST",
       "/api/v1/staffing/plan",
       "reports.read",
       "A day's staffing plan from a forecast: {intervals:[{start, calls, aht_s}], interval_s, target_sl_pct, "
       "target_s, patience_s?}",
       "reports",
       "StaffingPlanRequest",
       "StaffingPlan",
       200,
       {},
       [](RequestContext& rc) { return plan(rc); }}));
}

}  // namespace hujiao::api
