// PostgreSQL backend of store::Db over libpq: a pool of connections (opened on
// demand, re-opened after a failure), statements with parameters prepared once
// per connection and cached by SQL text, SQLSTATE mapped to store error codes.
#include <libpq-fe.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
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

struct PgConn {
  PGconn* c = nullptr;
  std::unordered_map<std::string, std::string> stmts;  // SQL text -> prepared statement name
  uint64_t nextStmt = 0;
  bool broken = false;

  ~PgConn() { disconnect(); }
  void disconnect() {
    if (c != nullptr) PQfinish(c);
    c = nullptr;
    stmts.clear();
    broken = false;
  }
};

/// Owns a PGresult.
struct ResultPtr {
  PGresult* r = nullptr;
  explicit ResultPtr(PGresult* p) : r(p) {}
  ResultPtr(const ResultPtr&) = delete;
  ResultPtr& operator=(const ResultPtr&) = delete;
  ~ResultPtr() { PQclear(r); }
};

void dropNotice(void* /*arg*/, const char* message) {
  core::logger("store")->debug("postgresql: {}", message);
}

std::string firstLine(const char* s) {
  std::string out = s != nullptr ? s : "";
  if (auto nl = out.find('\n'); nl != std::string::npos) out.resize(nl);
  return out;
}

Error pgError(PgConn& conn, const PGresult* res, std::string_view sql) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res != nullptr ? firstLine(PQresultErrorMessage(res)) : "";
  if (msg.empty()) msg = firstLine(PQerrorMessage(conn.c));
  std::string what = msg + " [" + std::string(sql.substr(0, 120)) + "]";
  if (PQstatus(conn.c) != CONNECTION_OK) {
    conn.broken = true;
    return makeError("unavailable", "database connection lost: " + what);
  }
  std::string s = state != nullptr ? state : "";
  if (s == "23505") return makeError("conflict", what);
  if (s == "23503" || s == "23514" || s == "23502" || s == "23P01") return makeError("invalid", what);
  if (s.rfind("22", 0) == 0) return makeError("invalid", what);  // data exception (bad number, too long...)
  if (s == "08P01") return makeError("internal", what);  // protocol violation, e.g. wrong parameter count
  if (s.rfind("08", 0) == 0 || s.rfind("53", 0) == 0 || s.rfind("57P", 0) == 0 || s == "40001" ||
      s == "40P01" || s == "55P03") {
    if (s.rfind("08", 0) == 0 || s.rfind("57P", 0) == 0) conn.broken = true;
    return makeError("unavailable", what);
  }
  return makeError("internal", what + (s.empty() ? "" : " (SQLSTATE " + s + ")"));
}

/// Parameter values as text (the server converts them to the column types).
struct TextParams {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  explicit TextParams(const Params& params) {
    storage.resize(params.size());
    values.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        values[i] = nullptr;
        continue;
      }
      if (const auto* n = std::get_if<int64_t>(&v)) {
        storage[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        storage[i] = buf;
      } else {
        storage[i] = std::get<std::string>(v);
      }
      values[i] = storage[i].c_str();
    }
  }
};

