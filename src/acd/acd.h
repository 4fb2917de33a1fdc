#pragma once
// The ACD routing core: queues, agents, skills, strategies and statistics for
// interactions of every channel. Pure domain logic: it decides, the call layer
// carries out (through AcdListener); it knows nothing of SIP or RTP.
//
// Threads: every method runs on the control thread (asserted in debug builds).
// Time comes from the core::Clock given at construction and timeouts from the
// TimerService (a TimerHeap driven by the control loop, or by a VirtualClock
// in tests). Inputs return core::Result: bad ids or a wrong state give a
// clear error code and change nothing.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "acd/detail.h"
#include "acd/listener.h"
#include "acd/timer.h"
#include "acd/types.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/thread_check.h"

namespace hujiao::acd {

struct AcdOptions {
  uint64_t randomSeed = 1;              // Random strategy; fixed in tests
  int64_t statsIntervalUs = 1'000'000;  // onQueueStatsChanged coalescing; 0 = never emitted
  std::vector<std::string> notReadyReasons{"break", "lunch", "training", "meeting"};
  std::size_t stateHistory = 16;  // state changes kept per agent for snapshots
};

class Acd final : private TimerTarget {
 public:
  Acd(core::Clock &clock, TimerService &timers, AcdListener &listener, AcdOptions options = {});
  ~Acd();
  Acd(const Acd &) = delete;
  Acd &operator=(const Acd &) = delete;

  // ---- configuration (from the store at start and on reload) ----
  core::Result<void> upsertQueue(const QueueConfig &config);
  /// Only a queue with nothing waiting can go.
  core::Result<void> removeQueue(const std::string &queueId);
  /// Updates skills, capacity, device of an existing agent in place.
  core::Result<void> upsertAgent(const AgentConfig &config);
  /// Only a logged-out agent can go.
  core::Result<void> removeAgent(const std::string &agentId);
  /// Adds or updates the membership (tier level and position).
  core::Result<void> setMembership(const Membership &m);
  core::Result<void> removeMembership(const std::string &agentId, const std::string &queueId);
  void setNotReadyReasons(std::vector<std::string> reasons);

  // ---- from the call layer ----
  core::Result<void> enqueue(EnqueueRequest request);
  /// The customer left before being connected (hung up, closed the chat).
  core::Result<void> abandon(const std::string &interactionId);
  core::Result<void> agentAnswered(const std::string &interactionId, const std::string &agentId);
  /// The offer failed for this agent; the interaction goes to the next agent
  /// and this one becomes not ready ("rna", "rejected", "device_error").
  core::Result<void> offerFailed(const std::string &interactionId, const std::string &agentId, OfferFailure why);
  /// A connected interaction ended: the agent goes to wrap-up (or is free).
  /// For a waiting one it is the same as abandon().
  core::Result<void> interactionEnded(const std::string &interactionId);
  core::Result<void> setHold(const std::string &interactionId, bool onHold);
  /// The customer took the callback offer: keeps the place, no longer on the
  /// line.
  core::Result<void> acceptCallback(const std::string &interactionId, const std::string &number);
  /// The connected agent sends the interaction to another queue (agent →
  /// wrap-up).
  core::Result<void> transferToQueue(const std::string &interactionId, const std::string &queueId, int priority = -1);

  // ---- calls the ACD did not offer ----
  /// The agent is on a call the ACD did not offer: a consultation by another
  /// agent, his own outbound call, a direct call to his extension. Until
  /// releaseElsewhere() with the same `workId` (unique per agent, e.g. a call
  /// id) the call takes one slot of `channel`: a logged-in agent shows Busy
  /// (no reason) and no strategy offers him anything on that channel; no
  /// wrap-up follows. A logged-out agent may be marked too (he shows
  /// logged out; logging in while the call goes on shows Busy). Errors:
  /// unknown_agent, invalid_argument (empty id), already_busy (the id is
  /// marked already: nothing changes).
  core::Result<void> busyElsewhere(const std::string &agentId, const std::string &workId,
                                   Channel channel = Channel::Voice);
  /// That call is over: the slot is free, the agent is back to his presence
  /// (ready / not ready with its reason) and a ready agent is routed at once.
  /// His idle time is not restarted: it still counts from his last ACD
  /// interaction (as Asterisk and FreeSWITCH queues do), so he takes back
  /// his place in longest-idle order. Errors: unknown_agent, unknown_work
  /// (never marked, or released already: nothing changes, so callers may
  /// release on whichever ending comes first).
  core::Result<void> releaseElsewhere(const std::string &agentId, const std::string &workId);

