// AcdService voice path with a fake CallControl on a virtual clock: a call
// into a queue reaches the ready agent, ring-no-answer, abandon, overflow,
// announcements, VIP, callback, and the hang-up paths back to the IVR.
#include "acd_test_fixture.h"

namespace hujiao::center::testing {
namespace {

TEST_F(AcdServiceTest, DidCallReachesTheReadyAgentWithScreenPop) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service", 0, true);
  readyAgent("u1");
  callIn("c1", "service");
  ASSERT_EQ(calls_.answered, std::vector<std::string>{"c1"});
  ASSERT_FALSE(calls_.plays.empty());  // music while it rings
  const auto* ring = calls_.lastTo("1001");
  ASSERT_NE(ring, nullptr);
  EXPECT_TRUE(ring->req.autoAnswer);
  EXPECT_EQ(ring->req.callerIdNumber, "13800000001");
  const std::string ix = interactionOf("c1");
  EXPECT_EQ(ring->req.headers.at("X-Hujiao-Interaction"), ix);
  EXPECT_EQ(stateOf("u1"), "reserved");
  const core::Event* offered = lastEvent("interaction.offered");
  ASSERT_NE(offered, nullptr);
  EXPECT_EQ(offered->data["agent_id"], "u1");
  EXPECT_EQ(offered->data["call_id"], "c1");
  EXPECT_EQ(offered->data["customer"]["number"], "13800000001");
  EXPECT_EQ(offered->data["attributes"]["did"], "4002");

  answerConnect(ring);
  EXPECT_EQ(stateOf("u1"), "busy");
  auto views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].state, "connected");
  EXPECT_EQ(views[0].agentId, "u1");
  EXPECT_EQ(count("interaction.answered"), 1);

  // The caller hangs up: the interaction ends, the agent is free again.
  router_.onAppCallEnded("c1", "normal", "caller");
  EXPECT_EQ(count("interaction.ended"), 1);
  EXPECT_EQ(stateOf("u1"), "ready");
  EXPECT_TRUE(acd_->interactionsNow().empty());
  auto stats = acd_->queueStatsNow();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].stats.answered, 1u);
}

TEST_F(AcdServiceTest, AgentHangsUpDidCallEndsTheCallAndWrapsUp) {
  start();
  auto q = queue("service");
  q.wrapUpS = 30;
  acd_->applyQueue(q);
  addAgent("u1", "1001", "service");
  readyAgent("u1");
  callIn("c1", "service");
  const auto* ring = calls_.lastTo("1001");
  EXPECT_FALSE(ring->req.autoAnswer);
  answerConnect(ring);
  router_.onConnectedPartyGone("c1", ring->id, "normal");
  EXPECT_TRUE(calls_.hungUpCall("c1"));
  EXPECT_EQ(stateOf("u1"), "wrap_up");
  auto views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].state, "wrap_up");
  advanceMs(30'000);
  EXPECT_EQ(stateOf("u1"), "ready");
}

TEST_F(AcdServiceTest, AgentHangsUpIvrCallGoesBackToTheIvr) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  readyAgent("u1");
  ivrCall("c1", "service");
  control_.runPending();
  const auto* ring = calls_.lastTo("1001");
  ASSERT_NE(ring, nullptr);
  const core::Event* offered = lastEvent("interaction.offered");
  EXPECT_EQ(offered->data["attributes"]["order_id"], "A-42");  // IVR variables for the screen pop
  answerConnect(ring);
  ASSERT_EQ(outcomes_["c1"].size(), 1u);
  EXPECT_EQ(outcomes_["c1"][0].kind, QueueOutcome::Kind::Connected);
  router_.onConnectedPartyGone("c1", ring->id, "normal");
  EXPECT_FALSE(calls_.hungUpCall("c1"));  // the IVR has it again (survey)
  ASSERT_EQ(outcomes_["c1"].size(), 2u);
  EXPECT_EQ(outcomes_["c1"][1].kind, QueueOutcome::Kind::AgentHungUp);
  EXPECT_EQ(outcomes_["c1"][1].agentId, "u1");
}

