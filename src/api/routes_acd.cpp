// ACD over REST (docs/cti.md): /api/v1/queues (+ members, stats), /agents
// (settings, live state, stats, interactions), /interactions, /agent-reasons,
// /dispositions, /webhooks. CTI actions are in routes_acd_cti.cpp.
//
// Threads: pool threads. Configuration is written to the store here, then
// applied on the control thread by center::AcdService; live state is read on
// the control thread with a timeout (503 when it does not answer, or when the
// contact center is not running on this node).
// Scope: queues and interactions belong to the queue's department, agents to
// their user's department; what is out of scope answers 404 like an unknown id.
#include <algorithm>
#include <set>

#include "api/codec.h"
#include "api/errors.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "call/telephony_service.h"
#include "center/acd_json.h"
#include "center/acd_service.h"
#include "center/contact_center.h"
#include "core/time_format.h"

namespace hujiao::api {

using nlohmann::json;

// Shared with routes_acd_cti.cpp (declared there too).
const ObjectSchema* acdSchema(const std::string& name);  // routes_acd_schemas.cpp

namespace acd_routes {

const ObjectSchema* localSchema(const std::string& name) { return acdSchema(name); }

core::Result<center::AcdService*> service(ApiContext& ctx) {
  if (!ctx.center) return core::makeError("unavailable", "the contact center is not running on this node");
  return &ctx.center->acd();
}

std::string bodySchema(const std::string& name) { return findSchema(name) ? name : std::string(); }

core::Result<json> body(RequestContext& rc, const std::string& schemaName) {
  if (!rc.route.requestSchema.empty()) return rc.body;
  // The schema is not in the global catalogue yet: parse and check here.
  if (!rc.request.contentType.empty() && rc.request.contentType.find("json") == std::string::npos)
    return core::makeError("invalid_request", "request body must be application/json");
  if (rc.request.body.empty()) return core::makeError("invalid_json", "a JSON request body is required");
  auto parsed = parseJsonObject(rc.request.body);
  if (!parsed) return parsed.error();
  if (const ObjectSchema* s = localSchema(schemaName))
    if (auto ok = validateObject(*parsed, *s); !ok) return ok.error();
  return parsed;
}

/// Error codes the catalogue does not know, answered with their own status.
core::Result<HttpResponse> fail(const core::Error& e) {
  if (e.code == "invalid_state") return errorResponse(409, "invalid_state", e.message);
  if (e.code == "not_supported") return errorResponse(501, "not_supported", e.message);
  return e;
}

template <class T>
core::Result<HttpResponse> ok(const core::Result<T>& r, int status = 200) {
  if (!r) return fail(r.error());
  return jsonResponse(status, json(*r));
}

/// The agent's user record, or 404 when it does not exist or is out of scope.
core::Result<store::User> agentUser(ApiContext& ctx, const Principal& p, const std::string& id) {
  auto u = ctx.store.users().get(id);
  if (!u || !p.seesUser(u->id, u->departmentId)) return core::makeError("not_found", "agent " + id + " not found");
  return u;
}

bool seesInteraction(const Principal& p, const center::InteractionView& v) {
  return p.scope == Scope::All || v.agentId == p.userId || p.seesDepartment(v.departmentId);
}

bool seesQueue(const Principal& p, const center::QueueSettings& q) {
  return p.scope == Scope::All || p.seesDepartment(q.departmentId);
}

json list(json items) {
  const size_t n = items.size();
  return {{"items", std::move(items)}, {"total", n}};
}

}  // namespace acd_routes

void addAcdCtiRoutes(Router& router, ApiContext& ctx);

namespace {

using namespace acd_routes;

core::Result<center::QueueSettings> visibleQueue(center::AcdService& acd, const Principal& p, const std::string& id) {
  auto q = acd.store().getQueue(id);
  if (!q && q.error().code != "not_found") return q.error();
  if (!q || !seesQueue(p, *q)) return core::makeError("not_found", "queue " + id + " not found");
  return q;
}

void addQueueRoutes(Router& router, ApiContext& ctx) {
  router.add({"GET", "/api/v1/queues", "queues.read", "List queues", "acd", "", bodySchema("QueueList"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto qs = (*acd)->store().listQueues();
                if (!qs) return qs.error();
                json items = json::array();
                for (const auto& q : *qs)
                  if (seesQueue(*rc.principal, q)) items.push_back(center::toJson(q));
                return jsonResponse(200, list(std::move(items)));
              }});
  router.add({"POST", "/api/v1/queues", "queues.write", "Create a queue", "acd", bodySchema("QueueCreate"), bodySchema("Queue"),
              201, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto b = body(rc, "QueueCreate");
                if (!b) return b.error();
                center::QueueSettings q;
                if (auto a = center::applyQueueJson(*b, q); !a) return a.error();
                const Principal& p = *rc.principal;
                if (q.departmentId.empty() && p.scope != Scope::All) q.departmentId = p.departmentId;
                if (!p.unrestricted() && !p.seesDepartment(q.departmentId))
                  return invalidField("department_id", "not a department you manage");
                if (!q.departmentId.empty())
                  if (auto d = ctx.store.departments().get(q.departmentId); !d)
                    return invalidField("department_id", "no department '" + q.departmentId + "'");
                auto saved = (*acd)->saveQueue(q, true);
                if (!saved) return fail(saved.error());
                json after = center::toJson(*saved);
                ctx.audit.record(&p, rc.request.remoteAddress, {"create", "queues", saved->id, nullptr, after,
                                                                saved->departmentId});
                return createdResponse(after, "/api/v1/queues/" + saved->id);
              }});
  router.add({"GET", "/api/v1/queues/stats", "queues.read", "Real-time statistics of every queue (today)", "acd", "",
              bodySchema("QueueStatsList"), 200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto stats = (*acd)->queueStats();
                if (!stats) return fail(stats.error());
                json items = json::array();
                for (const auto& s : *stats)
                  if (seesQueue(*rc.principal, s.queue)) items.push_back(center::statsJson(s.queue, s.stats));
                return jsonResponse(200, list(std::move(items)));
              }});
  router.add({"GET", "/api/v1/queues/{id}", "queues.read", "Get a queue", "acd", "", bodySchema("Queue"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto q = visibleQueue(**acd, *rc.principal, rc.param("id"));
                if (!q) return q.error();
                return jsonResponse(200, center::toJson(*q));
              }});
  router.add({"PATCH", "/api/v1/queues/{id}", "queues.write", "Change a queue (partial update)", "acd",
              bodySchema("QueueUpdate"), bodySchema("Queue"), 200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                const Principal& p = *rc.principal;
                auto before = visibleQueue(**acd, p, rc.param("id"));
                if (!before) return before.error();
                auto b = body(rc, "QueueUpdate");
                if (!b) return b.error();
                if (b->contains("id")) return core::makeError("unknown_field", "unknown field \"id\"");
                center::QueueSettings q = *before;
                if (auto a = center::applyQueueJson(*b, q); !a) return a.error();
                if (q.departmentId != before->departmentId && !p.unrestricted() && !p.seesDepartment(q.departmentId))
                  return invalidField("department_id", "not a department you manage");
                auto saved = (*acd)->saveQueue(q, false);
                if (!saved) return fail(saved.error());
                json after = center::toJson(*saved);
                ctx.audit.record(&p, rc.request.remoteAddress,
                                 {"update", "queues", q.id, center::toJson(*before), after, q.departmentId});
                return jsonResponse(200, after);
              }});
  router.add({"DELETE", "/api/v1/queues/{id}", "queues.write", "Delete a queue (nothing may be waiting in it)", "acd",
              "", "", 204, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto before = visibleQueue(**acd, *rc.principal, rc.param("id"));
                if (!before) return before.error();
                if (auto r = (*acd)->deleteQueue(before->id); !r) return fail(r.error());
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"delete", "queues", before->id, center::toJson(*before), nullptr,
                                  before->departmentId});
                return noContent();
              }});
  router.add({"GET", "/api/v1/queues/{id}/members", "queues.read", "The agents of a queue", "acd", "", bodySchema("QueueMemberList"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto q = visibleQueue(**acd, *rc.principal, rc.param("id"));
                if (!q) return q.error();
                auto ms = (*acd)->store().listMembers(q->id);
                if (!ms) return ms.error();
                json items = json::array();
                for (const auto& m : *ms) {
                  json item = {{"agent_id", m.agentId}, {"queue_id", m.queueId}, {"level", m.level},
                               {"position", m.position}};
                  if (auto u = ctx.store.users().get(m.agentId)) {
                    item["username"] = u->username;
                    item["display_name"] = u->displayName;
                  }
                  items.push_back(std::move(item));
                }
                return jsonResponse(200, list(std::move(items)));
              }});
  router.add({"PUT", "/api/v1/queues/{id}/members/{agent_id}", "queues.write",
              "Add an agent to a queue or change his level and position", "acd", bodySchema("QueueMember"),
              bodySchema("QueueMembership"), 200,
              {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                const Principal& p = *rc.principal;
                auto q = visibleQueue(**acd, p, rc.param("id"));
                if (!q) return q.error();
                auto u = agentUser(ctx, p, rc.param("agent_id"));
                if (!u) return u.error();
                auto b = body(rc, "QueueMember");
                if (!b) return b.error();
                center::MemberSettings m{q->id, u->id, 0, -1};
                if (b->contains("level")) m.level = static_cast<int>(std::clamp<int64_t>((*b)["level"], 0, 100));
                if (b->contains("position"))
                  m.position = static_cast<int>(std::clamp<int64_t>((*b)["position"], -1, 100000));
                if (auto r = (*acd)->saveMember(m); !r) return fail(r.error());
                json after = {{"agent_id", m.agentId}, {"queue_id", m.queueId}, {"level", m.level},
                              {"position", m.position}};
                ctx.audit.record(&p, rc.request.remoteAddress,
                                 {"update", "queue_members", q->id + "/" + u->id, nullptr, after, q->departmentId});
                return jsonResponse(200, after);
              }});
  router.add({"DELETE", "/api/v1/queues/{id}/members/{agent_id}", "queues.write", "Remove an agent from a queue",
              "acd", "", "", 204, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto q = visibleQueue(**acd, *rc.principal, rc.param("id"));
                if (!q) return q.error();
                if (auto r = (*acd)->deleteMember(q->id, rc.param("agent_id")); !r) return fail(r.error());
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"delete", "queue_members", q->id + "/" + rc.param("agent_id"), nullptr, nullptr,
                                  q->departmentId});
                return noContent();
              }});
}

