// First-start admin and demo data (see api_server.h, docs/api.md "Demo users").
#include <nlohmann/json.hpp>

#include "api/api_server.h"
#include "api/codec.h"
#include "api/crypto.h"
#include "call/telephony_service.h"
#include "core/log.h"

namespace hujiao::api {

namespace {

core::Result<std::string> roleId(store::Store& store, const std::string& name) {
  auto r = store.roles().getByName(name);
  if (!r) return core::makeError(r.error().code, "built-in role '" + name + "': " + r.error().message);
  return r->id;
}

// Finds a department by exact name (search is a substring match).
core::Result<std::string> findOrCreateDepartment(store::Store& store, const std::string& name,
                                                 const std::string& description) {
  store::ListQuery q;
  q.search = name;
  q.limit = 1000;
  auto page = store.departments().list(q);
  if (!page) return page.error();
  for (const auto& d : page->items)
    if (d.name == name) return d.id;
  store::Department d;
  d.name = name;
  d.description = description;
  auto created = store.departments().create(d);
  if (!created) return created.error();
  return created->id;
}

}  // namespace

core::Result<std::string> ensureAdmin(store::Store& store, const std::map<std::string, std::string>& env,
                                      std::ostream& out) {
  auto n = store.users().count();
  if (!n) return n.error();
  if (*n > 0) return std::string();
  auto admin = roleId(store, "admin");
  if (!admin) return admin.error();
  std::string password;
  bool generated = false;
  if (auto it = env.find("HUJIAO_ADMIN_PASSWORD"); it != env.end() && !it->second.empty()) {
    password = it->second;
  } else {
    password = generatePassword(20);
    generated = true;
  }
  auto hash = hashPassword(password, PasswordParams{});
  if (!hash) return hash.error();
  store::User u;
  u.username = "admin";
  u.displayName = "Administrator";
  u.roleIds = {*admin};
  u.passwordHash = *hash;
  auto created = store.users().create(u);
  if (!created) return created.error();
  store::AuditEntry e;
  e.username = "system";
  e.action = "create";
  e.resource = "users";
  e.resourceId = created->id;
  e.after = toJson(*created).dump();
  (void)store.audit().append(e);
  if (generated) {
    // Printed once, never logged to a file: it is not stored anywhere else.
    out << "hujiaod: created user 'admin' with password: " << password << "\n"
        << "hujiaod: (set HUJIAO_ADMIN_PASSWORD before the first start to choose it)" << std::endl;
  } else {
    core::logger("api")->info("created user 'admin' with the password from HUJIAO_ADMIN_PASSWORD");
  }
  return password;
}

core::Result<void> seedDemoData(store::Store& store) {
  auto d1 = findOrCreateDepartment(store, "客服一部", "Service 1 (demo)");
  if (!d1) return d1.error();
  auto d2 = findOrCreateDepartment(store, "客服二部", "Service 2 (demo)");
  if (!d2) return d2.error();
  struct Demo {
    const char* username;
    const char* displayName;
    const char* role;
    std::string department;
  };
  const Demo demo[] = {
      {"supervisor1", "张主管 (Supervisor 1)", "supervisor", *d1},
      {"agent1001", "李坐席 (Agent 1001)", "agent", *d1},
      {"agent1002", "王坐席 (Agent 1002)", "agent", *d1},
      {"supervisor2", "赵主管 (Supervisor 2)", "supervisor", *d2},
      {"agent2001", "陈坐席 (Agent 2001)", "agent", *d2},
      {"auditor1", "审计员 (Auditor)", "auditor", ""},
  };
  for (const auto& d : demo) {
    auto existing = store.users().getByUsername(d.username);
    if (existing) continue;
    if (existing.error().code != "not_found") return existing.error();
    auto role = roleId(store, d.role);
    if (!role) return role.error();
    auto hash = hashPassword(std::string(d.username) + "-demo", PasswordParams{});
    if (!hash) return hash.error();
    store::User u;
    u.username = d.username;
    u.displayName = d.displayName;
    u.departmentId = d.department;
    u.roleIds = {*role};
    u.passwordHash = *hash;
    auto created = store.users().create(u);
    if (!created && created.error().code != "conflict") return created.error();
  }
  return {};
}

core::Result<void> seedTelephonyDemo(store::Store& store, call::TelephonyService& tel) {
  auto d1 = findOrCreateDepartment(store, "客服一部", "Service 1 (demo)");
  if (!d1) return d1.error();
  auto d2 = findOrCreateDepartment(store, "客服二部", "Service 2 (demo)");
  if (!d2) return d2.error();
  struct Demo {
    const char* number;
    const char* name;
    std::string department;
  };
  const Demo demo[] = {{"1001", "李坐席 (1001)", *d1}, {"1002", "王坐席 (1002)", *d1}, {"1003", "张主管 (1003)", *d1},
                       {"1004", "陈坐席 (1004)", *d2}, {"1005", "赵主管 (1005)", *d2}};
  for (const auto& d : demo) {
    call::Extension e;
    e.number = d.number;
    e.displayName = d.name;
    e.departmentId = d.department;
    e.password = std::string(d.number) + "-demo";
    auto created = tel.createExtension(e);
    if (!created && created.error().code != "conflict") return created.error();
  }
  call::Did did;
  did.number = "4000";
  did.target = "1001";
  did.description = "Demo: the service line rings extension 1001";
  auto created = tel.createDid(did);
  if (!created && created.error().code != "conflict") return created.error();
  // The bilingual demo IVR (center::IvrService publishes flow "demo" at start).
  call::Did ivr;
  ivr.number = "4001";
  ivr.targetType = "flow";
  ivr.target = "demo";
  ivr.description = "Demo: the bilingual IVR hotline (flow 'demo')";
  auto createdIvr = tel.createDid(ivr);
  if (!createdIvr && createdIvr.error().code != "conflict") return createdIvr.error();
  return {};
}

}  // namespace hujiao::api
