#pragma once
// Internal records of the Acd (not part of the public interface).
//
// Layout for scale (10k agents, 100k waiting, 500 queues):
// - Each queue splits its interactions into buckets by (channel, skill
//   profile): the set of required (skill, min level). A bucket holds
//   * waiting: interactions ordered by (priority desc, age, seq) in sorted
//     blocks, so the head is O(1) and a position is O(n / 128);
//   * agents: the available agents of the queue that satisfy the profile and
//     have a free slot on the channel, ordered by (tier, strategy key).
// - Routing an interaction looks at its bucket's agent set only; routing a
//   freed agent looks at the head of each of its eligible buckets (those of
//   its queues whose profile it satisfies). Neither scans agents or
//   interactions. The containers are in containers.h.
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "acd/containers.h"
#include "acd/timer.h"
#include "acd/types.h"

namespace hujiao::acd::detail {

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
  uint32_t ix = kNone;
  int64_t sortUs = 0;  // age: monotonic µs the customer started waiting
  uint64_t seq = 0;    // unique tie-break
  friend bool operator<(const WaitKey &a, const WaitKey &b) {
    if (a.negPriority != b.negPriority) return a.negPriority < b.negPriority;
    if (a.sortUs != b.sortUs) return a.sortUs < b.sortUs;
    return a.seq < b.seq;
  }
};
/// Mostly appended to (arrivals are the youngest of their priority) and taken
/// from the front (routing): sorted blocks, not a node tree.
using WaitSet = BlockList<WaitKey>;

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

/// The available agents of a bucket, sorted. Contiguous: a bucket holds tens
/// to hundreds of agents, where binary search plus a short move is several
/// times faster than a node tree (measured in bench/acd), and a random pick
/// by rank (Random strategy) is O(1).
using AgentSet = GapSortedVector<AgentKey>;

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
  WaitKey head;  // copy of waiting.front(): no block access to compare heads
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
    if (hasHead) head = waiting.front();
  }
};

/// Where an agent sits in one bucket's agent set.
struct IndexEntry {
  Bucket *bucket;
  AgentKey key;
};

enum class IxState : uint8_t { Free, Waiting, Offered, Connected };

struct InteractionRec {
  // Routing state first, the public record after: the hot fields share the
  // first two cache lines.
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
  Interaction pub;
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

/// A bucket of one of the agent's queues whose skill profile the agent
/// satisfies: routing and re-indexing walk these, never re-checking skills
/// or touching buckets the agent can never serve.
struct Eligible {
  Bucket *bucket;
  uint32_t member;  // index into AgentRec::queues
  Channel channel;  // bucket->channel, kept here to skip a cold bucket early
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
  // Calls the ACD did not offer (busyElsewhere): id and channel; each holds a slot.
  std::vector<std::pair<std::string, Channel>> elsewhere;
  uint32_t nextSerial = 1;
  std::vector<MemberRef> queues;
  std::vector<Eligible> eligible;  // rebuilt when skills, memberships or buckets change
  std::vector<IndexEntry> index;   // where it sits in bucket agent sets
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
