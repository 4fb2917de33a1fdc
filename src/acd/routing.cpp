// Acd routing: buckets, the available-agent indexes, strategy keys, and the
// two routing directions (an interaction looks for an agent, a freed agent
// looks for an interaction).
#include <algorithm>
#include <limits>

#include "acd/acd.h"

namespace hujiao::acd {

using detail::AgentKey;
using detail::AgentRec;
using detail::Bucket;
using detail::InteractionRec;
using detail::kNone;
using detail::QueueRec;

bool Acd::availableFor(const AgentRec &a, Channel c) const {
  const auto ch = static_cast<std::size_t>(c);
  return a.live && a.presence == Presence::Ready && a.used[ch] < a.cfg.capacity[ch];
}

bool Acd::satisfies(const AgentRec &a, const std::vector<detail::ReqSkill> &profile) const {
  auto it = a.skills.begin();
  for (const auto &req : profile) {
    while (it != a.skills.end() && it->first < req.skill) ++it;
    if (it == a.skills.end() || it->first != req.skill || it->second < req.minLevel) return false;
  }
  return true;
}

AgentKey Acd::agentKey(const QueueRec &q, const Bucket &b, const AgentRec &a, const detail::MemberRef &m,
                       uint32_t agentIdx) const {
  AgentKey k;
  k.tier = m.level;
  k.agent = agentIdx;
  switch (q.cfg.strategy) {
    case Strategy::LongestIdle:
      k.k1 = a.idleSinceMono;
      break;
    case Strategy::FewestInteractions:
      k.k1 = static_cast<int64_t>(a.answered);
      k.k2 = a.idleSinceMono;
      break;
    case Strategy::LeastTalkTime:
      k.k1 = a.talkUs;
      k.k2 = a.idleSinceMono;
      break;
    case Strategy::RoundRobin:
    case Strategy::RingAll:
    case Strategy::Linear:
      k.k1 = m.position;
      break;
    case Strategy::BestSkill: {
      int64_t score = 0;
      auto it = a.skills.begin();
      for (const auto &req : b.profile) {
        while (it != a.skills.end() && it->first < req.skill) ++it;
        if (it != a.skills.end() && it->first == req.skill) score += it->second;
      }
      k.k1 = -score;
      k.k2 = a.idleSinceMono;
      break;
    }
    case Strategy::Random:
      break;  // picked by index at decision time
  }
  return k;
}

Bucket &Acd::bucketFor(uint32_t queue, const detail::BucketKey &key) {
  QueueRec &q = queues_[queue];
  // A queue has a handful of profiles: a scan of contiguous hashes beats a map.
  const uint64_t h = detail::hashOf(key);
  for (std::size_t i = 0; i < q.bucketHashes.size(); ++i) {
    if (q.bucketHashes[i] != h) continue;
    Bucket &b = *q.bucketList[i];
    if (b.channel == key.channel && b.profile == key.profile) return b;
  }
  // A new (channel, skill profile) in this queue: fill its agent index once
  // from the queue's members; afterwards agents maintain it themselves.
  auto b = std::make_unique<Bucket>();
  b->queue = queue;
  b->channel = key.channel;
  b->profile = key.profile;
  Bucket &ref = *b;
  q.buckets.push_back(std::move(b));
  q.bucketList.push_back(&ref);
  q.bucketHashes.push_back(h);
  for (const auto &m : q.members) {
    AgentRec &a = agents_[m.agent];
    if (!satisfies(a, ref.profile)) continue;
    const auto mi = static_cast<uint32_t>(
        std::find_if(a.queues.begin(), a.queues.end(), [queue](const auto &r) { return r.queue == queue; }) -
        a.queues.begin());
    a.eligible.push_back(detail::Eligible{&ref, mi, ref.channel});
    if (!availableFor(a, ref.channel)) continue;
    const detail::MemberRef mr{queue, m.level, m.position};
    const AgentKey k = agentKey(q, ref, a, mr, m.agent);
    ref.agents.insert(k);
    const detail::IndexEntry e{&ref, k};
    a.index.insert(std::upper_bound(a.index.begin(), a.index.end(), e,
                                    [](const auto &x, const auto &y) { return x.bucket < y.bucket; }),
                   e);
  }
  return ref;
}

void Acd::refreshEligible(AgentRec &a) {
  a.eligible.clear();
  if (!a.live) return;
  for (std::size_t i = 0; i < a.queues.size(); ++i)
    for (Bucket *bucket : queues_[a.queues[i].queue].bucketList)
      if (satisfies(a, bucket->profile))
        a.eligible.push_back(detail::Eligible{bucket, static_cast<uint32_t>(i), bucket->channel});
}

void Acd::unindexAgent(AgentRec &a) {
  for (const auto &e : a.index) e.bucket->agents.erase(e.key);
  a.index.clear();
}

void Acd::reindexAgent(uint32_t agentIdx) {
  AgentRec &a = agents_[agentIdx];
  // What the index should be now...
  auto &want = scratchIndex_;
  want.clear();
  if (a.live && a.presence == Presence::Ready) {
    for (const auto &e : a.eligible) {
      if (!availableFor(a, e.channel)) continue;
      const detail::MemberRef &m = a.queues[e.member];
      want.push_back(detail::IndexEntry{e.bucket, agentKey(queues_[m.queue], *e.bucket, a, m, agentIdx)});
    }
  }
  if (want.empty() && a.index.empty()) return;
  // ...then touch only the entries that differ: most changes (an offer, an
  // answer) leave most keys as they were.
  auto byBucket = [](const detail::IndexEntry &x, const detail::IndexEntry &y) { return x.bucket < y.bucket; };
  std::sort(want.begin(), want.end(), byBucket);
  auto &have = a.index;  // kept sorted by bucket
  auto &merged = scratchMerged_;
  merged.clear();
  auto &erases = scratchErases_;
  auto &inserts = scratchInserts_;
  erases.clear();
  inserts.clear();
  std::size_t i = 0, j = 0;
  while (i < have.size() || j < want.size()) {
    if (j == want.size() || (i < have.size() && have[i].bucket < want[j].bucket)) {
      erases.push_back({&have[i].bucket->agents, have[i].key});
      ++i;
    } else if (i == have.size() || want[j].bucket < have[i].bucket) {
      inserts.push_back({&want[j].bucket->agents, want[j].key});
      merged.push_back(want[j]);
      ++j;
    } else {
      if (have[i].key == want[j].key) {
        merged.push_back(have[i]);
      } else {
        erases.push_back({&have[i].bucket->agents, have[i].key});
        inserts.push_back({&want[j].bucket->agents, want[j].key});
        merged.push_back(want[j]);
      }
      ++i;
      ++j;
    }
  }
  // Erases first: a bucket whose key changed is in both lists (one set per
  // op list, so positions found in a batch stay valid while it is applied).
  detail::batchLowerBound(erases);
  for (const auto &op : erases)
    if (op.pos < op.set->last() && op.set->raw()[op.pos] == op.key) op.set->eraseAt(op.pos);
  detail::batchLowerBound(inserts);
  for (const auto &op : inserts) op.set->insertAt(op.pos, op.key);
  have.swap(merged);
}

bool Acd::routeInteraction(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  if (r.state != IxState::Waiting || !r.bucket) return false;
  Bucket &b = *r.bucket;
  if (b.agents.empty()) return false;
  QueueRec &q = queues_[r.queue];
  const int32_t tier = b.agents.front().tier;
  // First key of the next tier: the best tier is [begin, tierEnd).
  const AgentKey nextTier{std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min(), tier + 1, 0};
  switch (q.cfg.strategy) {
    case Strategy::RingAll: {
      scratchAgents_.clear();
      for (auto it = b.agents.begin(); it != b.agents.end() && it->tier == tier; ++it)
        scratchAgents_.push_back(it->agent);
      const std::vector<uint32_t> targets = scratchAgents_;  // offer() changes the index
      for (uint32_t ai : targets) offer(ix, ai);
      return true;
    }
    case Strategy::RoundRobin: {
      auto it = b.agents.lowerBound(
          AgentKey{static_cast<int64_t>(q.lastRrPosition) + 1, std::numeric_limits<int64_t>::min(), tier, 0});
      if (it == b.agents.end() || it->tier != tier) it = b.agents.begin();
      offer(ix, it->agent);
      return true;
    }
    case Strategy::Random: {
      // Uniform over the best tier: a random rank within it.
      const auto n = static_cast<std::size_t>(tier == std::numeric_limits<int32_t>::max()
                                                  ? b.agents.size()
                                                  : b.agents.lowerBound(nextTier) - b.agents.begin());
      std::uniform_int_distribution<std::size_t> pick(0, n - 1);
      offer(ix, b.agents[pick(rng_)].agent);
      return true;
    }
    default:
      offer(ix, b.agents.front().agent);
      return true;
  }
}

bool Acd::routeAgent(uint32_t agentIdx) {
  for (bool offered = false;; offered = true) {
    AgentRec &a = agents_[agentIdx];
    if (!a.live || a.presence != Presence::Ready) return offered;
    // The best head among the buckets this agent can serve: own tier first,
    // then the interaction order (priority, age).
    const detail::WaitKey *best = nullptr;
    int bestTier = 0;
    // The bucket headers are scattered: ask for all of them before reading.
    for (const auto &e : a.eligible) __builtin_prefetch(e.bucket);
    for (const auto &e : a.eligible) {
      if (!availableFor(a, e.channel) || !e.bucket->hasHead) continue;
      const int level = a.queues[e.member].level;
      const detail::WaitKey &head = e.bucket->head;
      if (best && (level > bestTier || (level == bestTier && !(head < *best)))) continue;
      best = &head;
      bestTier = level;
    }
    if (!best) return offered;
    offer(best->ix, agentIdx);
  }
}

void Acd::offer(uint32_t ix, uint32_t agentIdx) {
  InteractionRec &r = ixs_[ix];
  AgentRec &a = agents_[agentIdx];
  QueueRec &q = queues_[r.queue];
  if (r.state == IxState::Waiting) r.bucket->removeWaiting(r.key);
  r.state = IxState::Offered;
  r.offers.push_back(agentIdx);
  detail::Assignment w;
  w.ix = ix;
  w.serial = a.nextSerial++;
  w.queue = r.queue;
  w.queueGen = q.gen;
  w.channel = r.pub.channel;
  w.phase = Phase::Ringing;
  w.phaseSinceMono = clock_.monoUs();
  a.work.push_back(w);
  ++a.used[static_cast<std::size_t>(w.channel)];
  ++a.offered;
  if (q.cfg.strategy == Strategy::RoundRobin) {
    for (const auto &m : a.queues)
      if (m.queue == r.queue) q.lastRrPosition = m.position;
  }
  reindexAgent(agentIdx);
  if (r.ringTimer == 0)
    r.ringTimer = timers_.schedule(clock_.monoUs() + q.cfg.ringTimeoutUs, *this, cookie(detail::kRingTimer, ix, r.gen));
  if (r.pub.callback)
    listener_.onCallbackNow(r.pub, ref(a), q.cfg.ringTimeoutUs);
  else
    listener_.onOffer(r.pub, ref(a), q.cfg.ringTimeoutUs);
  updateAgentState(agentIdx);
}

void Acd::waitAgain(uint32_t ix) {
  InteractionRec &r = ixs_[ix];
  timers_.cancel(r.ringTimer);
  r.ringTimer = 0;
  r.state = IxState::Waiting;
  r.bucket->addWaiting(r.key);  // same key: it keeps its place
  const QueueRec &q = queues_[r.queue];
  if (!r.pub.callback && q.cfg.maxWaitUs > 0 && r.maxWaitTimer == 0 &&
      clock_.monoUs() - r.queueEnteredMono >= q.cfg.maxWaitUs) {
    onMaxWait(ix);  // the max wait passed while it was ringing
    return;
  }
  routeInteraction(ix);
}

}  // namespace hujiao::acd