  // ---- agents ----
  /// Logs in, not ready with reason "login"; device empty = the configured one.
  core::Result<void> login(const std::string &agentId, const std::string &device = {});
  core::Result<void> logout(const std::string &agentId);
  core::Result<void> ready(const std::string &agentId);
  core::Result<void> notReady(const std::string &agentId, const std::string &reason);
  /// Ends wrap-up now (all of the agent's wrap-ups when interactionId is
  /// empty).
  core::Result<void> endWrapUp(const std::string &agentId);

  // ---- supervisor ----
  /// Moves a waiting (or ringing) interaction to another queue; it keeps its
  /// age.
  core::Result<void> moveToQueue(const std::string &interactionId, const std::string &queueId);
  /// Offers a waiting (or ringing) interaction to this agent now, whatever the
  /// queue or skills; the agent must be ready with a free slot.
  core::Result<void> moveToAgent(const std::string &interactionId, const std::string &agentId);
  /// Forces presence; a forced logout cancels ringing offers (work in progress
  /// continues).
  core::Result<void> forceState(const std::string &agentId, Presence presence, const std::string &reason = {});

  // ---- host ----
  /// "Today" counters restart (the host calls it at local midnight).
  void resetDailyStats();

  // ---- reads (snapshots) ----
  core::Result<QueueStats> queueStats(const std::string &queueId) const;
  core::Result<AgentStats> agentStats(const std::string &agentId) const;
  core::Result<Interaction> interaction(const std::string &interactionId) const;
  core::Result<std::vector<StateRecord>> agentHistory(const std::string &agentId) const;
  /// Position (1 = next) and estimated wait of a waiting interaction.
  core::Result<std::pair<int, int64_t>> position(const std::string &interactionId) const;
  std::size_t waitingCount() const { return waitingTotal_; }

 private:
  using IxState = detail::IxState;
  using Phase = detail::Phase;

  /// Every input runs inside a Scope: refuses re-entry from a listener (see
  /// HUJIAO_ACD_ENTER in the .cpp files) and settles deferred work
  /// (leave-when-empty, the stats timer) on the way out.
  struct Scope {
    explicit Scope(Acd &acd) : acd_(acd) {
      acd_.owner_.assertOwner();
      acd_.busy_ = true;
    }
    ~Scope() {
      acd_.settle();
      acd_.busy_ = false;
    }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;
    Acd &acd_;
  };

  // acd.cpp
  void onTimer(uint64_t cookie) override;
  core::Error reentrant() const;
  void settle();
  detail::InteractionRec *findIx(std::string_view id);
  const detail::InteractionRec *findIx(std::string_view id) const;
  uint32_t findAgent(std::string_view id) const;
  uint32_t findQueue(std::string_view id) const;
  uint32_t internSkill(const std::string &name);
  uint64_t cookie(uint8_t kind, uint32_t idx, uint32_t gen) const;
  AgentRef ref(const detail::AgentRec &a) const { return AgentRef{a.cfg.id, a.cfg.device}; }
  void markDirty(detail::QueueRec &q);
  void freeIx(uint32_t ix);
  void eraseIxId(uint32_t ix);

