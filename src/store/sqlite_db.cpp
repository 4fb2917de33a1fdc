// SQLite backend of store::Db: a pool of connections on one WAL database, a
// prepared-statement cache per connection, and one in-process writer lock.
//
// Why a writer lock: SQLite allows one writer at a time. Two connections of
// the pool that both start writing would make one of them fail with
// SQLITE_BUSY (a deferred transaction cannot wait for the lock it upgrades
// to). Serialising writers here, and starting write transactions with BEGIN
// IMMEDIATE, turns that into a short wait. Readers never take the lock (WAL
// lets them run beside the writer). busy_timeout still covers other processes.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "core/log.h"
#include "store/db_backend.h"

namespace hujiao::store {
namespace {

using core::Error;
using core::makeError;
using core::Result;

constexpr size_t kMaxCachedStatements = 512;

Error sqliteError(int rc, sqlite3* db, std::string_view sql) {
  std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string what = msg + " [" + std::string(sql.substr(0, 120)) + "]";
  int primary = rc & 0xff;
  switch (primary) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return makeError("conflict", what);
      return makeError("invalid", what);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return makeError("unavailable", what);
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return makeError("invalid", what);
    default:
      return makeError("internal", what);
  }
}

struct Conn {
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> stmts;

  ~Conn() {
    for (auto& [sql, st] : stmts) sqlite3_finalize(st);
    sqlite3_close_v2(db);
  }

  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    // Heterogeneous lookup would avoid this copy; the string is short and the
    // prepare it saves is far more expensive.
    std::string key(sql);
    if (auto it = stmts.find(key); it != stmts.end()) return it->second;
    if (stmts.size() >= kMaxCachedStatements) {
      for (auto& [s, st] : stmts) sqlite3_finalize(st);
      stmts.clear();
    }
    sqlite3_stmt* st = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK) return sqliteError(rc, db, sql);
    if (st == nullptr) return makeError("invalid", "empty SQL statement");
    if (tail != nullptr && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(st);
      return makeError("internal", "one statement per call expected [" + key.substr(0, 120) + "]");
    }
    stmts.emplace(std::move(key), st);
    return st;
  }
};

/// Resets a cached statement when the call is done with it, so that it holds
/// no read snapshot and can be reused.
struct StmtGuard {
  sqlite3_stmt* st;
  ~StmtGuard() {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
};

Result<void> bindAll(sqlite3_stmt* st, const Params& params, std::string_view sql) {
  int expected = sqlite3_bind_parameter_count(st);
  if (expected != static_cast<int>(params.size())) {
    return makeError("internal", "statement takes " + std::to_string(expected) + " parameters, " +
                                     std::to_string(params.size()) + " given [" + std::string(sql.substr(0, 120)) +
                                     "]");
  }
  char name[24];
  for (size_t i = 0; i < params.size(); ++i) {
    std::snprintf(name, sizeof name, "$%zu", i + 1);
    // Fast path: when $N was first seen N-th, its index is N. The by-name
    // lookup is linear, so binding by name alone is quadratic in the number
    // of parameters (it dominated large batched inserts).
    int idx = static_cast<int>(i + 1);
    const char* atIdx = sqlite3_bind_parameter_name(st, idx);
    if (atIdx == nullptr || std::strcmp(atIdx, name) != 0) idx = sqlite3_bind_parameter_index(st, name);
    if (idx == 0) {
      return makeError("internal", std::string("placeholder ") + name + " missing [" +
                                       std::string(sql.substr(0, 120)) + "]");
    }
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::nullptr_t>(v)) {
      rc = sqlite3_bind_null(st, idx);
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(st, idx, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(st, idx, *d);
    } else {
      const auto& s = std::get<std::string>(v);
      // SQLITE_STATIC: params outlive the step, and the guard clears bindings.
      rc = sqlite3_bind_text64(st, idx, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) return sqliteError(rc, sqlite3_db_handle(st), sql);
  }
  return {};
}

/// Runs one statement; fills rows when given, returns the change count.
Result<int64_t> run(Conn& c, sqlite3_stmt* st, std::string_view sql, const Params& params, Rows* rows) {
  StmtGuard guard{st};
  if (auto b = bindAll(st, params, sql); !b) return b.error();
  int ncols = sqlite3_column_count(st);
  if (rows != nullptr) {
    rows->columns.reserve(static_cast<size_t>(ncols));
    for (int i = 0; i < ncols; ++i) rows->columns.emplace_back(sqlite3_column_name(st, i));
  }
  for (;;) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return sqliteError(rc, c.db, sql);
    if (rows == nullptr) continue;
    Row row;
    row.cols.reserve(static_cast<size_t>(ncols));
    for (int i = 0; i < ncols; ++i) {
      switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL:
          row.cols.emplace_back(nullptr);
          break;
        case SQLITE_INTEGER:
          row.cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, i)));
          break;
        case SQLITE_FLOAT:
          row.cols.emplace_back(sqlite3_column_double(st, i));
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
          row.cols.emplace_back(std::string(text != nullptr ? text : "",
                                            static_cast<size_t>(sqlite3_column_bytes(st, i))));
        }
      }
    }
    rows->rows.push_back(std::move(row));
  }
  return static_cast<int64_t>(sqlite3_changes64(c.db));
}

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Conn& c) : c_(c) {}
  Result<Rows> query(std::string_view sql, const Params& params) override {
    auto st = c_.prepare(sql);
    if (!st) return st.error();
    Rows rows;
    auto r = run(c_, *st, sql, params, &rows);
    if (!r) return r.error();
    return rows;
  }
  Result<int64_t> exec(std::string_view sql, const Params& params) override {
    auto st = c_.prepare(sql);
    if (!st) return st.error();
    return run(c_, *st, sql, params, nullptr);
  }

 private:
  Conn& c_;
};

