#pragma once
// Internal records of the Acd (not part of the public interface).
//
// Layout for scale (10k agents, 100k waiting, 500 queues):
// - Each queue splits its interactions into buckets by (channel, skill
//   profile): the set of required (skill, min level). A bucket holds
//   * waiting: interactions ordered by (priority desc, age, seq) in an
//     order-statistics tree, so the head is O(1) and a position is O(log n);
//   * agents: the available agents of the queue that satisfy the profile and
//     have a free slot on the channel, ordered by (tier, strategy key).
// - Routing an interaction looks at its bucket's agent set only; routing a
//   freed agent looks at the head of each bucket of each of its queues.
//   Neither scans agents or interactions.
#include <algorithm>
#include <array>
#include <cstdint>
#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <memory>
#include <string>
#include <vector>

#include "acd/timer.h"
#include "acd/types.h"

namespace hujiao::acd::detail {

inline constexpr uint32_t kNone = UINT32_MAX;

enum TimerKind : uint8_t { kMaxWaitTimer = 1, kAnnounceTimer = 2, kRingTimer = 3, kWrapUpTimer = 4, kStatsTimer = 5 };

struct ReqSkill {
  uint32_t skill;
  int minLevel;
  friend bool operator<(const ReqSkill &a, const ReqSkill &b) {
    return a.skill != b.skill ? a.skill < b.skill : a.minLevel < b.minLevel;
  }
  friend bool operator==(const ReqSkill &a, const ReqSkill &b) = default;
};

struct BucketKey {
  Channel channel = Channel::Voice;
  std::vector<ReqSkill> profile;  // sorted by skill, one entry per skill
  friend bool operator<(const BucketKey &a, const BucketKey &b) {
    return a.channel != b.channel ? a.channel < b.channel : a.profile < b.profile;
  }
};

struct WaitKey {
  int32_t negPriority = 0;
  int64_t sortUs = 0;  // age: monotonic µs the customer started waiting
  uint64_t seq = 0;    // unique tie-break
  uint32_t ix = kNone;
  friend bool operator<(const WaitKey &a, const WaitKey &b) {
    if (a.negPriority != b.negPriority) return a.negPriority < b.negPriority;
    if (a.sortUs != b.sortUs) return a.sortUs < b.sortUs;
    return a.seq < b.seq;
  }
};
using WaitSet = __gnu_pbds::tree<WaitKey, __gnu_pbds::null_type, std::less<WaitKey>, __gnu_pbds::rb_tree_tag,
                                 __gnu_pbds::tree_order_statistics_node_update>;

struct AgentKey {
  int64_t k1 = 0;  // strategy key (smaller first)
  int64_t k2 = 0;  // tie-break (usually idle since)
  int32_t tier = 0;
  uint32_t agent = kNone;
  friend bool operator<(const AgentKey &a, const AgentKey &b) {
    if (a.tier != b.tier) return a.tier < b.tier;
    if (a.k1 != b.k1) return a.k1 < b.k1;
    if (a.k2 != b.k2) return a.k2 < b.k2;
    return a.agent < b.agent;
  }
  friend bool operator==(const AgentKey &a, const AgentKey &b) = default;
};

/// The available agents of a bucket, sorted. A contiguous sorted vector: a
/// bucket holds tens to hundreds of agents, where binary search plus a short
/// memmove is several times faster than a node tree (measured in bench/acd),
/// and a random pick by rank (Random strategy) is O(1).
class AgentSet {
 public:
  bool empty() const { return v_.empty(); }
  std::size_t size() const { return v_.size(); }
  const AgentKey &front() const { return v_.front(); }
  const AgentKey &operator[](std::size_t i) const { return v_[i]; }
  std::vector<AgentKey>::const_iterator begin() const { return v_.begin(); }
  std::vector<AgentKey>::const_iterator end() const { return v_.end(); }
  std::vector<AgentKey>::const_iterator lowerBound(const AgentKey &k) const {
    return std::lower_bound(v_.begin(), v_.end(), k);
  }
  void insert(const AgentKey &k) { v_.insert(std::lower_bound(v_.begin(), v_.end(), k), k); }
  void erase(const AgentKey &k) {
    auto it = std::lower_bound(v_.begin(), v_.end(), k);
    if (it != v_.end() && *it == k) v_.erase(it);
  }

 private:
  std::vector<AgentKey> v_;
};

inline uint64_t hashOf(const BucketKey &k) {
  uint64_t h = 0xcbf29ce484222325ULL ^ static_cast<uint64_t>(k.channel);
  for (const auto &r : k.profile) {
    h = (h ^ r.skill) * 0x100000001b3ULL;
    h = (h ^ static_cast<uint32_t>(r.minLevel)) * 0x100000001b3ULL;
  }
  return h;
}

struct Bucket {
  // Hot fields first: a freed agent reads only these for each of its buckets.
  Channel channel = Channel::Voice;
  bool hasHead = false;
  WaitKey head;  // copy of *waiting.begin(): no tree walk to compare heads
  uint32_t queue = kNone;
  std::vector<ReqSkill> profile;
  WaitSet waiting;
  AgentSet agents;

