#include "recording/policy.h"

namespace hujiao::recording {

std::string normaliseNumber(const std::string& n) {
  std::string out;
  for (char c : n) {
    if (c >= '0' && c <= '9') out += c;
  }
  if (!n.empty() && n.back() == '*') out += '*';
  return out;
}

bool numberListed(const std::string& number, const std::vector<std::string>& list) {
  const std::string num = normaliseNumber(number);
  if (num.empty()) return false;
  for (const auto& entry : list) {
    const std::string e = normaliseNumber(entry);
    if (e.empty()) continue;
    if (e.back() == '*') {
      if (num.compare(0, e.size() - 1, e, 0, e.size() - 1) == 0) return true;
    } else if (e == num) {
      return true;
    }
  }
  return false;
}

int retentionDaysFor(const std::string& queueId, const RecordingPolicy& policy) {
  auto it = policy.retentionByQueue.find(queueId);
  if (!queueId.empty() && it != policy.retentionByQueue.end()) return it->second;
  return policy.retentionDays;
}

RecordDecision shouldRecord(const CallFacts& f, const RecordingPolicy& p) {
  RecordDecision d;
  d.retentionDays = retentionDaysFor(f.queueId, p);
  if (numberListed(f.customerNumber, p.neverNumbers)) {
    d.reason = "never_number";
    return d;
  }
  if (!f.agentId.empty() && p.neverAgents.count(f.agentId) != 0) {
    d.reason = "never_agent";
    return d;
  }
  if (p.mode == RecordingPolicy::Mode::All) {
    d.record = true;
    d.reason = "all";
    return d;
  }
  if (p.mode == RecordingPolicy::Mode::Selected) {
    const std::string did = normaliseNumber(f.did);
    std::string why;
    if (!f.queueId.empty() && p.queues.count(f.queueId)) {
      why = "queue";
    } else if (!f.agentId.empty() && p.agents.count(f.agentId)) {
      why = "agent";
    } else if (!f.direction.empty() && p.directions.count(f.direction)) {
      why = "direction";
    } else if (!did.empty()) {
      for (const auto& x : p.dids) {
        if (normaliseNumber(x) == did) why = "did";
      }
    }
    if (!why.empty()) {
      d.record = true;
      d.reason = why;
      return d;
    }
  }
  if (f.agentRequested) {
    d.record = p.allowOnDemand;
    d.reason = p.allowOnDemand ? "on_demand" : "on_demand_disabled";
    return d;
  }
  d.reason = p.mode == RecordingPolicy::Mode::None ? "disabled" : "not_selected";
  return d;
}

core::Result<void> checkAgentAction(AgentAction action, const CallFacts& facts, const RecordingPolicy& policy,
                                    bool recording, bool paused) {
  switch (action) {
    case AgentAction::Start: {
      if (recording) return core::makeError("conflict", "the call is already being recorded");
      CallFacts f = facts;
      f.agentRequested = true;
      auto d = shouldRecord(f, policy);
      if (!d.record) return core::makeError("forbidden", "recording this call is not allowed (" + d.reason + ")");
      return {};
    }
    case AgentAction::Pause:
    case AgentAction::Resume:
      if (!policy.allowAgentPause) return core::makeError("forbidden", "agents may not pause recordings");
      if (!recording) return core::makeError("conflict", "the call is not being recorded");
      if (action == AgentAction::Pause && paused) return core::makeError("conflict", "the recording is already paused");
      if (action == AgentAction::Resume && !paused) return core::makeError("conflict", "the recording is not paused");
      return {};
    case AgentAction::Stop: {
      if (!recording) return core::makeError("conflict", "the call is not being recorded");
      // Only a recording the agent started may be stopped by the agent; policy recordings are evidence.
      CallFacts f = facts;
      f.agentRequested = false;
      if (shouldRecord(f, policy).record) {
        return core::makeError("forbidden", "the policy records this call; it can be paused, not stopped");
      }
      return {};
    }
  }
  return core::makeError("invalid", "unknown action");
}

}  // namespace hujiao::recording
