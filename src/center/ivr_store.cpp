#include "center/ivr_store.h"

#include <nlohmann/json.hpp>

#include "core/ids.h"

namespace hujiao::center {

using store::Params;
using store::Row;

std::vector<store::Migration> IvrStore::migrations() {
  // One statement per ";\n". Same SQL on both backends.
  const char* v400 =
      "CREATE TABLE ivr_flows (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL "
      "DEFAULT '', published_version INTEGER NOT NULL DEFAULT 0, latest_version INTEGER NOT NULL DEFAULT 0, "
      "created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL);\n"
      "CREATE TABLE ivr_flow_versions (flow_id TEXT NOT NULL, version INTEGER NOT NULL, document TEXT NOT NULL, "
      "created_us BIGINT NOT NULL, created_by TEXT NOT NULL DEFAULT '', PRIMARY KEY (flow_id, version));\n"
      "CREATE TABLE ivr_blacklist (id TEXT PRIMARY KEY, pattern TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', "
      "expires_us BIGINT NOT NULL DEFAULT 0, created_us BIGINT NOT NULL);\n"
      "CREATE INDEX ivr_blacklist_pattern ON ivr_blacklist (pattern);\n"
      "CREATE TABLE ivr_notices (id TEXT PRIMARY KEY, active INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL "
      "DEFAULT '', updated_us BIGINT NOT NULL);\n"
      "CREATE TABLE ivr_voicemails (id TEXT PRIMARY KEY, call_id TEXT NOT NULL, mailbox TEXT NOT NULL, caller TEXT "
      "NOT NULL DEFAULT '', called TEXT NOT NULL DEFAULT '', flow_id TEXT NOT NULL DEFAULT '', path TEXT NOT NULL, "
      "duration_ms BIGINT NOT NULL DEFAULT 0, created_us BIGINT NOT NULL);\n"
      "CREATE INDEX ivr_voicemails_mailbox ON ivr_voicemails (mailbox);\n"
      "CREATE TABLE ivr_callbacks (id TEXT PRIMARY KEY, call_id TEXT NOT NULL, number TEXT NOT NULL, "
      "preferred_time TEXT NOT NULL DEFAULT '', queue TEXT NOT NULL DEFAULT '', flow_id TEXT NOT NULL DEFAULT '', "
      "requested_us BIGINT NOT NULL, status TEXT NOT NULL DEFAULT 'pending');\n"
      "CREATE TABLE ivr_surveys (id TEXT PRIMARY KEY, call_id TEXT NOT NULL, flow_id TEXT NOT NULL DEFAULT '', "
      "question TEXT NOT NULL, rating INTEGER NOT NULL, created_us BIGINT NOT NULL);\n"
      "CREATE INDEX ivr_surveys_call ON ivr_surveys (call_id);\n"
      "CREATE TABLE ivr_paths (call_id TEXT PRIMARY KEY, flow_id TEXT NOT NULL, version INTEGER NOT NULL, "
      "exit_reason TEXT NOT NULL, reached_agent INTEGER NOT NULL DEFAULT 0, caller TEXT NOT NULL DEFAULT '', "
      "called TEXT NOT NULL DEFAULT '', started_us BIGINT NOT NULL, ended_us BIGINT NOT NULL, path TEXT NOT NULL);\n"
      "CREATE INDEX ivr_paths_flow ON ivr_paths (flow_id, started_us)";
  return {store::Migration{400, "ivr: flows, blacklist, notices, voicemail, callbacks, surveys, paths", v400, ""}};
}

namespace {

const char* kFlowCols = "id, name, description, published_version, latest_version, created_us, updated_us";
FlowRow flowFrom(const Row& r) {
  return FlowRow{r.str(0), r.str(1), r.str(2), static_cast<int>(r.i64(3)), static_cast<int>(r.i64(4)),
                 r.i64(5),  r.i64(6)};
}

// LIKE pattern for a substring search, with the escape character escaped.
std::string likeText(const std::string& s) {
  std::string out = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

template <class T, class F>
core::Result<store::Page<T>> page(store::Db& db, const std::string& cols, const std::string& table,
                                  const std::string& where, const Params& params, const std::string& order,
                                  int64_t limit, int64_t offset, F conv) {
  auto n = db.query("SELECT COUNT(*) FROM " + table + where, params);
  if (!n) return n.error();
  auto rows = db.query("SELECT " + cols + " FROM " + table + where + " ORDER BY " + order + " LIMIT " +
                           std::to_string(limit) + " OFFSET " + std::to_string(offset),
                       params);
  if (!rows) return rows.error();
  store::Page<T> out;
  out.total = n->rows.empty() ? 0 : n->rows[0].i64(0);
  for (const auto& r : rows->rows) out.items.push_back(conv(r));
  return out;
}

core::Error notFound(const std::string& what) { return core::makeError("not_found", what + " not found"); }

}  // namespace

// ---- flows ----

core::Result<store::Page<FlowRow>> IvrStore::listFlows(int64_t limit, int64_t offset, const std::string& search) {
  std::string where;
  Params p;
  if (!search.empty()) {
    where = " WHERE lower(id) LIKE lower($1) ESCAPE '\\' OR lower(name) LIKE lower($1) ESCAPE '\\'";
    const std::string like = likeText(search);
    p.emplace_back(like);
  }
  return page<FlowRow>(db_, kFlowCols, "ivr_flows", where, p, "id", limit, offset, flowFrom);
}

core::Result<FlowRow> IvrStore::getFlow(const std::string& id) {
  auto rows = db_.query(std::string("SELECT ") + kFlowCols + " FROM ivr_flows WHERE id = $1", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return notFound("flow " + id);
  return flowFrom(rows->rows[0]);
}

core::Result<std::vector<FlowVersionRow>> IvrStore::versions(const std::string& flowId) {
  auto rows = db_.query(
      "SELECT flow_id, version, created_us, created_by FROM ivr_flow_versions WHERE flow_id = $1 ORDER BY version "
      "DESC",
      {flowId});
  if (!rows) return rows.error();
  std::vector<FlowVersionRow> out;
  for (const auto& r : rows->rows)
    out.push_back(FlowVersionRow{r.str(0), static_cast<int>(r.i64(1)), "", r.i64(2), r.str(3)});
  return out;
}

core::Result<FlowVersionRow> IvrStore::version(const std::string& flowId, int version) {
  auto rows = db_.query(
      "SELECT flow_id, version, document, created_us, created_by FROM ivr_flow_versions WHERE flow_id = $1 AND "
      "version = $2",
      {flowId, int64_t{version}});
  if (!rows) return rows.error();
  if (rows->empty()) return notFound("version " + std::to_string(version) + " of flow " + flowId);
  const Row& r = rows->rows[0];
  return FlowVersionRow{r.str(0), static_cast<int>(r.i64(1)), r.str(2), r.i64(3), r.str(4)};
}

core::Result<FlowVersionRow> IvrStore::addVersion(const std::string& flowId, const std::string& name,
                                                  const std::string& description, const nlohmann::json& document,
                                                  const std::string& createdBy, bool create, int64_t nowUs) {
  FlowVersionRow out;
  auto r = db_.transaction([&](store::Tx& tx) -> core::Result<void> {
    auto cur = tx.query("SELECT latest_version FROM ivr_flows WHERE id = $1", {flowId});
    if (!cur) return cur.error();
    int next = 1;
    if (cur->empty()) {
      if (!create) return notFound("flow " + flowId);
      auto ins = tx.exec(
          "INSERT INTO ivr_flows (id, name, description, published_version, latest_version, created_us, updated_us) "
          "VALUES ($1, $2, $3, 0, 1, $4, $4)",
          {flowId, name, description, nowUs});
      if (!ins) return ins.error();
    } else {
      if (create) return core::makeError("conflict", "flow " + flowId + " already exists");
      next = static_cast<int>(cur->rows[0].i64(0)) + 1;
      auto up = tx.exec(
          "UPDATE ivr_flows SET name = $2, description = $3, latest_version = $4, updated_us = $5 WHERE id = $1",
          {flowId, name, description, int64_t{next}, nowUs});
      if (!up) return up.error();
    }
    nlohmann::json doc = document;
    doc["version"] = next;
    out = FlowVersionRow{flowId, next, doc.dump(), nowUs, createdBy};
    auto ins = tx.exec(
        "INSERT INTO ivr_flow_versions (flow_id, version, document, created_us, created_by) VALUES ($1, $2, $3, $4, "
        "$5)",
        {flowId, int64_t{next}, out.document, nowUs, createdBy});
    if (!ins) return ins.error();
    return {};
  });
  if (!r) return r.error();
  return out;
}

core::Result<void> IvrStore::setPublished(const std::string& flowId, int version, int64_t nowUs) {
  auto n = db_.exec("UPDATE ivr_flows SET published_version = $2, updated_us = $3 WHERE id = $1",
                    {flowId, int64_t{version}, nowUs});
  if (!n) return n.error();
  if (*n == 0) return notFound("flow " + flowId);
  return {};
}

core::Result<void> IvrStore::deleteFlow(const std::string& flowId) {
  return db_.transaction([&](store::Tx& tx) -> core::Result<void> {
    auto n = tx.exec("DELETE FROM ivr_flows WHERE id = $1", {flowId});
    if (!n) return n.error();
    if (*n == 0) return notFound("flow " + flowId);
    auto v = tx.exec("DELETE FROM ivr_flow_versions WHERE flow_id = $1", {flowId});
    if (!v) return v.error();
    return {};
  });
}

core::Result<std::vector<FlowVersionRow>> IvrStore::publishedVersions() {
  auto rows = db_.query(
      "SELECT v.flow_id, v.version, v.document, v.created_us, v.created_by FROM ivr_flows f JOIN ivr_flow_versions v "
      "ON v.flow_id = f.id AND v.version = f.published_version ORDER BY f.id");
  if (!rows) return rows.error();
  std::vector<FlowVersionRow> out;
  for (const auto& r : rows->rows)
    out.push_back(FlowVersionRow{r.str(0), static_cast<int>(r.i64(1)), r.str(2), r.i64(3), r.str(4)});
  return out;
}

// ---- blacklist ----

namespace {
const char* kBlCols = "id, pattern, reason, expires_us, created_us";
BlacklistRow blFrom(const Row& r) { return BlacklistRow{r.str(0), r.str(1), r.str(2), r.i64(3), r.i64(4)}; }
}  // namespace

core::Result<store::Page<BlacklistRow>> IvrStore::listBlacklist(int64_t limit, int64_t offset,
                                                                const std::string& search) {
  std::string where;
  Params p;
  if (!search.empty()) {
    where = " WHERE pattern LIKE $1 ESCAPE '\\' OR lower(reason) LIKE lower($1) ESCAPE '\\'";
    const std::string like = likeText(search);
    p.emplace_back(like);
  }
  return page<BlacklistRow>(db_, kBlCols, "ivr_blacklist", where, p, "id", limit, offset, blFrom);
}

core::Result<std::vector<BlacklistRow>> IvrStore::allBlacklist() {
  auto rows = db_.query(std::string("SELECT ") + kBlCols + " FROM ivr_blacklist ORDER BY id");
  if (!rows) return rows.error();
  std::vector<BlacklistRow> out;
  for (const auto& r : rows->rows) out.push_back(blFrom(r));
  return out;
}

core::Result<void> IvrStore::addBlacklist(const std::vector<BlacklistRow>& rows) {
  if (rows.empty()) return {};
  std::vector<Params> batch;
  for (const auto& b : rows) batch.push_back({b.id, b.pattern, b.reason, b.expiresUs, b.createdUs});
  auto n = db_.execBatch(
      "INSERT INTO ivr_blacklist (id, pattern, reason, expires_us, created_us) VALUES ($1, $2, $3, $4, $5)", batch);
  if (!n) return n.error();
  return {};
}

core::Result<BlacklistRow> IvrStore::getBlacklist(const std::string& id) {
  auto rows = db_.query(std::string("SELECT ") + kBlCols + " FROM ivr_blacklist WHERE id = $1", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return notFound("blacklist entry " + id);
  return blFrom(rows->rows[0]);
}

core::Result<void> IvrStore::deleteBlacklist(const std::string& id) {
  auto n = db_.exec("DELETE FROM ivr_blacklist WHERE id = $1", {id});
  if (!n) return n.error();
  if (*n == 0) return notFound("blacklist entry " + id);
  return {};
}

// ---- notices ----

core::Result<std::vector<NoticeRow>> IvrStore::notices() {
  auto rows = db_.query("SELECT id, active, text, updated_us FROM ivr_notices ORDER BY id");
  if (!rows) return rows.error();
  std::vector<NoticeRow> out;
  for (const auto& r : rows->rows) out.push_back(NoticeRow{r.str(0), r.i64(1) != 0, r.str(2), r.i64(3)});
  return out;
}

core::Result<NoticeRow> IvrStore::upsertNotice(const NoticeRow& n) {
  auto r = db_.transaction([&](store::Tx& tx) -> core::Result<void> {
    auto up = tx.exec("UPDATE ivr_notices SET active = $2, text = $3, updated_us = $4 WHERE id = $1",
                      {n.id, int64_t{n.active}, n.text, n.updatedUs});
    if (!up) return up.error();
    if (*up > 0) return {};
    auto ins = tx.exec("INSERT INTO ivr_notices (id, active, text, updated_us) VALUES ($1, $2, $3, $4)",
                       {n.id, int64_t{n.active}, n.text, n.updatedUs});
    if (!ins) return ins.error();
    return {};
  });
  if (!r) return r.error();
  return n;
}

core::Result<void> IvrStore::ensureNotice(const std::string& id, int64_t nowUs) {
  auto rows = db_.query("SELECT id FROM ivr_notices WHERE id = $1", {id});
  if (!rows) return rows.error();
  if (!rows->empty()) return {};
  auto ins = db_.exec("INSERT INTO ivr_notices (id, active, text, updated_us) VALUES ($1, 0, '', $2)", {id, nowUs});
  if (!ins && ins.error().code != "conflict") return ins.error();
  return {};
}

// ---- call records ----

core::Result<void> IvrStore::insertVoicemail(const VoicemailRow& v) {
  auto n = db_.exec(
      "INSERT INTO ivr_voicemails (id, call_id, mailbox, caller, called, flow_id, path, duration_ms, created_us) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {v.id, v.callId, v.mailbox, v.caller, v.called, v.flowId, v.path, v.durationMs, v.createdUs});
  if (!n) return n.error();
  return {};
}

core::Result<void> IvrStore::insertCallback(const CallbackRow& c) {
  auto n = db_.exec(
      "INSERT INTO ivr_callbacks (id, call_id, number, preferred_time, queue, flow_id, requested_us, status) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8)",
      {c.id, c.callId, c.number, c.preferredTime, c.queue, c.flowId, c.requestedUs, c.status});
  if (!n) return n.error();
  return {};
}

core::Result<void> IvrStore::insertSurvey(const SurveyRow& s) {
  auto n = db_.exec(
      "INSERT INTO ivr_surveys (id, call_id, flow_id, question, rating, created_us) VALUES ($1, $2, $3, $4, $5, $6)",
      {s.id, s.callId, s.flowId, s.question, int64_t{s.rating}, s.createdUs});
  if (!n) return n.error();
  return {};
}

core::Result<void> IvrStore::insertPath(const PathRow& p) {
  auto n = db_.exec(
      // A call handed over from one flow to another (queue overflow) has one
      // row: the last flow's, whose path carries the earlier walks ("before").
      "INSERT INTO ivr_paths (call_id, flow_id, version, exit_reason, reached_agent, caller, called, started_us, "
      "ended_us, path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (call_id) DO UPDATE SET "
      "flow_id = excluded.flow_id, version = excluded.version, exit_reason = excluded.exit_reason, "
      "reached_agent = excluded.reached_agent, ended_us = excluded.ended_us, path = excluded.path",
      {p.callId, p.flowId, int64_t{p.version}, p.exitReason, int64_t{p.reachedAgent}, p.caller, p.called, p.startedUs,
       p.endedUs, p.path});
  if (!n) return n.error();
  return {};
}

namespace {
const char* kVmCols = "id, call_id, mailbox, caller, called, flow_id, path, duration_ms, created_us";
VoicemailRow vmFrom(const Row& r) {
  return VoicemailRow{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.i64(7), r.i64(8)};
}
}  // namespace

core::Result<store::Page<VoicemailRow>> IvrStore::listVoicemails(int64_t limit, int64_t offset,
                                                                 const std::string& mailbox) {
  std::string where;
  Params p;
  if (!mailbox.empty()) {
    where = " WHERE mailbox = $1";
    p.emplace_back(mailbox);
  }
  return page<VoicemailRow>(db_, kVmCols, "ivr_voicemails", where, p, "created_us DESC, id DESC", limit, offset,
                            vmFrom);
}

core::Result<VoicemailRow> IvrStore::getVoicemail(const std::string& id) {
  auto rows = db_.query(std::string("SELECT ") + kVmCols + " FROM ivr_voicemails WHERE id = $1", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return notFound("voicemail " + id);
  return vmFrom(rows->rows[0]);
}

core::Result<store::Page<CallbackRow>> IvrStore::listCallbacks(int64_t limit, int64_t offset) {
  return page<CallbackRow>(
      db_, "id, call_id, number, preferred_time, queue, flow_id, requested_us, status", "ivr_callbacks", "", {},
      "requested_us DESC, id DESC", limit, offset, [](const Row& r) {
        return CallbackRow{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.i64(6), r.str(7)};
      });
}

core::Result<std::vector<SurveyRow>> IvrStore::surveysOfCall(const std::string& callId) {
  auto rows = db_.query(
      "SELECT id, call_id, flow_id, question, rating, created_us FROM ivr_surveys WHERE call_id = $1 ORDER BY id",
      {callId});
  if (!rows) return rows.error();
  std::vector<SurveyRow> out;
  for (const auto& r : rows->rows)
    out.push_back(SurveyRow{r.str(0), r.str(1), r.str(2), r.str(3), static_cast<int>(r.i64(4)), r.i64(5)});
  return out;
}

core::Result<PathRow> IvrStore::getPath(const std::string& callId) {
  auto rows = db_.query(
      "SELECT call_id, flow_id, version, exit_reason, reached_agent, caller, called, started_us, ended_us, path FROM "
      "ivr_paths WHERE call_id = $1",
      {callId});
  if (!rows) return rows.error();
  if (rows->empty()) return notFound("IVR path of call " + callId);
  const Row& r = rows->rows[0];
  return PathRow{r.str(0), r.str(1), static_cast<int>(r.i64(2)), r.str(3), r.i64(4) != 0, r.str(5), r.str(6),
                 r.i64(7), r.i64(8), r.str(9)};
}

}  // namespace hujiao::center
