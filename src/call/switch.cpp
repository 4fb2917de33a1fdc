// Switch: set-up, configuration, registrar and authentication, keep-alive,
// trunk registrations and the facade queries. Calls: switch_calls.cpp;
// mid-call requests and transfer: switch_midcall.cpp.
#include "call/switch.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "call/switch_internal.h"
#include "core/log.h"

namespace hujiao::call {

namespace {
constexpr int64_t kSecond = 1'000'000;

bool equalsConstantTime(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

Switch::Switch(SwitchDeps deps)
    : d_(std::move(deps)),
      clock_(*d_.clock),
      log_(core::logger("sip")),
      nonces_(d_.config.nonceTtlS * kSecond),
      blocker_(d_.config.authFailThreshold, d_.config.authFailWindowS * kSecond, d_.config.authBlockS * kSecond),
      registrar_(sip::RegistrarLimits{d_.config.registerMinExpiresS, d_.config.registerMaxExpiresS,
                                      d_.config.registerDefaultExpiresS}) {
  for (const auto& name : d_.config.authAlgorithms) {
    if (auto a = sip::parseDigestAlgorithm(name)) algorithms_.push_back(*a);
  }
  if (algorithms_.empty()) algorithms_ = {sip::DigestAlgorithm::Sha256, sip::DigestAlgorithm::Md5};
  if (d_.metrics) {
    auto& m = *d_.metrics;
    mAuthFailures_ = &m.counter("hujiao_sip_auth_failures_total", "Failed SIP digest authentications");
    mBlocks_ = &m.counter("hujiao_sip_address_blocks_total", "Source addresses blocked after failed authentications");
    mCalls_ = &m.counter("hujiao_calls_total", "Calls started");
    mCallsAnswered_ = &m.counter("hujiao_calls_answered_total", "Calls answered");
    mRegisters_ = &m.counter("hujiao_sip_registers_total", "REGISTER requests accepted");
    mActiveCalls_ = &m.gauge("hujiao_calls_active", "Calls in progress");
    mRegistrations_ = &m.gauge("hujiao_sip_registrations", "Registered contacts");
    mHandles_ = &m.gauge("hujiao_sip_handles", "SIP dialog handles alive");
  }
}

Switch::~Switch() {
  // Handles go before the stack: HandleRef releases them.
  calls_.clear();
  graveyard_.clear();
  trunkRegs_.clear();
}

void Switch::attach(sip::SipStack* stack) { stack_ = stack; }

void Switch::begin() {
  thread_.rebind();
  startTrunkRegistrations();
}

std::string Switch::hostPart() const { return stack_ ? stack_->localHostPort() : "127.0.0.1"; }

Switch::Leg* Switch::legOf(sip::HandleId h) {
  auto it = legs_.find(h);
  return it == legs_.end() ? nullptr : it->second;
}

int64_t Switch::limitFor(const Extension& e) const {
  return e.callLimit > 0 ? e.callLimit : d_.config.callLimitDefault;
}

// ---------------------------------------------------------------- config

void Switch::setExtensions(const std::vector<Extension>& v) {
  extensions_.clear();
  for (const auto& e : v) extensions_[e.number] = e;
}

void Switch::setTrunks(const std::vector<Trunk>& v) {
  trunks_.clear();
  trunkByIp_.clear();
  trunkByUser_.clear();
  for (const auto& t : v) {
    if (!t.enabled) continue;
    trunks_[t.id] = t;
    if (t.inboundAddresses.empty()) {
      trunkByIp_[t.host] = t.id;
    } else {
      for (const auto& ip : t.inboundAddresses) trunkByIp_[ip] = t.id;
    }
    if (!t.username.empty()) trunkByUser_[t.username] = t.id;
  }
  if (stack_) startTrunkRegistrations();
}

void Switch::setDids(const std::vector<Did>& v) { dids_.setDids(v); }
void Switch::setDialRules(const std::vector<DialRule>& v) { dialPlan_.setRules(v); }

void Switch::restoreRegistrations(const std::vector<sip::Binding>& v) {
  for (const auto& b : v) registrar_.restore(b);
}

void Switch::restoreBlocks(const std::vector<sip::BlockedAddress>& v) {
  for (const auto& b : v) blocker_.restore(b);
}

// ---------------------------------------------------------------- periodic

void Switch::tick() {
  AppScope scope(*this);
  const int64_t mono = clock_.monoUs();
  timers_.fire(mono);
  const int64_t now = clock_.nowUs();
  if (now >= nextHousekeepingUs_) {
    nextHousekeepingUs_ = now + kSecond;
    auto gone = registrar_.expire(now);
    for (const auto& b : gone) publishRegistration(b, "expired");
    if (d_.writer) d_.writer->deleteRegistrations(gone);
    for (const auto& addr : blocker_.purge(now)) {
      log_->info("address {} no longer blocked", addr);
      if (d_.writer) d_.writer->deleteBlock(addr);
    }
    if (mRegistrations_) mRegistrations_->set(static_cast<double>(registrar_.size()));
    if (mHandles_ && stack_) mHandles_->set(static_cast<double>(stack_->handleCount()));
    if (mActiveCalls_) mActiveCalls_->set(static_cast<double>(calls_.size()));
    if (d_.config.optionsIntervalS > 0 && now >= nextKeepAliveUs_) {
      nextKeepAliveUs_ = now + d_.config.optionsIntervalS * kSecond;
      keepAlive(now);
    }
  }
}

void Switch::keepAlive(int64_t nowUs) {
  if (!stack_) return;
  const std::string from = "<sip:keepalive@" + hostPart() + ">";
  for (const auto& b : registrar_.all(nowUs)) {
    const sip::HandleId h = stack_->options(b.contact, from);
    if (h != 0) keepAlives_[h] = KeepAlive{b.aor, b.registeredContact};
  }
}

void Switch::onOptionsResponse(const sip::SipResponse& r) {
  auto it = keepAlives_.find(r.handle);
  if (it == keepAlives_.end()) return;
  if (r.status < 200) return;
  // Any answer shows the contact is there; only a timeout or a transport error does not.
  const bool ok = r.status != 408 && r.status != 503;
  if (auto changed = registrar_.keepAliveResult(it->second.aor, it->second.registeredContact, ok,
                                                static_cast<int>(d_.config.optionsFailuresUnreachable))) {
    log_->info("contact {} of {} is now {}", changed->contact, changed->aor, changed->reachable ? "reachable" : "unreachable");
    publishRegistration(*changed, changed->reachable ? "reachable" : "unreachable");
    if (d_.writer) d_.writer->upsertRegistrations({*changed});
  }
  stack_->release(r.handle);
  keepAlives_.erase(it);
}

// ---------------------------------------------------------------- dispatch

void Switch::onIncomingRequest(const sip::SipRequest& r) {
  AppScope scope(*this);
  thread_.assertOwner();
  if (blocker_.isBlocked(r.sourceIp, clock_.nowUs())) {
    stack_->respond(r.handle, 403, "Forbidden");
    stack_->release(r.handle);
    return;
  }
  if (r.method == "REGISTER") {
    handleRegister(r);
  } else if (r.method == "INVITE") {
    handleInvite(r);
  } else {
    stack_->respond(r.handle, 405, "Method Not Allowed");
    stack_->release(r.handle);
  }
}

void Switch::onResponse(const sip::SipResponse& r) {
  AppScope scope(*this);
  if (r.method == "OPTIONS") return onOptionsResponse(r);
  if (r.method == "REGISTER") return onTrunkRegisterResponse(r);
  Leg* leg = legOf(r.handle);
  if (!leg) return;
  if (r.method == "INVITE") {
    if (leg->state == Leg::State::Up) {
      onReinviteResponse(*leg, r);
    } else {
      onInviteResponse(*leg, r);
    }
  }
  if (r.method == "BYE" && r.byStack && leg->state == Leg::State::Up) {
    // The stack hung this leg up: its peer let the session interval pass without
    // a refresh (RFC 4028 10). The whole call goes with it.
    Call& c = *leg->call;
    leg->state = Leg::State::Ending;
    log_->info("call {}: session timer expired on leg {} ({})", c.id, leg->id, leg->target);
    if (c.appControlled() && leg != c.in) {
      if (c.phase != Call::Phase::Ending) appLegGone(*leg, "session_timeout");
    } else if (leg != c.transferor) {
      hangupCall(c, "session_timeout", leg == c.in ? "caller" : leg == c.peer ? "callee" : "system");
    }
    return;
  }
  // Other BYE/CANCEL/INFO/NOTIFY answers need no action: the dialog's end comes as onTerminated.
}

void Switch::onAck(sip::HandleId) {}

// ---------------------------------------------------------------- auth

void Switch::challenge(const sip::SipRequest& r, bool proxy, bool stale) {
  const std::string nonce = nonces_.issue(clock_.monoUs());
  sip::MessageParts p;
  const char* header = proxy ? "Proxy-Authenticate: " : "WWW-Authenticate: ";
  for (auto alg : algorithms_) {
    p.headers += header + sip::digestChallenge(alg, d_.config.realm, nonce, stale) + "\r\n";
  }
  if (proxy) {
    stack_->respond(r.handle, 407, "Proxy Authentication Required", p);
  } else {
    stack_->respond(r.handle, 401, "Unauthorized", p);
  }
}

void Switch::authFailure(const sip::SipRequest& r, const std::string& why) {
  if (mAuthFailures_) mAuthFailures_->inc();
  log_->warn("authentication failed from {}:{} ({}): {}", r.sourceIp, r.sourcePort, r.from.user, why);
  if (auto b = blocker_.recordFailure(r.sourceIp, clock_.nowUs())) {
    if (mBlocks_) mBlocks_->inc();
    log_->warn("blocking {} for {} s after {} failed authentications", b->address, d_.config.authBlockS, b->failures);
    if (d_.writer) d_.writer->upsertBlock(*b);
    if (d_.events) {
      d_.events->publish(core::Event{"sip.address_blocked", 0,
                                     {{"address", b->address}, {"until", b->untilUs}, {"failures", b->failures}}, ""});
    }
  }
  stack_->respond(r.handle, 403, "Forbidden");
}

Switch::AuthResult Switch::authenticate(const sip::SipRequest& r, bool proxy, AuthOk& out) {
  auto creds = sip::parseDigestCredentials(r.authorization);
  if (!creds) {
    if (!r.authorization.empty() && r.authorization.rfind("Digest", 0) == 0) {
      authFailure(r, "malformed credentials");
      return AuthResult::Answered;
    }
    challenge(r, proxy, false);
    return AuthResult::Answered;
  }
  auto alg = sip::parseDigestAlgorithm(creds->algorithm);
  if (!alg || creds->realm != d_.config.realm || (!creds->qop.empty() && creds->qop != "auth")) {
    challenge(r, proxy, false);
    return AuthResult::Answered;
  }
  std::string ha1;
  auto ext = extensions_.find(creds->username);
  if (ext != extensions_.end() && ext->second.enabled) {
    if (ext->second.realm != d_.config.realm) {
      log_->error("extension {} has HA1s for realm '{}' but sip.realm is '{}': set its password again", ext->first,
                  ext->second.realm, d_.config.realm);
    }
    ha1 = *alg == sip::DigestAlgorithm::Md5 ? ext->second.ha1Md5 : ext->second.ha1Sha256;
    out.ext = &ext->second;
  } else if (auto t = trunkByUser_.find(creds->username); t != trunkByUser_.end()) {
    const Trunk& trunk = trunks_.at(t->second);
    ha1 = sip::digestHa1(*alg, trunk.username, d_.config.realm, trunk.password);
    out.trunk = &trunk;
  } else {
    authFailure(r, "unknown user " + creds->username);
    return AuthResult::Answered;
  }
  const std::string expected = sip::digestExpectedResponse(*alg, ha1, r.method, *creds);
  if (!equalsConstantTime(expected, creds->response)) {
    authFailure(r, "wrong password for " + creds->username);
    return AuthResult::Answered;
  }
  if (nonces_.check(creds->nonce, clock_.monoUs()) != sip::NonceManager::Check::Valid) {
    challenge(r, proxy, true);  // right password, old nonce: the client retries silently
    return AuthResult::Answered;
  }
  blocker_.recordSuccess(r.sourceIp);
  return AuthResult::Ok;
}

// ---------------------------------------------------------------- registrar

void Switch::handleRegister(const sip::SipRequest& r) {
  AuthOk who;
  if (authenticate(r, false, who) != AuthResult::Ok) {
    stack_->release(r.handle);
    return;
  }
  if (!who.ext || who.ext->number != r.to.user) {
    stack_->respond(r.handle, 403, "Forbidden");
    stack_->release(r.handle);
    return;
  }
  const int64_t now = clock_.nowUs();
  sip::RegisterRequest req;
  req.aor = who.ext->number;
  req.star = r.contactStar;
  req.expiresHeader = r.expires;
  req.callId = r.callId;
  req.cseq = r.cseq;
  req.sourceIp = r.sourceIp;
  req.sourcePort = r.sourcePort;
  req.transport = sip::transportName(r.transport);
  req.userAgent = r.userAgent.substr(0, 200);
  req.maxContacts = who.ext->maxContacts > 0 ? who.ext->maxContacts : d_.config.maxContactsDefault;
  for (const auto& c : r.contacts) req.contacts.push_back({c.uri, c.expires});
  auto out = registrar_.apply(req, now);
  sip::MessageParts p;
  if (out.status == 423) p.headers = "Min-Expires: " + std::to_string(out.minExpires) + "\r\n";
  if (out.status == 200) {
    for (const auto& b : out.bindings) {
      p.headers += "Contact: <" + b.registeredContact + ">;expires=" +
                   std::to_string(std::max<int64_t>(0, (b.expiresAtUs - now) / kSecond)) + "\r\n";
    }
    if (mRegisters_) mRegisters_->inc();
  }
  stack_->respond(r.handle, out.status, out.phrase, p);
  stack_->release(r.handle);
  if (out.status != 200) return;
  for (const auto& b : out.upserted) publishRegistration(b, "registered");
  for (const auto& b : out.removed) publishRegistration(b, "unregistered");
  if (d_.writer) {
    d_.writer->upsertRegistrations(out.upserted);
    d_.writer->deleteRegistrations(out.removed);
  }
}

void Switch::publishRegistration(const sip::Binding& b, const std::string& state) {
  if (!d_.events) return;
  std::string dept;
  if (auto e = extensions_.find(b.aor); e != extensions_.end()) dept = e->second.departmentId;
  d_.events->publish(core::Event{"registration.changed", 0,
                                 {{"extension", b.aor},
                                  {"contact", b.contact},
                                  {"state", state},
                                  {"source", b.sourceIp + ":" + std::to_string(b.sourcePort)},
                                  {"transport", b.transport},
                                  {"expires_us", b.expiresAtUs},
                                  {"reachable", b.reachable}},
                                 dept});
}

// ---------------------------------------------------------------- trunks

void Switch::startTrunkRegistrations() {
  // Drop registrations of trunks that are gone or changed, start new ones.
  for (auto it = trunkRegs_.begin(); it != trunkRegs_.end();) {
    auto t = trunks_.find(it->first);
    if (t == trunks_.end() || !t->second.registerEnabled) {
      if (it->second.handle) stack_->unregister(it->second.handle.id());
      it = trunkRegs_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [id, t] : trunks_) {
    if (!t.registerEnabled || trunkRegs_.count(id)) continue;
    sip::OutgoingDialog d;
    const std::string aor = "<sip:" + t.username + "@" + t.host + ">";
    d.from = aor;
    d.to = aor;
    d.contactUser = t.username;
    d.authUser = t.username;
    d.authPassword = t.password;
    TrunkReg reg;
    reg.handle = sip::HandleRef(stack_, stack_->createDialog(d));
    reg.state = "registering";
    std::string uri = "sip:" + t.host + ":" + std::to_string(t.port);
    if (t.transport != "udp") uri += ";transport=" + t.transport;
    stack_->registerTo(reg.handle.id(), uri, t.registerExpiresS);
    trunkRegs_.emplace(id, std::move(reg));
  }
}

void Switch::onTrunkRegisterResponse(const sip::SipResponse& r) {
  for (auto& [id, reg] : trunkRegs_) {
    if (reg.handle.id() != r.handle) continue;
    if (r.status < 200) return;
    reg.lastStatus = r.status;
    const std::string state = r.status < 300 ? "registered" : "failed";
    if (state != reg.state) log_->info("trunk {} registration: {} ({})", id, state, r.status);
    reg.state = state;
    return;
  }
}

std::vector<TrunkRegistration> Switch::trunkRegistrations() const {
  std::vector<TrunkRegistration> out;
  for (const auto& [id, t] : trunks_) {
    auto it = trunkRegs_.find(id);
    out.push_back({id, it == trunkRegs_.end() ? "off" : it->second.state, it == trunkRegs_.end() ? 0 : it->second.lastStatus});
  }
  return out;
}

// ---------------------------------------------------------------- facade

std::vector<sip::Binding> Switch::registrations(const std::string& aor) const {
  const int64_t now = clock_.nowUs();
  return aor.empty() ? registrar_.all(now) : registrar_.bindings(aor, now);
}

std::vector<sip::BlockedAddress> Switch::blocked() const { return blocker_.list(clock_.nowUs()); }

bool Switch::unblock(const std::string& address) {
  const bool was = blocker_.unblock(address);
  if (was) {
    log_->info("address {} unblocked", address);
    if (d_.writer) d_.writer->deleteBlock(address);
  }
  return was;
}

std::vector<CallSnapshot> Switch::calls() const {
  std::vector<CallSnapshot> out;
  out.reserve(calls_.size());
  for (const auto& [id, c] : calls_) {
    CallSnapshot s;
    s.id = id;
    s.state = c->phase == Call::Phase::Routing   ? "routing"
              : c->phase == Call::Phase::Ringing ? "ringing"
              : c->phase == Call::Phase::Answered ? "answered"
                                                  : "ending";
    s.direction = c->direction;
    s.callerNumber = c->callerNumber;
    s.callerName = c->callerName;
    s.calleeNumber = c->calleeNumber;
    s.destination = c->destination;
    s.trunkId = c->trunkId;
    s.departmentId = c->departmentId;
    s.startUs = c->startUs;
    s.answerUs = c->answerUs;
    s.legs = static_cast<int>(c->legs.size());
    s.onHold = c->onHold;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

void Switch::onMediaEvent(const media::MediaEvent& e) {
  AppScope scope(*this);
  if (e.type == media::MediaEvent::Type::RecordingStopped) return appMediaEvent(e);
  auto found = legsByEp_.find(e.endpoint);
  if (found == legsByEp_.end()) return;
  Leg& leg = *found->second;
  Call& c = *leg.call;
  if (e.type == media::MediaEvent::Type::RtpTimeout) {
    if (c.phase == Call::Phase::Ending) return;
    if (c.appControlled() && &leg != c.in) {
      // The agent's (or a supervisor's) media died: that party goes, the customer stays.
      log_->info("call {}: RTP timeout on leg {}, hanging it up", c.id, leg.id);
      leg.abandoned = true;
      appLegGone(leg, "media_timeout");
      endLeg(leg);
      return;
    }
    if (c.phase == Call::Phase::Answered || c.appControlled()) {
      log_->info("call {}: RTP timeout, hanging up", c.id);
      hangupCall(c, "media_timeout", "system");
    }
    return;
  }
  if (c.appControlled()) appMediaEvent(e);
}

}  // namespace hujiao::call
