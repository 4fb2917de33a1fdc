// IVR flows over REST (docs/ivr.md "API"): /api/v1/flows (CRUD, versions,
// validate, publish, reload from ivr.flows_dir). Blacklist, notices,
// voicemails, callbacks and call paths: routes_ivr_lists.cpp.
//
// Threads: pool threads; everything goes through center::IvrService, which
// writes the store and swaps immutable snapshots that the control thread
// reads. Flows are system-wide (no department scope).
// Request bodies are parsed here (the schemas are not in the global catalogue),
// and validation problems of a flow answer 422 invalid_flow with details.
#include "api/codec.h"
#include "api/errors.h"
#include "api/routes.h"
#include "call/telephony_service.h"
#include "center/contact_center.h"
#include "center/ivr_service.h"
#include "core/time_format.h"
#include "ivr/flow_parse.h"

namespace hujiao::api {

using nlohmann::json;

namespace {

core::Result<center::IvrService*> service(ApiContext& ctx) {
  if (!ctx.center) return core::makeError("unavailable", "the contact center is not running on this node");
  return &ctx.center->ivr();
}

json problemsJson(const std::vector<ivr::Issue>& issues) {
  json out = json::array();
  for (const auto& i : issues)
    out.push_back({{"node", i.node}, {"field", i.field}, {"code", i.code}, {"problem", i.message}});
  return out;
}

HttpResponse invalidFlow(const std::string& message, const std::vector<ivr::Issue>& issues) {
  return jsonResponse(422, {{"error", {{"code", "invalid_flow"}, {"message", message}, {"details", problemsJson(issues)}}}});
}

core::Result<json> jsonBody(const RequestContext& rc) {
  if (!rc.request.contentType.empty() && rc.request.contentType.find("json") == std::string::npos)
    return core::makeError("unsupported_media_type", "request body must be application/json");
  if (rc.request.body.empty()) return core::makeError("invalid_json", "a JSON request body is required");
  return parseJsonObject(rc.request.body);
}

std::string str(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return "";
  return body[key].is_string() ? body[key].get<std::string>() : std::string();
}

// "document" is a JSON object, or {"yaml": "..."} / {"json": "..."} text.
// A document that does not parse is a validation problem (422), not a 400.
core::Result<json> documentOf(const json& body, std::vector<ivr::Issue>& issues) {
  if (!body.contains("document") || !body["document"].is_object())
    return invalidField("document", "a flow document (object, or {\"yaml\": \"...\"})");
  const json& d = body["document"];
  for (const char* k : {"yaml", "json"}) {
    if (d.size() == 1 && d.contains(k)) {
      if (!d[k].is_string()) return invalidField(std::string("document.") + k, "must be text");
      auto parsed = ivr::parseDocument(d[k].get<std::string>(),
                                       std::string(k) == "yaml" ? ivr::DocumentFormat::Yaml : ivr::DocumentFormat::Json);
      if (!parsed) {
        issues.push_back(ivr::Issue{"", "", "bad_document", parsed.error().message});
        return core::makeError("invalid_flow", "the flow document does not parse");
      }
      return parsed;
    }
  }
  return d;
}

json flowJson(const center::FlowRow& f) {
  return {{"id", f.id},
          {"name", f.name},
          {"description", f.description},
          {"published_version", f.publishedVersion > 0 ? json(f.publishedVersion) : json(nullptr)},
          {"latest_version", f.latestVersion},
          {"created_at", timeOrNull(f.createdUs)},
          {"updated_at", timeOrNull(f.updatedUs)}};
}

core::Result<HttpResponse> listFlows(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  store::ListQuery q = listQuery(rc);
  auto page = (*s)->listFlows(q.limit, q.offset, q.search);
  if (!page) return page.error();
  json items = json::array();
  for (const auto& f : page->items) items.push_back(flowJson(f));
  return jsonResponse(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", q.limit}, {"offset", q.offset}});
}

core::Result<HttpResponse> getFlow(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto d = (*s)->getFlow(rc.param("id"));
  if (!d) return d.error();
  json out = flowJson(d->flow);
  out["document"] = d->document;
  json versions = json::array();
  for (const auto& v : d->versions)
    versions.push_back({{"version", v.version},
                        {"created_at", timeOrNull(v.createdUs)},
                        {"created_by", v.createdBy},
                        {"published", v.version == d->flow.publishedVersion}});
  out["versions"] = std::move(versions);
  return jsonResponse(200, out);
}

core::Result<HttpResponse> saveFlow(ApiContext& ctx, RequestContext& rc, bool create) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto body = jsonBody(rc);
  if (!body) return body.error();
  std::vector<ivr::Issue> issues;
  auto doc = documentOf(*body, issues);
  if (!doc) {
    if (doc.error().code == "invalid_flow") return invalidFlow(doc.error().message, issues);
    return doc.error();
  }
  const std::string id = create ? std::string() : rc.param("id");
  if (!create) {
    // A PUT of an unknown flow is a 404, whatever the document says.
    auto existing = (*s)->getFlow(id);
    if (!existing) return existing.error();
  }
  center::FlowProblems problems;
  auto saved = (*s)->saveFlow(id, str(*body, "name"), str(*body, "description"), *doc, rc.principal->username,
                              problems);
  if (!saved) {
    if (saved.error().code == "invalid_flow") return invalidFlow(saved.error().message, problems.issues);
    return saved.error();
  }
  json after = flowJson(*saved);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {create ? "create" : "update", "flows", saved->id, nullptr, after, ""});
  if (create) return createdResponse(after, "/api/v1/flows/" + saved->id);
  return jsonResponse(200, after);
}

core::Result<HttpResponse> deleteFlow(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  const std::string id = rc.param("id");
  auto found = (*s)->getFlow(id);
  if (!found) return found.error();
  // A flow that DIDs route to stays: deleting it would leave callers with 404s.
  if (ctx.telephony) {
    call::ListFilter f;
    f.limit = 1000;
    if (auto dids = ctx.telephony->listDids(f)) {
      for (const auto& d : dids->items)
        if (d.targetType == "flow" && d.target == id)
          return core::makeError("conflict", "DID " + d.number + " routes to flow " + id + "; change it first");
    }
  }
  if (auto r = (*s)->deleteFlow(id); !r) return r.error();
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {"delete", "flows", id, flowJson(found->flow), nullptr, ""});
  return noContent();
}

