// One deterministic test per routing strategy, on the virtual clock.
#include <map>

#include "acd_fixture.h"

namespace hujiao::acd::testing {
namespace {

class StrategyTest : public AcdTest {
 protected:
  /// Three agents in queue q with the given strategy, made ready one second
  /// apart in the order given.
  void threeAgents(Strategy s, std::vector<std::string> readyOrder = {"a1", "a2", "a3"}) {
    addQueue(queue("q", s));
    for (const char *a : {"a1", "a2", "a3"}) {
      addAgent(a);
      member(a, "q");
    }
    for (const auto &a : readyOrder) {
      loginReady(a);
      advance(1);
    }
    rec_.clear();
  }
};

TEST_F(StrategyTest, LongestIdleOffersTheAgentIdleLongest) {
  threeAgents(Strategy::LongestIdle, {"a2", "a3", "a1"});
  enqueue("x1", "q");
  EXPECT_EQ(lastOfferAgent(), "a2");
  handle("x1", "a2", 5);
  enqueue("x2", "q");
  EXPECT_EQ(lastOfferAgent(), "a3");
  enqueue("x3", "q");
  EXPECT_EQ(lastOfferAgent(), "a1");
  answer("x2", "a3");
  answer("x3", "a1");
  enqueue("x4", "q");  // only a2 is free
  EXPECT_EQ(lastOfferAgent(), "a2");
  end("x3");  // a1 idle from now on, a3 still busy
  answer("x4", "a2");
  advance(1);
  end("x4");
  enqueue("x5", "q");  // a1 ended before a2
  EXPECT_EQ(lastOfferAgent(), "a1");
}

// a1 handles two short calls while a2 handles one long one: a2 has fewer
// interactions but a1 has been idle longer and has less talk time.
class ShortAndLong : public StrategyTest {
 protected:
  void play(Strategy s) {
    addQueue(queue("q", s));
    addAgent("a1");
    addAgent("a2");
    member("a1", "q");
    member("a2", "q");
    loginReady("a1");
    advance(1);
    loginReady("a2");
    advance(1);
    enqueue("x1", "q");
    enqueue("x2", "q");
    ASSERT_EQ(rec_.offeredAgents(), (std::vector<std::string>{"a1", "a2"}));
    answer("x1", "a1");
    answer("x2", "a2");
    advance(1);
    end("x1");
    enqueue("x3", "q");
    handle("x3", "a1", 1);
    advance(58);
    end("x2");  // a2: 1 interaction, ~60 s talk, idle since now
    rec_.clear();
    enqueue("x4", "q");
  }
};

TEST_F(ShortAndLong, FewestInteractionsTodayOffersTheLeastLoadedAgent) {
  play(Strategy::FewestInteractions);
  EXPECT_EQ(lastOfferAgent(), "a2");
  EXPECT_EQ(acd_.agentStats("a1").value().interactions, 2u);
  EXPECT_EQ(acd_.agentStats("a2").value().interactions, 1u);
}

TEST_F(ShortAndLong, LeastTalkTimeTodayOffersTheAgentWhoTalkedLeast) {
  play(Strategy::LeastTalkTime);
  EXPECT_EQ(lastOfferAgent(), "a1");
  EXPECT_LT(acd_.agentStats("a1").value().talkUs, acd_.agentStats("a2").value().talkUs);
}

TEST_F(ShortAndLong, LongestIdleDiffersFromFewestInteractions) {
  play(Strategy::LongestIdle);
  EXPECT_EQ(lastOfferAgent(), "a1");
}

TEST_F(StrategyTest, RoundRobinContinuesAfterTheLastAgentOffered) {
  // Ready in reverse order so longest-idle would pick a3 first.
  threeAgents(Strategy::RoundRobin, {"a3", "a2", "a1"});
  enqueue("x1", "q");
  handle("x1", "a1", 1);
  enqueue("x2", "q");
  handle("x2", "a2", 1);
  // The queue remembers a2; with a3 not ready the turn passes to a1.
  ASSERT_TRUE(acd_.notReady("a3", "break").ok());
  enqueue("x3", "q");
  handle("x3", "a1", 1);
  ASSERT_TRUE(acd_.ready("a3").ok());
  enqueue("x4", "q");
  handle("x4", "a2", 1);
  enqueue("x5", "q");
  EXPECT_EQ(rec_.offeredAgents(), (std::vector<std::string>{"a1", "a2", "a1", "a2", "a3"}));
}

TEST_F(StrategyTest, RingAllOffersEveryAgentOfTheBestTierAndCancelsTheRest) {
  threeAgents(Strategy::RingAll);
  addAgent("b1");
  member("b1", "q", 1);  // a lower tier does not ring while tier 0 has agents
  loginReady("b1");
  rec_.clear();
  enqueue("x1", "q");
  EXPECT_EQ(rec_.offeredAgents(), (std::vector<std::string>{"a1", "a2", "a3"}));
  EXPECT_EQ(stateOf("a1"), AgentState::Reserved);
  answer("x1", "a2");
  ASSERT_EQ(rec_.cancels.size(), 2u);
  EXPECT_EQ(rec_.cancels[0].agent, "a1");
  EXPECT_EQ(rec_.cancels[1].agent, "a3");
  EXPECT_EQ(rec_.cancels[0].why, CancelReason::AnsweredElsewhere);
  EXPECT_EQ(stateOf("a1"), AgentState::Ready);
  EXPECT_EQ(stateOf("a2"), AgentState::Busy);
  EXPECT_EQ(stateOf("a3"), AgentState::Ready);
  EXPECT_EQ(acd_.agentAnswered("x1", "a1").error().code, "not_offered");
}

TEST_F(StrategyTest, BestSkillLevelFirst) {
  addQueue(queue("q", Strategy::BestSkill));
  addAgent("low", {{"en", 2}});
  addAgent("top", {{"en", 5}});
  addAgent("mid", {{"en", 3}});
  for (const char *a : {"low", "top", "mid"}) {
    member(a, "q");
    loginReady(a);
  }
  enqueue("x1", "q", 0, {{"en", 1}});
  enqueue("x2", "q", 0, {{"en", 1}});
  enqueue("x3", "q", 0, {{"en", 1}});
  EXPECT_EQ(rec_.offeredAgents(), (std::vector<std::string>{"top", "mid", "low"}));
}

TEST_F(StrategyTest, LinearAlwaysStartsFromTheTop) {
  addQueue(queue("q", Strategy::Linear));
  for (const char *a : {"a1", "a2", "a3"}) addAgent(a);
  member("a1", "q", 0, 2);
  member("a2", "q", 0, 0);
  member("a3", "q", 0, 1);
  for (const char *a : {"a1", "a2", "a3"}) loginReady(a);
  enqueue("x1", "q");
  handle("x1", "a2", 1);
  enqueue("x2", "q");  // a2 again: linear has no memory
  enqueue("x3", "q");
  enqueue("x4", "q");
  EXPECT_EQ(rec_.offeredAgents(), (std::vector<std::string>{"a2", "a2", "a3", "a1"}));
}

std::vector<std::string> randomRun(uint64_t seed) {
  core::VirtualClock clock;
  TimerHeap timers;
  Recorder rec;
  AcdOptions o;
  o.randomSeed = seed;
  Acd acd(clock, timers, rec, o);
  QueueConfig q;
  q.id = "q";
  q.strategy = Strategy::Random;
  EXPECT_TRUE(acd.upsertQueue(q).ok());
  for (int i = 0; i < 5; ++i) {
    const std::string id = "a" + std::to_string(i);
    AgentConfig a;
    a.id = id;
    EXPECT_TRUE(acd.upsertAgent(a).ok());
    EXPECT_TRUE(acd.setMembership({id, "q", 0, -1}).ok());
    EXPECT_TRUE(acd.login(id).ok());
    EXPECT_TRUE(acd.ready(id).ok());
  }
  for (int i = 0; i < 500; ++i) {
    const std::string id = "x" + std::to_string(i);
    EnqueueRequest r;
    r.id = id;
    r.queueId = "q";
    EXPECT_TRUE(acd.enqueue(r).ok());
    EXPECT_TRUE(acd.agentAnswered(id, rec.offers.back().agent).ok());
    EXPECT_TRUE(acd.interactionEnded(id).ok());
  }
  return rec.offeredAgents();
}

TEST(RandomStrategy, SeededAndSpreadOverAllAgents) {
  const auto a = randomRun(7);
  EXPECT_EQ(a, randomRun(7));  // same seed, same choices
  EXPECT_NE(a, randomRun(8));
  std::map<std::string, int> count;
  for (const auto &s : a) ++count[s];
  ASSERT_EQ(count.size(), 5u);
  for (const auto &[agent, n] : count) {
    EXPECT_GT(n, 60) << agent;  // 100 expected each
    EXPECT_LT(n, 140) << agent;
  }
}

}  // namespace
}  // namespace hujiao::acd::testing
