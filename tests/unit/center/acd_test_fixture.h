#pragma once
// Test fixture for center::AcdService: a fake CallControl that records every
// command, a real SQLite store in a temp dir, a VirtualClock driving the ACD's
// TimerHeap, and the EventBus events collected in order. The test thread plays
// the control thread.
#include <deque>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "call/call_app.h"
#include "center/acd_json.h"
#include "center/acd_service.h"
#include "center/app_router.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/core_config.h"
#include "core/event_bus.h"
#include "core/task_queue.h"
#include "store/store.h"

namespace hujiao::center::testing {

namespace fs = std::filesystem;

class FakeCalls final : public call::CallControl {
 public:
  struct Connect {
    std::string callId;
    uint64_t id = 0;
    call::ConnectRequest req;
    bool live = true;
  };
  void setAppListener(call::CallAppListener*) override {}
  core::Result<void> answer(const std::string& c) override {
    answered.push_back(c);
    return {};
  }
  core::Result<void> earlyMedia(const std::string&) override { return {}; }
  core::Result<void> play(const std::string& c, const media::PlayRequest& r) override {
    plays.emplace_back(c, r);
    return {};
  }
  core::Result<void> stopPlay(const std::string&) override { return {}; }
  core::Result<void> detectDigits(const std::string&, bool) override { return {}; }
  core::Result<void> startRecording(const std::string&, const media::RecordingOptions&) override { return {}; }
  core::Result<void> pauseRecording(const std::string&) override { return {}; }
  core::Result<void> resumeRecording(const std::string&) override { return {}; }
  core::Result<void> stopRecording(const std::string&) override { return {}; }
  core::Result<uint64_t> connect(const std::string& c, const call::ConnectRequest& r) override {
    if (conflicts > 0) {
      --conflicts;
      return core::makeError("conflict", "a connect is in progress");
    }
    connects.push_back({c, next, r, true});
    return next++;
  }
  core::Result<void> disconnect(const std::string& c, uint64_t id) override {
    disconnects.emplace_back(c, id);
    for (auto& x : connects)
      if (x.id == id) x.live = false;
    return {};
  }
  core::Result<void> hold(const std::string& c, bool on, const media::PlayRequest&) override {
    holds.emplace_back(c, on);
    return {};
  }
  core::Result<void> sendDigits(const std::string& c, const std::string& d) override {
    digits.emplace_back(c, d);
    return {};
  }
  core::Result<uint64_t> consult(const std::string& c, const call::ConnectRequest& r,
                                 const media::PlayRequest&) override {
    connects.push_back({c, next, r, true});
    consults.push_back(next);
    return next++;
  }
  core::Result<void> completeConsult(const std::string& c, bool transfer, bool conference) override {
    completes.push_back({c, transfer ? "transfer" : conference ? "conference" : "cancel"});
    return {};
  }
  core::Result<uint64_t> supervise(const std::string& c, const std::string& ext, media::SuperviseMode m) override {
    supervisions.push_back({c, ext, m});
    return next++;
  }
  core::Result<void> setSuperviseMode(uint64_t, media::SuperviseMode) override { return {}; }
  core::Result<void> stopSupervising(uint64_t id) override {
    stopped.push_back(id);
    return {};
  }
  core::Result<void> hangup(const std::string& c, const std::string& cause, int) override {
    hungUp.emplace_back(c, cause);
    return {};
  }
  core::Result<std::string> originate(const call::OriginateRequest& r) override {
    if (originateError > 0) {
      --originateError;
      return core::makeError("not_found", "no such extension");
    }
    originates.push_back(r);
    return std::string("orig-") + std::to_string(originates.size());
  }
  core::Result<void> mute(const std::string& c, bool on) override {
    mutes.emplace_back(c, on);
    return {};
  }

  /// The last connect placed to this destination.
  const Connect* lastTo(const std::string& dest) const {
    for (auto it = connects.rbegin(); it != connects.rend(); ++it)
      if (it->req.destination == dest) return &*it;
    return nullptr;
  }
  bool hungUpCall(const std::string& c) const {
    for (const auto& h : hungUp)
      if (h.first == c) return true;
    return false;
  }

