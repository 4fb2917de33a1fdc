#include "recording/recordings_repo.h"

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/ids.h"
#include "recording/policy_store.h"
#include "recording/quality.h"
#include "recording/sql_util.h"

namespace hujiao::recording {
namespace {

using detail::fromJsonArray;
using detail::toJsonArray;
using store::Row;

constexpr const char* kCols =
    "id, call_id, legs, agent_id, department_id, queue_id, customer_number, direction, did, reason, start_us, "
    "end_us, duration_ms, size_bytes, sha256, key_id, path, format, status, pauses, legal_hold, deleted_us, "
    "created_us, updated_us";

int64_t now() { return core::SystemClock::instance().nowUs(); }

std::string pausesJson(const std::vector<PauseInterval>& p) {
  auto j = nlohmann::json::array();
  for (const auto& x : p) j.push_back({x.startUs, x.endUs});
  return j.dump();
}

std::vector<PauseInterval> pausesFrom(const std::string& text) {
  std::vector<PauseInterval> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& x : j) {
    if (x.is_array() && x.size() == 2 && x[0].is_number_integer() && x[1].is_number_integer()) {
      out.push_back({x[0].get<int64_t>(), x[1].get<int64_t>()});
    }
  }
  return out;
}

RecordingMeta fromRow(const Row& r) {
  RecordingMeta m;
  size_t i = 0;
  m.id = r.str(i++);
  m.callId = r.str(i++);
  m.legs = fromJsonArray(r.str(i++));
  m.agentId = r.str(i++);
  m.departmentId = r.str(i++);
  m.queueId = r.str(i++);
  m.customerNumber = r.str(i++);
  m.direction = r.str(i++);
  m.did = r.str(i++);
  m.reason = r.str(i++);
  m.startUs = r.i64(i++);
  m.endUs = r.i64(i++);
  m.durationMs = r.i64(i++);
  m.sizeBytes = r.i64(i++);
  m.sha256 = r.str(i++);
  m.keyId = r.str(i++);
  m.path = r.str(i++);
  m.format = r.str(i++);
  m.status = r.str(i++);
  m.pauses = pausesFrom(r.str(i++));
  m.legalHold = r.i64(i++) != 0;
  m.deletedUs = r.i64(i++);
  m.createdUs = r.i64(i++);
  m.updatedUs = r.i64(i++);
  return m;
}

Result<std::vector<RecordingMeta>> many(store::Db& db, const std::string& sql, const store::Params& p) {
  auto rows = db.query(sql, p);
  if (!rows) return rows.error();
  std::vector<RecordingMeta> out;
  out.reserve(rows->size());
  for (const auto& r : rows->rows) out.push_back(fromRow(r));
  return out;
}

core::Error notFound() { return core::makeError("not_found", "recording not found"); }

}  // namespace

int64_t pausedMs(const std::vector<PauseInterval>& pauses, int64_t endUs) {
  int64_t us = 0;
  for (const auto& p : pauses) {
    const int64_t e = p.endUs != 0 ? p.endUs : endUs;
    if (e > p.startUs) us += e - p.startUs;
  }
  return us / 1000;
}

Result<RecordingMeta> RecordingsRepo::create(RecordingMeta m) {
  if (m.callId.empty()) return core::makeError("invalid", "a recording needs a call id");
  if (m.format != "wav" && m.format != "opus") return core::makeError("invalid", "format must be wav or opus");
  if (m.id.empty()) m.id = core::newId();
  if (m.status.empty()) m.status = "recording";
  m.createdUs = m.updatedUs = now();
  auto r = db_.exec(std::string("INSERT INTO recordings (") + kCols + ") VALUES (" + detail::placeholders(1, 24) + ")",
                    {m.id, m.callId, toJsonArray(m.legs), m.agentId, m.departmentId, m.queueId, m.customerNumber,
                     m.direction, m.did, m.reason, m.startUs, m.endUs, m.durationMs, m.sizeBytes, m.sha256, m.keyId,
                     m.path, m.format, m.status, pausesJson(m.pauses), int64_t{m.legalHold}, m.deletedUs,
                     m.createdUs, m.updatedUs});
  if (!r) {
    if (r.error().code == "conflict") return core::makeError("conflict", "a recording with this id exists");
    return r.error();
  }
  return m;
}

