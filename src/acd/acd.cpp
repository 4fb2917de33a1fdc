// Acd: construction, configuration (queues, agents, memberships), look-ups,
// the input scope (re-entrancy guard + settle) and timer dispatch.
#include "acd/acd.h"

#include <algorithm>
#include <cassert>

namespace hujiao::acd {

using detail::AgentRec;
using detail::InteractionRec;
using detail::kNone;
using detail::QueueRec;

namespace {

core::Error err(const char *code, std::string message) { return core::makeError(code, std::move(message)); }

core::Result<void> validate(const QueueConfig &c) {
  if (c.id.empty()) return err("invalid_argument", "queue id is empty");
  if (c.maxWaitUs < 0 || c.serviceLevelUs < 0 || c.wrapUpUs < 0 || c.ringTimeoutUs <= 0 || c.announceEveryUs < 0 ||
      c.callbackOfferAfterUs < 0 || c.defaultAhtUs <= 0)
    return err("invalid_argument", "queue " + c.id + ": durations must be >= 0 (ring timeout and AHT > 0)");
  if (!(c.ahtAlpha > 0 && c.ahtAlpha <= 1))
    return err("invalid_argument", "queue " + c.id + ": aht_alpha must be in (0, 1]");
  for (const OverflowTarget *t : {&c.overflowTarget, &c.fullTarget, &c.emptyTarget})
    if (t->kind != OverflowKind::None && t->value.empty())
      return err("invalid_argument", "queue " + c.id + ": overflow target without a value");
  return {};
}
}  // namespace

#define HUJIAO_ACD_ENTER()       \
  if (busy_) return reentrant(); \
  Scope scope_(*this)

Acd::Acd(core::Clock &clock, TimerService &timers, AcdListener &listener, AcdOptions options)
    : clock_(clock), timers_(timers), listener_(listener), options_(std::move(options)), rng_(options_.randomSeed) {}

Acd::~Acd() {
  // Pending timers point at us: cancel them so the service never calls a dead
  // target.
  for (auto &r : ixs_) {
    timers_.cancel(r.maxWaitTimer);
    timers_.cancel(r.announceTimer);
    timers_.cancel(r.ringTimer);
  }
  for (auto &a : agents_)
    for (auto &w : a.work) timers_.cancel(w.timer);
  timers_.cancel(statsTimer_);
}

core::Error Acd::reentrant() const {
  return err("reentrant_call", "an AcdListener called back into the Acd; post the call instead");
}

void Acd::settle() {
  // Leave-when-empty is checked after the input has finished so a queue's
  // waiting list is not changed under a routing pass.
  while (!pendingEmptyChecks_.empty()) {
    const uint32_t q = pendingEmptyChecks_.back();
    pendingEmptyChecks_.pop_back();
    queues_[q].emptyCheck = false;
    if (queues_[q].live) checkLeaveEmpty(q);
  }
  if (!dirtyQueues_.empty() && statsTimer_ == 0 && options_.statsIntervalUs > 0)
    statsTimer_ =
        timers_.schedule(clock_.monoUs() + options_.statsIntervalUs, *this, cookie(detail::kStatsTimer, 0, 0));
}

uint64_t Acd::cookie(uint8_t kind, uint32_t idx, uint32_t gen) const {
  assert(idx < (1U << 24));
  return (static_cast<uint64_t>(kind) << 56) | (static_cast<uint64_t>(idx & 0xffffffU) << 32) | gen;
}

void Acd::onTimer(uint64_t c) {
  assert(!busy_ && "timer fired from inside an Acd input");
  Scope scope(*this);
  const auto kind = static_cast<uint8_t>(c >> 56);
  const auto idx = static_cast<uint32_t>((c >> 32) & 0xffffffU);
  const auto gen = static_cast<uint32_t>(c & 0xffffffffU);
  if (kind == detail::kStatsTimer) {
    statsTimer_ = 0;
    statsTick();
    return;
  }
  if (kind == detail::kWrapUpTimer) {
    if (idx < agents_.size() && agents_[idx].live) finishWrapUp(idx, gen);
    return;
  }
  if (idx >= ixs_.size() || ixs_[idx].gen != gen || ixs_[idx].state == IxState::Free) return;
  switch (kind) {
    case detail::kMaxWaitTimer:
      ixs_[idx].maxWaitTimer = 0;
      onMaxWait(idx);
      break;
    case detail::kAnnounceTimer:
      ixs_[idx].announceTimer = 0;
      onAnnounce(idx);
      break;
    case detail::kRingTimer:
      ixs_[idx].ringTimer = 0;
      onRingTimeout(idx);
      break;
    default:
      break;
  }
}

InteractionRec *Acd::findIx(std::string_view id) {
  const uint32_t i = ixById_.find(id, [this](uint32_t x) -> std::string_view { return ixs_[x].pub.id; });
  return i == kNone ? nullptr : &ixs_[i];
}
const InteractionRec *Acd::findIx(std::string_view id) const {
  const uint32_t i = ixById_.find(id, [this](uint32_t x) -> std::string_view { return ixs_[x].pub.id; });
  return i == kNone ? nullptr : &ixs_[i];
}
void Acd::eraseIxId(uint32_t ix) {
  ixById_.erase(ixs_[ix].pub.id, [this](uint32_t x) -> std::string_view { return ixs_[x].pub.id; });
}
uint32_t Acd::findAgent(std::string_view id) const {
  return agentById_.find(id, [this](uint32_t x) -> std::string_view { return agents_[x].cfg.id; });
}
uint32_t Acd::findQueue(std::string_view id) const {
  return queueById_.find(id, [this](uint32_t x) -> std::string_view { return queues_[x].cfg.id; });
}

uint32_t Acd::internSkill(const std::string &name) {
  auto keyOf = [this](uint32_t x) -> std::string_view { return skillNames_[x]; };
  uint32_t id = skillIds_.find(name, keyOf);
  if (id != kNone) return id;
  id = static_cast<uint32_t>(skillNames_.size());
  skillNames_.push_back(name);
  skillIds_.insert(name, id);
  return id;
}

void Acd::markDirty(QueueRec &q) {
  if (q.dirty) return;
  q.dirty = true;
  dirtyQueues_.push_back(q.self);
}

void Acd::freeIx(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  timers_.cancel(r.maxWaitTimer);
  timers_.cancel(r.announceTimer);
  timers_.cancel(r.ringTimer);
  eraseIxId(ix);
  // Reset in place: the strings and vectors keep their capacity for the next
  // interaction in this slot (no allocation per interaction once warm).
  ++r.gen;
  r.pub.id.clear();
  r.pub.channel = Channel::Voice;
  r.pub.customer.number.clear();
  r.pub.customer.email.clear();
  r.pub.customer.chatId.clear();
  r.pub.queueId.clear();
  r.pub.skills.clear();
  r.pub.priority = 0;
  r.pub.attributes.clear();
  r.pub.enqueuedAtUs = 0;
  r.pub.callback = false;
  r.pub.callbackNumber.clear();
  r.state = IxState::Free;
  r.queue = kNone;
  r.bucket = nullptr;
  r.key = detail::WaitKey{};
  r.queueEnteredMono = 0;
  r.prev = r.next = kNone;
  r.offers.clear();
  r.agent = kNone;
  r.maxWaitTimer = r.announceTimer = r.ringTimer = 0;
  r.hops = 0;
  r.callbackOffered = false;
  freeIxs_.push_back(ix);
}

// ---- configuration ----

core::Result<void> Acd::upsertQueue(const QueueConfig &config) {
  HUJIAO_ACD_ENTER();
  if (auto v = validate(config); !v) return v;
  uint32_t qi = findQueue(config.id);
  if (qi != kNone) {
    QueueRec &q = queues_[qi];
    const bool strategyChanged = q.cfg.strategy != config.strategy;
    q.cfg = config;
    if (strategyChanged) {
      for (const auto &m : q.members) reindexAgent(m.agent);
    }
    markDirty(q);
    return {};
  }
  if (!freeQueues_.empty()) {
    qi = freeQueues_.back();
    freeQueues_.pop_back();
    const uint32_t gen = queues_[qi].gen + 1;
    queues_[qi] = QueueRec{};
    queues_[qi].gen = gen;
  } else {
    qi = static_cast<uint32_t>(queues_.size());
    queues_.emplace_back();
  }
  QueueRec &q = queues_[qi];
  q.cfg = config;
  q.self = qi;
  q.live = true;
  queueById_.insert(q.cfg.id, qi);
  markDirty(q);
  return {};
}

core::Result<void> Acd::removeQueue(const std::string &queueId) {
  HUJIAO_ACD_ENTER();
  const uint32_t qi = findQueue(queueId);
  if (qi == kNone) return err("unknown_queue", "no queue " + queueId);
  QueueRec &q = queues_[qi];
  if (q.listSize > 0) return err("queue_not_empty", "queue " + queueId + " has interactions waiting");
  const std::vector<detail::Member> members = q.members;
  for (const auto &m : members) {
    AgentRec &a = agents_[m.agent];
    std::erase_if(a.queues, [qi](const detail::MemberRef &r) { return r.queue == qi; });
    refreshEligible(a);
    reindexAgent(m.agent);
  }
  queueById_.erase(queueId, [this](uint32_t x) -> std::string_view { return queues_[x].cfg.id; });
  q.live = false;
  q.members.clear();
  q.buckets.clear();
  q.bucketList.clear();
  q.bucketHashes.clear();
  freeQueues_.push_back(qi);
  return {};
}

core::Result<void> Acd::upsertAgent(const AgentConfig &config) {
  HUJIAO_ACD_ENTER();
  if (config.id.empty()) return err("invalid_argument", "agent id is empty");
  for (const auto &s : config.skills)
    if (s.skill.empty() || s.level < 0) return err("invalid_argument", "agent " + config.id + ": bad skill");
  uint32_t ai = findAgent(config.id);
  if (ai == kNone) {
    if (agents_.size() >= (1U << 24) && freeAgents_.empty()) return err("limit", "too many agents");
    if (!freeAgents_.empty()) {
      ai = freeAgents_.back();
      freeAgents_.pop_back();
      const uint32_t gen = agents_[ai].gen + 1;
      agents_[ai] = AgentRec{};
      agents_[ai].gen = gen;
    } else {
      ai = static_cast<uint32_t>(agents_.size());
      agents_.emplace_back();
    }
    AgentRec &a = agents_[ai];
    a.self = ai;
    a.live = true;
    a.stateSinceMono = clock_.monoUs();
    a.tisMarkMono = clock_.monoUs();
    a.stateSinceWall = clock_.nowUs();
    a.idleSinceMono = clock_.monoUs();
    a.cfg.id = config.id;
    agentById_.insert(a.cfg.id, ai);
  }
  AgentRec &a = agents_[ai];
  const std::string device = a.presence != Presence::LoggedOut ? a.cfg.device : std::string();
  a.cfg = config;
  if (!device.empty()) a.cfg.device = device;
  a.skills.clear();
  for (const auto &s : config.skills) {
    const uint32_t id = internSkill(s.skill);
    auto it = std::find_if(a.skills.begin(), a.skills.end(), [id](const auto &p) { return p.first == id; });
    if (it == a.skills.end())
      a.skills.emplace_back(id, s.level);
    else
      it->second = std::max(it->second, s.level);
  }
  std::sort(a.skills.begin(), a.skills.end());
  refreshEligible(a);
  reindexAgent(ai);
  routeAgent(ai);
  return {};
}

core::Result<void> Acd::removeAgent(const std::string &agentId) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  AgentRec &a = agents_[ai];
  if (a.presence != Presence::LoggedOut || !a.work.empty())
    return err("invalid_state", "agent " + agentId + " must be logged out to be removed");
  for (const auto &e : a.elsewhere) --a.used[static_cast<std::size_t>(e.second)];
  a.elsewhere.clear();
  unindexAgent(a);
  for (const auto &m : a.queues) {
    QueueRec &q = queues_[m.queue];
    std::erase_if(q.members, [ai](const detail::Member &x) { return x.agent == ai; });
    --q.agentsByState[static_cast<std::size_t>(a.state)];
    markDirty(q);
  }
  a.queues.clear();
  a.eligible.clear();
  a.live = false;
  agentById_.erase(agentId, [this](uint32_t x) -> std::string_view { return agents_[x].cfg.id; });
  freeAgents_.push_back(ai);
  return {};
}

