// AcdService on the session-3 switch contracts, with the fake CallControl on a
// virtual clock: ring-all with parallel connects, callbacks through
// CallControl::originate (customer first), CTI mute, and the hand-over of a
// DID call to a flow when its queue overflows.
#include "acd_test_fixture.h"

namespace hujiao::center::testing {
namespace {

call::ConnectResult lost() {
  call::ConnectResult r;
  r.sipCode = 200;
  r.cause = "answered_elsewhere";
  return r;
}

TEST_F(AcdServiceTest, RingAllRingsEveryReadyAgentAtOnce) {
  start();
  acd_->applyQueue(queue("service", "ring_all"));
  const std::vector<std::pair<std::string, std::string>> agents = {{"u1", "1001"}, {"u2", "1002"}, {"u3", "1003"}};
  for (const auto& [id, ext] : agents) {
    addAgent(id, ext, "service");
    readyAgent(id);
  }
  callIn("c1", "service");
  ASSERT_EQ(calls_.connects.size(), 3u);  // all three at the same time
  for (const auto& k : calls_.connects) EXPECT_TRUE(k.req.parallel) << k.req.destination;
  EXPECT_EQ(stateOf("u1"), "reserved");
  EXPECT_EQ(stateOf("u3"), "reserved");
  // The second one answers; the switch cancels the others and reports them.
  const FakeCalls::Connect* winner = calls_.lastTo("1002");
  answerConnect(winner);
  for (const char* ext : {"1001", "1003"}) router_.onConnectResult("c1", calls_.lastTo(ext)->id, lost());
  EXPECT_EQ(stateOf("u2"), "busy");
  EXPECT_EQ(stateOf("u1"), "ready");  // not blamed: answered elsewhere
  EXPECT_EQ(stateOf("u3"), "ready");
  EXPECT_TRUE(calls_.disconnects.empty());  // the switch did the cancelling
  auto views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].agentId, "u2");
  EXPECT_EQ(views[0].state, "connected");
  EXPECT_EQ(count("interaction.ring_no_answer"), 0);
}

TEST_F(AcdServiceTest, RingAllOneBusyPhoneLeavesTheOthersRinging) {
  start();
  acd_->applyQueue(queue("service", "ring_all"));
  addAgent("u1", "1001", "service");
  addAgent("u2", "1002", "service");
  readyAgent("u1");
  readyAgent("u2");
  callIn("c1", "service");
  ASSERT_EQ(calls_.connects.size(), 2u);
  failConnect(calls_.lastTo("1001"), "busy");
  EXPECT_EQ(stateOf("u1"), "not_ready:rejected");
  EXPECT_EQ(calls_.connects.size(), 2u);  // no new ring: u2 still rings
  EXPECT_EQ(stateOf("u2"), "reserved");
  auto views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].state, "ringing");
  EXPECT_EQ(views[0].agentId, "u2");  // the remaining leg is the one shown
  answerConnect(calls_.lastTo("1002"));
  EXPECT_EQ(stateOf("u2"), "busy");
}

