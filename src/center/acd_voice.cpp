// AcdService: voice interactions. A call enters a queue (from a DID or the
// IVR), hears music and announcements, is offered to agents (connect to the
// agent's extension), is bridged when one answers, and leaves (caller or agent
// hangs up, overflow, callback). Control thread only.
#include "center/acd_service.h"

#include <algorithm>
#include <cmath>

#include "core/ids.h"

namespace hujiao::center {

namespace {

constexpr int kConnectGraceMs = 5000;  // the ACD's ring timer decides; the switch's timeout is a safety net

acd::OfferFailure failureOf(const std::string& cause) {
  if (cause == "no_answer") return acd::OfferFailure::NoAnswer;
  if (cause == "busy" || cause == "rejected") return acd::OfferFailure::Rejected;
  return acd::OfferFailure::DeviceError;
}

std::string ttsVoice(const std::string& language) { return language == "en" ? "en" : "cmn"; }

}  // namespace

AcdService::VoiceCall* AcdService::callOf(const std::string& callId) {
  auto it = calls_.find(callId);
  return it == calls_.end() ? nullptr : &it->second;
}

AcdService::VoiceCall* AcdService::callOfInteraction(const std::string& interactionId) {
  auto it = ixCalls_.find(interactionId);
  return it == ixCalls_.end() ? nullptr : callOf(it->second);
}

bool AcdService::startFromDid(const call::AppCallInfo& info) {
  if (!acd_ || !queues_.count(info.target)) {
    log_->warn("call {}: DID {} targets unknown queue '{}'", info.callId, info.did, info.target);
    return false;
  }
  if (ctx_.router) ctx_.router->own(info.callId, this);
  VoiceCall c;
  c.callId = info.callId;
  c.queueId = info.target;
  c.callerNumber = info.callerNumber;
  c.attributes = {{"caller", info.callerNumber}, {"called", info.calledNumber}, {"did", info.did}};
  if (!info.callerName.empty()) c.attributes["caller_name"] = info.callerName;
  if (!enqueueVoice(std::move(c), 0, {})) {
    (void)ctx_.calls->hangup(info.callId, "failed", 480);
  }
  runDeferred();
  return true;
}

bool AcdService::enqueueCall(const QueueEntry& e, std::function<void(const QueueOutcome&)> done) {
  if (!acd_ || !queues_.count(e.queueId)) return false;
  if (ctx_.router) ctx_.router->own(e.callId, this);
  VoiceCall c;
  c.callId = e.callId;
  c.queueId = e.queueId;
  c.language = e.language.empty() ? "zh" : e.language;
  c.attributes = e.attributes;
  c.waitItems = e.announcement;
  c.done = std::move(done);
  if (auto it = e.attributes.find("caller"); it != e.attributes.end()) c.callerNumber = it->second;
  if (ctx_.router)
    if (const auto* info = ctx_.router->info(e.callId)) {
      c.callerNumber = info->callerNumber;
      c.attributes.emplace("caller", info->callerNumber);
      c.attributes.emplace("called", info->calledNumber);
    }
  inEnqueueCall_ = true;
  const bool ok = enqueueVoice(std::move(c), e.priority, e.skills);
  runDeferred();
  inEnqueueCall_ = false;
  if (!ok && ctx_.router) ctx_.router->own(e.callId, nullptr);
  return ok;
}

bool AcdService::enqueueVoice(VoiceCall c, int priority, const std::vector<std::pair<std::string, int>>& extraSkills) {
  const QueueSettings& q = queues_.at(c.queueId);
  c.departmentId = q.departmentId;
  c.interactionId = core::newId();
  acd::EnqueueRequest r;
  r.id = c.interactionId;
  r.channel = acd::Channel::Voice;
  r.customer.number = c.callerNumber;
  r.queueId = c.queueId;
  for (const auto& [s, l] : q.skills) r.skills.push_back({s, l});
  for (const auto& [s, l] : extraSkills) r.skills.push_back({s, l});
  r.priority = priority;
  r.attributes = c.attributes;
  // The caller hears the queue (music, announcements) once answered.
  if (auto a = ctx_.calls->answer(c.callId); !a) log_->warn("call {}: answer: {}", c.callId, a.error().message);
  const std::string callId = c.callId;
  const std::string ixId = c.interactionId;
  auto [it, inserted] = calls_.insert_or_assign(callId, std::move(c));
  ixCalls_[ixId] = callId;
  playWait(it->second);
  if (auto res = acd_->enqueue(std::move(r)); !res) {
    log_->warn("call {}: not queued in {}: {}", callId, it->second.queueId, res.error().message);
    ixCalls_.erase(ixId);
    calls_.erase(callId);
    return false;
  }
  return true;
}

// ---- media ----

media::PlayRequest AcdService::mohFor(const std::string& queueId) {
  std::string moh = defaultMoh_;
  if (auto it = queues_.find(queueId); it != queues_.end() && !it->second.moh.empty()) moh = it->second.moh;
  media::PlayRequest req;
  req.loops = 0;
  media::PlayItem item;
  if (moh.rfind("tone:", 0) == 0) {
    item.kind = media::PlayItem::Kind::Tone;
    item.tone = moh.substr(5);
  } else {
    item.kind = media::PlayItem::Kind::File;
    item.path = moh;
  }
  req.items.push_back(std::move(item));
  return req;
}

void AcdService::playWait(VoiceCall& c) {
  media::PlayRequest req;
  if (!c.waitItems.empty()) {
    req.items = c.waitItems;
    req.loops = 0;
  } else {
    req = mohFor(c.queueId);
  }
  req.requestId = nextPlayId_++;
  c.playId = req.requestId;
  c.announcing = false;
  c.hangupAfterPlay = false;
  if (auto r = ctx_.calls->play(c.callId, req); !r) log_->debug("call {}: music: {}", c.callId, r.error().message);
}

void AcdService::playPrompt(VoiceCall& c, const std::string& zh, const std::string& en, bool hangupAfter) {
  media::PlayRequest req;
  media::PlayItem item;
  item.kind = media::PlayItem::Kind::Tts;
  item.text = c.language == "en" ? en : zh;
  item.voice = ttsVoice(c.language);
  req.items.push_back(std::move(item));
  req.loops = 1;
  req.requestId = nextPlayId_++;
  c.playId = req.requestId;
  c.announcing = true;
  c.hangupAfterPlay = hangupAfter;
  if (auto r = ctx_.calls->play(c.callId, req); !r) {
    log_->debug("call {}: prompt: {}", c.callId, r.error().message);
    if (hangupAfter) (void)ctx_.calls->hangup(c.callId, "normal", 480);
  }
}

void AcdService::onPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) {
  VoiceCall* c = callOf(callId);
  if (!c || requestId != c->playId) return;
  if (c->hangupAfterPlay) {
    c->hangupAfterPlay = false;
    (void)ctx_.calls->hangup(callId, "normal", 480);
  } else if (c->announcing && c->phase == VoiceCall::Phase::Waiting && reason != "replaced") {
    playWait(*c);
  }
  runDeferred();
}

