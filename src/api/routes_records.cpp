// /api/v1/recordings (list, one, audio with Range, legal hold), the recording
// policy, on-demand recording of a live call. QA is in routes_records_qa.cpp,
// reports and staffing in routes_records_reports.cpp.
//
// Permissions (docs/recording.md): metadata recordings.read, audio
// recordings.listen, policy change recordings.policy, legal hold
// recordings.delete, live control calls.control; QA scoring qa.score.
#include <algorithm>

#include "api/routes_records_common.h"
#include "center/contact_center.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "recording/policy_store.h"

namespace hujiao::api {

using nlohmann::json;
namespace rd = records_detail;

namespace records_detail {

core::Result<center::RecordsService*> service(ApiContext& ctx) {
  if (!ctx.center) return core::makeError("unavailable", "the contact center is not running");
  return &ctx.center->records();
}

core::Result<recording::RecordingService*> recordings(ApiContext& ctx) {
  auto s = service(ctx);
  if (!s) return s.error();
  if (!(*s)->recordings())
    return core::makeError("unavailable", "recordings are off: " + (*s)->recordingsProblem());
  return (*s)->recordings();
}

core::Result<json> body(const RequestContext& rc) {
  const std::string& ct = rc.request.contentType;
  if (ct.rfind("application/json", 0) != 0)
    return core::makeError("unsupported_media_type", "request body must be application/json");
  if (rc.request.body.empty()) return core::makeError("invalid_json", "a JSON request body is required");
  return parseJsonObject(rc.request.body);
}

HttpResponse errorBody(int status, const std::string& code, const std::string& message) {
  return jsonResponse(status, {{"error", {{"code", code}, {"message", message}}}});
}

recording::Viewer viewer(const Principal& p) {
  return {p.userId, scopeName(p.scope), std::vector<std::string>(p.departmentIds.begin(), p.departmentIds.end())};
}

}  // namespace records_detail

namespace {

json isoOrNull(int64_t us) { return us > 0 ? json(core::formatIso8601(us)) : json(nullptr); }

json toJson(const recording::RecordingMeta& m) {
  json pauses = json::array();
  for (const auto& p : m.pauses) pauses.push_back({{"start", isoOrNull(p.startUs)}, {"end", isoOrNull(p.endUs)}});
  return {{"id", m.id},
          {"call_id", m.callId},
          {"legs", m.legs},
          {"agent_id", m.agentId},
          {"department_id", m.departmentId},
          {"queue_id", m.queueId},
          {"customer_number", m.customerNumber},
          {"direction", m.direction},
          {"did", m.did},
          {"reason", m.reason},
          {"started_at", isoOrNull(m.startUs)},
          {"ended_at", isoOrNull(m.endUs)},
          {"duration_ms", m.durationMs},
          {"size_bytes", m.sizeBytes},
          {"sha256", m.sha256},
          {"key_id", m.keyId},
          {"encrypted", !m.keyId.empty()},
          {"format", m.format},
          {"status", m.status},
          {"pauses", pauses},
          {"legal_hold", m.legalHold}};
}

/// Integrity and availability problems of a stored file, with their status.
HttpResponse playbackError(const core::Error& e) {
  const std::string& c = e.code;
  if (c == "forbidden") return rd::errorBody(403, c, e.message);
  if (c == "not_found") return rd::errorBody(404, c, e.message);
  if (c == "gone") return rd::errorBody(410, c, e.message);
  if (c == "conflict") return rd::errorBody(409, c, "the recording is still being written");
  if (c == "tampered" || c == "truncated" || c == "wrong_key" || c == "unknown_key" || c == "incomplete" ||
      c == "corrupt" || c == "not_container" || c == "unsupported_version") {
    core::logger("api")->error("recording playback refused: {}: {}", c, e.message);
    return rd::errorBody(500, c, e.message);
  }
  return rd::errorBody(500, "internal", "internal error");
}

/// The Range header, else the `range` query parameter (same syntax) for
/// clients that cannot set headers (a plain link).
std::string rangeHeader(const RequestContext& rc) {
  if (!rc.request.range.empty()) return rc.request.range;
  return rc.queryString("range");
}

/// An open-ended range ("bytes=N-") is served in pieces of this size, as
/// media servers do: the browser asks for the rest as it plays.
constexpr uint64_t kOpenRangePiece = 4ULL << 20;
/// A response holds at most this many bytes; beyond, 413 (use Range).
constexpr uint64_t kMaxWholeBody = 512ULL << 20;

/// Appends [first, first+n) of the decrypted source to out: only the chunks
/// holding those bytes are read and authenticated (a tampered chunk stops here).
core::Result<void> appendBytes(recording::PlaybackSource& src, uint64_t first, uint64_t n, std::string& out) {
  const size_t base = out.size();
  out.resize(base + n);
  uint64_t done = 0;
  while (done < n) {
    auto got = src.read(first + done, reinterpret_cast<uint8_t*>(out.data() + base + done),
                        static_cast<size_t>(std::min<uint64_t>(n - done, 1 << 16)));
    if (!got) return got.error();
    if (*got == 0) break;
    done += *got;
  }
  out.resize(base + done);
  if (done < n) return core::makeError("truncated", "the recording ended before the range");
  return {};
}

core::Result<HttpResponse> audio(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  const std::string id = rc.param("id");
  auto meta = (*svc)->get(rd::viewer(*rc.principal), id);
  if (!meta) return playbackError(meta.error());
  auto src = (*svc)->openForPlayback(rd::viewer(*rc.principal), id);
  if (!src) return playbackError(src.error());
  const uint64_t length = (*src)->length();
  // Validators: the plaintext SHA-256 is a strong entity tag (the bytes served
  // never change, even across key rotation); the end of the recording is its
  // modification time.
  const std::string etag = meta->sha256.empty() ? std::string() : "\"" + meta->sha256 + "\"";
  const std::string lastModified = meta->endUs > 0 ? recording::httpDate(meta->endUs) : std::string();
  std::string header = rangeHeader(rc);
  // If-Range (RFC 9110 13.1.5): a stale validator means "send it all".
  if (!header.empty() && !rc.request.ifRange.empty() && !recording::ifRangeMatches(rc.request.ifRange, etag, lastModified))
    header.clear();
  std::vector<recording::ByteRange> ranges;
  if (!header.empty()) {
    auto parsed = recording::parseRanges(header, length);
    if (!parsed && parsed.error().code == "range_not_satisfiable") {
      HttpResponse r = rd::errorBody(416, "range_not_satisfiable", parsed.error().message);
      r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(length));
      r.headers.emplace_back("Accept-Ranges", "bytes");
      return r;
    }
    // Otherwise a header we may ignore (14.2): the whole representation, 200.
    if (parsed) ranges = std::move(*parsed);
  }
  // One open range ("bytes=N-"): a piece at a time.
  if (ranges.size() == 1 && header.find(',') == std::string::npos) {
    const auto dash = header.find('-');
    const bool open = dash != std::string::npos && header.find_first_not_of(" \t", dash + 1) == std::string::npos &&
                      header.find_first_not_of(" \t", header.find('=') + 1) != dash;
    if (open && ranges[0].last - ranges[0].first + 1 > kOpenRangePiece)
      ranges[0].last = ranges[0].first + kOpenRangePiece - 1;
  }
  uint64_t total = 0;
  for (const auto& g : ranges) total += g.last - g.first + 1;
  if (ranges.empty()) total = length;
  if (total > kMaxWholeBody)
    return rd::errorBody(413, "payload_too_large", "the recording is too large for one response: use Range");
  HttpResponse r;
  r.contentType = (*src)->contentType();
  std::string rangeText;  // for the audit entry
  if (ranges.empty()) {
    r.status = 200;
    if (auto ok = appendBytes(**src, 0, length, r.body); !ok) return playbackError(ok.error());
  } else if (ranges.size() == 1) {
    r.status = 206;
    rangeText = recording::contentRange(ranges[0], length);
    if (auto ok = appendBytes(**src, ranges[0].first, total, r.body); !ok) return playbackError(ok.error());
    r.headers.emplace_back("Content-Range", rangeText);
  } else {
    // Several ranges: multipart/byteranges (RFC 9110 14.6), one part each.
    r.status = 206;
    const std::string boundary = "hujiao-" + core::newId();
    const std::string type = r.contentType;
    r.contentType = "multipart/byteranges; boundary=" + boundary;
    for (const auto& g : ranges) {
      const std::string cr = recording::contentRange(g, length);
      rangeText += (rangeText.empty() ? "" : ",") + cr.substr(6, cr.find('/') - 6);
      r.body += "\r\n--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: " + cr + "\r\n\r\n";
      if (auto ok = appendBytes(**src, g.first, g.last - g.first + 1, r.body); !ok) return playbackError(ok.error());
    }
    r.body += "\r\n--" + boundary + "--\r\n";
    rangeText = "bytes " + rangeText + "/" + std::to_string(length);
  }
  r.headers.emplace_back("Accept-Ranges", "bytes");
  if (!etag.empty()) r.headers.emplace_back("ETag", etag);
  if (!lastModified.empty()) r.headers.emplace_back("Last-Modified", lastModified);
  const bool download = rc.queryString("download") == "1" || rc.queryString("download") == "true";
  if (download)
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"recording-" + id +
                                                      (meta->format == "opus" ? ".opus\"" : ".wav\""));
  r.headers.emplace_back("Cache-Control", "private, no-store");
  json detail = {{"bytes", ranges.empty() ? length : total}, {"length", length}, {"call_id", meta->callId}};
  if (!rangeText.empty()) detail["range"] = rangeText;
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {download ? "download" : "play", "recordings", id, nullptr, detail, meta->departmentId});
  return r;
}

