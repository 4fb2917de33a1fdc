// Interpreter: queue, transfer, voicemail, callback, survey, and the recorded path.
#include "ivr_test_util.h"

namespace hujiao::ivr::test {
namespace {

const char* kQueueFlow = R"(
id: q
start: q
languages: [en]
variables: {topic: billing}
nodes:
  q:
    type: queue
    queue: support
    skills: [billing, english]
    priority: 7
    announcement: {tts: "Please hold"}
    announce_every_ms: 20000
    max_wait_ms: 600000
    failure: vm
    after_agent: survey
  vm: {type: voicemail, mailbox: "support", max_length_s: 60, next: bye}
  survey:
    type: survey
    question: satisfaction
    prompt: {tts: "Rate us 1 to 5"}
    invalid_prompt: {tts: "1 to 5 please"}
    thanks_prompt: {tts: "Thanks"}
    retries: 1
  bye: {type: hangup}
)";

TEST(IvrSession, QueueActionAndAgentThenSurvey) {
  Harness h;
  auto a = h.start(mustFlow(kQueueFlow));
  auto q = first<action::EnqueueToQueue>(a);
  EXPECT_EQ(q.queue, "support");
  EXPECT_EQ(q.skills, (std::vector<std::string>{"billing", "english"}));
  EXPECT_EQ(q.priority, 7);
  EXPECT_EQ(q.announcement.at(0).value, "Please hold");
  EXPECT_EQ(q.announceEveryMs, 20000);
  EXPECT_EQ(q.maxWaitMs, 600000);
  EXPECT_EQ(q.callData["variables"]["topic"], "billing");
  EXPECT_EQ(q.callData["caller"], "13912345678");

  h.send(event::QueueResult{event::QueueResult::Kind::Connected, "agent-7", ""});
  EXPECT_FALSE(h.session->finished());
  EXPECT_EQ(h.session->pathJson()["reached_agent"], true);
  h.send(event::QueueResult{event::QueueResult::Kind::AgentHungUp, "", ""});
  EXPECT_EQ(h.playingText(), "Rate us 1 to 5");
  h.digits("9");  // invalid
  EXPECT_EQ(h.playingText(), "1 to 5 please|Rate us 1 to 5");
  auto r = h.digits("4");
  auto stored = first<action::StoreSurvey>(r);
  EXPECT_EQ(stored.question, "satisfaction");
  EXPECT_EQ(stored.rating, 4);
  EXPECT_EQ(stored.atUs, h.clock.nowUs());
  EXPECT_EQ(h.playingText(), "Thanks");
  h.promptDone();
  EXPECT_TRUE(has<action::Hangup>(h.last));
  auto path = h.session->pathJson();
  EXPECT_EQ(path["exit"]["reason"], "agent");  // what the call achieved
  EXPECT_EQ(path["agent"], "agent-7");
  EXPECT_EQ(path["steps"][1]["rating"], 4);
  EXPECT_EQ(h.session->variables()["survey_rating"], 4);
}

TEST(IvrSession, SurveyWithoutAnswerGoesOn) {
  Harness h;
  h.start(mustFlow(kQueueFlow));
  h.send(event::QueueResult{event::QueueResult::Kind::Connected, "a", ""});
  h.send(event::QueueResult{event::QueueResult::Kind::AgentHungUp, "", ""});
  h.promptDone();
  h.advanceMs(5000);  // timeout 1
  h.promptDone();
  auto a = h.advanceMs(5000);  // timeout 2: retries used up, no rating stored
  EXPECT_FALSE(has<action::StoreSurvey>(h.log));
  EXPECT_TRUE(has<action::Hangup>(a));
  EXPECT_EQ(h.session->pathJson()["steps"][1]["outcome"], "no_rating");
}

TEST(IvrSession, QueueFailureGoesToVoicemail) {
  Harness h;
  h.start(mustFlow(kQueueFlow));
  h.send(event::QueueResult{event::QueueResult::Kind::Failed, "", "no_agents"});
  auto rec = first<action::RecordVoicemail>(h.last);  // no prompt: records at once
  EXPECT_EQ(rec.mailbox, "support");
  EXPECT_EQ(rec.maxLengthMs, 60000);
  EXPECT_EQ(h.session->pathJson()["steps"][0]["queue_detail"], "no_agents");
}

TEST(IvrSession, QueueOverflowIntoAnotherFlowEndsThisWalkWithoutHangingUp) {
  Harness h;
  h.start(mustFlow(kQueueFlow));
  h.send(event::QueueResult{event::QueueResult::Kind::HandedOver, "", "overflow:flow:after-hours"});
  EXPECT_TRUE(h.session->finished());
  EXPECT_FALSE(has<action::Hangup>(h.last));  // the other flow has the call now
  EXPECT_FALSE(has<action::RecordVoicemail>(h.last));  // the failure branch does not run
  EXPECT_EQ(h.exitReason(), "overflow");
  auto path = h.session->pathJson();
  EXPECT_EQ(path["steps"][0]["outcome"], "overflow");
  EXPECT_EQ(path["steps"][0]["queue_detail"], "overflow:flow:after-hours");
}

TEST(IvrSession, CallerLeavesWhileQueued) {
  Harness h;
  h.start(mustFlow(kQueueFlow));
  h.send(event::Hangup{});
  EXPECT_EQ(h.exitReason(), "queued");
  EXPECT_EQ(h.session->pathJson()["reached_agent"], false);
}

const char* kVoicemailFlow = R"(
id: v
start: vm
nodes:
  vm:
    type: voicemail
    prompt: {tts: "Leave a message, then press hash"}
    mailbox: "mb-${called}"
    max_length_s: 30
    finish_digits: "#"
    next: thanks
  thanks: {type: hangup, prompt: {tts: "Message saved"}}
)";