// The Db whose writer lock this thread holds (to report, not deadlock on, a
// write through the Db from inside one of its own transactions).
thread_local const void* tlsWriterOf = nullptr;

class SqliteDb final : public DbBackend {
 public:
  SqliteDb(const std::string& path, const DbOptions& o) : options_(o) {
    int n = std::max(1, o.poolSize);
    for (int i = 0; i < n; ++i) {
      auto c = std::make_unique<Conn>();
      int rc = sqlite3_open_v2(path.c_str(), &c->db,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
      if (rc != SQLITE_OK) {
        std::string msg = c->db != nullptr ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
        throw std::runtime_error("store: cannot open SQLite database " + path + ": " + msg);
      }
      sqlite3_extended_result_codes(c->db, 1);
      sqlite3_busy_timeout(c->db, o.busyTimeoutMs);
      std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA synchronous=" + o.sqliteSynchronous + ";";
      if (i == 0) pragmas = "PRAGMA journal_mode=WAL; " + pragmas;
      char* err = nullptr;
      if (sqlite3_exec(c->db, pragmas.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err != nullptr ? err : "?";
        sqlite3_free(err);
        throw std::runtime_error("store: cannot configure SQLite database " + path + ": " + msg);
      }
      if (i == 0) checkWal(c->db, path);
      free_.push_back(c.get());
      all_.push_back(std::move(c));
    }
  }

  ~SqliteDb() override { close(); }

  std::string dialect() const override { return "sqlite"; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    Rows rows;
    auto r = autocommit(sql, params, &rows);
    if (!r) return r.error();
    return rows;
  }

  Result<int64_t> exec(std::string_view sql, const Params& params) override {
    return autocommit(sql, params, nullptr);
  }

  Result<void> transaction(const std::function<Result<void>(Tx&)>& fn) override {
    // Always connection first, then writer lock (as autocommit does): one
    // order, so a full pool cannot deadlock against the lock.
    auto conn = borrow();
    if (!conn) return conn.error();
    auto lock = lockWriter();
    if (!lock) return lock.error();
    Conn& c = *conn->get();
    SqliteTx tx(c);
    if (auto b = tx.exec("BEGIN IMMEDIATE", {}); !b) return b.error();
    // Counted as a write whatever the outcome (after COMMIT or ROLLBACK).
    struct Bump {
      SqliteDb* db;
      ~Bump() { db->bumpWriteGeneration(); }
    } bump{this};
    Result<void> result = [&]() -> Result<void> {
      try {
        return fn(tx);
      } catch (...) {
        (void)tx.exec("ROLLBACK", {});
        throw;
      }
    }();
    if (!result) {
      (void)tx.exec("ROLLBACK", {});
      return result;
    }
    if (auto cm = tx.exec("COMMIT", {}); !cm) {
      (void)tx.exec("ROLLBACK", {});
      return cm.error();
    }
    return {};
  }

  Result<int64_t> execBatch(std::string_view sql, const std::vector<Params>& rows) override {
    return execBatchInTransaction(*this, sql, rows);
  }

  void close() override {
    std::unique_lock lk(m_);
    if (closed_) return;
    closed_ = true;
    // Wait (bounded) for borrowed connections to come back before closing them.
    cv_.wait_for(lk, std::chrono::seconds(5), [&] { return free_.size() == all_.size(); });
    free_.clear();
    if (!all_.empty()) {
      // Checkpoint so that the main file holds everything (a clean shutdown
      // leaves no WAL to replay). Failure is harmless: the WAL is still durable.
      sqlite3_wal_checkpoint_v2(all_.front()->db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    }
    all_.clear();
  }

 private:
  // A borrowed connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(SqliteDb* db, Conn* c) : db_(db), c_(c) {}
    Lease(Lease&& o) noexcept : db_(o.db_), c_(o.c_) { o.c_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_ != nullptr) db_->giveBack(c_);
    }
    Conn* get() const { return c_; }

   private:
    SqliteDb* db_;
    Conn* c_;
  };

  class WriterLock {
   public:
    explicit WriterLock(SqliteDb* db) : db_(db) {}
    WriterLock(WriterLock&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;
    WriterLock& operator=(WriterLock&&) = delete;
    ~WriterLock() {
      if (db_ != nullptr) {
        tlsWriterOf = nullptr;
        db_->writer_.unlock();
      }
    }

   private:
    SqliteDb* db_;
  };

  static void checkWal(sqlite3* db, const std::string& path) {
    sqlite3_stmt* st = nullptr;
    std::string mode;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (mode != "wal") {
      throw std::runtime_error("store: SQLite database " + path + " cannot use WAL mode (journal_mode=" + mode + ")");
    }
  }

  Result<WriterLock> lockWriter() {
    if (tlsWriterOf == this) {
      return makeError("internal", "write through the Db from inside its own transaction; use the Tx");
    }
    if (!writer_.try_lock_for(std::chrono::milliseconds(options_.busyTimeoutMs))) {
      return makeError("unavailable", "database busy: writer lock not acquired within busy_timeout");
    }
    tlsWriterOf = this;
    return WriterLock(this);
  }

  Result<Lease> borrow() {
    std::unique_lock lk(m_);
    auto ready = [&] { return closed_ || !free_.empty(); };
    if (!cv_.wait_for(lk, std::chrono::milliseconds(options_.busyTimeoutMs), ready)) {
      return makeError("unavailable", "no free database connection within busy_timeout");
    }
    if (closed_) return makeError("unavailable", "store is closed");
    Conn* c = free_.back();
    free_.pop_back();
    return Lease(this, c);
  }

  void giveBack(Conn* c) {
    {
      std::lock_guard lk(m_);
      free_.push_back(c);
    }
    cv_.notify_all();
  }

  Result<int64_t> autocommit(std::string_view sql, const Params& params, Rows* rows) {
    auto conn = borrow();
    if (!conn) return conn.error();
    Conn& c = *conn->get();
    auto st = c.prepare(sql);
    if (!st) return st.error();
    if (sqlite3_stmt_readonly(*st) != 0) return run(c, *st, sql, params, rows);
    auto lock = lockWriter();
    if (!lock) return lock.error();
    auto r = run(c, *st, sql, params, rows);
    bumpWriteGeneration();  // autocommit: the statement is committed (or failed) here
    return r;
  }

  DbOptions options_;
  std::timed_mutex writer_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> all_;
  std::vector<Conn*> free_;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<DbBackend> openSqliteDb(const std::string& path, const DbOptions& options) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      throw std::runtime_error("store: cannot create directory " + p.parent_path().string() + ": " + ec.message());
    }
  }
  return std::make_unique<SqliteDb>(path, options);
}

}  // namespace hujiao::store