// ---- offers ----

bool AcdService::ringsAll(const VoiceCall& c) const {
  auto q = queues_.find(c.queueId);
  return q != queues_.end() && q->second.strategy == "ring_all";
}

void AcdService::ring(VoiceCall& c, const std::string& agentId, const std::string& device, int timeoutMs,
                      bool autoAnswer) {
  call::ConnectRequest req;
  req.kind = call::ConnectRequest::Kind::Extension;
  req.destination = device;
  req.timeoutMs = timeoutMs;
  req.autoAnswer = autoAnswer;
  req.callerIdNumber = c.callerNumber;
  req.headers["X-Hujiao-Interaction"] = c.interactionId;
  req.headers["X-Hujiao-Queue"] = c.queueId;
  // ring_all: every offer is a parallel connect, so that the others can ring at the same time.
  req.parallel = ringsAll(c) && !c.callback;
  const bool alongside = req.parallel && c.ringConnectId != 0;
  auto id = ctx_.calls->connect(c.callId, req);
  if (!id) {
    if (id.error().code == "conflict") {
      if (alongside || !c.pendingAgent.empty()) {
        c.ringLater.emplace_back(agentId, device);
        return;
      }
      // The previous party is still going away: place the offer on a later tick.
      c.pendingAgent = agentId;
      c.pendingDevice = device;
      c.pendingTimeoutMs = timeoutMs;
      c.pendingAutoAnswer = autoAnswer;
      return;
    }
    log_->warn("call {}: cannot ring agent {} at {}: {}", c.callId, agentId, device, id.error().message);
    const std::string ix = c.interactionId;
    defer([this, ix, agentId] { (void)acd_->offerFailed(ix, agentId, acd::OfferFailure::DeviceError); });
    return;
  }
  if (alongside) {
    c.alsoRinging[*id] = agentId;
    return;
  }
  c.pendingAgent.clear();
  c.ringAgent = agentId;
  c.ringConnectId = *id;
  c.ringAutoAnswer = autoAnswer;
  c.offeredAtUs = ctx_.clock ? ctx_.clock->nowUs() : core::SystemClock::instance().nowUs();
}

