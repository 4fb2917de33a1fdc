#include "center/acd_store.h"

#include <chrono>

#include "center/acd_json.h"
#include "core/ids.h"

namespace hujiao::center {

using nlohmann::json;

namespace {

int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::Error notFound(const std::string& what, const std::string& id) {
  return core::makeError("not_found", what + " " + id + " not found");
}

QueueSettings queueFromRow(const store::Row& r) {
  QueueSettings q;
  auto j = json::parse(r.str(3), nullptr, false);
  if (j.is_object()) (void)applyQueueJson(j, q);
  q.id = r.str(0);
  q.name = r.str(1);
  q.departmentId = r.str(2);
  q.createdUs = r.i64(4);
  q.updatedUs = r.i64(5);
  return q;
}

std::string skillsText(const std::vector<std::pair<std::string, int>>& s) { return skillsJson(s, "level").dump(); }

AgentSettings agentFromRow(const store::Row& r) {
  AgentSettings a;
  a.userId = r.str(0);
  a.extension = r.str(1);
  auto sk = parseSkills(json::parse(r.str(2), nullptr, false), "skills", "level");
  if (sk) a.skills = std::move(*sk);
  auto cap = json::parse(r.str(3), nullptr, false);
  if (cap.is_array())
    for (size_t i = 0; i < a.capacity.size() && i < cap.size(); ++i)
      if (cap[i].is_number_integer()) a.capacity[i] = static_cast<uint16_t>(cap[i].get<int>());
  a.autoAnswer = r.i64(4) != 0;
  a.updatedUs = r.i64(5);
  return a;
}

}  // namespace

std::vector<store::Migration> AcdStore::migrations() {
  store::Migration m;
  m.version = 500;
  m.name = "acd: queues, members, agents, agent states, dispositions, webhooks";
  m.sqlite =
      R"(CREATE TABLE acd_queues (id TEXT PRIMARY KEY, name TEXT NOT NULL, department_id TEXT NOT NULL DEFAULT '', settings TEXT NOT NULL, created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL);
CREATE TABLE acd_members (queue_id TEXT NOT NULL, agent_id TEXT NOT NULL, level BIGINT NOT NULL DEFAULT 0, position BIGINT NOT NULL DEFAULT -1, PRIMARY KEY (queue_id, agent_id));
CREATE INDEX acd_members_agent ON acd_members (agent_id);
CREATE TABLE acd_agents (user_id TEXT PRIMARY KEY, extension TEXT NOT NULL DEFAULT '', skills TEXT NOT NULL DEFAULT '[]', capacity TEXT NOT NULL DEFAULT '[1,3,3,3]', auto_answer INTEGER NOT NULL DEFAULT 0, updated_us BIGINT NOT NULL);
CREATE TABLE acd_agent_states (id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', previous TEXT NOT NULL DEFAULT '', at_us BIGINT NOT NULL, previous_for_us BIGINT NOT NULL DEFAULT 0);
CREATE INDEX acd_agent_states_agent ON acd_agent_states (agent_id, at_us);
CREATE TABLE acd_dispositions (id TEXT PRIMARY KEY, interaction_id TEXT NOT NULL, call_id TEXT NOT NULL DEFAULT '', agent_id TEXT NOT NULL, queue_id TEXT NOT NULL DEFAULT '', disposition TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', created_us BIGINT NOT NULL);
CREATE INDEX acd_dispositions_interaction ON acd_dispositions (interaction_id);
CREATE TABLE acd_webhooks (id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL DEFAULT '[]', created_us BIGINT NOT NULL))";
  return {m};
}

core::Result<std::vector<QueueSettings>> AcdStore::listQueues() {
  auto r = db_.query("SELECT id, name, department_id, settings, created_us, updated_us FROM acd_queues ORDER BY id");
  if (!r) return r.error();
  std::vector<QueueSettings> out;
  for (const auto& row : r->rows) out.push_back(queueFromRow(row));
  return out;
}

core::Result<QueueSettings> AcdStore::getQueue(const std::string& id) {
  auto r = db_.query(
      "SELECT id, name, department_id, settings, created_us, updated_us FROM acd_queues WHERE id = $1", {id});
  if (!r) return r.error();
  if (r->empty()) return notFound("queue", id);
  return queueFromRow(r->rows[0]);
}

core::Result<QueueSettings> AcdStore::saveQueue(QueueSettings q) {
  const int64_t now = nowUs();
  if (q.createdUs == 0) q.createdUs = now;
  q.updatedUs = now;
  json settings = toJson(q);
  for (const char* k : {"id", "name", "department_id", "created_at", "updated_at"}) settings.erase(k);
  auto r = db_.exec(
      "INSERT INTO acd_queues (id, name, department_id, settings, created_us, updated_us) VALUES ($1, $2, $3, $4, $5, "
      "$6) ON CONFLICT (id) DO UPDATE SET name = excluded.name, department_id = excluded.department_id, settings = "
      "excluded.settings, updated_us = excluded.updated_us",
      {q.id, q.name, q.departmentId, settings.dump(), q.createdUs, q.updatedUs});
  if (!r) return r.error();
  return q;
}

core::Result<void> AcdStore::deleteQueue(const std::string& id) {
  return db_.transaction([&](store::Tx& tx) -> core::Result<void> {
    auto n = tx.exec("DELETE FROM acd_queues WHERE id = $1", {id});
    if (!n) return n.error();
    if (*n == 0) return notFound("queue", id);
    if (auto m = tx.exec("DELETE FROM acd_members WHERE queue_id = $1", {id}); !m) return m.error();
    return {};
  });
}

core::Result<std::vector<MemberSettings>> AcdStore::listMembers(const std::string& queueId) {
  auto r = queueId.empty()
               ? db_.query("SELECT queue_id, agent_id, level, position FROM acd_members ORDER BY queue_id, level, "
                           "position, agent_id")
               : db_.query("SELECT queue_id, agent_id, level, position FROM acd_members WHERE queue_id = $1 ORDER BY "
                           "level, position, agent_id",
                           {queueId});
  if (!r) return r.error();
  std::vector<MemberSettings> out;
  for (const auto& row : r->rows)
    out.push_back({row.str(0), row.str(1), static_cast<int>(row.i64(2)), static_cast<int>(row.i64(3))});
  return out;
}

core::Result<void> AcdStore::saveMember(const MemberSettings& m) {
  auto r = db_.exec(
      "INSERT INTO acd_members (queue_id, agent_id, level, position) VALUES ($1, $2, $3, $4) ON CONFLICT (queue_id, "
      "agent_id) DO UPDATE SET level = excluded.level, position = excluded.position",
      {m.queueId, m.agentId, int64_t{m.level}, int64_t{m.position}});
  if (!r) return r.error();
  return {};
}

core::Result<void> AcdStore::deleteMember(const std::string& queueId, const std::string& agentId) {
  auto r = db_.exec("DELETE FROM acd_members WHERE queue_id = $1 AND agent_id = $2", {queueId, agentId});
  if (!r) return r.error();
  if (*r == 0) return notFound("member", agentId + " of queue " + queueId);
  return {};
}

core::Result<std::vector<AgentSettings>> AcdStore::listAgents() {
  auto r = db_.query("SELECT user_id, extension, skills, capacity, auto_answer, updated_us FROM acd_agents");
  if (!r) return r.error();
  std::vector<AgentSettings> out;
  for (const auto& row : r->rows) out.push_back(agentFromRow(row));
  return out;
}

core::Result<AgentSettings> AcdStore::getAgent(const std::string& userId) {
  auto r = db_.query(
      "SELECT user_id, extension, skills, capacity, auto_answer, updated_us FROM acd_agents WHERE user_id = $1",
      {userId});
  if (!r) return r.error();
  if (r->empty()) return notFound("agent", userId);
  return agentFromRow(r->rows[0]);
}

core::Result<AgentSettings> AcdStore::saveAgent(AgentSettings a) {
  a.updatedUs = nowUs();
  json cap = json::array();
  for (auto c : a.capacity) cap.push_back(c);
  auto r = db_.exec(
      "INSERT INTO acd_agents (user_id, extension, skills, capacity, auto_answer, updated_us) VALUES ($1, $2, $3, $4, "
      "$5, $6) ON CONFLICT (user_id) DO UPDATE SET extension = excluded.extension, skills = excluded.skills, capacity = "
      "excluded.capacity, auto_answer = excluded.auto_answer, updated_us = excluded.updated_us",
      {a.userId, a.extension, skillsText(a.skills), cap.dump(), int64_t{a.autoAnswer}, a.updatedUs});
  if (!r) return r.error();
  return a;
}

core::Result<void> AcdStore::insertStates(const std::vector<StateRow>& rows) {
  if (rows.empty()) return {};
  std::vector<store::Params> params;
  params.reserve(rows.size());
  for (const auto& s : rows)
    params.push_back({core::newId(), s.agentId, s.state, s.reason, s.previous, s.atUs, s.previousForUs});
  auto r = db_.execBatch(
      "INSERT INTO acd_agent_states (id, agent_id, state, reason, previous, at_us, previous_for_us) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7)",
      params);
  if (!r) return r.error();
  return {};
}

core::Result<std::vector<StateRow>> AcdStore::listStates(const std::string& agentId, int64_t fromUs, int64_t toUs,
                                                         int64_t limit) {
  auto r = db_.query(
      "SELECT agent_id, state, reason, previous, at_us, previous_for_us FROM acd_agent_states WHERE agent_id = $1 AND "
      "at_us >= $2 AND at_us < $3 ORDER BY at_us, id LIMIT " +
          std::to_string(limit),
      {agentId, fromUs, toUs});
  if (!r) return r.error();
  std::vector<StateRow> out;
  for (const auto& row : r->rows)
    out.push_back({row.str(0), row.str(1), row.str(2), row.str(3), row.i64(4), row.i64(5)});
  return out;
}

core::Result<void> AcdStore::insertDisposition(const DispositionRow& d) {
  auto r = db_.exec(
      "INSERT INTO acd_dispositions (id, interaction_id, call_id, agent_id, queue_id, disposition, notes, created_us) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {core::newId(), d.interactionId, d.callId, d.agentId, d.queueId, d.disposition, d.notes, d.atUs});
  if (!r) return r.error();
  return {};
}

core::Result<std::vector<DispositionRow>> AcdStore::listDispositions(const std::string& interactionId) {
  auto r = db_.query(
      "SELECT interaction_id, call_id, agent_id, queue_id, disposition, notes, created_us FROM acd_dispositions WHERE "
      "interaction_id = $1 ORDER BY created_us",
      {interactionId});
  if (!r) return r.error();
  std::vector<DispositionRow> out;
  for (const auto& row : r->rows)
    out.push_back({row.str(0), row.str(1), row.str(2), row.str(3), row.str(4), row.str(5), row.i64(6)});
  return out;
}

core::Result<std::vector<Webhook>> AcdStore::listWebhooks() {
  auto r = db_.query("SELECT id, url, secret, events, created_us FROM acd_webhooks ORDER BY created_us, id");
  if (!r) return r.error();
  std::vector<Webhook> out;
  for (const auto& row : r->rows) {
    Webhook w{row.str(0), row.str(1), row.str(2), {}, row.i64(4)};
    auto ev = json::parse(row.str(3), nullptr, false);
    if (ev.is_array())
      for (const auto& e : ev)
        if (e.is_string()) w.events.push_back(e.get<std::string>());
    out.push_back(std::move(w));
  }
  return out;
}

core::Result<Webhook> AcdStore::createWebhook(Webhook w) {
  if (w.id.empty()) w.id = core::newId();
  w.createdUs = nowUs();
  auto r = db_.exec("INSERT INTO acd_webhooks (id, url, secret, events, created_us) VALUES ($1, $2, $3, $4, $5)",
                    {w.id, w.url, w.secret, json(w.events).dump(), w.createdUs});
  if (!r) return r.error();
  return w;
}

core::Result<void> AcdStore::deleteWebhook(const std::string& id) {
  auto r = db_.exec("DELETE FROM acd_webhooks WHERE id = $1", {id});
  if (!r) return r.error();
  if (*r == 0) return notFound("webhook", id);
  return {};
}

}  // namespace hujiao::center
