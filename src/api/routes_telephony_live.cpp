// /api/v1/trunks, /dids, /dial-rules (system-wide configuration, no department)
// and the live state: /registrations, /sip/blocked, /calls, /cdrs.
// See routes_telephony.cpp for the threading rules.
#include "api/codec.h"
#include "api/routes_telephony.h"
#include "core/time_format.h"

namespace hujiao::api {

using nlohmann::json;
namespace td = telephony_detail;

namespace {

// The facade's CRUD for one record type, as member pointers.
template <class T>
struct Crud {
  const char* resource;  // audit resource and URL segment
  const char* noun;      // for messages
  core::Result<T> (call::TelephonyService::*create)(const T&);
  core::Result<T> (call::TelephonyService::*get)(const std::string&);
  core::Result<T> (call::TelephonyService::*update)(const T&);
  core::Result<void> (call::TelephonyService::*remove)(const std::string&);
  core::Result<store::Page<T>> (call::TelephonyService::*list)(const call::ListFilter&);
};

template <class T>
core::Result<T> getOne(call::TelephonyService& t, const Crud<T>& c, const std::string& id) {
  auto r = (t.*c.get)(id);
  if (!r && r.error().code == "not_found") return core::makeError("not_found", std::string(c.noun) + " " + id + " not found");
  return r;
}

template <class T>
void addCrud(Router& router, ApiContext& ctx, const Crud<T>& c, const std::string& readPerm,
             const std::string& writePerm, const std::string& schema) {
  const std::string base = std::string("/api/v1/") + c.resource;
  router.add({"GET", base, readPerm, std::string("List ") + c.resource, "telephony", "", schema + "List", 200,
              pagingParams(), [&ctx, c](RequestContext& rc) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                call::ListFilter f = td::filter(rc);
                auto pg = ((*t)->*c.list)(f);
                if (!pg) return pg.error();
                json items = json::array();
                for (const auto& x : pg->items) items.push_back(td::toJson(x));
                return jsonResponse(200, {{"items", std::move(items)},
                                          {"total", pg->total},
                                          {"limit", f.limit},
                                          {"offset", f.offset}});
              }});
  router.add({"POST", base, writePerm, std::string("Create a ") + c.noun, "telephony", schema + "Create", schema, 201,
              {}, [&ctx, c, base](RequestContext& rc) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                T x;
                td::apply(rc.body, x);
                auto created = ((*t)->*c.create)(x);
                if (!created) return created.error();
                json after = td::toJson(*created);
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"create", c.resource, created->id, nullptr, after, ""});
                return createdResponse(after, base + "/" + created->id);
              }});
  router.add({"GET", base + "/{id}", readPerm, std::string("Get a ") + c.noun, "telephony", "", schema, 200, {},
              [&ctx, c](RequestContext& rc) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                auto x = getOne(**t, c, rc.param("id"));
                if (!x) return x.error();
                return jsonResponse(200, td::toJson(*x));
              }});
  router.add({"PATCH", base + "/{id}", writePerm, std::string("Change a ") + c.noun + " (partial update)",
              "telephony", schema + "Update", schema, 200, {},
              [&ctx, c](RequestContext& rc) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                auto found = getOne(**t, c, rc.param("id"));
                if (!found) return found.error();
                T x = *found;
                td::apply(rc.body, x);
                auto updated = ((*t)->*c.update)(x);
                if (!updated) return updated.error();
                json after = td::toJson(*updated);
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"update", c.resource, x.id, td::toJson(*found), after, ""});
                return jsonResponse(200, after);
              }});
  router.add({"DELETE", base + "/{id}", writePerm, std::string("Delete a ") + c.noun, "telephony", "", "", 204, {},
              [&ctx, c](RequestContext& rc) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                auto found = getOne(**t, c, rc.param("id"));
                if (!found) return found.error();
                if (auto r = ((*t)->*c.remove)(found->id); !r) return r.error();
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"delete", c.resource, found->id, td::toJson(*found), nullptr, ""});
                return noContent();
              }});
}

bool visible(const Principal& p, const std::string& departmentId) {
  return p.scope == Scope::All || p.seesDepartment(departmentId);
}

