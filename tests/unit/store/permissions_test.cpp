// The permission catalogue names everything the foundation and later issues need.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/permissions.h"

namespace hujiao::store {
namespace {

TEST(Permissions, CatalogueHasEveryNeededPermission) {
  for (const char* p :
       {"departments.read", "departments.write", "users.read", "users.write", "roles.read", "roles.write",
        "audit.read", "events.read", "system.read", "system.admin", "extensions.read", "extensions.write",
        "trunks.read", "trunks.write", "dids.read", "dids.write", "calls.read", "calls.control", "cdrs.read",
        "flows.read", "flows.write", "blacklist.read", "blacklist.write", "queues.read", "queues.write",
        "agents.read", "agents.control", "agents.supervise", "interactions.read", "interactions.control",
        "recordings.read", "recordings.listen", "recordings.delete", "reports.read", "campaigns.read",
        "campaigns.write", "customers.read", "customers.write", "tickets.read", "tickets.write", "kb.read",
        "kb.write"}) {
    EXPECT_TRUE(isKnownPermission(p)) << p;
  }
  EXPECT_FALSE(isKnownPermission("users.fly"));
  EXPECT_FALSE(isKnownPermission(""));
  const auto& c = permissionCatalogue();
  EXPECT_TRUE(std::is_sorted(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));
  for (const auto& p : c) EXPECT_FALSE(p.description.empty()) << p.name;
}

TEST(Permissions, BuiltinRolesUseOnlyKnownPermissions) {
  ASSERT_EQ(builtinRoles().size(), 4u);
  for (const auto& r : builtinRoles()) {
    EXPECT_FALSE(r.permissions.empty()) << r.name;
    for (const auto& p : r.permissions) EXPECT_TRUE(isKnownPermission(p)) << r.name << ": " << p;
  }
}

}  // namespace
}  // namespace hujiao::store
