#include "recording/quality.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/clock.h"
#include "core/ids.h"
#include "recording/sql_util.h"

namespace hujiao::recording {
namespace {

using nlohmann::json;
using store::Row;

int64_t now() { return core::SystemClock::instance().nowUs(); }

core::Error invalid(const std::string& m) { return core::makeError("invalid", m); }

// Totals are stored as integer hundredths: exact and the same on both backends.
int64_t toCenti(double total) { return static_cast<int64_t>(std::llround(total * 100.0)); }

std::string criteriaJson(const std::vector<Criterion>& c) {
  json a = json::array();
  for (const auto& x : c) {
    a.push_back({{"id", x.id}, {"name", x.name}, {"description", x.description}, {"weight", x.weight},
                 {"maxPoints", x.maxPoints}});
  }
  return a.dump();
}

std::vector<Criterion> criteriaFrom(const std::string& text) {
  std::vector<Criterion> out;
  auto a = json::parse(text, nullptr, false);
  if (!a.is_array()) return out;
  for (const auto& x : a) {
    Criterion c;
    c.id = x.value("id", "");
    c.name = x.value("name", "");
    c.description = x.value("description", "");
    c.weight = x.value("weight", 0.0);
    c.maxPoints = x.value("maxPoints", 0);
    out.push_back(std::move(c));
  }
  return out;
}

std::string itemsJson(const std::vector<CriterionScore>& items) {
  json a = json::array();
  for (const auto& x : items) a.push_back({{"criterionId", x.criterionId}, {"points", x.points}, {"comment", x.comment}});
  return a.dump();
}

std::vector<CriterionScore> itemsFrom(const std::string& text) {
  std::vector<CriterionScore> out;
  auto a = json::parse(text, nullptr, false);
  if (!a.is_array()) return out;
  for (const auto& x : a) out.push_back({x.value("criterionId", ""), x.value("points", 0), x.value("comment", "")});
  return out;
}

constexpr const char* kFormCols = "id, name, description, criteria, active, created_us, updated_us";
constexpr const char* kScoreCols =
    "id, recording_id, form_id, supervisor_id, agent_id, department_id, recording_start_us, items, total_centi, "
    "comment, created_us, updated_us";

ScoreForm formFrom(const Row& r) {
  ScoreForm f;
  f.id = r.str(0);
  f.name = r.str(1);
  f.description = r.str(2);
  f.criteria = criteriaFrom(r.str(3));
  f.active = r.i64(4) != 0;
  f.createdUs = r.i64(5);
  f.updatedUs = r.i64(6);
  return f;
}

Score scoreFrom(const Row& r) {
  Score s;
  s.id = r.str(0);
  s.recordingId = r.str(1);
  s.formId = r.str(2);
  s.supervisorId = r.str(3);
  s.agentId = r.str(4);
  s.departmentId = r.str(5);
  s.recordingStartUs = r.i64(6);
  s.items = itemsFrom(r.str(7));
  s.total = static_cast<double>(r.i64(8)) / 100.0;
  s.comment = r.str(9);
  s.createdUs = r.i64(10);
  s.updatedUs = r.i64(11);
  return s;
}

void addFilters(detail::Where& w, const ScoreQuery& q) {
  if (!q.agentId.empty()) w.add("agent_id = " + w.param(q.agentId));
  if (!q.formId.empty()) w.add("form_id = " + w.param(q.formId));
  if (q.fromUs != 0) w.add("recording_start_us >= " + w.param(q.fromUs));
  if (q.toUs != 0) w.add("recording_start_us < " + w.param(q.toUs));
  if (!q.departmentIds.empty()) w.in("department_id", q.departmentIds);
}

}  // namespace

core::Result<void> validateForm(const ScoreForm& f) {
  if (f.name.empty()) return invalid("a score form needs a name");
  if (f.criteria.empty() || f.criteria.size() > 50) return invalid("a score form needs 1 to 50 criteria");
  std::set<std::string> ids;
  double sum = 0;
  for (const auto& c : f.criteria) {
    if (c.id.empty()) return invalid("every criterion needs an id");
    if (!ids.insert(c.id).second) return invalid("criterion id '" + c.id + "' appears twice");
    if (c.name.empty()) return invalid("criterion '" + c.id + "' needs a name");
    if (!(c.weight > 0) || !std::isfinite(c.weight)) return invalid("criterion '" + c.id + "' needs a weight above 0");
    if (c.maxPoints < 1 || c.maxPoints > 100) return invalid("criterion '" + c.id + "': max points must be 1..100");
    sum += c.weight;
  }
  if (std::fabs(sum - 100.0) > 0.01) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", sum);
    return invalid(std::string("criterion weights must sum to 100, they sum to ") + buf);
  }
  return {};
}