core::Result<HttpResponse> listCalls(ApiContext& ctx, RequestContext& rc) {
  auto t = td::service(ctx);
  if (!t) return t.error();
  auto f = (*t)->calls();
  if (!td::ready(f)) return td::controlTimeout();
  json items = json::array();
  for (const auto& c : f.get())
    if (visible(*rc.principal, c.departmentId)) items.push_back(td::toJson(c));
  size_t n = items.size();
  return jsonResponse(200, {{"items", std::move(items)}, {"total", n}});
}

core::Result<HttpResponse> originate(ApiContext& ctx, RequestContext& rc) {
  auto t = td::service(ctx);
  if (!t) return t.error();
  const Principal& p = *rc.principal;
  const std::string from = rc.body["from"].get<std::string>();
  const std::string to = rc.body["to"].get<std::string>();
  // The first party is an extension: it must be in the caller's scope.
  call::ListFilter lf;
  lf.search = from;
  lf.limit = 1000;
  auto exts = (*t)->listExtensions(lf);
  if (!exts) return exts.error();
  const call::Extension* ext = nullptr;
  for (const auto& e : exts->items)
    if (e.number == from) ext = &e;
  if (!ext) return invalidField("from", "no extension '" + from + "'");
  if (!visible(p, ext->departmentId)) return invalidField("from", "no extension '" + from + "'");
  auto f = (*t)->originate(from, to);
  if (!td::ready(f)) return td::controlTimeout();
  auto id = f.get();
  if (!id) return id.error();
  json after = {{"id", *id}, {"from", from}, {"to", to}};
  ctx.audit.record(&p, rc.request.remoteAddress, {"originate", "calls", *id, nullptr, after, ext->departmentId});
  return jsonResponse(202, after);
}

core::Result<HttpResponse> hangup(ApiContext& ctx, RequestContext& rc) {
  auto t = td::service(ctx);
  if (!t) return t.error();
  const Principal& p = *rc.principal;
  const std::string id = rc.param("id");
  auto f = (*t)->calls();
  if (!td::ready(f)) return td::controlTimeout();
  std::optional<call::CallSnapshot> found;
  for (auto& c : f.get())
    if (c.id == id && visible(p, c.departmentId)) found = c;
  if (!found) return core::makeError("not_found", "call " + id + " not found");
  auto h = (*t)->hangup(id);
  if (!td::ready(h)) return td::controlTimeout();
  if (auto r = h.get(); !r) return r.error();
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"hangup", "calls", id, td::toJson(*found), nullptr, found->departmentId});
  return noContent();
}

core::Result<HttpResponse> listCdrs(ApiContext& ctx, RequestContext& rc) {
  auto t = td::service(ctx);
  if (!t) return t.error();
  call::CdrQuery q;
  store::ListQuery lq = listQuery(rc);
  q.limit = lq.limit;
  q.offset = lq.offset;
  if (rc.has("from")) q.fromUs = core::parseIso8601(rc.queryString("from")).value_or(0);
  if (rc.has("to")) q.toUs = core::parseIso8601(rc.queryString("to")).value_or(0);
  q.number = rc.queryString("number");
  q.direction = rc.queryString("direction");
  q.hangupCause = rc.queryString("cause");
  q.trunkId = rc.queryString("trunk");
  if (!q.direction.empty() && q.direction != "internal" && q.direction != "inbound" && q.direction != "outbound")
    return core::makeError("invalid_query", "direction must be internal, inbound or outbound");
  if (auto deps = td::scope(*rc.principal)) {
    if (deps->empty())
      return jsonResponse(200, {{"items", json::array()}, {"total", 0}, {"limit", q.limit}, {"offset", q.offset}});
    q.departmentIds = std::move(*deps);
  }
  auto pg = (*t)->listCdrs(q);
  if (!pg) return pg.error();
  json items = json::array();
  for (const auto& c : pg->items) items.push_back(td::toJson(c));
  return jsonResponse(200, {{"items", std::move(items)}, {"total", pg->total}, {"limit", q.limit}, {"offset", q.offset}});
}

}  // namespace

void addTelephonyConfigRoutes(Router& router, ApiContext& ctx) {
  using S = call::TelephonyService;
  addCrud<call::Trunk>(router, ctx,
                       {"trunks", "trunk", &S::createTrunk, &S::getTrunk, &S::updateTrunk, &S::deleteTrunk,
                        &S::listTrunks},
                       "trunks.read", "trunks.write", "Trunk");
  addCrud<call::Did>(router, ctx,
                     {"dids", "DID", &S::createDid, &S::getDid, &S::updateDid, &S::deleteDid, &S::listDids},
                     "dids.read", "dids.write", "Did");
  // Dial rules route calls out through trunks: the trunk permissions govern them.
  addCrud<call::DialRule>(router, ctx,
                          {"dial-rules", "dial rule", &S::createDialRule, &S::getDialRule, &S::updateDialRule,
                           &S::deleteDialRule, &S::listDialRules},
                          "trunks.read", "trunks.write", "DialRule");
}

