// Switch: the life of app calls -- routing a new call to the app, the legs
// connect()/consult()/supervise() place (forking, trunk failover, answer,
// failure, hang-up), media events of the customer leg, SIP INFO digits, and
// the queue of CallAppListener callbacks.
#include <algorithm>

#include "call/switch.h"
#include "call/switch_internal.h"
#include "core/ids.h"
#include "core/log.h"
#include "sip/sdp.h"

namespace hujiao::call {

bool anchoringOn(const SwitchDeps& d);

namespace {
constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kRecordingWaitUs = 3 * kSecond;  // onAppCallEnded waits this long for RecordingStopped

std::string causeOf(int status) {
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

std::string quoted(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '"' && c != '\\' && c != '\r' && c != '\n') out += c;
  }
  return out;
}

bool validHeaderName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '!' || c == '%' || c == '*' || c == '+' || c == '~';
  });
}

bool validHeaderValue(const std::string& v) {
  return v.size() <= 512 && v.find_first_of("\r\n") == std::string::npos;
}

bool validDigit(char d) {
  return (d >= '0' && d <= '9') || d == '*' || d == '#' || (d >= 'A' && d <= 'D');
}

bool ringingOrIdle(const Switch::Leg& l) {
  return l.state == Switch::Leg::State::Idle || l.state == Switch::Leg::State::Calling ||
         l.state == Switch::Leg::State::Early;
}
}  // namespace

// ---------------------------------------------------------------- listener queue

void Switch::notifyApp(std::function<void(CallAppListener&)> fn) {
  if (!app_) return;
  appQueue_.push_back(std::move(fn));
}

void Switch::drainApp() {
  if (draining_) return;
  draining_ = true;
  ++appDepth_;
  while (!appQueue_.empty()) {
    auto fn = std::move(appQueue_.front());
    appQueue_.pop_front();
    if (app_) fn(*app_);
  }
  --appDepth_;
  draining_ = false;
  graveyard_.clear();
}

void Switch::setLegEndpoint(Leg& leg, media::EndpointId ep) {
  leg.ep = ep;
  legsByEp_[ep] = &leg;
}

// ---------------------------------------------------------------- a new app call

void Switch::routeToApp(Call& c) {
  if (!anchoringOn(d_) || c.in->ep == 0) {
    log_->warn("call {}: {} targets need media anchoring (sip.media_anchoring)", c.id, c.app->targetType);
    return failCall(c, 503, "Service Unavailable", "unavailable", "system");
  }
  if (c.in->localSdp.empty()) {
    // A delayed offer would need our offer in the 200 and the answer in the ACK.
    return failCall(c, 488, "Not Acceptable Here", "failed", "system");
  }
  if (!app_) {
    log_->warn("call {}: no contact-center layer for target type '{}'", c.id, c.app->targetType);
    return failCall(c, 480, "Temporarily Unavailable", "unavailable", "system");
  }
  AppCallInfo info;
  info.callId = c.id;
  info.targetType = c.app->targetType;
  info.target = c.app->target;
  info.callerNumber = c.callerNumber;
  info.callerName = c.callerName;
  info.calledNumber = c.calleeNumber;
  info.trunkId = c.trunkId;
  info.did = c.did;
  info.departmentId = c.departmentId;
  info.startUs = c.startUs;
  const std::string id = c.id;
  // Synchronous (the answer decides 404): the listener may already drive the
  // call; calls it ends stay allocated until this entry point returns.
  const bool taken = app_->onAppCall(info);
  auto it = calls_.find(id);
  if (it == calls_.end() || it->second->finished) return;
  Call& call = *it->second;
  if (taken || call.phase == Call::Phase::Ending) return;
  log_->info("call {}: refused by the app for {} {}", id, info.targetType, info.target);
  call.app->refused = true;
  if (call.phase == Call::Phase::Answered) {
    hangupCall(call, "unavailable", "system");
  } else {
    failCall(call, 404, "Not Found", "unavailable", "system");
  }
}

// ---------------------------------------------------------------- placing legs

