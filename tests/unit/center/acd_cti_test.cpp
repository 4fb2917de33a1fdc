// AcdService CTI actions with a fake CallControl: agent states, answer,
// hangup, hold, transfers, consultation, pickup, supervision, force release,
// move, wrap-up with disposition; plus the store, JSON and webhook signing.
#include "acd_test_fixture.h"
#include "center/acd_json.h"
#include "center/acd_webhooks.h"

namespace hujiao::center::testing {
namespace {

class AcdCtiTest : public AcdServiceTest {
 protected:
  /// u1 (1001) connected to caller c1 in queue "service"; u2 (1002) ready.
  std::string connectedCall(int wrapUpS = 0) {
    start();
    auto q = queue("service", "linear");
    q.wrapUpS = wrapUpS;
    acd_->applyQueue(q);
    acd_->applyQueue(queue("sales"));
    addAgent("u1", "1001", "service");
    addAgent("u2", "1002", "service");
    addAgent("u3", "1003", "sales");
    readyAgent("u1");
    callIn("c1", "service");
    answerConnect(calls_.lastTo("1001"));
    readyAgent("u2");
    return interactionOf("c1");
  }
  CtiAction action(const std::string& kind, const std::string& agent, const std::string& ix) {
    CtiAction a;
    a.kind = kind;
    a.agentId = agent;
    a.interactionId = ix;
    return a;
  }
};

TEST_F(AcdCtiTest, AgentStatesAndErrors) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  EXPECT_EQ(act("ready", "u1").error().code, "invalid_state");  // not logged in
  EXPECT_EQ(act("login", "nobody").error().code, "not_found");
  ASSERT_TRUE(act("login", "u1"));
  EXPECT_EQ(stateOf("u1"), "not_ready:login");
  CtiAction nr = action("not_ready", "u1", "");
  nr.reason = "nap";
  EXPECT_EQ(acd_->actNow(nr).error().code, "invalid_field");
  nr.reason = "lunch";
  ASSERT_TRUE(acd_->actNow(nr));
  EXPECT_EQ(stateOf("u1"), "not_ready:lunch");
  auto r = act("ready", "u1");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["state"], "ready");
  const core::Event* e = lastEvent("agent.state");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data["state"], "ready");
  EXPECT_EQ(e->data["previous"], "not_ready");
  EXPECT_EQ(act("dance", "u1").error().code, "invalid_request");
}

TEST_F(AcdCtiTest, LogoutWhileBusyIsRefusedForceLogoutIsNot) {
  connectedCall();
  EXPECT_EQ(act("logout", "u1").error().code, "invalid_state");
  ASSERT_TRUE(act("force_logout", "u1"));
  EXPECT_EQ(stateOf("u1"), "busy");  // the call goes on; logged out when it ends
}

TEST_F(AcdCtiTest, AnswerReoffersWithAutoAnswer) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  readyAgent("u1");
  callIn("c1", "service");
  const std::string ix = interactionOf("c1");
  const uint64_t first = leg("1001").id;
  EXPECT_FALSE(leg("1001").req.autoAnswer);
  auto r = acd_->actNow(action("answer", "u1", ix));
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["state"], "answering");
  ASSERT_EQ(calls_.disconnects.size(), 1u);
  EXPECT_EQ(calls_.disconnects[0].second, first);
  const auto* again = calls_.lastTo("1001");
  ASSERT_NE(again, nullptr);
  ASSERT_NE(again->id, first);
  EXPECT_TRUE(again->req.autoAnswer);
  // The cancelled first leg reports "cancelled": nothing happens.
  call::ConnectResult cancelled;
  cancelled.cause = "cancelled";
  router_.onConnectResult("c1", first, cancelled);
  EXPECT_EQ(stateOf("u1"), "reserved");
  answerConnect(again);
  EXPECT_EQ(stateOf("u1"), "busy");
  EXPECT_EQ(acd_->actNow(action("answer", "u2", ix)).error().code, "not_found");  // u2 is no agent
}

