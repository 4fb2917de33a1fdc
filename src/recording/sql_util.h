#pragma once
// Internal helpers of the recording repositories: a WHERE builder with $N
// placeholders (same SQL text on SQLite and PostgreSQL) and row access.
//
// Threads: stateless; any thread.
#include <string>
#include <vector>

#include "store/db.h"

namespace hujiao::recording::detail {

class Where {
 public:
  explicit Where(const store::Db& db) : pg_(db.dialect() == "postgresql") {}
  /// Adds a parameter and returns its placeholder ("$3").
  std::string param(store::Value v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  }
  void add(std::string cond) { conds_.push_back(std::move(cond)); }
  /// column IN (ids), as one JSON array parameter (statement text independent of the count).
  void in(const std::string& column, const std::vector<std::string>& ids, bool negate = false);
  /// Case-insensitive substring, LIKE metacharacters escaped.
  void contains(const std::string& column, const std::string& text);
  std::string sql() const;
  store::Params params;

 private:
  bool pg_;
  std::vector<std::string> conds_;
};

std::string toJsonArray(const std::vector<std::string>& v);
std::vector<std::string> fromJsonArray(const std::string& text);
std::string placeholders(int from, int count);  // "$from, ..., $(from+count-1)"

}  // namespace hujiao::recording::detail