TEST(IvrSession, VoicemailFinishedWithHash) {
  Harness h;
  h.start(mustFlow(kVoicemailFlow));
  EXPECT_EQ(h.playingText(), "Leave a message, then press hash");
  auto a = h.promptDone();
  auto rec = first<action::RecordVoicemail>(a);
  EXPECT_EQ(rec.mailbox, "mb-4008001234");
  EXPECT_EQ(rec.maxLengthMs, 30000);
  EXPECT_TRUE(rec.beep);
  h.advanceMs(12000);
  EXPECT_TRUE(h.digits("5").empty());  // other digits are part of the message
  auto stop = h.digits("#");
  EXPECT_EQ(first<action::StopRecording>(stop).recordingId, rec.recordingId);
  h.send(event::RecordingDone{rec.recordingId, "voicemail/mb-4008001234/x.wav", 12000});
  EXPECT_EQ(h.playingText(), "Message saved");
  h.promptDone();
  auto path = h.session->pathJson();
  EXPECT_EQ(path["exit"]["reason"], "voicemail");
  EXPECT_EQ(path["steps"][0]["recording"]["duration_ms"], 12000);
  EXPECT_EQ(path["steps"][0]["finished_by"], "#");
}

TEST(IvrSession, VoicemailStopsAtMaxLengthAndKeepsMessageOnHangup) {
  Harness h;
  h.start(mustFlow(kVoicemailFlow));
  auto rec = first<action::RecordVoicemail>(h.promptDone());
  auto a = h.advanceMs(30000);
  EXPECT_EQ(first<action::StopRecording>(a).recordingId, rec.recordingId);
  h.send(event::Hangup{});  // the caller hangs up before the recording is reported
  EXPECT_EQ(h.exitReason(), "voicemail");
}

const char* kTransferFlow = R"(
id: t
start: menu
nodes:
  menu:
    type: menu
    prompt: {tts: "1 sales, 2 outside, 3 other flow"}
    branches: {'1': sales, '2': outside, '3': other}
  sales: {type: transfer, extension: 8001, failure: busy}
  outside: {type: transfer, number: "+86${caller}", trunk: carrier-a, timeout_ms: 20000}
  other: {type: transfer, flow: greet}
  busy: {type: hangup, prompt: {tts: "All lines busy"}}
)";