core::Result<center::AgentView> findAgent(center::AcdService& acd, const Principal& p, const std::string& id) {
  auto all = acd.agents();
  if (!all) return all.error();
  for (auto& a : *all)
    if (a.info.settings.userId == id && p.seesUser(id, a.info.departmentId)) return a;
  return core::makeError("not_found", "agent " + id + " not found");
}

void addAgentRoutes(Router& router, ApiContext& ctx) {
  router.add({"GET", "/api/v1/agents", "agents.read", "Agents and their live states", "acd", "", bodySchema("AgentList"), 200,
              {{"state", FieldType::String, "Only agents in this state", 0, 0, ""},
               {"queue_id", FieldType::String, "Only members of this queue", 0, 0, ""}},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto all = (*acd)->agents();
                if (!all) return fail(all.error());
                std::set<std::string> members;
                const std::string queueId = rc.queryString("queue_id");
                if (!queueId.empty()) {
                  auto ms = (*acd)->store().listMembers(queueId);
                  if (!ms) return ms.error();
                  for (const auto& m : *ms) members.insert(m.agentId);
                }
                const std::string state = rc.queryString("state");
                const Principal& p = *rc.principal;
                json items = json::array();
                for (const auto& a : *all) {
                  if (!p.seesUser(a.info.settings.userId, a.info.departmentId)) continue;
                  if (!state.empty() && center::stateName(a.state) != state) continue;
                  if (!queueId.empty() && !members.count(a.info.settings.userId)) continue;
                  items.push_back(center::toJson(a));
                }
                return jsonResponse(200, list(std::move(items)));
              }});
  router.add({"GET", "/api/v1/agents/{id}", "agents.read", "An agent and his live state", "acd", "", bodySchema("Agent"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto a = findAgent(**acd, *rc.principal, rc.param("id"));
                if (!a) return fail(a.error());
                return jsonResponse(200, center::toJson(*a));
              }});
  router.add({"PATCH", "/api/v1/agents/{id}", "queues.write",
              "Make a user an agent or change his extension, skills, capacity, auto-answer", "acd",
              bodySchema("AgentUpdate"), bodySchema("Agent"), 200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                const Principal& p = *rc.principal;
                auto u = agentUser(ctx, p, rc.param("id"));
                if (!u) return u.error();
                auto b = body(rc, "AgentUpdate");
                if (!b) return b.error();
                center::AgentSettings s;
                s.userId = u->id;
                json before = nullptr;
                if (auto existing = (*acd)->store().getAgent(u->id)) {
                  s = *existing;
                  before = {{"extension", s.extension}, {"skills", center::skillsJson(s.skills, "level")},
                            {"auto_answer", s.autoAnswer}};
                }
                if (b->contains("extension")) s.extension = (*b)["extension"].get<std::string>();
                if (b->contains("auto_answer")) s.autoAnswer = (*b)["auto_answer"].get<bool>();
                if (b->contains("skills")) {
                  auto sk = center::parseSkills((*b)["skills"], "skills", "level");
                  if (!sk) return sk.error();
                  s.skills = std::move(*sk);
                }
                if (b->contains("capacity")) {
                  const json& c = (*b)["capacity"];
                  const char* names[] = {"voice", "chat", "email", "sms"};
                  for (size_t i = 0; i < 4; ++i) {
                    if (!c.contains(names[i])) continue;
                    if (!c[names[i]].is_number_integer() || c[names[i]].get<int64_t>() < 0 ||
                        c[names[i]].get<int64_t>() > 100)
                      return invalidField("capacity", std::string(names[i]) + " must be an integer 0..100");
                    s.capacity[i] = static_cast<uint16_t>(c[names[i]].get<int>());
                  }
                }
                if (!s.extension.empty() && ctx.telephony) {
                  call::ListFilter lf;
                  lf.search = s.extension;
                  lf.limit = 1000;
                  bool found = false;
                  if (auto exts = ctx.telephony->listExtensions(lf))
                    for (const auto& e : exts->items) found = found || e.number == s.extension;
                  if (!found) return invalidField("extension", "no extension '" + s.extension + "'");
                }
                auto saved = (*acd)->saveAgent(s);
                if (!saved) return fail(saved.error());
                auto a = findAgent(**acd, p, u->id);
                if (!a) return fail(a.error());
                json after = center::toJson(*a);
                ctx.audit.record(&p, rc.request.remoteAddress, {"update", "agents", u->id, before, after,
                                                                u->departmentId});
                return jsonResponse(200, after);
              }});
  router.add({"GET", "/api/v1/agents/{id}/stats", "agents.read", "An agent's statistics (today)", "acd", "",
              bodySchema("AgentStats"), 200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto u = agentUser(ctx, *rc.principal, rc.param("id"));
                if (!u) return u.error();
                auto s = (*acd)->agentStats(u->id);
                if (!s) return fail(s.error());
                return jsonResponse(200, center::statsJson(*s));
              }});
  router.add({"GET", "/api/v1/agents/{id}/interactions", "agents.read",
              "What an agent is handling (ringing, connected, held, wrap-up)", "acd", "", bodySchema("InteractionList"), 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto u = agentUser(ctx, *rc.principal, rc.param("id"));
                if (!u) return u.error();
                auto all = (*acd)->interactions();
                if (!all) return fail(all.error());
                json items = json::array();
                for (const auto& v : *all)
                  if (v.agentId == u->id) items.push_back(center::toJson(v));
                return jsonResponse(200, list(std::move(items)));
              }});
  router.add({"GET", "/api/v1/agents/{id}/states", "agents.read", "An agent's stored state history", "acd", "",
              bodySchema("AgentStateList"),
              200,
              {{"from", FieldType::String, "From (ISO 8601)", 0, 0, "date-time"},
               {"to", FieldType::String, "To (ISO 8601)", 0, 0, "date-time"},
               {"limit", FieldType::Integer, "At most (default 500)", 1, 10000, ""}},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto u = agentUser(ctx, *rc.principal, rc.param("id"));
                if (!u) return u.error();
                const int64_t from = rc.has("from") ? core::parseIso8601(rc.queryString("from")).value_or(0) : 0;
                const int64_t to =
                    rc.has("to") ? core::parseIso8601(rc.queryString("to")).value_or(INT64_MAX) : INT64_MAX;
                auto rows = (*acd)->store().listStates(u->id, from, to, rc.queryInt("limit", 500));
                if (!rows) return rows.error();
                json items = json::array();
                for (const auto& r : *rows)
                  items.push_back({{"state", r.state},
                                   {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)},
                                   {"previous", r.previous},
                                   {"at", center::isoOrNull(r.atUs)},
                                   {"previous_for_s", static_cast<double>(r.previousForUs) / 1e6}});
                return jsonResponse(200, list(std::move(items)));
              }});
}