core::Result<void> Acd::setMembership(const Membership &m) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(m.agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + m.agentId);
  const uint32_t qi = findQueue(m.queueId);
  if (qi == kNone) return err("unknown_queue", "no queue " + m.queueId);
  AgentRec &a = agents_[ai];
  QueueRec &q = queues_[qi];
  const int position = m.position >= 0 ? m.position : q.nextPosition;
  q.nextPosition = std::max(q.nextPosition, position + 1);
  auto it = std::find_if(a.queues.begin(), a.queues.end(), [qi](const auto &r) { return r.queue == qi; });
  if (it != a.queues.end()) {
    it->level = m.level;
    it->position = position;
    for (auto &x : q.members)
      if (x.agent == ai) x = detail::Member{ai, m.level, position};
  } else {
    a.queues.push_back(detail::MemberRef{qi, m.level, position});
    q.members.push_back(detail::Member{ai, m.level, position});
    ++q.agentsByState[static_cast<std::size_t>(a.state)];
    if (a.presence == Presence::Ready) ++q.presenceReady;
    markDirty(q);
  }
  refreshEligible(a);
  reindexAgent(ai);
  routeAgent(ai);
  return {};
}

core::Result<void> Acd::removeMembership(const std::string &agentId, const std::string &queueId) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  const uint32_t qi = findQueue(queueId);
  if (qi == kNone) return err("unknown_queue", "no queue " + queueId);
  AgentRec &a = agents_[ai];
  auto it = std::find_if(a.queues.begin(), a.queues.end(), [qi](const auto &r) { return r.queue == qi; });
  if (it == a.queues.end()) return err("not_member", agentId + " is not in queue " + queueId);
  a.queues.erase(it);
  QueueRec &q = queues_[qi];
  std::erase_if(q.members, [ai](const detail::Member &x) { return x.agent == ai; });
  --q.agentsByState[static_cast<std::size_t>(a.state)];
  if (a.presence == Presence::Ready) --q.presenceReady;
  markDirty(q);
  refreshEligible(a);
  reindexAgent(ai);
  if (!q.emptyCheck) {
    q.emptyCheck = true;
    pendingEmptyChecks_.push_back(qi);
  }
  return {};
}

void Acd::setNotReadyReasons(std::vector<std::string> reasons) {
  owner_.assertOwner();
  options_.notReadyReasons = std::move(reasons);
}

// ---- reads ----

core::Result<Interaction> Acd::interaction(const std::string &interactionId) const {
  const InteractionRec *r = findIx(interactionId);
  if (!r) return err("unknown_interaction", "no interaction " + interactionId);
  return r->pub;
}

core::Result<std::vector<StateRecord>> Acd::agentHistory(const std::string &agentId) const {
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  const AgentRec &a = agents_[ai];
  std::vector<StateRecord> out;
  out.reserve(a.history.size());
  // Oldest first: the ring's next slot holds the oldest once it is full.
  for (std::size_t i = 0; i < a.history.size(); ++i) out.push_back(a.history[(a.historyNext + i) % a.history.size()]);
  return out;
}

}  // namespace hujiao::acd