  struct Supervision {
    std::string callId;
    std::string extension;
    media::SuperviseMode mode;
  };
  std::vector<std::string> answered;
  std::vector<std::pair<std::string, media::PlayRequest>> plays;
  std::deque<Connect> connects;  // deque: tests keep pointers to earlier connects
  std::vector<std::pair<std::string, uint64_t>> disconnects;
  std::vector<std::pair<std::string, bool>> holds;
  std::vector<std::pair<std::string, std::string>> digits;
  std::vector<uint64_t> consults;
  std::vector<std::pair<std::string, std::string>> completes;
  std::vector<Supervision> supervisions;
  std::vector<uint64_t> stopped;
  std::vector<std::pair<std::string, std::string>> hungUp;
  std::vector<call::OriginateRequest> originates;
  std::vector<std::pair<std::string, bool>> mutes;
  int conflicts = 0;
  int originateError = 0;  // the next N originate() calls answer not_found
  uint64_t next = 1;
};

class AcdServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hujiao_acd_svc_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = store::openStore("sqlite:" + (dir_ / "t.db").string(), 2, AcdService::migrations());
    core::addCoreConfig(schema_);
    AcdService::addConfig(schema_);
    config_ = core::Config::defaults(schema_);
    config_.set("node.demo_data", false);
    config_.set("acd.stats_interval_ms", int64_t{0});
    config_.set("acd.agent_stats_interval_ms", int64_t{0});
    sub_ = bus_.subscribe([this](const core::EventPtr& e) { events_.push_back(e); });
    ctx_.config = &config_;
    ctx_.store = store_.get();
    ctx_.events = &bus_;
    ctx_.clock = &clock_;
    ctx_.control = &control_;
    ctx_.calls = &calls_;
    ctx_.router = &router_;
  }
  void TearDown() override {
    acd_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  /// Builds the service (after the test adjusted the config) and attaches it.
  void start() {
    acd_ = std::make_unique<AcdService>(ctx_);
    acd_->setOriginator([this](const std::string& from, const std::string& to) {
      originated_.emplace_back(from, to);
      std::promise<core::Result<std::string>> p;
      p.set_value(std::string("cb-call-") + std::to_string(originated_.size()));
      return p.get_future();
    });
    acd_->attach();
  }

  QueueSettings queue(const std::string& id, const std::string& strategy = "longest_idle") {
    QueueSettings q;
    q.id = id;
    q.name = "Queue " + id;
    q.strategy = strategy;
    q.ringTimeoutS = 10;
    return q;
  }

  void addAgent(const std::string& id, const std::string& ext, const std::string& queueId, int level = 0,
                bool autoAnswer = false) {
    AgentInfo a;
    a.settings.userId = id;
    a.settings.extension = ext;
    a.settings.autoAnswer = autoAnswer;
    a.username = id;
    a.displayName = "Agent " + id;
    ASSERT_TRUE(acd_->applyAgent(a));
    if (!queueId.empty()) {
      ASSERT_TRUE(acd_->applyMember({queueId, id, level, -1}));
    }
  }

  core::Result<nlohmann::json> act(const std::string& kind, const std::string& agent, const std::string& ix = "") {
    CtiAction a;
    a.kind = kind;
    a.agentId = agent;
    a.interactionId = ix;
    return acd_->actNow(a);
  }

  void readyAgent(const std::string& id) {
    ASSERT_TRUE(act("login", id));
    ASSERT_TRUE(act("ready", id));
  }

  /// An inbound call from a DID straight to the queue.
  void callIn(const std::string& callId, const std::string& queueId, const std::string& caller = "13800000001") {
    call::AppCallInfo info;
    info.callId = callId;
    info.targetType = "queue";
    info.target = queueId;
    info.callerNumber = caller;
    info.calledNumber = "4002";
    info.did = "4002";
    ASSERT_TRUE(router_.onAppCall(info));
  }

  /// A call the IVR hands over.
  void ivrCall(const std::string& callId, const std::string& queueId, int priority = 0,
               const std::string& caller = "13900000002") {
    call::AppCallInfo info;
    info.callId = callId;
    info.targetType = "flow";
    info.target = "demo";
    info.callerNumber = caller;
    router_.addTarget("flow", [](const call::AppCallInfo&) { return true; });
    ASSERT_TRUE(router_.onAppCall(info));
    QueueEntry e;
    e.callId = callId;
    e.queueId = queueId;
    e.priority = priority;
    e.language = "en";
    e.attributes = {{"order_id", "A-42"}};
    ASSERT_TRUE(acd_->enqueueCall(e, [this, callId](const QueueOutcome& o) { outcomes_[callId].push_back(o); }));
  }

  void advanceMs(int64_t ms) {
    acd::advanceClock(clock_, acd_->timers(), ms * 1000);
    acd_->tick();
  }

  std::string interactionOf(const std::string& callId) {
    for (const auto& v : acd_->interactionsNow())
      if (v.callId == callId) return v.id;
    return {};
  }
  std::string stateOf(const std::string& agent) {
    for (const auto& a : acd_->agentsNow())
      if (a.info.settings.userId == agent) return center::stateName(a.state) + (a.reason.empty() ? "" : ":" + a.reason);
    return "?";
  }
  std::vector<std::string> eventTypes() const {
    std::vector<std::string> out;
    for (const auto& e : events_) out.push_back(e->type);
    return out;
  }
  const core::Event* lastEvent(const std::string& type) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it)
      if ((*it)->type == type) return it->get();
    return nullptr;
  }
  int count(const std::string& type) const {
    int n = 0;
    for (const auto& e : events_) n += e->type == type;
    return n;
  }
  /// The last connect to dest (a failed expectation and an empty record when none).
  const FakeCalls::Connect& leg(const std::string& dest) {
    static const FakeCalls::Connect none;
    const auto* c = calls_.lastTo(dest);
    EXPECT_NE(c, nullptr) << "no connect to " << dest;
    return c ? *c : none;
  }
  void answerConnect(const FakeCalls::Connect* c) {
    ASSERT_NE(c, nullptr);
    call::ConnectResult r;
    r.answered = true;
    r.sipCode = 200;
    r.cause = "answered";
    r.extension = c->req.destination;
    router_.onConnectResult(c->callId, c->id, r);
  }
  void failConnect(const FakeCalls::Connect* c, const std::string& cause) {
    ASSERT_NE(c, nullptr);
    call::ConnectResult r;
    r.cause = cause;
    router_.onConnectResult(c->callId, c->id, r);
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  core::ConfigSchema schema_;
  core::Config config_;
  core::EventBus bus_;
  std::vector<core::EventPtr> events_;
  std::unique_ptr<core::EventBus::Subscription> sub_;
  core::VirtualClock clock_;
  core::TaskQueue control_;
  AppRouter router_;
  FakeCalls calls_;
  CenterContext ctx_;
  std::unique_ptr<AcdService> acd_;
  std::vector<std::pair<std::string, std::string>> originated_;
  std::map<std::string, std::vector<QueueOutcome>> outcomes_;
};

}  // namespace hujiao::center::testing
