#include "api/auth_service.h"

#include "api/codec.h"
#include "api/json_schema.h"
#include "core/log.h"
#include "core/time_format.h"

namespace hujiao::api {

namespace {
constexpr size_t kCacheSoftLimit = 20000;  // entries before expired ones are swept
constexpr const char* kBadCredentials = "invalid username or password";
}  // namespace

AuthService::AuthService(store::Store& store, AuditLog& audit, const core::Clock& clock, AuthSettings settings)
    : store_(store), audit_(audit), clock_(clock), settings_(settings) {
  auto dummy = hashPassword(generatePassword(), settings.password);
  if (dummy) dummyHash_ = *dummy;
}

void AuthService::reload(const AuthSettings& s) {
  {
    std::lock_guard lock(settingsMu_);
    settings_ = s;
  }
  invalidateAll();
}

AuthSettings AuthService::settings() const {
  std::lock_guard lock(settingsMu_);
  return settings_;
}

std::string AuthService::bearerToken(const std::string& header) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() <= kPrefix.size()) return "";
  for (size_t i = 0; i < kPrefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(kPrefix[i])))
      return "";
  std::string t = header.substr(kPrefix.size());
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

core::Result<std::string> AuthService::hashNewPassword(const std::string& password) const {
  auto s = settings();
  if (static_cast<int64_t>(utf8Length(password)) < s.minPasswordLength)
    return core::makeError("weak_password",
                           "field 'password': must be at least " + std::to_string(s.minPasswordLength) + " characters");
  if (password.size() > 1024) return core::makeError("weak_password", "field 'password': at most 1024 bytes");
  return hashPassword(password, s.password);
}

bool AuthService::verify(const std::string& password, const std::string& encoded) const {
  return verifyPassword(password, encoded);
}

core::Result<LoginResult> AuthService::login(const std::string& username, const std::string& password,
                                             const std::string& source) {
  auto s = settings();
  int64_t now = clock_.nowUs();
  auto found = store_.users().getByUsername(username);
  if (!found) {
    if (found.error().code != "not_found") return found.error();
    (void)verifyPassword(password, dummyHash_);  // same work as for a real user: no enumeration by timing
    audit_.record(nullptr, source,
                  {"login_failed", "sessions", "", nullptr, {{"username", username}, {"reason", "unknown_user"}}, ""},
                  username);
    return core::makeError("invalid_credentials", kBadCredentials);
  }
  store::User& u = *found;
  Principal who;
  who.userId = u.id;
  who.username = u.username;
  bool passwordOk = verifyPassword(password, u.passwordHash);
  auto lockedMessage = [](int64_t until) {
    return "account locked after repeated failed logins until " + core::formatIso8601(until);
  };
  if (u.lockedUntilUs > now) {
    audit_.record(&who, source,
                  {"login_failed", "sessions", "", nullptr, {{"reason", "account_locked"}}, u.departmentId});
    return core::makeError("account_locked", lockedMessage(u.lockedUntilUs));
  }
  if (!passwordOk) {
    int64_t until = now + s.lockoutSeconds * 1'000'000;
    if (auto r = store_.users().recordLoginFailure(u.id, s.maxFailures, until); !r) return r.error();
    audit_.record(&who, source,
                  {"login_failed", "sessions", "", nullptr, {{"reason", "invalid_credentials"}}, u.departmentId});
    auto after = store_.users().get(u.id);
    if (after && after->lockedUntilUs > now) {
      audit_.record(&who, source,
                    {"lockout", "users", u.id, nullptr,
                     {{"locked_until", core::formatIso8601(after->lockedUntilUs)},
                      {"failed_logins", after->failedLogins}},
                     u.departmentId});
      invalidateUser(u.id);
      return core::makeError("account_locked", lockedMessage(after->lockedUntilUs));
    }
    return core::makeError("invalid_credentials", kBadCredentials);
  }
  if (!u.enabled) {
    audit_.record(&who, source,
                  {"login_failed", "sessions", "", nullptr, {{"reason", "account_disabled"}}, u.departmentId});
    return core::makeError("account_disabled", "account disabled");
  }
  if (auto r = store_.users().recordLoginSuccess(u.id, now); !r) return r.error();
  u.lastLoginUs = now;
  u.failedLogins = 0;
  u.lockedUntilUs = 0;

  LoginResult out;
  out.token = newToken();
  store::Session session;
  session.tokenHash = sha256Hex(out.token);
  session.userId = u.id;
  session.createdUs = now;
  session.expiresUs = now + s.tokenTtlSeconds * 1'000'000;
  session.sourceAddress = source;
  auto created = store_.sessions().create(session);
  if (!created) return created.error();
  auto principal = loadPrincipal(u, &*created);
  if (!principal) return principal.error();
  {
    std::unique_lock lock(cacheMu_);
    cache_[created->tokenHash] = {*principal, clock_.monoUs() + s.cacheTtlMs * 1000};
  }
  audit_.record(principal->get(), source, {"login", "sessions", created->id, nullptr, nullptr, u.departmentId});
  out.expiresUs = created->expiresUs;
  out.user = u;
  out.principal = *principal;
  return out;
}