core::Result<std::string> Switch::headerBlockOf(const std::map<std::string, std::string>& hdrs, bool autoAnswer) {
  std::string headers;
  for (const auto& [name, value] : hdrs) {
    if (!validHeaderName(name) || !validHeaderValue(value)) {
      return core::makeError("invalid", "bad SIP header '" + name + "'");
    }
    headers += name + ": " + value + "\r\n";
  }
  if (autoAnswer) {
    std::string host = hostPart();
    headers += "Call-Info: <sip:" + host + ">;answer-after=0\r\n";
    headers += "Alert-Info: <http://www.notused.com>;info=alert-autoanswer\r\n";
  }
  return headers;
}

core::Result<uint64_t> Switch::placeConnect(Call& c, const ConnectRequest& req, bool consult) {
  if (!isValidNumber(req.destination)) return core::makeError("invalid", "destination is not a valid number");
  auto headers = headerBlockOf(req.headers, req.autoAnswer);
  if (!headers) return headers.error();
  auto k = std::make_unique<AppConnect>();
  k->id = nextAppId_++;
  k->request = req;
  k->headerBlock = *headers;
  k->consult = consult;
  k->parallel = req.parallel && !consult;
  AppConnect& ref = *k;
  const uint64_t id = ref.id;
  const media::EndpointId colocate =
      consult && c.app->connect && c.app->connect->party ? c.app->connect->party->ep : c.in->ep;
  if (consult) {
    c.app->consult = std::move(k);
  } else if (ref.parallel) {
    c.app->parallel.push_back(std::move(k));
  } else {
    c.app->connect = std::move(k);
  }
  bool placed = false;
  std::string failCause = "unavailable";
  if (req.kind == ConnectRequest::Kind::Extension) {
    auto e = extensions_.find(req.destination);
    if (e == extensions_.end()) {
      ref.lastStatus = 404;
    } else {
      placed = ringConnectExtension(c, ref, e->second, colocate);
      if (ref.lastStatus == 486) failCause = "busy";
    }
  } else if (auto route = dialPlan_.route(req.destination)) {
    ref.trunkQueue = route->rule->trunkIds;
    ref.number = route->number;
    ref.callerPolicy = route->rule->callerIdPolicy;
    ref.ruleCallerId = route->rule->callerId;
    placed = ringConnectTrunk(c, ref, colocate);
    if (!placed) failCause = "unavailable";
  } else {
    ref.lastStatus = 404;
  }
  if (!placed) {
    connectFailed(c, ref, ref.lastStatus ? ref.lastStatus : 503, failCause);
    return id;
  }
  startConnectTimer(c, ref, req.timeoutMs);
  return id;
}

