// AcdService: callbacks, CTI mute and hand-over of a call to a flow.
//
// Callback (docs/cti.md "Callbacks"): the customer took the offer and hung
// up; his interaction keeps its place. When the ACD reserves an agent for it
// (onCallbackNow) the switch calls the CUSTOMER first (CallControl::originate,
// the agent's phone does not ring yet, so no agent time is spent on ringing
// customers who are away). The interaction counts as answered when the
// customer answers; then the agent is connected (auto-answer headers: he was
// reserved and saw the screen pop). A customer who does not answer frees the
// agent without blame and is called again after the queue's callback_retry_s,
// up to its callback_attempts calls (unset: acd.callback_retry_s /
// acd.callback_attempts); then the callback is reported failed.
//
// Threads: control thread only.
#include <algorithm>

#include "center/acd_service.h"
#include "core/ids.h"

namespace hujiao::center {

namespace {
constexpr int kAgentRingGraceMs = 5000;
int64_t monoNow(core::Clock* clock) { return (clock ? *clock : core::SystemClock::instance()).monoUs(); }
}  // namespace

// ---- callbacks ----

void AcdService::onCallbackNow(const acd::Interaction& ix, acd::AgentRef agent, int64_t ringTimeoutUs) {
  auto it = callbacks_.find(ix.id);
  if (it == callbacks_.end()) return;
  nlohmann::json data = ixData(ix, agent.id);
  data["state"] = "calling";
  data["callback"] = true;
  data["attempt"] = it->second.attempts + 1;
  publish("interaction.offered", data, agentDepartment(agent.id));
  publish("interaction.callback", std::move(data), queueDepartment(ix.queueId));
  callCustomerBack(ix.id, agent.id, agent.device, ringTimeoutUs);
}

void AcdService::callCustomerBack(const std::string& ixId, const std::string& agentId, const std::string& device,
                                  int64_t ringTimeoutUs) {
  auto it = callbacks_.find(ixId);
  if (it == callbacks_.end()) return;
  Callback& cb = it->second;
  cb.agentId = agentId;
  cb.device = device;
  call::OriginateRequest req;
  req.destination = cb.number;
  // The customer must answer before the ACD's ring timer gives the agent up.
  req.timeoutMs = static_cast<int>(std::max<int64_t>(5000, ringTimeoutUs / 1000 - 1000));
  // He sees the number he called (the hotline), when known.
  for (const char* key : {"did", "called"}) {
    if (auto a = cb.attributes.find(key); a != cb.attributes.end() && !a->second.empty()) {
      req.callerIdNumber = a->second;
      break;
    }
  }
  req.headers["X-Hujiao-Interaction"] = ixId;
  req.targetType = "callback";
  req.target = cb.queueId;
  req.departmentId = queueDepartment(cb.queueId);
  core::Result<std::string> placed = core::makeError("unavailable", "no call control");
  if (ctx_.calls) {
    // An internal number is an extension; anything else goes through the dial plan.
    req.kind = call::ConnectRequest::Kind::Extension;
    placed = ctx_.calls->originate(req);
    if (!placed && placed.error().code == "not_found") {
      req.kind = call::ConnectRequest::Kind::Number;
      placed = ctx_.calls->originate(req);
    }
  }
  if (!placed) {
    log_->warn("callback {} to {}: {}", ixId, cb.number, placed.error().message);
    const std::string cause = placed.error().code;
    defer([this, ixId, cause] { callbackUnanswered(ixId, cause); });
    return;
  }
  cb.callId = *placed;
  callbackCalls_[*placed] = ixId;
  if (ctx_.router) {
    call::AppCallInfo info;
    info.callId = *placed;
    info.targetType = "callback";
    info.target = cb.queueId;
    info.callerNumber = cb.number;  // the customer, as for inbound calls
    info.calledNumber = req.callerIdNumber;
    info.departmentId = req.departmentId;
    info.startUs = ctx_.clock ? ctx_.clock->nowUs() : core::SystemClock::instance().nowUs();
    ctx_.router->adopt(info, this);
  }
}

void AcdService::onOriginateResult(const std::string& callId, const call::OriginateResult& result) {
  auto m = callbackCalls_.find(callId);
  if (m == callbackCalls_.end()) return;
  const std::string ixId = m->second;
  callbackCalls_.erase(m);
  auto it = callbacks_.find(ixId);
  if (it == callbacks_.end()) {
    if (result.answered) (void)ctx_.calls->hangup(callId, "normal", 480);
    return;
  }
  Callback cb = it->second;
  if (!result.answered) {
    it->second.callId.clear();
    callbackUnanswered(ixId, result.cause);
    runDeferred();
    return;
  }
  // The customer answered: now it counts as answered (ASA, service level).
  if (auto r = acd_->agentAnswered(ixId, cb.agentId); !r) {
    log_->info("callback {}: the agent is gone ({}): the customer is called again later", ixId, r.error().message);
    (void)ctx_.calls->hangup(callId, "normal", 480);
    it->second.callId.clear();
    callbackUnanswered(ixId, "agent_gone");
    runDeferred();
    return;
  }
  callbacks_.erase(it);
  VoiceCall c;
  c.callId = callId;
  c.interactionId = ixId;
  c.queueId = cb.queueId;
  c.departmentId = queueDepartment(cb.queueId);
  c.callerNumber = cb.number;
  c.language = cb.language;
  c.attributes = cb.attributes;
  c.callback = true;
  VoiceCall& vc = calls_.insert_or_assign(callId, std::move(c)).first->second;
  ixCalls_[ixId] = callId;
  if (auto ix = acd_->interaction(ixId)) {
    nlohmann::json data = ixData(*ix, cb.agentId);
    data["call_id"] = callId;
    data["state"] = "connected";
    publish("interaction.callback", std::move(data), vc.departmentId);
  }
  playPrompt(vc, "您好，这里是客服中心回电，正在为您接通坐席，请稍候。",
             "Hello, this is the call back you asked for. Connecting you to an agent, please hold.", false);
  const int ringMs = queues_.count(vc.queueId) ? queues_[vc.queueId].ringTimeoutS * 1000 : 20'000;
  ring(vc, cb.agentId, cb.device, ringMs + kAgentRingGraceMs, true);
  runDeferred();
}

void AcdService::callbackUnanswered(const std::string& ixId, const std::string& cause) {
  auto it = callbacks_.find(ixId);
  if (it == callbacks_.end()) return;
  Callback& cb = it->second;
  ++cb.attempts;
  // Out of the ACD: the reserved agent is free again, without blame.
  (void)acd_->abandon(ixId);
  nlohmann::json data = {{"interaction_id", ixId},     {"queue_id", cb.queueId}, {"agent_id", cb.agentId},
                         {"customer", {{"number", cb.number}}}, {"cause", cause}, {"attempt", cb.attempts}};
  cb.agentId.clear();
  // The queue's own retry settings, else the global ones.
  int attempts = callbackAttempts_;
  int64_t retryUs = callbackRetryUs_;
  if (auto q = queues_.find(cb.queueId); q != queues_.end()) {
    if (q->second.callbackAttempts) attempts = *q->second.callbackAttempts;
    if (q->second.callbackRetryS) retryUs = int64_t{*q->second.callbackRetryS} * 1'000'000;
  }
  data["attempts"] = attempts;
  if (cb.attempts >= attempts) {
    data["state"] = "failed";
    publish("interaction.callback", std::move(data), queueDepartment(cb.queueId));
    log_->info("callback {} to {} given up after {} calls ({})", ixId, cb.number, cb.attempts, cause);
    callbacks_.erase(it);
    return;
  }
  data["state"] = "retry";
  data["retry_in_s"] = retryUs / 1'000'000;
  publish("interaction.callback", std::move(data), queueDepartment(cb.queueId));
  cb.retryAtMono = monoNow(ctx_.clock) + retryUs;
}

void AcdService::pollCallbacks() {
  const int64_t now = monoNow(ctx_.clock);
  std::vector<std::string> due;
  for (const auto& [id, cb] : callbacks_)
    if (cb.retryAtMono > 0 && cb.retryAtMono <= now) due.push_back(id);
  for (const auto& id : due) {
    auto it = callbacks_.find(id);
    if (it == callbacks_.end()) continue;
    Callback& cb = it->second;
    cb.retryAtMono = 0;
    if (!queues_.count(cb.queueId)) {
      callbacks_.erase(it);
      continue;
    }
    // Back into the queue, ahead of ordinary callers of the same priority
    // (the attempt keeps the customer's place as well as it can).
    acd::EnqueueRequest r;
    r.id = id;
    r.channel = acd::Channel::Voice;
    r.customer.number = cb.number;
    r.queueId = cb.queueId;
    for (const auto& [s, l] : queues_[cb.queueId].skills) r.skills.push_back({s, l});
    r.priority = std::max(cb.priority, 50);
    r.attributes = cb.attributes;
    const std::string number = cb.number;
    if (auto res = acd_->enqueue(std::move(r)); !res) {
      log_->warn("callback {}: cannot queue again: {}", id, res.error().message);
      callbackUnanswered(id, "queue_refused");
      continue;
    }
    // Offered at once (onOffer found the callback and called the customer), or waiting as a callback.
    if (auto f = callbacks_.find(id); f != callbacks_.end() && f->second.callId.empty())
      (void)acd_->acceptCallback(id, number);
  }
}

void AcdService::callbackAgentFailed(VoiceCall& c, const std::string& cause) {
  // The customer is on the line but the reserved agent did not take the call.
  log_->info("callback {}: agent {} did not answer ({})", c.interactionId, c.ringAgent, cause);
  nlohmann::json data = {{"interaction_id", c.interactionId}, {"queue_id", c.queueId}, {"call_id", c.callId},
                         {"state", "failed"},                  {"cause", "agent_" + cause}};
  publish("interaction.callback", std::move(data), c.departmentId);
  (void)acd_->interactionEnded(c.interactionId);
  VoiceCall* cp = callOf(c.callId);
  if (!cp) return;
  cp->phase = VoiceCall::Phase::Gone;
  playPrompt(*cp, "抱歉，坐席暂时无法接听，我们稍后再与您联系。再见。",
             "Sorry, the agent cannot take the call now. We will call you again. Goodbye.", true);
}

// ---- CTI mute ----

core::Result<nlohmann::json> AcdService::muteNow(const CtiAction& a) {
  if (!agents_.count(a.agentId)) return core::makeError("not_found", "agent " + a.agentId + " not found");
  VoiceCall* c = callOfInteraction(a.interactionId);
  if (!c) return core::makeError("not_found", "interaction " + a.interactionId + " not found");
  if (c->phase != VoiceCall::Phase::Connected || c->agentId != a.agentId || c->agentConnectId == 0)
    return core::makeError("invalid_state",
                           "interaction " + a.interactionId + " is not connected to agent " + a.agentId);
  if (c->muted != a.on) {
    if (auto r = ctx_.calls->mute(c->callId, a.on); !r) return core::makeError("invalid_state", r.error().message);
    c->muted = a.on;
    publish("interaction.muted",
            {{"interaction_id", c->interactionId}, {"agent_id", c->agentId}, {"call_id", c->callId},
             {"queue_id", c->queueId}, {"muted", a.on}},
            c->departmentId);
  }
  return nlohmann::json{{"interaction_id", c->interactionId},
                        {"call_id", c->callId},
                        {"state", c->held ? "held" : "connected"},
                        {"muted", c->muted}};
}

// ---- hand-over ----

void AcdService::handOverToFlow(const std::string& callId, const std::string& flowId) {
  // A call overflowing to a flow: the call leaves the ACD and the flow takes
  // it as if it had just arrived (AppRouter::handOver). A call from an IVR
  // flow: that flow forgets it first (QueueOutcome::HandedOver), never from
  // inside its own enqueueCall().
  if (inEnqueueCall_ && ctx_.control) {
    ctx_.control->post([this, callId, flowId] {
      handOverToFlow(callId, flowId);
      runDeferred();
    });
    return;
  }
  auto it = calls_.find(callId);
  if (it == calls_.end()) return;
  VoiceCall c = std::move(it->second);
  calls_.erase(it);
  releaseConsulted(c);
  for (uint64_t s : c.supervisions) {
    (void)ctx_.calls->stopSupervising(s);
    supervisions_.erase(s);
  }
  if (c.done) {
    QueueOutcome o;
    o.kind = QueueOutcome::Kind::HandedOver;
    o.detail = "overflow:flow:" + flowId;
    c.done(o);
  }
  if (!ctx_.router || !ctx_.router->handOver(callId, "flow", flowId)) {
    log_->warn("call {}: overflow flow {} did not take the call", callId, flowId);
    (void)ctx_.calls->hangup(callId, "failed", 480);
  }
}

}  // namespace hujiao::center
