#include "api/authz.h"

#include <gtest/gtest.h>

#include "api/ws_hub.h"

namespace hujiao::api {
namespace {

store::Role role(const std::string& name, std::vector<std::string> perms, const std::string& scope) {
  store::Role r;
  r.id = name + "-id";
  r.name = name;
  r.permissions = std::move(perms);
  r.scope = scope;
  return r;
}

store::User user(const std::string& id, const std::string& dep) {
  store::User u;
  u.id = id;
  u.username = id;
  u.departmentId = dep;
  return u;
}

const store::Role kSupervisor = role("supervisor", {"users.read", "users.write", "events.read", "audit.read"},
                                     "department");
const store::Role kAgent = role("agent", {"events.read"}, "self");
const store::Role kAdmin = role("admin", {"users.read", "users.write", "roles.write", "events.read", "audit.read"},
                                "all");

TEST(Principal, PermissionsAreTheUnionAndScopeTheWidest) {
  Principal p = buildPrincipal(user("u1", "d1"), {kAgent, kSupervisor}, {"d1", "d1a"});
  EXPECT_TRUE(p.has("users.write"));
  EXPECT_TRUE(p.has("events.read"));
  EXPECT_FALSE(p.has("roles.write"));
  EXPECT_EQ(p.scope, Scope::Department);
  EXPECT_EQ(p.departmentIds, (std::set<std::string>{"d1", "d1a"}));
}

TEST(Principal, NoRolesMeansNothing) {
  Principal p = buildPrincipal(user("u1", "d1"), {}, {});
  EXPECT_TRUE(p.permissions.empty());
  EXPECT_EQ(p.scope, Scope::Self);
  EXPECT_FALSE(requirePermission(p, "users.read").ok());
}

TEST(Principal, DepartmentScopeSeesSubtreeOnly) {
  Principal p = buildPrincipal(user("sup", "d1"), {kSupervisor}, {"d1", "d1a"});
  EXPECT_TRUE(p.seesDepartment("d1"));
  EXPECT_TRUE(p.seesDepartment("d1a"));
  EXPECT_FALSE(p.seesDepartment("d2"));
  EXPECT_FALSE(p.seesDepartment(""));
  EXPECT_TRUE(p.seesUser("other", "d1a"));
  EXPECT_FALSE(p.seesUser("other", "d2"));
  EXPECT_FALSE(p.seesUser("other", ""));
  EXPECT_TRUE(p.seesUser("sup", "d1"));
}

TEST(Principal, SelfScopeSeesOnlySelf) {
  Principal p = buildPrincipal(user("a1", "d1"), {kAgent}, {});
  EXPECT_TRUE(p.seesUser("a1", "d1"));
  EXPECT_FALSE(p.seesUser("a2", "d1"));
  EXPECT_TRUE(p.departmentIds.empty());
}

TEST(Principal, AllScopeSeesEverything) {
  Principal p = buildPrincipal(user("admin", ""), {kAdmin}, {});
  EXPECT_TRUE(p.seesDepartment("anything"));
  EXPECT_TRUE(p.seesDepartment(""));
  EXPECT_TRUE(p.seesUser("x", ""));
}

TEST(Authz, ForbiddenNamesThePermission) {
  Principal p = buildPrincipal(user("a1", "d1"), {kAgent}, {});
  auto r = requirePermission(p, "users.read");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "forbidden");
  EXPECT_NE(r.error().message.find("users.read"), std::string::npos);
}

TEST(Authz, SupervisorCannotGrantWhatHeLacks) {
  Principal p = buildPrincipal(user("sup", "d1"), {kSupervisor}, {"d1"});
  EXPECT_TRUE(canGrant(p, kAgent.permissions, Scope::Self, "agent").ok());
  auto admin = canGrant(p, kAdmin.permissions, Scope::All, "admin");
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, "forbidden");
  EXPECT_NE(admin.error().message.find("roles.write"), std::string::npos);
  // Same permissions but a wider scope is refused too.
  auto wider = canGrant(p, {"users.read"}, Scope::All, "wide");
  ASSERT_FALSE(wider.ok());
  EXPECT_NE(wider.error().message.find("scope"), std::string::npos);
}

TEST(Scope, ParseAndName) {
  EXPECT_EQ(parseScope("all"), Scope::All);
  EXPECT_EQ(parseScope("department"), Scope::Department);
  EXPECT_EQ(parseScope("self"), Scope::Self);
  EXPECT_EQ(parseScope("bogus"), Scope::Self);  // fail safe
  EXPECT_EQ(scopeName(Scope::Department), "department");
}

core::Event event(const std::string& type, const std::string& dep) {
  core::Event e;
  e.type = type;
  e.departmentId = dep;
  return e;
}

TEST(EventFilter, ScopeAndPermissions) {
  Principal sup = buildPrincipal(user("sup", "d1"), {kSupervisor}, {"d1"});
  Principal agent = buildPrincipal(user("a1", "d1"), {kAgent}, {});
  Principal admin = buildPrincipal(user("admin", ""), {kAdmin}, {});
  Principal none = buildPrincipal(user("n", "d1"), {}, {});
  EXPECT_TRUE(WsHub::allowed(sup, event("audit", "d1")));
  EXPECT_FALSE(WsHub::allowed(sup, event("audit", "d2")));
  EXPECT_TRUE(WsHub::allowed(sup, event("health", "")));
  EXPECT_TRUE(WsHub::allowed(admin, event("audit", "d2")));
  EXPECT_FALSE(WsHub::allowed(agent, event("audit", "d1")));  // audit events need audit.read
  EXPECT_TRUE(WsHub::allowed(agent, event("health", "")));
  EXPECT_TRUE(WsHub::allowed(agent, event("agent.state_changed", "d1")));
  EXPECT_FALSE(WsHub::allowed(agent, event("agent.state_changed", "d2")));
  EXPECT_FALSE(WsHub::allowed(none, event("health", "")));
}

}  // namespace
}  // namespace hujiao::api
