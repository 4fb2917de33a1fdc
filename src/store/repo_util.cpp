#include "store/repo_util.h"

#include <chrono>
#include <nlohmann/json.hpp>

namespace hujiao::store::detail {

int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string placeholder(size_t n) {
  // Appended rather than "$" + to_string(n): GCC 12 at -O3 reports a false
  // -Wrestrict on operator+(const char*, string&&).
  std::string out(1, '$');
  out += std::to_string(n);
  return out;
}

Value nullIfEmpty(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

core::Error reword(const core::Error& e, const std::string& conflict, const std::string& invalid) {
  if (e.code == "conflict" && !conflict.empty()) return core::makeError(e.code, conflict);
  if (e.code == "invalid" && !invalid.empty()) return core::makeError(e.code, invalid);
  return e;
}

Result<void> checkPaging(const ListQuery& q) {
  if (q.limit < 1 || q.limit > 1000) return core::makeError("invalid", "limit must be between 1 and 1000");
  if (q.offset < 0) return core::makeError("invalid", "offset must not be negative");
  return {};
}

std::string Filter::param(Value v) {
  params_.push_back(std::move(v));
  return placeholder(params_.size());
}

void Filter::search(const std::string& search, const std::vector<std::string>& columns) {
  if (search.empty()) return;
  // LIKE wildcards in the user's text are matched literally.
  std::string pattern = "%";
  for (char c : search) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  std::string p = param(pattern);
  std::string cond = "(";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) cond += " OR ";
    cond += "lower(" + columns[i] + ") LIKE lower(" + p + ") ESCAPE '\\'";
  }
  cond += ")";
  where(std::move(cond));
}

void Filter::in(const std::string& column, const std::vector<std::string>& ids) {
  std::string p = param(toJsonArray(ids));
  if (pg_) {
    where(column + " IN (SELECT json_array_elements_text(CAST(" + p + " AS json)))");
  } else {
    where(column + " IN (SELECT value FROM json_each(" + p + "))");
  }
}

std::string Filter::sql() const {
  std::string out;
  for (size_t i = 0; i < conds_.size(); ++i) out += (i == 0 ? " WHERE " : " AND ") + conds_[i];
  return out;
}

Result<ListResult> runList(Db& db, const std::string& columns, const std::string& from, const Filter& filter,
                           const std::string& order, const ListQuery& q, const PageExtra& extra) {
  if (auto c = checkPaging(q); !c) return c.error();
  Params params = filter.params();
  std::string limit = placeholder(params.size() + 1);
  std::string offset = placeholder(params.size() + 2);
  params.emplace_back(q.limit);
  params.emplace_back(q.offset);
  // The total comes from an uncorrelated scalar subquery, which both
  // backends evaluate once and can answer from an index. A window
  // count(*) OVER () would materialise every matching row first.
  std::string where = filter.sql();
  std::string page = "SELECT (SELECT count(*) FROM " + from + where + ") AS total_, " + columns + " FROM " + from +
                     where + " ORDER BY " + order + " LIMIT " + limit + " OFFSET " + offset;
  // Costly per-row columns are computed for the page's rows only, after the
  // sort and the limit (a sort evaluates its select list for every row).
  std::string sql = extra.columns.empty()
                        ? page
                        : "SELECT p.*, " + extra.columns + " FROM (" + page + ") p ORDER BY " + extra.order;
  auto rows = db.query(sql, params);
  if (!rows) return rows.error();
  ListResult out;
  if (!rows->rows.empty()) {
    out.total = rows->rows.front().i64(0);
    for (auto& r : rows->rows) r.cols.erase(r.cols.begin());
    out.rows = std::move(rows->rows);
    return out;
  }
  if (q.offset == 0) return out;
  // Past the end: no row carried the total, so count separately.
  auto count = db.query("SELECT count(*) FROM " + from + where, filter.params());
  if (!count) return count.error();
  out.total = count->rows.at(0).i64(0);
  return out;
}

std::string takeStr(Row& r, size_t i) {
  if (auto* s = std::get_if<std::string>(&r.cols.at(i))) return std::move(*s);
  return r.str(i);
}

std::string toJsonArray(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> fromJsonArray(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace hujiao::store::detail