TEST_F(AcdServiceTest, RingAllTimeoutCancelsEveryLeg) {
  start();
  acd_->applyQueue(queue("service", "ring_all"));  // ring timeout 10 s
  addAgent("u1", "1001", "service");
  addAgent("u2", "1002", "service");
  readyAgent("u1");
  readyAgent("u2");
  callIn("c1", "service");
  ASSERT_EQ(calls_.connects.size(), 2u);
  advanceMs(10'000);
  EXPECT_FALSE(calls_.connects[0].live);
  EXPECT_FALSE(calls_.connects[1].live);
  EXPECT_EQ(stateOf("u1"), "not_ready:rna");
  EXPECT_EQ(stateOf("u2"), "not_ready:rna");
}

class CallbackTest : public AcdServiceTest {
 protected:
  /// A caller who accepts the callback offer and hangs up; u1 is the member.
  void acceptedCallback() {
    start();
    auto q = queue("service");
    q.callbackOfferWaitS = 60;  // no agent serving: the estimate is unknown, offer at once
    acd_->applyQueue(q);
    addAgent("u1", "1001", "service");
    callIn("c1", "service", "13700000003");
    ASSERT_EQ(count("interaction.callback"), 1);
    router_.onAppDigit("c1", '1', 100);
    ASSERT_EQ(lastEvent("interaction.callback")->data["state"], "accepted");
    const auto& [callId, req] = calls_.plays.back();
    router_.onAppPlaybackDone(callId, req.requestId, "completed");
    ASSERT_TRUE(calls_.hungUpCall("c1"));
    router_.onAppCallEnded("c1", "normal", "system");
  }
  void originateResult(size_t n, bool answered, const std::string& cause) {
    call::OriginateResult r;
    r.answered = answered;
    r.sipCode = answered ? 200 : 480;
    r.cause = cause;
    router_.onOriginateResult("orig-" + std::to_string(n), r);
  }
};

TEST_F(CallbackTest, CallsTheCustomerFirstThenConnectsTheAgent) {
  acceptedCallback();
  auto views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_TRUE(views[0].callback);
  EXPECT_EQ(count("interaction.abandoned"), 0);
  const size_t connectsBefore = calls_.connects.size();
  readyAgent("u1");
  // The customer is called first; the agent's phone does not ring yet.
  ASSERT_EQ(calls_.originates.size(), 1u);
  EXPECT_EQ(calls_.originates[0].destination, "13700000003");
  EXPECT_EQ(calls_.originates[0].callerIdNumber, "4002");  // the hotline he called
  EXPECT_EQ(calls_.originates[0].targetType, "callback");
  EXPECT_EQ(calls_.connects.size(), connectsBefore);
  EXPECT_EQ(stateOf("u1"), "reserved");
  EXPECT_EQ(router_.owner("orig-1"), acd_.get());
  EXPECT_EQ(acd_->queueStatsNow()[0].stats.answered, 0u);
  // He answers: counted as answered, and the agent is connected with auto-answer.
  originateResult(1, true, "answered");
  EXPECT_EQ(acd_->queueStatsNow()[0].stats.answered, 1u);
  const auto* agentLeg = calls_.lastTo("1001");
  ASSERT_NE(agentLeg, nullptr);
  EXPECT_EQ(agentLeg->callId, "orig-1");
  EXPECT_TRUE(agentLeg->req.autoAnswer);
  answerConnect(agentLeg);
  EXPECT_EQ(stateOf("u1"), "busy");
  views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].state, "connected");
  EXPECT_EQ(views[0].callId, "orig-1");
  // The customer hangs up: an ordinary end.
  router_.onAppCallEnded("orig-1", "normal", "caller");
  EXPECT_TRUE(acd_->interactionsNow().empty());
  EXPECT_EQ(stateOf("u1"), "ready");
}

