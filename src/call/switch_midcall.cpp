// Switch: requests inside established dialogs -- BYE, re-INVITE (hold/unhold
// relayed to the other party), INFO (DTMF relay), REFER (blind transfer, and
// attended transfer with Replaces).
#include <algorithm>

#include "call/switch.h"
#include "call/switch_internal.h"
#include "core/ids.h"
#include "core/log.h"
#include "sip/replaces.h"
#include "sip/sdp.h"

namespace hujiao::call {

bool anchoringOn(const SwitchDeps& d);

namespace {
sip::MessageParts sdpBody(const std::string& body) {
  sip::MessageParts p;
  if (!body.empty()) {
    p.contentType = "application/sdp";
    p.body = body;
  }
  return p;
}

/// "sip:200@host;params" -> "200".
std::string userOf(const std::string& uri) {
  const size_t colon = uri.find(':');
  const size_t at = uri.find('@');
  if (colon == std::string::npos || at == std::string::npos || at < colon) return {};
  return uri.substr(colon + 1, at - colon - 1);
}

std::string reasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 480: return "Temporarily Unavailable";
    case 486: return "Busy Here";
    case 481: return "Call/Transaction Does Not Exist";
    case 487: return "Request Terminated";
    case 500: return "Server Internal Error";
    case 503: return "Service Unavailable";
    case 603: return "Decline";
    default: return "Failed";
  }
}
}  // namespace

void Switch::onDialogRequest(const sip::SipRequest& r) {
  AppScope scope(*this);
  Leg* leg = legOf(r.handle);
  if (!leg) {
    if (!r.alreadyAnswered) stack_->respond(r.handle, 481, "Call/Transaction Does Not Exist");
    return;
  }
  if (r.method == "BYE") {
    Call& c = *leg->call;
    leg->state = Leg::State::Ending;
    if (leg == c.transferor) return;  // it leaves after REFER; the transfer goes on
    if (c.appControlled() && leg != c.in) {
      if (c.phase != Call::Phase::Ending) appLegGone(*leg, "normal");
      return;
    }
    if (c.phase == Call::Phase::Answered && (leg == c.in || leg == c.peer)) {
      hangupCall(c, "normal", leg == c.in ? "caller" : "callee");
    }
    return;
  }
  if (r.method == "INVITE") return onReinvite(*leg, r);
  if (r.method == "INFO") return onInfo(*leg, r);
  if (r.method == "REFER") return onRefer(*leg, r);
  if (r.method == "UPDATE" && !r.body.empty() && !r.alreadyAnswered) {
    // A session refresh (RFC 4028) may carry the unchanged offer: answer with the
    // SDP this peer already has from us, so its media stays as it is.
    Leg* other = otherParty(*leg);
    const std::string& ours = anchoringOn(d_) || !other ? leg->localSdp : other->remoteSdp;
    if (ours.empty()) {
      stack_->respond(r.handle, 488, "Not Acceptable Here");
    } else {
      stack_->respond(r.handle, 200, "OK", sdpBody(ours));
    }
    return;
  }
  if (!r.alreadyAnswered) stack_->respond(r.handle, 200, "OK");
}

void Switch::onReinvite(Leg& leg, const sip::SipRequest& r) {
  Call& c = *leg.call;
  if (!r.body.empty()) {
    auto sdp = sip::parseSdp(r.body);
    if (!sdp) {
      stack_->respond(leg.handle.id(), 488, "Not Acceptable Here");
      return;
    }
    const bool wasHeld = c.onHold;
    c.onHold = sdp->direction != media::Direction::SendRecv || sdp->address == "0.0.0.0";
    if (anchoringOn(d_) && leg.ep != 0) {
      // The media plane answers; the other party keeps its stream.
      auto ans = d_.media->answerOffer(leg.ep, *sdp);
      if (!ans) {
        stack_->respond(leg.handle.id(), 488, "Not Acceptable Here");
        return;
      }
      leg.localSdp = sip::formatSdp(*ans, leg.id, sdpVersion_++);
      stack_->respond(leg.handle.id(), 200, "OK", sdpBody(leg.localSdp));
      if (c.onHold != wasHeld) holdMusic(leg, c.onHold);
      return;
    }
  }
  if (anchoringOn(d_)) {
    stack_->respond(leg.handle.id(), 200, "OK", sdpBody(leg.localSdp));
    return;
  }
  Leg* other = otherParty(leg);
  if (!other || other->state != Leg::State::Up || other->relayFrom || other->awaitingReinvite ||
      other->transferReinvite) {
    stack_->respond(leg.handle.id(), 491, "Request Pending");
    return;
  }
  if (!r.body.empty()) leg.remoteSdp = r.body;
  leg.awaitingReinvite = true;
  other->relayFrom = &leg;
  stack_->invite(other->handle.id(), "", sdpBody(r.body));
}

