// IvrCalls: flows driven through a fake CallControl by the AppRouter's
// callbacks, as the switch would, on a virtual clock.
#include <gtest/gtest.h>

#include <memory>

#include "center/app_router.h"
#include "center/ivr_calls.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "ivr/flow_parse.h"
#include "ivr/flow_registry.h"
#include "ivr_fakes.h"

namespace hujiao::center {
namespace {

using test::CapturingSink;
using test::FakeCallControl;
using test::FakeQueues;

std::shared_ptr<const ivr::Flow> flowOf(const std::string& yaml, int version = 1) {
  auto doc = ivr::parseDocument(yaml);
  EXPECT_TRUE(doc.ok());
  auto check = ivr::checkFlow(*doc, nullptr);
  EXPECT_TRUE(check.ok()) << ivr::formatIssues(check.issues);
  auto f = std::make_shared<ivr::Flow>(*check.flow);
  f->version = version;
  return f;
}

struct PendingHttp {
  HttpCall call;
  HttpClient::Done done;
};

class IvrCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sub_ = bus_.subscribe([this](const core::EventPtr& e) {
      if (e->type == "ivr.ended") ended_.push_back(e->data);
    });
    IvrCallsDeps d;
    d.calls = &cc_;
    d.router = &router_;
    d.queues = &queues_;
    d.clock = &clock_;
    d.events = &bus_;
    d.flows = &registry_;
    d.sink = &sink_;
    d.http = [this](HttpCall c, HttpClient::Done done) { http_.push_back({std::move(c), std::move(done)}); };
    calls_ = std::make_unique<IvrCalls>(std::move(d));
    router_.addTarget("flow", [this](const call::AppCallInfo& info) {
      return calls_->start(info, registry_.current(info.target));
    });
  }

  void publish(const std::string& yaml, int version = 1) { registry_.install(flowOf(yaml, version)); }

  bool call(const std::string& flow, const std::string& id = "c1", const std::string& caller = "13900000001") {
    call::AppCallInfo info;
    info.callId = id;
    info.targetType = "flow";
    info.target = flow;
    info.callerNumber = caller;
    info.calledNumber = "4001";
    return router_.onAppCall(info);
  }
  void promptDone(const std::string& id = "c1") {
    const auto* p = cc_.lastPlay();
    ASSERT_NE(p, nullptr);
    router_.onAppPlaybackDone(id, p->play.requestId, "completed");
  }
  void digits(const std::string& ds, const std::string& id = "c1") {
    for (char d : ds) router_.onAppDigit(id, d, 100);
  }
  /// Moves the virtual clock, ticking every 20 ms like the control thread.
  void run(int64_t ms) {
    for (int64_t t = 0; t < ms; t += 20) {
      clock_.advanceMs(20);
      calls_->tick();
    }
  }
  nlohmann::json storedPath(size_t i = 0) {
    EXPECT_GT(sink_.paths.size(), i);
    return sink_.paths.size() > i ? nlohmann::json::parse(sink_.paths[i].path) : nlohmann::json();
  }
  std::vector<std::string> nodes(const nlohmann::json& path) {
    std::vector<std::string> out;
    for (const auto& s : path["steps"]) out.push_back(s["node"]);
    return out;
  }

  core::VirtualClock clock_;
  core::EventBus bus_;
  std::unique_ptr<core::EventBus::Subscription> sub_;
  std::vector<nlohmann::json> ended_;
  FakeCallControl cc_;
  AppRouter router_;
  FakeQueues queues_;
  CapturingSink sink_;
  ivr::FlowRegistry registry_;
  std::vector<PendingHttp> http_;
  std::unique_ptr<IvrCalls> calls_;
};

const char* kMenuFlow = R"(
id: menu
languages: [zh, en]
start: answer
nodes:
  answer: {type: answer, next: choose}
  choose:
    type: menu
    prompt: {tts: {zh: "中文请按1", en: "English press 2"}}
    branches: {"1": zh, "2": en}
    timeout_ms: 3000
    retries: 1
    default: bye
  zh: {type: language, language: zh, next: bye}
  en: {type: language, language: en, next: bye}
  bye: {type: hangup, prompt: {tts: {zh: "再见", en: "Goodbye"}}}
)";

