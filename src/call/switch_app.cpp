// Switch: CallControl -- what src/center (IVR flows, ACD queues, recording
// policy) does to calls: answer, prompts, digits, recording, connecting an
// agent, hold, consultation, supervision, hang-up. The legs these requests
// place, media events and the listener callbacks: switch_app_legs.cpp.
#include <algorithm>
#include <optional>

#include "call/switch.h"
#include "call/switch_internal.h"
#include "core/ids.h"
#include "core/log.h"
#include "sip/sdp.h"

namespace hujiao::call {

bool anchoringOn(const SwitchDeps& d);

namespace {
core::Error notFound() { return core::makeError("not_found", "call not found"); }
core::Error conflict(std::string m) { return core::makeError("conflict", std::move(m)); }

sip::MessageParts sdpOf(const std::string& body) {
  sip::MessageParts p;
  if (!body.empty()) {
    p.contentType = "application/sdp";
    p.body = body;
  }
  return p;
}

const char* phraseFor(int code) {
  switch (code) {
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 480: return "Temporarily Unavailable";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 503: return "Service Unavailable";
    case 603: return "Decline";
    default: return "Call Rejected";
  }
}

media::PlayRequest silenceLoop() {
  media::PlayRequest s;
  media::PlayItem item;
  item.kind = media::PlayItem::Kind::Silence;
  item.durationMs = 1000;
  s.items.push_back(item);
  s.loops = 0;
  return s;
}
}  // namespace

core::Result<Switch::Call*> Switch::appCallFor(const std::string& callId) {
  thread_.assertOwner();
  auto it = calls_.find(callId);
  if (it == calls_.end() || it->second->finished) return notFound();
  Call& c = *it->second;
  if (!c.appControlled()) return conflict("not an app call");
  if (!c.in && c.phase != Call::Phase::Ending) return conflict("the originated call has not answered yet");
  if (c.phase == Call::Phase::Ending || !c.in || c.in->state == Leg::State::Ending ||
      c.in->state == Leg::State::Gone) {
    return conflict("the call is ending");
  }
  return &c;
}

void Switch::answerCustomer(Call& c) {
  Leg& in = *c.in;
  if (in.state == Leg::State::Up) return;
  const int64_t now = clock_.nowUs();
  stack_->respond(in.handle.id(), 200, "OK", sdpOf(in.localSdp));
  in.state = Leg::State::Up;
  in.answerUs = now;
  c.phase = Call::Phase::Answered;
  c.answerUs = now;
  c.sipCode = 200;
  if (mCallsAnswered_) mCallsAnswered_->inc();
  publish(c, "call.answered");
  AnsweredCall a;
  a.callId = c.id;
  a.direction = c.direction;
  a.callerNumber = c.callerNumber;
  a.calleeNumber = c.calleeNumber;
  a.destination = c.destination;
  a.callerExtension = c.callerExtension;
  a.did = c.did;
  a.departmentId = c.departmentId;
  a.appCall = true;
  notifyApp([a](CallAppListener& l) { l.onCallAnswered(a); });
}

core::Result<void> Switch::answer(const std::string& callId) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  answerCustomer(**c);
  return {};
}

core::Result<void> Switch::earlyMedia(const std::string& callId) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  if (call.in->state == Leg::State::Up || call.app->earlyMedia) return {};
  stack_->respond(call.in->handle.id(), 183, "Session Progress", sdpOf(call.in->localSdp));
  call.app->earlyMedia = true;
  call.in->ringing = true;
  return {};
}

core::Result<void> Switch::play(const std::string& callId, const media::PlayRequest& request) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  return d_.media->play((*c)->in->ep, request);
}

core::Result<void> Switch::stopPlay(const std::string& callId) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  d_.media->stopPlay((*c)->in->ep);
  return {};
}

core::Result<void> Switch::detectDigits(const std::string& callId, bool on) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  return d_.media->detectDtmf((*c)->in->ep, on);
}

// ---------------------------------------------------------------- recording (every call)

