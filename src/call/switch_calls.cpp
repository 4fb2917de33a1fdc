// Switch: call set-up and tear-down -- routing of a new INVITE (extension,
// DID from a trunk, dial plan to trunks with failover), forking to every
// contact, answer, failure, CANCEL, BYE, CDRs.
#include <algorithm>

#include "call/switch.h"
#include "call/switch_internal.h"
#include "core/ids.h"
#include "core/log.h"
#include "sip/sdp.h"

namespace hujiao::call {

namespace {
constexpr int64_t kSecond = 1'000'000;

std::string quoteDisplay(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '"' && c != '\\' && c != '\r' && c != '\n') out += c;
  }
  return out;
}

const sip::MessageParts sdpParts(const std::string& body) {
  sip::MessageParts p;
  if (!body.empty()) {
    p.contentType = "application/sdp";
    p.body = body;
  }
  return p;
}

std::string causeFor(int status) {
  switch (status) {
    case 486:
    case 600: return "busy";
    case 408:
    case 480: return "no_answer";
    case 487: return "cancelled";
    case 403:
    case 603: return "rejected";
    case 404:
    case 484:
    case 604: return "unavailable";
    default: return "failed";
  }
}
}  // namespace

bool anchoringOn(const SwitchDeps& d) { return d.media != nullptr && d.config.mediaAnchoring; }

Switch::Call& Switch::newCall(const sip::SipRequest* r) {
  auto c = std::make_unique<Call>();
  c->id = core::newId();
  c->startUs = clock_.nowUs();
  Call& ref = *c;
  if (r) {
    auto leg = std::make_unique<Leg>();
    leg->id = nextLegId_++;
    leg->call = &ref;
    leg->handle = sip::HandleRef(stack_, r->handle);
    leg->inbound = true;
    leg->state = Leg::State::Calling;
    leg->target = r->from.uri;
    leg->sipCallId = r->callId;
    leg->remoteSdp = r->body;
    leg->startUs = ref.startUs;
    ref.in = leg.get();
    legs_[r->handle] = leg.get();
    legsBySipCallId_[r->callId] = leg.get();
    ref.legs.push_back(std::move(leg));
  }
  calls_.emplace(ref.id, std::move(c));
  if (mCalls_) mCalls_->inc();
  return ref;
}

void Switch::publish(const Call& c, const std::string& type) {
  if (!d_.events) return;
  nlohmann::json data = {{"call_id", c.id},
                         {"direction", c.direction},
                         {"caller", c.callerNumber},
                         {"caller_name", c.callerName},
                         {"callee", c.calleeNumber},
                         {"destination", c.destination}};
  if (!c.trunkId.empty()) data["trunk_id"] = c.trunkId;
  if (!c.did.empty()) data["did"] = c.did;
  if (c.app) {
    data["target_type"] = c.app->targetType;
    data["target"] = c.app->target;
    if (c.peer && !c.peer->extension.empty()) data["connected_extension"] = c.peer->extension;
  }
  if (type == "call.ended") {
    data["cause"] = c.cause;
    data["side"] = c.side;
    data["sip_code"] = c.sipCode;
  }
  d_.events->publish(core::Event{type, 0, std::move(data), c.departmentId});
}

void Switch::countCall(Call& c, const std::string& ext) {
  if (ext.empty()) return;
  ++activeByExt_[ext];
  c.countedExtensions.push_back(ext);
}

void Switch::countTrunk(Call& c, const std::string& trunkId) {
  ++activeByTrunk_[trunkId];
  c.countedTrunks.push_back(trunkId);
}

int Switch::activeFor(const std::string& ext) const {
  auto it = activeByExt_.find(ext);
  return it == activeByExt_.end() ? 0 : it->second;
}

// ---------------------------------------------------------------- new INVITE