TEST(IvrSession, TransferToExtensionAndExternal) {
  Harness h;
  h.start(mustFlow(kTransferFlow));
  auto t = first<action::Transfer>(h.digits("1"));
  EXPECT_EQ(t.kind, action::Transfer::Kind::Extension);
  EXPECT_EQ(t.destination, "8001");
  h.send(event::TransferResult{true, "200 OK"});
  EXPECT_TRUE(h.session->finished());
  EXPECT_EQ(h.exitReason(), "transferred");
  EXPECT_FALSE(has<action::Hangup>(h.log));  // the call layer owns the call now

  Harness ext;
  ext.start(mustFlow(kTransferFlow));
  auto x = first<action::Transfer>(ext.digits("2"));
  EXPECT_EQ(x.kind, action::Transfer::Kind::External);
  EXPECT_EQ(x.destination, "+8613912345678");
  EXPECT_EQ(x.trunk, "carrier-a");
  EXPECT_EQ(x.timeoutMs, 20000);
}

TEST(IvrSession, TransferFailureTakesFailureBranch) {
  Harness h;
  h.start(mustFlow(kTransferFlow));
  h.digits("1");
  h.send(event::TransferResult{false, "486 Busy Here"});
  EXPECT_EQ(h.playingText(), "All lines busy");
  EXPECT_EQ(h.session->pathJson()["steps"][1]["transfer_detail"], "486 Busy Here");
}

TEST(IvrSession, TransferToAnotherFlow) {
  Harness h;
  ASSERT_TRUE(h.registry.publish(*parseDocument(
      "id: greet\nstart: hi\nnodes:\n  hi: {type: play, prompt: {tts: \"Other flow\"}, next: bye}\n"
      "  bye: {type: hangup}\n")).ok());
  h.start(mustFlow(kTransferFlow));
  h.digits("3");
  EXPECT_EQ(h.playingText(), "Other flow");
  EXPECT_EQ(h.session->flow().id, "greet");
  auto path = h.session->pathJson();
  EXPECT_EQ(path["flows"][0]["flow_id"], "greet");
  EXPECT_EQ(path["steps"][2]["node"], "hi");

  Harness missing;
  missing.start(mustFlow(kTransferFlow));
  auto a = missing.digits("3");
  EXPECT_EQ(missing.exitReason(), "error");
  EXPECT_TRUE(has<action::Hangup>(a));
}

TEST(IvrSession, CallbackIsStored) {
  Harness h;
  auto a = h.start(mustFlow(R"(
id: c
start: when
nodes:
  when:
    type: input
    prompt: {tts: "Enter the hour for our call, 2 digits"}
    variable: hour
    min_digits: 2
    max_digits: 2
    next: cb
  cb: {type: callback, time: "${hour}:00", queue: sales, next: ok}
  ok: {type: hangup, prompt: {tts: "We will call you"}}
)"));
  auto b = h.digits("15");
  auto cb = first<action::StoreCallback>(b);
  EXPECT_EQ(cb.number, "13912345678");
  EXPECT_EQ(cb.preferredTime, "15:00");
  EXPECT_EQ(cb.queue, "sales");
  EXPECT_EQ(cb.requestedAtUs, h.clock.nowUs());
  EXPECT_EQ(h.playingText(), "We will call you");
}

TEST(IvrSession, PathRecordsTimesDigitsAndExit) {
  Harness h;
  h.start(mustFlow(kTransferFlow));
  h.advanceMs(1500);
  h.digits("1");
  h.advanceMs(500);
  h.send(event::Hangup{});
  auto p = h.session->pathJson();
  EXPECT_EQ(p["call_id"], "call-1");
  EXPECT_EQ(p["flow_id"], "t");
  EXPECT_EQ(p["flow_version"], 0);  // not published through a registry
  EXPECT_EQ(p["started_at_us"], kWednesday10amShanghaiUs);
  ASSERT_EQ(p["steps"].size(), 2u);
  EXPECT_EQ(p["steps"][0]["digits"], "1");
  EXPECT_EQ(p["steps"][1]["node"], "sales");
  EXPECT_EQ(p["steps"][1]["at_ms"], 1500);
  EXPECT_EQ(p["exit"]["reason"], "hangup_in_ivr");
  EXPECT_EQ(p["exit"]["at_ms"], 2000);
  EXPECT_EQ(p["exit"]["node"], "sales");
}

}  // namespace
}  // namespace hujiao::ivr::test