core::Result<void> Switch::startRecording(const std::string& callId, const media::RecordingOptions& options) {
  thread_.assertOwner();
  auto it = calls_.find(callId);
  if (it == calls_.end() || it->second->finished) return notFound();
  Call& c = *it->second;
  if (c.phase == Call::Phase::Ending || !c.in || c.in->ep == 0 || !d_.media) {
    return conflict("the call has no anchored media to record");
  }
  for (const auto& [ep, ref] : recordings_) {
    if (ref.callId == callId) return conflict("the call is being recorded already");
  }
  if (auto r = d_.media->startRecording(c.in->ep, options); !r) return r;
  recordings_[c.in->ep] = RecordingRef{callId, options.requestId};
  return {};
}

namespace {
template <class Map>
media::EndpointId recordingOf(const Map& recordings, const std::string& callId) {
  for (const auto& [ep, ref] : recordings) {
    if (ref.callId == callId) return ep;
  }
  return 0;
}
}  // namespace

core::Result<void> Switch::pauseRecording(const std::string& callId) {
  if (!calls_.count(callId)) return notFound();
  const media::EndpointId ep = recordingOf(recordings_, callId);
  if (ep == 0 || !legsByEp_.count(ep)) return conflict("the call is not being recorded");
  return d_.media->pauseRecording(ep);
}

core::Result<void> Switch::resumeRecording(const std::string& callId) {
  if (!calls_.count(callId)) return notFound();
  const media::EndpointId ep = recordingOf(recordings_, callId);
  if (ep == 0 || !legsByEp_.count(ep)) return conflict("the call is not being recorded");
  return d_.media->resumeRecording(ep);
}

core::Result<void> Switch::stopRecording(const std::string& callId) {
  if (!calls_.count(callId)) return notFound();
  const media::EndpointId ep = recordingOf(recordings_, callId);
  if (ep == 0 || !legsByEp_.count(ep)) return conflict("the call is not being recorded");
  return d_.media->stopRecording(ep);  // RecordingStopped -> onAppRecordingStopped
}

// ---------------------------------------------------------------- connect

core::Result<uint64_t> Switch::connect(const std::string& callId, const ConnectRequest& request) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  if (call.app->connect) return conflict("a party is connected or being connected already");
  if (!call.app->parallel.empty() && !request.parallel) return conflict("parallel connects are ringing");
  if (call.app->inConsult || call.app->conference) return conflict("a consultation is in progress");
  return placeConnect(call, request, false);
}

core::Result<void> Switch::disconnect(const std::string& callId, uint64_t connectId) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  AppConnect* k = findConnect(call, connectId);
  if (!k || k->originate) return core::makeError("not_found", "no such connect on this call");
  if (!k->answered) {
    connectFailed(call, *k, 487, "cancelled");
    return {};
  }
  Leg* party = k->party;
  partyGone(call, *k, "disconnected");
  if (party) {
    party->abandoned = true;
    endLeg(*party);
  }
  return {};
}

core::Result<void> Switch::hold(const std::string& callId, bool on, const media::PlayRequest& moh) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  AppConnect* k = call.app->connect.get();
  if (!k || !k->answered || !k->party || k->party->ep == 0) return conflict("no connected party");
  if (call.app->inConsult || call.app->conference) return conflict("a consultation is in progress");
  if (on == call.app->held) return {};
  const media::EndpointId cust = call.in->ep;
  const media::EndpointId party = k->party->ep;
  if (on) {
    dropMuteMix(call);
    d_.media->unbridge(cust);
    if (!moh.items.empty()) {
      if (auto r = d_.media->play(cust, moh); !r) {
        (void)rebridge(call);
        return r;
      }
    }
    (void)d_.media->play(party, silenceLoop());
  } else {
    d_.media->stopPlay(cust);
    d_.media->stopPlay(party);
    if (auto r = rebridge(call); !r) return r;
  }
  call.app->held = on;
  call.onHold = on;
  publish(call, on ? "call.held" : "call.unheld");
  return {};
}

core::Result<void> Switch::sendDigits(const std::string& callId, const std::string& digits) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  AppConnect* k = (*c)->app->connect.get();
  if (!k || !k->answered || !k->party || k->party->ep == 0) return conflict("no connected party");
  return d_.media->sendDtmf(k->party->ep, digits, 100);
}

// ---------------------------------------------------------------- consultation

