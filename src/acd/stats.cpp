// Acd statistics: snapshots computed from incrementally kept counters (no
// scans), the coalesced stats events and the daily reset.
#include "acd/acd.h"

namespace hujiao::acd {

using detail::AgentRec;
using detail::kNone;
using detail::QueueRec;

QueueStats Acd::snapshot(const QueueRec &q) const {
  QueueStats s;
  s.queueId = q.cfg.id;
  s.waiting = q.listSize;
  s.longestWaitUs = q.head != kNone ? clock_.monoUs() - ixs_[q.head].queueEnteredMono : 0;
  s.offered = q.offered;
  s.answered = q.answered;
  s.abandoned = q.abandoned;
  s.overflowed = q.overflowed;
  s.answeredWithinSl = q.answeredWithinSl;
  const uint64_t finished = q.answered + q.abandoned;
  s.serviceLevelPct =
      finished ? 100.0 * static_cast<double>(q.answeredWithinSl) / static_cast<double>(finished) : 100.0;
  s.asaUs = q.answered ? q.answerWaitSumUs / static_cast<int64_t>(q.answered) : 0;
  s.ahtUs = q.handled ? q.handleSumUs / static_cast<int64_t>(q.handled) : 0;
  s.ahtEstimateUs = q.ahtSeeded ? static_cast<int64_t>(q.ahtEwmaUs) : q.cfg.defaultAhtUs;
  s.agentsByState = q.agentsByState;
  return s;
}

core::Result<QueueStats> Acd::queueStats(const std::string &queueId) const {
  owner_.assertOwner();
  const uint32_t qi = findQueue(queueId);
  if (qi == kNone) return core::makeError("unknown_queue", "no queue " + queueId);
  return snapshot(queues_[qi]);
}

core::Result<AgentStats> Acd::agentStats(const std::string &agentId) const {
  owner_.assertOwner();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return core::makeError("unknown_agent", "no agent " + agentId);
  const AgentRec &a = agents_[ai];
  AgentStats s;
  s.agentId = a.cfg.id;
  s.state = a.state;
  s.reason = a.shownReason;
  s.stateSinceUs = a.stateSinceWall;
  s.offered = a.offered;
  s.interactions = a.answered;
  s.ringNoAnswer = a.rna;
  s.talkUs = a.talkUs;
  s.holdUs = a.holdUs;
  s.wrapUpUs = a.wrapUs;
  s.timeInStateUs = a.timeInState;
  s.timeInStateUs[static_cast<std::size_t>(a.state)] += clock_.monoUs() - a.tisMarkMono;
  auto t = [&s](AgentState st) { return s.timeInStateUs[static_cast<std::size_t>(st)]; };
  const int64_t working = t(AgentState::Reserved) + t(AgentState::Busy) + t(AgentState::WrapUp);
  const int64_t staffed = working + t(AgentState::Ready);
  s.occupancyPct = staffed > 0 ? 100.0 * static_cast<double>(working) / static_cast<double>(staffed) : 0.0;
  s.inUse = a.used;
  return s;
}

void Acd::statsTick() {
  std::vector<uint32_t> dirty;
  dirty.swap(dirtyQueues_);
  for (uint32_t qi : dirty) {
    QueueRec &q = queues_[qi];
    if (!q.dirty) continue;
    q.dirty = false;
    if (q.live) listener_.onQueueStatsChanged(snapshot(q));
  }
}

void Acd::resetDailyStats() {
  owner_.assertOwner();
  const int64_t now = clock_.monoUs();
  for (auto &q : queues_) {
    if (!q.live) continue;
    q.offered = q.answered = q.abandoned = q.overflowed = q.answeredWithinSl = q.handled = 0;
    q.answerWaitSumUs = q.handleSumUs = 0;
    markDirty(q);
  }
  for (auto &a : agents_) {
    if (!a.live) continue;
    a.offered = a.answered = a.rna = 0;
    a.talkUs = a.holdUs = a.wrapUs = 0;
    a.timeInState.fill(0);
    a.tisMarkMono = now;
  }
  // Keys of "fewest interactions" / "least talk time" changed for everyone.
  for (uint32_t ai = 0; ai < agents_.size(); ++ai)
    if (agents_[ai].live) reindexAgent(ai);
  if (!busy_) settle();
}

}  // namespace hujiao::acd
