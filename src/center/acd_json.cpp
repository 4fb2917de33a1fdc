#include "center/acd_json.h"

#include <algorithm>
#include <cctype>

#include "core/time_format.h"

namespace hujiao::center {

using nlohmann::json;

namespace {

core::Error bad(const std::string& field, const std::string& why) {
  return core::makeError("invalid_field", field + ": " + why);
}

// The REST names of the strategies (CENTER.md): "fewest_calls" is the core's
// FewestInteractions.
const std::vector<std::pair<std::string, acd::Strategy>>& strategies() {
  static const std::vector<std::pair<std::string, acd::Strategy>> s = {
      {"longest_idle", acd::Strategy::LongestIdle}, {"fewest_calls", acd::Strategy::FewestInteractions},
      {"least_talk_time", acd::Strategy::LeastTalkTime}, {"round_robin", acd::Strategy::RoundRobin},
      {"ring_all", acd::Strategy::RingAll},           {"best_skill", acd::Strategy::BestSkill},
      {"linear", acd::Strategy::Linear},              {"random", acd::Strategy::Random}};
  return s;
}

bool knownStrategy(const std::string& s) {
  for (const auto& [n, v] : strategies())
    if (n == s) return true;
  return false;
}

core::Result<int> intField(const json& body, const char* key, int min, int max) {
  const json& v = body.at(key);
  if (!v.is_number_integer()) return bad(key, "must be an integer");
  const auto n = v.get<int64_t>();
  if (n < min || n > max) return bad(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return static_cast<int>(n);
}

core::Result<std::string> strField(const json& body, const char* key, size_t maxLen) {
  const json& v = body.at(key);
  if (v.is_null()) return std::string();
  if (!v.is_string()) return bad(key, "must be a string");
  auto s = v.get<std::string>();
  if (s.size() > maxLen) return bad(key, "is too long");
  return s;
}

core::Result<bool> boolField(const json& body, const char* key) {
  const json& v = body.at(key);
  if (!v.is_boolean()) return bad(key, "must be true or false");
  return v.get<bool>();
}

}  // namespace

std::string isoOrNull(int64_t us) { return us > 0 ? core::formatIso8601(us) : std::string(); }

static json timeJson(int64_t us) { return us > 0 ? json(core::formatIso8601(us)) : json(nullptr); }

std::string stateName(acd::AgentState s) { return std::string(acd::toString(s)); }

json skillsJson(const std::vector<std::pair<std::string, int>>& skills, const char* levelKey) {
  json a = json::array();
  for (const auto& [s, l] : skills) a.push_back({{"skill", s}, {levelKey, l}});
  return a;
}

core::Result<std::vector<std::pair<std::string, int>>> parseSkills(const json& v, const char* field,
                                                                   const char* levelKey) {
  if (!v.is_array()) return bad(field, "must be an array of {skill, " + std::string(levelKey) + "}");
  std::vector<std::pair<std::string, int>> out;
  for (const auto& e : v) {
    if (!e.is_object() || !e.contains("skill") || !e["skill"].is_string() || e["skill"].get<std::string>().empty())
      return bad(field, "each item needs a non-empty \"skill\"");
    int level = 1;
    if (e.contains(levelKey)) {
      if (!e[levelKey].is_number_integer()) return bad(field, std::string(levelKey) + " must be an integer");
      const auto l = e[levelKey].get<int64_t>();
      if (l < 0 || l > 100) return bad(field, std::string(levelKey) + " must be between 0 and 100");
      level = static_cast<int>(l);
    }
    for (const auto& k : e.items())
      if (k.key() != "skill" && k.key() != levelKey) return bad(field, "unknown member \"" + k.key() + "\"");
    out.emplace_back(e["skill"].get<std::string>(), level);
  }
  if (out.size() > 64) return bad(field, "at most 64 skills");
  return out;
}

json toJson(const QueueSettings& q) {
  return {{"id", q.id},
          {"name", q.name},
          {"department_id", q.departmentId.empty() ? json(nullptr) : json(q.departmentId)},
          {"strategy", q.strategy},
          {"skills", skillsJson(q.skills, "min_level")},
          {"max_wait_s", q.maxWaitS},
          {"max_length", q.maxLength},
          {"overflow", {{"type", q.overflowType}, {"target", q.overflowTarget}}},
          {"service_level_s", q.serviceLevelS},
          {"wrap_up_s", q.wrapUpS},
          {"ring_timeout_s", q.ringTimeoutS},
          {"announce_every_s", q.announceEveryS},
          {"callback_offer_wait_s", q.callbackOfferWaitS},
          {"callback_retry_s", q.callbackRetryS ? json(*q.callbackRetryS) : json(nullptr)},
          {"callback_attempts", q.callbackAttempts ? json(*q.callbackAttempts) : json(nullptr)},
          {"join_empty", q.joinEmpty},
          {"leave_empty", q.leaveEmpty},
          {"moh", q.moh},
          {"created_at", timeJson(q.createdUs)},
          {"updated_at", timeJson(q.updatedUs)}};
}

core::Result<void> applyQueueJson(const json& body, QueueSettings& q) {
  if (!body.is_object()) return bad("body", "must be a JSON object");
  static const std::vector<std::string> known = {
      "id",          "name",       "department_id", "strategy",       "skills",           "max_wait_s",
      "max_length",  "overflow",   "service_level_s", "wrap_up_s",    "ring_timeout_s",   "announce_every_s",
      "callback_offer_wait_s", "callback_retry_s", "callback_attempts", "join_empty", "leave_empty", "moh",
      "created_at", "updated_at"};
  for (const auto& it : body.items())
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      return core::makeError("unknown_field", "unknown field \"" + it.key() + "\"");
  if (body.contains("id")) {
    auto s = strField(body, "id", 64);
    if (!s) return s.error();
    q.id = *s;
  }
  if (body.contains("name")) {
    auto s = strField(body, "name", 200);
    if (!s) return s.error();
    q.name = *s;
  }
  if (body.contains("department_id")) {
    auto s = strField(body, "department_id", 64);
    if (!s) return s.error();
    q.departmentId = *s;
  }
  if (body.contains("strategy")) {
    auto s = strField(body, "strategy", 32);
    if (!s) return s.error();
    if (!knownStrategy(*s))
      return bad("strategy",
                 "must be longest_idle, fewest_calls, least_talk_time, round_robin, ring_all, best_skill, linear or "
                 "random");
    q.strategy = *s;
  }
  if (body.contains("skills")) {
    auto s = parseSkills(body["skills"], "skills", "min_level");
    if (!s) return s.error();
    q.skills = std::move(*s);
  }
  struct IntKey {
    const char* key;
    int* dst;
    int min;
    int max;
  };
  for (const IntKey& k : {IntKey{"max_wait_s", &q.maxWaitS, 0, 86400}, IntKey{"max_length", &q.maxLength, 0, 100000},
                          IntKey{"service_level_s", &q.serviceLevelS, 0, 3600},
                          IntKey{"wrap_up_s", &q.wrapUpS, 0, 3600}, IntKey{"ring_timeout_s", &q.ringTimeoutS, 1, 300},
                          IntKey{"announce_every_s", &q.announceEveryS, 0, 3600},
                          IntKey{"callback_offer_wait_s", &q.callbackOfferWaitS, 0, 86400}}) {
    if (!body.contains(k.key)) continue;
    auto v = intField(body, k.key, k.min, k.max);
    if (!v) return v.error();
    *k.dst = *v;
  }
  // Per-queue callback retries: an integer, or null for the global acd.* default
  // (same bounds as the config keys).
  struct OptKey {
    const char* key;
    std::optional<int>* dst;
    int min;
    int max;
  };
  for (const OptKey& k : {OptKey{"callback_retry_s", &q.callbackRetryS, 1, 86400},
                          OptKey{"callback_attempts", &q.callbackAttempts, 1, 10}}) {
    if (!body.contains(k.key)) continue;
    if (body[k.key].is_null()) {
      k.dst->reset();
      continue;
    }
    auto v = intField(body, k.key, k.min, k.max);
    if (!v) return bad(k.key, "must be null (the global default) or an integer between " + std::to_string(k.min) +
                                  " and " + std::to_string(k.max));
    *k.dst = *v;
  }
  if (body.contains("overflow")) {
    const json& o = body["overflow"];
    if (o.is_null()) {
      q.overflowType = "none";
      q.overflowTarget.clear();
    } else {
      if (!o.is_object()) return bad("overflow", "must be {type, target}");
      for (const auto& it : o.items())
        if (it.key() != "type" && it.key() != "target") return bad("overflow", "unknown member \"" + it.key() + "\"");
      if (o.contains("type")) {
        auto t = strField(o, "type", 16);
        if (!t) return bad("overflow.type", "must be a string");
        if (*t != "queue" && *t != "flow" && *t != "voicemail" && *t != "number" && *t != "none")
          return bad("overflow.type", "must be queue, flow, voicemail, number or none");
        q.overflowType = *t;
      }
      if (o.contains("target")) {
        auto t = strField(o, "target", 200);
        if (!t) return bad("overflow.target", "must be a string");
        q.overflowTarget = *t;
      }
    }
  }
  for (auto [key, dst] : {std::pair<const char*, bool*>{"join_empty", &q.joinEmpty}, std::pair<const char*, bool*>{"leave_empty", &q.leaveEmpty}}) {
    if (!body.contains(key)) continue;
    auto b = boolField(body, key);
    if (!b) return b.error();
    *dst = *b;
  }
  if (body.contains("moh")) {
    auto s = strField(body, "moh", 500);
    if (!s) return s.error();
    q.moh = *s;
  }
  return {};
}

core::Result<void> validateQueue(const QueueSettings& q) {
  if (q.id.empty()) return bad("id", "is required");
  for (char c : q.id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return bad("id", "may contain letters, digits, '-', '_' and '.' only");
  if (q.name.empty()) return bad("name", "is required");
  if (!knownStrategy(q.strategy)) return bad("strategy", "unknown strategy");
  if (q.overflowType != "none" && q.overflowTarget.empty())
    return bad("overflow.target", "is required for overflow type " + q.overflowType);
  if (q.overflowType == "queue" && q.overflowTarget == q.id) return bad("overflow.target", "a queue cannot overflow to itself");
  return {};
}

acd::QueueConfig toAcdConfig(const QueueSettings& q) {
  acd::QueueConfig c;
  c.id = q.id;
  c.name = q.name;
  for (const auto& [n, v] : strategies())
    if (n == q.strategy) c.strategy = v;
  c.maxWaitUs = int64_t{q.maxWaitS} * 1'000'000;
  acd::OverflowTarget t;
  if (q.overflowType == "queue") t.kind = acd::OverflowKind::Queue;
  else if (q.overflowType == "flow") t.kind = acd::OverflowKind::Flow;
  else if (q.overflowType == "voicemail") t.kind = acd::OverflowKind::Voicemail;
  else if (q.overflowType == "number") t.kind = acd::OverflowKind::External;
  if (t.kind != acd::OverflowKind::None) t.value = q.overflowTarget;
  // One target for every rule: the queue has one "overflow" in the API.
  c.overflowTarget = t;
  c.maxLength = q.maxLength > 0 ? static_cast<std::size_t>(q.maxLength) : 0;
  c.fullTarget = t;
  c.joinEmpty = q.joinEmpty ? acd::EmptyRule::Ignore : acd::EmptyRule::NoAgentReady;
  c.leaveEmpty = q.leaveEmpty ? acd::EmptyRule::NoAgentReady : acd::EmptyRule::Ignore;
  c.emptyTarget = t;
  c.serviceLevelUs = int64_t{q.serviceLevelS} * 1'000'000;
  c.wrapUpUs = int64_t{q.wrapUpS} * 1'000'000;
  c.ringTimeoutUs = int64_t{std::max(1, q.ringTimeoutS)} * 1'000'000;
  c.announceEveryUs = int64_t{q.announceEveryS} * 1'000'000;
  c.callbackOfferAfterUs = int64_t{q.callbackOfferWaitS} * 1'000'000;
  c.musicOnHold = q.moh;
  return c;
}

json toJson(const AgentView& a) {
  return {{"id", a.info.settings.userId},
          {"username", a.info.username},
          {"display_name", a.info.displayName},
          {"department_id", a.info.departmentId.empty() ? json(nullptr) : json(a.info.departmentId)},
          {"extension", a.info.settings.extension},
          {"device", a.device.empty() ? json(nullptr) : json(a.device)},
          {"state", stateName(a.state)},
          {"reason", a.reason.empty() ? json(nullptr) : json(a.reason)},
          {"state_since", timeJson(a.stateSinceUs)},
          {"skills", skillsJson(a.info.settings.skills, "level")},
          {"capacity",
           {{"voice", a.info.settings.capacity[0]},
            {"chat", a.info.settings.capacity[1]},
            {"email", a.info.settings.capacity[2]},
            {"sms", a.info.settings.capacity[3]}}},
          {"auto_answer", a.info.settings.autoAnswer}};
}

json toJson(const InteractionView& i) {
  return {{"id", i.id},
          {"channel", i.channel},
          {"state", i.state},
          {"queue_id", i.queueId},
          {"call_id", i.callId.empty() ? json(nullptr) : json(i.callId)},
          {"agent_id", i.agentId.empty() ? json(nullptr) : json(i.agentId)},
          {"customer", {{"number", i.customerNumber}}},
          {"attributes", i.attributes},
          {"priority", i.priority},
          {"callback", i.callback},
          {"muted", i.muted},
          {"enqueued_at", timeJson(i.enqueuedAtUs)},
          {"offered_at", timeJson(i.offeredAtUs)},
          {"answered_at", timeJson(i.answeredAtUs)}};
}

json statsJson(const QueueSettings& q, const acd::QueueStats& s) {
  auto by = [&](acd::AgentState st) { return s.agentsByState[static_cast<size_t>(st)]; };
  return {{"queue_id", q.id},
          {"name", q.name},
          {"department_id", q.departmentId.empty() ? json(nullptr) : json(q.departmentId)},
          {"waiting", s.waiting},
          {"longest_wait_s", s.longestWaitUs / 1'000'000},
          {"offered", s.offered},
          {"answered", s.answered},
          {"abandoned", s.abandoned},
          {"overflowed", s.overflowed},
          {"service_level_pct", s.serviceLevelPct},
          {"asa_s", static_cast<double>(s.asaUs) / 1e6},
          {"aht_s", static_cast<double>(s.ahtUs) / 1e6},
          {"estimated_aht_s", static_cast<double>(s.ahtEstimateUs) / 1e6},
          {"agents",
           {{"logged_out", by(acd::AgentState::LoggedOut)},
            {"ready", by(acd::AgentState::Ready)},
            {"not_ready", by(acd::AgentState::NotReady)},
            {"reserved", by(acd::AgentState::Reserved)},
            {"busy", by(acd::AgentState::Busy)},
            {"wrap_up", by(acd::AgentState::WrapUp)}}}};
}

json statsJson(const acd::AgentStats& s) {
  json tis = json::object();
  for (size_t i = 0; i < acd::kAgentStateCount; ++i)
    tis[stateName(static_cast<acd::AgentState>(i))] = s.timeInStateUs[i] / 1'000'000;
  return {{"agent_id", s.agentId},
          {"state", stateName(s.state)},
          {"reason", s.reason.empty() ? json(nullptr) : json(s.reason)},
          {"state_since", timeJson(s.stateSinceUs)},
          {"interactions", s.interactions},
          {"offers", s.offered},
          {"rna", s.ringNoAnswer},
          {"talk_s", s.talkUs / 1'000'000},
          {"hold_s", s.holdUs / 1'000'000},
          {"wrap_up_s", s.wrapUpUs / 1'000'000},
          {"occupancy_pct", s.occupancyPct},
          {"time_in_state", tis}};
}

json toJson(const Webhook& w) {
  return {{"id", w.id}, {"url", w.url}, {"events", w.events}, {"created_at", timeJson(w.createdUs)}};
}

}  // namespace hujiao::center