core::Result<HttpResponse> publishFlow(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto body = jsonBody(rc);
  if (!body) return body.error();
  const std::string id = rc.param("id");
  int version = 0;
  if (body->contains("version")) {
    if (!(*body)["version"].is_number_integer()) return invalidField("version", "an integer");
    version = (*body)["version"].get<int>();
  } else {
    auto f = (*s)->getFlow(id);
    if (!f) return f.error();
    version = f->flow.latestVersion;  // no version: the latest
  }
  center::FlowProblems problems;
  auto r = (*s)->publishFlow(id, version, problems);
  if (!r) {
    if (r.error().code == "invalid_flow") return invalidFlow(r.error().message, problems.issues);
    return r.error();
  }
  json after = flowJson(*r);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress, {"publish", "flows", id, nullptr, after, ""});
  return jsonResponse(200, after);
}

core::Result<HttpResponse> validateFlow(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto body = jsonBody(rc);
  if (!body) return body.error();
  std::vector<ivr::Issue> issues;
  auto doc = documentOf(*body, issues);
  if (!doc && doc.error().code != "invalid_flow") return doc.error();
  if (doc) issues = (*s)->validateFlow(*doc);
  return jsonResponse(200, {{"valid", issues.empty()}, {"problems", problemsJson(issues)}});
}

core::Result<HttpResponse> reloadDir(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  json files = json::array();
  for (const auto& f : (*s)->reloadFlowsDir())
    files.push_back({{"file", f.file},
                     {"flow_id", f.flowId},
                     {"version", f.version},
                     {"status", f.status},
                     {"problems", problemsJson(f.issues)}});
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress, {"reload", "flows", "", nullptr, files, ""});
  return jsonResponse(200, {{"items", files}, {"total", files.size()}});
}

}  // namespace

void addIvrListRoutes(Router& router, ApiContext& ctx);

void addIvrRoutes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](core::Result<HttpResponse> (*fn)(ApiContext&, RequestContext&)) {
    return [&ctx, fn](RequestContext& rc) { return fn(ctx, rc); };
  };
  router.add({"GET", "/api/v1/flows", "flows.read", "List IVR flows", "ivr", "", "FlowList", 200, pagingParams(),
              h(listFlows)});
  router.add(
      parsesOwnBody({"POST",
                     "/api/v1/flows",
                     "flows.write",
                     "Create a flow {name, description, document}; the document (object or {yaml}) is validated (422 "
                     "invalid_flow)",
                     "ivr",
                     "FlowSave",
                     "Flow",
                     201,
                     {},
                     [&ctx](RequestContext& rc) { return saveFlow(ctx, rc, true); }}));
  // Literal paths before /flows/{id}: the first matching route wins.
  router.add(parsesOwnBody({"POST",
                            "/api/v1/flows/validate",
                            "flows.read",
                            "Validate a flow document without saving it -> {valid, problems:[{node, problem}]}",
                            "ivr",
                            "FlowValidate",
                            "FlowValidation",
                            200,
                            {},
                            h(validateFlow)}));
  router.add({"POST",
              "/api/v1/flows/reload",
              "flows.write",
              "Load the flow files of ivr.flows_dir again (valid ones are published; problems are reported)",
              "ivr",
              "",
              "FlowReloadResult",
              200,
              {},
              h(reloadDir)});
  router.add({"GET",
              "/api/v1/flows/{id}",
              "flows.read",
              "A flow with its latest document and its versions",
              "ivr",
              "",
              "FlowDetail",
              200,
              {},
              h(getFlow)});
  router.add(parsesOwnBody({"PUT",
                            "/api/v1/flows/{id}",
                            "flows.write",
                            "Save a new version of a flow (validated; not published until POST .../publish)",
                            "ivr",
                            "FlowSave",
                            "Flow",
                            200,
                            {},
                            [&ctx](RequestContext& rc) { return saveFlow(ctx, rc, false); }}));
  router.add({"DELETE", "/api/v1/flows/{id}", "flows.write", "Delete a flow and its versions (calls in it go on)",
              "ivr", "", "", 204, {}, h(deleteFlow)});
  router.add(parsesOwnBody({"POST",
                            "/api/v1/flows/{id}/publish",
                            "flows.write",
                            "Publish a version {version} atomically (validated again; calls in progress keep theirs)",
                            "ivr",
                            "FlowPublish",
                            "Flow",
                            200,
                            {},
                            h(publishFlow)}));
  addIvrListRoutes(router, ctx);
}

}  // namespace hujiao::api