void AcdService::promoteRing(VoiceCall& c) {
  // The primary ring ended while other ring_all legs still ring: one of them
  // becomes the primary (what the views and the CTI actions look at).
  if (c.ringConnectId != 0 || c.alsoRinging.empty()) return;
  auto it = c.alsoRinging.begin();
  c.ringConnectId = it->first;
  c.ringAgent = it->second;
  c.ringAutoAnswer = false;
  c.alsoRinging.erase(it);
}

void AcdService::retryPendingOffers() {
  for (auto& [id, c] : calls_) {
    if (!c.pendingAgent.empty() && c.ringConnectId == 0) {
      const std::string agent = c.pendingAgent;
      c.pendingAgent.clear();
      ring(c, agent, c.pendingDevice, c.pendingTimeoutMs, c.pendingAutoAnswer);
    }
    if (!c.pendingTransfer.empty() && c.transferConnectId == 0) {
      call::ConnectRequest req;
      req.kind = c.pendingTransferKind;
      req.destination = c.pendingTransfer;
      req.timeoutMs = 60'000;
      req.handOff = true;
      req.callerIdNumber = c.callerNumber;
      auto r = ctx_.calls->connect(c.callId, req);
      if (r) {
        c.transferConnectId = *r;
        c.pendingTransfer.clear();
      } else if (r.error().code != "conflict" || --c.pendingTransferTries <= 0) {
        log_->warn("call {}: transfer to {} failed: {}", c.callId, c.pendingTransfer, r.error().message);
        c.pendingTransfer.clear();
        const std::string callId = c.callId;
        defer([this, callId] { transferFailed(callId); });
      }
    }
  }
}

void AcdService::releaseConnect(VoiceCall& c, uint64_t connectId) {
  if (connectId == 0) return;
  c.released.insert(connectId);
  (void)ctx_.calls->disconnect(c.callId, connectId);
}

void AcdService::onOffer(const acd::Interaction& ix, acd::AgentRef agent, int64_t ringTimeoutUs) {
  VoiceCall* c = callOfInteraction(ix.id);
  if (!c && callbacks_.count(ix.id)) {
    // A callback queued again after an unanswered call, offered before it was marked as a callback.
    return onCallbackNow(ix, agent, ringTimeoutUs);
  }
  if (!c) return;
  nlohmann::json data = ixData(ix, agent.id);
  data["call_id"] = c->callId;
  if (ix.id == suppressOffersFor_) {
    // An agent-to-agent transfer passes through the queue: no screen pop for an
    // agent whose phone will not ring, unless the transfer falls back to him.
    suppressedOffers_[ix.id] = {agent.id, agent.device};
    suppressedOfferEvents_[ix.id] = std::move(data);
    return;
  }
  publish("interaction.offered", std::move(data), agentDepartment(agent.id));
  const int timeoutMs = static_cast<int>(ringTimeoutUs / 1000) + kConnectGraceMs;
  bool autoAnswer = false;
  if (auto it = agents_.find(agent.id); it != agents_.end()) autoAnswer = it->second.settings.autoAnswer;
  if (auto p = pickups_.find(ix.id); p != pickups_.end() && p->second == agent.id) {
    autoAnswer = true;  // the agent asked for it: his phone answers at once
    pickups_.erase(p);
  }
  if ((c->ringConnectId != 0 && !ringsAll(*c)) || !c->pendingAgent.empty()) {
    // One connect at a time (not ring_all, or the previous party is still going): in turn.
    c->ringLater.emplace_back(agent.id, agent.device);
    return;
  }
  ring(*c, agent.id, agent.device, timeoutMs, autoAnswer);  // ring_all: alongside the others
}