void Switch::startConnectTimer(Call& c, AppConnect& k, int timeoutMs) {
  const std::string callId = c.id;
  const uint64_t id = k.id;
  const int ms = std::clamp(timeoutMs, 1000, 600'000);
  k.timer = timers_.start(clock_.monoUs() + int64_t{ms} * 1000, [this, callId, id] {
    auto it = calls_.find(callId);
    if (it == calls_.end() || !it->second->app || it->second->finished) return;
    Call& call = *it->second;
    AppConnect* pending = findConnect(call, id);
    if (!pending || pending->answered) return;
    pending->timer = 0;
    connectFailed(call, *pending, 408, "no_answer");
  });
}

AppConnect* Switch::findConnect(Call& c, uint64_t id) {
  if (!c.app) return nullptr;
  if (c.app->connect && c.app->connect->id == id) return c.app->connect.get();
  if (c.app->consult && c.app->consult->id == id) return c.app->consult.get();
  if (c.app->originate && c.app->originate->id == id) return c.app->originate.get();
  for (auto& p : c.app->parallel) {
    if (p->id == id) return p.get();
  }
  return nullptr;
}

namespace {
Switch::Leg::AppRole roleOf(const AppConnect& k) {
  if (k.originate) return Switch::Leg::AppRole::Originate;
  return k.consult ? Switch::Leg::AppRole::Consult : Switch::Leg::AppRole::Connect;
}
}  // namespace

bool Switch::ringConnectExtension(Call& c, AppConnect& k, const Extension& ext, media::EndpointId colocate) {
  if (!ext.enabled) {
    k.lastStatus = 404;
    return false;
  }
  if (ext.dnd || activeFor(ext.number) >= limitFor(ext)) {
    k.lastStatus = 486;
    return false;
  }
  auto bindings = registrar_.bindings(ext.number, clock_.nowUs());
  bindings.erase(std::remove_if(bindings.begin(), bindings.end(), [](const sip::Binding& b) { return !b.reachable; }),
                 bindings.end());
  if (bindings.empty()) {
    k.lastStatus = 480;
    return false;
  }
  const ConnectRequest& req = k.request;
  const std::string number = req.callerIdNumber.empty() ? c.callerNumber : req.callerIdNumber;
  const std::string name = req.callerIdName.empty() ? c.callerName : req.callerIdName;
  sip::OutgoingDialog d;
  const std::string host = hostPart();
  d.from = "\"" + quoted(name) + "\" <sip:" + number + "@" + host + ">";
  d.to = "<sip:" + ext.number + "@" + host + ">";
  d.contactUser = number;
  int placed = 0;
  for (const auto& b : bindings) {
    d.callId = core::newId();
    if (Leg* l = addOutLeg(c, d, b.contact, "", k.headerBlock, colocate)) {
      l->extension = ext.number;
      l->appRole = roleOf(k);
      l->appId = k.id;
      ++placed;
    }
  }
  if (placed == 0) {
    k.lastStatus = 503;
    return false;
  }
  countCall(c, ext.number);
  k.countedExtension = ext.number;
  return true;
}

bool Switch::ringConnectTrunk(Call& c, AppConnect& k, media::EndpointId colocate) {
  while (!k.trunkQueue.empty()) {
    const std::string tid = k.trunkQueue.front();
    k.trunkQueue.erase(k.trunkQueue.begin());
    auto it = trunks_.find(tid);
    if (it == trunks_.end()) continue;
    const Trunk& t = it->second;
    if (t.maxChannels > 0 && activeByTrunk_[tid] >= t.maxChannels) continue;
    const ConnectRequest& req = k.request;
    std::string callerId = req.callerIdNumber.empty() ? c.callerNumber : req.callerIdNumber;
    if (req.callerIdNumber.empty() && k.callerPolicy == "fixed" && !k.ruleCallerId.empty()) callerId = k.ruleCallerId;
    if (req.callerIdNumber.empty() && k.callerPolicy == "trunk" && !t.callerId.empty()) callerId = t.callerId;
    const std::string name = req.callerIdName.empty() ? c.callerName : req.callerIdName;
    const std::string hostPort = t.host + ":" + std::to_string(t.port);
    std::string ruri = "sip:" + k.number + "@" + hostPort;
    if (t.transport != "udp") ruri += ";transport=" + t.transport;
    sip::OutgoingDialog d;
    d.from = "\"" + quoted(name) + "\" <sip:" + callerId + "@" + hostPart() + ">";
    d.to = "<sip:" + k.number + "@" + hostPort + ">";
    d.callId = core::newId();
    d.contactUser = callerId;
    d.authUser = t.username;
    d.authPassword = t.password;
    Leg* l = addOutLeg(c, d, ruri, "", k.headerBlock, colocate);
    if (!l) continue;
    l->trunkId = tid;
    l->appRole = roleOf(k);
    l->appId = k.id;
    countTrunk(c, tid);
    k.countedTrunk = tid;
    return true;
  }
  if (k.lastStatus == 0) k.lastStatus = 503;
  return false;
}

// ---------------------------------------------------------------- leg events

AppConnect* Switch::connectOf(Call& c, const Leg& leg) {
  if (!c.app || (leg.appRole != Leg::AppRole::Connect && leg.appRole != Leg::AppRole::Consult &&
                 leg.appRole != Leg::AppRole::Originate)) {
    return nullptr;
  }
  return findConnect(c, leg.appId);
}

void Switch::onAppLegResponse(Leg& leg, const sip::SipResponse& r) {
  Call& c = *leg.call;
  if (r.status < 200) {
    if (r.status == 100) return;
    leg.gotProvisional = true;
    if (leg.state == Leg::State::Calling) leg.state = Leg::State::Early;
    if (!r.body.empty()) leg.remoteSdp = r.body;
    AppConnect* k = connectOf(c, leg);
    if (leg.abandoned || !k || k->answered || k->ringingPublished) return;
    k->ringingPublished = true;
    publish(c, "call.ringing");
    return;
  }
  if (r.status < 300) {
    if (!r.body.empty()) leg.remoteSdp = r.body;
    leg.state = Leg::State::Up;
    leg.answerUs = clock_.nowUs();
    leg.status = r.status;
    if (leg.ep != 0) {
      if (auto ans = sip::parseSdp(leg.remoteSdp)) (void)d_.media->applyAnswer(leg.ep, *ans);
    }
    if (leg.abandoned || c.phase == Call::Phase::Ending || !c.appControlled()) {
      leg.abandoned = true;
      stack_->bye(leg.handle.id());
      leg.state = Leg::State::Ending;
      return;
    }
    if (leg.appRole == Leg::AppRole::Supervisor) {
      AppConnect* k = c.app->connect.get();
      bool joined = false;
      if (supervisions_.count(leg.appId) && k && k->party && k->party->ep) {
        for (auto& other : c.legs) {  // one fork joins, the others go
          if (other.get() == &leg || other->appRole != Leg::AppRole::Supervisor || other->appId != leg.appId) continue;
          if (other->state == Leg::State::Up) joined = true;
        }
        if (!joined) {
          auto ok = d_.media->supervise(leg.ep, k->party->ep, leg.superviseMode);
          if (!ok) log_->warn("call {}: supervise: {}", c.id, ok.error().message);
          joined = ok.ok();
          for (auto& other : c.legs) {
            if (other.get() != &leg && other->appRole == Leg::AppRole::Supervisor && other->appId == leg.appId &&
                ringingOrIdle(*other)) {
              other->abandoned = true;
              other->appRole = Leg::AppRole::None;
              endLeg(*other);
            }
          }
          if (joined) return;
        }
      }
      leg.abandoned = true;
      leg.appRole = Leg::AppRole::None;
      stack_->bye(leg.handle.id());
      leg.state = Leg::State::Ending;
      return;
    }
    AppConnect* k = connectOf(c, leg);
    if (!k || k->answered) {
      leg.abandoned = true;
      stack_->bye(leg.handle.id());
      leg.state = Leg::State::Ending;
      return;
    }
    connectAnswered(c, *k, leg, leg.remoteSdp);
    return;
  }
  leg.status = r.status;
  leg.state = Leg::State::Ending;
  if (leg.abandoned) return;
  if (leg.appRole == Leg::AppRole::Supervisor) {
    const uint64_t sid = leg.appId;
    leg.appRole = Leg::AppRole::None;
    for (const auto& other : c.legs) {
      if (other->appRole == Leg::AppRole::Supervisor && other->appId == sid && other->state != Leg::State::Gone &&
          other->state != Leg::State::Ending) {
        return;  // another fork still rings
      }
    }
    if (supervisions_.erase(sid)) {
      const std::string cid = c.id;
      const std::string cause = causeOf(r.status);
      notifyApp([cid, sid, cause](CallAppListener& l) { l.onSupervisionEnded(cid, sid, cause); });
    }
    return;
  }
  AppConnect* k = connectOf(c, leg);
  if (!k || k->answered) return;
  if (r.status == 486 || r.status == 600) k->sawBusy = true;
  k->lastStatus = r.status;
  if (!leg.trunkId.empty() && (r.status >= 500 || r.status == 408) && !k->trunkQueue.empty()) {
    log_->info("call {}: trunk {} answered {} to a connect, failing over", c.id, leg.trunkId, r.status);
    uncountTrunk(c, k->countedTrunk);
    k->countedTrunk.clear();
    media::EndpointId colocate = c.in ? c.in->ep : 0;
    if (k->consult && c.app->connect && c.app->connect->party) colocate = c.app->connect->party->ep;
    if (k->originate) colocate = 0;
    if (ringConnectTrunk(c, *k, colocate)) return;
  }
  for (const auto& other : c.legs) {
    if (other.get() != &leg && other->appId == k->id && other->appRole == leg.appRole && ringingOrIdle(*other) &&
        !other->abandoned) {
      return;  // other forks still ring
    }
  }
  const int code = k->sawBusy ? 486 : r.status;
  connectFailed(c, *k, code, causeOf(code));
}

void Switch::connectAnswered(Call& c, AppConnect& k, Leg& leg, const std::string& /*sdp*/) {
  k.answered = true;
  k.party = &leg;
  timers_.cancel(k.timer);
  k.timer = 0;
  endConnectLegs(c, k.id, &leg, true);  // sibling forks (other contacts of the same extension)
  if (k.originate) return originateAnswered(c, k, leg);
  std::vector<std::unique_ptr<AppConnect>> losers;
  if (k.parallel) {
    // Ring-all: this one wins; it becomes the call's connect, the others are cancelled.
    auto& par = c.app->parallel;
    auto it = std::find_if(par.begin(), par.end(), [&](const auto& p) { return p.get() == &k; });
    if (it != par.end()) {
      c.app->connect = std::move(*it);
      par.erase(it);
    }
    losers = std::move(par);
    par.clear();
  }
  ConnectResult res;
  res.answered = true;
  res.sipCode = leg.status;
  res.cause = "answered";
  res.extension = leg.extension.empty() ? k.number : leg.extension;
  const std::string cid = c.id;
  const uint64_t id = k.id;
  if (k.consult) {
    AppConnect* agent = c.app->connect.get();
    if (agent && agent->party && agent->party->ep) (void)d_.media->bridge(agent->party->ep, leg.ep);
  } else {
    c.destination = res.extension;
    c.peer = &leg;
    d_.media->stopPlay(c.in->ep);
    answerCustomer(c);
    if (auto b = d_.media->bridge(c.in->ep, leg.ep); !b) log_->warn("call {}: bridge: {}", c.id, b.error().message);
    publish(c, "call.connected");
    if (k.request.handOff) {
      // From now on an ordinary bridged call: BYE from either side ends it.
      c.app->handedOff = true;
    }
  }
  notifyApp([cid, id, res](CallAppListener& l) { l.onConnectResult(cid, id, res); });
  // The winner is reported first, then the others (answered_elsewhere).
  for (auto& other : losers) lostToOther(c, *other);
}

void Switch::connectFailed(Call& c, AppConnect& k, int sipCode, const std::string& cause) {
  timers_.cancel(k.timer);
  k.timer = 0;
  endConnectLegs(c, k.id, nullptr);
  if (k.originate) return originateFailed(c, k, sipCode, cause);
  uncountExtension(c, k.countedExtension);
  uncountTrunk(c, k.countedTrunk);
  ConnectResult res;
  res.answered = false;
  res.sipCode = sipCode;
  res.cause = cause;
  res.extension = k.request.destination;
  const std::string cid = c.id;
  const uint64_t id = k.id;
  if (k.consult) {
    c.app->consult.reset();  // the customer stays held until completeConsult()
  } else if (k.parallel) {
    std::erase_if(c.app->parallel, [&](const auto& p) { return p.get() == &k; });  // k is gone
  } else {
    c.app->connect.reset();
  }
  log_->info("call {}: connect {} to {} failed: {} ({})", cid, id, res.extension, cause, sipCode);
  notifyApp([cid, id, res](CallAppListener& l) { l.onConnectResult(cid, id, res); });
}

void Switch::partyGone(Call& c, AppConnect& k, const std::string& cause) {
  const std::string cid = c.id;
  const uint64_t id = k.id;
  Leg* party = k.party;
  if (party) party->appRole = Leg::AppRole::None;
  uncountExtension(c, k.countedExtension);
  uncountTrunk(c, k.countedTrunk);
  if (k.consult) {
    if (party && party->ep) d_.media->unbridge(party->ep);
    c.app->consult.reset();
  } else {
    if (c.peer == party) c.peer = nullptr;
    dropMuteMix(c);
    c.app->muted = false;
    if (!c.app->conference && c.in && c.in->ep) {
      d_.media->unbridge(c.in->ep);
      if (c.app->held) d_.media->stopPlay(c.in->ep);
    }
    endSupervisors(c);
    c.app->held = false;
    c.onHold = false;
    c.app->connect.reset();
  }
  if (c.app->conference && !c.app->connect && !c.app->consult) {
    d_.media->destroyConference(c.app->conferenceId);
    c.app->conference = false;
    c.app->conferenceId = 0;
  }
  publish(c, "call.disconnected");
  notifyApp([cid, id, cause](CallAppListener& l) { l.onConnectedPartyGone(cid, id, cause); });
}

void Switch::appLegGone(Leg& leg, const std::string& cause) {
  Call& c = *leg.call;
  if (leg.appRole == Leg::AppRole::Supervisor) {
    const uint64_t sid = leg.appId;
    leg.appRole = Leg::AppRole::None;
    if (leg.state == Leg::State::Up && leg.ep) (void)d_.media->stopSupervising(leg.ep);
    for (const auto& other : c.legs) {
      if (other.get() != &leg && other->appRole == Leg::AppRole::Supervisor && other->appId == sid &&
          other->state != Leg::State::Gone) {
        return;
      }
    }
    if (supervisions_.erase(sid)) {
      const std::string cid = c.id;
      const std::string why = leg.status >= 300 ? causeOf(leg.status) : cause;
      notifyApp([cid, sid, why](CallAppListener& l) { l.onSupervisionEnded(cid, sid, why); });
    }
    return;
  }
  AppConnect* k = connectOf(c, leg);
  if (!k) return;
  if (k->answered) {
    if (k->party == &leg) partyGone(c, *k, cause);
    return;
  }
  if (leg.abandoned) return;
  leg.abandoned = true;
  for (const auto& other : c.legs) {
    if (other.get() != &leg && other->appId == k->id && other->appRole == leg.appRole && ringingOrIdle(*other) &&
        !other->abandoned) {
      return;
    }
  }
  const int code = k->sawBusy ? 486 : (leg.status >= 300 ? leg.status : 503);
  connectFailed(c, *k, code, causeOf(code));
}

void Switch::endConnectLegs(Call& c, uint64_t connectId, const Leg* except, bool answeredElsewhere) {
  for (auto& l : c.legs) {
    if (l.get() == except || l->appId != connectId) continue;
    if (l->appRole != Leg::AppRole::Connect && l->appRole != Leg::AppRole::Consult &&
        l->appRole != Leg::AppRole::Originate) {
      continue;
    }
    if (!ringingOrIdle(*l)) continue;
    l->abandoned = true;
    l->lostToAnswer = answeredElsewhere;
    endLeg(*l);
  }
}

void Switch::endSupervisors(Call& c) {
  for (auto& l : c.legs) {
    if (l->appRole != Leg::AppRole::Supervisor || l->state == Leg::State::Gone) continue;
    const uint64_t sid = l->appId;
    l->appRole = Leg::AppRole::None;
    l->abandoned = true;
    if (l->state == Leg::State::Up && l->ep) (void)d_.media->stopSupervising(l->ep);
    endLeg(*l);
    if (supervisions_.erase(sid)) {
      const std::string cid = c.id;
      notifyApp([cid, sid](CallAppListener& li) { li.onSupervisionEnded(cid, sid, "agent_gone"); });
    }
  }
}

void Switch::uncountExtension(Call& c, const std::string& ext) {
  if (ext.empty()) return;
  auto it = std::find(c.countedExtensions.begin(), c.countedExtensions.end(), ext);
  if (it == c.countedExtensions.end()) return;
  c.countedExtensions.erase(it);
  if (--activeByExt_[ext] <= 0) activeByExt_.erase(ext);
}

void Switch::uncountTrunk(Call& c, const std::string& trunkId) {
  if (trunkId.empty()) return;
  auto it = std::find(c.countedTrunks.begin(), c.countedTrunks.end(), trunkId);
  if (it == c.countedTrunks.end()) return;
  c.countedTrunks.erase(it);
  if (--activeByTrunk_[trunkId] <= 0) activeByTrunk_.erase(trunkId);
}

// ---------------------------------------------------------------- media and INFO

void Switch::appMediaEvent(const media::MediaEvent& e) {
  using T = media::MediaEvent::Type;
  if (e.type == T::RecordingStopped) {
    auto rec = recordings_.find(e.endpoint);
    if (rec == recordings_.end()) return;
    const RecordingRef ref = rec->second;
    recordings_.erase(rec);
    const std::string path = e.detail;
    const int64_t ms = e.recordedMs;
    notifyApp([ref, path, ms](CallAppListener& l) { l.onAppRecordingStopped(ref.callId, ref.requestId, path, ms); });
    auto pending = pendingEnds_.find(ref.callId);
    if (pending == pendingEnds_.end()) return;
    for (const auto& [ep, other] : recordings_) {
      if (other.callId == ref.callId) return;  // still waiting for another file
    }
    timers_.cancel(pending->second.timer);
    const PendingEnd end = pending->second;
    pendingEnds_.erase(pending);
    const std::string cid = ref.callId;
    notifyApp([cid, end](CallAppListener& l) { l.onAppCallEnded(cid, end.cause, end.side); });
    return;
  }
  auto found = legsByEp_.find(e.endpoint);
  if (found == legsByEp_.end()) return;
  Leg& leg = *found->second;
  Call& c = *leg.call;
  if (!c.appControlled() || &leg != c.in) return;
  const std::string cid = c.id;
  if (e.type == T::DtmfDigit) {
    const char digit = e.digit;
    const int ms = e.durationMs;
    notifyApp([cid, digit, ms](CallAppListener& l) { l.onAppDigit(cid, digit, ms); });
  } else if (e.type == T::PlaybackDone) {
    const uint64_t rid = e.requestId;
    const std::string reason = e.reason;
    notifyApp([cid, rid, reason](CallAppListener& l) { l.onAppPlaybackDone(cid, rid, reason); });
  }
}

void Switch::appInfoDigits(Leg& leg, const sip::SipRequest& r) {
  char digit = 0;
  int durationMs = 100;
  if (r.contentType == "application/dtmf-relay") {
    // "Signal=5\r\nDuration=160\r\n"
    size_t pos = 0;
    while (pos < r.body.size()) {
      size_t eol = r.body.find('\n', pos);
      if (eol == std::string::npos) eol = r.body.size();
      std::string line = r.body.substr(pos, eol - pos);
      pos = eol + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      const size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string key = line.substr(0, eq);
      std::string value = line.substr(eq + 1);
      while (!key.empty() && key.back() == ' ') key.pop_back();
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (key == "signal" && !value.empty()) {
        digit = value == "10" ? '*' : value == "11" ? '#' : static_cast<char>(std::toupper(static_cast<unsigned char>(value[0])));
        if (value.size() > 1 && value != "10" && value != "11") digit = 0;
      } else if (key == "duration" && !value.empty() && value.size() < 6 &&
                 std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        durationMs = std::stoi(value);
      }
    }
  } else if (r.contentType == "application/dtmf") {
    std::string body = r.body;
    while (!body.empty() && (body.back() == '\r' || body.back() == '\n' || body.back() == ' ')) body.pop_back();
    if (body.size() == 1) digit = static_cast<char>(std::toupper(static_cast<unsigned char>(body[0])));
  }
  if (!validDigit(digit)) return;
  const std::string cid = leg.call->id;
  notifyApp([cid, digit, durationMs](CallAppListener& l) { l.onAppDigit(cid, digit, durationMs); });
}

// ---------------------------------------------------------------- the end

void Switch::callEndedForApp(Call& c) {
  if (c.app->conference) {
    d_.media->destroyConference(c.app->conferenceId);
    c.app->conference = false;
  }
  for (auto& l : c.legs) {
    if (l->appRole == Leg::AppRole::Supervisor) supervisions_.erase(l->appId);
  }
  dropMuteMix(c);
  if (c.app->connect) timers_.cancel(c.app->connect->timer);
  if (c.app->consult) timers_.cancel(c.app->consult->timer);
  if (c.app->originate) timers_.cancel(c.app->originate->timer);
  for (auto& p : c.app->parallel) timers_.cancel(p->timer);
  if (c.app->refused) return;
  const std::string cid = c.id;
  const std::string cause = c.cause;
  const std::string side = c.side;
  if (!c.app->originateReported) {
    // The originated call never answered (failed, timed out or hung up by the app).
    c.app->originateReported = true;
    OriginateResult res;
    res.sipCode = c.sipCode;
    res.cause = cause.empty() ? "failed" : cause;
    notifyApp([cid, res](CallAppListener& l) { l.onOriginateResult(cid, res); });
  }
  for (const auto& [ep, ref] : recordings_) {
    if (ref.callId != cid) continue;
    // The recorder reports the file after the endpoint is gone: end the call after it.
    PendingEnd pe{cause, side, 0};
    pe.timer = timers_.start(clock_.monoUs() + kRecordingWaitUs, [this, cid] {
      auto it = pendingEnds_.find(cid);
      if (it == pendingEnds_.end()) return;
      const PendingEnd end = it->second;
      pendingEnds_.erase(it);
      for (auto r = recordings_.begin(); r != recordings_.end();) {
        r = r->second.callId == cid ? recordings_.erase(r) : std::next(r);
      }
      notifyApp([cid, end](CallAppListener& l) { l.onAppCallEnded(cid, end.cause, end.side); });
    });
    pendingEnds_[cid] = pe;
    return;
  }
  notifyApp([cid, cause, side](CallAppListener& l) { l.onAppCallEnded(cid, cause, side); });
}

}  // namespace hujiao::call
