#include "report/events.h"

#include <array>
#include <nlohmann/json.hpp>

namespace hujiao::report {
namespace {

constexpr std::array<std::string_view, kIxKindCount> kIxNames = {
    "entered",       "offered",     "ring_no_answer",
    "answered",      "abandoned",   "overflowed",
    "exited",        "transferred", "callback_requested",
    "callback_done", "ended",       "survey"};
constexpr std::array<std::string_view, kIvrExitCount> kExitNames = {
    "completed", "hangup", "queue", "agent", "extension", "external", "error"};

bool knownState(std::string_view s) {
  return s == "ready" || s == "not_ready" || s == "reserved" || s == "busy" ||
         s == "wrap_up" || s == "logged_out";
}

std::string check(const InteractionRecord &r) {
  if (r.interactionId.empty())
    return "interaction record without interaction id";
  if (r.atUs <= 0)
    return "interaction record without time";
  if (r.waitUs < 0 || r.talkUs < 0 || r.holdUs < 0 || r.wrapUpUs < 0)
    return "negative duration";
  if (r.serviceLevelUs < 0 || r.shortAbandonUs < 0)
    return "negative threshold";
  switch (r.kind) {
  case IxKind::Offered:
  case IxKind::RingNoAnswer:
  case IxKind::Answered:
    if (r.agentId.empty())
      return "offered/ring_no_answer/answered record without agent id";
    break;
  case IxKind::Survey:
    if (r.score < 1 || r.score > 5)
      return "survey score out of 1..5";
    break;
  case IxKind::Ended:
    if (r.resolved < -1 || r.resolved > 1)
      return "resolved must be -1, 0 or 1";
    break;
  default:
    break;
  }
  return {};
}

std::string check(const AgentStateRecord &r) {
  if (r.agentId.empty())
    return "agent state record without agent id";
  if (r.atUs <= 0)
    return "agent state record without time";
  if (r.previousForUs < 0)
    return "negative previous state duration";
  if (!knownState(r.fromState) || !knownState(r.toState))
    return "unknown agent state";
  return {};
}

std::string check(const CdrRefRecord &r) {
  if (r.interactionId.empty() || r.cdrId.empty())
    return "cdr reference without interaction or cdr id";
  if (r.atUs <= 0)
    return "cdr reference without time";
  return {};
}

std::string check(const IvrPathRecord &r) {
  if (r.flowId.empty() || r.callId.empty())
    return "ivr path without flow or call id";
  if (r.atUs <= 0 || r.enteredAtUs <= 0 || r.enteredAtUs > r.atUs)
    return "ivr path with bad times";
  if (r.shortHangupUs < 0)
    return "negative threshold";
  return {};
}

} // namespace

std::string_view toString(IxKind k) {
  return kIxNames.at(static_cast<size_t>(k));
}

std::optional<IxKind> ixKindFromString(std::string_view s) {
  for (size_t i = 0; i < kIxNames.size(); ++i) {
    if (kIxNames[i] == s)
      return static_cast<IxKind>(i);
  }
  return std::nullopt;
}

std::string_view toString(IvrExit e) {
  return kExitNames.at(static_cast<size_t>(e));
}

std::optional<IvrExit> ivrExitFromString(std::string_view s) {
  for (size_t i = 0; i < kExitNames.size(); ++i) {
    if (kExitNames[i] == s)
      return static_cast<IvrExit>(i);
  }
  return std::nullopt;
}

std::string validate(const Record &r) {
  return std::visit([](const auto &x) { return check(x); }, r);
}

int64_t recordTime(const Record &r) {
  return std::visit([](const auto &x) { return x.atUs; }, r);
}

nlohmann::json toJson(const Record &r) {
  using nlohmann::json;
  if (const auto *x = std::get_if<InteractionRecord>(&r)) {
    return json{{"t", "ix"},
                {"kind", toString(x->kind)},
                {"at", x->atUs},
                {"id", x->interactionId},
                {"ch", x->channel},
                {"q", x->queueId},
                {"a", x->agentId},
                {"did", x->did},
                {"f", x->flowId},
                {"c", x->customerKey},
                {"wait", x->waitUs},
                {"ans", x->answeredAtUs},
                {"talk", x->talkUs},
                {"hold", x->holdUs},
                {"wrap", x->wrapUpUs},
                {"sl", x->serviceLevelUs},
                {"sa", x->shortAbandonUs},
                {"target", x->target},
                {"reason", x->reason},
                {"res", x->resolved},
                {"score", x->score}};
  }
  if (const auto *x = std::get_if<AgentStateRecord>(&r)) {
    return json{{"t", "as"},           {"at", x->atUs},
                {"a", x->agentId},     {"from", x->fromState},
                {"fr", x->fromReason}, {"to", x->toState},
                {"tr", x->toReason},   {"prev", x->previousForUs}};
  }
  if (const auto *x = std::get_if<CdrRefRecord>(&r)) {
    return json{{"t", "cdr"},
                {"at", x->atUs},
                {"id", x->interactionId},
                {"cdr", x->cdrId},
                {"role", x->role}};
  }
  const auto &x = std::get<IvrPathRecord>(r);
  return json{{"t", "ivr"},
              {"at", x.atUs},
              {"call", x.callId},
              {"id", x.interactionId},
              {"f", x.flowId},
              {"did", x.did},
              {"in", x.enteredAtUs},
              {"exit", toString(x.exit)},
              {"node", x.exitNode},
              {"path", x.path},
              {"hc", x.hangupContained},
              {"sh", x.shortHangupUs}};
}

std::optional<Record> recordFromJson(const nlohmann::json &j) {
  try {
    if (!j.is_object())
      return std::nullopt;
    const std::string t = j.at("t").get<std::string>();
    if (t == "ix") {
      InteractionRecord x;
      auto kind = ixKindFromString(j.at("kind").get<std::string>());
      if (!kind)
        return std::nullopt;
      x.kind = *kind;
      x.atUs = j.at("at").get<int64_t>();
      x.interactionId = j.at("id").get<std::string>();
      x.channel = j.at("ch").get<std::string>();
      x.queueId = j.at("q").get<std::string>();
      x.agentId = j.at("a").get<std::string>();
      x.did = j.at("did").get<std::string>();
      x.flowId = j.at("f").get<std::string>();
      x.customerKey = j.at("c").get<std::string>();
      x.waitUs = j.at("wait").get<int64_t>();
      x.answeredAtUs = j.at("ans").get<int64_t>();
      x.talkUs = j.at("talk").get<int64_t>();
      x.holdUs = j.at("hold").get<int64_t>();
      x.wrapUpUs = j.at("wrap").get<int64_t>();
      x.serviceLevelUs = j.at("sl").get<int64_t>();
      x.shortAbandonUs = j.at("sa").get<int64_t>();
      x.target = j.at("target").get<std::string>();
      x.reason = j.at("reason").get<std::string>();
      x.resolved = j.at("res").get<int>();
      x.score = j.at("score").get<int>();
      return x;
    }
    if (t == "as") {
      AgentStateRecord x;
      x.atUs = j.at("at").get<int64_t>();
      x.agentId = j.at("a").get<std::string>();
      x.fromState = j.at("from").get<std::string>();
      x.fromReason = j.at("fr").get<std::string>();
      x.toState = j.at("to").get<std::string>();
      x.toReason = j.at("tr").get<std::string>();
      x.previousForUs = j.at("prev").get<int64_t>();
      return x;
    }
    if (t == "cdr") {
      CdrRefRecord x;
      x.atUs = j.at("at").get<int64_t>();
      x.interactionId = j.at("id").get<std::string>();
      x.cdrId = j.at("cdr").get<std::string>();
      x.role = j.at("role").get<std::string>();
      return x;
    }
    if (t == "ivr") {
      IvrPathRecord x;
      x.atUs = j.at("at").get<int64_t>();
      x.callId = j.at("call").get<std::string>();
      x.interactionId = j.at("id").get<std::string>();
      x.flowId = j.at("f").get<std::string>();
      x.did = j.at("did").get<std::string>();
      x.enteredAtUs = j.at("in").get<int64_t>();
      auto e = ivrExitFromString(j.at("exit").get<std::string>());
      if (!e)
        return std::nullopt;
      x.exit = *e;
      x.exitNode = j.at("node").get<std::string>();
      x.path = j.at("path").get<std::string>();
      x.hangupContained = j.at("hc").get<bool>();
      x.shortHangupUs = j.at("sh").get<int64_t>();
      return x;
    }
  } catch (const nlohmann::json::exception &) {
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace hujiao::report