void AcdService::onCancelOffer(const acd::Interaction& ix, acd::AgentRef agent, acd::CancelReason why) {
  suppressedOffers_.erase(ix.id);
  suppressedOfferEvents_.erase(ix.id);
  VoiceCall* c = callOfInteraction(ix.id);
  if (why == acd::CancelReason::RingTimeout) {
    nlohmann::json data = ixData(ix, agent.id);
    if (c) data["call_id"] = c->callId;
    publish("interaction.ring_no_answer", std::move(data), queueDepartment(ix.queueId));
  }
  if (!c) return;
  auto also = std::find_if(c->alsoRinging.begin(), c->alsoRinging.end(),
                           [&](const auto& p) { return p.second == agent.id; });
  if (also != c->alsoRinging.end()) {
    const uint64_t id = also->first;
    c->alsoRinging.erase(also);
    if (why != acd::CancelReason::AnsweredElsewhere) releaseConnect(*c, id);  // else the switch cancelled it
  } else if (c->ringAgent == agent.id && c->ringConnectId != 0) {
    if (why != acd::CancelReason::AnsweredElsewhere) releaseConnect(*c, c->ringConnectId);
    c->ringConnectId = 0;
    c->ringAgent.clear();
    promoteRing(*c);
  } else if (c->pendingAgent == agent.id) {
    c->pendingAgent.clear();
  } else {
    std::erase_if(c->ringLater, [&](const auto& p) { return p.first == agent.id; });
  }
  if (why != acd::CancelReason::AnsweredElsewhere && c->ringConnectId == 0 && c->pendingAgent.empty() &&
      !c->ringLater.empty()) {
    auto [nextAgent, device] = c->ringLater.front();
    c->ringLater.pop_front();
    const auto& q = queues_[c->queueId];
    ring(*c, nextAgent, device, q.ringTimeoutS * 1000 + kConnectGraceMs, false);
  }
}

void AcdService::onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& result) {
  VoiceCall* c = callOf(callId);
  if (!c) return;
  if (connectId == c->ringConnectId && connectId != 0) {
    const std::string agent = c->ringAgent;
    c->ringConnectId = 0;
    c->ringAgent.clear();
    if (!result.answered) promoteRing(*c);
    ringResult(*c, agent, connectId, result);
  } else if (auto also = c->alsoRinging.find(connectId); also != c->alsoRinging.end()) {
    const std::string agent = also->second;
    c->alsoRinging.erase(also);
    if (result.answered) {
      // A ring_all leg won: the primary lost to it (the switch cancels it).
      c->ringConnectId = 0;
      c->ringAgent.clear();
    }
    ringResult(*c, agent, connectId, result);
  } else if (connectId == c->transferConnectId && connectId != 0) {
    c->transferConnectId = 0;
    if (result.answered) {
      // Handed off: the switch bridges the two; only onAppCallEnded follows.
      c->phase = VoiceCall::Phase::Gone;
    } else {
      transferFailed(callId);
    }
  } else if (connectId == c->consultId && connectId != 0) {
    nlohmann::json data = {{"interaction_id", c->interactionId}, {"call_id", callId}, {"agent_id", c->agentId}};
    if (result.answered) {
      c->consultAnswered = true;
      data["state"] = "connected";
    } else {
      c->consultId = 0;
      releaseConsulted(*c);
      data["state"] = "failed";
      data["cause"] = result.cause;
    }
    publish("interaction.consult", std::move(data), c->departmentId);
  }
  runDeferred();
}

