// Telephony over REST: /api/v1/extensions, /registrations, /trunks, /dids,
// /dial-rules, /sip/blocked, /calls, /cdrs (docs/api.md "Telephony").
// Configuration CRUD goes through call::TelephonyService on this pool thread
// (it writes the store, then posts the new copy to the control thread). Live
// state comes back from the control thread as futures, waited here with a
// timeout: a control thread that does not answer gives 503, never a hung
// request. Department scope applies to extensions, live calls and CDRs (the
// objects with a department); trunks, DIDs and dial rules are system-wide.
#include <chrono>
#include <future>

#include "api/routes_telephony.h"

#include "api/codec.h"
#include "core/time_format.h"

namespace hujiao::api {

using nlohmann::json;

namespace {

core::Error unavailable() {
  return core::makeError("unavailable", "telephony is not running on this node");
}

core::Result<call::TelephonyService*> tel(ApiContext& ctx) {
  if (!ctx.telephony) return unavailable();
  return ctx.telephony;
}

/// Departments a list is restricted to; nullopt = unrestricted, empty = nothing visible.
std::optional<std::vector<std::string>> scopeFilter(const Principal& p) {
  if (p.scope == Scope::All) return std::nullopt;
  std::vector<std::string> ids;
  if (p.scope == Scope::Department) ids.assign(p.departmentIds.begin(), p.departmentIds.end());
  else if (!p.departmentId.empty()) ids.push_back(p.departmentId);
  return ids;
}

template <class T, class F>
json page(const store::Page<T>& pg, int64_t limit, int64_t offset, F conv) {
  json items = json::array();
  for (const auto& item : pg.items) items.push_back(conv(item));
  return {{"items", std::move(items)}, {"total", pg.total}, {"limit", limit}, {"offset", offset}};
}

call::ListFilter listFilter(const RequestContext& rc) {
  store::ListQuery q = listQuery(rc);
  call::ListFilter f;
  f.limit = q.limit;
  f.offset = q.offset;
  f.search = q.search;
  return f;
}

json orNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// --- JSON conversions (never a password or HA1) ---

json extJson(const call::Extension& e) {
  return {{"id", e.id},          {"number", e.number},       {"display_name", e.displayName},
          {"department_id", orNull(e.departmentId)},       {"max_contacts", e.maxContacts},
          {"call_limit", e.callLimit}, {"allowed_codecs", e.allowedCodecs}, {"dnd", e.dnd},
          {"enabled", e.enabled}, {"created_at", timeOrNull(e.createdUs)}, {"updated_at", timeOrNull(e.updatedUs)}};
}

json trunkJson(const call::Trunk& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"host", t.host},
          {"port", t.port},
          {"transport", t.transport},
          {"username", t.username},
          {"register", t.registerEnabled},
          {"register_expires_s", t.registerExpiresS},
          {"inbound_addresses", t.inboundAddresses},
          {"max_channels", t.maxChannels},
          {"caller_id", t.callerId},
          {"enabled", t.enabled},
          {"created_at", timeOrNull(t.createdUs)},
          {"updated_at", timeOrNull(t.updatedUs)}};
}

json didJson(const call::Did& d) {
  return {{"id", d.id},          {"number", d.number},           {"target_type", d.targetType},
          {"target", d.target},  {"trunk_id", orNull(d.trunkId)}, {"description", d.description},
          {"created_at", timeOrNull(d.createdUs)}, {"updated_at", timeOrNull(d.updatedUs)}};
}

json ruleJson(const call::DialRule& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"priority", r.priority},
          {"prefix", r.prefix},
          {"min_length", r.minLength},
          {"max_length", r.maxLength},
          {"strip_digits", r.stripDigits},
          {"prepend", r.prepend},
          {"trunk_ids", r.trunkIds},
          {"caller_id_policy", r.callerIdPolicy},
          {"caller_id", r.callerId},
          {"created_at", timeOrNull(r.createdUs)},
          {"updated_at", timeOrNull(r.updatedUs)}};
}

json cdrJson(const call::Cdr& c) {
  json legs = json::array();
  for (const auto& l : c.legs)
    legs.push_back({{"target", l.target},
                    {"trunk_id", orNull(l.trunkId)},
                    {"sip_code", l.sipCode},
                    {"start", timeOrNull(l.startUs)},
                    {"answer", timeOrNull(l.answerUs)},
                    {"end", timeOrNull(l.endUs)}});
  return {{"id", c.id},
          {"direction", c.direction},
          {"caller_number", c.callerNumber},
          {"caller_name", c.callerName},
          {"callee_number", c.calleeNumber},
          {"destination", c.destination},
          {"trunk_id", orNull(c.trunkId)},
          {"did", orNull(c.did)},
          {"department_id", orNull(c.departmentId)},
          {"start", timeOrNull(c.startUs)},
          {"answer", timeOrNull(c.answerUs)},
          {"end", timeOrNull(c.endUs)},
          {"duration_s", c.endUs > c.startUs ? (c.endUs - c.startUs) / 1000000 : 0},
          {"hangup_cause", c.hangupCause},
          {"hangup_side", c.hangupSide},
          {"sip_code", c.sipCode},
          {"legs", std::move(legs)}};
}

