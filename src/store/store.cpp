// openStore(): picks the backend from store.url, applies migrations, seeds the
// built-in roles, and hands out the repositories.
#include "store/store.h"

#include <stdexcept>

#include "core/log.h"
#include "store/db_backend.h"
#include "store/repos.h"
#include "store/schema.h"

namespace hujiao::store {
namespace {

class StoreImpl final : public Store {
 public:
  explicit StoreImpl(std::unique_ptr<DbBackend> db)
      : db_(std::move(db)), departments_(*db_), roles_(*db_), users_(*db_), sessions_(*db_), audit_(*db_) {}
  ~StoreImpl() override { close(); }

  std::string backend() const override { return db_->dialect(); }
  Departments& departments() override { return departments_; }
  Roles& roles() override { return roles_; }
  Users& users() override { return users_; }
  Sessions& sessions() override { return sessions_; }
  Audit& audit() override { return audit_; }
  Db& db() override { return *db_; }
  SqlRoles& sqlRoles() { return roles_; }

  Result<void> ping() override {
    auto r = db_->query("SELECT 1");
    if (!r) return r.error();
    return {};
  }

  void close() override { db_->close(); }

 private:
  std::unique_ptr<DbBackend> db_;
  SqlDepartments departments_;
  SqlRoles roles_;
  SqlUsers users_;
  SqlSessions sessions_;
  SqlAudit audit_;
};

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

void addStoreConfig(core::ConfigSchema& schema) {
  schema.section("store", "Durable data: SQLite file (embedded default) or PostgreSQL");
  schema.string("store", "url", "sqlite:var/hujiao.db",
                "sqlite:PATH (parent directory created if missing) or postgresql://user:pass@host:port/db");
  schema.integer("store", "pool_size", 8, 1, 256, "database connections in the pool");
  schema.integer("store", "busy_timeout_ms", 5000, 1, 600000,
                 "how long a query waits for a lock or a free connection before failing");
  schema.string("store", "sqlite_synchronous", "full",
                "SQLite durability: full = an acknowledged write survives power loss; normal may lose the last "
                "writes on power loss",
                {"off", "normal", "full", "extra"});
  schema.integer("store", "pg_connect_timeout_s", 5, 1, 300, "PostgreSQL connect timeout in seconds");
}

std::unique_ptr<Store> openStore(const StoreOptions& options, const std::vector<Migration>& migrations) {
  DbOptions o;
  o.poolSize = options.poolSize;
  o.busyTimeoutMs = options.busyTimeoutMs;
  o.sqliteSynchronous = options.sqliteSynchronous;
  o.pgConnectTimeoutS = options.pgConnectTimeoutS;
  const std::string& url = options.url;
  if (o.poolSize < 1) throw std::runtime_error("store: pool_size must be at least 1");
  if (o.sqliteSynchronous != "off" && o.sqliteSynchronous != "normal" && o.sqliteSynchronous != "full" &&
      o.sqliteSynchronous != "extra") {
    throw std::runtime_error("store: sqlite_synchronous must be off, normal, full or extra");
  }
  std::unique_ptr<DbBackend> db;
  if (startsWith(url, "postgresql://") || startsWith(url, "postgres://")) {
    db = openPostgresDb(url, o);
  } else if (startsWith(url, "sqlite:")) {
    std::string path = url.substr(7);
    if (startsWith(path, "//")) path = path.substr(2);  // sqlite:///abs/path
    if (path.empty()) throw std::runtime_error("store: store.url 'sqlite:' needs a file path");
    db = openSqliteDb(path, o);
  } else {
    throw std::runtime_error("store: store.url must start with sqlite: or postgresql:// (got '" + url + "')");
  }
  applyMigrations(*db, migrations);
  auto store = std::make_unique<StoreImpl>(std::move(db));
  if (auto r = store->sqlRoles().seedBuiltins(); !r) {
    throw std::runtime_error("store: cannot seed the built-in roles: " + r.error().message);
  }
  core::logger("store")->info("store open: {}", store->backend());
  return store;
}

std::unique_ptr<Store> openStore(const core::Config& config, const std::vector<Migration>& migrations) {
  StoreOptions o;
  o.url = config.getString("store.url");
  o.poolSize = static_cast<int>(config.getInt("store.pool_size"));
  o.busyTimeoutMs = static_cast<int>(config.getInt("store.busy_timeout_ms"));
  o.sqliteSynchronous = config.getString("store.sqlite_synchronous");
  o.pgConnectTimeoutS = static_cast<int>(config.getInt("store.pg_connect_timeout_s"));
  return openStore(o, migrations);
}

std::unique_ptr<Store> openStore(const std::string& url, int poolSize, const std::vector<Migration>& migrations) {
  StoreOptions o;
  o.url = url;
  o.poolSize = poolSize;
  return openStore(o, migrations);
}

}  // namespace hujiao::store