void AcdService::ringResult(VoiceCall& c, const std::string& agent, uint64_t connectId,
                            const call::ConnectResult& result) {
  const std::string callId = c.callId;
  if (result.answered) {
    // A callback counted as answered when the customer answered (acd_callbacks.cpp).
    if (auto r = c.callback ? core::Result<void>{} : acd_->agentAnswered(c.interactionId, agent); !r) {
      // Too late: the ACD moved on (ring timeout, abandoned, moved).
      log_->info("call {}: agent {} answered too late: {}", callId, agent, r.error().message);
      releaseConnect(c, connectId);
      return;
    }
    VoiceCall* cp = callOf(callId);
    if (!cp) return;
    cp->phase = VoiceCall::Phase::Connected;
    cp->agentId = agent;
    cp->agentConnectId = connectId;
    cp->answeredAtUs = ctx_.clock ? ctx_.clock->nowUs() : core::SystemClock::instance().nowUs();
    cp->announcing = false;
    cp->muted = false;
    cp->ringLater.clear();
    cp->alsoRinging.clear();
    if (cp->callback) (void)ctx_.calls->stopPlay(callId);
    if (cp->done) {
      QueueOutcome o;
      o.kind = QueueOutcome::Kind::Connected;
      o.agentId = agent;
      cp->done(o);
    }
    return;
  }
  // cancelled: we ended it; answered_elsewhere: another ring_all leg won (the
  // ACD cancels that offer itself). Neither is the agent's fault.
  if (result.cause == "cancelled" || result.cause == "answered_elsewhere") return;
  if (c.callback) return callbackAgentFailed(c, result.cause);
  const acd::OfferFailure why = failureOf(result.cause);
  if (why == acd::OfferFailure::NoAnswer) {
    if (auto ix = acd_->interaction(c.interactionId)) {
      nlohmann::json data = ixData(*ix, agent);
      data["call_id"] = callId;
      publish("interaction.ring_no_answer", std::move(data), c.departmentId);
    }
  }
  (void)acd_->offerFailed(c.interactionId, agent, why);
  VoiceCall* cp = callOf(callId);
  if (cp && cp->ringConnectId == 0 && cp->pendingAgent.empty() && !cp->ringLater.empty()) {
    auto [nextAgent, device] = cp->ringLater.front();
    cp->ringLater.pop_front();
    ring(*cp, nextAgent, device, queues_[cp->queueId].ringTimeoutS * 1000 + kConnectGraceMs, false);
  }
}

void AcdService::transferFailed(const std::string& callId) {
  VoiceCall* c = callOf(callId);
  if (!c) return;
  // The caller is back with us, nobody connected: back into the queue he came
  // from, ahead of the others; else the call ends.
  const std::string queueId = c->transferQueueId.empty() ? c->queueId : c->transferQueueId;
  if (c->phase == VoiceCall::Phase::Transferring && queues_.count(queueId)) {
    VoiceCall again;
    again.callId = c->callId;
    again.queueId = queueId;
    again.callerNumber = c->callerNumber;
    again.language = c->language;
    again.attributes = c->attributes;
    again.done = std::move(c->done);
    again.waitItems = c->waitItems;
    if (enqueueVoice(std::move(again), 100, {})) return;
  }
  QueueOutcome o;
  o.kind = QueueOutcome::Kind::Failed;
  o.detail = "transfer_failed";
  finishCall(callId, o, true);
}

// ---- the call leaves ----

void AcdService::onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) {
  VoiceCall* c = callOf(callId);
  if (!c) return;
  if (c->released.erase(connectId)) {
    runDeferred();
    return;
  }
  if (c->phase == VoiceCall::Phase::Connected && connectId == c->consultId) {
    // The consulted party left (consultation or conference): agent and
    // customer go on.
    c->consultId = 0;
    c->consultAnswered = false;
    c->conference = false;
    releaseConsulted(*c);
  } else if (c->phase == VoiceCall::Phase::Connected && connectId == c->agentConnectId) {
    if (c->conference && c->consultId != 0) {
      // The agent left the conference: the customer stays with the third party.
      (void)acd_->interactionEnded(c->interactionId);
      ixCalls_.erase(c->interactionId);
      c->phase = VoiceCall::Phase::Consulted;
      c->agentConnectId = 0;
    } else {
      log_->debug("call {}: agent {} hung up ({})", callId, c->agentId, cause);
      c->muted = false;
      agentLeft(*c);
    }
  } else if (c->phase == VoiceCall::Phase::Consulted) {
    // The party the call was transferred to (after a consultation) hung up.
    QueueOutcome o;
    o.kind = QueueOutcome::Kind::AgentHungUp;
    finishCall(callId, o, !c->done);
  }
  runDeferred();
}