TEST_F(AcdCtiTest, HangupDisconnectsTheAgentLegAndWrapsUp) {
  const std::string ix = connectedCall(20);
  const uint64_t agentLeg = leg("1001").id;
  EXPECT_EQ(acd_->actNow(action("hangup", "u2", ix)).error().code, "invalid_state");  // not his
  ASSERT_TRUE(acd_->actNow(action("hangup", "u1", ix)));
  ASSERT_FALSE(calls_.disconnects.empty());
  EXPECT_EQ(calls_.disconnects.back().second, agentLeg);
  router_.onConnectedPartyGone("c1", agentLeg, "normal");
  EXPECT_TRUE(calls_.hungUpCall("c1"));
  EXPECT_EQ(stateOf("u1"), "wrap_up");
  CtiAction w = action("wrapup", "u1", ix);
  w.disposition = "resolved";
  w.notes = "refund issued";
  ASSERT_TRUE(acd_->actNow(w));
  EXPECT_EQ(stateOf("u1"), "ready");
  acd_->writer().flush();
  auto d = acd_->store().listDispositions(ix);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].disposition, "resolved");
  EXPECT_EQ((*d)[0].notes, "refund issued");
  EXPECT_EQ((*d)[0].callId, "c1");
  EXPECT_EQ(acd_->actNow(w).error().code, "invalid_state");  // nothing left to wrap up
}

TEST_F(AcdCtiTest, HoldAndUnhold) {
  const std::string ix = connectedCall();
  ASSERT_TRUE(acd_->actNow(action("hold", "u1", ix)));
  EXPECT_EQ(acd_->interactionsNow()[0].state, "held");
  EXPECT_EQ(acd_->actNow(action("hold", "u1", ix)).error().code, "invalid_state");
  ASSERT_TRUE(acd_->actNow(action("unhold", "u1", ix)));
  ASSERT_EQ(calls_.holds.size(), 2u);
  EXPECT_TRUE(calls_.holds[0].second);
  EXPECT_FALSE(calls_.holds[1].second);
  EXPECT_EQ(count("interaction.held"), 1);
  EXPECT_EQ(count("interaction.resumed"), 1);
}

TEST_F(AcdCtiTest, BlindTransferToAnAgentRingsOnlyHim) {
  const std::string ix = connectedCall();
  addAgent("u4", "1004", "service");
  readyAgent("u4");
  CtiAction t = action("transfer", "u1", ix);
  t.targetType = "agent";
  t.target = "u4";
  ASSERT_TRUE(acd_->actNow(t));
  EXPECT_EQ(calls_.lastTo("1002"), nullptr);  // u2 was next in line but is not rung
  const auto* ring = calls_.lastTo("1004");
  ASSERT_NE(ring, nullptr);
  answerConnect(ring);
  EXPECT_EQ(stateOf("u4"), "busy");
  EXPECT_EQ(stateOf("u1"), "ready");
  EXPECT_EQ(count("interaction.transferred"), 1);
  // The first agent's leg going away is not "the agent hung up".
  router_.onConnectedPartyGone("c1", leg("1001").id, "normal");
  EXPECT_FALSE(calls_.hungUpCall("c1"));
}

TEST_F(AcdCtiTest, BlindTransferToAQueue) {
  const std::string ix = connectedCall();
  readyAgent("u3");
  CtiAction t = action("transfer", "u1", ix);
  t.targetType = "queue";
  t.target = "sales";
  ASSERT_TRUE(acd_->actNow(t));
  EXPECT_NE(calls_.lastTo("1003"), nullptr);
  EXPECT_EQ(acd_->interactionsNow()[0].queueId, "sales");
}

