#include "ivr/ivr_config.h"

#include "core/config.h"

namespace hujiao::ivr {

void addIvrConfig(core::ConfigSchema& s) {
  s.section("ivr", "IVR flows and the blacklist");
  s.string("ivr", "flows_dir", "", "Directory of flow files (*.json, *.yaml) published at start; empty = none");
  s.string("ivr", "blacklist_action", "reject", "What happens to a blacklisted caller", {"reject", "flow"}, true);
  s.integer("ivr", "blacklist_sip_code", 603, 400, 699, "SIP response code for rejected blacklisted callers", true);
  s.string("ivr", "blacklist_flow", "", "Flow id for blacklisted callers when blacklist_action is 'flow'", {}, true);
}

BlacklistPolicy blacklistPolicyFrom(const core::Config& c) {
  BlacklistPolicy p;
  p.action = c.getString("ivr.blacklist_action") == "flow" ? BlacklistPolicy::Action::Flow
                                                           : BlacklistPolicy::Action::Reject;
  p.sipCode = static_cast<int>(c.getInt("ivr.blacklist_sip_code"));
  p.flowId = c.getString("ivr.blacklist_flow");
  return p;
}

std::string flowsDirFrom(const core::Config& c) { return c.getString("ivr.flows_dir"); }

}  // namespace hujiao::ivr