void AcdService::agentLeft(VoiceCall& c) {
  const std::string callId = c.callId;
  const std::string agentId = c.agentId;
  (void)acd_->interactionEnded(c.interactionId);
  VoiceCall* cp = callOf(callId);
  if (!cp) return;
  QueueOutcome o;
  o.kind = QueueOutcome::Kind::AgentHungUp;
  o.agentId = agentId;
  // From the IVR: the caller goes back to it (a survey may follow). Straight
  // from a DID: the call ends.
  finishCall(callId, o, !cp->done);
}

void AcdService::finishCall(const std::string& callId, const QueueOutcome& outcome, bool hangup) {
  auto it = calls_.find(callId);
  if (it == calls_.end()) return;
  VoiceCall c = std::move(it->second);
  calls_.erase(it);
  releaseConsulted(c);
  if (!c.interactionId.empty()) {
    auto ix = ixCalls_.find(c.interactionId);
    if (ix != ixCalls_.end() && ix->second == callId) ixCalls_.erase(ix);
  }
  for (uint64_t s : c.supervisions) {
    (void)ctx_.calls->stopSupervising(s);
    supervisions_.erase(s);
  }
  if (hangup) (void)ctx_.calls->hangup(callId, "normal", 480);
  if (c.done) {
    auto done = std::move(c.done);
    if (inEnqueueCall_ && ctx_.control) {
      // Never answer the IVR from inside its own enqueueCall().
      ctx_.control->post([done, outcome] { done(outcome); });
    } else {
      done(outcome);
    }
  }
}

void AcdService::onCallEnded(const std::string& callId, const std::string& cause, const std::string& side) {
  VoiceCall* c = callOf(callId);
  if (!c) return;
  log_->debug("call {} ended ({}, {})", callId, cause, side);
  const std::string ix = c->interactionId;
  if (!ix.empty() && !c->callbackAccepted && ixCalls_.count(ix)) {
    if (c->phase == VoiceCall::Phase::Waiting)
      (void)acd_->abandon(ix);
    else if (c->phase == VoiceCall::Phase::Connected)
      (void)acd_->interactionEnded(ix);
  }
  c = callOf(callId);
  if (c) {
    if (c->callbackAccepted) c->interactionId.clear();  // the callback keeps the interaction
    QueueOutcome o;
    o.kind = QueueOutcome::Kind::CallerHungUp;
    o.agentId = c->agentId;
    o.detail = cause;
    finishCall(callId, o, false);
  }
  runDeferred();
}

// ---- queue rules ----

void AcdService::onOverflow(const acd::Interaction& ix, const acd::OverflowTarget& target, acd::OverflowReason why,
                            bool movedInternally) {
  VoiceCall* c = callOfInteraction(ix.id);
  nlohmann::json data = ixData(ix, "");
  data["reason"] = std::string(acd::toString(why));
  data["target_type"] = target.kind == acd::OverflowKind::External ? std::string("number")
                                                                   : std::string(acd::toString(target.kind));
  data["target"] = target.value;
  if (c) data["call_id"] = c->callId;
  publish("interaction.overflowed", std::move(data), queueDepartment(ix.queueId));
  if (!c) return;
  if (movedInternally) {
    c->queueId = target.value;
    c->departmentId = queueDepartment(target.value);
    const std::string callId = c->callId;
    defer([this, callId] {
      if (VoiceCall* cc = callOf(callId); cc && cc->phase == VoiceCall::Phase::Waiting && !cc->announcing) playWait(*cc);
    });
    return;
  }
  // The ACD has forgotten the interaction: the call goes to the target.
  const std::string callId = c->callId;
  ixCalls_.erase(ix.id);
  c->interactionId.clear();
  defer([this, callId, target, why] {
    VoiceCall* cc = callOf(callId);
    if (!cc) return;
    cc->phase = VoiceCall::Phase::Transferring;
    QueueOutcome o;
    switch (target.kind) {
      case acd::OverflowKind::External:
        cc->pendingTransfer = target.value;
        cc->pendingTransferKind = call::ConnectRequest::Kind::Number;
        cc->pendingTransferTries = 50;
        cc->transferQueueId = "-";  // no queue to go back to
        retryPendingOffers();
        return;
      case acd::OverflowKind::Flow:
      case acd::OverflowKind::Voicemail:
        o.kind = QueueOutcome::Kind::Failed;
        o.detail = "overflow:" + std::string(acd::toString(target.kind)) + ":" + target.value;
        break;
      default:
        o.kind = why == acd::OverflowReason::MaxWait ? QueueOutcome::Kind::Timeout : QueueOutcome::Kind::Failed;
        o.detail = std::string(acd::toString(why));
        break;
    }
    if (target.kind == acd::OverflowKind::Flow && !target.value.empty()) {
      // Whatever the origin (a DID, an IVR flow): the overflow flow takes the
      // call over (hand-over); an IVR that queued it forgets it first.
      handOverToFlow(callId, target.value);
    } else if (cc->done) {
      finishCall(callId, o, false);
    } else {
      // Straight from a DID there is no flow to go back to: say sorry, hang up.
      cc->phase = VoiceCall::Phase::Gone;
      playPrompt(*cc, "抱歉，现在没有坐席可以接听您的电话，请稍后再拨。",
                 "Sorry, no agent can take your call now. Please call again later.", true);
    }
  });
}