  void addWaiting(const WaitKey &k) {
    waiting.insert(k);
    if (!hasHead || k < head) head = k;
    hasHead = true;
  }
  void removeWaiting(const WaitKey &k) {
    waiting.erase(k);
    hasHead = !waiting.empty();
    if (hasHead) head = *waiting.begin();
  }
};

/// Where an agent sits in one bucket's agent set.
struct IndexEntry {
  Bucket *bucket;
  AgentKey key;
};

enum class IxState : uint8_t { Free, Waiting, Offered, Connected };

struct InteractionRec {
  Interaction pub;
  uint32_t self = kNone;  // own index
  uint32_t gen = 1;
  IxState state = IxState::Free;
  uint32_t queue = kNone;
  Bucket *bucket = nullptr;
  WaitKey key;                   // valid while in a queue
  int64_t queueEnteredMono = 0;  // for waits and stats of the current queue
  uint32_t prev = kNone;         // queue list, in entry order (longest wait)
  uint32_t next = kNone;
  std::vector<uint32_t> offers;  // agents ringing
  uint32_t agent = kNone;        // connected agent
  TimerId maxWaitTimer = 0;
  TimerId announceTimer = 0;
  TimerId ringTimer = 0;
  uint8_t hops = 0;  // overflow moves, bounded against loops
  bool callbackOffered = false;
};

enum class Phase : uint8_t { Ringing, Connected, WrapUp };

/// One slot of an agent's capacity in use. Self-contained so wrap-up outlives
/// the interaction (which may have been transferred on).
struct Assignment {
  uint32_t ix = kNone;  // kNone once detached (wrap-up)
  uint32_t serial = 0;
  uint32_t queue = kNone;
  uint32_t queueGen = 0;
  Channel channel = Channel::Voice;
  Phase phase = Phase::Ringing;
  int64_t phaseSinceMono = 0;
  int64_t talkUs = 0;
  int64_t holdUs = 0;
  int64_t holdStartMono = -1;
  TimerId timer = 0;  // wrap-up timer
};

struct MemberRef {
  uint32_t queue;
  int level;
  int position;
};

struct AgentRec {
  AgentConfig cfg;
  uint32_t self = kNone;
  uint32_t gen = 1;
  bool live = false;
  std::vector<std::pair<uint32_t, int>> skills;  // (skill id, level), sorted
  Presence presence = Presence::LoggedOut;
  std::string reason;
  AgentState state = AgentState::LoggedOut;
  std::string shownReason;  // reason of the state last emitted
  int64_t stateSinceMono = 0;
  int64_t tisMarkMono = 0;  // timeInState is accounted up to here
  int64_t stateSinceWall = 0;
  std::array<uint16_t, kChannelCount> used{};
  std::vector<Assignment> work;
  uint32_t nextSerial = 1;
  std::vector<MemberRef> queues;
  std::vector<IndexEntry> index;  // where it sits in bucket agent sets
  int64_t idleSinceMono = 0;
  // Today.
  uint64_t offered = 0;
  uint64_t answered = 0;
  uint64_t rna = 0;
  int64_t talkUs = 0;
  int64_t holdUs = 0;
  int64_t wrapUs = 0;
  std::array<int64_t, kAgentStateCount> timeInState{};
  std::vector<StateRecord> history;  // ring of recent changes
  std::size_t historyNext = 0;
};

struct Member {
  uint32_t agent;
  int level;
  int position;
};

struct QueueRec {
  QueueConfig cfg;
  uint32_t self = kNone;
  uint32_t gen = 1;
  bool live = false;
  std::vector<Member> members;
  std::vector<std::unique_ptr<Bucket>> buckets;  // owned
  std::vector<Bucket *> bucketList;              // iteration (contiguous)
  std::vector<uint64_t> bucketHashes;            // look-up: hash of the key, parallel to bucketList
  uint32_t head = kNone;                         // oldest entry
  uint32_t tail = kNone;
  std::size_t listSize = 0;
  int lastRrPosition = -1;
  int nextPosition = 0;
  std::array<uint32_t, kAgentStateCount> agentsByState{};
  uint32_t presenceReady = 0;  // members with presence Ready
  // Today.
  uint64_t offered = 0;
  uint64_t answered = 0;
  uint64_t abandoned = 0;
  uint64_t overflowed = 0;
  uint64_t answeredWithinSl = 0;
  int64_t answerWaitSumUs = 0;
  uint64_t handled = 0;
  int64_t handleSumUs = 0;
  // Smoothed handle time (not reset daily: estimates need history).
  double ahtEwmaUs = 0;
  bool ahtSeeded = false;
  bool dirty = false;
  bool emptyCheck = false;
};

}  // namespace hujiao::acd::detail