core::Result<HttpResponse> list(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  recording::RecordingQuery q;
  store::ListQuery lq = listQuery(rc);
  q.limit = lq.limit;
  q.offset = lq.offset;
  if (rc.has("from")) q.fromUs = core::parseIso8601(rc.queryString("from")).value_or(0);
  if (rc.has("to")) q.toUs = core::parseIso8601(rc.queryString("to")).value_or(0);
  q.agentId = rc.queryString("agent_id");
  q.queueId = rc.queryString("queue_id");
  q.number = rc.queryString("number");
  q.direction = rc.queryString("direction");
  q.callId = rc.queryString("call_id");
  if (rc.has("status")) q.statuses = {rc.queryString("status")};
  auto page = (*svc)->search(rd::viewer(*rc.principal), q);
  if (!page) return page.error();
  json items = json::array();
  for (const auto& m : page->items) items.push_back(toJson(m));
  return jsonResponse(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", q.limit},
                            {"offset", q.offset}});
}

core::Result<HttpResponse> getOne(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  auto m = (*svc)->get(rd::viewer(*rc.principal), rc.param("id"));
  if (!m) return m.error().code == "not_found" ? core::makeError("not_found", "recording not found") : m.error();
  return jsonResponse(200, toJson(*m));
}

core::Result<HttpResponse> legalHold(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  auto b = rd::body(rc);
  if (!b) return b.error();
  if (!b->contains("legal_hold") || !(*b)["legal_hold"].is_boolean())
    return invalidField("legal_hold", "must be true or false");
  auto m = (*svc)->get(rd::viewer(*rc.principal), rc.param("id"));
  if (!m) return m.error();
  const bool hold = (*b)["legal_hold"].get<bool>();
  if (auto r = (*svc)->recordings().setLegalHold(m->id, hold); !r) return r.error();
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {"update", "recordings", m->id, {{"legal_hold", m->legalHold}}, {{"legal_hold", hold}},
                    m->departmentId});
  auto after = (*svc)->recordings().get(m->id);
  if (!after) return after.error();
  return jsonResponse(200, toJson(*after));
}