void Switch::holdMusic(Leg& holder, bool on) {
  // Only plain two-party calls: app calls hold through CallControl::hold.
  Call& c = *holder.call;
  Leg* other = otherParty(holder);
  if (c.app || !other || other->ep == 0 || other->state != Leg::State::Up || d_.config.holdMusic.empty()) return;
  if (on) {
    media::PlayItem item;
    const std::string& src = d_.config.holdMusic;
    if (src.rfind("tone:", 0) == 0) {
      item.kind = media::PlayItem::Kind::Tone;
      item.tone = src.substr(5);
    } else {
      item.path = src;
    }
    media::PlayRequest req;
    req.items.push_back(item);
    req.loops = 0;  // until unhold
    d_.media->unbridge(holder.ep);
    if (auto r = d_.media->play(other->ep, req); !r) {
      log_->warn("call {}: music on hold ({}): {}", c.id, src, r.error().message);
      (void)d_.media->bridge(holder.ep, other->ep);
    }
  } else {
    d_.media->stopPlay(other->ep);
    if (auto b = d_.media->bridge(holder.ep, other->ep); !b) log_->warn("call {}: re-bridge: {}", c.id, b.error().message);
  }
}

void Switch::onReinviteResponse(Leg& leg, const sip::SipResponse& r) {
  if (r.status < 200) return;
  if (r.status < 300 && !r.body.empty()) leg.remoteSdp = r.body;
  if (leg.transferReinvite) {
    leg.transferReinvite = false;
    Call* c = leg.transferFor ? leg.transferFor : leg.call;
    if (!c->transferor) return;
    if (c->attended) {
      if (r.status >= 300) return transferFailed(*c, r.status);
      // Step 2 (pass-through): the transferee gets the new party's media. Anchored
      // legs keep their SDP: the media plane bridged them already.
      Leg* o1 = c->transferee;
      if (o1 && o1->state == Leg::State::Up && !anchoringOn(d_)) {
        stack_->invite(o1->handle.id(), "", sdpBody(leg.remoteSdp));
      }
      c->transferLeg = &leg;
    }
    // Blind: the transferee now talks to the new leg.
    Leg* t = c->transferor;
    stack_->notifyRefer(t->handle.id(), "SIP/2.0 200 OK", true);
    t->referPending = false;
    Leg* n = c->transferLeg;
    if (c->attended && leg.transferFor && leg.call != c) {
      // Move the other party of the replaced dialog into this call.
      Call& from = *leg.call;
      auto it = std::find_if(from.legs.begin(), from.legs.end(), [&](const auto& p) { return p.get() == &leg; });
      if (it != from.legs.end()) {
        std::unique_ptr<Leg> moved = std::move(*it);
        from.legs.erase(it);
        if (from.in == &leg) from.in = nullptr;
        if (from.peer == &leg) from.peer = nullptr;
        moved->call = c;
        moved->transferFor = nullptr;
        c->legs.push_back(std::move(moved));
        // The call limits follow the party (the replaced call's CDR no longer holds it).
        uncountExtension(from, leg.extension);
        countCall(*c, leg.extension);
        if (!leg.trunkId.empty()) {
          uncountTrunk(from, leg.trunkId);
          countTrunk(*c, leg.trunkId);
        }
      }
      if (!leg.extension.empty()) c->destination = leg.extension;
      // The transferor's other dialog (the replaced one) is finished.
      if (from.cause.empty()) {
        from.cause = "transferred";
        from.side = "caller";
      }
      for (auto& l : from.legs) endLeg(*l);
      from.phase = Call::Phase::Ending;
      // The transferor may have hung up that dialog already (phones often BYE both
      // as soon as the REFER is accepted): then nothing else would finish the call.
      if (std::all_of(from.legs.begin(), from.legs.end(), [](const auto& l) { return l->state == Leg::State::Gone; })) {
        finishCall(from);
      }
    }
    if (n && !n->extension.empty()) c->destination = n->extension;
    if (c->in == t) {
      c->in = n;
    } else {
      c->peer = n;
    }
    c->transferor = nullptr;
    c->transferee = nullptr;
    c->transferLeg = nullptr;
    c->attended = false;
    // The transferor left this call: it no longer counts against its call limit.
    uncountExtension(*c, t->extension.empty() && t->inbound ? c->callerExtension : t->extension);
    if (t->state == Leg::State::Up) endLeg(*t);
    log_->info("call {}: transfer completed", c->id);
    publish(*c, "call.transferred");
    return;
  }
  Leg* from = leg.relayFrom;
  leg.relayFrom = nullptr;
  if (from && from->awaitingReinvite) {
    from->awaitingReinvite = false;
    sip::MessageParts p;
    if (r.status < 300) p = sdpBody(r.body.empty() ? leg.remoteSdp : r.body);
    stack_->respond(from->handle.id(), r.status, r.phrase, p);
  }
}

