#pragma once
// The store: repositories over SQLite (embedded default) or PostgreSQL.
//
// Threads: every method is synchronous and thread-safe (each call borrows a
// connection from the backend's pool). Call it from the service plane (API
// worker threads, the store writer thread), NEVER from the control thread or a
// media worker: a database round trip must not stall calls.
//
// Errors: Result<T> with Error.code one of
//   "not_found", "conflict" (unique violation), "invalid" (constraint/argument),
//   "unavailable" (connection lost, database locked past the busy timeout),
//   "internal".
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "store/db.h"

namespace hujiao::store {

using core::Result;

struct Department {
  std::string id;
  std::string name;
  std::string parentId;  // "" for a root department
  std::string description;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

/// Role scope: "all" sees every department's data; "department" only the
/// user's own department and its descendants; "self" only the user's own data.
struct Role {
  std::string id;
  std::string name;  // unique; built-in: admin, supervisor, agent, auditor
  std::string description;
  std::vector<std::string> permissions;  // e.g. "users.read"; from permissionCatalogue(); returned sorted
  std::string scope = "department";
  bool builtin = false;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

struct User {
  std::string id;
  std::string username;  // unique, case-sensitive
  std::string displayName;
  std::string email;
  std::string phone;
  std::string departmentId;  // "" = none
  std::vector<std::string> roleIds;  // returned sorted
  std::string passwordHash;  // Argon2id encoded string; never leaves the API
  bool enabled = true;
  int64_t failedLogins = 0;
  int64_t lockedUntilUs = 0;  // 0 = not locked
  int64_t lastLoginUs = 0;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

/// A bearer token session. Only the SHA-256 of the token is stored.
struct Session {
  std::string id;
  std::string tokenHash;  // hex SHA-256
  std::string userId;
  int64_t createdUs = 0;
  int64_t expiresUs = 0;
  int64_t revokedUs = 0;  // 0 = live
  std::string sourceAddress;
};

struct AuditEntry {
  std::string id;
  int64_t tsUs = 0;
  std::string userId;    // who ("" for the system)
  std::string username;  // denormalised for reading the log after a user is deleted
  std::string action;    // "create", "update", "delete", "login", "logout", "login_failed", ...
  std::string resource;  // "users", "roles", ...
  std::string resourceId;
  std::string before;  // JSON text or ""
  std::string after;   // JSON text or ""
  std::string sourceAddress;
  std::string departmentId;  // department of the resource, for scoped reading
};

/// Pagination and filters for list calls. Lists are ordered by id (time order).
struct ListQuery {
  int64_t limit = 50;  // 1..1000 (the API validates)
  int64_t offset = 0;
  std::string search;                      // substring on the main name fields, "" = any
  std::vector<std::string> departmentIds;  // restrict to these departments; empty = no restriction
  // Audit-only filters:
  std::string userId;
  std::string resource;
  std::string action;
  int64_t fromUs = 0;  // ts >= fromUs; 0 = open
  int64_t toUs = 0;    // ts < toUs; 0 = open
};

template <class T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;  // rows matching the filters, ignoring limit/offset
};

class Departments {
 public:
  virtual ~Departments() = default;
  virtual Result<Department> create(const Department& d) = 0;  // fills id, times when empty
  virtual Result<Department> get(const std::string& id) = 0;
  virtual Result<Department> update(const Department& d) = 0;
  virtual Result<void> remove(const std::string& id) = 0;  // "conflict" if it has users or children
  virtual Result<Page<Department>> list(const ListQuery& q) = 0;
  /// id and every descendant id (for scope checks).
  virtual Result<std::vector<std::string>> subtree(const std::string& id) = 0;
};

class Roles {
 public:
  virtual ~Roles() = default;
  virtual Result<Role> create(const Role& r) = 0;
  virtual Result<Role> get(const std::string& id) = 0;
  virtual Result<Role> getByName(const std::string& name) = 0;
  virtual Result<Role> update(const Role& r) = 0;  // "invalid" for a builtin role
  virtual Result<void> remove(const std::string& id) = 0;  // "invalid" builtin, "conflict" in use
  virtual Result<Page<Role>> list(const ListQuery& q) = 0;
};

class Users {
 public:
  virtual ~Users() = default;
  virtual Result<User> create(const User& u) = 0;
  virtual Result<User> get(const std::string& id) = 0;
  virtual Result<User> getByUsername(const std::string& username) = 0;
  virtual Result<User> update(const User& u) = 0;  // every field incl. roles and password hash
  virtual Result<void> remove(const std::string& id) = 0;
  virtual Result<Page<User>> list(const ListQuery& q) = 0;
  /// Atomic login bookkeeping (no read-modify-write race between API threads).
  /// failedLogins += 1; when it reaches maxFailures (> 0), lockedUntilUs = lockUntilUs.
  virtual Result<void> recordLoginFailure(const std::string& id, int64_t maxFailures, int64_t lockUntilUs) = 0;
  /// failedLogins = 0, lockedUntilUs = 0, lastLoginUs = nowUs.
  virtual Result<void> recordLoginSuccess(const std::string& id, int64_t nowUs) = 0;
  virtual Result<int64_t> count() = 0;
};

class Sessions {
 public:
  virtual ~Sessions() = default;
  virtual Result<Session> create(const Session& s) = 0;
  /// The session as stored, revoked or expired ones included: the caller
  /// checks revokedUs and expiresUs. "not_found" when no session has the hash.
  virtual Result<Session> getByTokenHash(const std::string& tokenHash) = 0;
  virtual Result<void> revoke(const std::string& id, int64_t nowUs) = 0;
  virtual Result<void> revokeAllForUser(const std::string& userId, int64_t nowUs) = 0;
  /// Deletes sessions expired or revoked at nowUs; returns how many.
  virtual Result<int64_t> purgeExpired(int64_t nowUs) = 0;
};

class Audit {
 public:
  virtual ~Audit() = default;
  virtual Result<AuditEntry> append(const AuditEntry& e) = 0;
  /// Newest first. search matches username and resourceId; departmentIds
  /// filters on the entry's departmentId.
  virtual Result<Page<AuditEntry>> list(const ListQuery& q) = 0;
};

/// The whole store. Open with Store::open(config); migrations run there.
class Store {
 public:
  virtual ~Store() = default;
  /// "sqlite" or "postgresql".
  virtual std::string backend() const = 0;
  virtual Departments& departments() = 0;
  virtual Roles& roles() = 0;
  virtual Users& users() = 0;
  virtual Sessions& sessions() = 0;
  virtual Audit& audit() = 0;
  /// The SQL layer underneath, for other modules' repositories (sip, report...).
  virtual Db& db() = 0;
  /// A cheap round trip ("SELECT 1"), for /healthz and the store-latency metric.
  virtual Result<void> ping() = 0;
  /// Flush and close (SIGTERM). Idempotent.
  virtual void close() = 0;
};

/// Adds the "store" config section (store.url, pool size, busy timeout, ...).
void addStoreConfig(core::ConfigSchema& schema);

/// Opens the backend named by store.url ("sqlite:var/hujiao.db" default, or
/// "postgresql://user@host:port/db"), applies pending migrations, and seeds the
/// built-in roles. Throws std::runtime_error on failure (start-up only).
/// `migrations` are other modules' schema changes (sip, report, ...), applied
/// with the store's own in version order.
std::unique_ptr<Store> openStore(const core::Config& config, const std::vector<Migration>& migrations = {});
/// Same, from a URL and pool size directly (tests).
std::unique_ptr<Store> openStore(const std::string& url, int poolSize = 4,
                                 const std::vector<Migration>& migrations = {});

/// Every store setting (what addStoreConfig's keys hold).
struct StoreOptions {
  std::string url = "sqlite:var/hujiao.db";
  int poolSize = 8;
  int busyTimeoutMs = 5000;
  std::string sqliteSynchronous = "full";  // off, normal, full, extra
  int pgConnectTimeoutS = 5;
};
/// Same, from explicit options.
std::unique_ptr<Store> openStore(const StoreOptions& options, const std::vector<Migration>& migrations = {});

}  // namespace hujiao::store
