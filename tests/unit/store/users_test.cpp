// Users on both backends: CRUD with roles, uniqueness, lists, login bookkeeping.
#include <algorithm>
#include <atomic>
#include <thread>

#include "test_support.h"

namespace hujiao::store::test {
namespace {

class UsersTest : public StoreTest {
 protected:
  std::string roleId(const std::string& name) {
    auto r = s().roles().getByName(name);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : "";
  }
  Department dept(const std::string& name) {
    Department d;
    d.name = name;
    auto r = s().departments().create(d);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : d;
  }
  User user(const std::string& username, const std::string& deptId = "") {
    User u;
    u.username = username;
    u.displayName = "User " + username;
    u.departmentId = deptId;
    u.passwordHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    auto r = s().users().create(u);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : u;
  }
};

TEST_P(UsersTest, CreateGetUpdateRemoveWithRoles) {
  Department sales = dept("Sales");
  Department support = dept("Support");
  User u;
  u.username = "alice";
  u.displayName = "Alice Liddell";
  u.email = "alice@example.com";
  u.phone = "+861012345678";
  u.departmentId = sales.id;
  u.roleIds = {roleId("supervisor"), roleId("agent")};
  u.passwordHash = "$argon2id$v=19$hash";
  u.enabled = true;
  auto created = s().users().create(u);
  ASSERT_OK(created);
  EXPECT_FALSE(created->id.empty());

  auto got = s().users().get(created->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->username, "alice");
  EXPECT_EQ(got->displayName, "Alice Liddell");
  EXPECT_EQ(got->email, "alice@example.com");
  EXPECT_EQ(got->phone, "+861012345678");
  EXPECT_EQ(got->departmentId, sales.id);
  EXPECT_EQ(got->passwordHash, "$argon2id$v=19$hash");
  EXPECT_TRUE(got->enabled);
  std::vector<std::string> roles = {roleId("supervisor"), roleId("agent")};
  std::sort(roles.begin(), roles.end());
  EXPECT_EQ(got->roleIds, roles);
  auto byName = s().users().getByUsername("alice");
  ASSERT_OK(byName);
  EXPECT_EQ(byName->id, created->id);

  User change = *got;
  change.username = "alice2";
  change.displayName = "A. L.";
  change.departmentId = support.id;
  change.roleIds = {roleId("auditor")};
  change.passwordHash = "$argon2id$new";
  change.enabled = false;
  change.lockedUntilUs = 123;
  auto updated = s().users().update(change);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->username, "alice2");
  EXPECT_EQ(updated->departmentId, support.id);
  EXPECT_EQ(updated->roleIds, std::vector<std::string>{roleId("auditor")});
  EXPECT_EQ(updated->passwordHash, "$argon2id$new");
  EXPECT_FALSE(updated->enabled);
  EXPECT_EQ(updated->lockedUntilUs, 123);
  EXPECT_EQ(updated->createdUs, created->createdUs);
  EXPECT_CODE(s().users().getByUsername("alice"), "not_found");

  change.departmentId = "";
  auto noDept = s().users().update(change);
  ASSERT_OK(noDept);
  EXPECT_EQ(noDept->departmentId, "");

  ASSERT_OK(s().users().remove(created->id));
  EXPECT_CODE(s().users().get(created->id), "not_found");
  EXPECT_CODE(s().users().remove(created->id), "not_found");
  EXPECT_CODE(s().users().update(change), "not_found");
}

TEST_P(UsersTest, UsernamesAreUniqueAndCaseSensitive) {
  user("bob");
  User dup;
  dup.username = "bob";
  auto r = s().users().create(dup);
  EXPECT_CODE(r, "conflict");
  EXPECT_NE(r.error().message.find("bob"), std::string::npos);
  user("Bob");  // a different username
  User renamed = user("carol");
  renamed.username = "bob";
  EXPECT_CODE(s().users().update(renamed), "conflict");
  auto n = s().users().count();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 3);
}

TEST_P(UsersTest, UnknownReferencesAreInvalidAndLeaveNothingBehind) {
  User u;
  u.username = "dave";
  u.departmentId = "no-such-department";
  EXPECT_CODE(s().users().create(u), "invalid");
  u.departmentId = "";
  u.roleIds = {roleId("agent"), "no-such-role"};
  EXPECT_CODE(s().users().create(u), "invalid");
  EXPECT_CODE(s().users().getByUsername("dave"), "not_found");  // the transaction rolled back
  User empty;
  EXPECT_CODE(s().users().create(empty), "invalid");
  EXPECT_CODE(s().users().get("nope"), "not_found");
  User existing = user("erin");
  existing.roleIds = {"no-such-role"};
  EXPECT_CODE(s().users().update(existing), "invalid");
  auto still = s().users().get(existing.id);
  ASSERT_OK(still);
  EXPECT_TRUE(still->roleIds.empty());
}