/// Runs one statement on a connection. Statements with parameters are
/// prepared once per connection; a statement whose cached plan went stale
/// (a migration changed its result type) is re-prepared once.
Result<int64_t> run(PgConn& conn, std::string_view sql, const Params& params, Rows* rows) {
  std::string text(sql);
  TextParams tp(params);
  auto execute = [&]() -> PGresult* {
    if (params.empty()) return PQexecParams(conn.c, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    auto it = conn.stmts.find(text);
    if (it == conn.stmts.end()) {
      if (conn.stmts.size() >= kMaxCachedStatements) {
        ResultPtr d(PQexec(conn.c, "DEALLOCATE ALL"));
        conn.stmts.clear();
      }
      std::string name = "hj" + std::to_string(conn.nextStmt++);
      ResultPtr prep(PQprepare(conn.c, name.c_str(), text.c_str(), static_cast<int>(params.size()), nullptr));
      if (PQresultStatus(prep.r) != PGRES_COMMAND_OK) {
        // Hand the failure back as the statement's result.
        PGresult* failed = prep.r;
        prep.r = nullptr;
        return failed;
      }
      it = conn.stmts.emplace(text, std::move(name)).first;
    }
    return PQexecPrepared(conn.c, it->second.c_str(), static_cast<int>(params.size()), tp.values.data(), nullptr,
                          nullptr, 0);
  };
  for (int attempt = 0;; ++attempt) {
    ResultPtr res(execute());
    ExecStatusType status = PQresultStatus(res.r);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (rows != nullptr && status == PGRES_TUPLES_OK) {
        int nf = PQnfields(res.r);
        int nt = PQntuples(res.r);
        rows->columns.reserve(static_cast<size_t>(nf));
        for (int f = 0; f < nf; ++f) rows->columns.emplace_back(PQfname(res.r, f));
        rows->rows.resize(static_cast<size_t>(nt));
        for (int t = 0; t < nt; ++t) {
          auto& cols = rows->rows[static_cast<size_t>(t)].cols;
          cols.reserve(static_cast<size_t>(nf));
          for (int f = 0; f < nf; ++f) {
            if (PQgetisnull(res.r, t, f) != 0) {
              cols.emplace_back(nullptr);
            } else {
              cols.emplace_back(std::string(PQgetvalue(res.r, t, f), static_cast<size_t>(PQgetlength(res.r, t, f))));
            }
          }
        }
      }
      const char* n = PQcmdTuples(res.r);
      return static_cast<int64_t>(n != nullptr && *n != '\0' ? std::atoll(n) : 0);
    }
    const char* state = PQresultErrorField(res.r, PG_DIAG_SQLSTATE);
    bool stalePlan = state != nullptr && std::string_view(state) == "0A000" && !params.empty();
    if (stalePlan) {
      if (auto it = conn.stmts.find(text); it != conn.stmts.end()) {
        ResultPtr d(PQexec(conn.c, ("DEALLOCATE " + it->second).c_str()));
        conn.stmts.erase(it);
      }
      // Outside a transaction the statement can simply run again.
      if (attempt == 0 && PQtransactionStatus(conn.c) == PQTRANS_IDLE) continue;
    }
    return pgError(conn, res.r, sql);
  }
}

/// True for a statement that starts with SELECT (after blanks and '('), which
/// reads only (hujiao calls no writing functions from a SELECT).
bool isPlainSelect(std::string_view sql) {
  size_t i = sql.find_first_not_of(" \t\r\n(");
  if (i == std::string_view::npos || sql.size() - i < 6) return false;
  static constexpr std::string_view kSelect = "select";
  for (size_t k = 0; k < kSelect.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(sql[i + k])) != kSelect[k]) return false;
  return true;
}

class PgTx final : public Tx {
 public:
  explicit PgTx(PgConn& c) : c_(c) {}
  Result<Rows> query(std::string_view sql, const Params& params) override {
    Rows rows;
    auto r = run(c_, sql, params, &rows);
    if (!r) return r.error();
    return rows;
  }
  Result<int64_t> exec(std::string_view sql, const Params& params) override { return run(c_, sql, params, nullptr); }

 private:
  PgConn& c_;
};

class PgDb final : public DbBackend {
 public:
  PgDb(std::string url, const DbOptions& o) : url_(std::move(url)), options_(o) {
    int n = std::max(1, o.poolSize);
    for (int i = 0; i < n; ++i) {
      all_.push_back(std::make_unique<PgConn>());
      free_.push_back(all_.back().get());
    }
    // Connect one now, so that a wrong URL fails at start-up.
    if (auto r = connect(*all_.front()); !r) throw std::runtime_error("store: " + r.error().message);
  }

  ~PgDb() override { close(); }

  std::string dialect() const override { return "postgresql"; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    auto lease = borrow();
    if (!lease) return lease.error();
    Rows rows;
    auto r = run(*lease->get(), sql, params, &rows);
    // Only a plain SELECT is known not to write (INSERT ... RETURNING and
    // WITH ... DELETE come through query() too).
    if (!isPlainSelect(sql)) bumpWriteGeneration();
    if (!r) return r.error();
    return rows;
  }

  Result<int64_t> exec(std::string_view sql, const Params& params) override {
    auto lease = borrow();
    if (!lease) return lease.error();
    auto r = run(*lease->get(), sql, params, nullptr);
    if (!isPlainSelect(sql)) bumpWriteGeneration();
    return r;
  }