core::Result<std::shared_ptr<const Principal>> AuthService::loadPrincipal(const store::User& user,
                                                                          const store::Session* s) {
  std::vector<store::Role> roles;
  for (const auto& id : user.roleIds) {
    auto r = store_.roles().get(id);
    if (r) roles.push_back(std::move(*r));
    else if (r.error().code != "not_found") return r.error();
  }
  std::vector<std::string> subtree;
  Principal probe = buildPrincipal(user, roles, {});
  if (probe.scope == Scope::Department && !user.departmentId.empty()) {
    auto t = store_.departments().subtree(user.departmentId);
    if (t) subtree = std::move(*t);
    else if (t.error().code != "not_found") return t.error();
  }
  auto p = std::make_shared<Principal>(buildPrincipal(user, roles, subtree));
  if (s) {
    p->sessionId = s->id;
    p->tokenHash = s->tokenHash;
    p->sessionExpiresUs = s->expiresUs;
  }
  return std::shared_ptr<const Principal>(std::move(p));
}

core::Result<std::shared_ptr<const Principal>> AuthService::authenticate(const std::string& token) {
  if (token.empty()) return core::makeError("unauthorized", "a bearer token is required (Authorization: Bearer ...)");
  if (token.size() > 512) return core::makeError("unauthorized", "invalid or expired token");
  std::string hash = sha256Hex(token);
  int64_t mono = clock_.monoUs();
  int64_t now = clock_.nowUs();
  {
    std::shared_lock lock(cacheMu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.validUntilMonoUs > mono && it->second.principal->sessionExpiresUs > now)
      return it->second.principal;
  }
  auto session = store_.sessions().getByTokenHash(hash);
  if (!session) {
    if (session.error().code == "not_found") return core::makeError("unauthorized", "invalid or expired token");
    return session.error();
  }
  if (session->revokedUs != 0 || session->expiresUs <= now)
    return core::makeError("unauthorized", "invalid or expired token");
  auto user = store_.users().get(session->userId);
  if (!user) {
    if (user.error().code == "not_found") return core::makeError("unauthorized", "invalid or expired token");
    return user.error();
  }
  if (!user->enabled) return core::makeError("unauthorized", "account disabled");
  auto principal = loadPrincipal(*user, &*session);
  if (!principal) return principal.error();
  int64_t ttl = settings().cacheTtlMs * 1000;
  std::unique_lock lock(cacheMu_);
  if (cache_.size() > kCacheSoftLimit)
    std::erase_if(cache_, [mono](const auto& kv) { return kv.second.validUntilMonoUs <= mono; });
  cache_[hash] = {*principal, mono + ttl};
  return *principal;
}

core::Result<void> AuthService::logout(const Principal& p, const std::string& source) {
  if (auto r = store_.sessions().revoke(p.sessionId, clock_.nowUs()); !r) return r;
  {
    std::unique_lock lock(cacheMu_);
    cache_.erase(p.tokenHash);
  }
  audit_.record(&p, source, {"logout", "sessions", p.sessionId, nullptr, nullptr, p.departmentId});
  return {};
}

void AuthService::invalidateUser(const std::string& userId) {
  std::unique_lock lock(cacheMu_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.principal->userId == userId; });
}

void AuthService::invalidateAll() {
  std::unique_lock lock(cacheMu_);
  cache_.clear();
}

void AuthService::revokeUserSessions(const std::string& userId) {
  if (auto r = store_.sessions().revokeAllForUser(userId, clock_.nowUs()); !r)
    core::logger("api")->warn("revoking sessions of {}: {}", userId, r.error().message);
  invalidateUser(userId);
}

}  // namespace hujiao::api