TEST_F(IvrCallsTest, AnswersPlaysWithTheLanguageVoiceAndStoresThePath) {
  publish(kMenuFlow);
  ASSERT_TRUE(call("menu"));
  EXPECT_EQ(router_.owner("c1"), calls_.get());
  ASSERT_EQ(cc_.cmds.size(), 2u);
  EXPECT_EQ(cc_.cmds[0].name, "answer");
  EXPECT_EQ(cc_.cmds[1].name, "play");
  EXPECT_TRUE(cc_.cmds[1].play.stopOnDtmf);  // menus are always interruptible
  ASSERT_EQ(cc_.cmds[1].play.items.size(), 1u);
  EXPECT_EQ(cc_.cmds[1].play.items[0].voice, "cmn");
  digits("2");
  EXPECT_EQ(cc_.named("stop_play").size(), 1u);
  promptDone();  // "Goodbye"
  EXPECT_EQ(cc_.spoken().back(), "en:Goodbye");
  ASSERT_EQ(cc_.named("hangup").size(), 1u);
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "completed");
  EXPECT_EQ(sink_.paths[0].flowId, "menu");
  EXPECT_EQ(sink_.paths[0].version, 1);
  EXPECT_EQ(nodes(storedPath()), (std::vector<std::string>{"answer", "choose", "en", "bye"}));
  EXPECT_EQ(storedPath()["steps"][1]["digits"], "2");
  ASSERT_EQ(ended_.size(), 1u);
  EXPECT_EQ(ended_[0]["call_id"], "c1");
  EXPECT_EQ(ended_[0]["exit_reason"], "completed");
  EXPECT_TRUE(ended_[0]["path"].is_object());
  // The switch reports the end: the call is forgotten, nothing stored twice.
  router_.onAppCallEnded("c1", "normal", "system");
  EXPECT_EQ(calls_->liveCalls(), 0u);
  EXPECT_EQ(sink_.paths.size(), 1u);
}

// Issue 5's defect: the media plane parses RFC 4733 telephone-events only on legs
// where control turned digit detection on, and the IVR used to turn it on only
// with ivr.inband_dtmf set, so sipp's digits never reached a menu.
TEST_F(IvrCallsTest, EveryIvrCallTurnsDigitDetectionOnBeforeTheFirstPrompt) {
  publish(kMenuFlow);
  ASSERT_TRUE(call("menu"));
  ASSERT_EQ(cc_.digitDetection.count("c1"), 1u);
  EXPECT_TRUE(cc_.digitDetection["c1"]);
  digits("1");
  EXPECT_EQ(cc_.named("stop_play").size(), 1u);
}

TEST_F(IvrCallsTest, TimersRunOnTickAndTheDefaultBranchIsTaken) {
  publish(kMenuFlow);
  ASSERT_TRUE(call("menu"));
  promptDone();
  run(3000);  // first timeout: re-prompt
  EXPECT_EQ(cc_.named("play").size(), 2u);
  promptDone();
  run(3000);  // second: default -> bye
  promptDone();
  ASSERT_EQ(sink_.paths.size(), 1u);
  auto path = storedPath();
  EXPECT_EQ(nodes(path), (std::vector<std::string>{"answer", "choose", "bye"}));
  EXPECT_EQ(path["steps"][1]["retries"].size(), 2u);
}

TEST_F(IvrCallsTest, UnknownFlowIsRefusedAndTheCallerHangupIsRecorded) {
  EXPECT_FALSE(call("nope"));
  publish(kMenuFlow);
  ASSERT_TRUE(call("menu"));
  router_.onAppCallEnded("c1", "normal", "caller");
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "hangup_in_ivr");
  EXPECT_EQ(calls_->liveCalls(), 0u);
  // Late callbacks for a gone call are harmless.
  router_.onAppDigit("c1", '1', 100);
  calls_->tick();
}

TEST_F(IvrCallsTest, CallsInProgressKeepTheirVersion) {
  publish(kMenuFlow, 1);
  ASSERT_TRUE(call("menu", "old"));
  std::string v2 = kMenuFlow;
  v2.replace(v2.find("Goodbye"), 7, "Bye now");
  publish(v2, 2);
  ASSERT_TRUE(call("menu", "new"));
  digits("2", "old");
  digits("2", "new");
  auto spoken = cc_.spoken();
  EXPECT_NE(std::find(spoken.begin(), spoken.end(), "en:Goodbye"), spoken.end());
  EXPECT_NE(std::find(spoken.begin(), spoken.end(), "en:Bye now"), spoken.end());
}