void Switch::handleInvite(const sip::SipRequest& r) {
  std::string trunkId;
  if (auto t = trunkByIp_.find(r.sourceIp); t != trunkByIp_.end()) trunkId = t->second;
  const Extension* caller = nullptr;
  if (trunkId.empty()) {
    AuthOk who;
    if (authenticate(r, true, who) != AuthResult::Ok) {
      stack_->release(r.handle);
      return;
    }
    if (who.trunk) {
      trunkId = who.trunk->id;
    } else {
      caller = who.ext;
    }
  }
  if (r.hasReplaces) {
    // RFC 3891, checked after authentication so that strangers cannot probe
    // our dialogs: Call-ID and both tags must name one of them.
    int status = 0;
    if (findReplaced(r, status) != nullptr) {
      // Taking over a dialog by INVITE (call pickup) is not offered: phones
      // transfer through REFER, which the switch completes itself.
      status = 501;
    }
    static constexpr std::pair<int, const char*> kPhrases[] = {
        {400, "Bad Request"}, {481, "Call/Transaction Does Not Exist"}, {486, "Busy Here"},
        {501, "Not Implemented"}, {603, "Decline"}};
    const char* phrase = "Failed";
    for (const auto& [code, text] : kPhrases) {
      if (code == status) phrase = text;
    }
    stack_->respond(r.handle, status, phrase);
    stack_->release(r.handle);
    return;
  }
  const std::string dialed = r.ruriUser.empty() ? r.to.user : r.ruriUser;
  if (!r.body.empty()) {
    if (auto sdp = sip::parseSdp(r.body); !sdp) {
      stack_->respond(r.handle, 488, "Not Acceptable Here");
      stack_->release(r.handle);
      return;
    }
  }
  Call& c = newCall(&r);
  c.calleeNumber = dialed;
  stack_->respond(r.handle, 100, "Trying");
  if (caller) {
    c.callerNumber = caller->number;
    c.callerName = caller->displayName.empty() ? r.from.display : caller->displayName;
    c.callerExtension = caller->number;
    c.departmentId = caller->departmentId;
    if (activeFor(caller->number) >= limitFor(*caller)) {
      publish(c, "call.created");
      failCall(c, 486, "Busy Here", "busy", "caller");
      return;
    }
    countCall(c, caller->number);
  } else {
    c.direction = "inbound";
    c.trunkId = trunkId;
    c.callerNumber = r.from.user;
    c.callerName = r.from.display;
    const Trunk& t = trunks_.at(trunkId);
    if (t.maxChannels > 0 && activeByTrunk_[trunkId] >= t.maxChannels) {
      publish(c, "call.created");
      failCall(c, 503, "Channel Limit Reached", "failed", "system");
      return;
    }
    countTrunk(c, trunkId);
  }
  // Routing decision before call.created, so that the event names an app target.
  const Did* did = nullptr;
  std::string appType, appTarget;
  if (!caller) {
    c.did = dialed;
    if (app_) {
      AppCallInfo probe;
      probe.callId = c.id;
      probe.callerNumber = c.callerNumber;
      probe.callerName = c.callerName;
      probe.calledNumber = dialed;
      probe.trunkId = trunkId;
      probe.did = dialed;
      probe.startUs = c.startUs;
      const ScreenDecision sd = app_->screenInbound(probe);
      if (sd.kind == ScreenDecision::Kind::Reject) {
        publish(c, "call.created");
        const int code = sd.sipCode >= 400 && sd.sipCode <= 699 ? sd.sipCode : 603;
        log_->info("call {} from {} rejected by screening ({})", c.id, c.callerNumber, code);
        return failCall(c, code, code == 603 ? "Decline" : "Rejected", "rejected", "system");
      }
      if (sd.kind == ScreenDecision::Kind::Flow) {
        appType = "flow";
        appTarget = sd.flowId;
      }
    }
    if (appType.empty()) {
      did = dids_.find(dialed, trunkId);
      if (did && did->targetType != "extension") {
        appType = did->targetType;
        appTarget = did->target;
      }
    }
  } else if (extensions_.find(dialed) == extensions_.end()) {
    // An extension dialling a DID reaches what the DID routes to, as from a trunk.
    did = dids_.findAny(dialed);
    if (did) {
      c.did = dialed;
      if (did->targetType != "extension") {
        appType = did->targetType;
        appTarget = did->target;
      }
    }
  }
  if (!appType.empty()) {
    c.app = std::make_unique<AppCallState>();
    c.app->targetType = appType;
    c.app->target = appTarget;
  }
  publish(c, "call.created");
  if (anchoringOn(d_)) {
    auto offer = sip::parseSdp(r.body);
    media::EndpointOptions o;
    o.callId = c.id;
    if (offer) o.ipv6 = offer->address.find(':') != std::string::npos;
    if (caller) o.allowedCodecs = caller->allowedCodecs;
    auto ep = d_.media->createEndpoint(o);
    if (!ep) return failCall(c, 503, "Media Unavailable", "failed", "system");
    setLegEndpoint(*c.in, *ep);
    if (offer) {
      auto answer = d_.media->answerOffer(*ep, *offer);
      if (!answer) return failCall(c, 488, "Not Acceptable Here", "failed", "system");
      c.in->localSdp = sip::formatSdp(*answer, c.in->id, sdpVersion_++);
    }
  }
  if (c.app) return routeToApp(c);
  if (did) {
    auto ext = extensions_.find(did->target);
    if (ext == extensions_.end()) return failCall(c, 404, "Not Found", "unavailable", "system");
    if (!caller) c.departmentId = ext->second.departmentId;
    ringExtension(c, ext->second, r.body);
    return;
  }
  if (!caller) return failCall(c, 404, "Not Found", "unavailable", "system");
  if (auto ext = extensions_.find(dialed); ext != extensions_.end()) {
    ringExtension(c, ext->second, r.body);
    return;
  }
  if (auto route = dialPlan_.route(dialed)) {
    c.direction = "outbound";
    c.trunkQueue = route->rule->trunkIds;
    c.outNumber = route->number;
    c.outCallerPolicy = route->rule->callerIdPolicy;
    c.outFixedCallerId = route->rule->callerId;
    c.destination = route->number;
    tryNextTrunk(c);
    return;
  }
  failCall(c, 404, "Not Found", "unavailable", "system");
}