Result<RecordingMeta> RecordingsRepo::get(const std::string& id) {
  auto v = many(db_, std::string("SELECT ") + kCols + " FROM recordings WHERE id = $1", {id});
  if (!v) return v.error();
  if (v->empty()) return notFound();
  auto who = db_.query("SELECT user_id FROM recording_participants WHERE recording_id = $1 ORDER BY user_id", {id});
  if (!who) return who.error();
  for (const auto& r : who->rows) v->front().participants.push_back(r.str(0));
  return std::move(v->front());
}

Result<void> RecordingsRepo::addParticipants(const std::string& id, const std::vector<std::string>& userIds) {
  for (const auto& u : userIds) {
    if (u.empty()) continue;
    auto r = db_.exec(
        "INSERT INTO recording_participants (recording_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", {id, u});
    if (!r) return r.error();
  }
  return {};
}

Result<void> RecordingsRepo::fillCallFacts(const std::string& id, const std::string& agentId,
                                           const std::string& departmentId) {
  auto r = db_.exec(
      "UPDATE recordings SET agent_id = CASE WHEN agent_id = '' THEN $2 ELSE agent_id END, department_id = CASE WHEN "
      "department_id = '' THEN $3 ELSE department_id END, updated_us = $4 WHERE id = $1",
      {id, agentId, departmentId, now()});
  if (!r) return r.error();
  if (*r == 0) return notFound();
  return {};
}

Result<std::vector<RecordingMeta>> RecordingsRepo::listByCall(const std::string& callId) {
  return many(db_, std::string("SELECT ") + kCols + " FROM recordings WHERE call_id = $1 ORDER BY start_us, id",
              {callId});
}

Result<RecordingMeta> RecordingsRepo::changePauses(const std::string& id, int64_t atUs, bool pausing) {
  // Optimistic update on the old pauses text: two API threads cannot both win.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto cur = get(id);
    if (!cur) return cur.error();
    RecordingMeta m = std::move(*cur);
    if (m.status != "recording") return core::makeError("invalid", "the recording has ended");
    const std::string before = pausesJson(m.pauses);
    const bool paused = !m.pauses.empty() && m.pauses.back().endUs == 0;
    if (pausing) {
      if (paused) return core::makeError("conflict", "the recording is already paused");
      m.pauses.push_back({atUs, 0});
    } else {
      if (!paused) return core::makeError("conflict", "the recording is not paused");
      if (atUs < m.pauses.back().startUs) return core::makeError("invalid", "resume time before the pause");
      m.pauses.back().endUs = atUs;
    }
    m.updatedUs = now();
    auto r = db_.exec("UPDATE recordings SET pauses = $2, updated_us = $3 WHERE id = $1 AND pauses = $4",
                      {id, pausesJson(m.pauses), m.updatedUs, before});
    if (!r) return r.error();
    if (*r == 1) return m;
  }
  return core::makeError("unavailable", "the recording's pauses keep changing; try again");
}

Result<RecordingMeta> RecordingsRepo::pause(const std::string& id, int64_t atUs) { return changePauses(id, atUs, true); }
Result<RecordingMeta> RecordingsRepo::resume(const std::string& id, int64_t atUs) {
  return changePauses(id, atUs, false);
}

Result<void> RecordingsRepo::complete(const std::string& id, const Completion& c) {
  if (c.status != "complete" && c.status != "recovered" && c.status != "missing") {
    return core::makeError("invalid", "completion status must be complete, recovered or missing");
  }
  auto cur = get(id);
  if (!cur) return cur.error();
  auto pauses = cur->pauses;
  if (!pauses.empty() && pauses.back().endUs == 0) pauses.back().endUs = std::max(c.endUs, pauses.back().startUs);
  auto r = db_.exec(
      "UPDATE recordings SET status = $2, end_us = $3, duration_ms = $4, size_bytes = $5, sha256 = $6, key_id = $7, "
      "path = $8, pauses = $9, updated_us = $10 WHERE id = $1",
      {id, c.status, c.endUs, c.durationMs, c.sizeBytes, c.sha256, c.keyId, c.path, pausesJson(pauses), now()});
  if (!r) return r.error();
  if (*r == 0) return notFound();
  return {};
}