core::Result<HttpResponse> getPolicy(ApiContext& ctx, RequestContext&) {
  auto svc = rd::service(ctx);
  if (!svc) return svc.error();
  return jsonResponse(200, recording::toJson((*svc)->policy()));
}

core::Result<HttpResponse> putPolicy(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::service(ctx);
  if (!svc) return svc.error();
  auto b = rd::body(rc);
  if (!b) return b.error();
  recording::RecordingPolicy before = (*svc)->policy();
  recording::RecordingPolicy next = before;
  if (auto ok = recording::applyPolicyJson(*b, next); !ok) return core::makeError("invalid_field", ok.error().message);
  auto saved = (*svc)->setPolicy(next, rc.principal->username);
  if (!saved) return saved.error();
  json after = recording::toJson(*saved);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {"update", "recording_policy", "current", recording::toJson(before), after, ""});
  return jsonResponse(200, after);
}

core::Result<HttpResponse> controlCall(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::service(ctx);
  if (!svc) return svc.error();
  auto b = rd::body(rc);
  if (!b) return b.error();
  const std::string action = optString(*b, "action");
  center::RecordingAction a;
  if (action == "start") a = center::RecordingAction::Start;
  else if (action == "pause") a = center::RecordingAction::Pause;
  else if (action == "resume") a = center::RecordingAction::Resume;
  else if (action == "stop") a = center::RecordingAction::Stop;
  else return invalidField("action", "must be start, pause, resume or stop");
  const Principal& p = *rc.principal;
  center::RecordingRequester who{p.userId, scopeName(p.scope),
                                 std::vector<std::string>(p.departmentIds.begin(), p.departmentIds.end())};
  auto f = (*svc)->control(rc.param("id"), a, who);
  if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    return core::makeError("unavailable", "the control thread did not answer in time");
  auto st = f.get();
  if (!st) return st.error();
  json out = {{"call_id", st->callId},
              {"recording_id", st->recordingId.empty() ? json(nullptr) : json(st->recordingId)},
              {"recording", st->recording},
              {"paused", st->paused},
              {"reason", st->reason}};
  ctx.audit.record(&p, rc.request.remoteAddress, {"recording_" + action, "calls", st->callId, nullptr, out, ""});
  return jsonResponse(200, out);
}

}  // namespace

