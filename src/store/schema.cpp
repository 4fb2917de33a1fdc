// The store's schema and the migration runner. Schema conventions on both
// backends: TEXT ids, BIGINT UTC microseconds, INTEGER 0/1 booleans, JSON as TEXT.
#include "store/schema.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>

#include "core/log.h"
#include "store/db_backend.h"

namespace hujiao::store {
namespace {

// Root departments have parent_id NULL (so the foreign key holds); the
// unique index uses COALESCE so two roots cannot share a name either.
const char* kIdentity = R"SQL(
CREATE TABLE departments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  parent_id TEXT REFERENCES departments (id),
  description TEXT NOT NULL DEFAULT '',
  created_us BIGINT NOT NULL,
  updated_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX departments_parent_name ON departments (COALESCE(parent_id, ''), name);
CREATE INDEX departments_parent ON departments (parent_id);
CREATE TABLE roles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
  description TEXT NOT NULL DEFAULT '',
  permissions TEXT NOT NULL DEFAULT '[]',
  scope TEXT NOT NULL CHECK (scope IN ('all', 'department', 'self')),
  builtin INTEGER NOT NULL DEFAULT 0,
  created_us BIGINT NOT NULL,
  updated_us BIGINT NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE CHECK (length(username) > 0),
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  department_id TEXT REFERENCES departments (id),
  password_hash TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  failed_logins BIGINT NOT NULL DEFAULT 0,
  locked_until_us BIGINT NOT NULL DEFAULT 0,
  last_login_us BIGINT NOT NULL DEFAULT 0,
  created_us BIGINT NOT NULL,
  updated_us BIGINT NOT NULL
);
CREATE INDEX users_department ON users (department_id);
CREATE TABLE user_roles (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id TEXT NOT NULL REFERENCES roles (id),
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_us BIGINT NOT NULL,
  expires_us BIGINT NOT NULL,
  revoked_us BIGINT NOT NULL DEFAULT 0,
  source_address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_us);
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  ts_us BIGINT NOT NULL,
  user_id TEXT NOT NULL DEFAULT '',
  username TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  resource TEXT NOT NULL DEFAULT '',
  resource_id TEXT NOT NULL DEFAULT '',
  before_json TEXT NOT NULL DEFAULT '',
  after_json TEXT NOT NULL DEFAULT '',
  source_address TEXT NOT NULL DEFAULT '',
  department_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_ts ON audit_log (ts_us);
CREATE INDEX audit_user_ts ON audit_log (user_id, ts_us);
CREATE INDEX audit_resource_ts ON audit_log (resource, ts_us);
CREATE INDEX audit_department_ts ON audit_log (department_id, ts_us)
)SQL";

// Serialises migrations between processes sharing one PostgreSQL database
// (SQLite gets the same from BEGIN IMMEDIATE).
constexpr const char* kPgMigrationLock = "SELECT pg_advisory_xact_lock(72616931)";

int64_t nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("store: " + what); }

}  // namespace

const std::vector<Migration>& storeMigrations() {
  static const std::vector<Migration> migrations = {
      {1, "identity, sessions and audit", kIdentity, ""},
  };
  return migrations;
}

void applyMigrations(Db& db, const std::vector<Migration>& extra) {
  auto log = core::logger("store");
  std::map<int, const Migration*> known;
  for (const auto* list : {&storeMigrations(), &extra}) {
    for (const auto& m : *list) {
      if (m.version <= 0) fail("migration '" + m.name + "' has an invalid version " + std::to_string(m.version));
      if (m.sqlite.empty()) fail("migration " + std::to_string(m.version) + " has no SQL");
      if (!known.emplace(m.version, &m).second) {
        fail("two migrations share version " + std::to_string(m.version) + " ('" + known[m.version]->name +
             "' and '" + m.name + "')");
      }
    }
  }
  bool pg = db.dialect() == "postgresql";

  auto created = db.transaction([&](Tx& tx) -> core::Result<void> {
    if (pg) {
      if (auto r = tx.query(kPgMigrationLock); !r) return r.error();
    }
    auto r = tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_us BIGINT NOT NULL)");
    if (!r) return r.error();
    return {};
  });
  if (!created) fail("cannot create schema_migrations: " + created.error().message);

  auto applied = db.query("SELECT version, name FROM schema_migrations ORDER BY version");
  if (!applied) fail("cannot read schema_migrations: " + applied.error().message);
  int newestKnown = known.empty() ? 0 : known.rbegin()->first;
  for (const auto& row : applied->rows) {
    auto v = static_cast<int>(row.i64(0));
    if (known.find(v) == known.end()) {
      fail("the database has schema version " + std::to_string(v) + " ('" + row.str(1) +
           "') which this hujiaod does not know (it knows up to " + std::to_string(newestKnown) +
           "): the database was written by a newer version. Refusing to start; run the newer hujiaod or "
           "restore a backup made for this version.");
    }
  }
  std::set<int> done;
  for (const auto& row : applied->rows) done.insert(static_cast<int>(row.i64(0)));

  for (const auto& [version, m] : known) {
    if (done.count(version) != 0) continue;
    const std::string& sql = pg && !m->postgres.empty() ? m->postgres : m->sqlite;
    bool ranHere = false;
    auto r = db.transaction([&](Tx& tx) -> core::Result<void> {
      if (pg) {
        if (auto l = tx.query(kPgMigrationLock); !l) return l.error();
      }
      // Another process may have applied it while we waited for the lock.
      auto seen = tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", {int64_t{version}});
      if (!seen) return seen.error();
      if (!seen->empty()) return {};
      for (const auto& stmt : splitStatements(sql)) {
        if (auto e = tx.exec(stmt); !e) return e.error();
      }
      auto ins = tx.exec("INSERT INTO schema_migrations (version, name, applied_us) VALUES ($1, $2, $3)",
                         {int64_t{version}, m->name, nowUs()});
      if (!ins) return ins.error();
      ranHere = true;
      return {};
    });
    if (!r) fail("migration " + std::to_string(version) + " ('" + m->name + "') failed: " + r.error().message);
    if (ranHere) log->info("applied schema migration {} ({})", version, m->name);
  }
}

}  // namespace hujiao::store