void Switch::onInfo(Leg& leg, const sip::SipRequest& r) {
  stack_->respond(leg.handle.id(), 200, "OK");
  if (leg.call->appControlled() && &leg == leg.call->in) appInfoDigits(leg, r);
  Leg* other = otherParty(leg);
  if (other && other->state == Leg::State::Up) {
    sip::MessageParts p;
    p.contentType = r.contentType;
    p.body = r.body;
    stack_->info(other->handle.id(), p);
  }
}

void Switch::onRefer(Leg& leg, const sip::SipRequest& r) {
  Call& c = *leg.call;
  const bool party = &leg == c.in || &leg == c.peer;
  // App calls transfer through CallControl (connect/consult), not by the phones' REFER.
  if (c.phase != Call::Phase::Answered || !party || c.transferor || anchoringOn(d_) != (leg.ep != 0) ||
      c.appControlled()) {
    stack_->notifyRefer(leg.handle.id(), "SIP/2.0 503 Service Unavailable", true);
    return;
  }
  if (r.hasReplaces) {
    int status = 0;
    Leg* replaced = findReplaced(r, status);
    if (replaced && (replaced->call == &c || replaced->state != Leg::State::Up || replaced->call->appControlled())) {
      replaced = nullptr;
      status = 481;
    }
    if (!replaced) {
      stack_->notifyRefer(leg.handle.id(), "SIP/2.0 " + std::to_string(status) + " " + reasonPhrase(status), true);
      return;
    }
    attendedTransfer(leg, *replaced);
    return;
  }
  const std::string target = userOf(r.referTo);
  if (!isValidNumber(target)) {
    stack_->notifyRefer(leg.handle.id(), "SIP/2.0 400 Bad Request", true);
    return;
  }
  blindTransfer(leg, target);
}

Switch::Leg* Switch::findReplaced(const sip::SipRequest& r, int& status) {
  if (r.replacesCallId.empty()) {
    status = 400;  // Replaces without its Call-ID or one of the tags
    return nullptr;
  }
  auto it = legsBySipCallId_.find(r.replacesCallId);
  if (it == legsBySipCallId_.end()) {
    status = 481;
    return nullptr;
  }
  Leg& l = *it->second;
  const auto tags = stack_->dialogTags(l.handle.id());
  sip::DialogView d;
  d.callId = l.sipCallId;
  d.localTag = tags.local;
  d.remoteTag = tags.remote;
  d.weInitiated = !l.inbound;
  switch (l.state) {
    case Leg::State::Calling:
    case Leg::State::Early: d.phase = sip::DialogView::Phase::Early; break;
    case Leg::State::Up: d.phase = sip::DialogView::Phase::Confirmed; break;
    default: d.phase = sip::DialogView::Phase::Terminated; break;
  }
  sip::ReplacesSpec spec{r.replacesCallId, r.replacesToTag, r.replacesFromTag, r.replacesEarlyOnly};
  status = sip::checkReplaces(spec, d);
  if (status != 0) {
    log_->info("Replaces {} (to-tag {}, from-tag {}{}) does not match our dialog (tags {}/{}): {}", r.replacesCallId,
               r.replacesToTag, r.replacesFromTag, r.replacesEarlyOnly ? ", early-only" : "", tags.local, tags.remote,
               status);
    return nullptr;
  }
  return &l;
}

void Switch::blindTransfer(Leg& t, const std::string& target) {
  Call& c = *t.call;
  Leg* o = otherParty(t);
  if (!o || o->state != Leg::State::Up) {
    stack_->notifyRefer(t.handle.id(), "SIP/2.0 481 Call/Transaction Does Not Exist", true);
    return;
  }
  stack_->notifyRefer(t.handle.id(), "SIP/2.0 100 Trying", false);
  c.transferor = &t;
  c.transferee = o;
  c.attended = false;
  t.referPending = true;
  const std::string who = o == c.in ? c.callerNumber : c.destination;
  sip::OutgoingDialog d;
  d.from = "<sip:" + who + "@" + hostPart() + ">";
  d.contactUser = who;
  int placed = 0;
  if (auto e = extensions_.find(target); e != extensions_.end()) {
    const Extension& ext = e->second;
    if (ext.dnd || activeFor(ext.number) >= limitFor(ext)) return transferFailed(c, 486);
    d.to = "<sip:" + ext.number + "@" + hostPart() + ">";
    for (const auto& b : registrar_.bindings(ext.number, clock_.nowUs())) {
      if (!b.reachable) continue;
      d.callId = core::newId();
      if (Leg* l = addOutLeg(c, d, b.contact, o->remoteSdp)) {
        l->isTransferTarget = true;
        l->extension = ext.number;
        ++placed;
      }
    }
    if (placed > 0) countCall(c, ext.number);
  } else if (auto route = dialPlan_.route(target)) {
    for (const auto& tid : route->rule->trunkIds) {
      auto tr = trunks_.find(tid);
      if (tr == trunks_.end()) continue;
      const Trunk& tk = tr->second;
      const std::string hp = tk.host + ":" + std::to_string(tk.port);
      d.to = "<sip:" + route->number + "@" + hp + ">";
      d.callId = core::newId();
      d.authUser = tk.username;
      d.authPassword = tk.password;
      std::string ruri = "sip:" + route->number + "@" + hp;
      if (tk.transport != "udp") ruri += ";transport=" + tk.transport;
      if (Leg* l = addOutLeg(c, d, ruri, o->remoteSdp)) {
        l->isTransferTarget = true;
        l->trunkId = tid;
        ++placed;
      }
      break;  // transfers use the first trunk of the rule
    }
  }
  if (placed == 0) return transferFailed(c, 404);
  const std::string id = c.id;
  timers_.start(clock_.monoUs() + d_.config.noAnswerTimeoutS * 1'000'000, [this, id] {
    auto it = calls_.find(id);
    if (it != calls_.end() && it->second->transferor && !it->second->transferLeg) transferFailed(*it->second, 408);
  });
}

