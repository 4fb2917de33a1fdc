// Quality inspection: /api/v1/qa/forms, /api/v1/recordings/{id}/scores,
// /api/v1/qa/scores (docs/recording.md, "Quality inspection"). Supervisors
// score (qa.score); everyone with recordings.read sees the scores of
// the recordings they may see (agents: their own).
#include "api/routes_records_common.h"
#include "core/time_format.h"

namespace hujiao::api {

using nlohmann::json;
namespace rd = records_detail;

namespace {

json toJson(const recording::ScoreForm& f) {
  json criteria = json::array();
  for (const auto& c : f.criteria)
    criteria.push_back({{"id", c.id},
                        {"name", c.name},
                        {"description", c.description},
                        {"weight", c.weight},
                        {"max_points", c.maxPoints}});
  return {{"id", f.id},
          {"name", f.name},
          {"description", f.description},
          {"criteria", criteria},
          {"active", f.active},
          {"created_at", core::formatIso8601(f.createdUs)},
          {"updated_at", core::formatIso8601(f.updatedUs)}};
}

json toJson(const recording::Score& s) {
  json items = json::array();
  for (const auto& i : s.items)
    items.push_back({{"criterion_id", i.criterionId}, {"points", i.points}, {"comment", i.comment}});
  return {{"id", s.id},
          {"recording_id", s.recordingId},
          {"form_id", s.formId},
          {"supervisor_id", s.supervisorId},
          {"agent_id", s.agentId},
          {"department_id", s.departmentId},
          {"recording_started_at", core::formatIso8601(s.recordingStartUs)},
          {"items", items},
          {"total", s.total},
          {"comment", s.comment},
          {"created_at", core::formatIso8601(s.createdUs)},
          {"updated_at", core::formatIso8601(s.updatedUs)}};
}

core::Result<recording::ScoreForm> formFrom(const json& b) {
  recording::ScoreForm f;
  f.name = optString(b, "name");
  f.description = optString(b, "description");
  if (b.contains("active")) {
    if (!b["active"].is_boolean()) return invalidField("active", "must be true or false");
    f.active = b["active"].get<bool>();
  }
  if (!b.contains("criteria") || !b["criteria"].is_array()) return invalidField("criteria", "must be an array");
  for (const auto& c : b["criteria"]) {
    if (!c.is_object()) return invalidField("criteria", "items must be objects");
    recording::Criterion k;
    k.id = optString(c, "id");
    k.name = optString(c, "name");
    k.description = optString(c, "description");
    if (!c.contains("weight") || !c["weight"].is_number()) return invalidField("criteria.weight", "a number");
    k.weight = c["weight"].get<double>();
    if (c.contains("max_points")) {
      if (!c["max_points"].is_number_integer()) return invalidField("criteria.max_points", "an integer");
      k.maxPoints = c["max_points"].get<int>();
    }
    f.criteria.push_back(std::move(k));
  }
  if (auto ok = recording::validateForm(f); !ok) return core::makeError("invalid_field", ok.error().message);
  return f;
}

core::Result<std::vector<recording::CriterionScore>> itemsFrom(const json& b) {
  if (!b.contains("items") || !b["items"].is_array()) return invalidField("items", "must be an array");
  std::vector<recording::CriterionScore> out;
  for (const auto& i : b["items"]) {
    if (!i.is_object() || !i.contains("points") || !i["points"].is_number_integer())
      return invalidField("items", "each item needs criterion_id and integer points");
    out.push_back({optString(i, "criterion_id"), i["points"].get<int>(), optString(i, "comment")});
  }
  return out;
}

/// Maps the repository's "invalid" to a 400 naming the problem.
core::Error mapped(const core::Error& e) {
  return e.code == "invalid" ? core::makeError("invalid_field", e.message) : e;
}

core::Result<HttpResponse> listForms(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  const bool activeOnly = rc.queryString("active") == "true" || rc.queryString("active") == "1";
  auto forms = (*svc)->quality().listForms(activeOnly);
  if (!forms) return forms.error();
  json items = json::array();
  for (const auto& f : *forms) items.push_back(toJson(f));
  const size_t n = items.size();
  return jsonResponse(200, {{"items", std::move(items)}, {"total", n}});
}

core::Result<HttpResponse> createForm(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  auto b = rd::body(rc);
  if (!b) return b.error();
  auto f = formFrom(*b);
  if (!f) return f.error();
  auto created = (*svc)->quality().createForm(*f);
  if (!created) return mapped(created.error());
  json after = toJson(*created);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress, {"create", "qa_forms", created->id, nullptr, after, ""});
  return createdResponse(after, "/api/v1/qa/forms/" + created->id);
}

core::Result<HttpResponse> getForm(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  auto f = (*svc)->quality().getForm(rc.param("id"));
  if (!f) return f.error();
  return jsonResponse(200, toJson(*f));
}

core::Result<HttpResponse> patchForm(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  auto b = rd::body(rc);
  if (!b) return b.error();
  auto f = (*svc)->quality().getForm(rc.param("id"));
  if (!f) return f.error();
  recording::ScoreForm next = *f;
  if (b->contains("criteria")) {
    json merged = *b;
    if (!merged.contains("name")) merged["name"] = f->name;
    auto parsed = formFrom(merged);
    if (!parsed) return parsed.error();
    next.criteria = parsed->criteria;
  }
  if (b->contains("name")) next.name = optString(*b, "name");
  if (b->contains("description")) next.description = optString(*b, "description");
  if (b->contains("active")) {
    if (!(*b)["active"].is_boolean()) return invalidField("active", "must be true or false");
    next.active = (*b)["active"].get<bool>();
  }
  auto updated = (*svc)->quality().updateForm(next);
  if (!updated) return mapped(updated.error());
  json after = toJson(*updated);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress, {"update", "qa_forms", f->id, toJson(*f), after, ""});
  return jsonResponse(200, after);
}

