#pragma once
// Internal: the repositories of store.h written once in portable SQL over Db.
//
// Threads: thread-safe (all state is in the database); service plane only.
#include "store/store.h"

namespace hujiao::store {

class SqlDepartments final : public Departments {
 public:
  explicit SqlDepartments(Db& db) : db_(db) {}
  Result<Department> create(const Department& d) override;
  Result<Department> get(const std::string& id) override;
  Result<Department> update(const Department& d) override;
  Result<void> remove(const std::string& id) override;
  Result<Page<Department>> list(const ListQuery& q) override;
  Result<std::vector<std::string>> subtree(const std::string& id) override;

 private:
  Db& db_;
};

class SqlRoles final : public Roles {
 public:
  explicit SqlRoles(Db& db) : db_(db) {}
  Result<Role> create(const Role& r) override;
  Result<Role> get(const std::string& id) override;
  Result<Role> getByName(const std::string& name) override;
  Result<Role> update(const Role& r) override;
  Result<void> remove(const std::string& id) override;
  Result<Page<Role>> list(const ListQuery& q) override;
  /// Inserts the built-in roles, or brings their permissions up to date.
  Result<void> seedBuiltins();

 private:
  Result<Role> getWhere(const std::string& column, const std::string& value);
  Db& db_;
};

class SqlUsers final : public Users {
 public:
  explicit SqlUsers(Db& db) : db_(db) {}
  Result<User> create(const User& u) override;
  Result<User> get(const std::string& id) override;
  Result<User> getByUsername(const std::string& username) override;
  Result<User> update(const User& u) override;
  Result<void> remove(const std::string& id) override;
  Result<Page<User>> list(const ListQuery& q) override;
  Result<void> recordLoginFailure(const std::string& id, int64_t maxFailures, int64_t lockUntilUs) override;
  Result<void> recordLoginSuccess(const std::string& id, int64_t nowUs) override;
  Result<int64_t> count() override;

 private:
  Result<User> getWhere(const std::string& column, const std::string& value);
  std::string columns() const;
  std::string rolesOf(const std::string& userIdColumn) const;
  Db& db_;
};

class SqlSessions final : public Sessions {
 public:
  explicit SqlSessions(Db& db) : db_(db) {}
  Result<Session> create(const Session& s) override;
  Result<Session> getByTokenHash(const std::string& tokenHash) override;
  Result<void> revoke(const std::string& id, int64_t nowUs) override;
  Result<void> revokeAllForUser(const std::string& userId, int64_t nowUs) override;
  Result<int64_t> purgeExpired(int64_t nowUs) override;

 private:
  Db& db_;
};

class SqlAudit final : public Audit {
 public:
  explicit SqlAudit(Db& db) : db_(db) {}
  Result<AuditEntry> append(const AuditEntry& e) override;
  Result<Page<AuditEntry>> list(const ListQuery& q) override;

 private:
  Db& db_;
};

}  // namespace hujiao::store
