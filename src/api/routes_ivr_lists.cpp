// IVR data over REST: /api/v1/blacklist (+ CSV import), /notices, /voicemails
// (+ audio), /callbacks, /calls/{id}/ivr-path. See routes_ivr.cpp for threads.
#include <fstream>
#include <sstream>

#include "api/codec.h"
#include "api/errors.h"
#include "api/routes.h"
#include "center/contact_center.h"
#include "center/ivr_service.h"
#include "core/time_format.h"

namespace hujiao::api {

using nlohmann::json;

namespace {

core::Result<center::IvrService*> service(ApiContext& ctx) {
  if (!ctx.center) return core::makeError("unavailable", "the contact center is not running on this node");
  return &ctx.center->ivr();
}

core::Result<json> jsonBody(const RequestContext& rc) {
  if (!rc.request.contentType.empty() && rc.request.contentType.find("json") == std::string::npos)
    return core::makeError("unsupported_media_type", "request body must be application/json");
  if (rc.request.body.empty()) return core::makeError("invalid_json", "a JSON request body is required");
  return parseJsonObject(rc.request.body);
}

template <class T, class F>
json page(const store::Page<T>& pg, const store::ListQuery& q, F conv) {
  json items = json::array();
  for (const auto& x : pg.items) items.push_back(conv(x));
  return {{"items", std::move(items)}, {"total", pg.total}, {"limit", q.limit}, {"offset", q.offset}};
}

json blacklistJson(const center::BlacklistRow& b) {
  return {{"id", b.id},
          {"pattern", b.pattern},
          {"reason", b.reason},
          {"expires_at", timeOrNull(b.expiresUs)},
          {"created_at", timeOrNull(b.createdUs)}};
}

json noticeJson(const center::NoticeRow& n) {
  return {{"id", n.id}, {"active", n.active}, {"text", n.text}, {"updated_at", timeOrNull(n.updatedUs)}};
}

json voicemailJson(const center::VoicemailRow& v) {
  return {{"id", v.id},
          {"call_id", v.callId},
          {"mailbox", v.mailbox},
          {"caller", v.caller},
          {"called", v.called},
          {"flow_id", v.flowId},
          {"duration_ms", v.durationMs},
          {"created_at", timeOrNull(v.createdUs)},
          {"audio_url", "/api/v1/voicemails/" + v.id + "/audio"}};
}

json callbackJson(const center::CallbackRow& c) {
  return {{"id", c.id},
          {"call_id", c.callId},
          {"number", c.number},
          {"preferred_time", c.preferredTime},
          {"queue", c.queue},
          {"flow_id", c.flowId},
          {"requested_at", timeOrNull(c.requestedUs)},
          {"status", c.status}};
}

// ---- blacklist ----

core::Result<HttpResponse> listBlacklist(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto q = listQuery(rc);
  auto pg = (*s)->listBlacklist(q.limit, q.offset, q.search);
  if (!pg) return pg.error();
  return jsonResponse(200, page(*pg, q, blacklistJson));
}

core::Result<HttpResponse> addBlacklist(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto body = jsonBody(rc);
  if (!body) return body.error();
  const json& b = *body;
  for (const auto& [k, v] : b.items())
    if (k != "pattern" && k != "reason" && k != "expires_at")
      return core::makeError("unknown_field", "unknown field '" + k + "'");
  if (!b.contains("pattern") || !b["pattern"].is_string()) return invalidField("pattern", "required text");
  if (b.contains("reason") && !b["reason"].is_null() && !b["reason"].is_string())
    return invalidField("reason", "text");
  std::string reason = optString(b, "reason");
  if (reason.size() > 500) return invalidField("reason", "at most 500 characters");
  int64_t expires = 0;
  if (b.contains("expires_at") && !b["expires_at"].is_null()) {
    if (!b["expires_at"].is_string()) return invalidField("expires_at", "an ISO 8601 time");
    auto t = core::parseIso8601(b["expires_at"].get<std::string>());
    if (!t) return invalidField("expires_at", "an ISO 8601 time");
    expires = *t;
  }
  auto row = (*s)->addBlacklist(b["pattern"].get<std::string>(), reason, expires);
  if (!row) return row.error();
  json after = blacklistJson(*row);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress, {"create", "blacklist", row->id, nullptr, after, ""});
  return createdResponse(after, "/api/v1/blacklist/" + row->id);
}

core::Result<HttpResponse> deleteBlacklist(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto row = (*s)->removeBlacklist(rc.param("id"));
  if (!row) return row.error();
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {"delete", "blacklist", row->id, blacklistJson(*row), nullptr, ""});
  return noContent();
}

core::Result<HttpResponse> importBlacklist(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  const auto& ct = rc.request.contentType;
  if (ct.find("text/csv") == std::string::npos && ct.find("text/plain") == std::string::npos)
    return core::makeError("unsupported_media_type", "send the CSV as text/csv: number,reason,expires_at per line");
  auto r = (*s)->importBlacklist(rc.request.body);
  if (!r) return r.error();
  json errors = json::array();
  for (const auto& e : r->errors) errors.push_back({{"line", e.line}, {"message", e.message}});
  json out = {{"imported", r->imported}, {"errors", std::move(errors)}};
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {"import", "blacklist", "", nullptr, {{"imported", r->imported}}, ""});
  return jsonResponse(200, out);
}

// ---- notices ----

