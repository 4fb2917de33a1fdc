// AcdService: CTI actions of agents and supervisors, mapped onto the routing
// core (acd::Acd) and the switch (CallControl). Control thread only.
// Errors: "not_found" (unknown agent/interaction), "invalid_field" (bad
// input), "invalid_state" (the agent or call is not in a state that allows it).
#include <set>

#include "center/acd_json.h"
#include "center/acd_service.h"

namespace hujiao::center {

using nlohmann::json;

namespace {

core::Error invalidState(const std::string& m) { return core::makeError("invalid_state", m); }
core::Error notFound(const std::string& m) { return core::makeError("not_found", m); }
core::Error invalidField(const std::string& f, const std::string& m) {
  return core::makeError("invalid_field", f + ": " + m);
}

// The routing core's error codes, in the API's words.
core::Error mapAcdError(const core::Error& e) {
  const std::string& c = e.code;
  if (c == "unknown_agent" || c == "unknown_interaction" || c == "unknown_queue")
    return core::makeError("not_found", e.message);
  if (c == "invalid_reason" || c == "invalid_argument") return core::makeError("invalid_field", e.message);
  return core::makeError("invalid_state", e.message);
}

media::SuperviseMode modeOf(const std::string& kind) {
  if (kind == "whisper") return media::SuperviseMode::Whisper;
  if (kind == "barge") return media::SuperviseMode::Barge;
  return media::SuperviseMode::Listen;
}

}  // namespace

core::Result<json> AcdService::actNow(const CtiAction& a) {
  static const std::set<std::string> agentKinds = {"login",        "logout",      "ready",          "not_ready",
                                                    "wrapup",       "force_logout", "force_ready", "force_not_ready"};
  static const std::set<std::string> callKinds = {"answer",  "hangup",          "hold",       "unhold",
                                                   "transfer", "consult",        "consult_transfer",
                                                   "conference", "consult_cancel", "pickup", "dtmf"};
  static const std::set<std::string> supervisorKinds = {"listen", "whisper", "barge", "stop_supervising",
                                                         "force_release", "move"};
  if (!acd_) return core::makeError("unavailable", "the ACD is not attached");
  if (agentKinds.count(a.kind)) return agentAction(a);
  if (callKinds.count(a.kind)) return callAction(a);
  if (supervisorKinds.count(a.kind)) return supervisorAction(a);
  return core::makeError("invalid_request", "unknown action " + a.kind);
}

core::Result<json> AcdService::agentAction(const CtiAction& a) {
  auto ag = agents_.find(a.agentId);
  if (ag == agents_.end()) return notFound("agent " + a.agentId + " not found");
  core::Result<void> r;
  if (a.kind == "login") {
    const std::string device = a.device.empty() ? ag->second.settings.extension : a.device;
    if (device.empty()) return invalidField("device", "the agent has no extension: give a device");
    r = acd_->login(a.agentId, device);
    if (r) loginDevices_[a.agentId] = device;
  } else if (a.kind == "logout") {
    r = acd_->logout(a.agentId);
    if (r) loginDevices_.erase(a.agentId);
  } else if (a.kind == "ready") {
    r = acd_->ready(a.agentId);
  } else if (a.kind == "not_ready") {
    if (a.reason.empty()) return invalidField("reason", "is required");
    r = acd_->notReady(a.agentId, a.reason);
  } else if (a.kind == "force_logout") {
    r = acd_->forceState(a.agentId, acd::Presence::LoggedOut);
    if (r) loginDevices_.erase(a.agentId);
  } else if (a.kind == "force_ready") {
    r = acd_->forceState(a.agentId, acd::Presence::Ready);
  } else if (a.kind == "force_not_ready") {
    r = acd_->forceState(a.agentId, acd::Presence::NotReady, a.reason);
  } else if (a.kind == "wrapup") {
    // The disposition is kept whatever the phase (during the call or after);
    // wrap-up ends if the agent is in it.
    std::string callId, queueId;
    bool known = false;
    if (auto w = wrapUps_.find(a.agentId); w != wrapUps_.end())
      for (const auto& v : w->second)
        if (v.id == a.interactionId) {
          known = true;
          callId = v.callId;
          queueId = v.queueId;
        }
    if (const VoiceCall* c = callOfInteraction(a.interactionId); c && c->agentId == a.agentId) {
      known = true;
      callId = c->callId;
      queueId = c->queueId;
    }
    if (!known) return invalidState("interaction " + a.interactionId + " is not with agent " + a.agentId);
    if (!a.disposition.empty() || !a.notes.empty()) {
      writer_.disposition(DispositionRow{a.interactionId, callId, a.agentId, queueId, a.disposition, a.notes,
                                         ctx_.clock ? ctx_.clock->nowUs() : core::SystemClock::instance().nowUs()});
      publish("interaction.disposition",
              {{"interaction_id", a.interactionId},
               {"agent_id", a.agentId},
               {"queue_id", queueId},
               {"disposition", a.disposition},
               {"notes", a.notes}},
              queueDepartment(queueId));
    }
    auto s = acd_->agentStats(a.agentId);
    if (s && s->state == acd::AgentState::WrapUp) r = acd_->endWrapUp(a.agentId);
    if (auto w = wrapUps_.find(a.agentId); w != wrapUps_.end())
      std::erase_if(w->second, [&](const InteractionView& v) { return v.id == a.interactionId; });
  }
  if (!r) return mapAcdError(r.error());
  auto s = acd_->agentStats(a.agentId);
  json out = {{"agent_id", a.agentId}};
  if (s) {
    out["state"] = stateName(s->state);
    out["reason"] = s->reason.empty() ? json(nullptr) : json(s->reason);
  }
  return out;
}

core::Result<std::string> AcdService::deviceOf(const std::string& targetType, const std::string& target) const {
  if (target.empty()) return invalidField("target", "is required");
  if (targetType == "agent") {
    auto it = agents_.find(target);
    if (it == agents_.end()) return notFound("agent " + target + " not found");
    if (auto d = loginDevices_.find(target); d != loginDevices_.end()) return d->second;
    if (it->second.settings.extension.empty()) return invalidState("agent " + target + " has no extension");
    return it->second.settings.extension;
  }
  if (targetType == "extension" || targetType == "number") return target;
  return invalidField("target_type", "must be agent, queue, extension or number");
}

core::Result<json> AcdService::callAction(const CtiAction& a) {
  if (!agents_.count(a.agentId)) return notFound("agent " + a.agentId + " not found");
  VoiceCall* c = callOfInteraction(a.interactionId);
  if (!c) {
    if (callbacks_.count(a.interactionId)) return invalidState("a callback interaction has no call to act on yet");
    return notFound("interaction " + a.interactionId + " not found");
  }
  const std::string callId = c->callId;
  json ok = {{"interaction_id", a.interactionId}, {"call_id", callId}};

  if (a.kind == "pickup") {
    if (c->phase != VoiceCall::Phase::Waiting || c->ringAgent.empty() || c->ringAgent == a.agentId)
      return invalidState("interaction " + a.interactionId + " is not ringing another agent");
    pickups_[a.interactionId] = a.agentId;
    if (auto r = acd_->moveToAgent(a.interactionId, a.agentId); !r) {
      pickups_.erase(a.interactionId);
      return mapAcdError(r.error());
    }
    ok["state"] = "ringing";
    return ok;
  }

  const bool ringingMe = c->phase == VoiceCall::Phase::Waiting &&
                         (c->ringAgent == a.agentId || c->pendingAgent == a.agentId);
  const bool mine = c->phase == VoiceCall::Phase::Connected && c->agentId == a.agentId;
  if (a.kind == "answer") {
    if (mine) {
      ok["state"] = "connected";
      return ok;
    }
    if (!ringingMe) return invalidState("interaction " + a.interactionId + " is not ringing agent " + a.agentId);
    if (c->ringConnectId != 0 && !c->ringAutoAnswer) {
      // Re-offer with the auto-answer headers: phones that honour them pick up
      // at once; the others keep ringing until the agent answers by hand.
      auto device = deviceOf("agent", a.agentId);
      if (!device) return device.error();
      releaseConnect(*c, c->ringConnectId);
      c->ringConnectId = 0;
      c->ringAgent.clear();
      ring(*c, a.agentId, *device, queues_[c->queueId].ringTimeoutS * 1000 + 5000, true);
    } else if (!c->pendingAgent.empty()) {
      c->pendingAutoAnswer = true;
    }
    ok["state"] = "answering";
    return ok;
  }
  if (a.kind == "hangup") {
    if (ringingMe) {
      // Declining an offer: the next agent gets it, this one goes not ready.
      const uint64_t id = c->ringConnectId;
      c->ringConnectId = 0;
      c->ringAgent.clear();
      c->pendingAgent.clear();
      releaseConnect(*c, id);
      if (auto r = acd_->offerFailed(a.interactionId, a.agentId, acd::OfferFailure::Rejected); !r)
        return mapAcdError(r.error());
      ok["state"] = "rejected";
      return ok;
    }
    if (!mine) return invalidState("interaction " + a.interactionId + " is not connected to agent " + a.agentId);
    // As if the agent hung up his phone: onConnectedPartyGone does the rest.
    if (auto r = ctx_.calls->disconnect(callId, c->agentConnectId); !r) return invalidState(r.error().message);
    ok["state"] = "ending";
    return ok;
  }
  if (!mine) return invalidState("interaction " + a.interactionId + " is not connected to agent " + a.agentId);
  if (a.kind == "hold" || a.kind == "unhold") {
    const bool on = a.kind == "hold";
    if (c->held == on) return invalidState(on ? "already on hold" : "not on hold");
    if (auto r = ctx_.calls->hold(callId, on, mohFor(c->queueId)); !r) return invalidState(r.error().message);
    c->held = on;
    (void)acd_->setHold(a.interactionId, on);
    publish(on ? "interaction.held" : "interaction.resumed",
            {{"interaction_id", a.interactionId}, {"agent_id", a.agentId}, {"queue_id", c->queueId},
             {"call_id", callId}},
            c->departmentId);
    ok["state"] = on ? "held" : "connected";
    return ok;
  }
  if (a.kind == "dtmf") {
    if (a.digits.empty() || a.digits.find_first_not_of("0123456789*#ABCD") != std::string::npos)
      return invalidField("digits", "must be 0-9, *, #, A-D");
    if (auto r = ctx_.calls->sendDigits(callId, a.digits); !r) return invalidState(r.error().message);
    return ok;
  }
  if (a.kind == "transfer") return transfer(*c, a);
  return consult(*c, a);
}

core::Result<json> AcdService::transfer(VoiceCall& c, const CtiAction& a) {
  const std::string callId = c.callId;
  const std::string ix = c.interactionId;
  json ok = {{"interaction_id", ix}, {"call_id", callId}, {"target_type", a.targetType}, {"target", a.target}};
  if (a.targetType == "queue" || a.targetType == "agent") {
    std::string queueId = c.queueId;
    if (a.targetType == "queue") {
      if (!queues_.count(a.target)) return notFound("queue " + a.target + " not found");
      queueId = a.target;
    } else {
      if (!agents_.count(a.target)) return notFound("agent " + a.target + " not found");
      if (a.target == a.agentId) return invalidField("target", "cannot transfer to oneself");
      auto s = acd_->agentStats(a.target);
      if (!s || s->state != acd::AgentState::Ready)
        return invalidState("agent " + a.target + " is not ready");
    }
    releaseConnect(c, c.agentConnectId);
    c.agentConnectId = 0;
    c.agentId.clear();
    c.phase = VoiceCall::Phase::Waiting;
    c.held = false;
    playWait(c);
    if (a.targetType == "agent") suppressOffersFor_ = ix;
    const std::string fromQueue = c.queueId;
    auto r = acd_->transferToQueue(ix, queueId);
    suppressOffersFor_.clear();
    if (!r) return mapAcdError(r.error());
    // The routing core's own interaction.transferred knows nothing of the
    // target: this one carries it, like the extension/number transfers'.
    publish("interaction.transferred",
            {{"interaction_id", ix}, {"agent_id", a.agentId}, {"queue_id", queueId}, {"from_queue_id", fromQueue},
             {"call_id", callId}, {"target_type", a.targetType}, {"target", a.target}},
            queueDepartment(queueId));
    if (VoiceCall* cc = callOf(callId)) cc->queueId = queueId, cc->departmentId = queueDepartment(queueId);
    if (a.targetType == "agent") {
      auto moved = acd_->moveToAgent(ix, a.target);
      auto held = suppressedOffers_.find(ix);
      if (!moved && held != suppressedOffers_.end()) {
        // Not possible after all: the agent the queue picked gets it.
        auto [agent, device] = held->second;
        suppressedOffers_.erase(held);
        if (auto ev = suppressedOfferEvents_.find(ix); ev != suppressedOfferEvents_.end())
          publish("interaction.offered", std::move(ev->second), agentDepartment(agent));
        if (VoiceCall* cc = callOf(callId))
          ring(*cc, agent, device, queues_[queueId].ringTimeoutS * 1000 + 5000,
               agents_.count(agent) && agents_[agent].settings.autoAnswer);
      }
      suppressedOffers_.erase(ix);
      suppressedOfferEvents_.erase(ix);
      if (!moved) ok["note"] = "agent not available: the interaction waits in queue " + queueId;
    }
    ok["state"] = "transferring";
    return ok;
  }
  if (a.targetType != "extension" && a.targetType != "number")
    return invalidField("target_type", "must be agent, queue, extension or number");
  if (a.target.empty()) return invalidField("target", "is required");
  // Blind transfer out of the ACD: the agent's leg goes, the target is
  // connected as the new party (handOff) once the agent's leg is gone.
  releaseConnect(c, c.agentConnectId);
  c.agentConnectId = 0;
  c.phase = VoiceCall::Phase::Transferring;
  c.transferQueueId = c.queueId;
  c.pendingTransfer = a.target;
  c.pendingTransferKind =
      a.targetType == "number" ? call::ConnectRequest::Kind::Number : call::ConnectRequest::Kind::Extension;
  c.pendingTransferTries = 50;  // ticks (1 s) for the agent's leg to go
  publish("interaction.transferred",
          {{"interaction_id", ix}, {"agent_id", a.agentId}, {"queue_id", c.queueId}, {"call_id", callId},
           {"target_type", a.targetType}, {"target", a.target}},
          c.departmentId);
  (void)acd_->interactionEnded(ix);  // the agent goes to wrap-up
  ixCalls_.erase(ix);
  if (VoiceCall* cc = callOf(callId)) {
    cc->interactionId.clear();
    cc->agentId.clear();
  }
  retryPendingOffers();
  ok["state"] = "transferring";
  return ok;
}

core::Result<json> AcdService::consult(VoiceCall& c, const CtiAction& a) {
  const std::string callId = c.callId;
  json ok = {{"interaction_id", c.interactionId}, {"call_id", callId}};
  if (a.kind == "consult") {
    if (c.consultId != 0) return invalidState("a consultation is already in progress");
    if (a.targetType == "queue") return invalidField("target_type", "consulting a queue is not supported");
    auto device = deviceOf(a.targetType, a.target);
    if (!device) return device.error();
    call::ConnectRequest req;
    req.kind = a.targetType == "number" ? call::ConnectRequest::Kind::Number : call::ConnectRequest::Kind::Extension;
    req.destination = *device;
    req.timeoutMs = 30'000;
    req.headers["X-Hujiao-Interaction"] = c.interactionId;
    auto id = ctx_.calls->consult(callId, req, mohFor(c.queueId));
    if (!id) return invalidState(id.error().message);
    c.consultId = *id;
    c.consultAnswered = false;
    // A consulted agent is on the phone: no queue call for him meanwhile.
    markConsulted(c, a.targetType == "agent" ? a.target : agentOnDevice(*device));
    publish("interaction.consult",
            {{"interaction_id", c.interactionId}, {"agent_id", a.agentId}, {"call_id", callId},
             {"state", "ringing"}, {"target_type", a.targetType}, {"target", a.target}},
            c.departmentId);
    ok["state"] = "consulting";
    return ok;
  }
  if (c.consultId == 0) return invalidState("no consultation in progress");
  const std::string ix = c.interactionId;
  if (a.kind == "consult_cancel") {
    if (auto r = ctx_.calls->completeConsult(callId, false, false); !r) return invalidState(r.error().message);
    c.released.insert(c.consultId);
    c.consultId = 0;
    c.conference = false;
    releaseConsulted(c);
    ok["state"] = "connected";
    return ok;
  }
  if (a.kind == "conference") {
    if (!c.consultAnswered) return invalidState("the consulted party has not answered");
    if (auto r = ctx_.calls->completeConsult(callId, false, true); !r) return invalidState(r.error().message);
    c.conference = true;
    publish("interaction.conference",
            {{"interaction_id", ix}, {"agent_id", a.agentId}, {"call_id", callId}, {"queue_id", c.queueId}},
            c.departmentId);
    ok["state"] = "conference";
    return ok;
  }
  // consult_transfer: the customer stays with the consulted party; the agent
  // leaves (wrap-up). A consulted agent stays busy on this call (it is no
  // longer an ACD interaction) until he hangs up or the call ends.
  if (auto r = ctx_.calls->completeConsult(callId, true, false); !r) return invalidState(r.error().message);
  c.released.insert(c.agentConnectId);
  c.agentConnectId = 0;
  c.phase = VoiceCall::Phase::Consulted;
  publish("interaction.transferred",
          {{"interaction_id", ix}, {"agent_id", a.agentId}, {"queue_id", c.queueId}, {"call_id", callId},
           {"target_type", "consulted"}},
          c.departmentId);
  (void)acd_->interactionEnded(ix);
  ixCalls_.erase(ix);
  ok["state"] = "transferred";
  return ok;
}

core::Result<json> AcdService::supervisorAction(const CtiAction& a) {
  if (a.kind == "stop_supervising") {
    auto it = supervisions_.find(a.supervisionId);
    if (it == supervisions_.end()) return notFound("supervision " + std::to_string(a.supervisionId) + " not found");
    (void)ctx_.calls->stopSupervising(a.supervisionId);
    if (VoiceCall* c = callOf(it->second.callId)) std::erase(c->supervisions, a.supervisionId);
    supervisions_.erase(it);
    return json{{"supervision_id", a.supervisionId}, {"state", "stopped"}};
  }
  if (a.kind == "listen" || a.kind == "whisper" || a.kind == "barge") {
    if (!agents_.count(a.agentId)) return notFound("agent " + a.agentId + " not found");
    if (a.device.empty()) return invalidField("device", "is required");
    VoiceCall* found = nullptr;
    for (auto& [id, c] : calls_)
      if (c.phase == VoiceCall::Phase::Connected && c.agentId == a.agentId) found = &c;
    if (!found) return invalidState("agent " + a.agentId + " is not on a call");
    // A muted agent's legs sit in the switch's mute mix, not a bridge, and the
    // media engine supervises bridged legs only: say so now rather than ring
    // the supervisor and drop him when he answers (docs/cti.md, Mute).
    if (found->muted)
      return invalidState("agent " + a.agentId +
                          " is muted: unmute the interaction to supervise it (supervising a muted agent is not "
                          "supported by the switch yet)");
    // One supervisor leg per device and call: a new mode changes it.
    for (auto& [sid, s] : supervisions_)
      if (s.callId == found->callId && s.device == a.device) {
        if (auto r = ctx_.calls->setSuperviseMode(sid, modeOf(a.kind)); !r) return invalidState(r.error().message);
        s.mode = a.kind;
        return json{{"supervision_id", sid}, {"mode", a.kind}, {"call_id", found->callId}};
      }
    auto id = ctx_.calls->supervise(found->callId, a.device, modeOf(a.kind));
    if (!id) return invalidState(id.error().message);
    supervisions_[*id] = Supervision{found->callId, a.agentId, a.device, a.kind};
    found->supervisions.push_back(*id);
    publish("agent.supervised", {{"agent_id", a.agentId}, {"mode", a.kind}, {"call_id", found->callId}},
            agentDepartment(a.agentId));
    return json{{"supervision_id", *id}, {"mode", a.kind}, {"call_id", found->callId}};
  }
  if (a.kind == "force_release") {
    if (VoiceCall* c = callOfInteraction(a.interactionId)) {
      if (auto r = ctx_.calls->hangup(c->callId, "force_release", 480); !r) return invalidState(r.error().message);
      return json{{"interaction_id", a.interactionId}, {"call_id", c->callId}, {"state", "released"}};
    }
    if (auto cb = callbacks_.find(a.interactionId); cb != callbacks_.end()) {
      if (!cb->second.callId.empty() && originator_ && ctx_.telephony) {
        (void)ctx_.calls->hangup(cb->second.callId, "force_release", 480);
      }
      (void)acd_->abandon(a.interactionId);
      callbacks_.erase(cb);
      return json{{"interaction_id", a.interactionId}, {"state", "released"}};
    }
    return notFound("interaction " + a.interactionId + " not found");
  }
  // move
  if (!a.queueId.empty()) {
    if (!queues_.count(a.queueId)) return notFound("queue " + a.queueId + " not found");
    if (auto r = acd_->moveToQueue(a.interactionId, a.queueId); !r) return mapAcdError(r.error());
    if (VoiceCall* c = callOfInteraction(a.interactionId)) {
      c->queueId = a.queueId;
      c->departmentId = queueDepartment(a.queueId);
    }
    return json{{"interaction_id", a.interactionId}, {"queue_id", a.queueId}};
  }
  if (!agents_.count(a.agentId)) return notFound("agent " + a.agentId + " not found");
  if (auto r = acd_->moveToAgent(a.interactionId, a.agentId); !r) return mapAcdError(r.error());
  return json{{"interaction_id", a.interactionId}, {"agent_id", a.agentId}};
}

}  // namespace hujiao::center
