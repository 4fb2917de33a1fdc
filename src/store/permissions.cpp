// The permission catalogue and the built-in roles (see permissions.h).
#include "store/permissions.h"

#include <algorithm>

namespace hujiao::store {
namespace {

std::vector<Permission> makeCatalogue() {
  std::vector<Permission> p = {
      {"departments.read", "See departments"},
      {"departments.write", "Create, change and delete departments"},
      {"users.read", "See users"},
      {"users.write", "Create, change, disable and delete users"},
      {"roles.read", "See roles and the permission catalogue"},
      {"roles.write", "Create, change and delete custom roles"},
      {"audit.read", "Read the audit log"},
      {"events.read", "Receive live events over the WebSocket"},
      {"system.read", "See system status, configuration and metrics"},
      {"system.admin", "Reload configuration, back up, administer the server"},
      {"extensions.read", "See SIP extensions"},
      {"extensions.write", "Create, change and delete SIP extensions"},
      {"trunks.read", "See SIP trunks"},
      {"trunks.write", "Create, change and delete SIP trunks"},
      {"dids.read", "See inbound numbers (DIDs)"},
      {"dids.write", "Create, change and delete inbound numbers (DIDs)"},
      {"calls.read", "See live calls"},
      {"calls.control", "Originate, answer, transfer, hold and hang up calls"},
      {"cdrs.read", "Read call detail records"},
      {"flows.read", "See IVR flows"},
      {"flows.write", "Create, change and publish IVR flows"},
      {"blacklist.read", "See the caller blacklist"},
      {"blacklist.write", "Change the caller blacklist"},
      {"queues.read", "See queues and their statistics"},
      {"queues.write", "Create, change and delete queues"},
      {"agents.read", "See agents and their states"},
      {"agents.control", "Change an agent's state (log in, ready, pause, wrap-up)"},
      {"agents.supervise", "Monitor, whisper, barge and force agent states"},
      {"interactions.read", "See interactions (calls, chats, emails) in queues"},
      {"interactions.control", "Accept, transfer and close interactions"},
      {"recordings.read", "See recording metadata"},
      {"recordings.listen", "Play and download recordings"},
      {"recordings.delete", "Delete recordings"},
      {"recordings.policy", "Change the recording policy (what is recorded, never-record lists, retention)"},
      {"qa.score", "Score recordings and manage quality score forms"},
      {"webhooks.read", "See webhooks (URLs and events; never their secrets)"},
      {"webhooks.write", "Create and delete webhooks"},
      {"reports.read", "Read real-time and historical reports"},
      {"campaigns.read", "See outbound campaigns"},
      {"campaigns.write", "Create, change, start and stop outbound campaigns"},
      {"customers.read", "See customers"},
      {"customers.write", "Create, change and delete customers"},
      {"tickets.read", "See tickets"},
      {"tickets.write", "Create, change and close tickets"},
      {"kb.read", "Read the knowledge base"},
      {"kb.write", "Write the knowledge base"},
  };
  std::sort(p.begin(), p.end(), [](const Permission& a, const Permission& b) { return a.name < b.name; });
  return p;
}

std::vector<std::string> allNames(bool readOnly) {
  std::vector<std::string> out;
  for (const auto& p : permissionCatalogue()) {
    bool isRead = p.name.size() > 5 && p.name.compare(p.name.size() - 5, 5, ".read") == 0;
    if (!readOnly || isRead) out.push_back(p.name);
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<BuiltinRole> makeBuiltins() {
  std::vector<BuiltinRole> roles;
  roles.push_back({"admin", "Everything, in every department", "all", allNames(false)});

  // Supervisors run their departments: read nearly everything, manage people,
  // agents and queues, supervise calls, listen to recordings.
  // Webhooks are server integration (their URLs may carry tokens): admins only.
  std::vector<std::string> sup = allNames(true);
  std::erase(sup, "system.read");
  std::erase(sup, "webhooks.read");
  for (const char* p : {"users.write", "agents.control", "agents.supervise", "queues.write", "calls.control",
                        "interactions.control", "recordings.listen", "qa.score", "customers.write",
                        "tickets.write", "kb.write", "campaigns.write", "blacklist.write"}) {
    sup.emplace_back(p);
  }
  roles.push_back({"supervisor", "Manages the users, agents and queues of his departments", "department",
                   sorted(std::move(sup))});

  // Agents hear the recordings of the calls they handled and see their own
  // QA scores (scope "self" keeps them to those; docs/recording.md "Access").
  roles.push_back({"agent", "Handles calls and contacts; sees only his own data", "self",
                   sorted({"agents.read", "agents.control", "calls.read", "calls.control", "interactions.read",
                           "recordings.read", "recordings.listen",
                           "interactions.control", "customers.read", "customers.write", "tickets.read",
                           "tickets.write", "kb.read", "kb.write", "events.read"})});

  std::vector<std::string> aud = allNames(true);
  aud.emplace_back("recordings.listen");
  roles.push_back({"auditor", "Reads everything, including the audit log; changes nothing", "all",
                   sorted(std::move(aud))});
  return roles;
}

}  // namespace

const std::vector<Permission>& permissionCatalogue() {
  static const std::vector<Permission> catalogue = makeCatalogue();
  return catalogue;
}

bool isKnownPermission(std::string_view name) {
  const auto& c = permissionCatalogue();
  auto it = std::lower_bound(c.begin(), c.end(), name,
                             [](const Permission& p, std::string_view n) { return p.name < n; });
  return it != c.end() && it->name == name;
}

const std::vector<BuiltinRole>& builtinRoles() {
  static const std::vector<BuiltinRole> roles = makeBuiltins();
  return roles;
}

}  // namespace hujiao::store
