#pragma once
// Internal helpers shared by the repositories: the clock, error wording,
// list-query building, JSON arrays in TEXT columns.
//
// Threads: stateless helpers; any thread.
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace hujiao::store::detail {

int64_t nowUs();

/// "$n", the portable placeholder of the n-th parameter.
std::string placeholder(size_t n);

/// Value for a nullable TEXT foreign key: "" -> NULL.
Value nullIfEmpty(const std::string& s);

/// Replaces a backend's error message (which quotes SQL) with one meant for
/// people, keeping the code. Empty replacement = keep the original.
core::Error reword(const core::Error& e, const std::string& conflict, const std::string& invalid = "");

/// Checks limit (1..1000) and offset (>= 0).
Result<void> checkPaging(const ListQuery& q);

/// Builds the WHERE clause and parameters of a list query.
class Filter {
 public:
  explicit Filter(const Db& db) : pg_(db.dialect() == "postgresql") {}
  /// Adds a parameter, returns its placeholder ("$3").
  std::string param(Value v);
  void where(std::string condition) { conds_.push_back(std::move(condition)); }
  /// Case-insensitive substring match of `search` on any of `columns`.
  void search(const std::string& search, const std::vector<std::string>& columns);
  /// column IN (the ids), passed as one JSON array parameter so that the SQL
  /// text (and its cached statement) does not depend on the list's length.
  void in(const std::string& column, const std::vector<std::string>& ids);
  std::string sql() const;  // " WHERE a AND b" or ""
  const Params& params() const { return params_; }
  bool pg() const { return pg_; }

 private:
  bool pg_;
  std::vector<std::string> conds_;
  Params params_;
};

/// Columns computed only for the rows of a page, over the page as table "p"
/// (e.g. "(SELECT ... WHERE x.user_id = p.id)"), and the page's order in
/// terms of p ("p.id").
struct PageExtra {
  std::string columns;
  std::string order;
};

/// Runs "SELECT <columns> FROM <from><where> ORDER BY <order> LIMIT .. OFFSET .."
/// with the total count, in one round trip, and returns the page's rows
/// (columns, then the extra columns) and the total.
struct ListResult {
  std::vector<Row> rows;
  int64_t total = 0;
};
Result<ListResult> runList(Db& db, const std::string& columns, const std::string& from, const Filter& filter,
                           const std::string& order, const ListQuery& q, const PageExtra& extra = {});

/// Text value of a column, moved out of the row (no copy) when it is text.
std::string takeStr(Row& r, size_t i);

std::string toJsonArray(const std::vector<std::string>& v);
std::vector<std::string> fromJsonArray(const std::string& text);

}  // namespace hujiao::store::detail