void addTelephonyLiveRoutes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](core::Result<HttpResponse> (*fn)(ApiContext&, RequestContext&)) {
    return [&ctx, fn](RequestContext& rc) { return fn(ctx, rc); };
  };
  router.add({"GET", "/api/v1/registrations", "extensions.read", "Registered SIP contacts", "telephony", "",
              "RegistrationList", 200, {{"extension", FieldType::String, "Only this extension number", 0, 0, ""}},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                auto f = (*t)->registrations(rc.queryString("extension"));
                if (!td::ready(f)) return td::controlTimeout();
                auto bindings = f.get();
                // Scope: the extension's department decides who sees its contacts.
                std::optional<std::set<std::string>> allowed;
                if (auto deps = td::scope(*rc.principal)) {
                  allowed.emplace();
                  call::ListFilter lf;
                  lf.limit = 1000000;
                  lf.departmentIds = *deps;
                  if (!deps->empty()) {
                    auto exts = (*t)->listExtensions(lf);
                    if (!exts) return exts.error();
                    for (const auto& e : exts->items) allowed->insert(e.number);
                  }
                }
                json items = json::array();
                for (const auto& b : bindings)
                  if (!allowed || allowed->count(b.aor)) items.push_back(td::toJson(b));
                size_t n = items.size();
                return jsonResponse(200, {{"items", std::move(items)}, {"total", n}});
              }});
  router.add({"GET", "/api/v1/sip/blocked", "system.read", "Source addresses blocked after failed SIP auth",
              "telephony", "", "BlockedAddressList", 200, {}, [&ctx](RequestContext&) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                auto f = (*t)->blockedAddresses();
                if (!td::ready(f)) return td::controlTimeout();
                json items = json::array();
                for (const auto& b : f.get())
                  items.push_back({{"address", b.address},
                                   {"blocked_at", timeOrNull(b.blockedAtUs)},
                                   {"until", timeOrNull(b.untilUs)},
                                   {"failures", b.failures}});
                size_t n = items.size();
                return jsonResponse(200, {{"items", std::move(items)}, {"total", n}});
              }});
  router.add({"DELETE", "/api/v1/sip/blocked/{address}", "system.admin", "Unblock a source address", "telephony", "",
              "", 204, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto t = td::service(ctx);
                if (!t) return t.error();
                const std::string address = rc.param("address");
                auto f = (*t)->unblock(address);
                if (!td::ready(f)) return td::controlTimeout();
                if (!f.get()) return core::makeError("not_found", "address " + address + " is not blocked");
                ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                                 {"unblock", "sip_blocked", address, nullptr, nullptr, ""});
                return noContent();
              }});
  router.add({"GET", "/api/v1/calls", "calls.read", "Live calls in your scope", "telephony", "", "CallList", 200, {},
              h(listCalls)});
  router.add({"POST", "/api/v1/calls", "calls.control",
              "Originate: ring extension 'from', then connect it to 'to' (202 with the call id)", "telephony",
              "Originate", "CallId", 202, {}, h(originate)});
  router.add({"DELETE", "/api/v1/calls/{id}", "calls.control", "Hang up a live call", "telephony", "", "", 204, {},
              h(hangup)});
  router.add({"GET", "/api/v1/cdrs", "cdrs.read", "Call detail records (newest first)", "telephony", "", "CdrList",
              200,
              pagingParams({{"from", FieldType::String, "Calls that started at or after", 0, 0, "date-time"},
                            {"to", FieldType::String, "Calls that started before", 0, 0, "date-time"},
                            {"number", FieldType::String, "Caller or callee number equals", 0, 0, ""},
                            {"direction", FieldType::String, "internal, inbound or outbound", 0, 0, ""},
                            {"cause", FieldType::String, "Hangup cause (normal, busy, no_answer, ...)", 0, 0, ""},
                            {"trunk", FieldType::String, "Trunk id", 0, 0, ""}}),
              h(listCdrs)});
}

}  // namespace hujiao::api
