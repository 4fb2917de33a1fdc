#pragma once
// Historical interval reports over the event store's rollups, and the facade
// the API layer exposes as GET /api/v1/reports/{queues,agents,dids,flows,
// agent-states,flow-nodes} (src/report/README.md). Every figure follows
// docs/metrics.md; SQL only sums 15-minute buckets, the ratios are computed
// here from the sums.
//
// Threads: ReportService is stateless apart from the Db reference; any
// service-plane thread may call it concurrently. Never the control thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "report/interval.h"
#include "store/db.h"

namespace hujiao::report {

enum class ReportKind : uint8_t {
  Queues,
  Agents,
  Dids,
  Flows,
  AgentStates,
  FlowNodes
};

/// "queues", "agents", "dids", "flows", "agent-states", "flow-nodes".
std::optional<ReportKind> reportKindFromString(std::string_view s);
std::string_view toString(ReportKind k);

struct ReportRequest {
  ReportKind kind = ReportKind::Queues;
  int64_t fromUs = 0; // UTC µs, inclusive; a multiple of 15 minutes
  int64_t toUs = 0;   // UTC µs, exclusive; a multiple of 15 minutes
  Interval interval = Interval::Hour;
  int tzOffsetMinutes =
      0; // local time = UTC + offset; a multiple of 15, |offset| <= 14 h
  std::vector<std::string> ids; // only these queues / agents / DIDs / flows;
                                // empty = every one with data
  bool fillEmpty = true; // a row for every interval of every key, zeros where
                         // nothing happened
  std::string format = "json"; // json | csv | xlsx (for renderReport)
  bool bom = false;            // csv: start with a UTF-8 BOM (Excel)
};

/// A report as a table: scalar cells (number, string or null).
struct ReportTable {
  std::string name; // the ReportKind name
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
};

/// Largest table a request may produce (rows), to keep answers bounded.
inline constexpr size_t kMaxReportRows = 200'000;

class ReportService {
public:
  /// dayOffsetMinutes: the EventStoreOptions::dayOffsetMinutes the rollups were
  /// written with.
  explicit ReportService(store::Db &db, int dayOffsetMinutes = 0)
      : db_(db), dayOffsetMinutes_(dayOffsetMinutes) {}
  /// Errors: "invalid" (bad range, offset, too many rows), store errors.
  core::Result<ReportTable> run(const ReportRequest &request) const;

private:
  store::Db &db_;
  int dayOffsetMinutes_ = 0;
};

/// Parses the query string of GET /api/v1/reports/{report}: from, to (ISO
/// 8601), interval, tz ("+08:00") or tz_offset_minutes, queue_id / agent_id /
/// did / flow_id (comma-separated, the one matching the report), fill_empty
/// (0/1), format (json/csv/xlsx), bom (0/1). Unknown keys are "invalid".
core::Result<ReportRequest>
parseReportRequest(std::string_view report,
                   const std::map<std::string, std::string> &query);

/// {"report", "from", "to", "interval", "tz_offset_minutes", "columns":
/// [{key, label}], "rows": [{key: value}]}.
nlohmann::json toJson(const ReportRequest &request, const ReportTable &table);
/// A column's human label ("asa_s" -> "ASA (s)", "talk_s" -> "Talk (s)").
std::string columnLabel(std::string_view key);

/// A rendered answer for the HTTP layer.
struct ReportOutput {
  std::string contentType; // application/json, text/csv; charset=utf-8,
                           // application/vnd.openxml...sheet
  std::string filename;    // suggested download name ("" for json)
  std::string body;
};

/// Runs the request and renders it in request.format.
core::Result<ReportOutput> renderReport(const ReportService &service,
                                        const ReportRequest &request);

} // namespace hujiao::report