core::Result<HttpResponse> recordingScores(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  auto m = (*svc)->get(rd::viewer(*rc.principal), rc.param("id"));
  if (!m) return m.error();
  auto scores = (*svc)->quality().scoresForRecording(m->id);
  if (!scores) return scores.error();
  json items = json::array();
  for (const auto& s : *scores) items.push_back(toJson(s));
  const size_t n = items.size();
  return jsonResponse(200, {{"items", std::move(items)}, {"total", n}});
}

core::Result<HttpResponse> addScore(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  auto b = rd::body(rc);
  if (!b) return b.error();
  // Supervisors score the recordings they may hear.
  auto m = (*svc)->get(rd::viewer(*rc.principal), rc.param("id"));
  if (!m) return m.error();
  auto items = itemsFrom(*b);
  if (!items) return items.error();
  recording::Score s;
  s.recordingId = m->id;
  s.formId = optString(*b, "form_id");
  if (s.formId.empty()) return invalidField("form_id", "is required");
  s.supervisorId = rc.principal->userId;
  s.items = std::move(*items);
  s.comment = optString(*b, "comment");
  auto added = (*svc)->quality().addScore(std::move(s));
  if (!added) return mapped(added.error());
  json after = toJson(*added);
  ctx.audit.record(rc.principal.get(), rc.request.remoteAddress,
                   {"create", "qa_scores", added->id, nullptr, after, added->departmentId});
  return createdResponse(after, "/api/v1/recordings/" + m->id + "/scores");
}

