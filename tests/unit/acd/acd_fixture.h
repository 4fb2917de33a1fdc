#pragma once
// Test fixture: an Acd on a VirtualClock with a TimerHeap, and a listener
// that records every output in order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "acd/acd.h"
#include "acd/timer.h"
#include "core/clock.h"

namespace hujiao::acd::testing {

struct OfferRec {
  std::string ix;
  std::string agent;
  bool callback = false;
};
struct CancelRec {
  std::string ix;
  std::string agent;
  CancelReason why;
};
struct OverflowRec {
  std::string ix;
  OverflowTarget target;
  OverflowReason why;
  bool internal;
};
struct AnnounceRec {
  std::string ix;
  int position;
  int64_t ewtUs;
};

class Recorder : public AcdListener {
 public:
  void onOffer(const Interaction &ix, AgentRef agent, int64_t) override { offers.push_back({ix.id, agent.id, false}); }
  void onCallbackNow(const Interaction &ix, AgentRef agent, int64_t) override {
    offers.push_back({ix.id, agent.id, true});
  }
  void onCancelOffer(const Interaction &ix, AgentRef agent, CancelReason why) override {
    cancels.push_back({ix.id, agent.id, why});
  }
  void onOverflow(const Interaction &ix, const OverflowTarget &t, OverflowReason why, bool internal) override {
    overflows.push_back({ix.id, t, why, internal});
  }
  void onAnnounce(const Interaction &ix, int position, int64_t ewt) override {
    announces.push_back({ix.id, position, ewt});
  }
  void onCallbackOffer(const Interaction &ix, int64_t) override { callbackOffers.push_back(ix.id); }
  void onAgentStateChanged(const AgentStateChange &c) override { states.push_back(c); }
  void onQueueStatsChanged(const QueueStats &s) override { stats.push_back(s); }
  void onInteractionEvent(const Interaction &ix, InteractionEvent what, const std::string &agent) override {
    events.push_back(std::string(toString(what)) + ":" + ix.id + (agent.empty() ? "" : "@" + agent));
  }
  void clear() {
    offers.clear();
    cancels.clear();
    overflows.clear();
    announces.clear();
    callbackOffers.clear();
    states.clear();
    stats.clear();
    events.clear();
  }
  /// Agents offered, in order.
  std::vector<std::string> offeredAgents() const {
    std::vector<std::string> out;
    for (const auto &o : offers) out.push_back(o.agent);
    return out;
  }

  std::vector<OfferRec> offers;
  std::vector<CancelRec> cancels;
  std::vector<OverflowRec> overflows;
  std::vector<AnnounceRec> announces;
  std::vector<std::string> callbackOffers;
  std::vector<AgentStateChange> states;
  std::vector<QueueStats> stats;
  std::vector<std::string> events;
};

class AcdTest : public ::testing::Test {
 protected:
  AcdTest() : acd_(clock_, timers_, rec_, options()) {}
  static AcdOptions options() {
    AcdOptions o;
    o.randomSeed = 42;
    o.statsIntervalUs = 1'000'000;
    return o;
  }

  static constexpr int64_t kSec = 1'000'000;

  void advance(double seconds) { advanceClock(clock_, timers_, static_cast<int64_t>(seconds * kSec)); }

  QueueConfig queue(const std::string &id, Strategy s = Strategy::LongestIdle) {
    QueueConfig q;
    q.id = id;
    q.strategy = s;
    return q;
  }
  void addQueue(const QueueConfig &q) { ASSERT_TRUE(acd_.upsertQueue(q).ok()); }

  void addAgent(const std::string &id, std::vector<AgentSkill> skills = {},
                std::array<uint16_t, kChannelCount> capacity = {1, 1, 1, 1}) {
    AgentConfig a;
    a.id = id;
    a.device = "dev-" + id;
    a.skills = std::move(skills);
    a.capacity = capacity;
    ASSERT_TRUE(acd_.upsertAgent(a).ok());
  }
  void member(const std::string &agent, const std::string &queueId, int level = 0, int position = -1) {
    auto r = acd_.setMembership(Membership{agent, queueId, level, position});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void loginReady(const std::string &agent) {
    ASSERT_TRUE(acd_.login(agent).ok());
    auto r = acd_.ready(agent);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void enqueue(const std::string &id, const std::string &queueId, int priority = 0,
               std::vector<SkillRequirement> skills = {}, Channel channel = Channel::Voice) {
    EnqueueRequest r;
    r.id = id;
    r.queueId = queueId;
    r.priority = priority;
    r.skills = std::move(skills);
    r.channel = channel;
    r.customer.number = "+8613800000000";
    auto res = acd_.enqueue(std::move(r));
    ASSERT_TRUE(res.ok()) << res.error().message;
  }
  void answer(const std::string &ix, const std::string &agent) {
    auto r = acd_.agentAnswered(ix, agent);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void end(const std::string &ix) {
    auto r = acd_.interactionEnded(ix);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  /// Answer, talk for the given seconds, end.
  void handle(const std::string &ix, const std::string &agent, double talkSeconds) {
    answer(ix, agent);
    advance(talkSeconds);
    end(ix);
  }
  AgentState stateOf(const std::string &agent) { return acd_.agentStats(agent).value().state; }
  std::string lastOfferAgent() const { return rec_.offers.empty() ? std::string() : rec_.offers.back().agent; }

  core::VirtualClock clock_;
  TimerHeap timers_;
  Recorder rec_;
  Acd acd_;
};

}  // namespace hujiao::acd::testing