core::Result<HttpResponse> listNotices(ApiContext& ctx, RequestContext&) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto rows = (*s)->listNotices();
  if (!rows) return rows.error();
  json items = json::array();
  for (const auto& n : *rows) items.push_back(noticeJson(n));
  size_t n = items.size();
  return jsonResponse(200, {{"items", std::move(items)}, {"total", n}});
}

core::Result<HttpResponse> putNotice(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto body = jsonBody(rc);
  if (!body) return body.error();
  const json& b = *body;
  for (const auto& [k, v] : b.items())
    if (k != "active" && k != "text") return core::makeError("unknown_field", "unknown field '" + k + "'");
  if (!b.contains("active") || !b["active"].is_boolean()) return invalidField("active", "required boolean");
  if (b.contains("text") && !b["text"].is_null() && !b["text"].is_string()) return invalidField("text", "text");
  std::string text = optString(b, "text");
  if (text.size() > 2000) return invalidField("text", "at most 2000 characters");
  auto n = (*s)->setNotice(rc.param("id"), b["active"].get<bool>(), text);
  if (!n) return n.error();
  json after = noticeJson(*n);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress, {"update", "notices", n->id, nullptr, after, ""});
  return jsonResponse(200, after);
}

// ---- voicemails, callbacks, paths ----

core::Result<HttpResponse> listVoicemails(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto q = listQuery(rc);
  auto pg = (*s)->listVoicemails(q.limit, q.offset, rc.queryString("mailbox"));
  if (!pg) return pg.error();
  return jsonResponse(200, page(*pg, q, voicemailJson));
}

core::Result<HttpResponse> voicemailAudio(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto v = (*s)->getVoicemail(rc.param("id"));
  if (!v) return v.error();
  std::ifstream in((*s)->voicemailFile(*v), std::ios::binary);
  if (!in) return core::makeError("not_found", "the audio of voicemail " + v->id + " is missing");
  std::ostringstream data;
  data << in.rdbuf();
  HttpResponse r;
  r.contentType = "audio/wav";
  r.body = data.str();
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress, {"listen", "voicemails", v->id, nullptr, nullptr, ""});
  return r;
}

core::Result<HttpResponse> listCallbacks(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto q = listQuery(rc);
  auto pg = (*s)->listCallbacks(q.limit, q.offset);
  if (!pg) return pg.error();
  return jsonResponse(200, page(*pg, q, callbackJson));
}

core::Result<HttpResponse> ivrPath(ApiContext& ctx, RequestContext& rc) {
  auto s = service(ctx);
  if (!s) return s.error();
  auto p = (*s)->callPath(rc.param("id"));
  if (!p) return p.error();
  return jsonResponse(200, *p);
}

}  // namespace

void addIvrListRoutes(Router& router, ApiContext& ctx);

void addIvrListRoutes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](core::Result<HttpResponse> (*fn)(ApiContext&, RequestContext&)) {
    return [&ctx, fn](RequestContext& rc) { return fn(ctx, rc); };
  };
  router.add({"GET", "/api/v1/blacklist", "blacklist.read", "List blacklisted numbers and prefixes", "ivr", "",
              "BlacklistList", 200, pagingParams(), h(listBlacklist)});
  router.add(parsesOwnBody({"POST",
                            "/api/v1/blacklist",
                            "blacklist.write",
                            "Blacklist a number or a prefix ending in * {pattern, reason, expires_at}",
                            "ivr",
                            "BlacklistCreate",
                            "BlacklistEntry",
                            201,
                            {},
                            h(addBlacklist)}));
  router.add({"POST",
              "/api/v1/blacklist/import",
              "blacklist.write",
              "Import text/csv lines number,reason,expires_at -> {imported, errors:[{line, message}]}",
              "ivr",
              "",
              "BlacklistImportResult",
              200,
              {},
              h(importBlacklist),
              "application/json",
              false,
              "text/csv"});
  router.add({"DELETE", "/api/v1/blacklist/{id}", "blacklist.write", "Remove a blacklist entry", "ivr", "", "", 204,
              {}, h(deleteBlacklist)});
  router.add({"GET",
              "/api/v1/notices",
              "flows.read",
              "Emergency notices (stored and used by published flows)",
              "ivr",
              "",
              "NoticeList",
              200,
              {},
              h(listNotices)});
  router.add(parsesOwnBody({"PUT",
                            "/api/v1/notices/{id}",
                            "flows.write",
                            "Switch a notice on or off {active, text}",
                            "ivr",
                            "NoticeUpdate",
                            "Notice",
                            200,
                            {},
                            h(putNotice)}));
  router.add({"GET", "/api/v1/voicemails", "recordings.read", "Voicemails left in flows, newest first", "ivr", "",
              "VoicemailList", 200, pagingParams({{"mailbox", FieldType::String, "Only this mailbox", 0, 0, ""}}),
              h(listVoicemails)});
  router.add({"GET", "/api/v1/voicemails/{id}/audio", "recordings.listen", "A voicemail's audio (audio/wav)", "ivr",
              "", "", 200, {}, h(voicemailAudio), "audio/wav"});
  router.add({"GET", "/api/v1/callbacks", "interactions.read", "Call-back requests left in flows, newest first", "ivr",
              "", "CallbackRequestList", 200, pagingParams(), h(listCallbacks)});
  router.add({"GET",
              "/api/v1/calls/{id}/ivr-path",
              "cdrs.read",
              "The call's path through its IVR flow(s): nodes, digits, HTTP results, variables, exit",
              "ivr",
              "",
              "IvrPath",
              200,
              {},
              h(ivrPath)});
}

}  // namespace hujiao::api
