// Sessions and the audit log on both backends.
#include "test_support.h"

namespace hujiao::store::test {
namespace {

class SessionsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    User u;
    u.username = "ivy";
    auto r = s().users().create(u);
    ASSERT_OK(r);
    user_ = *r;
  }
  Session make(const std::string& hash, int64_t expires) {
    Session x;
    x.tokenHash = hash;
    x.userId = user_.id;
    x.expiresUs = expires;
    x.sourceAddress = "127.0.0.1";
    auto r = s().sessions().create(x);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : x;
  }
  User user_;
};

TEST_P(SessionsTest, CreateLookupRevoke) {
  Session a = make("hash-a", 1'000'000);
  EXPECT_FALSE(a.id.empty());
  EXPECT_GT(a.createdUs, 0);
  auto got = s().sessions().getByTokenHash("hash-a");
  ASSERT_OK(got);
  EXPECT_EQ(got->id, a.id);
  EXPECT_EQ(got->userId, user_.id);
  EXPECT_EQ(got->expiresUs, 1'000'000);
  EXPECT_EQ(got->revokedUs, 0);
  EXPECT_EQ(got->sourceAddress, "127.0.0.1");
  EXPECT_CODE(s().sessions().getByTokenHash("unknown"), "not_found");

  Session dup;
  dup.tokenHash = "hash-a";
  dup.userId = user_.id;
  EXPECT_CODE(s().sessions().create(dup), "conflict");
  Session orphan;
  orphan.tokenHash = "hash-o";
  orphan.userId = "no-such-user";
  EXPECT_CODE(s().sessions().create(orphan), "invalid");

  ASSERT_OK(s().sessions().revoke(a.id, 500));
  ASSERT_OK(s().sessions().revoke(a.id, 600));  // again: no error, first time kept
  auto revoked = s().sessions().getByTokenHash("hash-a");
  ASSERT_OK(revoked);
  EXPECT_EQ(revoked->revokedUs, 500);
  EXPECT_CODE(s().sessions().revoke("nope", 1), "not_found");
}

TEST_P(SessionsTest, RevokeAllAndPurge) {
  make("h1", 1'000);
  make("h2", 5'000);
  Session live = make("h3", 9'000);
  User other;
  other.username = "jack";
  auto o = s().users().create(other);
  ASSERT_OK(o);
  Session x;
  x.tokenHash = "h4";
  x.userId = o->id;
  x.expiresUs = 9'000;
  ASSERT_OK(s().sessions().create(x));

  auto purged = s().sessions().purgeExpired(2'000);  // h1 expired
  ASSERT_OK(purged);
  EXPECT_EQ(*purged, 1);
  EXPECT_CODE(s().sessions().getByTokenHash("h1"), "not_found");

  ASSERT_OK(s().sessions().revokeAllForUser(user_.id, 3'000));
  auto h3 = s().sessions().getByTokenHash("h3");
  ASSERT_OK(h3);
  EXPECT_EQ(h3->revokedUs, 3'000);
  auto h4 = s().sessions().getByTokenHash("h4");
  ASSERT_OK(h4);
  EXPECT_EQ(h4->revokedUs, 0);  // another user's session is untouched

  purged = s().sessions().purgeExpired(3'500);  // h2 and h3 were revoked
  ASSERT_OK(purged);
  EXPECT_EQ(*purged, 2);
  EXPECT_OK(s().sessions().getByTokenHash("h4"));
  (void)live;

  // Deleting a user deletes his sessions.
  ASSERT_OK(s().users().remove(o->id));
  EXPECT_CODE(s().sessions().getByTokenHash("h4"), "not_found");
}

class AuditTest : public StoreTest {
 protected:
  AuditEntry add(int64_t ts, const std::string& user, const std::string& action, const std::string& resource,
                 const std::string& dept = "") {
    AuditEntry e;
    e.tsUs = ts;
    e.userId = user;
    e.username = user.empty() ? "" : "name-" + user;
    e.action = action;
    e.resource = resource;
    e.resourceId = "res-" + std::to_string(ts);
    e.before = R"({"a":1})";
    e.after = R"({"a":2})";
    e.sourceAddress = "10.0.0.1";
    e.departmentId = dept;
    auto r = s().audit().append(e);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : e;
  }
};

TEST_P(AuditTest, AppendAndListNewestFirstWithFilters) {
  add(100, "u1", "create", "users", "d1");
  add(200, "u2", "update", "users", "d2");
  add(300, "u1", "delete", "roles");
  add(400, "", "login_failed", "auth");
  AuditEntry last = add(500, "u1", "update", "departments", "d1");

  ListQuery q;
  auto all = s().audit().list(q);
  ASSERT_OK(all);
  ASSERT_EQ(all->total, 5);
  EXPECT_EQ(all->items[0].tsUs, 500);
  EXPECT_EQ(all->items[4].tsUs, 100);
  const AuditEntry& e = all->items[0];
  EXPECT_EQ(e.id, last.id);
  EXPECT_EQ(e.username, "name-u1");
  EXPECT_EQ(e.before, R"({"a":1})");
  EXPECT_EQ(e.after, R"({"a":2})");
  EXPECT_EQ(e.sourceAddress, "10.0.0.1");
  EXPECT_EQ(e.departmentId, "d1");
  EXPECT_EQ(e.resourceId, "res-500");

  auto count = [&](ListQuery f) {
    auto r = s().audit().list(f);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->total : -1;
  };
  ListQuery byUser;
  byUser.userId = "u1";
  EXPECT_EQ(count(byUser), 3);
  ListQuery byResource;
  byResource.resource = "users";
  EXPECT_EQ(count(byResource), 2);
  ListQuery byAction;
  byAction.action = "update";
  EXPECT_EQ(count(byAction), 2);
  ListQuery window;
  window.fromUs = 200;
  window.toUs = 400;  // [200, 400)
  EXPECT_EQ(count(window), 2);
  ListQuery combined;
  combined.userId = "u1";
  combined.action = "update";
  combined.fromUs = 150;
  EXPECT_EQ(count(combined), 1);
  ListQuery depts;
  depts.departmentIds = {"d1", "d2"};
  EXPECT_EQ(count(depts), 3);
  ListQuery search;
  search.search = "NAME-U2";
  EXPECT_EQ(count(search), 1);

  ListQuery paged;
  paged.limit = 2;
  paged.offset = 2;
  auto p = s().audit().list(paged);
  ASSERT_OK(p);
  EXPECT_EQ(p->total, 5);
  ASSERT_EQ(p->items.size(), 2u);
  EXPECT_EQ(p->items[0].tsUs, 300);

  AuditEntry noAction;
  EXPECT_CODE(s().audit().append(noAction), "invalid");
  AuditEntry fresh;
  fresh.action = "reload";
  auto stamped = s().audit().append(fresh);
  ASSERT_OK(stamped);
  EXPECT_GT(stamped->tsUs, 1'600'000'000'000'000);
  EXPECT_FALSE(stamped->id.empty());
}

HUJIAO_STORE_BACKENDS(SessionsTest);
HUJIAO_STORE_BACKENDS(AuditTest);

}  // namespace
}  // namespace hujiao::store::test
