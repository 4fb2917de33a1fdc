// AcdService: an agent on a call the ACD did not offer (consulted by another
// agent, a direct extension call seen on the EventBus) is busy in the routing
// core and released exactly once, on whichever ending comes first.
#include "acd_test_fixture.h"

namespace hujiao::center::testing {
namespace {

class AcdElsewhereTest : public AcdServiceTest {
 protected:
  /// u1 (1001) connected to caller c1 in queue "service"; u2 (1002) ready.
  std::string connectedCall(int wrapUpS = 30) {
    start();
    auto q = queue("service", "linear");
    q.wrapUpS = wrapUpS;
    acd_->applyQueue(q);
    addAgent("u1", "1001", "service");
    addAgent("u2", "1002", "service");
    readyAgent("u1");
    callIn("c1", "service");
    answerConnect(calls_.lastTo("1001"));
    readyAgent("u2");
    return interactionOf("c1");
  }
  CtiAction action(const std::string& kind, const std::string& ix) {
    CtiAction a;
    a.kind = kind;
    a.agentId = "u1";
    a.interactionId = ix;
    return a;
  }
  /// u1 consults u2; returns the consult leg.
  const FakeCalls::Connect* consultU2(const std::string& ix) {
    CtiAction c = action("consult", ix);
    c.targetType = "agent";
    c.target = "u2";
    EXPECT_TRUE(acd_->actNow(c));
    EXPECT_EQ(stateOf("u2"), "busy");
    return calls_.lastTo("1002");
  }
  std::size_t connectsTo(const std::string& dest) const {
    std::size_t n = 0;
    for (const auto& c : calls_.connects) n += c.req.destination == dest;
    return n;
  }
  void switchEvent(const std::string& type, nlohmann::json data) {
    bus_.publish(core::Event{type, 0, std::move(data), ""});
    control_.runPending();
  }
};

TEST_F(AcdElsewhereTest, AConsultedAgentGetsNoQueueCallUntilTheConsultationIsCancelled) {
  const std::string ix = connectedCall();
  ASSERT_NE(consultU2(ix), nullptr);
  const std::size_t before = connectsTo("1002");  // the consult leg
  callIn("c2", "service");
  advanceMs(2000);
  EXPECT_EQ(connectsTo("1002"), before);  // c2 waits: u2 is on the phone
  ASSERT_TRUE(acd_->actNow(action("consult_cancel", ix)));
  EXPECT_EQ(connectsTo("1002"), before + 1);  // released: offered c2 at once
  EXPECT_EQ(stateOf("u2"), "reserved");
  const core::Event* e = lastEvent("interaction.offered");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data["agent_id"], "u2");
}

TEST_F(AcdElsewhereTest, AFailedConsultationReleasesTheAgent) {
  const std::string ix = connectedCall();
  failConnect(consultU2(ix), "no_answer");
  EXPECT_EQ(stateOf("u2"), "ready");  // not "rna": it was no ACD offer
  ASSERT_FALSE(acd_->actNow(action("consult_cancel", ix)));  // nothing left to cancel
  EXPECT_EQ(stateOf("u2"), "ready");
}

TEST_F(AcdElsewhereTest, TheConferenceEndsWhenTheConsultedAgentLeaves) {
  const std::string ix = connectedCall();
  const auto* consulted = consultU2(ix);
  answerConnect(consulted);
  ASSERT_TRUE(acd_->actNow(action("conference", ix)));
  EXPECT_EQ(stateOf("u2"), "busy");
  router_.onConnectedPartyGone("c1", consulted->id, "normal");
  EXPECT_EQ(stateOf("u2"), "ready");  // no wrap-up: not his ACD interaction
  EXPECT_EQ(stateOf("u1"), "busy");
  router_.onAppCallEnded("c1", "normal", "caller");
  EXPECT_EQ(stateOf("u2"), "ready");
  EXPECT_EQ(stateOf("u1"), "wrap_up");
}

TEST_F(AcdElsewhereTest, TheCallEndingReleasesTheConsultedAgent) {
  const std::string ix = connectedCall();
  answerConnect(consultU2(ix));
  router_.onAppCallEnded("c1", "normal", "caller");
  EXPECT_EQ(stateOf("u2"), "ready");
  EXPECT_EQ(stateOf("u1"), "wrap_up");
}

TEST_F(AcdElsewhereTest, AfterAConsultTransferTheConsultedAgentIsBusyUntilHeHangsUp) {
  const std::string ix = connectedCall();
  const auto* consulted = consultU2(ix);
  answerConnect(consulted);
  ASSERT_TRUE(acd_->actNow(action("consult_transfer", ix)));
  EXPECT_EQ(stateOf("u1"), "wrap_up");
  EXPECT_EQ(stateOf("u2"), "busy");  // talking to the customer now
  callIn("c2", "service");
  EXPECT_EQ(connectsTo("1002"), 1u);
  router_.onConnectedPartyGone("c1", consulted->id, "normal");
  EXPECT_EQ(connectsTo("1002"), 2u);  // free: c2 is offered to him
  EXPECT_EQ(stateOf("u2"), "reserved");
}

TEST_F(AcdElsewhereTest, ADirectExtensionCallMakesTheAgentBusyUntilItEnds) {
  const std::string ix = connectedCall();
  // An app call (the ACD's own business) is not counted.
  switchEvent("call.created", {{"call_id", "q9"}, {"caller", "1009"}, {"callee", "1002"}, {"target_type", "queue"}});
  EXPECT_EQ(stateOf("u2"), "ready");
  switchEvent("call.created", {{"call_id", "x1"}, {"caller", "1009"}, {"callee", "1002"}, {"destination", "1002"}});
  EXPECT_EQ(stateOf("u2"), "busy");
  callIn("c2", "service");
  EXPECT_EQ(connectsTo("1002"), 0u);
  switchEvent("call.ended", {{"call_id", "x1"}, {"caller", "1009"}, {"callee", "1002"}});
  EXPECT_EQ(stateOf("u2"), "reserved");  // c2 offered at once
  EXPECT_EQ(connectsTo("1002"), 1u);
  switchEvent("call.ended", {{"call_id", "x1"}});  // a second end changes nothing
  EXPECT_EQ(stateOf("u2"), "reserved");
}

}  // namespace
}  // namespace hujiao::center::testing