const char* kHttpFlow = R"(
id: bill
start: answer
nodes:
  answer: {type: answer, next: lookup}
  lookup:
    type: http
    url: "http://127.0.0.1:9/balance?caller=${caller}"
    timeout_ms: 2000
    result: {balance: data.balance}
    next: say
    fallback: sorry
  say: {type: hangup, prompt: {tts: "余额${balance}元"}}
  sorry: {type: hangup, prompt: {tts: "查询失败"}}
)";

TEST_F(IvrCallsTest, HttpReplySetsVariablesOnTheNextTick) {
  publish(kHttpFlow);
  ASSERT_TRUE(call("bill"));
  ASSERT_EQ(http_.size(), 1u);
  EXPECT_EQ(http_[0].call.url, "http://127.0.0.1:9/balance?caller=13900000001");
  EXPECT_EQ(http_[0].call.timeoutMs, 2000);
  HttpReply r;
  r.status = 200;
  r.body = R"({"data":{"balance":"42.50"}})";
  http_[0].done(r);  // a worker thread in production: only queued
  EXPECT_EQ(cc_.named("play").size(), 0u);
  calls_->tick();
  ASSERT_EQ(cc_.named("play").size(), 1u);
  EXPECT_EQ(cc_.spoken().back(), "cmn:余额42.50元");
  promptDone();
  auto path = storedPath();
  EXPECT_EQ(path["steps"][1]["http"]["outcome"], "ok");
  EXPECT_EQ(path["steps"][1]["vars"]["balance"], "42.50");
}

TEST_F(IvrCallsTest, HttpGarbageAndSilenceTakeTheFallback) {
  publish(kHttpFlow);
  ASSERT_TRUE(call("bill", "garbage"));
  HttpReply r;
  r.status = 200;
  r.body = "<html>oops";
  http_[0].done(r);
  calls_->tick();
  EXPECT_EQ(cc_.spoken().back(), "cmn:查询失败");
  ASSERT_TRUE(call("bill", "silent"));
  ASSERT_EQ(http_.size(), 2u);
  run(2100);  // the session's own timeout, even if the reply never comes
  EXPECT_EQ(cc_.spoken().back(), "cmn:查询失败");
  HttpReply late;
  late.status = 200;
  late.body = R"({"data":{"balance":"1"}})";
  http_[1].done(late);  // ignored: too late
  calls_->tick();
  EXPECT_EQ(cc_.spoken().back(), "cmn:查询失败");
}

const char* kQueueFlow = R"(
id: q
start: answer
nodes:
  answer: {type: answer, next: agents}
  agents:
    type: queue
    queue: service
    skills: [billing]
    priority: 5
    announcement: {tts: "请稍候"}
    failure: vm
    after_agent: survey
  survey:
    type: survey
    question: satisfaction
    prompt: {tts: "请评分"}
    thanks_prompt: {tts: "谢谢"}
  vm: {type: voicemail, mailbox: "service", next: bye}
  bye: {type: hangup}
)";

TEST_F(IvrCallsTest, QueueHandsTheCallToTheAcdAndTakesItBackForTheSurvey) {
  publish(kQueueFlow);
  ASSERT_TRUE(call("q"));
  ASSERT_EQ(queues_.entries.size(), 1u);
  const auto& e = queues_.entries[0];
  EXPECT_EQ(e.queueId, "service");
  EXPECT_EQ(e.priority, 5);
  ASSERT_EQ(e.skills.size(), 1u);
  EXPECT_EQ(e.skills[0].first, "billing");
  EXPECT_EQ(e.attributes.at("caller"), "13900000001");
  ASSERT_EQ(e.announcement.size(), 1u);
  EXPECT_EQ(e.announcement[0].voice, "cmn");
  router_.own("c1", nullptr);  // what the ACD does: it owns the call now
  queues_.done({QueueOutcome::Kind::Connected, "agent-7", ""});
  queues_.done({QueueOutcome::Kind::AgentHungUp, "agent-7", ""});
  EXPECT_EQ(router_.owner("c1"), calls_.get());
  EXPECT_EQ(cc_.spoken().back(), "cmn:请评分");
  digits("4");
  ASSERT_EQ(sink_.surveys.size(), 1u);
  EXPECT_EQ(sink_.surveys[0].rating, 4);
  EXPECT_EQ(sink_.surveys[0].question, "satisfaction");
  promptDone();  // thanks
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "agent");
  EXPECT_TRUE(sink_.paths[0].reachedAgent);
}

