// CTI actions over REST (docs/cti.md): POST /api/v1/agents/{id}/<action>,
// /api/v1/supervisor/*, /api/v1/interactions (+ force_release, move).
// An agent acts on himself only (scope self); a supervisor on the agents of his
// departments. Actions run on the control thread (center::AcdService::act) and
// answer 409 invalid_state when the agent or call is not in a state for them.
// Threads: pool threads.
#include <set>

#include "api/codec.h"
#include "api/errors.h"
#include "api/routes.h"
#include "center/acd_json.h"
#include "center/acd_service.h"

namespace hujiao::api {

using nlohmann::json;

namespace acd_routes {  // routes_acd.cpp
core::Result<center::AcdService*> service(ApiContext& ctx);
std::string bodySchema(const std::string& name);
core::Result<json> body(RequestContext& rc, const std::string& schemaName);
core::Result<HttpResponse> fail(const core::Error& e);
core::Result<store::User> agentUser(ApiContext& ctx, const Principal& p, const std::string& id);
bool seesInteraction(const Principal& p, const center::InteractionView& v);
json list(json items);
const ObjectSchema* localSchema(const std::string& name);
}  // namespace acd_routes

namespace {

using namespace acd_routes;

/// A body that may be absent (login with the agent's own extension ...).
core::Result<json> optionalBody(RequestContext& rc, const std::string& schemaName) {
  if (rc.request.body.empty()) return json::object();
  auto parsed = parseJsonObject(rc.request.body);
  if (!parsed) return parsed.error();
  if (const ObjectSchema* s = localSchema(schemaName))
    if (auto ok = validateObject(*parsed, *s); !ok) return ok.error();
  return parsed;
}

std::string str(const json& b, const char* key) {
  return b.contains(key) && b[key].is_string() ? b[key].get<std::string>() : std::string();
}

struct ActionSpec {
  const char* name;
  const char* permission;
  const char* schema;  // "" = no body; optional bodies are parsed when present
  bool bodyRequired;
  const char* summary;
};

constexpr ActionSpec kAgentActions[] = {
    {"login", "agents.control", "AgentLogin", false, "Log in on a device (default: the agent's extension)"},
    {"logout", "agents.control", "", false, "Log out"},
    {"ready", "agents.control", "", false, "Ready for interactions"},
    {"not_ready", "agents.control", "AgentNotReady", true, "Not ready, with a reason code"},
    {"answer", "interactions.control", "InteractionRef", true,
     "Answer a ringing interaction (re-offers with auto-answer headers; else waits for the phone)"},
    {"hangup", "interactions.control", "InteractionRef", true, "Hang up (or decline a ringing offer)"},
    {"hold", "interactions.control", "InteractionRef", true, "Put the customer on hold (music)"},
    {"unhold", "interactions.control", "InteractionRef", true, "Take the customer off hold"},
    {"transfer", "interactions.control", "CtiTransfer", true, "Blind transfer to an agent, a queue or a number"},
    {"consult", "interactions.control", "CtiTransfer", true, "Consultation call (the customer holds)"},
    {"consult_transfer", "interactions.control", "InteractionRef", true,
     "Transfer the customer to the consulted party"},
    {"conference", "interactions.control", "InteractionRef", true, "Three-way call with the consulted party"},
    {"consult_cancel", "interactions.control", "InteractionRef", true, "End the consultation, back to the customer"},
    {"pickup", "interactions.control", "InteractionRef", true, "Pick up an interaction ringing another agent"},
    {"dtmf", "interactions.control", "CtiDtmf", true, "Send DTMF digits to the customer"},
    {"mute", "interactions.control", "CtiMute", true,
     "Mute (on=true) or unmute the agent: the customer stops hearing him, he still hears the customer"},
    {"wrapup", "interactions.control", "CtiWrapUp", true, "Disposition and notes; ends wrap-up"},
    {"dial", "calls.control", "CtiDial", true, "Dial out from the agent's device"},
    {"force_logout", "agents.supervise", "", false, "Supervisor: log the agent out"},
    {"force_ready", "agents.supervise", "", false, "Supervisor: make the agent ready"},
    {"force_not_ready", "agents.supervise", "AgentForceNotReady", false, "Supervisor: make the agent not ready"},
};

core::Result<HttpResponse> runAgentAction(ApiContext& ctx, RequestContext& rc, const ActionSpec& spec) {
  auto acd = service(ctx);
  if (!acd) return acd.error();
  const Principal& p = *rc.principal;
  auto u = agentUser(ctx, p, rc.param("id"));
  if (!u) return u.error();
  auto b = spec.bodyRequired ? body(rc, spec.schema) : optionalBody(rc, spec.schema);
  if (!b) return b.error();
  const std::string kind = spec.name;
  if (kind == "dial") {
    auto callId = (*acd)->dial(u->id, str(*b, "number"));
    if (!callId) return fail(callId.error());
    json after = {{"call_id", *callId}, {"agent_id", u->id}, {"number", str(*b, "number")}};
    ctx.audit.record(&p, rc.request.remoteAddress, {"dial", "agents", u->id, nullptr, after, u->departmentId});
    return jsonResponse(202, after);
  }
  center::CtiAction a;
  a.kind = kind;
  a.agentId = u->id;
  a.interactionId = str(*b, "interaction_id");
  a.targetType = str(*b, "target_type");
  a.target = str(*b, "target");
  a.reason = str(*b, "reason");
  a.device = str(*b, "device");
  a.digits = str(*b, "digits");
  a.disposition = str(*b, "disposition");
  a.notes = str(*b, "notes");
  if (kind == "mute") {
    if (!b->contains("on") || !(*b)["on"].is_boolean()) return invalidField("on", "is required (true or false)");
    a.on = (*b)["on"].get<bool>();
  }
  if (kind == "transfer" && a.targetType == "agent")
    if (auto t = agentUser(ctx, p, a.target); !t && p.scope != Scope::Self)
      return invalidField("target", "no agent '" + a.target + "'");
  auto r = (*acd)->act(a);
  if (!r) return fail(r.error());
  // State changes of agents are audited (who forced whom); call actions are
  // in the events and CDRs.
  if (kind.rfind("force_", 0) == 0 || kind == "login" || kind == "logout")
    ctx.audit.record(&p, rc.request.remoteAddress, {kind, "agents", u->id, nullptr, *r, u->departmentId});
  return jsonResponse(200, *r);
}

core::Result<HttpResponse> supervise(ApiContext& ctx, RequestContext& rc, const std::string& mode) {
  auto acd = service(ctx);
  if (!acd) return acd.error();
  const Principal& p = *rc.principal;
  auto b = body(rc, "Supervise");
  if (!b) return b.error();
  auto u = agentUser(ctx, p, str(*b, "agent_id"));
  if (!u) return u.error();
  center::CtiAction a;
  a.kind = mode;
  a.agentId = u->id;
  a.device = str(*b, "device");
  if (a.device.empty()) {
    // The supervisor's own phone, when he has one as an agent.
    if (auto mine = (*acd)->store().getAgent(p.userId); mine && !mine->extension.empty()) a.device = mine->extension;
    else return invalidField("device", "is required (you have no extension of your own)");
  }
  auto r = (*acd)->act(a);
  if (!r) return fail(r.error());
  ctx.audit.record(&p, rc.request.remoteAddress, {mode, "agents", u->id, nullptr, *r, u->departmentId});
  return jsonResponse(200, *r);
}

// A live interaction in the caller's scope, or 404.
core::Result<center::InteractionView> visibleInteraction(center::AcdService& acd, const Principal& p,
                                                         const std::string& id) {
  auto v = acd.findInteraction(id);
  if (!v) return v.error();
  if (!seesInteraction(p, *v)) return core::makeError("not_found", "interaction " + id + " not found");
  return v;
}

}  // namespace

void addAcdCtiRoutes(Router& router, ApiContext& ctx) {
  for (const ActionSpec& spec : kAgentActions) {
    // An optional body (login, force_not_ready) is read by the handler, which
    // accepts an empty one; its schema then only documents it.
    const bool optional = !spec.bodyRequired && spec.schema[0] != '\0';
    Route r{"POST", std::string("/api/v1/agents/{id}/") + spec.name, spec.permission, spec.summary, "cti",
            spec.schema[0] != '\0' ? bodySchema(spec.schema) : std::string(), bodySchema("CtiResult"),
            spec.name == std::string("dial") ? 202 : 200, {},
            [&ctx, &spec](RequestContext& rc) { return runAgentAction(ctx, rc, spec); }};
    router.add(optional ? parsesOwnBody(std::move(r)) : std::move(r));
  }
  for (const char* mode : {"listen", "whisper", "barge"}) {
    const std::string m = mode;
    router.add({"POST", "/api/v1/supervisor/" + m, "agents.supervise",
                "Supervisor: " + m + " on an agent's call (rings the supervisor's device)", "cti",
                bodySchema("Supervise"), bodySchema("CtiResult"), 200, {},
                [&ctx, m](RequestContext& rc) { return supervise(ctx, rc, m); }});
  }
  router.add({"POST", "/api/v1/supervisor/stop", "agents.supervise", "Supervisor: stop listening/whispering/barging",
              "cti", bodySchema("SupervisionStop"), bodySchema("CtiResult"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto b = body(rc, "SupervisionStop");
                if (!b) return b.error();
                if (!b->contains("supervision_id") || !(*b)["supervision_id"].is_number_integer())
                  return invalidField("supervision_id", "is required");
                center::CtiAction a;
                a.kind = "stop_supervising";
                a.supervisionId = (*b)["supervision_id"].get<uint64_t>();
                auto r = (*acd)->act(a);
                if (!r) return fail(r.error());
                return jsonResponse(200, *r);
              }});
  router.add({"GET", "/api/v1/interactions", "interactions.read", "Live interactions (waiting, ringing, connected)",
              "cti", "", bodySchema("InteractionList"), 200,
              {{"state", FieldType::String, "waiting | ringing | connected | held | wrap_up", 0, 0, ""},
               {"queue_id", FieldType::String, "Only this queue", 0, 0, ""},
               {"agent_id", FieldType::String, "Only this agent's", 0, 0, ""}},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto all = (*acd)->interactions();
                if (!all) return fail(all.error());
                const std::string state = rc.queryString("state");
                const std::string queueId = rc.queryString("queue_id");
                const std::string agentId = rc.queryString("agent_id");
                json items = json::array();
                for (const auto& v : *all) {
                  if (!seesInteraction(*rc.principal, v)) continue;
                  // "connected" asks for the calls in progress, held ones included.
                  if (!state.empty() && v.state != state && !(state == "connected" && v.state == "held")) continue;
                  if (!queueId.empty() && v.queueId != queueId) continue;
                  if (!agentId.empty() && v.agentId != agentId) continue;
                  items.push_back(center::toJson(v));
                }
                return jsonResponse(200, list(std::move(items)));
              }});
  router.add({"GET", "/api/v1/interactions/{id}", "interactions.read", "A live interaction", "cti", "", bodySchema("Interaction"),
              200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto v = visibleInteraction(**acd, *rc.principal, rc.param("id"));
                if (!v) return fail(v.error());
                return jsonResponse(200, center::toJson(*v));
              }});
  router.add({"POST", "/api/v1/interactions/{id}/force_release", "agents.supervise",
              "Supervisor: end the call (强拆)", "cti", "", bodySchema("CtiResult"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto v = visibleInteraction(**acd, *rc.principal, rc.param("id"));
                if (!v) return fail(v.error());
                center::CtiAction a;
                a.kind = "force_release";
                a.interactionId = v->id;
                auto r = (*acd)->act(a);
                if (!r) return fail(r.error());
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"force_release", "interactions", v->id, center::toJson(*v), *r, v->departmentId});
                return jsonResponse(200, *r);
              }});
  router.add({"POST", "/api/v1/interactions/{id}/move", "agents.supervise",
              "Supervisor: move a waiting interaction to another queue or to an agent", "cti",
              bodySchema("InteractionMove"), bodySchema("CtiResult"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                const Principal& p = *rc.principal;
                auto v = visibleInteraction(**acd, p, rc.param("id"));
                if (!v) return fail(v.error());
                auto b = body(rc, "InteractionMove");
                if (!b) return b.error();
                center::CtiAction a;
                a.kind = "move";
                a.interactionId = v->id;
                a.queueId = str(*b, "queue_id");
                a.agentId = str(*b, "agent_id");
                if (a.queueId.empty() == a.agentId.empty())
                  return invalidField("queue_id", "give either queue_id or agent_id");
                if (!a.agentId.empty())
                  if (auto u = agentUser(ctx, p, a.agentId); !u) return invalidField("agent_id", "no such agent");
                auto r = (*acd)->act(a);
                if (!r) return fail(r.error());
                ctx.audit.record(&p, rc.request.remoteAddress,
                                 {"move", "interactions", v->id, center::toJson(*v), *r, v->departmentId});
                return jsonResponse(200, *r);
              }});
}

}  // namespace hujiao::api
