// AcdService: agents on calls the ACD did not offer (control thread).
//
// The routing core must not offer a queue call to an agent who is already on
// the phone: consulted by another agent (CTI consult), dialling out (CTI
// dial), or in a direct extension call the switch reports on the EventBus.
// Each such call marks the agent with Acd::busyElsewhere under a work id and
// is released with Acd::releaseElsewhere exactly once, on whichever ending
// comes first (docs/cti.md "Busy on other calls").
#include <algorithm>

#include "center/acd_service.h"

namespace hujiao::center {

namespace {
constexpr std::size_t kRecentEnded = 512;  // call ids remembered for a late dial mark
}

std::string AcdService::agentOnDevice(const std::string& device) const {
  if (device.empty()) return {};
  for (const auto& [agent, dev] : loginDevices_)
    if (dev == device) return agent;
  // Not logged in: the agent's own extension (a login during the call then shows busy).
  for (const auto& [id, a] : agents_)
    if (a.settings.extension == device && !loginDevices_.count(id)) return id;
  return {};
}

void AcdService::markConsulted(VoiceCall& c, const std::string& agentId) {
  if (agentId.empty() || agentId == c.agentId) return;
  const std::string work = "consult:" + c.callId + ":" + std::to_string(c.consultId);
  if (auto r = acd_->busyElsewhere(agentId, work); !r) {
    log_->warn("call {}: consulted agent {} not marked busy: {}", c.callId, agentId, r.error().message);
    return;
  }
  c.consultAgent = agentId;
  c.consultWork = work;
}

void AcdService::releaseConsulted(VoiceCall& c) {
  if (c.consultAgent.empty()) return;
  const std::string agent = std::move(c.consultAgent);
  const std::string work = std::move(c.consultWork);
  c.consultAgent.clear();
  c.consultWork.clear();
  if (auto r = acd_->releaseElsewhere(agent, work); !r)
    log_->warn("consulted agent {} ({}): {}", agent, work, r.error().message);
}

void AcdService::markOtherCall(const std::string& agentId, const std::string& callId) {
  if (agentId.empty() || !acd_) return;
  if (recentEndedSet_.count(callId)) return;  // over before we learnt it was the agent's
  auto& agents = otherCalls_[callId];
  if (std::find(agents.begin(), agents.end(), agentId) != agents.end()) return;
  if (auto r = acd_->busyElsewhere(agentId, "call:" + callId); !r) {
    log_->warn("call {}: agent {} not marked busy: {}", callId, agentId, r.error().message);
    if (agents.empty()) otherCalls_.erase(callId);
    return;
  }
  agents.push_back(agentId);
}

void AcdService::onSwitchCall(const std::string& type, const std::string& callId,
                              const std::vector<std::string>& numbers) {
  if (!acd_) return;
  if (type == "call.created") {
    for (const auto& n : numbers) markOtherCall(agentOnDevice(n), callId);
  } else if (type == "call.ended") {
    if (auto it = otherCalls_.find(callId); it != otherCalls_.end()) {
      const std::vector<std::string> agents = std::move(it->second);
      otherCalls_.erase(it);
      for (const auto& a : agents) (void)acd_->releaseElsewhere(a, "call:" + callId);
    }
    if (recentEndedSet_.insert(callId).second) {
      recentEnded_.push_back(callId);
      if (recentEnded_.size() > kRecentEnded) {
        recentEndedSet_.erase(recentEnded_.front());
        recentEnded_.pop_front();
      }
    }
  }
  runDeferred();
}

void AcdService::watchSwitchCalls() {
  if (!ctx_.events || !ctx_.control) return;
  core::TaskQueue* control = ctx_.control;
  // The subscriber runs on the publisher's thread: it only copies and posts.
  callEvents_ = ctx_.events->subscribe([this, control](const core::EventPtr& e) {
    if (e->type != "call.created" && e->type != "call.ended") return;
    const auto& d = e->data;
    // App calls (IVR, queues, callbacks) are the ACD's own business.
    if (!d.is_object() || d.contains("target_type")) return;
    std::string callId = d.value("call_id", std::string());
    if (callId.empty()) return;
    std::vector<std::string> numbers;
    if (e->type == "call.created")
      for (const char* k : {"caller", "callee", "destination", "connected_extension"})
        if (auto it = d.find(k); it != d.end() && it->is_string() && !it->get<std::string>().empty())
          numbers.push_back(it->get<std::string>());
    control->post([this, type = e->type, callId = std::move(callId), numbers = std::move(numbers)] {
      onSwitchCall(type, callId, numbers);
    });
  });
}

}  // namespace hujiao::center