void addRecordsQaRoutes(Router& router, ApiContext& ctx);
void addRecordsReportRoutes(Router& router, ApiContext& ctx);

void addRecordsRoutes(Router& router, ApiContext& ctx) {
  using F = FieldType;
  router.add({"GET", "/api/v1/recordings", "recordings.read", "List recordings (agents: their own)", "recordings", "",
              "RecordingList", 200,
              pagingParams({rd::qp("from", F::String, "Started at or after (ISO 8601)", "date-time"),
                            rd::qp("to", F::String, "Started before (ISO 8601)", "date-time"),
                            rd::qp("agent_id", F::String, "Agent (user id)"), rd::qp("queue_id", F::String, "Queue id"),
                            rd::qp("number", F::String, "Customer number contains"),
                            rd::qp("direction", F::String, "inbound, outbound or internal"),
                            rd::qp("call_id", F::String, "Call id"),
                            rd::qp("status", F::String, "recording, complete, recovered, missing or deleted")}),
              [&ctx](RequestContext& rc) { return list(ctx, rc); }});
  router.add({"GET",
              "/api/v1/recordings/{id}",
              "recordings.read",
              "Get a recording's metadata",
              "recordings",
              "",
              "Recording",
              200,
              {},
              [&ctx](RequestContext& rc) { return getOne(ctx, rc); }});
  Route a{"GET", "/api/v1/recordings/{id}/audio", "recordings.listen",
          "Play or download a recording (decrypted; Range gives 206; every request is audited)", "recordings", "", "",
          200,
          {rd::qp("download", F::Boolean, "Attachment (audited as download) instead of inline play"),
           rd::qp("range", F::String, "Same as the Range header (bytes=first-last), for clients that cannot set it")},
          [&ctx](RequestContext& rc) { return audio(ctx, rc); }};
  a.contentType = "audio/wav";
  router.add(std::move(a));
  router.add(parsesOwnBody({"PUT",
                            "/api/v1/recordings/{id}/legal-hold",
                            "recordings.delete",
                            "Put a recording on legal hold (retention skips it) or release it: {legal_hold}",
                            "recordings",
                            "LegalHold",
                            "Recording",
                            200,
                            {},
                            [&ctx](RequestContext& rc) { return legalHold(ctx, rc); }}));
  router.add({"GET",
              "/api/v1/recording-policy",
              "recordings.read",
              "The recording policy in force",
              "recordings",
              "",
              "RecordingPolicy",
              200,
              {},
              [&ctx](RequestContext& rc) { return getPolicy(ctx, rc); }});
  router.add(parsesOwnBody({"PUT",
                            "/api/v1/recording-policy",
                            "recordings.policy",
                            "Change the recording policy (fields given replace the current ones)",
                            "recordings",
                            "RecordingPolicyUpdate",
                            "RecordingPolicy",
                            200,
                            {},
                            [&ctx](RequestContext& rc) { return putPolicy(ctx, rc); }}));
  router.add(parsesOwnBody({"POST",
                            "/api/v1/calls/{id}/recording",
                            "calls.control",
                            "Start, pause, resume or stop recording a live call: {action}",
                            "recordings",
                            "CallRecordingAction",
                            "CallRecordingState",
                            200,
                            {},
                            [&ctx](RequestContext& rc) { return controlCall(ctx, rc); }}));
  addRecordsQaRoutes(router, ctx);
  addRecordsReportRoutes(router, ctx);
}

}  // namespace hujiao::api