TEST_F(AcdCtiTest, BlindTransferToANumberHandsTheCallOff) {
  const std::string ix = connectedCall();
  calls_.conflicts = 1;  // the agent's leg is still going away on the first try
  CtiAction t = action("transfer", "u1", ix);
  t.targetType = "number";
  t.target = "13912345678";
  ASSERT_TRUE(acd_->actNow(t));
  EXPECT_EQ(calls_.lastTo("13912345678"), nullptr);
  advanceMs(20);
  const auto* out = calls_.lastTo("13912345678");
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(out->req.handOff);
  EXPECT_EQ(out->req.kind, call::ConnectRequest::Kind::Number);
  EXPECT_EQ(stateOf("u1"), "ready");
  answerConnect(out);
  router_.onAppCallEnded("c1", "normal", "callee");
  EXPECT_TRUE(acd_->interactionsNow().empty());
}

TEST_F(AcdCtiTest, ConsultThenTransfer) {
  const std::string ix = connectedCall();
  CtiAction c = action("consult", "u1", ix);
  c.targetType = "agent";
  c.target = "u3";
  ASSERT_TRUE(acd_->actNow(c));
  ASSERT_EQ(calls_.consults.size(), 1u);
  const auto* consulted = calls_.lastTo("1003");
  ASSERT_NE(consulted, nullptr);
  EXPECT_EQ(acd_->actNow(action("conference", "u1", ix)).error().code, "invalid_state");  // not answered yet
  answerConnect(consulted);
  EXPECT_EQ(lastEvent("interaction.consult")->data["state"], "connected");
  ASSERT_TRUE(acd_->actNow(action("consult_transfer", "u1", ix)));
  ASSERT_EQ(calls_.completes.back().second, "transfer");
  EXPECT_EQ(stateOf("u1"), "ready");
  // The consulted party hangs up later: the call ends.
  router_.onConnectedPartyGone("c1", consulted->id, "normal");
  EXPECT_TRUE(calls_.hungUpCall("c1"));
}

TEST_F(AcdCtiTest, ConsultThenConferenceThenAgentLeaves) {
  const std::string ix = connectedCall();
  CtiAction c = action("consult", "u1", ix);
  c.targetType = "number";
  c.target = "13800009999";
  ASSERT_TRUE(acd_->actNow(c));
  const auto* consulted = calls_.lastTo("13800009999");
  EXPECT_EQ(consulted->req.kind, call::ConnectRequest::Kind::Number);
  answerConnect(consulted);
  ASSERT_TRUE(acd_->actNow(action("conference", "u1", ix)));
  EXPECT_EQ(calls_.completes.back().second, "conference");
  router_.onConnectedPartyGone("c1", leg("1001").id, "normal");
  EXPECT_FALSE(calls_.hungUpCall("c1"));  // customer and third party go on
  EXPECT_EQ(stateOf("u1"), "ready");
  router_.onConnectedPartyGone("c1", consulted->id, "normal");
  EXPECT_TRUE(calls_.hungUpCall("c1"));
}

TEST_F(AcdCtiTest, ConsultCancel) {
  const std::string ix = connectedCall();
  EXPECT_EQ(acd_->actNow(action("consult_cancel", "u1", ix)).error().code, "invalid_state");
  CtiAction c = action("consult", "u1", ix);
  c.targetType = "extension";
  c.target = "1005";
  ASSERT_TRUE(acd_->actNow(c));
  ASSERT_TRUE(acd_->actNow(action("consult_cancel", "u1", ix)));
  EXPECT_EQ(calls_.completes.back().second, "cancel");
  EXPECT_EQ(stateOf("u1"), "busy");
}

TEST_F(AcdCtiTest, PickupOfACallRingingAnotherAgent) {
  start();
  acd_->applyQueue(queue("service", "linear"));
  addAgent("u1", "1001", "service");
  addAgent("u2", "1002", "service");
  readyAgent("u1");
  callIn("c1", "service");
  readyAgent("u2");
  const std::string ix = interactionOf("c1");
  const uint64_t ringing = leg("1001").id;
  EXPECT_EQ(acd_->actNow(action("pickup", "u1", ix)).error().code, "invalid_state");  // his own
  calls_.conflicts = 1;  // the first agent's leg is still being cancelled
  ASSERT_TRUE(acd_->actNow(action("pickup", "u2", ix)));
  EXPECT_EQ(calls_.disconnects.back().second, ringing);
  advanceMs(20);
  const auto* mine = calls_.lastTo("1002");
  ASSERT_NE(mine, nullptr);
  EXPECT_TRUE(mine->req.autoAnswer);
  answerConnect(mine);
  EXPECT_EQ(stateOf("u2"), "busy");
  EXPECT_EQ(stateOf("u1"), "ready");
}