Result<void> RecordingsRepo::updateStorage(const std::string& id, const std::string& keyId, int64_t sizeBytes) {
  auto r = db_.exec("UPDATE recordings SET key_id = $2, size_bytes = $3, updated_us = $4 WHERE id = $1",
                    {id, keyId, sizeBytes, now()});
  if (!r) return r.error();
  if (*r == 0) return notFound();
  return {};
}

Result<void> RecordingsRepo::markDeleted(const std::string& id, int64_t nowUs) {
  auto r = db_.exec("UPDATE recordings SET status = 'deleted', deleted_us = $2, updated_us = $3 WHERE id = $1",
                    {id, nowUs, now()});
  if (!r) return r.error();
  if (*r == 0) return notFound();
  return {};
}

Result<void> RecordingsRepo::setLegalHold(const std::string& id, bool hold) {
  auto r = db_.exec("UPDATE recordings SET legal_hold = $2, updated_us = $3 WHERE id = $1",
                    {id, int64_t{hold}, now()});
  if (!r) return r.error();
  if (*r == 0) return notFound();
  return {};
}

Result<void> RecordingsRepo::setCallFacts(const std::string& id, const std::string& agentId,
                                          const std::string& departmentId, const std::string& queueId) {
  auto r = db_.exec(
      "UPDATE recordings SET agent_id = CASE WHEN $2 = '' THEN agent_id ELSE $2 END, department_id = CASE WHEN $3 = "
      "'' THEN department_id ELSE $3 END, queue_id = CASE WHEN $4 = '' THEN queue_id ELSE $4 END, updated_us = $5 "
      "WHERE id = $1",
      {id, agentId, departmentId, queueId, now()});
  if (!r) return r.error();
  if (*r == 0) return notFound();
  return {};
}

Result<store::Page<RecordingMeta>> RecordingsRepo::search(const RecordingQuery& q) {
  if (q.limit < 1 || q.limit > 1000 || q.offset < 0) {
    return core::makeError("invalid", "limit must be 1..1000 and offset >= 0");
  }
  store::Page<RecordingMeta> page;
  if (q.nothingVisible) return page;
  detail::Where w(db_);
  if (q.fromUs != 0) w.add("start_us >= " + w.param(q.fromUs));
  if (q.toUs != 0) w.add("start_us < " + w.param(q.toUs));
  if (!q.agentId.empty()) w.add("agent_id = " + w.param(q.agentId));
  if (!q.queueId.empty()) w.add("queue_id = " + w.param(q.queueId));
  if (!q.direction.empty()) w.add("direction = " + w.param(q.direction));
  if (!q.callId.empty()) w.add("call_id = " + w.param(q.callId));
  if (!q.number.empty()) w.contains("customer_number", q.number);
  if (q.minDurationMs >= 0) w.add("duration_ms >= " + w.param(q.minDurationMs));
  if (q.maxDurationMs >= 0) w.add("duration_ms <= " + w.param(q.maxDurationMs));
  if (q.statuses.empty()) {
    w.add("status <> 'deleted'");
  } else {
    w.in("status", q.statuses);
  }
  // Visibility: the agent's own (his, or a call he took part in), or the
  // departments', whichever the principal has.
  if (!q.selfAgentId.empty()) {
    const std::string self = w.param(q.selfAgentId);
    std::string own = "agent_id = " + self +
                      " OR id IN (SELECT recording_id FROM recording_participants WHERE user_id = " + self + ")";
    if (!q.departmentIds.empty()) {
      const std::string ids = w.param(toJsonArray(q.departmentIds));
      const std::string set = db_.dialect() == "postgresql"
                                  ? "(SELECT json_array_elements_text(CAST(" + ids + " AS json)))"
                                  : "(SELECT value FROM json_each(" + ids + "))";
      own += " OR department_id IN " + set;
    }
    w.add("(" + own + ")");
  } else if (!q.departmentIds.empty()) {
    w.in("department_id", q.departmentIds);
  }
  auto total = db_.query("SELECT count(*) FROM recordings" + w.sql(), w.params);
  if (!total) return total.error();
  page.total = total->rows.at(0).i64(0);
  store::Params p = w.params;
  const std::string lim = "$" + std::to_string(p.size() + 1);
  const std::string off = "$" + std::to_string(p.size() + 2);
  p.emplace_back(q.limit);
  p.emplace_back(q.offset);
  auto rows = many(db_, std::string("SELECT ") + kCols + " FROM recordings" + w.sql() +
                            " ORDER BY start_us DESC, id DESC LIMIT " + lim + " OFFSET " + off,
                   p);
  if (!rows) return rows.error();
  page.items = std::move(*rows);
  return page;
}