TEST_F(AcdServiceTest, RingNoAnswerGoesToTheNextAgentAndMakesTheFirstNotReady) {
  start();
  acd_->applyQueue(queue("service", "linear"));
  addAgent("u1", "1001", "service");
  addAgent("u2", "1002", "service");
  readyAgent("u1");
  readyAgent("u2");
  callIn("c1", "service");
  const auto* first = calls_.lastTo("1001");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(calls_.lastTo("1002"), nullptr);
  advanceMs(10'000);  // the queue's ring timeout
  EXPECT_EQ(stateOf("u1"), "not_ready:rna");
  ASSERT_EQ(calls_.disconnects.size(), 1u);
  EXPECT_EQ(calls_.disconnects[0].second, first->id);
  EXPECT_EQ(count("interaction.ring_no_answer"), 1);
  const auto* second = calls_.lastTo("1002");
  ASSERT_NE(second, nullptr);
  answerConnect(second);
  EXPECT_EQ(stateOf("u2"), "busy");
}

TEST_F(AcdServiceTest, BusyPhoneIsRejectedAndTheNextAgentRings) {
  start();
  acd_->applyQueue(queue("service", "linear"));
  addAgent("u1", "1001", "service");
  addAgent("u2", "1002", "service");
  readyAgent("u1");
  readyAgent("u2");
  callIn("c1", "service");
  failConnect(calls_.lastTo("1001"), "busy");
  EXPECT_EQ(stateOf("u1"), "not_ready:rejected");
  EXPECT_NE(calls_.lastTo("1002"), nullptr);
}

TEST_F(AcdServiceTest, ConflictingConnectIsRetriedOnTheNextTick) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  readyAgent("u1");
  calls_.conflicts = 1;
  callIn("c1", "service");
  EXPECT_EQ(calls_.lastTo("1001"), nullptr);
  auto views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].state, "ringing");
  advanceMs(20);
  EXPECT_NE(calls_.lastTo("1001"), nullptr);
}

TEST_F(AcdServiceTest, CallerAbandonsWhileWaiting) {
  start();
  acd_->applyQueue(queue("service"));
  callIn("c1", "service");
  EXPECT_EQ(acd_->interactionsNow().size(), 1u);
  EXPECT_EQ(acd_->interactionsNow()[0].state, "waiting");
  router_.onAppCallEnded("c1", "normal", "caller");
  EXPECT_EQ(count("interaction.abandoned"), 1);
  EXPECT_EQ(acd_->queueStatsNow()[0].stats.abandoned, 1u);
  EXPECT_TRUE(acd_->interactionsNow().empty());
}

TEST_F(AcdServiceTest, CallerHangsUpWhileRingingCancelsTheAgentLeg) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  readyAgent("u1");
  callIn("c1", "service");
  const auto* ring = calls_.lastTo("1001");
  router_.onAppCallEnded("c1", "normal", "caller");
  ASSERT_EQ(calls_.disconnects.size(), 1u);
  EXPECT_EQ(calls_.disconnects[0].second, ring->id);
  EXPECT_EQ(stateOf("u1"), "ready");
}

TEST_F(AcdServiceTest, MaxWaitOverflowsToAnotherQueue) {
  start();
  auto q = queue("first");
  q.maxWaitS = 30;
  q.overflowType = "queue";
  q.overflowTarget = "second";
  acd_->applyQueue(q);
  acd_->applyQueue(queue("second"));
  addAgent("u2", "1002", "second");
  callIn("c1", "first");
  advanceMs(30'000);
  EXPECT_EQ(count("interaction.overflowed"), 1);
  EXPECT_EQ(lastEvent("interaction.overflowed")->data["target"], "second");
  auto views = acd_->interactionsNow();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].queueId, "second");
  readyAgent("u2");
  EXPECT_NE(calls_.lastTo("1002"), nullptr);
}

TEST_F(AcdServiceTest, MaxWaitOverflowsToANumber) {
  start();
  auto q = queue("service");
  q.maxWaitS = 20;
  q.overflowType = "number";
  q.overflowTarget = "01088886666";
  acd_->applyQueue(q);
  callIn("c1", "service");
  advanceMs(20'000);
  const auto* out = calls_.lastTo("01088886666");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->req.kind, call::ConnectRequest::Kind::Number);
  EXPECT_TRUE(out->req.handOff);
  EXPECT_TRUE(acd_->interactionsNow().empty());
}