std::string Switch::sdpForOutLeg(Call& c, Leg& leg, const std::string& offer, media::EndpointId colocate) {
  if (!anchoringOn(d_)) return offer;
  media::EndpointOptions o;
  o.callId = c.id;
  if (auto e = extensions_.find(leg.extension); e != extensions_.end()) o.allowedCodecs = e->second.allowedCodecs;
  // Same worker as the caller's endpoint, so that bridging on answer needs no migration.
  if (c.in && c.in != &leg) o.colocateWith = c.in->ep;
  if (colocate != 0) o.colocateWith = colocate;
  auto ep = d_.media->createEndpoint(o);
  if (!ep) return offer;
  setLegEndpoint(leg, *ep);
  auto local = d_.media->localOffer(*ep);
  if (!local) return offer;
  return sip::formatSdp(*local, leg.id, sdpVersion_++);
}

Switch::Leg* Switch::addOutLeg(Call& c, const sip::OutgoingDialog& d, const std::string& ruri, const std::string& sdp,
                               const std::string& headers, media::EndpointId colocate) {
  const sip::HandleId h = stack_->createDialog(d);
  if (h == 0) return nullptr;
  auto leg = std::make_unique<Leg>();
  leg->id = nextLegId_++;
  leg->call = &c;
  leg->handle = sip::HandleRef(stack_, h);
  leg->target = ruri;
  leg->sipCallId = d.callId;
  leg->startUs = clock_.nowUs();
  leg->manualAck = d.manualAck;
  Leg* l = leg.get();
  c.legs.push_back(std::move(leg));
  legs_[h] = l;
  if (!d.callId.empty()) legsBySipCallId_[d.callId] = l;
  l->localSdp = sdpForOutLeg(c, *l, sdp, colocate);
  l->state = Leg::State::Calling;
  sip::MessageParts parts = sdpParts(l->localSdp);
  parts.headers = headers;
  stack_->invite(h, ruri, parts);
  return l;
}

