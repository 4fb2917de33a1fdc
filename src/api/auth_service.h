#pragma once
// Authentication: login (Argon2id verification, lockout after repeated
// failures), bearer tokens (only their SHA-256 is stored, as store Sessions),
// logout, and the principal cache that keeps the hot path off the database:
// token hash -> Principal for a short TTL, invalidated on logout and whenever a
// user, role or department changes through the API.
//
// Threads: every method is called on pool threads, concurrently; the cache is
// guarded by a shared_mutex (readers on the hot path do not exclude each other).
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "api/audit_log.h"
#include "api/authz.h"
#include "api/crypto.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace hujiao::api {

struct AuthSettings {
  int64_t maxFailures = 5;
  int64_t lockoutSeconds = 900;
  int64_t tokenTtlSeconds = 12 * 3600;
  int64_t minPasswordLength = 8;
  int64_t cacheTtlMs = 5000;
  PasswordParams password;
};

struct LoginResult {
  std::string token;
  int64_t expiresUs = 0;
  store::User user;
  std::shared_ptr<const Principal> principal;
};

class AuthService {
 public:
  AuthService(store::Store& store, AuditLog& audit, const core::Clock& clock, AuthSettings settings);

  /// SIGHUP: lockout, TTL and password-length settings apply to the next request.
  void reload(const AuthSettings& settings);
  AuthSettings settings() const;

  /// Errors: invalid_credentials (unknown user or wrong password, same answer and
  /// similar timing), account_locked, account_disabled. Audits every outcome.
  core::Result<LoginResult> login(const std::string& username, const std::string& password,
                                  const std::string& source);
  /// Bearer token -> principal. Error "unauthorized" (unknown, expired, revoked,
  /// user disabled or deleted).
  core::Result<std::shared_ptr<const Principal>> authenticate(const std::string& token);
  core::Result<void> logout(const Principal& p, const std::string& source);

  /// Checks the minimum length, then hashes. Error "weak_password".
  core::Result<std::string> hashNewPassword(const std::string& password) const;
  bool verify(const std::string& password, const std::string& encoded) const;

  /// Cache invalidation (called after changes made through the API).
  void invalidateUser(const std::string& userId);
  void invalidateAll();
  void revokeUserSessions(const std::string& userId);

  /// Extracts the token from "Bearer xxx" ("" when absent/malformed).
  static std::string bearerToken(const std::string& authorizationHeader);

 private:
  core::Result<std::shared_ptr<const Principal>> loadPrincipal(const store::User& user, const store::Session* s);
  struct Cached {
    std::shared_ptr<const Principal> principal;
    int64_t validUntilMonoUs;
  };

  store::Store& store_;
  AuditLog& audit_;
  const core::Clock& clock_;
  mutable std::mutex settingsMu_;
  AuthSettings settings_;
  std::string dummyHash_;  // verified against for unknown users (timing)
  std::shared_mutex cacheMu_;
  std::unordered_map<std::string, Cached> cache_;  // key: token hash
};

}  // namespace hujiao::api