json callJson(const call::CallSnapshot& c) {
  return {{"id", c.id},
          {"state", c.state},
          {"direction", c.direction},
          {"caller_number", c.callerNumber},
          {"caller_name", c.callerName},
          {"callee_number", c.calleeNumber},
          {"destination", c.destination},
          {"trunk_id", orNull(c.trunkId)},
          {"department_id", orNull(c.departmentId)},
          {"start", timeOrNull(c.startUs)},
          {"answer", timeOrNull(c.answerUs)},
          {"legs", c.legs},
          {"on_hold", c.onHold}};
}

json bindingJson(const sip::Binding& b) {
  return {{"extension", b.aor},         {"contact", b.contact},      {"registered_contact", b.registeredContact},
          {"source_ip", b.sourceIp},    {"source_port", b.sourcePort}, {"transport", b.transport},
          {"user_agent", b.userAgent},  {"reachable", b.reachable},  {"registered_at", timeOrNull(b.registeredAtUs)},
          {"expires_at", timeOrNull(b.expiresAtUs)}};
}

// --- body -> records (schema validation already ran) ---

template <class T>
void setIf(const json& body, const char* key, T& out) {
  if (body.contains(key) && !body[key].is_null()) out = body[key].get<T>();
}

void applyExtension(const json& b, call::Extension& e) {
  setIf(b, "number", e.number);
  setIf(b, "password", e.password);
  setIf(b, "display_name", e.displayName);
  if (b.contains("department_id")) e.departmentId = optString(b, "department_id");
  setIf(b, "max_contacts", e.maxContacts);
  setIf(b, "call_limit", e.callLimit);
  setIf(b, "allowed_codecs", e.allowedCodecs);
  setIf(b, "dnd", e.dnd);
  setIf(b, "enabled", e.enabled);
}

void applyTrunk(const json& b, call::Trunk& t) {
  setIf(b, "name", t.name);
  setIf(b, "host", t.host);
  setIf(b, "port", t.port);
  setIf(b, "transport", t.transport);
  setIf(b, "username", t.username);
  setIf(b, "password", t.password);
  setIf(b, "register", t.registerEnabled);
  setIf(b, "register_expires_s", t.registerExpiresS);
  setIf(b, "inbound_addresses", t.inboundAddresses);
  setIf(b, "max_channels", t.maxChannels);
  setIf(b, "caller_id", t.callerId);
  setIf(b, "enabled", t.enabled);
}

void applyDid(const json& b, call::Did& d) {
  setIf(b, "number", d.number);
  setIf(b, "target_type", d.targetType);
  setIf(b, "target", d.target);
  if (b.contains("trunk_id")) d.trunkId = optString(b, "trunk_id");
  setIf(b, "description", d.description);
}

void applyRule(const json& b, call::DialRule& r) {
  setIf(b, "name", r.name);
  setIf(b, "priority", r.priority);
  setIf(b, "prefix", r.prefix);
  setIf(b, "min_length", r.minLength);
  setIf(b, "max_length", r.maxLength);
  setIf(b, "strip_digits", r.stripDigits);
  setIf(b, "prepend", r.prepend);
  setIf(b, "trunk_ids", r.trunkIds);
  setIf(b, "caller_id_policy", r.callerIdPolicy);
  setIf(b, "caller_id", r.callerId);
}

// --- extensions (department-scoped) ---

core::Result<call::Extension> visibleExtension(ApiContext& ctx, const Principal& p, const std::string& id) {
  auto t = tel(ctx);
  if (!t) return t.error();
  auto e = (*t)->getExtension(id);
  if (!e) return e.error().code == "not_found" ? core::makeError("not_found", "extension " + id + " not found")
                                                : e.error();
  if (!p.seesDepartment(e->departmentId)) return core::makeError("not_found", "extension " + id + " not found");
  return e;
}

core::Result<void> checkDepartment(ApiContext& ctx, const Principal& p, const std::string& dep) {
  if (dep.empty()) {
    if (p.scope != Scope::All) return core::makeError("forbidden", "extensions without a department need scope 'all'");
    return {};
  }
  auto d = ctx.store.departments().get(dep);
  if (!d) {
    if (d.error().code == "not_found") return invalidField("department_id", "no department with id '" + dep + "'");
    return d.error();
  }
  if (!p.seesDepartment(dep)) return core::makeError("forbidden", "department " + dep + " is outside your scope");
  return {};
}