TEST_F(CallbackTest, UnansweredCallbackFreesTheAgentAndIsRetriedThenGivenUp) {
  config_.set("acd.callback_attempts", int64_t{2});
  config_.set("acd.callback_retry_s", int64_t{30});
  acceptedCallback();
  readyAgent("u1");
  ASSERT_EQ(calls_.originates.size(), 1u);
  originateResult(1, false, "no_answer");
  router_.onAppCallEnded("orig-1", "no_answer", "callee");
  EXPECT_EQ(stateOf("u1"), "ready");  // not blamed
  EXPECT_EQ(lastEvent("interaction.callback")->data["state"], "retry");
  EXPECT_EQ(calls_.originates.size(), 1u);
  advanceMs(30'000);
  ASSERT_EQ(calls_.originates.size(), 2u);  // called again
  EXPECT_EQ(stateOf("u1"), "reserved");
  originateResult(2, false, "busy");
  EXPECT_EQ(lastEvent("interaction.callback")->data["state"], "failed");
  EXPECT_EQ(stateOf("u1"), "ready");
  advanceMs(60'000);
  EXPECT_EQ(calls_.originates.size(), 2u);
  EXPECT_TRUE(acd_->interactionsNow().empty());
}

TEST_F(CallbackTest, TheQueuesOwnRetrySettingsWinOverTheGlobalOnes) {
  config_.set("acd.callback_attempts", int64_t{2});
  config_.set("acd.callback_retry_s", int64_t{30});
  acceptedCallback();
  auto q = queue("service");
  q.callbackOfferWaitS = 60;
  q.callbackRetryS = 5;
  q.callbackAttempts = 3;
  acd_->applyQueue(q);
  readyAgent("u1");
  for (size_t n = 1; n <= 2; ++n) {
    ASSERT_EQ(calls_.originates.size(), n);
    originateResult(n, false, "no_answer");
    const core::Event* e = lastEvent("interaction.callback");
    EXPECT_EQ(e->data["state"], "retry");
    EXPECT_EQ(e->data["retry_in_s"], 5);
    EXPECT_EQ(e->data["attempts"], 3);
    advanceMs(4'000);
    EXPECT_EQ(calls_.originates.size(), n);  // not before the queue's 5 s
    advanceMs(1'000);
  }
  ASSERT_EQ(calls_.originates.size(), 3u);  // a third call: the queue allows 3, the global 2
  originateResult(3, false, "busy");
  EXPECT_EQ(lastEvent("interaction.callback")->data["state"], "failed");
  // Back to null: the global defaults apply again.
  q.callbackRetryS.reset();
  q.callbackAttempts.reset();
  acd_->applyQueue(q);
  CtiAction pause;
  pause.kind = "not_ready";
  pause.agentId = "u1";
  pause.reason = "break";
  ASSERT_TRUE(acd_->actNow(pause));  // nobody serving: c2 is offered the callback
  callIn("c2", "service", "13700000004");
  router_.onAppDigit("c2", '1', 100);
  ASSERT_EQ(lastEvent("interaction.callback")->data["state"], "accepted");
  const auto& [callId, req] = calls_.plays.back();
  router_.onAppPlaybackDone(callId, req.requestId, "completed");
  router_.onAppCallEnded("c2", "normal", "system");
  ASSERT_TRUE(act("ready", "u1"));
  ASSERT_EQ(calls_.originates.size(), 4u);
  originateResult(4, false, "no_answer");
  EXPECT_EQ(lastEvent("interaction.callback")->data["retry_in_s"], 30);
  EXPECT_EQ(lastEvent("interaction.callback")->data["attempts"], 2);
}

TEST_F(CallbackTest, InternalNumberFallsBackToTheDialPlanWhenNoExtension) {
  acceptedCallback();
  calls_.originateError = 1;  // not an extension
  readyAgent("u1");
  ASSERT_EQ(calls_.originates.size(), 1u);
  EXPECT_EQ(calls_.originates[0].kind, call::ConnectRequest::Kind::Number);
}

TEST_F(CallbackTest, AgentWhoDoesNotAnswerEndsTheCallbackPolitely) {
  acceptedCallback();
  readyAgent("u1");
  originateResult(1, true, "answered");
  failConnect(calls_.lastTo("1001"), "no_answer");
  EXPECT_EQ(lastEvent("interaction.callback")->data["state"], "failed");
  // An apology, then the call ends.
  const auto& [callId, req] = calls_.plays.back();
  EXPECT_EQ(callId, "orig-1");
  router_.onAppPlaybackDone(callId, req.requestId, "completed");
  EXPECT_TRUE(calls_.hungUpCall("orig-1"));
}

TEST_F(AcdServiceTest, MuteSilencesTheAgentAndIsReported) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  readyAgent("u1");
  callIn("c1", "service");
  const std::string ix = interactionOf("c1");
  CtiAction a;
  a.kind = "mute";
  a.agentId = "u1";
  a.interactionId = ix;
  a.on = true;
  auto early = acd_->muteNow(a);  // still ringing
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, "invalid_state");
  answerConnect(calls_.lastTo("1001"));
  auto r = acd_->muteNow(a);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)["muted"], true);
  EXPECT_EQ((*r)["state"], "connected");
  EXPECT_EQ((*r)["call_id"], "c1");
  ASSERT_EQ(calls_.mutes.size(), 1u);
  EXPECT_EQ(calls_.mutes[0], std::make_pair(std::string("c1"), true));
  const core::Event* e = lastEvent("interaction.muted");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data["interaction_id"], ix);
  EXPECT_EQ(e->data["agent_id"], "u1");
  EXPECT_EQ(e->data["muted"], true);
  EXPECT_TRUE(acd_->interactionsNow()[0].muted);
  EXPECT_TRUE(acd_->muteNow(a));  // idempotent: no second command, no second event
  EXPECT_EQ(calls_.mutes.size(), 1u);
  EXPECT_EQ(count("interaction.muted"), 1);
  a.on = false;
  ASSERT_TRUE(acd_->muteNow(a));
  EXPECT_EQ(calls_.mutes.back(), std::make_pair(std::string("c1"), false));
  EXPECT_FALSE(acd_->interactionsNow()[0].muted);
  // Another agent may not mute this call.
  addAgent("u2", "1002", "service");
  a.agentId = "u2";
  EXPECT_FALSE(acd_->muteNow(a));
}