  Result<void> transaction(const std::function<Result<void>(Tx&)>& fn) override {
    auto lease = borrow();
    if (!lease) return lease.error();
    // Counted as a write whatever the outcome (after COMMIT or ROLLBACK).
    struct Bump {
      PgDb* db;
      ~Bump() { db->bumpWriteGeneration(); }
    } bump{this};
    PgConn& c = *lease->get();
    PgTx tx(c);
    if (auto b = tx.exec("BEGIN", {}); !b) return b.error();
    Result<void> result = [&]() -> Result<void> {
      try {
        return fn(tx);
      } catch (...) {
        rollback(c);
        throw;
      }
    }();
    if (!result) {
      rollback(c);
      return result;
    }
    if (PQtransactionStatus(c.c) == PQTRANS_INERROR) {
      // A statement failed but fn ignored it: COMMIT would silently roll back.
      rollback(c);
      return makeError("internal", "transaction aborted by an earlier failed statement");
    }
    if (auto cm = tx.exec("COMMIT", {}); !cm) {
      rollback(c);
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
    cv_.wait_for(lk, std::chrono::seconds(5), [&] { return free_.size() == all_.size(); });
    free_.clear();
    all_.clear();
  }

 private:
  class Lease {
   public:
    Lease(PgDb* db, PgConn* c) : db_(db), c_(c) {}
    Lease(Lease&& o) noexcept : db_(o.db_), c_(o.c_) { o.c_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_ != nullptr) db_->giveBack(c_);
    }
    PgConn* get() const { return c_; }

   private:
    PgDb* db_;
    PgConn* c_;
  };

  static void rollback(PgConn& c) {
    if (c.c == nullptr || PQstatus(c.c) != CONNECTION_OK) return;
    ResultPtr r(PQexec(c.c, "ROLLBACK"));
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) c.broken = true;
  }

  Result<void> connect(PgConn& conn) const {
    conn.disconnect();
    std::string timeout = std::to_string(options_.pgConnectTimeoutS);
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {url_.c_str(), timeout.c_str(), "hujiaod", nullptr};
    conn.c = PQconnectdbParams(keys, values, 1);
    if (conn.c == nullptr) return makeError("unavailable", "cannot allocate a PostgreSQL connection");
    if (PQstatus(conn.c) != CONNECTION_OK) {
      std::string msg = firstLine(PQerrorMessage(conn.c));
      conn.disconnect();
      return makeError("unavailable", "cannot connect to PostgreSQL (" + redacted() + "): " + msg);
    }
    PQsetNoticeProcessor(conn.c, dropNotice, nullptr);
    return {};
  }

  /// The URL without a password, for messages.
  std::string redacted() const {
    auto scheme = url_.find("://");
    auto at = url_.find('@');
    if (scheme == std::string::npos || at == std::string::npos) return url_;
    auto colon = url_.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url_;
    return url_.substr(0, colon) + ":***" + url_.substr(at);
  }

  Result<Lease> borrow() {
    PgConn* c = nullptr;
    {
      std::unique_lock lk(m_);
      auto ready = [&] { return closed_ || !free_.empty(); };
      if (!cv_.wait_for(lk, std::chrono::milliseconds(options_.busyTimeoutMs), ready)) {
        return makeError("unavailable", "no free database connection within busy_timeout");
      }
      if (closed_) return makeError("unavailable", "store is closed");
      c = free_.back();
      free_.pop_back();
    }
    Lease lease(this, c);
    if (c->c == nullptr || c->broken || PQstatus(c->c) != CONNECTION_OK) {
      if (auto r = connect(*c); !r) return r.error();
    }
    return lease;
  }

  void giveBack(PgConn* c) {
    {
      std::lock_guard lk(m_);
      free_.push_back(c);
    }
    cv_.notify_all();
  }

  std::string url_;
  DbOptions options_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> all_;
  std::vector<PgConn*> free_;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<DbBackend> openPostgresDb(const std::string& url, const DbOptions& options) {
  return std::make_unique<PgDb>(url, options);
}

}  // namespace hujiao::store
