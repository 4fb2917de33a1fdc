// The API's read caches: ResponseCache itself, the users list cache (stale
// after any write through the store, bounded in age for writes it cannot see)
// and the principal cache of AuthService (logout, revocation, role and user
// changes take effect on the next request).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "api/audit_log.h"
#include "api/auth_service.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/ws_hub.h"
#include "core/clock.h"

namespace hujiao::api {
namespace {

namespace fs = std::filesystem;

// "k<i>", appended: GCC 12 -O3 reports a false -Wrestrict on "k" + to_string(i).
std::string key(int i) {
  std::string k(1, 'k');
  k += std::to_string(i);
  return k;
}

HttpResponse body(const std::string& b) {
  HttpResponse r;
  r.body = b;
  return r;
}

TEST(ResponseCache, HitsOnlyAtTheSameGeneration) {
  core::VirtualClock clock;
  ResponseCache c(clock, 16, std::chrono::milliseconds(1000));
  EXPECT_FALSE(c.get("k", 1));
  c.put("k", 1, body("one"));
  auto hit = c.get("k", 1);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "one");
  EXPECT_EQ(hit->status, 200);
  EXPECT_FALSE(c.get("k", 2)) << "a write happened since: stale";
  EXPECT_FALSE(c.get("other", 1));
}

TEST(ResponseCache, EntriesExpireAfterMaxAge) {
  core::VirtualClock clock;
  ResponseCache c(clock, 16, std::chrono::milliseconds(1000));
  c.put("k", 1, body("one"));
  clock.advanceMs(999);
  EXPECT_TRUE(c.get("k", 1));
  clock.advanceMs(1);
  EXPECT_FALSE(c.get("k", 1));
}

TEST(ResponseCache, AnOlderReadNeverReplacesANewerOne) {
  core::VirtualClock clock;
  ResponseCache c(clock, 16, std::chrono::milliseconds(1000));
  c.put("k", 5, body("new"));
  c.put("k", 4, body("old"));  // a slow reader that started before the write
  ASSERT_TRUE(c.get("k", 5));
  EXPECT_EQ(c.get("k", 5)->body, "new");
  c.put("k", 6, body("newer"));
  EXPECT_EQ(c.get("k", 6)->body, "newer");
}

TEST(ResponseCache, SizeIsBounded) {
  core::VirtualClock clock;
  ResponseCache c(clock, 4, std::chrono::milliseconds(1000));
  for (int i = 0; i < 100; ++i) c.put(key(i), 1, body("x"));
  EXPECT_LE(c.size(), 4u);
  EXPECT_TRUE(c.get("k99", 1));
  c.clear();
  EXPECT_EQ(c.size(), 0u);
}

TEST(ResponseCache, BodyBytesAreBounded) {
  core::VirtualClock clock;
  ResponseCache c(clock, 1000, std::chrono::milliseconds(1000), 8000);
  c.put("big", 1, body(std::string(1001, 'x')));
  EXPECT_FALSE(c.get("big", 1)) << "above an eighth of the budget: not kept";
  for (int i = 0; i < 50; ++i) c.put(key(i), 1, body(std::string(1000, 'x')));
  EXPECT_LE(c.bytes(), 8000u);
  EXPECT_TRUE(c.get("k49", 1));
  c.put("k49", 2, body("small"));
  EXPECT_EQ(c.get("k49", 2)->body, "small");
  EXPECT_LE(c.bytes(), 8000u);
}

TEST(ResponseCache, QueryKeysAreUnambiguous) {
  auto key = [](std::map<std::string, std::string> q) {
    std::string k;
    ResponseCache::appendQueryKey(k, q);
    return k;
  };
  EXPECT_NE(key({{"a", "1"}, {"b", "2"}}), key({{"a", "1b2"}}));
  EXPECT_NE(key({{"q", "x&limit=5"}}), key({{"q", "x"}, {"limit", "5"}}));
  EXPECT_EQ(key({{"limit", "20"}, {"offset", "0"}}), key({{"offset", "0"}, {"limit", "20"}}));
}

// A temporary SQLite store, the API services over it, and the user routes.
class ApiCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("hujiao-api-cache-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir_);
    store_ = store::openStore("sqlite:" + (dir_ / "h.db").string(), 2);
    AuthSettings s;
    s.password.iterations = 1;
    s.password.memoryKiB = 64;  // fast hashing: the test is about caching
    s.cacheTtlMs = 60'000;      // long: invalidation must not rely on expiry
    audit_ = std::make_unique<AuditLog>(*store_, nullptr);
    auth_ = std::make_unique<AuthService>(*store_, *audit_, clock_, s);
    hub_ = std::make_unique<WsHub>(nullptr);
    ctx_ = std::make_unique<ApiContext>(ApiContext{*store_, *auth_, *audit_, *hub_, clock_, nullptr});
    addUserRoutes(router_, *ctx_);
    admin_ = makeUser("boss", {roleId("admin")}, "");
    ASSERT_TRUE(store_->departments().create({"", "d1", "", "", 0, 0}));
  }
  void TearDown() override {
    ctx_.reset();
    hub_.reset();
    auth_.reset();
    audit_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string roleId(const std::string& name) {
    auto r = store_->roles().getByName(name);
    EXPECT_TRUE(r) << name;
    return r ? r->id : "";
  }
  store::User makeUser(const std::string& name, std::vector<std::string> roles, const std::string& dep) {
    store::User u;
    u.username = name;
    u.displayName = name;
    u.departmentId = dep;
    u.roleIds = std::move(roles);
    u.passwordHash = *auth_->hashNewPassword("password-" + name);
    auto c = store_->users().create(u);
    EXPECT_TRUE(c) << c.error().message;
    return *c;
  }
  std::shared_ptr<const Principal> login(const std::string& name, std::string* token = nullptr) {
    auto r = auth_->login(name, "password-" + name, "127.0.0.1");
    EXPECT_TRUE(r) << r.error().message;
    if (token) *token = r->token;
    return r->principal;
  }
  std::string list(const std::shared_ptr<const Principal>& p, const std::string& query = "limit=20") {
    HttpRequest req;
    req.method = "GET";
    req.path = "/api/v1/users";
    req.query = query;
    auto m = router_.match("GET", "/api/v1/users");
    EXPECT_EQ(m.outcome, Router::Outcome::Found);
    RequestContext rc{req, *m.route, {}, {}, p, nullptr};
    auto q = parseQuery(query);
    EXPECT_TRUE(q);
    rc.query = *q;
    auto r = m.route->handler(rc);
    if (!r) return "error:" + r.error().code;
    EXPECT_EQ(r->status, 200);
    return r->body;
  }

  fs::path dir_;
  core::VirtualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<WsHub> hub_;
  std::unique_ptr<ApiContext> ctx_;
  Router router_;
  store::User admin_;
};

TEST_F(ApiCacheTest, UsersListSeesEveryWriteThroughTheStore) {
  auto p = login("boss");
  std::string first = list(p);
  EXPECT_EQ(list(p), first);
  EXPECT_EQ(first.find("\"newbie\""), std::string::npos);
  auto newbie = makeUser("newbie", {}, "");
  std::string second = list(p);
  EXPECT_NE(second.find("\"newbie\""), std::string::npos) << "a create is visible at once";
  // Login bookkeeping (last_login_at) is a write too.
  clock_.advanceMs(1);
  login("newbie");
  std::string third = list(p);
  EXPECT_NE(third, second);
  store::User u = newbie;
  u.displayName = "Renamed Person";
  ASSERT_TRUE(store_->users().update(u));
  EXPECT_NE(list(p).find("Renamed Person"), std::string::npos);
  ASSERT_TRUE(store_->users().remove(newbie.id));
  EXPECT_EQ(list(p).find("\"newbie\""), std::string::npos) << "a delete is visible at once";
}

TEST_F(ApiCacheTest, UsersListServesRepeatsFromTheCacheWithinMaxAge) {
  auto p = login("boss");
  std::string before = list(p);
  // Another process writing the same database file is invisible to this
  // store's write generation: the cached page is served until its max age.
  {
    auto other = store::openStore("sqlite:" + (dir_ / "h.db").string(), 1);
    store::User u;
    u.username = "outsider";
    u.passwordHash = "x";
    ASSERT_TRUE(other->users().create(u));
  }
  EXPECT_EQ(list(p), before) << "served from the cache";
  clock_.advanceMs(1000);
  EXPECT_NE(list(p).find("\"outsider\""), std::string::npos) << "expired after max age";
}

TEST_F(ApiCacheTest, UsersListIsCachedPerQueryAndPerVisibility) {
  auto deps = store_->departments().list(store::ListQuery{});
  ASSERT_TRUE(deps);
  ASSERT_EQ(deps->items.size(), 1u);
  std::string d1 = deps->items[0].id;
  auto sup = makeUser("sup", {roleId("supervisor")}, d1);
  makeUser("inside", {}, d1);
  makeUser("outside", {}, "");
  auto boss = login("boss");
  auto supervisor = login("sup");
  std::string all = list(boss);
  std::string scoped = list(supervisor);
  EXPECT_NE(all.find("\"outside\""), std::string::npos);
  EXPECT_EQ(scoped.find("\"outside\""), std::string::npos) << "department scope must not get scope all's page";
  EXPECT_NE(scoped.find("\"inside\""), std::string::npos);
  EXPECT_EQ(list(supervisor), scoped);
  EXPECT_EQ(list(boss), all);
  EXPECT_NE(list(boss, "limit=1"), all);
  EXPECT_NE(list(boss, "limit=20&q=inside"), all);
  EXPECT_EQ(list(supervisor, "department_id=other"), "error:forbidden") << "errors are never cached answers";
}

TEST_F(ApiCacheTest, LogoutAndRevocationTakeEffectOnTheNextRequest) {
  std::string token;
  auto p = login("boss", &token);
  ASSERT_TRUE(auth_->authenticate(token));
  ASSERT_TRUE(auth_->authenticate(token)) << "cached";
  ASSERT_TRUE(auth_->logout(*p, "127.0.0.1"));
  auto after = auth_->authenticate(token);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, "unauthorized");

  std::string token2;
  login("boss", &token2);
  ASSERT_TRUE(auth_->authenticate(token2));
  auth_->revokeUserSessions(admin_.id);
  EXPECT_FALSE(auth_->authenticate(token2)) << "revoked sessions end at once, despite the cache";
}

TEST_F(ApiCacheTest, RoleAndUserChangesReachTheCachedPrincipal) {
  auto u = makeUser("agentx", {roleId("agent")}, "");
  std::string token;
  login("agentx", &token);
  auto p = auth_->authenticate(token);
  ASSERT_TRUE(p);
  EXPECT_FALSE((*p)->has("users.write"));
  store::User changed = u;
  changed.roleIds = {roleId("admin")};
  ASSERT_TRUE(store_->users().update(changed));
  auth_->invalidateUser(u.id);
  p = auth_->authenticate(token);
  ASSERT_TRUE(p);
  EXPECT_TRUE((*p)->has("users.write")) << "new roles apply on the next request";
  changed.enabled = false;
  ASSERT_TRUE(store_->users().update(changed));
  auth_->invalidateUser(u.id);
  EXPECT_FALSE(auth_->authenticate(token)) << "a disabled user is refused on the next request";
}

}  // namespace
}  // namespace hujiao::api