core::Result<uint64_t> Switch::consult(const std::string& callId, const ConnectRequest& request,
                                       const media::PlayRequest& moh) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  AppConnect* k = call.app->connect.get();
  if (!k || !k->answered || !k->party || k->party->ep == 0) return conflict("no connected party to consult from");
  if (call.app->inConsult || call.app->conference) return conflict("a consultation is in progress");
  const media::EndpointId cust = call.in->ep;
  dropMuteMix(call);
  if (!call.app->held) d_.media->unbridge(cust);
  d_.media->stopPlay(k->party->ep);
  if (!moh.items.empty()) (void)d_.media->play(cust, moh);
  ConnectRequest req = request;
  req.handOff = false;
  auto id = placeConnect(call, req, true);
  if (!id) {
    d_.media->stopPlay(cust);
    if (!call.app->held) (void)d_.media->bridge(cust, k->party->ep);
    return id;
  }
  call.app->inConsult = true;
  return id;
}

core::Result<void> Switch::completeConsult(const std::string& callId, bool transfer, bool conference) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  if (!call.app->inConsult) return conflict("no consultation in progress");
  if (transfer && conference) return core::makeError("invalid", "transfer or conference, not both");
  AppConnect* q = call.app->consult.get();
  AppConnect* k = call.app->connect.get();
  const media::EndpointId cust = call.in->ep;
  if (transfer) {
    if (!q || !q->answered || !q->party) return conflict("the consulted party has not answered");
    d_.media->stopPlay(cust);
    if (k && k->party) {
      Leg* agent = k->party;
      agent->appRole = Leg::AppRole::None;
      agent->abandoned = true;
      endSupervisors(call);
      uncountExtension(call, k->countedExtension);
      endLeg(*agent);
    }
    call.app->muted = false;  // the new party is not muted
    if (auto r = d_.media->bridge(cust, q->party->ep); !r) log_->warn("call {}: bridge after transfer: {}", call.id, r.error().message);
    call.app->connect = std::move(call.app->consult);
    call.app->connect->consult = false;
    for (auto& l : call.legs) {
      if (l->appRole == Leg::AppRole::Consult && l->appId == call.app->connect->id) l->appRole = Leg::AppRole::Connect;
    }
    call.peer = call.app->connect->party;
    if (!call.peer->extension.empty()) call.destination = call.peer->extension;
    call.app->inConsult = false;
    call.app->held = false;
    call.onHold = false;
    publish(call, "call.transferred");
    return {};
  }
  if (conference) {
    if (!q || !q->answered || !q->party) return conflict("the consulted party has not answered");
    if (!k || !k->answered || !k->party) return conflict("the agent has left");
    auto conf = d_.media->createConference("call-" + call.id);
    if (!conf) return conf.error();
    d_.media->stopPlay(cust);
    media::ConferenceMemberOptions o;
    o.joinTone = false;
    for (media::EndpointId ep : {cust, k->party->ep, q->party->ep}) {
      o.muted = call.app->muted && ep == k->party->ep;
      if (auto r = d_.media->joinConference(*conf, ep, o); !r) {
        d_.media->destroyConference(*conf);
        return r;
      }
    }
    call.app->conference = true;
    call.app->conferenceId = *conf;
    call.app->inConsult = false;
    call.app->held = false;
    call.onHold = false;
    publish(call, "call.conferenced");
    return {};
  }
  // Cancel: the consulted party goes, the agent is back with the customer.
  if (q) {
    if (!q->answered) {
      connectFailed(call, *q, 487, "cancelled");
    } else {
      Leg* p = q->party;
      p->appRole = Leg::AppRole::None;
      p->abandoned = true;
      uncountExtension(call, q->countedExtension);
      call.app->consult.reset();
      endLeg(*p);
    }
  }
  call.app->inConsult = false;
  d_.media->stopPlay(cust);
  call.app->held = false;
  call.onHold = false;
  if (k && k->party && k->party->ep) (void)rebridge(call);
  return {};
}

// ---------------------------------------------------------------- supervision