core::Result<HttpResponse> listExtensions(ApiContext& ctx, RequestContext& rc) {
  auto t = tel(ctx);
  if (!t) return t.error();
  call::ListFilter f = listFilter(rc);
  if (auto deps = scopeFilter(*rc.principal)) {
    if (deps->empty()) return jsonResponse(200, page(store::Page<call::Extension>{}, f.limit, f.offset, extJson));
    f.departmentIds = std::move(*deps);
  }
  auto pg = (*t)->listExtensions(f);
  if (!pg) return pg.error();
  return jsonResponse(200, page(*pg, f.limit, f.offset, extJson));
}

core::Result<HttpResponse> createExtension(ApiContext& ctx, RequestContext& rc) {
  auto t = tel(ctx);
  if (!t) return t.error();
  const Principal& p = *rc.principal;
  call::Extension e;
  applyExtension(rc.body, e);
  if (auto ok = checkDepartment(ctx, p, e.departmentId); !ok) return ok.error();
  auto created = (*t)->createExtension(e);
  if (!created) return created.error();
  json after = extJson(*created);
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"create", "extensions", created->id, nullptr, after, created->departmentId});
  return createdResponse(after, "/api/v1/extensions/" + created->id);
}

core::Result<HttpResponse> updateExtension(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = visibleExtension(ctx, p, rc.param("id"));
  if (!found) return found.error();
  call::Extension e = *found;
  e.password.clear();  // empty keeps the stored HA1s
  applyExtension(rc.body, e);
  if (e.departmentId != found->departmentId)
    if (auto ok = checkDepartment(ctx, p, e.departmentId); !ok) return ok.error();
  auto updated = ctx.telephony->updateExtension(e);
  if (!updated) return updated.error();
  json after = extJson(*updated);
  json before = extJson(*found);
  if (rc.body.contains("password")) after["password_changed"] = true;
  ctx.audit.record(&p, rc.request.remoteAddress, {"update", "extensions", e.id, before, after, e.departmentId});
  return jsonResponse(200, extJson(*updated));
}

core::Result<HttpResponse> deleteExtension(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = visibleExtension(ctx, p, rc.param("id"));
  if (!found) return found.error();
  if (auto r = ctx.telephony->deleteExtension(found->id); !r) return r.error();
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"delete", "extensions", found->id, extJson(*found), nullptr, found->departmentId});
  return noContent();
}

}  // namespace

void addTelephonyRoutes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](core::Result<HttpResponse> (*fn)(ApiContext&, RequestContext&)) {
    return [&ctx, fn](RequestContext& rc) { return fn(ctx, rc); };
  };
  router.add({"GET", "/api/v1/extensions", "extensions.read", "List SIP extensions in your scope", "telephony", "",
              "ExtensionList", 200, pagingParams(), h(listExtensions)});
  router.add({"POST", "/api/v1/extensions", "extensions.write", "Create a SIP extension (password is write-only)",
              "telephony", "ExtensionCreate", "Extension", 201, {}, h(createExtension)});
  router.add({"GET", "/api/v1/extensions/{id}", "extensions.read", "Get a SIP extension", "telephony", "",
              "Extension", 200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto e = visibleExtension(ctx, *rc.principal, rc.param("id"));
                if (!e) return e.error();
                return jsonResponse(200, extJson(*e));
              }});
  router.add({"PATCH", "/api/v1/extensions/{id}", "extensions.write",
              "Change a SIP extension (partial; a new number needs a new password)", "telephony", "ExtensionUpdate",
              "Extension", 200, {}, h(updateExtension)});
  router.add({"DELETE", "/api/v1/extensions/{id}", "extensions.write", "Delete a SIP extension", "telephony", "", "",
              204, {}, h(deleteExtension)});
  addTelephonyConfigRoutes(router, ctx);
  addTelephonyLiveRoutes(router, ctx);
}

// Shared with routes_telephony_live.cpp (routes_telephony.h).
namespace telephony_detail {
core::Result<call::TelephonyService*> service(ApiContext& ctx) { return tel(ctx); }
std::optional<std::vector<std::string>> scope(const Principal& p) { return scopeFilter(p); }
call::ListFilter filter(const RequestContext& rc) { return listFilter(rc); }
json toJson(const call::Trunk& t) { return trunkJson(t); }
json toJson(const call::Did& d) { return didJson(d); }
json toJson(const call::DialRule& r) { return ruleJson(r); }
json toJson(const call::Cdr& c) { return cdrJson(c); }
json toJson(const call::CallSnapshot& c) { return callJson(c); }
json toJson(const sip::Binding& b) { return bindingJson(b); }
void apply(const json& b, call::Trunk& t) { applyTrunk(b, t); }
void apply(const json& b, call::Did& d) { applyDid(b, d); }
void apply(const json& b, call::DialRule& r) { applyRule(b, r); }
}  // namespace telephony_detail

}  // namespace hujiao::api