TEST_F(AcdServiceTest, DidCallOverflowingToAFlowIsHandedToTheFlow) {
  start();
  std::vector<call::AppCallInfo> flowCalls;
  router_.addTarget("flow", [&](const call::AppCallInfo& info) {
    flowCalls.push_back(info);
    router_.own(info.callId, nullptr);
    return true;
  });
  auto q = queue("service");
  q.maxWaitS = 2;
  q.overflowType = "flow";
  q.overflowTarget = "after-hours";
  acd_->applyQueue(q);
  callIn("c1", "service", "13800000009");
  advanceMs(2000);
  ASSERT_EQ(flowCalls.size(), 1u);
  EXPECT_EQ(flowCalls[0].callId, "c1");
  EXPECT_EQ(flowCalls[0].targetType, "flow");
  EXPECT_EQ(flowCalls[0].target, "after-hours");
  EXPECT_EQ(flowCalls[0].callerNumber, "13800000009");
  EXPECT_FALSE(calls_.hungUpCall("c1"));  // no apology and hang-up
  EXPECT_TRUE(acd_->interactionsNow().empty());
  EXPECT_NE(router_.info("c1"), nullptr);  // still a live app call
  // The ACD no longer reacts to the call's callbacks.
  const size_t plays = calls_.plays.size();
  router_.onAppPlaybackDone("c1", 999, "completed");
  EXPECT_EQ(calls_.plays.size(), plays);
}

TEST_F(AcdServiceTest, IvrCallOverflowingToAFlowIsHandedToThatFlowToo) {
  start();
  std::vector<std::string> seen;  // in order: flow starts and IVR outcomes
  router_.addTarget("flow", [&](const call::AppCallInfo& info) {
    seen.push_back("start:" + info.target);
    router_.own(info.callId, nullptr);
    return true;
  });
  auto q = queue("service");
  q.maxWaitS = 2;
  q.overflowType = "flow";
  q.overflowTarget = "after-hours";
  acd_->applyQueue(q);
  call::AppCallInfo info;
  info.callId = "c1";
  info.targetType = "flow";
  info.target = "front";
  info.callerNumber = "13900000002";
  ASSERT_TRUE(router_.onAppCall(info));
  QueueEntry e;
  e.callId = "c1";
  e.queueId = "service";
  ASSERT_TRUE(acd_->enqueueCall(e, [&](const QueueOutcome& o) {
    seen.push_back("outcome:" + std::to_string(static_cast<int>(o.kind)) + ":" + o.detail);
  }));
  advanceMs(2000);
  // The IVR hears first that the call is handed over (and forgets it), then the overflow flow starts.
  const std::string handedOver = std::to_string(static_cast<int>(QueueOutcome::Kind::HandedOver));
  EXPECT_EQ(seen, (std::vector<std::string>{"start:front", "outcome:" + handedOver + ":overflow:flow:after-hours",
                                            "start:after-hours"}));
  EXPECT_FALSE(calls_.hungUpCall("c1"));
  EXPECT_TRUE(acd_->interactionsNow().empty());
  EXPECT_NE(router_.info("c1"), nullptr);
}

TEST_F(AcdServiceTest, HandOverToAMissingFlowEndsTheCall) {
  start();
  auto q = queue("service");
  q.maxWaitS = 2;
  q.overflowType = "flow";
  q.overflowTarget = "nope";
  acd_->applyQueue(q);
  callIn("c1", "service");
  advanceMs(2000);
  EXPECT_TRUE(calls_.hungUpCall("c1"));  // no "flow" target registered at all
}

}  // namespace
}  // namespace hujiao::center::testing