void Switch::transferAnswered(Call& c, Leg& n, const std::string& sdp) {
  if (!c.transferor || c.transferLeg) {
    n.abandoned = true;
    endLeg(n);
    return;
  }
  c.transferLeg = &n;
  for (auto& l : c.legs) {
    if (l.get() != &n && l->isTransferTarget && (l->state == Leg::State::Calling || l->state == Leg::State::Early)) {
      l->abandoned = true;
      endLeg(*l);
    }
  }
  Leg* o = c.transferee;
  if (anchoringOn(d_)) {
    if (auto ans = sip::parseSdp(sdp); ans && n.ep) (void)d_.media->applyAnswer(n.ep, *ans);
    if (o && o->ep && n.ep) (void)d_.media->bridge(o->ep, n.ep);
    sip::SipResponse fake;
    fake.status = 200;
    n.transferReinvite = true;
    onReinviteResponse(n, fake);
    return;
  }
  if (!o || o->state != Leg::State::Up) return transferFailed(c, 481);
  // Pass-through: the transferee gets the new party's SDP; completion on its answer.
  o->transferReinvite = true;
  stack_->invite(o->handle.id(), "", sdpBody(sdp));
}

void Switch::attendedTransfer(Leg& x1, Leg& x2) {
  Call& c1 = *x1.call;
  Leg* o1 = otherParty(x1);
  Leg* o2 = otherParty(x2);
  if (!o1 || !o2 || o1->state != Leg::State::Up || o2->state != Leg::State::Up) {
    stack_->notifyRefer(x1.handle.id(), "SIP/2.0 481 Call/Transaction Does Not Exist", true);
    return;
  }
  stack_->notifyRefer(x1.handle.id(), "SIP/2.0 100 Trying", false);
  c1.transferor = &x1;
  c1.transferee = o1;
  c1.attended = true;
  x1.referPending = true;
  // The replaced dialog's transferor leg (x2) must not hang up o2 when it ends.
  x2.call->transferor = &x2;
  o2->transferFor = &c1;
  o2->transferReinvite = true;
  c1.transferLeg = o2;
  if (anchoringOn(d_)) {
    // Anchored media: the media plane joins the two remaining parties; their SDP stays as it is.
    if (o1->ep == 0 || o2->ep == 0 || !d_.media->bridge(o1->ep, o2->ep)) {
      o2->transferReinvite = false;
      o2->transferFor = nullptr;
      x2.call->transferor = nullptr;
      return transferFailed(c1, 500);
    }
    sip::SipResponse ok;
    ok.status = 200;
    onReinviteResponse(*o2, ok);
    return;
  }
  stack_->invite(o2->handle.id(), "", sdpBody(o1->remoteSdp));
}

void Switch::transferFailed(Call& c, int status) {
  Leg* t = c.transferor;
  if (!t) return;
  log_->info("call {}: transfer failed with {}", c.id, status);
  if (t->state == Leg::State::Up) {
    stack_->notifyRefer(t->handle.id(), "SIP/2.0 " + std::to_string(status) + " " + reasonPhrase(status), true);
  }
  t->referPending = false;
  c.transferor = nullptr;
  c.transferee = nullptr;
  c.transferLeg = nullptr;
  c.attended = false;
  for (auto& l : c.legs) {
    if (l->isTransferTarget && l->state != Leg::State::Gone) {
      l->abandoned = true;
      endLeg(*l);
    }
  }
  if (t->state != Leg::State::Up) hangupCall(c, "transfer_failed", "system");
}

}  // namespace hujiao::call