void addListRoutes(Router& router, ApiContext& ctx) {
  router.add({"GET", "/api/v1/agent-reasons", kAuthenticated, "Not-ready reason codes", "acd", "", bodySchema("ReasonList"), 200, {},
              [&ctx](RequestContext&) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                return jsonResponse(200, {{"items", (*acd)->notReadyReasons()}});
              }});
  router.add({"GET", "/api/v1/dispositions", kAuthenticated, "Disposition codes for wrap-up", "acd", "", bodySchema("DispositionList"), 200,
              {},
              [&ctx](RequestContext&) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                json items = json::array();
                for (const auto& [code, label] : (*acd)->dispositions())
                  items.push_back({{"code", code}, {"label", label}});
                return jsonResponse(200, {{"items", std::move(items)}});
              }});
  // Webhooks send every department's events: system-wide, for administrators.
  router.add({"GET", "/api/v1/webhooks", "webhooks.read", "Signed webhooks for CTI events", "acd", "", bodySchema("WebhookList"),
              200, {}, [&ctx](RequestContext&) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto hooks = (*acd)->store().listWebhooks();
                if (!hooks) return hooks.error();
                json items = json::array();
                for (const auto& h : *hooks) items.push_back(center::toJson(h));
                return jsonResponse(200, list(std::move(items)));
              }});
  router.add({"POST", "/api/v1/webhooks", "webhooks.write", "Add a webhook", "acd", bodySchema("WebhookCreate"),
              bodySchema("Webhook"), 201, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                auto b = body(rc, "WebhookCreate");
                if (!b) return b.error();
                center::Webhook w;
                w.url = (*b)["url"].get<std::string>();
                w.secret = (*b)["secret"].get<std::string>();
                if (w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0)
                  return invalidField("url", "must start with http:// or https://");
                if (b->contains("events"))
                  for (const auto& e : (*b)["events"]) w.events.push_back(e.get<std::string>());
                auto created = (*acd)->createWebhook(w);
                if (!created) return created.error();
                json after = center::toJson(*created);
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"create", "webhooks", created->id, nullptr, after, ""});
                return createdResponse(after, "/api/v1/webhooks/" + created->id);
              }});
  router.add({"DELETE", "/api/v1/webhooks/{id}", "webhooks.write", "Remove a webhook", "acd", "", "", 204, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto acd = service(ctx);
                if (!acd) return acd.error();
                if (auto r = (*acd)->deleteWebhook(rc.param("id")); !r) return r.error();
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"delete", "webhooks", rc.param("id"), nullptr, nullptr, ""});
                return noContent();
              }});
}

}  // namespace

void addAcdRoutes(Router& router, ApiContext& ctx) {
  addQueueRoutes(router, ctx);
  addAgentRoutes(router, ctx);
  addListRoutes(router, ctx);
  addAcdCtiRoutes(router, ctx);
}

}  // namespace hujiao::api