  // routing.cpp
  detail::Bucket &bucketFor(uint32_t queue, const detail::BucketKey &key);
  bool satisfies(const detail::AgentRec &a, const std::vector<detail::ReqSkill> &profile) const;
  bool availableFor(const detail::AgentRec &a, Channel c) const;
  detail::AgentKey agentKey(const detail::QueueRec &q, const detail::Bucket &b, const detail::AgentRec &a,
                            const detail::MemberRef &m, uint32_t agentIdx) const;
  void refreshEligible(detail::AgentRec &a);
  void unindexAgent(detail::AgentRec &a);
  void reindexAgent(uint32_t agentIdx);
  bool routeInteraction(uint32_t ix);
  /// True when it made at least one offer (which re-indexed the agent and
  /// updated its state already).
  bool routeAgent(uint32_t agentIdx);
  void offer(uint32_t ix, uint32_t agentIdx);
  void waitAgain(uint32_t ix);

  // interactions.cpp
  void admit(uint32_t ix, uint32_t queue, bool keepAge);
  void overflowOut(uint32_t ix, uint32_t queue, OverflowReason why, const OverflowTarget &target);
  void leaveQueue(uint32_t ix);
  void cancelOffers(uint32_t ix, CancelReason why, uint32_t except);
  void dropOffer(uint32_t ix, uint32_t agentIdx, OfferFailure why, bool emitCancel);
  void onMaxWait(uint32_t ix);
  void onAnnounce(uint32_t ix);
  void onRingTimeout(uint32_t ix);
  void announce(uint32_t ix);
  int positionOf(const detail::InteractionRec &r) const;
  int64_t estimatedWait(const detail::QueueRec &q, int position) const;
  void detachFromAgent(uint32_t ix);
  bool queueEmpty(const detail::QueueRec &q, EmptyRule rule) const;
  void checkLeaveEmpty(uint32_t queue);

  // agents.cpp
  core::Result<void> setPresence(uint32_t agentIdx, Presence p, const std::string &reason, bool forced);
  void updateAgentState(uint32_t agentIdx);
  detail::Assignment *findWork(detail::AgentRec &a, uint32_t ix);
  void finishWrapUp(uint32_t agentIdx, uint32_t serial);
  void releaseSlot(uint32_t agentIdx, std::size_t workIndex);

  // stats.cpp
  void statsTick();
  QueueStats snapshot(const detail::QueueRec &q) const;

  core::Clock &clock_;
  TimerService &timers_;
  AcdListener &listener_;
  AcdOptions options_;
  core::ThreadOwner owner_;
  bool busy_ = false;
  std::mt19937_64 rng_;

  // Records live in chunked vectors (stable addresses, indexes as handles); the id
  // indexes keep no string of their own: they compare against the record's.
  detail::ChunkedVector<detail::InteractionRec> ixs_;
  std::vector<uint32_t> freeIxs_;
  detail::IdIndex ixById_;  // -> ixs_[i].pub.id
  detail::ChunkedVector<detail::AgentRec> agents_;
  std::vector<uint32_t> freeAgents_;
  detail::IdIndex agentById_;  // -> agents_[i].cfg.id
  detail::ChunkedVector<detail::QueueRec, 4> queues_;
  std::vector<uint32_t> freeQueues_;
  detail::IdIndex queueById_;  // -> queues_[i].cfg.id
  std::vector<std::string> skillNames_;
  detail::IdIndex skillIds_;  // -> skillNames_[i]
  std::vector<uint32_t> scratchOffers_;
  AgentStateChange change_;  // reused: its strings keep their capacity

  detail::BucketKey scratchKey_;
  std::vector<detail::IndexEntry> scratchIndex_;
  std::vector<detail::IndexEntry> scratchMerged_;
  std::vector<detail::SetOp<detail::AgentKey>> scratchErases_;
  std::vector<detail::SetOp<detail::AgentKey>> scratchInserts_;
  std::vector<uint32_t> scratchAgents_;
  std::vector<uint32_t> pendingEmptyChecks_;
  std::vector<uint32_t> dirtyQueues_;
  TimerId statsTimer_ = 0;
  uint64_t seq_ = 0;
  std::size_t waitingTotal_ = 0;
};

}  // namespace hujiao::acd