bool Switch::ringExtension(Call& c, const Extension& callee, const std::string& sdp) {
  c.destination = callee.number;
  if (!callee.enabled) {
    failCall(c, 404, "Not Found", "unavailable", "system");
    return false;
  }
  if (callee.dnd || activeFor(callee.number) >= limitFor(callee)) {
    failCall(c, 486, "Busy Here", "busy", "callee");
    return false;
  }
  auto bindings = registrar_.bindings(callee.number, clock_.nowUs());
  bindings.erase(std::remove_if(bindings.begin(), bindings.end(), [](const sip::Binding& b) { return !b.reachable; }),
                 bindings.end());
  if (bindings.empty()) {
    failCall(c, 480, "Temporarily Unavailable", "unavailable", "callee");
    return false;
  }
  countCall(c, callee.number);
  sip::OutgoingDialog d;
  const std::string host = hostPart();
  d.from = "\"" + quoteDisplay(c.callerName) + "\" <sip:" + c.callerNumber + "@" + host + ">";
  d.to = "<sip:" + callee.number + "@" + host + ">";
  d.contactUser = c.callerNumber;
  d.manualAck = c.originated && c.in == nullptr && !anchoringOn(d_);
  for (const auto& b : bindings) {
    d.callId = core::newId();
    if (Leg* l = addOutLeg(c, d, b.contact, sdp)) l->extension = callee.number;
    if (d.manualAck) break;  // 3PCC rings one contact: its 200 must be ACKed by us
  }
  const std::string id = c.id;
  timers_.cancel(c.noAnswerTimer);
  c.noAnswerTimer = timers_.start(clock_.monoUs() + d_.config.noAnswerTimeoutS * kSecond, [this, id] {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& call = *it->second;
    call.noAnswerTimer = 0;
    if (call.phase == Call::Phase::Routing || call.phase == Call::Phase::Ringing) {
      failCall(call, 480, "No Answer", "no_answer", "callee");
    }
  });
  return true;
}

void Switch::tryNextTrunk(Call& c) {
  timers_.cancel(c.trunkTimer);
  c.trunkTimer = 0;
  while (!c.trunkQueue.empty()) {
    const std::string id = c.trunkQueue.front();
    c.trunkQueue.erase(c.trunkQueue.begin());
    auto it = trunks_.find(id);
    if (it == trunks_.end()) continue;
    const Trunk& t = it->second;
    if (t.maxChannels > 0 && activeByTrunk_[id] >= t.maxChannels) {
      log_->info("call {}: trunk {} at its channel limit, trying the next", c.id, t.name);
      continue;
    }
    c.trunkId = id;
    countTrunk(c, id);
    std::string callerId = c.callerNumber;
    if (c.outCallerPolicy == "fixed" && !c.outFixedCallerId.empty()) callerId = c.outFixedCallerId;
    if (c.outCallerPolicy == "trunk" && !t.callerId.empty()) callerId = t.callerId;
    std::string hostPort = t.host + ":" + std::to_string(t.port);
    std::string ruri = "sip:" + c.outNumber + "@" + hostPort;
    if (t.transport != "udp") ruri += ";transport=" + t.transport;
    sip::OutgoingDialog d;
    d.from = "\"" + quoteDisplay(c.callerName) + "\" <sip:" + callerId + "@" + hostPart() + ">";
    d.to = "<sip:" + c.outNumber + "@" + hostPort + ">";
    d.callId = core::newId();
    d.contactUser = callerId;
    d.authUser = t.username;
    d.authPassword = t.password;
    d.manualAck = c.originated && c.in == nullptr && !anchoringOn(d_);
    Leg* l = addOutLeg(c, d, ruri, c.in ? c.in->remoteSdp : std::string());
    if (!l) continue;
    l->trunkId = id;
    const std::string callId = c.id;
    const uint64_t legId = l->id;
    c.trunkTimer = timers_.start(clock_.monoUs() + d_.config.trunkTimeoutS * kSecond, [this, callId, legId] {
      auto ci = calls_.find(callId);
      if (ci == calls_.end()) return;
      Call& call = *ci->second;
      call.trunkTimer = 0;
      for (auto& leg : call.legs) {
        if (leg->id != legId || leg->gotProvisional || leg->state != Leg::State::Calling) continue;
        log_->info("call {}: trunk {} did not answer in time, failing over", call.id, leg->trunkId);
        leg->abandoned = true;
        leg->status = 408;
        endLeg(*leg);
        call.lastTrunkStatus = 408;
        tryNextTrunk(call);
        return;
      }
    });
    if (c.noAnswerTimer == 0) {
      c.noAnswerTimer = timers_.start(clock_.monoUs() + d_.config.noAnswerTimeoutS * kSecond, [this, callId] {
        auto found = calls_.find(callId);
        if (found == calls_.end()) return;
        found->second->noAnswerTimer = 0;
        if (found->second->phase < Call::Phase::Answered) failCall(*found->second, 480, "No Answer", "no_answer", "callee");
      });
    }
    return;
  }
  const int st = c.lastTrunkStatus >= 500 || c.lastTrunkStatus == 408 || c.lastTrunkStatus == 0 ? 503 : c.lastTrunkStatus;
  failCall(c, st, st == 503 ? "Service Unavailable" : "Failed", c.lastTrunkStatus == 0 ? "unavailable" : "failed", "system");
}