core::Result<uint64_t> Switch::supervise(const std::string& callId, const std::string& supervisorExtension,
                                         media::SuperviseMode mode) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  AppConnect* k = call.app->connect.get();
  if (!k || !k->answered || !k->party || k->party->ep == 0) return conflict("no connected agent to supervise");
  auto e = extensions_.find(supervisorExtension);
  if (e == extensions_.end() || !e->second.enabled) return core::makeError("not_found", "extension not found");
  const Extension& ext = e->second;
  if (ext.dnd) return core::makeError("unavailable", "the supervisor's extension is in do-not-disturb");
  auto bindings = registrar_.bindings(ext.number, clock_.nowUs());
  const uint64_t id = nextAppId_++;
  sip::OutgoingDialog d;
  const std::string host = hostPart();
  d.from = "\"Supervise " + call.callerNumber + "\" <sip:" + call.callerNumber + "@" + host + ">";
  d.to = "<sip:" + ext.number + "@" + host + ">";
  d.contactUser = call.callerNumber;
  int placed = 0;
  for (const auto& b : bindings) {
    if (!b.reachable) continue;
    d.callId = core::newId();
    if (Leg* l = addOutLeg(call, d, b.contact, "", "", k->party->ep)) {
      l->extension = ext.number;
      l->appRole = Leg::AppRole::Supervisor;
      l->appId = id;
      l->superviseMode = mode;
      ++placed;
    }
  }
  if (placed == 0) return core::makeError("unavailable", "the supervisor's extension is not registered");
  supervisions_[id] = call.id;
  const std::string cid = call.id;
  timers_.start(clock_.monoUs() + d_.config.noAnswerTimeoutS * 1'000'000, [this, cid, id] {
    Call* owner = nullptr;
    if (!supervisorLeg(id, &owner) && owner) {  // nobody answered
      supervisions_.erase(id);
      for (auto& l : owner->legs) {
        if (l->appRole == Leg::AppRole::Supervisor && l->appId == id && l->state != Leg::State::Gone) {
          l->abandoned = true;
          l->appRole = Leg::AppRole::None;
          endLeg(*l);
        }
      }
      notifyApp([cid, id](CallAppListener& li) { li.onSupervisionEnded(cid, id, "no_answer"); });
    }
  });
  return id;
}

Switch::Leg* Switch::supervisorLeg(uint64_t supervisionId, Call** call) {
  auto s = supervisions_.find(supervisionId);
  if (s == supervisions_.end()) return nullptr;
  auto it = calls_.find(s->second);
  if (it == calls_.end()) return nullptr;
  if (call) *call = it->second.get();
  for (auto& l : it->second->legs) {
    if (l->appRole == Leg::AppRole::Supervisor && l->appId == supervisionId && l->state == Leg::State::Up) {
      return l.get();
    }
  }
  return nullptr;
}

core::Result<void> Switch::setSuperviseMode(uint64_t supervisionId, media::SuperviseMode mode) {
  Call* call = nullptr;
  Leg* sup = supervisorLeg(supervisionId, &call);
  if (!call) return core::makeError("not_found", "no such supervision");
  for (auto& l : call->legs) {
    if (l->appRole == Leg::AppRole::Supervisor && l->appId == supervisionId) l->superviseMode = mode;
  }
  if (!sup) return {};  // still ringing: applies on answer
  AppConnect* k = call->app ? call->app->connect.get() : nullptr;
  if (!k || !k->party || k->party->ep == 0) return conflict("no connected agent");
  return d_.media->supervise(sup->ep, k->party->ep, mode);
}

core::Result<void> Switch::stopSupervising(uint64_t supervisionId) {
  Call* call = nullptr;
  supervisorLeg(supervisionId, &call);
  if (!call) return core::makeError("not_found", "no such supervision");
  supervisions_.erase(supervisionId);
  for (auto& l : call->legs) {
    if (l->appRole == Leg::AppRole::Supervisor && l->appId == supervisionId && l->state != Leg::State::Gone) {
      if (l->ep && l->state == Leg::State::Up) (void)d_.media->stopSupervising(l->ep);
      l->appRole = Leg::AppRole::None;
      l->abandoned = true;
      endLeg(*l);
    }
  }
  return {};
}

// ---------------------------------------------------------------- ring-all