TEST_F(AcdCtiTest, DtmfGoesToTheCall) {
  const std::string ix = connectedCall();
  CtiAction d = action("dtmf", "u1", ix);
  d.digits = "12#";
  ASSERT_TRUE(acd_->actNow(d));
  ASSERT_EQ(calls_.digits.size(), 1u);
  EXPECT_EQ(calls_.digits[0].second, "12#");
  d.digits = "1x";
  EXPECT_EQ(acd_->actNow(d).error().code, "invalid_field");
}

TEST_F(AcdCtiTest, SupervisorListenWhisperBargeAndStop) {
  connectedCall();
  CtiAction s;
  s.kind = "listen";
  s.agentId = "u1";
  s.device = "1005";
  auto r = acd_->actNow(s);
  ASSERT_TRUE(r);
  ASSERT_EQ(calls_.supervisions.size(), 1u);
  EXPECT_EQ(calls_.supervisions[0].callId, "c1");
  EXPECT_EQ(calls_.supervisions[0].extension, "1005");
  EXPECT_EQ(calls_.supervisions[0].mode, media::SuperviseMode::Listen);
  const uint64_t id = (*r)["supervision_id"];
  s.kind = "barge";
  auto again = acd_->actNow(s);  // same device: the mode changes, no new leg
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["supervision_id"], id);
  EXPECT_EQ(calls_.supervisions.size(), 1u);
  CtiAction stop;
  stop.kind = "stop_supervising";
  stop.supervisionId = id;
  ASSERT_TRUE(acd_->actNow(stop));
  EXPECT_EQ(calls_.stopped, std::vector<uint64_t>{id});
  s.agentId = "u2";  // not on a call
  EXPECT_EQ(acd_->actNow(s).error().code, "invalid_state");
}

TEST_F(AcdCtiTest, SupervisingAMutedAgentIsRefusedUpFront) {
  const std::string ix = connectedCall();
  CtiAction m = action("mute", "u1", ix);
  m.on = true;
  ASSERT_TRUE(acd_->muteNow(m));
  CtiAction s;
  s.kind = "listen";
  s.agentId = "u1";
  s.device = "1005";
  auto r = acd_->actNow(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_state");
  EXPECT_NE(r.error().message.find("muted"), std::string::npos) << r.error().message;
  EXPECT_TRUE(calls_.supervisions.empty());  // the supervisor's phone never rang
  m.on = false;
  ASSERT_TRUE(acd_->muteNow(m));
  ASSERT_TRUE(acd_->actNow(s));
  EXPECT_EQ(calls_.supervisions.size(), 1u);
}

TEST_F(AcdCtiTest, ForceReleaseHangsUpTheCall) {
  const std::string ix = connectedCall();
  CtiAction f;
  f.kind = "force_release";
  f.interactionId = ix;
  ASSERT_TRUE(acd_->actNow(f));
  ASSERT_EQ(calls_.hungUp.size(), 1u);
  EXPECT_EQ(calls_.hungUp[0].second, "force_release");
  router_.onAppCallEnded("c1", "force_release", "system");
  EXPECT_EQ(stateOf("u1"), "ready");
  EXPECT_EQ(count("interaction.ended"), 1);
}

TEST_F(AcdCtiTest, MoveAWaitingInteraction) {
  start();
  acd_->applyQueue(queue("service"));
  acd_->applyQueue(queue("sales"));
  addAgent("u3", "1003", "sales");
  callIn("c1", "service");
  const std::string ix = interactionOf("c1");
  CtiAction m;
  m.kind = "move";
  m.interactionId = ix;
  m.queueId = "sales";
  ASSERT_TRUE(acd_->actNow(m));
  EXPECT_EQ(acd_->interactionsNow()[0].queueId, "sales");
  readyAgent("u3");
  EXPECT_NE(calls_.lastTo("1003"), nullptr);
}

TEST_F(AcdCtiTest, ForceReadyAndNotReady) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  ASSERT_TRUE(act("login", "u1"));
  ASSERT_TRUE(act("force_ready", "u1"));
  EXPECT_EQ(stateOf("u1"), "ready");
  ASSERT_TRUE(act("force_not_ready", "u1"));
  EXPECT_EQ(stateOf("u1"), "not_ready:forced");
}