TEST_P(UsersTest, ListPagesSearchesAndFiltersByDepartment) {
  Department a = dept("A");
  Department b = dept("B");
  std::vector<User> made;
  for (int i = 0; i < 12; ++i) made.push_back(user("user" + std::to_string(i), i % 3 == 0 ? b.id : a.id));
  User special;
  special.username = "zed";
  special.displayName = "Zhang WEI";
  special.email = "zw@example.com";
  special.roleIds = {roleId("agent")};
  auto zed = s().users().create(special);
  ASSERT_OK(zed);
  std::vector<std::string> ids = {zed->id};
  for (const auto& m : made) ids.push_back(m.id);
  std::sort(ids.begin(), ids.end());  // list order

  ListQuery q;
  q.limit = 5;
  q.offset = 10;
  auto page = s().users().list(q);
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 13);
  ASSERT_EQ(page->items.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(page->items[i].id, ids[10 + i]);
    bool isZed = page->items[i].username == "zed";
    EXPECT_EQ(page->items[i].roleIds, isZed ? std::vector<std::string>{roleId("agent")} : std::vector<std::string>{});
  }

  ListQuery search;
  search.search = "wei";
  auto found = s().users().list(search);
  ASSERT_OK(found);
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items[0].username, "zed");
  search.search = "EXAMPLE.COM";
  found = s().users().list(search);
  ASSERT_OK(found);
  EXPECT_EQ(found->total, 1);

  ListQuery inB;
  inB.departmentIds = {b.id};
  auto bUsers = s().users().list(inB);
  ASSERT_OK(bUsers);
  EXPECT_EQ(bUsers->total, 4);
  for (const auto& u : bUsers->items) EXPECT_EQ(u.departmentId, b.id);
  inB.search = "user1";  // user1, user10, user11 are all in A (B has 0, 3, 6, 9)
  auto none = s().users().list(inB);
  ASSERT_OK(none);
  EXPECT_EQ(none->total, 0);
  inB.search = "user9";
  auto one = s().users().list(inB);
  ASSERT_OK(one);
  EXPECT_EQ(one->total, 1);
}

TEST_P(UsersTest, LoginFailuresLockAndSuccessResets) {
  User u = user("frank");
  for (int i = 1; i <= 2; ++i) {
    ASSERT_OK(s().users().recordLoginFailure(u.id, 3, 5'000));
    auto got = s().users().get(u.id);
    ASSERT_OK(got);
    EXPECT_EQ(got->failedLogins, i);
    EXPECT_EQ(got->lockedUntilUs, 0);
  }
  ASSERT_OK(s().users().recordLoginFailure(u.id, 3, 5'000));
  auto locked = s().users().get(u.id);
  ASSERT_OK(locked);
  EXPECT_EQ(locked->failedLogins, 3);
  EXPECT_EQ(locked->lockedUntilUs, 5'000);

  ASSERT_OK(s().users().recordLoginSuccess(u.id, 9'999));
  auto ok = s().users().get(u.id);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->failedLogins, 0);
  EXPECT_EQ(ok->lockedUntilUs, 0);
  EXPECT_EQ(ok->lastLoginUs, 9'999);

  EXPECT_CODE(s().users().recordLoginFailure("nope", 3, 1), "not_found");
  EXPECT_CODE(s().users().recordLoginSuccess("nope", 1), "not_found");
}

TEST_P(UsersTest, ConcurrentLoginFailuresAreAllCounted) {
  User u = user("grace");
  constexpr int kThreads = 6;
  constexpr int kEach = 25;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!s().users().recordLoginFailure(u.id, 50, 777)) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  auto got = s().users().get(u.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->failedLogins, kThreads * kEach);
  EXPECT_EQ(got->lockedUntilUs, 777);
}

TEST_P(UsersTest, DataSurvivesCloseAndReopen) {
  Department d = dept("Kept");
  User u = user("henry", d.id);
  reopen();
  auto got = s().users().getByUsername("henry");
  ASSERT_OK(got);
  EXPECT_EQ(got->id, u.id);
  EXPECT_EQ(got->departmentId, d.id);
  auto dd = s().departments().get(d.id);
  ASSERT_OK(dd);
  EXPECT_EQ(dd->name, "Kept");
}

HUJIAO_STORE_BACKENDS(UsersTest);

}  // namespace
}  // namespace hujiao::store::test
