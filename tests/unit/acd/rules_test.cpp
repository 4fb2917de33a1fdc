// One deterministic test per queue / agent rule, on the virtual clock.
#include "acd_fixture.h"

namespace hujiao::acd::testing {
namespace {

TEST_F(AcdTest, MaxWaitOverflowsToAnotherQueue) {
  QueueConfig q1 = queue("q1");
  q1.maxWaitUs = 30 * kSec;
  q1.overflowTarget = {OverflowKind::Queue, "q2"};
  addQueue(q1);
  addQueue(queue("q2"));
  addAgent("b1");
  member("b1", "q2");
  loginReady("b1");
  enqueue("x1", "q1");
  advance(29.9);
  EXPECT_TRUE(rec_.overflows.empty());
  EXPECT_TRUE(rec_.offers.empty());
  advance(0.1);
  ASSERT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(rec_.overflows[0].why, OverflowReason::MaxWait);
  EXPECT_EQ(rec_.overflows[0].target.value, "q2");
  EXPECT_TRUE(rec_.overflows[0].internal);
  ASSERT_EQ(rec_.offers.size(), 1u);
  EXPECT_EQ(rec_.offers[0].agent, "b1");
  EXPECT_EQ(acd_.interaction("x1").value().queueId, "q2");
  EXPECT_EQ(acd_.queueStats("q1").value().overflowed, 1u);
  EXPECT_EQ(acd_.queueStats("q1").value().waiting, 0u);
}

TEST_F(AcdTest, MaxWaitOverflowToVoicemailHandsTheInteractionOver) {
  QueueConfig q = queue("q");
  q.maxWaitUs = 10 * kSec;
  q.overflowTarget = {OverflowKind::Voicemail, "mbox-100"};
  addQueue(q);
  enqueue("x1", "q");
  advance(10);
  ASSERT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(rec_.overflows[0].target.kind, OverflowKind::Voicemail);
  EXPECT_FALSE(rec_.overflows[0].internal);
  EXPECT_EQ(acd_.interaction("x1").error().code, "unknown_interaction");
  EXPECT_EQ(acd_.waitingCount(), 0u);
}

TEST_F(AcdTest, MaxWaitReachedWhileRingingOverflowsWhenTheOfferFails) {
  QueueConfig q = queue("q");
  q.maxWaitUs = 10 * kSec;
  q.ringTimeoutUs = 15 * kSec;
  q.overflowTarget = {OverflowKind::External, "+861012345"};
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x1", "q");
  advance(10);
  EXPECT_TRUE(rec_.overflows.empty());  // an agent is ringing: let it ring
  advance(5);
  ASSERT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(rec_.overflows[0].target.value, "+861012345");
}

TEST_F(AcdTest, MaxLengthSendsNewArrivalsToTheFullTarget) {
  QueueConfig q = queue("q");
  q.maxLength = 2;
  q.fullTarget = {OverflowKind::Flow, "flow-busy"};
  addQueue(q);
  enqueue("x1", "q");
  enqueue("x2", "q");
  enqueue("x3", "q");
  ASSERT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(rec_.overflows[0].ix, "x3");
  EXPECT_EQ(rec_.overflows[0].why, OverflowReason::MaxLength);
  EXPECT_EQ(rec_.overflows[0].target.value, "flow-busy");
  EXPECT_EQ(acd_.queueStats("q").value().waiting, 2u);
  // The id is free again once the call layer took it elsewhere.
  EXPECT_EQ(acd_.interaction("x3").error().code, "unknown_interaction");
}

TEST_F(AcdTest, JoinWhenEmptyRules) {
  QueueConfig q = queue("q");
  q.joinEmpty = EmptyRule::NoAgentLoggedIn;
  q.emptyTarget = {OverflowKind::Voicemail, "mbox"};
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  enqueue("x1", "q");  // nobody logged in
  ASSERT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(rec_.overflows[0].why, OverflowReason::JoinEmpty);
  ASSERT_TRUE(acd_.login("a1").ok());  // logged in, not ready: may join
  enqueue("x2", "q");
  EXPECT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(acd_.queueStats("q").value().waiting, 1u);

  q.joinEmpty = EmptyRule::NoAgentReady;
  addQueue(q);
  enqueue("x3", "q");  // not ready does not count now
  ASSERT_EQ(rec_.overflows.size(), 2u);
  EXPECT_EQ(rec_.overflows[1].ix, "x3");
}

TEST_F(AcdTest, LeaveWhenEmptyWhenTheLastReadyAgentGoesNotReady) {
  QueueConfig q = queue("q");
  q.leaveEmpty = EmptyRule::NoAgentReady;
  q.emptyTarget = {OverflowKind::Queue, "backup"};
  addQueue(q);
  addQueue(queue("backup"));
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x1", "q");
  answer("x1", "a1");
  enqueue("x2", "q");  // waits: a1 busy but still "ready" (comes back)
  EXPECT_TRUE(rec_.overflows.empty());
  ASSERT_TRUE(acd_.notReady("a1", "lunch").ok());
  ASSERT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(rec_.overflows[0].ix, "x2");
  EXPECT_EQ(rec_.overflows[0].why, OverflowReason::LeaveEmpty);
  EXPECT_EQ(acd_.interaction("x2").value().queueId, "backup");
  EXPECT_EQ(acd_.interaction("x1").value().queueId, "q");  // connected ones stay
}

TEST_F(AcdTest, VipJumpsTheLine) {
  addQueue(queue("q"));
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x0", "q");
  answer("x0", "a1");
  enqueue("n1", "q");
  advance(1);
  enqueue("n2", "q");
  advance(1);
  enqueue("vip", "q", 10);
  EXPECT_EQ(acd_.position("vip").value().first, 1);
  EXPECT_EQ(acd_.position("n1").value().first, 2);
  EXPECT_EQ(acd_.position("n2").value().first, 3);
  rec_.clear();
  end("x0");
  handle("vip", "a1", 1);
  handle("n1", "a1", 1);
  ASSERT_EQ(rec_.offers.size(), 3u);
  EXPECT_EQ(rec_.offers[0].ix, "vip");
  EXPECT_EQ(rec_.offers[1].ix, "n1");
  EXPECT_EQ(rec_.offers[2].ix, "n2");
}

TEST_F(AcdTest, LowerTierFirstThenHigherTier) {
  addQueue(queue("q"));
  addAgent("backup");
  addAgent("main");
  member("backup", "q", 2);
  member("main", "q", 0);
  loginReady("backup");  // idle longer, but tier 2
  advance(5);
  loginReady("main");
  enqueue("x1", "q");
  EXPECT_EQ(lastOfferAgent(), "main");
  enqueue("x2", "q");  // main is ringing: the next tier serves
  EXPECT_EQ(lastOfferAgent(), "backup");
}

TEST_F(AcdTest, FreedAgentTakesItsOwnTierQueueFirst) {
  addQueue(queue("sales"));
  addQueue(queue("support"));
  addAgent("a1");
  member("a1", "support", 0);
  member("a1", "sales", 1);
  enqueue("old", "sales");  // waiting longer, but a1 is tier 1 in sales
  advance(10);
  enqueue("new", "support");
  loginReady("a1");
  EXPECT_EQ(rec_.offers.back().ix, "new");
}

TEST_F(AcdTest, RingNoAnswerGoesToTheNextAgentAndMakesThisOneNotReady) {
  QueueConfig q = queue("q");
  q.ringTimeoutUs = 15 * kSec;
  addQueue(q);
  addAgent("a1");
  addAgent("a2");
  member("a1", "q");
  member("a2", "q");
  loginReady("a1");
  advance(1);
  loginReady("a2");
  enqueue("x1", "q");
  EXPECT_EQ(lastOfferAgent(), "a1");
  advance(14.9);
  EXPECT_TRUE(rec_.cancels.empty());
  advance(0.1);
  ASSERT_EQ(rec_.cancels.size(), 1u);
  EXPECT_EQ(rec_.cancels[0].agent, "a1");
  EXPECT_EQ(rec_.cancels[0].why, CancelReason::RingTimeout);
  EXPECT_EQ(lastOfferAgent(), "a2");
  const auto s = acd_.agentStats("a1").value();
  EXPECT_EQ(s.state, AgentState::NotReady);
  EXPECT_EQ(s.reason, "rna");
  EXPECT_EQ(s.ringNoAnswer, 1u);
  EXPECT_EQ(rec_.states.back().agentId,
            "a2");  // a2 reserved after a1 went not ready
  // Still waiting from the customer's side: the interaction kept its queue
  // time.
  answer("x1", "a2");
  EXPECT_EQ(acd_.queueStats("q").value().asaUs, 15 * kSec);
}

TEST_F(AcdTest, RejectedOfferGoesToTheNextAgent) {
  addQueue(queue("q"));
  addAgent("a1");
  addAgent("a2");
  member("a1", "q");
  member("a2", "q");
  loginReady("a1");
  loginReady("a2");
  enqueue("x1", "q");
  ASSERT_TRUE(acd_.offerFailed("x1", "a1", OfferFailure::Rejected).ok());
  EXPECT_EQ(lastOfferAgent(), "a2");
  EXPECT_EQ(acd_.agentStats("a1").value().reason, "rejected");
  EXPECT_TRUE(rec_.cancels.empty());  // the call layer reported it: nothing to cancel
}

TEST_F(AcdTest, WrapUpThenReadyWithEveryStateChangeTimed) {
  QueueConfig q = queue("q");
  q.wrapUpUs = 10 * kSec;
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  rec_.clear();
  const int64_t t0 = clock_.nowUs();
  enqueue("x1", "q");
  advance(2);
  answer("x1", "a1");
  advance(30);
  end("x1");
  EXPECT_EQ(stateOf("a1"), AgentState::WrapUp);
  enqueue("x2", "q");  // waits for the wrap-up
  EXPECT_EQ(rec_.offers.size(), 1u);
  advance(9.9);
  EXPECT_EQ(stateOf("a1"), AgentState::WrapUp);
  advance(0.1);
  EXPECT_EQ(rec_.offers.back().ix, "x2");
  std::vector<std::pair<AgentState, int64_t>> seen;
  for (const auto &c : rec_.states) seen.emplace_back(c.to, c.atUs - t0);
  const std::vector<std::pair<AgentState, int64_t>> want{{AgentState::Reserved, 0},
                                                         {AgentState::Busy, 2 * kSec},
                                                         {AgentState::WrapUp, 32 * kSec},
                                                         {AgentState::Reserved, 42 * kSec}};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(rec_.states[2].previousForUs, 30 * kSec);
  EXPECT_EQ(acd_.agentStats("a1").value().wrapUpUs, 10 * kSec);
  // The kept history has the same changes.
  const auto hist = acd_.agentHistory("a1").value();
  ASSERT_GE(hist.size(), 4u);
  EXPECT_EQ(hist.back().state, AgentState::Reserved);
}

TEST_F(AcdTest, EndWrapUpEarlyAndNotReadyRequestedDuringACall) {
  QueueConfig q = queue("q");
  q.wrapUpUs = 60 * kSec;
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x1", "q");
  answer("x1", "a1");
  end("x1");
  ASSERT_TRUE(acd_.endWrapUp("a1").ok());
  EXPECT_EQ(stateOf("a1"), AgentState::Ready);
  EXPECT_EQ(acd_.endWrapUp("a1").error().code, "not_in_wrap_up");
  enqueue("x2", "q");
  answer("x2", "a1");
  ASSERT_TRUE(acd_.notReady("a1", "break").ok());
  EXPECT_EQ(stateOf("a1"), AgentState::Busy);  // the call goes on
  end("x2");
  ASSERT_TRUE(acd_.endWrapUp("a1").ok());
  EXPECT_EQ(stateOf("a1"), AgentState::NotReady);
  EXPECT_EQ(acd_.agentStats("a1").value().reason, "break");
}

TEST_F(AcdTest, CapacityPerChannel) {
  addQueue(queue("q"));
  addAgent("a1", {}, {1, 3, 0, 0});
  member("a1", "q");
  loginReady("a1");
  for (const char *c : {"c1", "c2", "c3", "c4"}) enqueue(c, "q", 0, {}, Channel::Chat);
  enqueue("v1", "q");
  enqueue("v2", "q");
  enqueue("e1", "q", 0, {}, Channel::Email);  // capacity 0: never offered
  EXPECT_EQ(rec_.offers.size(), 4u);          // c1 c2 c3 v1
  for (const char *c : {"c1", "c2", "c3"}) answer(c, "a1");
  answer("v1", "a1");
  EXPECT_EQ(acd_.agentStats("a1").value().inUse, (std::array<uint16_t, 4>{1, 3, 0, 0}));
  end("c2");
  EXPECT_EQ(rec_.offers.back().ix, "c4");
  end("v1");
  EXPECT_EQ(rec_.offers.back().ix, "v2");
  EXPECT_EQ(acd_.position("e1").value().first, 1);
}

TEST_F(AcdTest, SkillsWithMinimumLevels) {
  addQueue(queue("q"));
  addAgent("weak", {{"en", 2}, {"billing", 5}});
  addAgent("strong", {{"en", 4}});
  member("weak", "q");
  member("strong", "q");
  loginReady("weak");
  enqueue("x1", "q", 0, {{"en", 3}});
  EXPECT_TRUE(rec_.offers.empty());  // weak has en 2 < 3
  enqueue("x2", "q", 0, {{"billing", 1}});
  EXPECT_EQ(rec_.offers.back().ix, "x2");
  loginReady("strong");  // takes the only interaction it can serve
  EXPECT_EQ(rec_.offers.back().ix, "x1");
  EXPECT_EQ(rec_.offers.back().agent, "strong");
}

TEST_F(AcdTest, CallbackKeepsThePlaceAndCallsBackWhenAnAgentIsFree) {
  QueueConfig q = queue("q");
  q.callbackOfferAfterUs = 60 * kSec;
  q.defaultAhtUs = 300 * kSec;
  q.maxWaitUs = 120 * kSec;
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x0", "q");
  answer("x0", "a1");
  enqueue("c1", "q");
  advance(1);
  enqueue("c2", "q");
  // Estimated 300 s and 600 s >= 60 s: both are offered a callback.
  EXPECT_EQ(rec_.callbackOffers, (std::vector<std::string>{"c1", "c2"}));
  ASSERT_TRUE(acd_.acceptCallback("c1", "").ok());
  EXPECT_TRUE(acd_.interaction("c1").value().callback);
  EXPECT_EQ(acd_.interaction("c1").value().callbackNumber, "+8613800000000");
  EXPECT_EQ(acd_.position("c1").value().first, 1);  // kept its place
  advance(200);                                     // past max wait: the callback is not overflowed, c2 is
  ASSERT_EQ(rec_.overflows.size(), 1u);
  EXPECT_EQ(rec_.overflows[0].ix, "c2");
  rec_.clear();
  end("x0");
  ASSERT_EQ(rec_.offers.size(), 1u);
  EXPECT_EQ(rec_.offers[0].ix, "c1");
  EXPECT_TRUE(rec_.offers[0].callback);  // "call back now", with the agent
  answer("c1", "a1");
  EXPECT_EQ(stateOf("a1"), AgentState::Busy);
}

TEST_F(AcdTest, AbandonWhileRingingCancelsTheOffer) {
  addQueue(queue("q"));
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x1", "q");
  ASSERT_TRUE(acd_.abandon("x1").ok());
  ASSERT_EQ(rec_.cancels.size(), 1u);
  EXPECT_EQ(rec_.cancels[0].why, CancelReason::Abandoned);
  EXPECT_EQ(stateOf("a1"), AgentState::Ready);
  EXPECT_EQ(acd_.queueStats("q").value().abandoned, 1u);
}

TEST_F(AcdTest, TransferToQueueSendsTheAgentToWrapUp) {
  QueueConfig q1 = queue("q1");
  q1.wrapUpUs = 5 * kSec;
  addQueue(q1);
  addQueue(queue("q2"));
  addAgent("a1");
  addAgent("b1");
  member("a1", "q1");
  member("b1", "q2");
  loginReady("a1");
  loginReady("b1");
  enqueue("x1", "q1");
  answer("x1", "a1");
  ASSERT_TRUE(acd_.transferToQueue("x1", "q2").ok());
  EXPECT_EQ(stateOf("a1"), AgentState::WrapUp);
  EXPECT_EQ(lastOfferAgent(), "b1");
  EXPECT_EQ(acd_.interaction("x1").value().queueId, "q2");
}

TEST_F(AcdTest, SupervisorMovesAWaitingInteraction) {
  addQueue(queue("q1"));
  addQueue(queue("q2"));
  addAgent("b1");
  addAgent("s1");
  member("b1", "q2");
  loginReady("s1");  // in no queue at all
  enqueue("x1", "q1");
  enqueue("x2", "q1");
  advance(30);
  ASSERT_TRUE(acd_.moveToAgent("x1", "s1").ok());
  EXPECT_EQ(lastOfferAgent(), "s1");
  EXPECT_EQ(acd_.moveToAgent("x2", "s1").error().code, "agent_unavailable");
  ASSERT_TRUE(acd_.moveToQueue("x2", "q2").ok());
  enqueue("y1", "q2");
  loginReady("b1");  // x2 kept its age: it is ahead of y1
  EXPECT_EQ(rec_.offers.back().ix, "x2");
}

TEST_F(AcdTest, ForcedLogoutReturnsARingingOfferToTheQueue) {
  addQueue(queue("q"));
  addAgent("a1");
  addAgent("a2");
  member("a1", "q");
  member("a2", "q");
  loginReady("a1");
  advance(1);
  enqueue("x1", "q");
  ASSERT_EQ(lastOfferAgent(), "a1");
  EXPECT_EQ(acd_.logout("a1").error().code, "agent_busy");
  ASSERT_TRUE(acd_.forceState("a1", Presence::LoggedOut).ok());
  EXPECT_EQ(rec_.cancels.back().why, CancelReason::AgentLoggedOut);
  EXPECT_EQ(stateOf("a1"), AgentState::LoggedOut);
  loginReady("a2");
  EXPECT_EQ(lastOfferAgent(), "a2");
  ASSERT_TRUE(acd_.forceState("a2", Presence::NotReady, "").ok());
  EXPECT_EQ(acd_.agentStats("a2").value().state, AgentState::Reserved);
  answer("x1", "a2");
  end("x1");
  EXPECT_EQ(acd_.agentStats("a2").value().reason, "forced");
}

TEST_F(AcdTest, BadInputGetsClearErrors) {
  addQueue(queue("q"));
  addAgent("a1");
  EnqueueRequest r;
  r.id = "x1";
  r.queueId = "nope";
  EXPECT_EQ(acd_.enqueue(r).error().code, "unknown_queue");
  r.queueId = "q";
  r.id = "";
  EXPECT_EQ(acd_.enqueue(r).error().code, "invalid_argument");
  enqueue("x1", "q");
  r.id = "x1";
  EXPECT_EQ(acd_.enqueue(r).error().code, "duplicate_interaction");
  EXPECT_EQ(acd_.agentAnswered("x1", "a1").error().code, "not_offered");
  EXPECT_EQ(acd_.agentAnswered("zz", "a1").error().code, "unknown_interaction");
  EXPECT_EQ(acd_.ready("a1").error().code, "not_logged_in");
  ASSERT_TRUE(acd_.login("a1").ok());
  EXPECT_EQ(acd_.notReady("a1", "nap").error().code, "invalid_reason");
  EXPECT_EQ(acd_.ready("ghost").error().code, "unknown_agent");
  EXPECT_EQ(acd_.removeQueue("q").error().code, "queue_not_empty");
  QueueConfig bad = queue("b");
  bad.ringTimeoutUs = 0;
  EXPECT_EQ(acd_.upsertQueue(bad).error().code, "invalid_argument");
  acd_.setNotReadyReasons({"nap"});
  EXPECT_TRUE(acd_.notReady("a1", "nap").ok());
}

// A listener that calls back into the Acd from a callback is refused.
class Reentrant : public Recorder {
 public:
  Acd *acd = nullptr;
  std::string code;
  void onOffer(const Interaction &ix, AgentRef agent, int64_t t) override {
    Recorder::onOffer(ix, agent, t);
    auto r = acd->agentAnswered(ix.id, agent.id);
    code = r.ok() ? "ok" : r.error().code;
  }
};

TEST(AcdReentry, ListenerMayNotCallBackIn) {
  core::VirtualClock clock;
  TimerHeap timers;
  Reentrant rec;
  Acd acd(clock, timers, rec);
  rec.acd = &acd;
  QueueConfig q;
  q.id = "q";
  ASSERT_TRUE(acd.upsertQueue(q).ok());
  AgentConfig a;
  a.id = "a1";
  ASSERT_TRUE(acd.upsertAgent(a).ok());
  ASSERT_TRUE(acd.setMembership({"a1", "q", 0, -1}).ok());
  ASSERT_TRUE(acd.login("a1").ok());
  ASSERT_TRUE(acd.ready("a1").ok());
  EnqueueRequest r;
  r.id = "x1";
  r.queueId = "q";
  ASSERT_TRUE(acd.enqueue(r).ok());
  EXPECT_EQ(rec.code, "reentrant_call");
  EXPECT_TRUE(acd.agentAnswered("x1", "a1").ok());  // fine from outside
}

}  // namespace
}  // namespace hujiao::acd::testing