// ---------------------------------------------------------------- responses

void Switch::onInviteResponse(Leg& leg, const sip::SipResponse& r) {
  if (leg.appRole != Leg::AppRole::None) return onAppLegResponse(leg, r);
  Call& c = *leg.call;
  const int64_t now = clock_.nowUs();
  if (r.status < 200) {
    if (r.status == 100) return;
    leg.gotProvisional = true;
    if (leg.state == Leg::State::Calling) leg.state = Leg::State::Early;
    if (!r.body.empty()) leg.remoteSdp = r.body;
    if (leg.abandoned || leg.isTransferTarget || c.phase >= Call::Phase::Answered || leg.manualAck) return;
    if (c.in && c.in->inbound && c.in->state == Leg::State::Calling) {
      sip::MessageParts p;
      if (!r.body.empty()) {
        p = sdpParts(anchoringOn(d_) ? c.in->localSdp : r.body);
        if (anchoringOn(d_) && leg.ep != 0) {
          if (auto ans = sip::parseSdp(r.body)) {
            (void)d_.media->applyAnswer(leg.ep, *ans);
            (void)d_.media->bridge(c.in->ep, leg.ep);
          }
        }
      }
      if (!p.body.empty() || !c.in->ringing) {
        stack_->respond(c.in->handle.id(), r.status, r.phrase, p);
        c.in->ringing = true;
      }
    }
    if (c.phase == Call::Phase::Routing) {
      c.phase = Call::Phase::Ringing;
      publish(c, "call.ringing");
    }
    return;
  }
  if (r.status < 300) {
    if (!r.body.empty()) leg.remoteSdp = r.body;
    leg.state = Leg::State::Up;
    leg.answerUs = now;
    leg.status = r.status;
    if (leg.manualAck && leg.abandoned) {
      stack_->ack(leg.handle.id(), {});
    }
    if (leg.abandoned || c.phase == Call::Phase::Ending ||
        (c.phase == Call::Phase::Answered && !leg.isTransferTarget && !(c.originated && &leg == c.peer))) {
      // Answered too late (another fork won, or the caller left): hang it up.
      leg.abandoned = true;
      stack_->bye(leg.handle.id());
      leg.state = Leg::State::Ending;
      return;
    }
    if (leg.isTransferTarget) return transferAnswered(c, leg, r.body);
    if (c.originated && c.in == nullptr) {
      // 3PCC step 2: the first party answered with its offer; now call the second.
      c.in = &leg;
      if (anchoringOn(d_) && leg.ep != 0) {
        if (auto ans = sip::parseSdp(r.body)) (void)d_.media->applyAnswer(leg.ep, *ans);
      }
      timers_.cancel(c.noAnswerTimer);
      c.noAnswerTimer = 0;
      for (auto& other : c.legs) {
        if (other.get() != &leg && (other->state == Leg::State::Calling || other->state == Leg::State::Early)) {
          other->abandoned = true;
          other->lostToAnswer = true;
          endLeg(*other);
        }
      }
      c.callerNumber = leg.extension;
      const std::string target = c.originateTarget;
      if (auto e = extensions_.find(target); e != extensions_.end()) {
        ringExtension(c, e->second, leg.remoteSdp);
      } else if (auto route = dialPlan_.route(target)) {
        c.direction = "outbound";
        c.trunkQueue = route->rule->trunkIds;
        c.outNumber = route->number;
        c.outCallerPolicy = route->rule->callerIdPolicy;
        c.outFixedCallerId = route->rule->callerId;
        c.destination = route->number;
        tryNextTrunk(c);
      } else {
        failCall(c, 404, "Not Found", "unavailable", "system");
      }
      return;
    }
    answerCall(c, leg, r.body);
    return;
  }
  // A final failure on this fork. A leg we gave up on (timeout -> 408) keeps
  // that status rather than the 487 its CANCEL brings back.
  if (!leg.abandoned || leg.status == 0) leg.status = r.status;
  leg.state = Leg::State::Ending;
  if (leg.abandoned) return;
  if (leg.isTransferTarget) return transferFailed(c, r.status);
  if (c.phase >= Call::Phase::Answered) return;
  if (c.originated && c.in == nullptr) {
    if (allOutLegsDone(c)) failCall(c, r.status, r.phrase, causeFor(r.status), "callee");
    return;
  }
  if (!leg.trunkId.empty() && (r.status >= 500 || r.status == 408)) {
    c.lastTrunkStatus = r.status;
    if (!c.trunkQueue.empty()) {
      log_->info("call {}: trunk {} answered {}, failing over", c.id, leg.trunkId, r.status);
      tryNextTrunk(c);
      return;
    }
  }
  if (!allOutLegsDone(c)) return;  // other forks still ring
  int status = r.status;
  std::string phrase = r.phrase;
  for (const auto& l : c.legs) {
    if (l.get() != c.in && (l->status == 486 || l->status == 600)) {
      status = 486;
      phrase = "Busy Here";
    }
  }
  failCall(c, status, phrase, causeFor(status), "callee");
}

