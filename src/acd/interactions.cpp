// Acd interactions: enqueue, queue admission rules (max length, join empty),
// answer / fail / end / abandon, hold, callback, transfer and supervisor
// moves, max-wait overflow, leave-when-empty and announcements.
#include <algorithm>

#include "acd/acd.h"

namespace hujiao::acd {

using detail::AgentRec;
using detail::InteractionRec;
using detail::kNone;
using detail::QueueRec;

namespace {
core::Error err(const char *code, std::string message) { return core::makeError(code, std::move(message)); }
constexpr uint8_t kMaxHops = 8;  // overflow moves between queues, against loops
}  // namespace

#define HUJIAO_ACD_ENTER()       \
  if (busy_) return reentrant(); \
  Scope scope_(*this)

core::Result<void> Acd::enqueue(EnqueueRequest req) {
  HUJIAO_ACD_ENTER();
  if (req.id.empty()) return err("invalid_argument", "interaction id is empty");
  if (findIx(req.id)) return err("duplicate_interaction", "interaction " + req.id + " is already in the ACD");
  const uint32_t qi = findQueue(req.queueId);
  if (qi == kNone) return err("unknown_queue", "no queue " + req.queueId);
  for (const auto &s : req.skills)
    if (s.skill.empty() || s.minLevel < 0)
      return err("invalid_argument", "interaction " + req.id + ": bad skill requirement");
  uint32_t ix;
  if (!freeIxs_.empty()) {
    ix = freeIxs_.back();
    freeIxs_.pop_back();
  } else {
    if (ixs_.size() >= (1U << 24)) return err("limit", "too many live interactions");
    ix = static_cast<uint32_t>(ixs_.size());
    ixs_.emplace_back();
  }
  InteractionRec &r = ixs_[ix];
  r.self = ix;
  r.pub.id = std::move(req.id);
  r.pub.channel = req.channel;
  r.pub.customer = std::move(req.customer);
  r.pub.queueId = std::move(req.queueId);
  r.pub.skills = std::move(req.skills);
  r.pub.priority = req.priority;
  r.pub.attributes = std::move(req.attributes);
  r.pub.enqueuedAtUs = clock_.nowUs();
  r.key.sortUs = clock_.monoUs();
  ixById_.insert(r.pub.id, ix);
  admit(ix, qi, false);
  return {};
}

bool Acd::queueEmpty(const QueueRec &q, EmptyRule rule) const {
  switch (rule) {
    case EmptyRule::Ignore:
      return false;
    case EmptyRule::NoAgentLoggedIn:
      return q.members.size() == q.agentsByState[static_cast<std::size_t>(AgentState::LoggedOut)];
    case EmptyRule::NoAgentReady:
      return q.presenceReady == 0;
  }
  return false;
}

void Acd::admit(uint32_t ix, uint32_t qi, bool keepAge) {
  InteractionRec &r = ixs_[ix];
  QueueRec &q = queues_[qi];
  if (q.cfg.maxLength > 0 && q.listSize >= q.cfg.maxLength) {
    overflowOut(ix, qi, OverflowReason::MaxLength, q.cfg.fullTarget);
    return;
  }
  if (queueEmpty(q, q.cfg.joinEmpty)) {
    overflowOut(ix, qi, OverflowReason::JoinEmpty, q.cfg.emptyTarget);
    return;
  }
  const int64_t now = clock_.monoUs();
  r.queue = qi;
  r.pub.queueId = q.cfg.id;
  r.queueEnteredMono = now;
  r.key.negPriority = -r.pub.priority;
  if (!keepAge) r.key.sortUs = now;
  r.key.seq = seq_++;
  r.key.ix = ix;
  // Queue list in entry order: its head is the longest wait.
  r.prev = q.tail;
  r.next = kNone;
  if (q.tail != kNone)
    ixs_[q.tail].next = ix;
  else
    q.head = ix;
  q.tail = ix;
  ++q.listSize;
  ++waitingTotal_;
  ++q.offered;
  markDirty(q);

  detail::BucketKey &key = scratchKey_;
  key.channel = r.pub.channel;
  key.profile.clear();
  for (const auto &s : r.pub.skills) {
    const uint32_t id = internSkill(s.skill);
    auto it = std::find_if(key.profile.begin(), key.profile.end(), [id](const auto &p) { return p.skill == id; });
    if (it == key.profile.end())
      key.profile.push_back(detail::ReqSkill{id, s.minLevel});
    else
      it->minLevel = std::max(it->minLevel, s.minLevel);
  }
  std::sort(key.profile.begin(), key.profile.end());
  r.bucket = &bucketFor(qi, key);
  r.state = IxState::Waiting;
  r.bucket->addWaiting(r.key);
  if (q.cfg.maxWaitUs > 0 && !r.pub.callback)
    r.maxWaitTimer = timers_.schedule(now + q.cfg.maxWaitUs, *this, cookie(detail::kMaxWaitTimer, ix, r.gen));
  listener_.onInteractionEvent(r.pub, InteractionEvent::Queued, {});
  if (routeInteraction(ix)) return;
  if (r.pub.callback) return;
  // The first announcement comes after one interval (the call layer plays its
  // welcome on entry and may ask position() itself): entering stays O(log n).
  if (q.cfg.announceEveryUs > 0)
    r.announceTimer = timers_.schedule(now + q.cfg.announceEveryUs, *this, cookie(detail::kAnnounceTimer, ix, r.gen));
  if (q.cfg.callbackOfferAfterUs > 0) {
    const int64_t ewt = estimatedWait(q, positionOf(r));
    if (ewt < 0 || ewt >= q.cfg.callbackOfferAfterUs) {
      r.callbackOffered = true;
      listener_.onCallbackOffer(r.pub, ewt);
    }
  }
}

void Acd::overflowOut(uint32_t ix, uint32_t qi, OverflowReason why, const OverflowTarget &target) {
  InteractionRec &r = ixs_[ix];
  QueueRec &q = queues_[qi];
  ++q.overflowed;
  markDirty(q);
  const uint32_t to = target.kind == OverflowKind::Queue ? findQueue(target.value) : kNone;
  const bool internal = to != kNone && r.hops < kMaxHops;
  const OverflowTarget copy = target;  // the queue config may change under a listener's feet
  listener_.onOverflow(r.pub, copy, why, internal);
  listener_.onInteractionEvent(r.pub, InteractionEvent::Overflowed, {});
  if (!internal) {
    freeIx(ix);
    return;
  }
  ++r.hops;
  admit(ix, to, true);
}

void Acd::leaveQueue(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  QueueRec &q = queues_[r.queue];
  if (r.state == IxState::Waiting) r.bucket->removeWaiting(r.key);
  if (r.prev != kNone)
    ixs_[r.prev].next = r.next;
  else
    q.head = r.next;
  if (r.next != kNone)
    ixs_[r.next].prev = r.prev;
  else
    q.tail = r.prev;
  r.prev = r.next = kNone;
  --q.listSize;
  --waitingTotal_;
  markDirty(q);
  timers_.cancel(r.maxWaitTimer);
  timers_.cancel(r.announceTimer);
  timers_.cancel(r.ringTimer);
  r.maxWaitTimer = r.announceTimer = r.ringTimer = 0;
  r.bucket = nullptr;
}

void Acd::cancelOffers(uint32_t ix, CancelReason why, uint32_t except) {
  InteractionRec &r = ixs_[ix];
  // Walk a copy (scratch, no allocation once warm); r.offers keeps its buffer.
  std::vector<uint32_t> &offers = scratchOffers_;
  offers.assign(r.offers.begin(), r.offers.end());
  r.offers.clear();
  for (uint32_t ai : offers) {
    if (ai == except) {
      r.offers.push_back(ai);
      continue;
    }
    AgentRec &a = agents_[ai];
    for (std::size_t i = 0; i < a.work.size(); ++i)
      if (a.work[i].ix == ix && a.work[i].phase == Phase::Ringing) {
        releaseSlot(ai, i);
        break;
      }
    listener_.onCancelOffer(r.pub, ref(a), why);
    reindexAgent(ai);
    updateAgentState(ai);
    scratchAgents_.push_back(ai);  // routed by the caller once the interaction is settled
  }
}

void Acd::dropOffer(uint32_t ix, uint32_t ai, OfferFailure why, bool emitCancel) {
  InteractionRec &r = ixs_[ix];
  AgentRec &a = agents_[ai];
  std::erase(r.offers, ai);
  for (std::size_t i = 0; i < a.work.size(); ++i)
    if (a.work[i].ix == ix && a.work[i].phase == Phase::Ringing) {
      releaseSlot(ai, i);
      break;
    }
  if (emitCancel) listener_.onCancelOffer(r.pub, ref(a), CancelReason::RingTimeout);
  if (why == OfferFailure::NoAnswer) ++a.rna;
  const QueueRec &q = queues_[r.queue];
  if (q.cfg.rnaNotReady && a.presence == Presence::Ready) {
    const char *reason = why == OfferFailure::NoAnswer   ? "rna"
                         : why == OfferFailure::Rejected ? "rejected"
                                                         : "device_error";
    (void)setPresence(ai, Presence::NotReady, reason, true);
  } else {
    reindexAgent(ai);
    updateAgentState(ai);
  }
}

core::Result<void> Acd::offerFailed(const std::string &interactionId, const std::string &agentId, OfferFailure why) {
  HUJIAO_ACD_ENTER();
  InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  if (r->state != IxState::Offered || std::find(r->offers.begin(), r->offers.end(), ai) == r->offers.end())
    return err("not_offered", "interaction " + interactionId + " is not ringing agent " + agentId);
  const uint32_t ix = r->self;
  dropOffer(ix, ai, why, false);  // the call layer knows: no cancel back
  if (ixs_[ix].offers.empty()) waitAgain(ix);
  routeAgent(ai);
  return {};
}

void Acd::onRingTimeout(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  if (r.state != IxState::Offered) return;
  const std::vector<uint32_t> offers = r.offers;
  for (uint32_t ai : offers) dropOffer(ix, ai, OfferFailure::NoAnswer, true);
  waitAgain(ix);
  for (uint32_t ai : offers) routeAgent(ai);  // those left ready (rnaNotReady off)
}

core::Result<void> Acd::agentAnswered(const std::string &interactionId, const std::string &agentId) {
  HUJIAO_ACD_ENTER();
  InteractionRec *rp = findIx(interactionId);
  if (!rp) return err("unknown_interaction", "no interaction " + interactionId);
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  if (rp->state != IxState::Offered || std::find(rp->offers.begin(), rp->offers.end(), ai) == rp->offers.end())
    return err("not_offered", "interaction " + interactionId + " is not ringing agent " + agentId);
  const uint32_t ix = rp->self;
  scratchAgents_.clear();
  cancelOffers(ix, CancelReason::AnsweredElsewhere, ai);
  const std::vector<uint32_t> freed = scratchAgents_;
  InteractionRec &r = ixs_[ix];
  const uint32_t qi = r.queue;
  const int64_t now = clock_.monoUs();
  const int64_t wait = now - r.queueEnteredMono;
  r.state = IxState::Connected;  // leaveQueue must not touch the bucket
  leaveQueue(ix);
  r.queue = qi;
  r.offers.clear();
  r.agent = ai;
  QueueRec &q = queues_[qi];
  ++q.answered;
  q.answerWaitSumUs += wait;
  if (wait <= q.cfg.serviceLevelUs) ++q.answeredWithinSl;
  AgentRec &a = agents_[ai];
  if (detail::Assignment *w = findWork(a, ix)) {
    w->phase = Phase::Connected;
    w->phaseSinceMono = now;
  }
  ++a.answered;
  reindexAgent(ai);  // answered count / talk time keys moved
  listener_.onInteractionEvent(r.pub, InteractionEvent::Answered, a.cfg.id);
  updateAgentState(ai);
  for (uint32_t f : freed) routeAgent(f);
  return {};
}

void Acd::detachFromAgent(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  const uint32_t ai = r.agent;
  r.agent = kNone;
  AgentRec &a = agents_[ai];
  detail::Assignment *w = findWork(a, ix);
  if (!w) return;
  const int64_t now = clock_.monoUs();
  if (w->holdStartMono >= 0) {
    w->holdUs += now - w->holdStartMono;
    w->holdStartMono = -1;
  }
  w->talkUs = std::max<int64_t>(0, now - w->phaseSinceMono - w->holdUs);
  a.talkUs += w->talkUs;
  a.holdUs += w->holdUs;
  w->ix = kNone;
  const QueueRec &q = queues_[w->queue];
  const int64_t wrap = q.live && q.gen == w->queueGen ? q.cfg.wrapUpUs : 0;
  w->phase = Phase::WrapUp;
  w->phaseSinceMono = now;
  if (wrap > 0) {
    w->timer = timers_.schedule(now + wrap, *this, cookie(detail::kWrapUpTimer, ai, w->serial));
    reindexAgent(ai);
    updateAgentState(ai);
  } else {
    finishWrapUp(ai, w->serial);
  }
}

core::Result<void> Acd::interactionEnded(const std::string &interactionId) {
  InteractionRec *r = findIx(interactionId);
  if (r && r->state != IxState::Connected) return abandon(interactionId);
  HUJIAO_ACD_ENTER();
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  const uint32_t ix = r->self;
  listener_.onInteractionEvent(r->pub, InteractionEvent::Ended, agents_[r->agent].cfg.id);
  detachFromAgent(ix);
  freeIx(ix);
  return {};
}

core::Result<void> Acd::abandon(const std::string &interactionId) {
  InteractionRec *r = findIx(interactionId);
  if (r && r->state == IxState::Connected) return interactionEnded(interactionId);
  HUJIAO_ACD_ENTER();
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  const uint32_t ix = r->self;
  scratchAgents_.clear();
  cancelOffers(ix, CancelReason::Abandoned, kNone);
  const std::vector<uint32_t> freed = scratchAgents_;
  QueueRec &q = queues_[ixs_[ix].queue];
  ++q.abandoned;
  leaveQueue(ix);
  listener_.onInteractionEvent(ixs_[ix].pub, InteractionEvent::Abandoned, {});
  freeIx(ix);
  for (uint32_t f : freed) routeAgent(f);
  return {};
}

core::Result<void> Acd::setHold(const std::string &interactionId, bool onHold) {
  HUJIAO_ACD_ENTER();
  InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  if (r->state != IxState::Connected) return err("invalid_state", "interaction " + interactionId + " is not connected");
  detail::Assignment *w = findWork(agents_[r->agent], r->self);
  if (!w) return err("invalid_state", "interaction " + interactionId + " has no agent");
  const int64_t now = clock_.monoUs();
  if (onHold && w->holdStartMono < 0) w->holdStartMono = now;
  if (!onHold && w->holdStartMono >= 0) {
    w->holdUs += now - w->holdStartMono;
    w->holdStartMono = -1;
  }
  return {};
}

core::Result<void> Acd::acceptCallback(const std::string &interactionId, const std::string &number) {
  HUJIAO_ACD_ENTER();
  InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  if (r->state != IxState::Waiting) return err("invalid_state", "interaction " + interactionId + " is not waiting");
  const std::string &to = number.empty() ? r->pub.customer.number : number;
  if (to.empty()) return err("invalid_argument", "no number to call back");
  r->pub.callback = true;
  r->pub.callbackNumber = to;
  // Nobody is on the line any more: no max wait, no announcements. The place
  // in the waiting set is unchanged.
  timers_.cancel(r->maxWaitTimer);
  timers_.cancel(r->announceTimer);
  r->maxWaitTimer = r->announceTimer = 0;
  return {};
}

core::Result<void> Acd::transferToQueue(const std::string &interactionId, const std::string &queueId, int priority) {
  HUJIAO_ACD_ENTER();
  InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  const uint32_t qi = findQueue(queueId);
  if (qi == kNone) return err("unknown_queue", "no queue " + queueId);
  if (r->state != IxState::Connected) return err("invalid_state", "interaction " + interactionId + " is not connected");
  const uint32_t ix = r->self;
  listener_.onInteractionEvent(r->pub, InteractionEvent::Transferred, agents_[r->agent].cfg.id);
  detachFromAgent(ix);
  InteractionRec &rr = ixs_[ix];
  rr.state = IxState::Free;
  rr.queue = kNone;
  rr.hops = 0;
  rr.callbackOffered = false;
  rr.pub.callback = false;
  if (priority >= 0) rr.pub.priority = priority;
  admit(ix, qi, false);
  return {};
}

core::Result<void> Acd::moveToQueue(const std::string &interactionId, const std::string &queueId) {
  HUJIAO_ACD_ENTER();
  InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  const uint32_t qi = findQueue(queueId);
  if (qi == kNone) return err("unknown_queue", "no queue " + queueId);
  if (r->state != IxState::Waiting && r->state != IxState::Offered)
    return err("invalid_state", "interaction " + interactionId + " is not waiting");
  if (r->queue == qi) return {};
  const uint32_t ix = r->self;
  scratchAgents_.clear();
  cancelOffers(ix, CancelReason::Moved, kNone);
  const std::vector<uint32_t> freed = scratchAgents_;
  leaveQueue(ix);
  listener_.onInteractionEvent(ixs_[ix].pub, InteractionEvent::Moved, {});
  ixs_[ix].state = IxState::Free;
  ixs_[ix].hops = 0;
  admit(ix, qi, true);
  for (uint32_t f : freed) routeAgent(f);
  return {};
}

core::Result<void> Acd::moveToAgent(const std::string &interactionId, const std::string &agentId) {
  HUJIAO_ACD_ENTER();
  InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  if (r->state != IxState::Waiting && r->state != IxState::Offered)
    return err("invalid_state", "interaction " + interactionId + " is not waiting");
  const bool ringing = std::find(r->offers.begin(), r->offers.end(), ai) != r->offers.end();
  if (!ringing && !availableFor(agents_[ai], r->pub.channel))
    return err("agent_unavailable",
               "agent " + agentId + " is not ready with a free " + std::string(toString(r->pub.channel)) + " slot");
  const uint32_t ix = r->self;
  scratchAgents_.clear();
  cancelOffers(ix, CancelReason::Moved, ai);
  const std::vector<uint32_t> freed = scratchAgents_;
  if (!ringing) {
    timers_.cancel(ixs_[ix].ringTimer);
    ixs_[ix].ringTimer = 0;
    offer(ix, ai);
  }
  for (uint32_t f : freed) routeAgent(f);
  return {};
}

void Acd::onMaxWait(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  if (r.state != IxState::Waiting || r.pub.callback) return;  // ringing: decided when it comes back
  const uint32_t qi = r.queue;
  leaveQueue(ix);
  const OverflowTarget target = queues_[qi].cfg.overflowTarget;
  overflowOut(ix, qi, OverflowReason::MaxWait, target);
}

void Acd::checkLeaveEmpty(uint32_t qi) {
  QueueRec &q = queues_[qi];
  if (!queueEmpty(q, q.cfg.leaveEmpty)) return;
  std::vector<uint32_t> leaving;
  for (uint32_t i = q.head; i != kNone; i = ixs_[i].next)
    if (ixs_[i].state == IxState::Waiting) leaving.push_back(i);
  const OverflowTarget target = q.cfg.emptyTarget;
  for (uint32_t ix : leaving) {
    leaveQueue(ix);
    overflowOut(ix, qi, OverflowReason::LeaveEmpty, target);
  }
}

int Acd::positionOf(const InteractionRec &r) const {
  if (r.state != IxState::Waiting) return 0;
  std::size_t ahead = 0;
  for (const detail::Bucket *bucket : queues_[r.queue].bucketList)
    if (bucket->channel == r.pub.channel) ahead += bucket->waiting.rank(r.key);
  return static_cast<int>(ahead) + 1;
}

int64_t Acd::estimatedWait(const QueueRec &q, int position) const {
  // Agents free up at about N / AHT per µs, so the n-th in line waits about
  // n * AHT / N; AHT is the smoothed handle time of this queue.
  if (q.presenceReady == 0) return -1;
  const double aht = q.ahtSeeded ? q.ahtEwmaUs : static_cast<double>(q.cfg.defaultAhtUs);
  return static_cast<int64_t>(position * aht / q.presenceReady);
}

void Acd::announce(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  const QueueRec &q = queues_[r.queue];
  const int pos = positionOf(r);
  const int64_t ewt = estimatedWait(q, pos);
  listener_.onAnnounce(r.pub, pos, ewt);
  if (q.cfg.callbackOfferAfterUs > 0 && !r.callbackOffered && (ewt < 0 || ewt >= q.cfg.callbackOfferAfterUs)) {
    r.callbackOffered = true;
    listener_.onCallbackOffer(r.pub, ewt);
  }
}

void Acd::onAnnounce(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  if (r.pub.callback) return;
  const QueueRec &q = queues_[r.queue];
  if (r.state == IxState::Waiting) announce(ix);
  if (q.cfg.announceEveryUs > 0 && (r.state == IxState::Waiting || r.state == IxState::Offered))
    r.announceTimer =
        timers_.schedule(clock_.monoUs() + q.cfg.announceEveryUs, *this, cookie(detail::kAnnounceTimer, ix, r.gen));
}

core::Result<std::pair<int, int64_t>> Acd::position(const std::string &interactionId) const {
  const InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  if (r->state != IxState::Waiting) return err("not_waiting", "interaction " + interactionId + " is not waiting");
  const int pos = positionOf(*r);
  return std::make_pair(pos, estimatedWait(queues_[r->queue], pos));
}

}  // namespace hujiao::acd