void Switch::lostToOther(Call& c, AppConnect& k) {
  // Another parallel connect answered: cancel this one's forks. The phones
  // get a CANCEL (no missed-call entry); the app hears answered_elsewhere.
  timers_.cancel(k.timer);
  k.timer = 0;
  endConnectLegs(c, k.id, nullptr, true);
  uncountExtension(c, k.countedExtension);
  uncountTrunk(c, k.countedTrunk);
  ConnectResult res;
  res.sipCode = 200;
  res.cause = "answered_elsewhere";
  res.extension = k.request.destination;
  const std::string cid = c.id;
  const uint64_t id = k.id;
  notifyApp([cid, id, res](CallAppListener& l) { l.onConnectResult(cid, id, res); });
}

// ---------------------------------------------------------------- originate

core::Result<std::string> Switch::originate(const OriginateRequest& req) {
  thread_.assertOwner();
  if (!anchoringOn(d_)) return core::makeError("unavailable", "originate needs media anchoring (sip.media_anchoring)");
  if (!app_) return core::makeError("unavailable", "no contact-center layer");
  if (!isValidNumber(req.destination)) return core::makeError("invalid", "destination is not a valid number");
  if (!req.callerIdNumber.empty() && !isValidNumber(req.callerIdNumber)) {
    return core::makeError("invalid", "caller id is not a valid number");
  }
  auto headers = headerBlockOf(req.headers, false);
  if (!headers) return headers.error();
  const Extension* ext = nullptr;
  std::optional<OutboundRoute> route;
  if (req.kind == ConnectRequest::Kind::Extension) {
    auto e = extensions_.find(req.destination);
    if (e == extensions_.end()) return core::makeError("not_found", "extension " + req.destination + " not found");
    ext = &e->second;
  } else {
    route = dialPlan_.route(req.destination);
    if (!route) return core::makeError("not_found", "no dial-plan rule for " + req.destination);
  }
  Call& c = newCall(nullptr);
  c.direction = ext ? "internal" : "outbound";
  c.callerNumber = req.callerIdNumber;
  c.callerName = req.callerIdName;
  c.calleeNumber = req.destination;
  c.destination = req.destination;
  c.departmentId = req.departmentId.empty() && ext ? ext->departmentId : req.departmentId;
  c.app = std::make_unique<AppCallState>();
  c.app->targetType = req.targetType;
  c.app->target = req.target;
  c.app->originateReported = false;
  auto k = std::make_unique<AppConnect>();
  k->id = nextAppId_++;
  k->originate = true;
  k->request.kind = req.kind;
  k->request.destination = req.destination;
  k->request.callerIdNumber = req.callerIdNumber;
  k->request.callerIdName = req.callerIdName;
  k->headerBlock = *headers;
  AppConnect& ref = *k;
  c.app->originate = std::move(k);
  publish(c, "call.created");
  bool placed = false;
  if (ext) {
    placed = ringConnectExtension(c, ref, *ext, 0);
  } else {
    ref.trunkQueue = route->rule->trunkIds;
    ref.number = route->number;
    ref.callerPolicy = route->rule->callerIdPolicy;
    ref.ruleCallerId = route->rule->callerId;
    placed = ringConnectTrunk(c, ref, 0);
  }
  const std::string id = c.id;
  if (!placed) {
    // Nothing reached the network: no call, no callbacks.
    const int status = ref.lastStatus ? ref.lastStatus : 503;
    c.app->originateReported = true;
    c.app->refused = true;
    failCall(c, status, "Unavailable", status == 486 ? "busy" : "unavailable", "system");
    return core::makeError("unavailable", req.destination + (status == 486 ? " is busy" : " cannot be called now"));
  }
  startConnectTimer(c, ref, req.timeoutMs);
  return id;
}

void Switch::originateAnswered(Call& c, AppConnect& k, Leg& leg) {
  // The called party is the customer leg from now on (an ordinary leg of the
  // call: its BYE ends the call; it is counted until the call ends).
  leg.appRole = Leg::AppRole::None;
  leg.appId = 0;
  k.party = nullptr;
  c.in = &leg;
  const int64_t now = clock_.nowUs();
  c.phase = Call::Phase::Answered;
  c.answerUs = now;
  c.sipCode = leg.status ? leg.status : 200;
  if (!leg.extension.empty()) c.destination = leg.extension;
  if (mCallsAnswered_) mCallsAnswered_->inc();
  publish(c, "call.answered");
  AnsweredCall a;
  a.callId = c.id;
  a.direction = c.direction;
  a.callerNumber = c.callerNumber;
  a.calleeNumber = c.calleeNumber;
  a.destination = c.destination;
  a.departmentId = c.departmentId;
  a.appCall = true;
  c.app->originateReported = true;
  OriginateResult res;
  res.answered = true;
  res.sipCode = c.sipCode;
  res.cause = "answered";
  const std::string cid = c.id;
  notifyApp([a](CallAppListener& l) { l.onCallAnswered(a); });
  notifyApp([cid, res](CallAppListener& l) { l.onOriginateResult(cid, res); });
}