core::Result<HttpResponse> listScores(ApiContext& ctx, RequestContext& rc) {
  auto svc = rd::recordings(ctx);
  if (!svc) return svc.error();
  const Principal& p = *rc.principal;
  recording::ScoreQuery q;
  store::ListQuery lq = listQuery(rc);
  q.limit = lq.limit;
  q.offset = lq.offset;
  q.agentId = rc.queryString("agent_id");
  q.formId = rc.queryString("form_id");
  if (rc.has("from")) q.fromUs = core::parseIso8601(rc.queryString("from")).value_or(0);
  if (rc.has("to")) q.toUs = core::parseIso8601(rc.queryString("to")).value_or(0);
  if (p.scope == Scope::Self) {
    if (!q.agentId.empty() && q.agentId != p.userId)
      return jsonResponse(200, {{"items", json::array()}, {"total", 0}, {"summary", json::array()}});
    q.agentId = p.userId;
  } else if (p.scope == Scope::Department) {
    if (p.departmentIds.empty())
      return jsonResponse(200, {{"items", json::array()}, {"total", 0}, {"summary", json::array()}});
    q.departmentIds.assign(p.departmentIds.begin(), p.departmentIds.end());
  }
  auto page = (*svc)->quality().listScores(q);
  if (!page) return mapped(page.error());
  json items = json::array();
  for (const auto& s : page->items) items.push_back(toJson(s));
  json summary = json::array();
  if (auto agg = (*svc)->quality().aggregateByAgent(q); agg)
    for (const auto& a : *agg)
      summary.push_back(
          {{"agent_id", a.agentId}, {"count", a.count}, {"average", a.average}, {"min", a.min}, {"max", a.max}});
  return jsonResponse(200, {{"items", std::move(items)},
                            {"total", page->total},
                            {"limit", q.limit},
                            {"offset", q.offset},
                            {"summary", std::move(summary)}});
}

}  // namespace

void addRecordsQaRoutes(Router& router, ApiContext& ctx) {
  using F = FieldType;
  router.add({"GET",
              "/api/v1/qa/forms",
              "recordings.read",
              "List quality score forms",
              "quality",
              "",
              "ScoreFormList",
              200,
              {rd::qp("active", F::Boolean, "Only active forms")},
              [&ctx](RequestContext& rc) { return listForms(ctx, rc); }});
  router.add(parsesOwnBody({"POST",
                            "/api/v1/qa/forms",
                            "qa.score",
                            "Create a score form: {name, description, criteria:[{id, name, weight (%), max_points}]}",
                            "quality",
                            "ScoreFormCreate",
                            "ScoreForm",
                            201,
                            {},
                            [&ctx](RequestContext& rc) { return createForm(ctx, rc); }}));
  router.add({"GET",
              "/api/v1/qa/forms/{id}",
              "recordings.read",
              "Get a score form",
              "quality",
              "",
              "ScoreForm",
              200,
              {},
              [&ctx](RequestContext& rc) { return getForm(ctx, rc); }});
  router.add(parsesOwnBody({"PATCH",
                            "/api/v1/qa/forms/{id}",
                            "qa.score",
                            "Change a score form (a form with scores only changes `active`)",
                            "quality",
                            "ScoreFormUpdate",
                            "ScoreForm",
                            200,
                            {},
                            [&ctx](RequestContext& rc) { return patchForm(ctx, rc); }}));
  router.add({"GET",
              "/api/v1/recordings/{id}/scores",
              "recordings.read",
              "Scores of a recording",
              "quality",
              "",
              "RecordingScoreList",
              200,
              {},
              [&ctx](RequestContext& rc) { return recordingScores(ctx, rc); }});
  router.add(parsesOwnBody({"POST",
                            "/api/v1/recordings/{id}/scores",
                            "qa.score",
                            "Score a recording: {form_id, items:[{criterion_id, points, comment}], comment}",
                            "quality",
                            "ScoreCreate",
                            "Score",
                            201,
                            {},
                            [&ctx](RequestContext& rc) { return addScore(ctx, rc); }}));
  router.add(
      {"GET", "/api/v1/qa/scores", "recordings.read",
       "Scores (agents: their own; supervisors: their departments'), with per-agent averages", "quality", "",
       "ScorePage", 200,
       pagingParams({rd::qp("agent_id", F::String, "Agent (user id)"), rd::qp("form_id", F::String, "Score form"),
                     rd::qp("from", F::String, "Recordings started at or after", "date-time"),
                     rd::qp("to", F::String, "Recordings started before", "date-time")}),
       [&ctx](RequestContext& rc) { return listScores(ctx, rc); }});
}

}  // namespace hujiao::api