std::string Switch::answerSdpForIn(Call& c, const std::string& remoteAnswer, Leg& out) {
  if (!anchoringOn(d_)) return remoteAnswer;
  if (auto ans = sip::parseSdp(remoteAnswer); ans && out.ep != 0) {
    (void)d_.media->applyAnswer(out.ep, *ans);
  }
  if (c.in && c.in->ep != 0 && out.ep != 0) (void)d_.media->bridge(c.in->ep, out.ep);
  return c.in ? c.in->localSdp : std::string();
}

void Switch::answerCall(Call& c, Leg& leg, const std::string& sdp) {
  const int64_t now = clock_.nowUs();
  c.peer = &leg;
  c.phase = Call::Phase::Answered;
  c.answerUs = now;
  c.sipCode = 200;
  if (!leg.extension.empty()) c.destination = leg.extension;
  timers_.cancel(c.noAnswerTimer);
  timers_.cancel(c.trunkTimer);
  c.noAnswerTimer = c.trunkTimer = 0;
  for (auto& other : c.legs) {
    if (other.get() == &leg || other.get() == c.in) continue;
    if (other->state == Leg::State::Calling || other->state == Leg::State::Early || other->state == Leg::State::Idle) {
      other->abandoned = true;
      other->lostToAnswer = true;  // another contact of the callee answered
      endLeg(*other);
    }
  }
  const std::string answer = answerSdpForIn(c, sdp, leg);
  if (c.in && c.in->inbound) {
    stack_->respond(c.in->handle.id(), 200, "OK", sdpParts(answer));
    c.in->state = Leg::State::Up;
    c.in->answerUs = now;
  } else if (c.in && c.in->manualAck) {
    stack_->ack(c.in->handle.id(), sdpParts(sdp));  // 3PCC: the second party's answer completes the first
  }
  if (mCallsAnswered_) mCallsAnswered_->inc();
  publish(c, "call.answered");
  AnsweredCall a;
  a.callId = c.id;
  a.direction = c.direction;
  a.callerNumber = c.callerNumber;
  a.calleeNumber = c.originated ? c.originateTarget : c.calleeNumber;
  a.destination = c.destination;
  a.callerExtension = c.callerExtension;
  a.did = c.did;
  a.departmentId = c.departmentId;
  notifyApp([a](CallAppListener& l) { l.onCallAnswered(a); });
}

// ---------------------------------------------------------------- tear-down

bool Switch::allOutLegsDone(const Call& c) const {
  for (const auto& l : c.legs) {
    if (l.get() == c.in) continue;
    if (l->state == Leg::State::Idle || l->state == Leg::State::Calling || l->state == Leg::State::Early) return false;
  }
  return true;
}

void Switch::failCall(Call& c, int status, const std::string& phrase, const std::string& cause, const std::string& side) {
  if (c.cause.empty()) {
    c.cause = cause;
    c.side = side;
  }
  if (c.sipCode == 0) c.sipCode = status;
  c.phase = Call::Phase::Ending;
  timers_.cancel(c.noAnswerTimer);
  timers_.cancel(c.trunkTimer);
  c.noAnswerTimer = c.trunkTimer = 0;
  if (c.in && c.in->inbound && c.in->state == Leg::State::Calling) {
    stack_->respond(c.in->handle.id(), status, phrase);
    c.in->state = Leg::State::Ending;
  }
  const std::string id = c.id;
  for (auto& l : c.legs) {
    if (l.get() == c.in && c.in->inbound) continue;
    endLeg(*l);
  }
  // Legs that never reached the network are gone already; finish if nothing is left.
  auto it = calls_.find(id);
  if (it != calls_.end()) {
    const bool allGone = std::all_of(it->second->legs.begin(), it->second->legs.end(),
                                     [](const auto& l) { return l->state == Leg::State::Gone; });
    if (allGone) finishCall(*it->second);
  }
}