core::Result<double> computeTotal(const ScoreForm& form, const std::vector<CriterionScore>& items) {
  std::map<std::string, const CriterionScore*> byId;
  for (const auto& it : items) {
    if (!byId.emplace(it.criterionId, &it).second) return invalid("criterion '" + it.criterionId + "' scored twice");
  }
  double total = 0;
  for (const auto& c : form.criteria) {
    auto it = byId.find(c.id);
    if (it == byId.end()) return invalid("criterion '" + c.id + "' is not scored");
    const int p = it->second->points;
    if (p < 0 || p > c.maxPoints) {
      return invalid("criterion '" + c.id + "': points must be 0.." + std::to_string(c.maxPoints));
    }
    total += c.weight * p / c.maxPoints;
    byId.erase(it);
  }
  if (!byId.empty()) return invalid("criterion '" + byId.begin()->first + "' is not on the form");
  return total;
}

core::Result<ScoreForm> QualityRepo::createForm(ScoreForm f) {
  if (auto v = validateForm(f); !v) return v.error();
  if (f.id.empty()) f.id = core::newId();
  f.createdUs = f.updatedUs = now();
  auto r = db_.exec(std::string("INSERT INTO qa_forms (") + kFormCols + ") VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    {f.id, f.name, f.description, criteriaJson(f.criteria), int64_t{f.active}, f.createdUs,
                     f.updatedUs});
  if (!r) {
    if (r.error().code == "conflict") return core::makeError("conflict", "a score form with this name exists");
    return r.error();
  }
  return f;
}

