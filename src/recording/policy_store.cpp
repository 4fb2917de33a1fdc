#include "recording/policy_store.h"

namespace hujiao::recording {
namespace {

using nlohmann::json;

core::Error bad(const std::string& field, const std::string& why) {
  return core::makeError("invalid", field + ": " + why);
}

const char* modeName(RecordingPolicy::Mode m) {
  switch (m) {
    case RecordingPolicy::Mode::All: return "all";
    case RecordingPolicy::Mode::Selected: return "selected";
    case RecordingPolicy::Mode::None: return "none";
  }
  return "none";
}

core::Result<std::vector<std::string>> strings(const json& v, const std::string& field) {
  if (!v.is_array()) return bad(field, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& x : v) {
    if (!x.is_string() || x.get<std::string>().empty() || x.get<std::string>().size() > 128)
      return bad(field, "must hold non-empty strings of at most 128 characters");
    out.push_back(x.get<std::string>());
  }
  if (out.size() > 10'000) return bad(field, "at most 10000 entries");
  return out;
}

}  // namespace

json toJson(const RecordingPolicy& p) {
  json byQueue = json::object();
  for (const auto& [q, d] : p.retentionByQueue) byQueue[q] = d;
  return {{"mode", modeName(p.mode)},
          {"queues", p.queues},
          {"agents", p.agents},
          {"directions", p.directions},
          {"dids", p.dids},
          {"never_numbers", p.neverNumbers},
          {"never_agents", p.neverAgents},
          {"allow_on_demand", p.allowOnDemand},
          {"allow_agent_pause", p.allowAgentPause},
          {"retention_days", p.retentionDays},
          {"retention_by_queue", byQueue}};
}

core::Result<void> applyPolicyJson(const json& body, RecordingPolicy& p) {
  if (!body.is_object()) return core::makeError("invalid", "the policy must be a JSON object");
  RecordingPolicy next = p;
  for (const auto& [k, v] : body.items()) {
    if (k == "mode") {
      const std::string m = v.is_string() ? v.get<std::string>() : "";
      if (m == "all") next.mode = RecordingPolicy::Mode::All;
      else if (m == "selected") next.mode = RecordingPolicy::Mode::Selected;
      else if (m == "none") next.mode = RecordingPolicy::Mode::None;
      else return bad(k, "must be all, selected or none");
    } else if (k == "queues" || k == "agents" || k == "directions" || k == "dids" || k == "never_agents") {
      auto list = strings(v, k);
      if (!list) return list.error();
      std::set<std::string> set(list->begin(), list->end());
      if (k == "directions")
        for (const auto& d : set)
          if (d != "inbound" && d != "outbound" && d != "internal")
            return bad(k, "must hold inbound, outbound or internal");
      if (k == "dids") {
        std::set<std::string> norm;
        for (const auto& d : set) norm.insert(normaliseNumber(d));
        set = std::move(norm);
      }
      (k == "queues" ? next.queues : k == "agents" ? next.agents : k == "directions" ? next.directions
                                                       : k == "dids"  ? next.dids
                                                                      : next.neverAgents) = std::move(set);
    } else if (k == "never_numbers") {
      auto list = strings(v, k);
      if (!list) return list.error();
      for (const auto& n : *list)
        if (normaliseNumber(n).empty() || normaliseNumber(n) == "*") return bad(k, "'" + n + "' has no digits");
      next.neverNumbers = std::move(*list);
    } else if (k == "allow_on_demand" || k == "allow_agent_pause") {
      if (!v.is_boolean()) return bad(k, "must be true or false");
      (k == "allow_on_demand" ? next.allowOnDemand : next.allowAgentPause) = v.get<bool>();
    } else if (k == "retention_days") {
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 36500)
        return bad(k, "must be an integer 0..36500 (0 = keep forever)");
      next.retentionDays = v.get<int>();
    } else if (k == "retention_by_queue") {
      if (!v.is_object()) return bad(k, "must be an object: queue id -> days");
      std::map<std::string, int> m;
      for (const auto& [q, d] : v.items()) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > 36500)
          return bad(k + "." + q, "must be an integer 0..36500");
        m[q] = d.get<int>();
      }
      next.retentionByQueue = std::move(m);
    } else {
      return bad(k, "unknown policy field");
    }
  }
  p = std::move(next);
  return {};
}

core::Result<std::optional<StoredPolicy>> PolicyStore::load() {
  auto rows = db_.query("SELECT body, updated_us, updated_by FROM recording_policy WHERE id = 'current'");
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<StoredPolicy>{};
  StoredPolicy sp;
  auto body = json::parse(rows->rows[0].str(0), nullptr, false);
  if (body.is_discarded()) return core::makeError("corrupt", "the stored recording policy is not JSON");
  if (auto r = applyPolicyJson(body, sp.policy); !r) return r.error();
  sp.updatedUs = rows->rows[0].i64(1);
  sp.updatedBy = rows->rows[0].str(2);
  return std::optional<StoredPolicy>{std::move(sp)};
}

core::Result<void> PolicyStore::save(const RecordingPolicy& p, const std::string& by, int64_t nowUs) {
  const std::string body = toJson(p).dump();
  auto r = db_.exec(
      "INSERT INTO recording_policy (id, body, updated_us, updated_by) VALUES ('current', $1, $2, $3) "
      "ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_us = excluded.updated_us, "
      "updated_by = excluded.updated_by",
      {body, nowUs, by});
  if (!r) return r.error();
  return {};
}

std::vector<store::Migration> policyMigrations() {
  store::Migration m;
  m.version = 1002;
  m.name = "recording: stored recording policy";
  m.sqlite =
      "CREATE TABLE recording_policy (id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_us BIGINT NOT NULL, "
      "updated_by TEXT NOT NULL DEFAULT '')";
  return {m};
}

}  // namespace hujiao::recording
