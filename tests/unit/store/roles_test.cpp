// Roles on both backends: built-ins seeded and protected, custom CRUD, in-use.
#include <algorithm>

#include "store/permissions.h"
#include "test_support.h"

namespace hujiao::store::test {
namespace {

class RolesTest : public StoreTest {};

bool has(const Role& r, const std::string& p) {
  return std::find(r.permissions.begin(), r.permissions.end(), p) != r.permissions.end();
}

TEST_P(RolesTest, BuiltinRolesAreSeeded) {
  auto admin = s().roles().getByName("admin");
  ASSERT_OK(admin);
  EXPECT_TRUE(admin->builtin);
  EXPECT_EQ(admin->scope, "all");
  EXPECT_EQ(admin->permissions.size(), permissionCatalogue().size());

  auto sup = s().roles().getByName("supervisor");
  ASSERT_OK(sup);
  EXPECT_EQ(sup->scope, "department");
  EXPECT_TRUE(has(*sup, "users.write"));
  EXPECT_TRUE(has(*sup, "agents.supervise"));
  EXPECT_TRUE(has(*sup, "recordings.listen"));
  EXPECT_TRUE(has(*sup, "reports.read"));
  EXPECT_FALSE(has(*sup, "roles.write"));
  EXPECT_FALSE(has(*sup, "system.admin"));

  auto agent = s().roles().getByName("agent");
  ASSERT_OK(agent);
  EXPECT_EQ(agent->scope, "self");
  EXPECT_TRUE(has(*agent, "agents.control"));
  EXPECT_TRUE(has(*agent, "calls.control"));
  EXPECT_FALSE(has(*agent, "users.read"));

  auto auditor = s().roles().getByName("auditor");
  ASSERT_OK(auditor);
  EXPECT_EQ(auditor->scope, "all");
  EXPECT_TRUE(has(*auditor, "audit.read"));
  EXPECT_TRUE(has(*auditor, "recordings.listen"));
  for (const auto& p : auditor->permissions) {
    bool write = p.find(".write") != std::string::npos || p.find(".control") != std::string::npos ||
                 p.find(".admin") != std::string::npos || p.find(".delete") != std::string::npos;
    EXPECT_FALSE(write) << p;
  }
  ListQuery q;
  auto all = s().roles().list(q);
  ASSERT_OK(all);
  EXPECT_EQ(all->total, 4);
}

TEST_P(RolesTest, BuiltinRolesCannotBeChangedOrDeleted) {
  auto admin = s().roles().getByName("admin");
  ASSERT_OK(admin);
  Role change = *admin;
  change.permissions = {"users.read"};
  EXPECT_CODE(s().roles().update(change), "invalid");
  EXPECT_CODE(s().roles().remove(admin->id), "invalid");
  auto again = s().roles().get(admin->id);
  ASSERT_OK(again);
  EXPECT_EQ(again->permissions.size(), permissionCatalogue().size());
  // Re-seeding on reopen keeps the ids.
  reopen();
  auto reopened = s().roles().getByName("admin");
  ASSERT_OK(reopened);
  EXPECT_EQ(reopened->id, admin->id);
  EXPECT_EQ(reopened->updatedUs, admin->updatedUs);  // unchanged definition: no write
}

TEST_P(RolesTest, CustomRoleCrud) {
  Role r;
  r.name = "Team lead";
  r.description = "leads a team";
  r.permissions = {"users.read", "agents.supervise", "users.read"};
  r.scope = "department";
  r.builtin = true;  // ignored: only the store makes built-in roles
  auto created = s().roles().create(r);
  ASSERT_OK(created);
  EXPECT_FALSE(created->builtin);
  EXPECT_EQ(created->permissions, (std::vector<std::string>{"agents.supervise", "users.read"}));

  auto byName = s().roles().getByName("Team lead");
  ASSERT_OK(byName);
  EXPECT_EQ(byName->id, created->id);
  EXPECT_EQ(byName->description, "leads a team");
  EXPECT_FALSE(byName->builtin);

  Role change = *byName;
  change.permissions = {"reports.read"};
  change.scope = "self";
  change.name = "Lead";
  auto updated = s().roles().update(change);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->permissions, std::vector<std::string>{"reports.read"});
  EXPECT_EQ(updated->scope, "self");
  EXPECT_EQ(updated->name, "Lead");
  EXPECT_CODE(s().roles().getByName("Team lead"), "not_found");

  ListQuery q;
  q.search = "LEA";
  auto found = s().roles().list(q);
  ASSERT_OK(found);
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items[0].id, created->id);

  ASSERT_OK(s().roles().remove(created->id));
  EXPECT_CODE(s().roles().get(created->id), "not_found");
  EXPECT_CODE(s().roles().remove(created->id), "not_found");
  EXPECT_CODE(s().roles().update(change), "not_found");
}

TEST_P(RolesTest, RejectsBadRoles) {
  Role r;
  r.name = "x";
  r.permissions = {"users.read", "users.fly"};
  EXPECT_CODE(s().roles().create(r), "invalid");
  r.permissions = {"users.read"};
  r.scope = "galaxy";
  EXPECT_CODE(s().roles().create(r), "invalid");
  r.scope = "all";
  r.name = "";
  EXPECT_CODE(s().roles().create(r), "invalid");
  r.name = "admin";  // taken by the built-in role
  EXPECT_CODE(s().roles().create(r), "conflict");
  r.name = "ops";
  ASSERT_OK(s().roles().create(r));
  auto second = r;
  EXPECT_CODE(s().roles().create(second), "conflict");
  Role other;
  other.name = "ops2";
  auto o = s().roles().create(other);
  ASSERT_OK(o);
  Role rename = *o;
  rename.name = "ops";
  EXPECT_CODE(s().roles().update(rename), "conflict");
}

TEST_P(RolesTest, RoleInUseCannotBeDeleted) {
  Role r;
  r.name = "ops";
  r.permissions = {"calls.read"};
  auto role = s().roles().create(r);
  ASSERT_OK(role);
  User u;
  u.username = "carol";
  u.roleIds = {role->id};
  auto user = s().users().create(u);
  ASSERT_OK(user);
  EXPECT_CODE(s().roles().remove(role->id), "conflict");
  User noRoles = *user;
  noRoles.roleIds.clear();
  ASSERT_OK(s().users().update(noRoles));
  ASSERT_OK(s().roles().remove(role->id));
}

HUJIAO_STORE_BACKENDS(RolesTest);

}  // namespace
}  // namespace hujiao::store::test
