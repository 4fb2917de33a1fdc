#pragma once
// The SQL layer both backends implement, so that every repository is written
// once in portable SQL. Placeholders are $1..$N on both backends. Times are
// BIGINT UTC microseconds, booleans INTEGER 0/1, JSON is TEXT, ids are TEXT.
//
// Threads: thread-safe; each call borrows a pooled connection. Service plane only.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace hujiao::store {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;
using Params = std::vector<Value>;

struct Row {
  std::vector<Value> cols;
  bool isNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols.at(i)); }
  /// Integer value (NULL -> 0; numeric text is converted, as PostgreSQL returns text).
  int64_t i64(size_t i) const;
  double f64(size_t i) const;
  /// Text value (NULL -> ""; numbers are rendered).
  std::string str(size_t i) const;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
};

/// Statements inside a transaction (same connection).
class Tx {
 public:
  virtual ~Tx() = default;
  virtual core::Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  /// Returns the number of rows changed.
  virtual core::Result<int64_t> exec(std::string_view sql, const Params& params = {}) = 0;
};

class Db : public Tx {
 public:
  /// "sqlite" or "postgresql", for the rare statement that differs.
  virtual std::string dialect() const = 0;
  /// Runs fn in one transaction: committed if fn returns ok, rolled back otherwise.
  virtual core::Result<void> transaction(const std::function<core::Result<void>(Tx&)>& fn) = 0;
  /// One statement executed for each parameter row, in one transaction (batched writes).
  virtual core::Result<int64_t> execBatch(std::string_view sql, const std::vector<Params>& rows) = 0;
  /// A number that grows after every write made through this Db (any table,
  /// autocommit or transaction, committed or not), so that callers can cache
  /// data read from it and know when the cache may be stale: read the
  /// generation BEFORE reading the data and keep the pair. Writes by other
  /// processes sharing the database are not seen. nullopt: not tracked (never
  /// cache). Any thread, lock-free.
  virtual std::optional<uint64_t> writeGeneration() const { return std::nullopt; }
};

/// A schema change. Versions are global; each module owns a range:
/// store 1-99, sip 100-199, media 200-299, call 300-399, ivr 400-499,
/// acd 500-599, report 600-699, crm 700-799, dialer 800-899, channels 900-999,
/// recording 1000-1099.
/// Statements are separated by ";\n". Applied in version order at start, each
/// in its own transaction, recorded in schema_migrations.
struct Migration {
  int version = 0;
  std::string name;
  std::string sqlite;    // SQL for SQLite
  std::string postgres;  // SQL for PostgreSQL; "" = same as sqlite
};

}  // namespace hujiao::store