core::Result<ScoreForm> QualityRepo::getForm(const std::string& id) {
  auto rows = db_.query(std::string("SELECT ") + kFormCols + " FROM qa_forms WHERE id = $1", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return core::makeError("not_found", "score form not found");
  return formFrom(rows->rows[0]);
}

core::Result<ScoreForm> QualityRepo::updateForm(const ScoreForm& f) {
  auto old = getForm(f.id);
  if (!old) return old.error();
  auto used = db_.query("SELECT count(*) FROM qa_scores WHERE form_id = $1", {f.id});
  if (!used) return used.error();
  const bool frozen = used->rows[0].i64(0) > 0;
  ScoreForm n = f;
  if (frozen) {
    if (criteriaJson(f.criteria) != criteriaJson(old->criteria) || f.name != old->name) {
      return core::makeError("conflict", "the form has scores: its name and criteria are frozen; create a new form");
    }
  } else if (auto v = validateForm(n); !v) {
    return v.error();
  }
  n.createdUs = old->createdUs;
  n.updatedUs = now();
  auto r = db_.exec("UPDATE qa_forms SET name = $2, description = $3, criteria = $4, active = $5, updated_us = $6 "
                    "WHERE id = $1",
                    {n.id, n.name, n.description, criteriaJson(n.criteria), int64_t{n.active}, n.updatedUs});
  if (!r) {
    if (r.error().code == "conflict") return core::makeError("conflict", "a score form with this name exists");
    return r.error();
  }
  return n;
}

core::Result<std::vector<ScoreForm>> QualityRepo::listForms(bool activeOnly) {
  auto rows = db_.query(std::string("SELECT ") + kFormCols + " FROM qa_forms" + (activeOnly ? " WHERE active = 1" : "") +
                        " ORDER BY name, id");
  if (!rows) return rows.error();
  std::vector<ScoreForm> out;
  for (const auto& r : rows->rows) out.push_back(formFrom(r));
  return out;
}

core::Result<Score> QualityRepo::addScore(Score s) {
  auto form = getForm(s.formId);
  if (!form) return form.error();
  if (!form->active) return invalid("the score form is not active");
  if (s.supervisorId.empty()) return invalid("a score needs the scoring supervisor");
  auto rec = db_.query("SELECT agent_id, department_id, start_us, status FROM recordings WHERE id = $1",
                       {s.recordingId});
  if (!rec) return rec.error();
  if (rec->empty()) return core::makeError("not_found", "recording not found");
  const Row& rr = rec->rows[0];
  const std::string status = rr.str(3);
  if (status != "complete" && status != "recovered") return invalid("only a stored recording can be scored");
  s.agentId = rr.str(0);
  s.departmentId = rr.str(1);
  s.recordingStartUs = rr.i64(2);
  if (s.agentId == s.supervisorId) return invalid("nobody scores their own recording");
  auto total = computeTotal(*form, s.items);
  if (!total) return total.error();
  s.total = *total;
  if (s.id.empty()) s.id = core::newId();
  s.createdUs = s.updatedUs = now();
  auto r = db_.exec(std::string("INSERT INTO qa_scores (") + kScoreCols + ") VALUES (" + detail::placeholders(1, 12) + ")",
                    {s.id, s.recordingId, s.formId, s.supervisorId, s.agentId, s.departmentId, s.recordingStartUs,
                     itemsJson(s.items), toCenti(s.total), s.comment, s.createdUs, s.updatedUs});
  if (!r) {
    if (r.error().code == "conflict") {
      return core::makeError("conflict", "this supervisor already scored the recording with this form");
    }
    return r.error();
  }
  s.total = static_cast<double>(toCenti(s.total)) / 100.0;
  return s;
}

core::Result<Score> QualityRepo::getScore(const std::string& id) {
  auto rows = db_.query(std::string("SELECT ") + kScoreCols + " FROM qa_scores WHERE id = $1", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return core::makeError("not_found", "score not found");
  return scoreFrom(rows->rows[0]);
}

core::Result<Score> QualityRepo::updateScore(const std::string& id, const std::string& supervisorId,
                                             const std::vector<CriterionScore>& items, const std::string& comment) {
  auto s = getScore(id);
  if (!s) return s.error();
  if (s->supervisorId != supervisorId) return core::makeError("forbidden", "only the supervisor who scored may change it");
  auto form = getForm(s->formId);
  if (!form) return form.error();
  auto total = computeTotal(*form, items);
  if (!total) return total.error();
  s->items = items;
  s->comment = comment;
  s->total = static_cast<double>(toCenti(*total)) / 100.0;
  s->updatedUs = now();
  auto r = db_.exec("UPDATE qa_scores SET items = $2, total_centi = $3, comment = $4, updated_us = $5 WHERE id = $1",
                    {id, itemsJson(items), toCenti(*total), comment, s->updatedUs});
  if (!r) return r.error();
  return *s;
}

core::Result<std::vector<Score>> QualityRepo::scoresForRecording(const std::string& recordingId) {
  auto rows = db_.query(std::string("SELECT ") + kScoreCols + " FROM qa_scores WHERE recording_id = $1 ORDER BY id",
                        {recordingId});
  if (!rows) return rows.error();
  std::vector<Score> out;
  for (const auto& r : rows->rows) out.push_back(scoreFrom(r));
  return out;
}

core::Result<store::Page<Score>> QualityRepo::listScores(const ScoreQuery& q) {
  if (q.limit < 1 || q.limit > 1000 || q.offset < 0) return invalid("limit must be 1..1000 and offset >= 0");
  detail::Where w(db_);
  addFilters(w, q);
  auto total = db_.query("SELECT count(*) FROM qa_scores" + w.sql(), w.params);
  if (!total) return total.error();
  store::Page<Score> page;
  page.total = total->rows[0].i64(0);
  store::Params p = w.params;
  p.emplace_back(q.limit);
  p.emplace_back(q.offset);
  auto rows = db_.query(std::string("SELECT ") + kScoreCols + " FROM qa_scores" + w.sql() +
                            " ORDER BY recording_start_us DESC, id DESC LIMIT $" + std::to_string(p.size() - 1) +
                            " OFFSET $" + std::to_string(p.size()),
                        p);
  if (!rows) return rows.error();
  for (const auto& r : rows->rows) page.items.push_back(scoreFrom(r));
  return page;
}

core::Result<std::vector<ScoreAggregate>> QualityRepo::aggregateByAgent(const ScoreQuery& q) {
  detail::Where w(db_);
  addFilters(w, q);
  auto rows = db_.query("SELECT agent_id, count(*), sum(total_centi), min(total_centi), max(total_centi) FROM qa_scores" +
                            w.sql() + " GROUP BY agent_id ORDER BY agent_id",
                        w.params);
  if (!rows) return rows.error();
  std::vector<ScoreAggregate> out;
  for (const auto& r : rows->rows) {
    ScoreAggregate a;
    a.agentId = r.str(0);
    a.count = r.i64(1);
    a.average = a.count > 0 ? static_cast<double>(r.i64(2)) / static_cast<double>(a.count) / 100.0 : 0;
    a.min = static_cast<double>(r.i64(3)) / 100.0;
    a.max = static_cast<double>(r.i64(4)) / 100.0;
    out.push_back(a);
  }
  return out;
}

std::vector<store::Migration> qualityMigrations() {
  store::Migration m;
  m.version = 1001;
  m.name = "recording: quality inspection forms and scores";
  m.sqlite =
      R"(CREATE TABLE qa_forms (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL DEFAULT '', criteria TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL);
CREATE TABLE qa_scores (id TEXT PRIMARY KEY, recording_id TEXT NOT NULL REFERENCES recordings (id), form_id TEXT NOT NULL REFERENCES qa_forms (id), supervisor_id TEXT NOT NULL, agent_id TEXT NOT NULL, department_id TEXT NOT NULL, recording_start_us BIGINT NOT NULL, items TEXT NOT NULL, total_centi BIGINT NOT NULL, comment TEXT NOT NULL DEFAULT '', created_us BIGINT NOT NULL, updated_us BIGINT NOT NULL, UNIQUE (recording_id, form_id, supervisor_id));
CREATE INDEX qa_scores_agent_start ON qa_scores (agent_id, recording_start_us);
CREATE INDEX qa_scores_start ON qa_scores (recording_start_us))";
  return {m};
}

}  // namespace hujiao::recording