TEST(AcdJson, QueueRoundTripAndValidation) {
  QueueSettings q;
  nlohmann::json body = {{"id", "vip"},
                         {"name", "VIP"},
                         {"strategy", "fewest_calls"},
                         {"skills", {{{"skill", "en"}, {"min_level", 3}}}},
                         {"max_wait_s", 120},
                         {"overflow", {{"type", "number"}, {"target", "010"}}},
                         {"join_empty", false}};
  ASSERT_TRUE(applyQueueJson(body, q));
  ASSERT_TRUE(validateQueue(q));
  auto c = toAcdConfig(q);
  EXPECT_EQ(c.strategy, acd::Strategy::FewestInteractions);
  EXPECT_EQ(c.maxWaitUs, 120'000'000);
  EXPECT_EQ(c.overflowTarget.kind, acd::OverflowKind::External);
  EXPECT_EQ(c.joinEmpty, acd::EmptyRule::NoAgentReady);
  auto j = toJson(q);
  EXPECT_EQ(j["skills"][0]["min_level"], 3);
  EXPECT_EQ(j["overflow"]["type"], "number");
  EXPECT_EQ(applyQueueJson({{"strategy", "fastest"}}, q).error().code, "invalid_field");
  EXPECT_EQ(applyQueueJson({{"max_wait_s", -1}}, q).error().code, "invalid_field");
  EXPECT_EQ(applyQueueJson({{"colour", "red"}}, q).error().code, "unknown_field");
  // Per-queue callback retries: null = the global acd.* default.
  EXPECT_TRUE(toJson(q)["callback_retry_s"].is_null());
  ASSERT_TRUE(applyQueueJson({{"callback_retry_s", 45}, {"callback_attempts", 4}}, q));
  EXPECT_EQ(q.callbackRetryS, 45);
  EXPECT_EQ(q.callbackAttempts, 4);
  EXPECT_EQ(toJson(q)["callback_retry_s"], 45);
  EXPECT_EQ(toJson(q)["callback_attempts"], 4);
  auto badRetry = applyQueueJson({{"callback_retry_s", 0}}, q);
  ASSERT_FALSE(badRetry);
  EXPECT_EQ(badRetry.error().code, "invalid_field");
  EXPECT_NE(badRetry.error().message.find("callback_retry_s"), std::string::npos) << badRetry.error().message;
  EXPECT_NE(badRetry.error().message.find("between 1 and 86400"), std::string::npos) << badRetry.error().message;
  EXPECT_EQ(applyQueueJson({{"callback_attempts", 11}}, q).error().code, "invalid_field");
  EXPECT_EQ(applyQueueJson({{"callback_attempts", "3"}}, q).error().code, "invalid_field");
  EXPECT_EQ(q.callbackAttempts, 4);  // a bad value changes nothing
  ASSERT_TRUE(applyQueueJson({{"callback_retry_s", nullptr}, {"callback_attempts", nullptr}}, q));
  EXPECT_FALSE(q.callbackRetryS.has_value());
  EXPECT_FALSE(q.callbackAttempts.has_value());
  QueueSettings bad = q;
  bad.overflowType = "queue";
  bad.overflowTarget.clear();
  EXPECT_FALSE(validateQueue(bad));
  bad.id = "has space";
  EXPECT_FALSE(validateQueue(bad));
}