void Switch::hangupCall(Call& c, const std::string& cause, const std::string& side) {
  if (c.cause.empty()) {
    c.cause = cause;
    c.side = side;
  }
  if (c.sipCode == 0) c.sipCode = c.answerUs ? 200 : 487;
  if (c.phase != Call::Phase::Answered) {
    failCall(c, 487, "Request Terminated", cause, side);
    return;
  }
  c.phase = Call::Phase::Ending;
  for (auto& l : c.legs) endLeg(*l);
}

void Switch::endLeg(Leg& leg) {
  switch (leg.state) {
    case Leg::State::Idle:
      leg.state = Leg::State::Gone;
      legs_.erase(leg.handle.id());
      leg.handle.reset();
      break;
    case Leg::State::Calling:
    case Leg::State::Early:
      if (leg.inbound) {
        stack_->respond(leg.handle.id(), leg.call->sipCode ? leg.call->sipCode : 487, "Request Terminated");
      } else {
        leg.abandoned = true;
        stack_->cancel(leg.handle.id(), leg.lostToAnswer ? sip::kReasonAnsweredElsewhere : "");
      }
      leg.state = Leg::State::Ending;
      break;
    case Leg::State::Up:
      if (leg.manualAck && leg.call->peer == nullptr) stack_->ack(leg.handle.id(), {});
      stack_->bye(leg.handle.id());
      leg.state = Leg::State::Ending;
      break;
    default:
      break;
  }
}

Switch::Leg* Switch::otherParty(Leg& leg) {
  Call& c = *leg.call;
  if (&leg == c.in) return c.peer;
  if (&leg == c.peer) return c.in;
  return nullptr;
}

void Switch::onCancel(sip::HandleId h) {
  AppScope scope(*this);
  Leg* leg = legOf(h);
  if (!leg) return;
  Call& c = *leg->call;
  leg->state = Leg::State::Ending;  // the stack answered 487
  if (c.cause.empty()) {
    c.cause = "cancelled";
    c.side = "caller";
    c.sipCode = 487;
  }
  if (c.phase < Call::Phase::Answered) failCall(c, 487, "Request Terminated", "cancelled", "caller");
}

void Switch::onTerminated(sip::HandleId h) {
  AppScope scope(*this);
  Leg* leg = legOf(h);
  if (!leg) {
    stack_->release(h);
    return;
  }
  legGone(*leg);
}

void Switch::legGone(Leg& leg) {
  Call& c = *leg.call;
  const int64_t now = clock_.nowUs();
  const bool wasParty = (&leg == c.in || &leg == c.peer);
  leg.state = Leg::State::Gone;
  leg.endUs = now;
  legs_.erase(leg.handle.id());
  if (auto it = legsBySipCallId_.find(leg.sipCallId); it != legsBySipCallId_.end() && it->second == &leg) {
    legsBySipCallId_.erase(it);
  }
  leg.handle.reset();
  if (leg.ep != 0 && d_.media) {
    d_.media->destroyEndpoint(leg.ep);
    legsByEp_.erase(leg.ep);
    leg.ep = 0;
  }
  if (c.appControlled() && c.phase != Call::Phase::Ending && &leg != c.in) {
    // An agent, consulted party or supervisor left: the customer stays with the app.
    appLegGone(leg, "normal");
  } else {
    if (leg.relayFrom && leg.relayFrom->awaitingReinvite && leg.relayFrom->state == Leg::State::Up) {
      stack_->respond(leg.relayFrom->handle.id(), 500, "Peer Gone");
      leg.relayFrom->awaitingReinvite = false;
    }
    if (&leg == c.transferor) {
      // The transferor may leave as soon as its REFER is accepted.
    } else if (c.phase == Call::Phase::Answered && wasParty) {
      hangupCall(c, "normal", &leg == c.in ? "caller" : "callee");
    } else if (c.phase < Call::Phase::Answered && &leg == c.in) {
      failCall(c, 487, "Request Terminated", "cancelled", "caller");
    }
  }
  auto it = calls_.find(c.id);
  if (it == calls_.end()) return;
  const bool allGone = std::all_of(c.legs.begin(), c.legs.end(), [](const auto& l) { return l->state == Leg::State::Gone; });
  if (allGone) finishCall(c);
}