TEST_F(IvrCallsTest, QueueOverflowHandsTheCallToAnotherFlowKeepingThePath) {
  publish(kQueueFlow);
  publish(kMenuFlow);
  ASSERT_TRUE(call("q"));
  router_.own("c1", nullptr);  // the ACD owns it while queued
  queues_.done({QueueOutcome::Kind::HandedOver, "", "overflow:flow:menu"});
  // This flow's walk ends without hanging up; its path is stored with exit "overflow".
  EXPECT_EQ(cc_.named("hangup").size(), 0u);
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].flowId, "q");
  EXPECT_EQ(sink_.paths[0].exitReason, "overflow");
  EXPECT_EQ(router_.owner("c1"), nullptr);  // the IVR did not take it back
  // What AcdService does next: the overflow flow takes the live call.
  ASSERT_TRUE(router_.handOver("c1", "flow", "menu"));
  EXPECT_EQ(router_.owner("c1"), calls_.get());
  router_.onAppCallEnded("c1", "normal", "caller");
  ASSERT_EQ(sink_.paths.size(), 2u);
  EXPECT_EQ(sink_.paths[1].flowId, "menu");
  auto path = nlohmann::json::parse(sink_.paths[1].path);
  ASSERT_TRUE(path["before"].is_array());
  ASSERT_EQ(path["before"].size(), 1u);
  EXPECT_EQ(path["before"][0]["flow_id"], "q");
  EXPECT_EQ(path["before"][0]["exit"]["reason"], "overflow");
}

TEST_F(IvrCallsTest, CallerLeavingTheQueueEndsTheSession) {
  publish(kQueueFlow);
  ASSERT_TRUE(call("q"));
  router_.own("c1", nullptr);
  queues_.done({QueueOutcome::Kind::CallerHungUp, "", ""});
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "queued");
  EXPECT_EQ(calls_->liveCalls(), 0u);
}

TEST_F(IvrCallsTest, QueueFailureGoesToVoicemailWhichRecordsAfterTheBeep) {
  publish(kQueueFlow);
  ASSERT_TRUE(call("q"));
  router_.own("c1", nullptr);
  queues_.done({QueueOutcome::Kind::Failed, "", "no_agents"});
  // The beep: a tone played by the adapter before recording.
  const auto* beep = cc_.lastPlay();
  ASSERT_NE(beep, nullptr);
  ASSERT_EQ(beep->play.items.size(), 1u);
  EXPECT_EQ(beep->play.items[0].kind, media::PlayItem::Kind::Tone);
  EXPECT_EQ(cc_.named("start_recording").size(), 0u);
  router_.onAppPlaybackDone("c1", beep->play.requestId, "completed");
  auto rec = cc_.named("start_recording");
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0].recording.path.rfind("voicemail/service/c1-", 0), 0u) << rec[0].recording.path;
  EXPECT_EQ(rec[0].recording.format, media::RecordingFormat::WavMono);
  digits("#");
  ASSERT_EQ(cc_.named("stop_recording").size(), 1u);
  router_.onAppRecordingStopped("c1", rec[0].recording.requestId, "/rec/" + rec[0].recording.path, 5200);
  ASSERT_EQ(sink_.voicemails.size(), 1u);
  EXPECT_EQ(sink_.voicemails[0].mailbox, "service");
  EXPECT_EQ(sink_.voicemails[0].durationMs, 5200);
  EXPECT_EQ(sink_.voicemails[0].caller, "13900000001");
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "voicemail");
}