TEST_F(AcdServiceTest, StoreKeepsQueuesMembersAgentsWebhooks) {
  start();
  AcdStore& s = acd_->store();
  auto q = queue("service", "round_robin");
  q.wrapUpS = 7;
  q.skills = {{"zh", 2}};
  ASSERT_TRUE(s.saveQueue(q));
  auto back = s.getQueue("service");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->strategy, "round_robin");
  EXPECT_EQ(back->wrapUpS, 7);
  EXPECT_EQ(back->skills, q.skills);
  EXPECT_GT(back->createdUs, 0);
  AgentSettings a;
  a.userId = "u1";
  a.extension = "1001";
  a.skills = {{"zh", 5}};
  a.capacity = {1, 2, 0, 0};
  a.autoAnswer = true;
  ASSERT_TRUE(s.saveAgent(a));
  auto ab = s.getAgent("u1");
  ASSERT_TRUE(ab);
  EXPECT_EQ(ab->skills, a.skills);
  EXPECT_EQ(ab->capacity, a.capacity);
  EXPECT_TRUE(ab->autoAnswer);
  ASSERT_TRUE(s.saveMember({"service", "u1", 1, 3}));
  ASSERT_TRUE(s.saveMember({"service", "u1", 2, 4}));  // upsert
  auto ms = s.listMembers("service");
  ASSERT_EQ(ms->size(), 1u);
  EXPECT_EQ((*ms)[0].level, 2);
  ASSERT_TRUE(s.deleteQueue("service"));
  EXPECT_TRUE(s.listMembers("service")->empty());
  EXPECT_EQ(s.getQueue("service").error().code, "not_found");
  auto w = s.createWebhook({"", "http://127.0.0.1:1/x", "s3cret", {"agent.*"}, 0});
  ASSERT_TRUE(w);
  auto ws = s.listWebhooks();
  ASSERT_EQ(ws->size(), 1u);
  EXPECT_EQ((*ws)[0].events, std::vector<std::string>{"agent.*"});
  ASSERT_TRUE(s.deleteWebhook(w->id));
  EXPECT_EQ(s.deleteWebhook(w->id).error().code, "not_found");
}

TEST(AcdWebhooks, SignatureIsHmacSha256) {
  // RFC 4231 test case 2.
  EXPECT_EQ(AcdWebhooks::sign("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(AcdWebhooks::matches({}, "agent.state"));
  EXPECT_TRUE(AcdWebhooks::matches({"agent.*"}, "agent.state"));
  EXPECT_TRUE(AcdWebhooks::matches({"*"}, "queue.stats"));
  EXPECT_FALSE(AcdWebhooks::matches({"interaction.*"}, "agent.state"));
  EXPECT_TRUE(AcdWebhooks::matches({"queue.stats", "agent.state"}, "agent.state"));
}

TEST(AcdWebhooks, UndeliverableHooksAreRetriedThenGivenUp) {
  core::VirtualClock clock;
  AcdWebhooks hooks(clock, WebhookOptions{200, 3, 10});
  // Port 1 on loopback: connection refused at once.
  hooks.setHooks({{"h1", "http://127.0.0.1:1/hook", "k", {"agent.*"}, 0}});
  hooks.deliver(core::Event{"queue.stats", 1, {}, ""});  // not subscribed
  hooks.deliver(core::Event{"agent.state", 1, {{"agent_id", "u1"}}, ""});
  for (int i = 0; i < 200 && hooks.failed() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    clock.advanceMs(1000);
    hooks.poll();
  }
  EXPECT_EQ(hooks.failed(), 1u);
  EXPECT_EQ(hooks.attempts(), 3u);
  EXPECT_EQ(hooks.delivered(), 0u);
}

}  // namespace
}  // namespace hujiao::center::testing
