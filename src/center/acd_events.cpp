// AcdService: CTI events (EventBus + webhooks), the state history feed and
// the live snapshots the API reads. Control thread only.
#include "center/acd_service.h"

#include "center/acd_json.h"

namespace hujiao::center {

using nlohmann::json;

void AcdService::publish(const std::string& type, json data, const std::string& departmentId) {
  core::Event e;
  e.type = type;
  e.tsUs = ctx_.clock ? ctx_.clock->nowUs() : core::SystemClock::instance().nowUs();
  e.data = std::move(data);
  e.departmentId = departmentId;
  webhooks_->deliver(e);
  if (ctx_.events) ctx_.events->publish(std::move(e));
}

json AcdService::ixData(const acd::Interaction& ix, const std::string& agentId) const {
  json d = {{"interaction_id", ix.id},
            {"queue_id", ix.queueId},
            {"channel", std::string(acd::toString(ix.channel))},
            {"customer", {{"number", ix.customer.number}}},
            {"priority", ix.priority},
            {"attributes", ix.attributes}};
  if (!agentId.empty()) d["agent_id"] = agentId;
  if (ix.callback) d["callback"] = true;
  return d;
}

std::string AcdService::queueDepartment(const std::string& queueId) const {
  auto it = queues_.find(queueId);
  return it == queues_.end() ? std::string() : it->second.departmentId;
}

std::string AcdService::agentDepartment(const std::string& agentId) const {
  auto it = agents_.find(agentId);
  return it == agents_.end() ? std::string() : it->second.departmentId;
}

void AcdService::onAgentStateChanged(const acd::AgentStateChange& change) {
  const std::string state = stateName(change.to);
  const std::string previous = stateName(change.from);
  json data = {{"agent_id", change.agentId},
               {"state", state},
               {"reason", change.reason.empty() ? json(nullptr) : json(change.reason)},
               {"previous", previous},
               {"since", isoOrNull(change.atUs)},
               {"device", change.device}};
  publish("agent.state", std::move(data), agentDepartment(change.agentId));
  writer_.state(StateRow{change.agentId, state, change.reason, previous, change.atUs, change.previousForUs});
  if (change.from == acd::AgentState::WrapUp && change.to != acd::AgentState::WrapUp) wrapUps_.erase(change.agentId);
}

void AcdService::onQueueStatsChanged(const acd::QueueStats& stats) {
  auto it = queues_.find(stats.queueId);
  if (it == queues_.end()) return;
  publish("queue.stats", statsJson(it->second, stats), it->second.departmentId);
}

void AcdService::onInteractionEvent(const acd::Interaction& ix, acd::InteractionEvent what,
                                    const std::string& agentId) {
  if (what == acd::InteractionEvent::Overflowed) return;  // published by onOverflow with its target
  if (what == acd::InteractionEvent::Transferred) return;  // published by the transfer action with its target
  json data = ixData(ix, agentId);
  std::string callId;
  if (auto it = ixCalls_.find(ix.id); it != ixCalls_.end()) callId = it->second;
  if (auto cb = callbacks_.find(ix.id); cb != callbacks_.end()) callId = cb->second.callId;
  if (!callId.empty()) data["call_id"] = callId;
  if (what == acd::InteractionEvent::Ended && !agentId.empty()) {
    // Kept for the agent's desktop while he wraps up (disposition, notes).
    InteractionView v;
    v.id = ix.id;
    v.channel = std::string(acd::toString(ix.channel));
    v.state = "wrap_up";
    v.queueId = ix.queueId;
    v.departmentId = queueDepartment(ix.queueId);
    v.callId = callId;
    v.agentId = agentId;
    v.customerNumber = ix.customer.number;
    v.attributes = ix.attributes;
    v.priority = ix.priority;
    v.enqueuedAtUs = ix.enqueuedAtUs;
    if (const VoiceCall* c = callId.empty() ? nullptr : callOf(callId)) {
      v.offeredAtUs = c->offeredAtUs;
      v.answeredAtUs = c->answeredAtUs;
    }
    auto q = queues_.find(ix.queueId);
    if (q != queues_.end() && q->second.wrapUpS > 0) wrapUps_[agentId].push_back(std::move(v));
  }
  publish("interaction." + std::string(acd::toString(what)), std::move(data), queueDepartment(ix.queueId));
}

InteractionView AcdService::viewOf(const VoiceCall& c) const {
  InteractionView v;
  v.id = c.interactionId;
  v.callId = c.callId;
  v.queueId = c.queueId;
  v.departmentId = c.departmentId;
  v.customerNumber = c.callerNumber;
  v.attributes = c.attributes;
  v.offeredAtUs = c.offeredAtUs;
  v.answeredAtUs = c.answeredAtUs;
  v.muted = c.muted;
  v.callback = c.callback;
  if (c.phase == VoiceCall::Phase::Connected) {
    v.state = c.held ? "held" : "connected";
    v.agentId = c.agentId;
  } else if (c.ringConnectId != 0 || !c.pendingAgent.empty()) {
    v.state = "ringing";
    v.agentId = c.ringConnectId != 0 ? c.ringAgent : c.pendingAgent;
  } else {
    v.state = "waiting";
  }
  if (auto ix = acd_->interaction(c.interactionId)) {
    v.priority = ix->priority;
    v.enqueuedAtUs = ix->enqueuedAtUs;
    v.queueId = ix->queueId;
  }
  return v;
}

std::vector<AgentView> AcdService::agentsNow() const {
  std::vector<AgentView> out;
  out.reserve(agents_.size());
  for (const auto& [id, info] : agents_) {
    AgentView v;
    v.info = info;
    if (auto s = acd_->agentStats(id)) {
      v.state = s->state;
      v.reason = s->reason;
      v.stateSinceUs = s->stateSinceUs;
    }
    if (v.state != acd::AgentState::LoggedOut) {
      auto d = loginDevices_.find(id);
      v.device = d != loginDevices_.end() ? d->second : info.settings.extension;
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<InteractionView> AcdService::interactionsNow() const {
  std::vector<InteractionView> out;
  for (const auto& [callId, c] : calls_)
    if (!c.interactionId.empty() && ixCalls_.count(c.interactionId)) out.push_back(viewOf(c));
  for (const auto& [id, cb] : callbacks_) {
    auto ix = acd_->interaction(id);
    if (!ix) continue;
    InteractionView v;
    v.id = id;
    v.state = !cb.agentId.empty() ? "ringing" : "waiting";  // ringing: the customer is being called
    v.queueId = ix->queueId;
    v.departmentId = queueDepartment(ix->queueId);
    v.callId = cb.callId;
    v.agentId = cb.agentId;
    v.customerNumber = cb.number;
    v.attributes = ix->attributes;
    v.priority = ix->priority;
    v.enqueuedAtUs = ix->enqueuedAtUs;
    v.callback = true;
    out.push_back(std::move(v));
  }
  for (const auto& [agent, list] : wrapUps_)
    for (const auto& v : list) out.push_back(v);
  std::sort(out.begin(), out.end(), [](const InteractionView& a, const InteractionView& b) {
    return a.enqueuedAtUs != b.enqueuedAtUs ? a.enqueuedAtUs < b.enqueuedAtUs : a.id < b.id;
  });
  return out;
}

std::vector<QueueStatsView> AcdService::queueStatsNow() const {
  std::vector<QueueStatsView> out;
  for (const auto& [id, q] : queues_)
    if (auto s = acd_->queueStats(id)) out.push_back({q, *s});
  return out;
}

}  // namespace hujiao::center