void Switch::originateFailed(Call& c, AppConnect& k, int sipCode, const std::string& cause) {
  log_->info("call {}: originate to {} failed: {} ({})", c.id, k.request.destination, cause, sipCode);
  if (c.phase == Call::Phase::Ending) return;
  // callEndedForApp reports onOriginateResult, then onAppCallEnded.
  failCall(c, sipCode, "Failed", cause, "callee");
}

// ---------------------------------------------------------------- mute

void Switch::dropMuteMix(Call& c) {
  if (!c.app || c.app->muteConference == 0) return;
  d_.media->destroyConference(c.app->muteConference);
  c.app->muteConference = 0;
}

core::Result<void> Switch::rebridge(Call& c) {
  // Customer and connected party talk again (after hold / consultation),
  // through the mute mix while muted.
  AppConnect* k = c.app->connect.get();
  if (!k || !k->party || k->party->ep == 0) return conflict("no connected party");
  const media::EndpointId cust = c.in->ep;
  const media::EndpointId party = k->party->ep;
  if (!c.app->muted) return d_.media->bridge(cust, party);
  auto conf = d_.media->createConference("mute-" + c.id);
  if (!conf) return conf.error();
  media::ConferenceMemberOptions o;
  o.joinTone = false;
  auto r = d_.media->joinConference(*conf, cust, o);
  o.muted = true;  // heard by none: the customer hears silence, the party still hears the customer
  if (r) r = d_.media->joinConference(*conf, party, o);
  if (!r) {
    d_.media->destroyConference(*conf);
    return r;
  }
  c.app->muteConference = *conf;
  return {};
}

core::Result<void> Switch::mute(const std::string& callId, bool on) {
  auto c = appCallFor(callId);
  if (!c) return c.error();
  Call& call = **c;
  AppConnect* k = call.app->connect.get();
  if (!k || !k->answered || !k->party || k->party->ep == 0) return conflict("no connected party");
  if (on == call.app->muted) return {};
  call.app->muted = on;
  if (call.app->conference) {
    // Three-way: the mixer simply stops mixing the party in.
    if (auto r = d_.media->setMuted(k->party->ep, on); !r) {
      call.app->muted = !on;
      return r;
    }
  } else if (!call.app->held && !call.app->inConsult) {
    // Bridged: move the two into a two-member mix with the party muted (or back).
    dropMuteMix(call);
    if (!on) d_.media->unbridge(call.in->ep);
    if (auto r = rebridge(call); !r) {
      call.app->muted = !on;
      dropMuteMix(call);
      (void)d_.media->bridge(call.in->ep, k->party->ep);
      return r;
    }
  }  // held / consulting: applies when the two are put back together
  publish(call, on ? "call.muted" : "call.unmuted");
  return {};
}

// ---------------------------------------------------------------- hang-up (every call)

core::Result<void> Switch::hangup(const std::string& callId, const std::string& cause, int sipCode) {
  thread_.assertOwner();
  auto it = calls_.find(callId);
  if (it == calls_.end() || it->second->finished) return notFound();
  Call& c = *it->second;
  if (c.phase == Call::Phase::Ending) return {};
  std::string why = cause.empty() ? "normal" : cause;
  if (c.app && !c.app->originateReported) why = "cancelled";  // an originate given up before it answered
  if (c.phase == Call::Phase::Answered) {
    hangupCall(c, why, "system");
  } else {
    const int code = sipCode >= 400 && sipCode <= 699 ? sipCode : 480;
    failCall(c, code, phraseFor(code), why, "system");
  }
  return {};
}

}  // namespace hujiao::call