void Switch::finishCall(Call& c) {
  if (c.finished) return;
  c.finished = true;
  c.endUs = clock_.nowUs();
  timers_.cancel(c.noAnswerTimer);
  timers_.cancel(c.trunkTimer);
  for (const auto& e : c.countedExtensions) {
    if (--activeByExt_[e] <= 0) activeByExt_.erase(e);
  }
  for (const auto& t : c.countedTrunks) {
    if (--activeByTrunk_[t] <= 0) activeByTrunk_.erase(t);
  }
  if (c.cause.empty()) {
    c.cause = c.answerUs ? "normal" : "failed";
    c.side = "system";
  }
  for (auto& l : c.legs) {  // legs that never reached the network keep their endpoint until here
    if (l->ep != 0 && d_.media) {
      d_.media->destroyEndpoint(l->ep);
      legsByEp_.erase(l->ep);
      l->ep = 0;
    }
  }
  Cdr cdr;
  cdr.id = c.id;
  cdr.direction = c.direction;
  cdr.callerNumber = c.callerNumber;
  cdr.callerName = c.callerName;
  cdr.calleeNumber = c.originated ? c.originateTarget : c.calleeNumber;
  cdr.destination = c.destination;
  cdr.trunkId = c.trunkId;
  cdr.did = c.did;
  cdr.departmentId = c.departmentId;
  cdr.startUs = c.startUs;
  cdr.answerUs = c.answerUs;
  cdr.endUs = c.endUs;
  cdr.hangupCause = c.cause;
  cdr.hangupSide = c.side;
  cdr.sipCode = c.sipCode;
  for (const auto& l : c.legs) {
    cdr.legs.push_back(CdrLeg{l->inbound ? c.in == l.get() ? "caller" : l->target : l->target, l->trunkId,
                              l->inbound && l->status == 0 ? c.sipCode : l->status, l->startUs, l->answerUs,
                              l->endUs ? l->endUs : c.endUs});
  }
  if (d_.cdrSink) d_.cdrSink(cdr);
  if (d_.writer) d_.writer->insertCdr(cdr);
  publish(c, "call.ended");
  if (c.app) callEndedForApp(c);
  auto it = calls_.find(cdr.id);
  if (it == calls_.end()) return;
  // A callback or the code that got us here may still hold the call: free it when the stack unwinds.
  if (appDepth_ > 0) graveyard_.push_back(std::move(it->second));
  calls_.erase(it);
}

// ---------------------------------------------------------------- facade

core::Result<std::string> Switch::originate(const std::string& from, const std::string& to) {
  auto a = extensions_.find(from);
  if (a == extensions_.end()) return core::makeError("not_found", "extension " + from + " not found");
  if (!isValidNumber(to)) return core::makeError("invalid", "destination is not a valid number");
  if (extensions_.find(to) == extensions_.end() && !dialPlan_.route(to)) {
    return core::makeError("not_found", "no extension or dial-plan rule for " + to);
  }
  if (registrar_.bindings(from, clock_.nowUs()).empty()) {
    return core::makeError("unavailable", "extension " + from + " is not registered");
  }
  Call& c = newCall(nullptr);
  c.originated = true;
  c.originateTarget = to;
  c.calleeNumber = to;
  c.callerNumber = to;  // what the first party sees as the caller
  c.callerName = "";
  c.departmentId = a->second.departmentId;
  c.direction = "internal";
  publish(c, "call.created");
  const std::string id = c.id;
  if (!ringExtension(c, a->second, "")) {
    return core::makeError("unavailable", "extension " + from + " cannot be called now");
  }
  // Call fields for the record: the originator calls `to`.
  auto it = calls_.find(id);
  if (it != calls_.end()) {
    it->second->callerNumber = from;
    it->second->destination = to;
  }
  return id;
}

}  // namespace hujiao::call
