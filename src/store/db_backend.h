#pragma once
// Internal: the concrete SQL backends behind store::Db, and the options they
// take. Not part of the public contract (use store.h / db.h).
//
// Threads: as Db (thread-safe, pooled connections); close() from the owner only,
// after every other thread has stopped using the Db.
#include <atomic>
#include <memory>
#include <string>

#include "store/db.h"

namespace hujiao::store {

struct DbOptions {
  int poolSize = 4;
  int busyTimeoutMs = 5000;
  std::string sqliteSynchronous = "full";  // off, normal, full, extra
  int pgConnectTimeoutS = 5;
};

class DbBackend : public Db {
 public:
  /// Closes every pooled connection; later calls fail with "unavailable". Idempotent.
  virtual void close() = 0;
  std::optional<uint64_t> writeGeneration() const override { return generation_.load(std::memory_order_acquire); }

 protected:
  /// Backends call this after each statement that may have written, once it
  /// is committed or rolled back (so that a reader who sees the new number
  /// also sees the new data).
  void bumpWriteGeneration() { generation_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<uint64_t> generation_{0};
};

/// Opens (creating the file and its parent directory if missing) an SQLite
/// database in WAL mode. Throws std::runtime_error when it cannot.
std::unique_ptr<DbBackend> openSqliteDb(const std::string& path, const DbOptions& options);
/// Connects to PostgreSQL (a libpq URL). Throws std::runtime_error when the
/// first connection fails.
std::unique_ptr<DbBackend> openPostgresDb(const std::string& url, const DbOptions& options);

/// Splits migration text on ";\n" into statements, dropping blank ones.
std::vector<std::string> splitStatements(const std::string& sql);

/// Db::execBatch for both backends: each parameter row through one statement,
/// all in one transaction; returns the rows changed.
core::Result<int64_t> execBatchInTransaction(Db& db, std::string_view sql, const std::vector<Params>& rows);

}  // namespace hujiao::store