void AcdService::onAnnounce(const acd::Interaction& ix, int position, int64_t estimatedWaitUs) {
  VoiceCall* c = callOfInteraction(ix.id);
  if (!c || c->phase != VoiceCall::Phase::Waiting || c->ringConnectId != 0 || c->hangupAfterPlay) return;
  std::string zh = "您现在排在第" + std::to_string(position) + "位";
  std::string en = "You are number " + std::to_string(position) + " in the queue.";
  if (estimatedWaitUs >= 0) {
    const int64_t minutes = std::max<int64_t>(1, (estimatedWaitUs + 59'999'999) / 60'000'000);
    zh += "，预计等待" + std::to_string(minutes) + "分钟";
    en += " The estimated wait is about " + std::to_string(minutes) + (minutes == 1 ? " minute." : " minutes.");
  }
  zh += "。请稍候。";
  playPrompt(*c, zh, en, false);
}

void AcdService::onCallbackOffer(const acd::Interaction& ix, int64_t estimatedWaitUs) {
  VoiceCall* c = callOfInteraction(ix.id);
  if (!c || c->callerNumber.empty()) return;
  c->callbackOffered = true;
  nlohmann::json data = ixData(ix, "");
  data["call_id"] = c->callId;
  data["state"] = "offered";
  data["estimated_wait_s"] = estimatedWaitUs < 0 ? -1 : estimatedWaitUs / 1'000'000;
  publish("interaction.callback", std::move(data), c->departmentId);
  playPrompt(*c, "当前等待时间较长。如需保留排队位置并由我们回电，请按1。",
             "The wait is long. To keep your place in the queue and be called back, press 1.", false);
}

void AcdService::onDigit(const std::string& callId, char digit, int /*durationMs*/) {
  VoiceCall* c = callOf(callId);
  if (!c) return;
  if (digit == '1' && c->callbackOffered && !c->callbackAccepted && c->phase == VoiceCall::Phase::Waiting &&
      c->ringConnectId == 0) {
    if (auto r = acd_->acceptCallback(c->interactionId, c->callerNumber); !r) {
      log_->info("call {}: callback not accepted: {}", callId, r.error().message);
    } else {
      c->callbackAccepted = true;
      Callback cb;
      cb.interactionId = c->interactionId;
      cb.queueId = c->queueId;
      cb.number = c->callerNumber;
      cb.language = c->language;
      cb.attributes = c->attributes;
      if (auto ix = acd_->interaction(c->interactionId)) cb.priority = ix->priority;
      callbacks_.emplace(cb.interactionId, std::move(cb));
      ixCalls_.erase(c->interactionId);
      nlohmann::json data = {{"interaction_id", c->interactionId}, {"queue_id", c->queueId},
                             {"call_id", callId},                   {"state", "accepted"},
                             {"customer", {{"number", c->callerNumber}}}};
      publish("interaction.callback", std::move(data), c->departmentId);
      playPrompt(*c, "好的，坐席空闲时我们会给您回电，再见。",
                 "Thank you. We will call you back when an agent is free. Goodbye.", true);
    }
  }
  runDeferred();
}

}  // namespace hujiao::center
