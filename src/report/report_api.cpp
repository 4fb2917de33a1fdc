// The facade's request parsing and rendering (JSON, CSV, XLSX).
#include <array>
#include <charconv>

#include "core/time_format.h"
#include "report/export.h"
#include "report/report_query.h"

namespace hujiao::report {
namespace {

constexpr std::array<std::string_view, 6> kKindNames = {
    "queues", "agents", "dids", "flows", "agent-states", "flow-nodes"};
/// The id filter parameter of each report.
constexpr std::array<std::string_view, 6> kIdParam = {
    "queue_id", "agent_id", "did", "flow_id", "agent_id", "flow_id"};

core::Error bad(std::string m) {
  return core::makeError("invalid", std::move(m));
}

std::vector<std::string> splitIds(const std::string &s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    std::string id = s.substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    if (!id.empty())
      out.push_back(id);
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return out;
}

std::optional<bool> parseBool(const std::string &s) {
  if (s == "1" || s == "true")
    return true;
  if (s == "0" || s == "false")
    return false;
  return std::nullopt;
}

} // namespace

std::optional<ReportKind> reportKindFromString(std::string_view s) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == s)
      return static_cast<ReportKind>(i);
  }
  return std::nullopt;
}

std::string_view toString(ReportKind k) {
  return kKindNames.at(static_cast<size_t>(k));
}

core::Result<ReportRequest>
parseReportRequest(std::string_view report,
                   const std::map<std::string, std::string> &query) {
  auto kind = reportKindFromString(report);
  if (!kind)
    return core::makeError("not_found",
                           "no report named " + std::string(report));
  ReportRequest r;
  r.kind = *kind;
  const std::string_view idParam = kIdParam.at(static_cast<size_t>(*kind));
  bool haveFrom = false, haveTo = false, haveTz = false;
  for (const auto &[k, v] : query) {
    if (k == "from" || k == "to") {
      auto t = core::parseIso8601(v);
      if (!t)
        return bad(k + ": not an ISO 8601 time: " + v);
      (k == "from" ? r.fromUs : r.toUs) = *t;
      (k == "from" ? haveFrom : haveTo) = true;
    } else if (k == "interval") {
      auto i = intervalFromString(v);
      if (!i)
        return bad("interval: one of 15m, 30m, 1h, day, week, month");
      r.interval = *i;
    } else if (k == "tz" || k == "tz_offset_minutes") {
      if (haveTz)
        return bad("give tz or tz_offset_minutes, not both");
      haveTz = true;
      if (k == "tz") {
        auto off = parseTzOffset(v);
        if (!off)
          return bad("tz: an offset like +08:00, -03:30 or Z");
        r.tzOffsetMinutes = *off;
      } else {
        int m = 0;
        auto res = std::from_chars(v.data(), v.data() + v.size(), m);
        if (res.ec != std::errc() || res.ptr != v.data() + v.size())
          return bad("tz_offset_minutes: an integer");
        r.tzOffsetMinutes = m;
      }
    } else if (k == idParam) {
      r.ids = splitIds(v);
    } else if (k == "fill_empty" || k == "bom") {
      auto b = parseBool(v);
      if (!b)
        return bad(k + ": 0 or 1");
      (k == "bom" ? r.bom : r.fillEmpty) = *b;
    } else if (k == "format") {
      if (v != "json" && v != "csv" && v != "xlsx")
        return bad("format: json, csv or xlsx");
      r.format = v;
    } else {
      return bad("unknown parameter " + k + " for report " +
                 std::string(report));
    }
  }
  if (!haveFrom || !haveTo)
    return bad("from and to are required");
  return r;
}

std::string columnLabel(std::string_view key) {
  static const std::map<std::string_view, std::string_view> known = {
      {"period_start", "Period start (UTC)"},
      {"period_start_local", "Period start (local)"},
      {"queue_id", "Queue"},
      {"agent_id", "Agent"},
      {"did", "DID"},
      {"flow_id", "IVR flow"},
      {"asa_s", "ASA (s)"},
      {"aht_s", "AHT (s)"},
      {"service_level", "Service level"},
      {"fcr_rate", "First-contact resolution"},
      {"csat_avg", "CSAT (average, 1-5)"},
      {"csat_top2", "CSAT top-2-box"},
      {"ivr_containment", "IVR containment"},
  };
  if (auto it = known.find(key); it != known.end())
    return std::string(it->second);
  std::string k(key);
  std::string unit;
  if (k.size() > 2 && k.compare(k.size() - 2, 2, "_s") == 0) {
    k.resize(k.size() - 2);
    unit = " (s)";
  }
  for (auto &c : k)
    if (c == '_')
      c = ' ';
  if (!k.empty() && k[0] >= 'a' && k[0] <= 'z')
    k[0] = static_cast<char>(k[0] - 'a' + 'A');
  return k + unit;
}

nlohmann::json toJson(const ReportRequest &request, const ReportTable &table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto &row : table.rows) {
    nlohmann::json o = nlohmann::json::object();
    for (size_t i = 0; i < table.columns.size() && i < row.size(); ++i)
      o[table.columns[i]] = row[i];
    rows.push_back(std::move(o));
  }
  return {{"report", table.name},
          {"from", core::formatIso8601(request.fromUs)},
          {"to", core::formatIso8601(request.toUs)},
          {"interval", toString(request.interval)},
          {"tz_offset_minutes", request.tzOffsetMinutes},
          {"columns", [&] {
             nlohmann::json cols = nlohmann::json::array();
             for (const auto &c : table.columns)
               cols.push_back({{"key", c}, {"label", columnLabel(c)}});
             return cols;
           }()},
          {"rows", std::move(rows)}};
}

core::Result<ReportOutput> renderReport(const ReportService &service,
                                        const ReportRequest &request) {
  auto table = service.run(request);
  if (!table)
    return table.error();
  ReportOutput out;
  const std::string base = "report-" + table->name;
  if (request.format == "csv") {
    out.contentType = "text/csv; charset=utf-8";
    out.filename = base + ".csv";
    out.body = toCsv(*table, request.bom);
  } else if (request.format == "xlsx") {
    auto bytes = toXlsx(*table);
    if (!bytes)
      return bytes.error();
    out.contentType =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    out.filename = base + ".xlsx";
    out.body = std::move(*bytes);
  } else {
    out.contentType = "application/json";
    out.body = toJson(request, *table).dump();
  }
  return out;
}

} // namespace hujiao::report