TEST_F(IvrCallsTest, HangingUpWhileRecordingKeepsTheMessage) {
  publish(kQueueFlow);
  ASSERT_TRUE(call("q"));
  router_.own("c1", nullptr);
  queues_.done({QueueOutcome::Kind::Timeout, "", ""});
  router_.onAppPlaybackDone("c1", cc_.lastPlay()->play.requestId, "completed");
  run(3000);
  router_.onAppCallEnded("c1", "normal", "caller");
  ASSERT_EQ(sink_.voicemails.size(), 1u);
  EXPECT_GE(sink_.voicemails[0].durationMs, 2900);
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "voicemail");
}

TEST_F(IvrCallsTest, MissingQueueFails) {
  std::string flow = kQueueFlow;
  flow.replace(flow.find("queue: service"), 14, "queue: missing");
  publish(flow);
  ASSERT_TRUE(call("q"));
  EXPECT_EQ(queues_.entries.size(), 0u);
  EXPECT_EQ(cc_.lastPlay()->play.items[0].kind, media::PlayItem::Kind::Tone);  // voicemail beep
}

const char* kTransferFlow = R"(
id: t
start: answer
nodes:
  answer: {type: answer, next: out}
  out: {type: transfer, extension: "8001", timeout_ms: 20000, failure: busy}
  busy: {type: hangup, prompt: {tts: "忙"}}
)";

TEST_F(IvrCallsTest, TransferConnectsWithHandOff) {
  publish(kTransferFlow);
  ASSERT_TRUE(call("t"));
  auto c = cc_.named("connect");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].connect.destination, "8001");
  EXPECT_TRUE(c[0].connect.handOff);
  EXPECT_EQ(c[0].connect.timeoutMs, 20000);
  EXPECT_EQ(c[0].connect.kind, call::ConnectRequest::Kind::Extension);
  call::ConnectResult r;
  r.answered = true;
  r.sipCode = 200;
  r.cause = "answered";
  r.extension = "8001";
  router_.onConnectResult("c1", 100, r);
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "transferred");
  EXPECT_EQ(cc_.named("hangup").size(), 0u);  // the bridged call goes on
  router_.onAppCallEnded("c1", "normal", "callee");
  EXPECT_EQ(calls_->liveCalls(), 0u);
}

TEST_F(IvrCallsTest, FailedTransferTakesTheFailureBranch) {
  publish(kTransferFlow);
  ASSERT_TRUE(call("t"));
  call::ConnectResult r;
  r.answered = false;
  r.sipCode = 486;
  r.cause = "busy";
  router_.onConnectResult("c1", 100, r);
  EXPECT_EQ(cc_.spoken().back(), "cmn:忙");
  promptDone();
  auto path = storedPath();
  EXPECT_EQ(path["steps"][1]["transfer_detail"], "busy 486");
}

TEST_F(IvrCallsTest, CallbackRequestsAreStoredAndFailedPlaysDoNotStall) {
  publish(R"(
id: cb
start: answer
nodes:
  answer: {type: answer, next: req}
  req: {type: callback, queue: service, next: ok}
  ok: {type: play, prompt: [{tts: "好的"}, {tone: beep}, {silence_ms: 200}], next: bye}
  bye: {type: hangup}
)");
  cc_.failures["play"] = core::makeError("not_found", "no media");
  ASSERT_TRUE(call("cb"));
  ASSERT_EQ(sink_.callbacks.size(), 1u);
  EXPECT_EQ(sink_.callbacks[0].number, "13900000001");
  EXPECT_EQ(sink_.callbacks[0].queue, "service");
  // The play failed: the flow went on to the hangup all the same.
  ASSERT_EQ(sink_.paths.size(), 1u);
  EXPECT_EQ(sink_.paths[0].exitReason, "completed");
}

TEST_F(IvrCallsTest, PromptsBeforeAnAnswerAreEarlyMedia) {
  publish(R"(
id: early
start: msg
nodes:
  msg: {type: play, prompt: {tone: busy, duration_ms: 500}, next: bye}
  bye: {type: hangup}
)");
  ASSERT_TRUE(call("early"));
  ASSERT_GE(cc_.cmds.size(), 2u);
  EXPECT_EQ(cc_.cmds[0].name, "early_media");
  EXPECT_EQ(cc_.cmds[1].play.items[0].tone, "busy");
  EXPECT_EQ(cc_.cmds[1].play.items[0].durationMs, 500);
  EXPECT_EQ(cc_.named("answer").size(), 0u);
}

}  // namespace
}  // namespace hujiao::center