TEST_F(AcdServiceTest, MaxWaitWithoutTargetReturnsTimeoutToTheIvr) {
  start();
  auto q = queue("service");
  q.maxWaitS = 20;
  acd_->applyQueue(q);
  ivrCall("c1", "service");
  advanceMs(20'000);
  ASSERT_EQ(outcomes_["c1"].size(), 1u);
  EXPECT_EQ(outcomes_["c1"][0].kind, QueueOutcome::Kind::Timeout);
  EXPECT_FALSE(calls_.hungUpCall("c1"));
}

TEST_F(AcdServiceTest, JoinEmptyOffRefusesWhenNoAgentIsReady) {
  start();
  auto q = queue("service");
  q.joinEmpty = false;
  q.overflowType = "voicemail";
  q.overflowTarget = "box1";
  acd_->applyQueue(q);
  ivrCall("c1", "service");
  control_.runPending();  // never answered from inside enqueueCall
  ASSERT_EQ(outcomes_["c1"].size(), 1u);
  EXPECT_EQ(outcomes_["c1"][0].kind, QueueOutcome::Kind::Failed);
  EXPECT_EQ(outcomes_["c1"][0].detail, "overflow:voicemail:box1");
}

TEST_F(AcdServiceTest, AnnouncementsPlayPositionThenMusicResumes) {
  start();
  auto q = queue("service");
  q.announceEveryS = 30;
  acd_->applyQueue(q);
  addAgent("u1", "1001", "service");
  ASSERT_TRUE(act("login", "u1"));  // logged in, on a break: nobody serves
  CtiAction nr;
  nr.kind = "not_ready";
  nr.agentId = "u1";
  nr.reason = "break";
  ASSERT_TRUE(acd_->actNow(nr));
  callIn("c1", "service");
  callIn("c2", "service");
  const size_t before = calls_.plays.size();
  advanceMs(30'000);
  ASSERT_GT(calls_.plays.size(), before);
  const auto& [callId, req] = calls_.plays.back();
  ASSERT_EQ(req.items.size(), 1u);
  EXPECT_EQ(req.items[0].kind, media::PlayItem::Kind::Tts);
  EXPECT_NE(req.items[0].text.find("第2位"), std::string::npos) << req.items[0].text;
  EXPECT_EQ(callId, "c2");
  // When it is done, the music comes back.
  router_.onAppPlaybackDone("c2", req.requestId, "completed");
  EXPECT_EQ(calls_.plays.back().first, "c2");
  EXPECT_EQ(calls_.plays.back().second.loops, 0);
  EXPECT_EQ(calls_.plays.back().second.items[0].kind, media::PlayItem::Kind::Tone);
}

TEST_F(AcdServiceTest, VipJumpsTheLine) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  ivrCall("c-normal", "service", 0);
  ivrCall("c-vip", "service", 10);
  readyAgent("u1");
  const auto* ring = calls_.lastTo("1001");
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->callId, "c-vip");
}

TEST_F(AcdServiceTest, AgentStateHistoryIsStored) {
  start();
  acd_->applyQueue(queue("service"));
  addAgent("u1", "1001", "service");
  readyAgent("u1");
  ASSERT_TRUE(act("logout", "u1"));
  acd_->writer().flush();
  auto rows = acd_->store().listStates("u1", 0, INT64_MAX, 100);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].state, "not_ready");
  EXPECT_EQ((*rows)[0].reason, "login");
  EXPECT_EQ((*rows)[1].state, "ready");
  EXPECT_EQ((*rows)[2].state, "logged_out");
  EXPECT_EQ((*rows)[2].previous, "ready");
  EXPECT_EQ(count("agent.state"), 3);
}

TEST_F(AcdServiceTest, UnknownQueueIsRefused) {
  start();
  call::AppCallInfo info;
  info.callId = "c1";
  info.targetType = "queue";
  info.target = "nope";
  EXPECT_FALSE(router_.onAppCall(info));
  QueueEntry e;
  e.callId = "c2";
  e.queueId = "nope";
  EXPECT_FALSE(acd_->enqueueCall(e, [](const QueueOutcome&) {}));
}

}  // namespace
}  // namespace hujiao::center::testing
