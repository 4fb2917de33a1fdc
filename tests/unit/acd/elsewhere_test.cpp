// Calls the ACD did not offer (Acd::busyElsewhere / releaseElsewhere): a
// consulted agent, an agent's own outbound call, a direct extension call.
#include <map>

#include "acd_fixture.h"

namespace hujiao::acd::testing {
namespace {

class ElsewhereTest : public AcdTest {
 protected:
  /// Agents a1, a2 in queue q, made ready one second apart (a1 first: a1
  /// is the longest idle, first in linear order and in round robin).
  void twoAgents(Strategy s) {
    addQueue(queue("q", s));
    addAgent("a1", {{"sales", 9}});
    addAgent("a2", {{"sales", 1}});
    member("a1", "q");
    member("a2", "q");
    loginReady("a1");
    advance(1);
    loginReady("a2");
    advance(1);
    rec_.clear();
  }
  void busy(const std::string &agent, const std::string &work) {
    auto r = acd_.busyElsewhere(agent, work);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void release(const std::string &agent, const std::string &work) {
    auto r = acd_.releaseElsewhere(agent, work);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  std::vector<AgentState> statesOf(const std::string &agent) const {
    std::vector<AgentState> out;
    for (const auto &c : rec_.states)
      if (c.agentId == agent) out.push_back(c.to);
    return out;
  }
};

// Whatever the strategy, an agent on a call the ACD did not offer is never
// offered an interaction; released, he is offered the waiting one at once.
TEST_F(ElsewhereTest, ABusyElsewhereAgentIsNeverPickedByAnyStrategy) {
  const std::map<Strategy, const char *> all = {
      {Strategy::LongestIdle, "longest_idle"}, {Strategy::FewestInteractions, "fewest"},
      {Strategy::LeastTalkTime, "least_talk"}, {Strategy::RoundRobin, "round_robin"},
      {Strategy::RingAll, "ring_all"},         {Strategy::BestSkill, "best_skill"},
      {Strategy::Linear, "linear"},            {Strategy::Random, "random"}};
  for (const auto &[strategy, name] : all) {
    SCOPED_TRACE(name);
    core::VirtualClock clock;
    TimerHeap timers;
    Recorder rec;
    Acd acd(clock, timers, rec, options());
    QueueConfig q = queue("q", strategy);
    ASSERT_TRUE(acd.upsertQueue(q).ok());
    for (const char *id : {"a1", "a2"}) {
      AgentConfig a;
      a.id = id;
      a.device = std::string("dev-") + id;
      a.skills = {{"sales", id == std::string("a1") ? 9 : 1}};
      ASSERT_TRUE(acd.upsertAgent(a).ok());
      ASSERT_TRUE(acd.setMembership(Membership{id, "q", 0, -1}).ok());
      ASSERT_TRUE(acd.login(id).ok());
      ASSERT_TRUE(acd.ready(id).ok());
      advanceClock(clock, timers, kSec);
    }
    // a1 is the agent every strategy would pick first (or together with a2).
    ASSERT_TRUE(acd.busyElsewhere("a1", "call-1").ok());
    EXPECT_EQ(acd.agentStats("a1").value().state, AgentState::Busy);
    for (int i = 0; i < 4; ++i) {
      EnqueueRequest r;
      r.id = "x" + std::to_string(i);
      r.queueId = "q";
      r.skills = {{"sales", 1}};
      ASSERT_TRUE(acd.enqueue(std::move(r)).ok());
    }
    ASSERT_EQ(rec.offers.size(), 1u);
    EXPECT_EQ(rec.offers[0].agent, "a2");
    // The agent may not be given an interaction by hand either.
    EXPECT_EQ(acd.moveToAgent("x1", "a1").error().code, "agent_unavailable");
    // Time passes, ring timeouts re-route: still never a1.
    advanceClock(clock, timers, 60 * kSec);
    for (const auto &o : rec.offers) EXPECT_EQ(o.agent, "a2");
    rec.offers.clear();
    ASSERT_TRUE(acd.releaseElsewhere("a1", "call-1").ok());
    ASSERT_FALSE(rec.offers.empty());
    EXPECT_EQ(rec.offers.back().agent, "a1");
    EXPECT_EQ(acd.agentStats("a1").value().state, AgentState::Reserved);
  }
}

TEST_F(ElsewhereTest, BusyWithoutReasonThenBackToTheChosenPresenceWithoutWrapUp) {
  QueueConfig q = queue("q");
  q.wrapUpUs = 30 * kSec;
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  ASSERT_TRUE(acd_.notReady("a1", "break").ok());
  rec_.clear();
  busy("a1", "consult-7");
  auto s = acd_.agentStats("a1").value();
  EXPECT_EQ(s.state, AgentState::Busy);
  EXPECT_EQ(s.reason, "");
  EXPECT_EQ(s.inUse[0], 1);
  EXPECT_EQ(acd_.queueStats("q").value().agentsByState[static_cast<std::size_t>(AgentState::Busy)], 1u);
  advance(5);
  release("a1", "consult-7");
  s = acd_.agentStats("a1").value();
  EXPECT_EQ(s.state, AgentState::NotReady);
  EXPECT_EQ(s.reason, "break");
  EXPECT_EQ(s.inUse[0], 0);
  EXPECT_EQ(statesOf("a1"), (std::vector<AgentState>{AgentState::Busy, AgentState::NotReady}));
  EXPECT_EQ(s.timeInStateUs[static_cast<std::size_t>(AgentState::Busy)], 5 * kSec);
  EXPECT_EQ(s.interactions, 0u);  // not an ACD interaction

  // A ready agent goes back to ready (no wrap-up: it was not an ACD call).
  ASSERT_TRUE(acd_.ready("a1").ok());
  rec_.clear();
  busy("a1", "dial-1");
  release("a1", "dial-1");
  EXPECT_EQ(statesOf("a1"), (std::vector<AgentState>{AgentState::Busy, AgentState::Ready}));
}

// Documented in acd.h and docs/acd.md: a call outside the ACD does not
// restart the agent's idle time; released, he takes back his place.
TEST_F(ElsewhereTest, ReleaseRestoresTheIdleTimeOrdering) {
  twoAgents(Strategy::LongestIdle);  // a1 idle since t0, a2 since t0 + 1 s
  busy("a1", "call-1");
  enqueue("x1", "q");
  EXPECT_EQ(lastOfferAgent(), "a2");
  handle("x1", "a2", 3);  // a2 idle from now
  advance(10);
  release("a1", "call-1");
  EXPECT_TRUE(rec_.offers.size() == 1);  // nothing waiting: no offer
  enqueue("x2", "q");
  EXPECT_EQ(lastOfferAgent(), "a1");  // idle since t0: longest idle again
  handle("x2", "a1", 1);
  enqueue("x3", "q");
  EXPECT_EQ(lastOfferAgent(), "a2");  // a1's ACD call restarted his idle time
}

TEST_F(ElsewhereTest, ReleaseExactlyOnceAndClearErrors) {
  twoAgents(Strategy::Linear);
  busy("a1", "call-1");
  auto again = acd_.busyElsewhere("a1", "call-1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "already_busy");
  EXPECT_EQ(acd_.busyElsewhere("nobody", "call-1").error().code, "unknown_agent");
  EXPECT_EQ(acd_.busyElsewhere("a1", "").error().code, "invalid_argument");
  release("a1", "call-1");
  auto twice = acd_.releaseElsewhere("a1", "call-1");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "unknown_work");
  EXPECT_EQ(acd_.agentStats("a1").value().inUse[0], 0);  // the slot was freed once only
  EXPECT_EQ(acd_.releaseElsewhere("a1", "never").error().code, "unknown_work");
  // Two calls at once (a consultation while his own call rings): free after both.
  busy("a1", "c1");
  busy("a1", "c2");
  release("a1", "c1");
  EXPECT_EQ(stateOf("a1"), AgentState::Busy);
  enqueue("x1", "q");
  EXPECT_EQ(lastOfferAgent(), "a2");
  release("a1", "c2");
  EXPECT_EQ(stateOf("a1"), AgentState::Ready);
}

TEST_F(ElsewhereTest, AfterAnAcdCallTheAgentStaysBusyUntilTheOtherCallEnds) {
  QueueConfig q = queue("q");
  q.wrapUpUs = 5 * kSec;
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x1", "q");
  answer("x1", "a1");
  busy("a1", "consult-1");  // e.g. he dials out meanwhile
  end("x1");
  EXPECT_EQ(stateOf("a1"), AgentState::Busy);  // on a call: not wrap-up yet
  advance(6);                                  // wrap-up over while still on the call
  EXPECT_EQ(stateOf("a1"), AgentState::Busy);
  enqueue("x2", "q");
  EXPECT_EQ(lastOfferAgent(), "a1");  // x1's offer only
  EXPECT_EQ(rec_.offers.size(), 1u);
  release("a1", "consult-1");
  EXPECT_EQ(rec_.offers.size(), 2u);
  EXPECT_EQ(lastOfferAgent(), "a1");
}

TEST_F(ElsewhereTest, LoggedOutAgentsCanBeMarkedAndLogoutIsNotBlocked) {
  addQueue(queue("q"));
  addAgent("a1");
  member("a1", "q");
  busy("a1", "call-1");
  EXPECT_EQ(stateOf("a1"), AgentState::LoggedOut);
  ASSERT_TRUE(acd_.login("a1").ok());
  EXPECT_EQ(stateOf("a1"), AgentState::Busy);
  ASSERT_TRUE(acd_.ready("a1").ok());
  enqueue("x1", "q");
  EXPECT_TRUE(rec_.offers.empty());
  ASSERT_TRUE(acd_.logout("a1").ok());  // not an ACD interaction: does not block the logout
  EXPECT_EQ(stateOf("a1"), AgentState::LoggedOut);
  release("a1", "call-1");
  EXPECT_EQ(stateOf("a1"), AgentState::LoggedOut);
  ASSERT_TRUE(acd_.login("a1").ok());
  ASSERT_TRUE(acd_.ready("a1").ok());
  EXPECT_EQ(lastOfferAgent(), "a1");
  // A removed agent forgets his calls.
  busy("a1", "call-2");
  ASSERT_TRUE(acd_.abandon("x1").ok());
  ASSERT_TRUE(acd_.forceState("a1", Presence::LoggedOut).ok());
  ASSERT_TRUE(acd_.removeAgent("a1").ok());
  EXPECT_EQ(acd_.releaseElsewhere("a1", "call-2").error().code, "unknown_agent");
}

}  // namespace
}  // namespace hujiao::acd::testing