Result<std::vector<RecordingMeta>> RecordingsRepo::listByStatus(const std::string& status, int64_t limit) {
  return many(db_, std::string("SELECT ") + kCols + " FROM recordings WHERE status = $1 ORDER BY id LIMIT $2",
              {status, limit});
}

Result<std::vector<RecordingMeta>> RecordingsRepo::expiredCandidates(int64_t beforeUs,
                                                                     const std::vector<std::string>& queueIn,
                                                                     const std::vector<std::string>& queueNotIn,
                                                                     int64_t limit) {
  detail::Where w(db_);
  w.add("status IN ('complete', 'recovered', 'missing')");
  w.add("legal_hold = 0");
  w.add("start_us < " + w.param(beforeUs));
  if (!queueIn.empty()) w.in("queue_id", queueIn);
  if (!queueNotIn.empty()) w.in("queue_id", queueNotIn, true);
  const std::string lim = w.param(limit);
  return many(db_, std::string("SELECT ") + kCols + " FROM recordings" + w.sql() + " ORDER BY start_us, id LIMIT " + lim,
              w.params);
}

Result<std::vector<RecordingMeta>> RecordingsRepo::notOnKey(const std::string& keyId, int64_t limit) {
  return many(db_,
              std::string("SELECT ") + kCols +
                  " FROM recordings WHERE status IN ('complete', 'recovered') AND key_id <> '' AND key_id <> $1 "
                  "ORDER BY id LIMIT $2",
              {keyId, limit});
}

std::vector<store::Migration> recordingMigrations() {
  store::Migration m;
  m.version = 1000;
  m.name = "recording: recordings metadata";
  m.sqlite =
      R"(CREATE TABLE recordings (id TEXT PRIMARY KEY, call_id TEXT NOT NULL, legs TEXT NOT NULL DEFAULT '[]', agent_id TEXT NOT NULL DEFAULT '', department_id TEXT NOT NULL DEFAULT '', queue_id TEXT NOT NULL DEFAULT '', customer_number TEXT NOT NULL DEFAULT '', direction TEXT NOT NULL DEFAULT '', did TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', start_us BIGINT NOT NULL, end_us BIGINT NOT NULL DEFAULT 0, duration_ms BIGINT NOT NULL DEFAULT 0, size_bytes BIGINT NOT NULL DEFAULT 0, sha256 TEXT NOT NULL DEFAULT '', key_id TEXT NOT NULL DEFAULT '', path TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL, pauses TEXT NOT NULL DEFAULT '[]', legal_hold INTEGER NOT NULL DEFAULT 0, deleted_us BIGINT NOT NULL DEFAULT 0, created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL);
CREATE INDEX recordings_start ON recordings (start_us);
CREATE INDEX recordings_call ON recordings (call_id);
CREATE INDEX recordings_agent_start ON recordings (agent_id, start_us);
CREATE INDEX recordings_queue_start ON recordings (queue_id, start_us);
CREATE INDEX recordings_number ON recordings (customer_number);
CREATE INDEX recordings_status ON recordings (status))";
  store::Migration p;
  p.version = 1003;
  p.name = "recording: participants (agents on the call, for scope self)";
  p.sqlite =
      R"(CREATE TABLE recording_participants (recording_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (recording_id, user_id));
CREATE INDEX recording_participants_user ON recording_participants (user_id, recording_id);
INSERT INTO recording_participants (recording_id, user_id) SELECT id, agent_id FROM recordings WHERE agent_id <> '')";
  std::vector<store::Migration> out{m};
  for (auto& q : qualityMigrations()) out.push_back(std::move(q));
  for (auto& q : policyMigrations()) out.push_back(std::move(q));
  out.push_back(std::move(p));
  return out;
}

}  // namespace hujiao::recording
