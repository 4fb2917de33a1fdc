// IvrService on a real SQLite store: flows with versions and atomic publish,
// flows from a directory, demo data, blacklist screening and CSV import,
// notices, and the path a call leaves behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>

#include <unistd.h>

#include "center/app_router.h"
#include "center/ivr_service.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/core_config.h"
#include "core/event_bus.h"
#include "core/metrics.h"
#include "core/task_queue.h"
#include "ivr_fakes.h"
#include "store/store.h"

namespace hujiao::center {
namespace {

namespace fs = std::filesystem;

const char* kFlow = R"({"id": "hot", "start": "a", "nodes": {
  "a": {"type": "answer", "next": "m"},
  "m": {"type": "menu", "prompt": {"tts": "press 1"}, "branches": {"1": "bye"}, "default": "bye"},
  "bye": {"type": "hangup", "prompt": {"tts": "bye"}}}})";

class IvrServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ivrsvc-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sounds");
    fs::create_directories(dir_ / "flows");
    core::addCoreConfig(schema_);
    // The two media keys IvrService reads (center_tests does not link hujiao_media).
    schema_.section("media", "media");
    schema_.string("media", "sounds_dir", "", "prompt files");
    schema_.string("media", "recordings_dir", "", "recordings");
    IvrService::addConfig(schema_);
    config_ = core::Config::defaults(schema_);
    config_.set("media.sounds_dir", (dir_ / "sounds").string());
    config_.set("media.recordings_dir", (dir_ / "rec").string());
    config_.set("node.demo_data", false);
    store_ = store::openStore("sqlite:" + (dir_ / "t.db").string(), 2, IvrService::migrations());
  }
  void TearDown() override {
    svc_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  IvrService& service() {
    CenterContext c;
    c.config = &config_;
    c.store = store_.get();
    c.events = &bus_;
    c.metrics = &metrics_;
    c.clock = &clock_;
    c.control = &control_;
    ctx_ = c;
    svc_ = std::make_unique<IvrService>(ctx_);
    return *svc_;
  }
  void attach() {
    ctx_.calls = &cc_;
    ctx_.router = &router_;
    svc_->attach();
  }
  nlohmann::json doc(const char* text = kFlow) { return nlohmann::json::parse(text); }

  fs::path dir_;
  core::ConfigSchema schema_;
  core::Config config_;
  std::unique_ptr<store::Store> store_;
  core::EventBus bus_;
  core::MetricsRegistry metrics_;
  core::VirtualClock clock_{1'772'589'600'000'000};
  core::TaskQueue control_;
  CenterContext ctx_;
  test::FakeCallControl cc_;
  AppRouter router_;
  std::unique_ptr<IvrService> svc_;
};

TEST_F(IvrServiceTest, SaveValidatesAndPublishIsExplicitAndAtomic) {
  auto& s = service();
  FlowProblems p;
  auto created = s.saveFlow("", "Hotline", "", doc(), "admin", p);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id, "hot");
  EXPECT_EQ(created->latestVersion, 1);
  EXPECT_EQ(created->publishedVersion, 0);
  EXPECT_EQ(s.publishedFlow("hot"), nullptr);

  // Creating it again is a conflict; an invalid document is refused with its problems.
  EXPECT_EQ(s.saveFlow("", "", "", doc(), "admin", p).error().code, "conflict");
  auto bad = doc();
  bad["nodes"]["m"]["branches"]["1"] = "nowhere";
  FlowProblems badp;
  auto refused = s.saveFlow("hot", "", "", bad, "admin", badp);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "invalid_flow");
  ASSERT_FALSE(badp.issues.empty());
  EXPECT_EQ(badp.issues[0].node, "m");
  EXPECT_EQ(badp.issues[0].code, "dangling_target");

  ASSERT_TRUE(s.publishFlow("hot", 1, p).ok());
  auto v1 = s.publishedFlow("hot");
  ASSERT_NE(v1, nullptr);
  EXPECT_EQ(v1->version, 1);

  auto changed = doc();
  changed["nodes"]["bye"]["prompt"]["tts"] = "goodbye";
  auto saved = s.saveFlow("hot", "Hotline 2", "", changed, "admin", p);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->latestVersion, 2);
  EXPECT_EQ(saved->publishedVersion, 1);
  EXPECT_EQ(s.publishedFlow("hot"), v1);  // saving does not publish

  ASSERT_TRUE(s.publishFlow("hot", 2, p).ok());
  EXPECT_EQ(s.publishedFlow("hot")->version, 2);
  EXPECT_EQ(v1->version, 1);  // whoever holds v1 keeps it
  // Roll back.
  ASSERT_TRUE(s.publishFlow("hot", 1, p).ok());
  EXPECT_EQ(s.publishedFlow("hot")->version, 1);

  auto detail = s.getFlow("hot");
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->versions.size(), 2u);
  EXPECT_EQ(detail->document["version"], 2);
  EXPECT_EQ(detail->flow.name, "Hotline 2");
  EXPECT_EQ(s.publishFlow("hot", 9, p).error().code, "not_found");
}

TEST_F(IvrServiceTest, PublishRevalidatesSoAMissingPromptKeepsTheRunningVersion) {
  std::ofstream(dir_ / "sounds" / "hello.wav") << "RIFF";
  auto& s = service();
  auto d = doc();
  d["nodes"]["bye"]["prompt"] = "hello.wav";
  FlowProblems p;
  ASSERT_TRUE(s.saveFlow("", "", "", d, "admin", p).ok()) << (p.issues.empty() ? "" : p.issues[0].message);
  ASSERT_TRUE(s.publishFlow("hot", 1, p).ok());
  ASSERT_TRUE(s.saveFlow("hot", "", "", d, "admin", p).ok());
  fs::remove(dir_ / "sounds" / "hello.wav");
  FlowProblems p2;
  auto r = s.publishFlow("hot", 2, p2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_flow");
  ASSERT_FALSE(p2.issues.empty());
  EXPECT_EQ(p2.issues[0].code, "missing_prompt");
  EXPECT_EQ(s.publishedFlow("hot")->version, 1);
  EXPECT_EQ(s.getFlow("hot")->flow.publishedVersion, 1);
}

TEST_F(IvrServiceTest, PublishedFlowsSurviveARestart) {
  {
    auto& s = service();
    FlowProblems p;
    ASSERT_TRUE(s.saveFlow("", "", "", doc(), "admin", p).ok());
    ASSERT_TRUE(s.publishFlow("hot", 1, p).ok());
    svc_.reset();
  }
  auto& s = service();
  ASSERT_NE(s.publishedFlow("hot"), nullptr);
  EXPECT_EQ(s.publishedFlow("hot")->version, 1);
}

TEST_F(IvrServiceTest, DemoDataPublishesTheBilingualFlowAndItsNotice) {
  config_.set("node.demo_data", true);
  auto& s = service();
  auto demo = s.publishedFlow("demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(demo->languages, (std::vector<std::string>{"zh", "en"}));
  auto notices = s.listNotices();
  ASSERT_TRUE(notices.ok());
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_EQ((*notices)[0].id, "emergency");
  EXPECT_FALSE((*notices)[0].active);
  svc_.reset();
  // A second start does not add versions.
  auto& again = service();
  EXPECT_EQ(again.getFlow("demo")->flow.latestVersion, 1);
}

TEST_F(IvrServiceTest, FlowsDirectoryPublishesValidFilesAndReportsInvalidOnes) {
  config_.set("ivr.flows_dir", (dir_ / "flows").string());
  std::ofstream(dir_ / "flows" / "a_hot.json") << kFlow;
  std::ofstream(dir_ / "flows" / "b_bad.yaml") << "id: bad\nstart: x\nnodes:\n  x: {type: menu, prompt: {tts: hi}, "
                                                  "branches: {\"1\": gone}}\n";
  std::ofstream(dir_ / "flows" / "c_broken.yml") << "id: [unclosed\n";
  std::ofstream(dir_ / "flows" / "notes.txt") << "ignored";
  auto& s = service();
  EXPECT_NE(s.publishedFlow("hot"), nullptr);
  EXPECT_EQ(s.publishedFlow("bad"), nullptr);
  auto report = s.reloadFlowsDir();
  ASSERT_EQ(report.size(), 3u);
  EXPECT_EQ(report[0].file, "a_hot.json");
  EXPECT_EQ(report[0].status, "unchanged");
  EXPECT_EQ(report[1].status, "invalid");
  ASSERT_FALSE(report[1].issues.empty());
  EXPECT_EQ(report[1].issues[0].node, "x");
  EXPECT_EQ(report[1].issues[0].code, "dangling_target");
  EXPECT_EQ(report[2].status, "invalid");
  EXPECT_EQ(report[2].issues[0].code, "bad_document");
  // An edited file becomes a new published version.
  auto edited = doc();
  edited["nodes"]["bye"]["prompt"]["tts"] = "see you";
  std::ofstream(dir_ / "flows" / "a_hot.json") << edited.dump();
  report = s.reloadFlowsDir();
  EXPECT_EQ(report[0].status, "published");
  EXPECT_EQ(report[0].version, 2);
  EXPECT_EQ(s.publishedFlow("hot")->version, 2);
  EXPECT_EQ(s.getFlow("hot")->versions[0].createdBy, "flows_dir:a_hot.json");
}

TEST_F(IvrServiceTest, BlacklistScreensInboundCallsFromMemory) {
  config_.set("ivr.blacklist_sip_code", int64_t{486});
  auto& s = service();
  attach();
  call::AppCallInfo info;
  info.callId = "x";
  info.callerNumber = "13812345678";
  EXPECT_EQ(router_.screenInbound(info).kind, call::ScreenDecision::Kind::Continue);
  auto added = s.addBlacklist("138*", "spam", 0);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->pattern, "138*");
  auto d = router_.screenInbound(info);
  EXPECT_EQ(d.kind, call::ScreenDecision::Kind::Reject);
  EXPECT_EQ(d.sipCode, 486);
  EXPECT_EQ(s.addBlacklist("abc", "", 0).error().code, "invalid_field");
  // Expired entries do not match.
  ASSERT_TRUE(s.addBlacklist("+86 139-0000-0000", "old", clock_.nowUs() - 1).ok());
  EXPECT_FALSE(s.blacklisted("+8613900000000").has_value());
  ASSERT_TRUE(s.removeBlacklist(added->id).ok());
  EXPECT_EQ(router_.screenInbound(info).kind, call::ScreenDecision::Kind::Continue);
  EXPECT_EQ(s.removeBlacklist(added->id).error().code, "not_found");
}

TEST_F(IvrServiceTest, BlacklistCanSendCallersToAFlow) {
  config_.set("ivr.blacklist_action", std::string("flow"));
  config_.set("ivr.blacklist_flow", std::string("polite"));
  auto& s = service();
  attach();
  ASSERT_TRUE(s.addBlacklist("10086", "", 0).ok());
  call::AppCallInfo info;
  info.callerNumber = "10086";
  auto d = router_.screenInbound(info);
  EXPECT_EQ(d.kind, call::ScreenDecision::Kind::Flow);
  EXPECT_EQ(d.flowId, "polite");
}

TEST_F(IvrServiceTest, CsvImportKeepsGoodLinesAndReportsBadOnes) {
  auto& s = service();
  auto r = s.importBlacklist("number,reason,expires_at\n13800000001,fraud,\n400*,telemarketing,2099-01-01\n"
                             "nonsense,x,\n13800000002,x,not-a-date\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->imported, 2);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].line, 4);
  EXPECT_EQ(r->errors[1].line, 5);
  EXPECT_TRUE(s.blacklisted("4001234").has_value());
  EXPECT_TRUE(s.blacklisted("13800000001").has_value());
  auto page = s.listBlacklist(50, 0, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2);
}

TEST_F(IvrServiceTest, NoticesSwitchOnAndOff) {
  auto& s = service();
  FlowProblems p;
  auto d = doc();
  d["nodes"]["a"]["next"] = "n";
  d["nodes"]["n"] = {{"type", "notice"}, {"notice", "storm"}, {"prompt", {{"tts", "storm"}}}, {"next", "m"}};
  ASSERT_TRUE(s.saveFlow("", "", "", d, "admin", p).ok());
  ASSERT_TRUE(s.publishFlow("hot", 1, p).ok());
  auto list = s.listNotices();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);  // known from the published flow
  EXPECT_EQ((*list)[0].id, "storm");
  ASSERT_TRUE(s.setNotice("storm", true, "Typhoon warning").ok());
  list = s.listNotices();
  EXPECT_TRUE((*list)[0].active);
  EXPECT_EQ((*list)[0].text, "Typhoon warning");
  // A call now hears the notice text.
  attach();
  call::AppCallInfo info;
  info.callId = "n1";
  info.targetType = "flow";
  info.target = "hot";
  ASSERT_TRUE(router_.onAppCall(info));
  EXPECT_EQ(cc_.spoken().back(), "cmn:Typhoon warning");
}

TEST_F(IvrServiceTest, VoicemailFilesResolveTheRecordersPathOnce) {
  // The media engine reports the path it wrote, already under a relative
  // media.recordings_dir; a bare relative path is under that directory.
  config_.set("media.recordings_dir", "var/recordings");
  auto& s = service();
  VoicemailRow v;
  v.path = "var/recordings/voicemail/sales/c1-5.wav";
  EXPECT_EQ(s.voicemailFile(v), "var/recordings/voicemail/sales/c1-5.wav");
  v.path = "voicemail/sales/c1-5.wav";
  EXPECT_EQ(s.voicemailFile(v), "var/recordings/voicemail/sales/c1-5.wav");
  v.path = "/abs/voicemail/c1-5.wav";
  EXPECT_EQ(s.voicemailFile(v), "/abs/voicemail/c1-5.wav");
}

TEST_F(IvrServiceTest, TheCallPathIsStoredWhenTheCallEnds) {
  auto& s = service();
  FlowProblems p;
  ASSERT_TRUE(s.saveFlow("", "", "", doc(), "admin", p).ok());
  ASSERT_TRUE(s.publishFlow("hot", 1, p).ok());
  attach();
  call::AppCallInfo info;
  info.callId = "call-9";
  info.targetType = "flow";
  info.target = "hot";
  info.callerNumber = "13900000009";
  ASSERT_TRUE(router_.onAppCall(info));
  router_.onAppDigit("call-9", '1', 100);
  router_.onAppCallEnded("call-9", "normal", "caller");
  s.flushWrites();
  auto path = s.callPath("call-9");
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ((*path)["flow_id"], "hot");
  EXPECT_EQ((*path)["exit_reason"], "hangup_in_ivr");
  EXPECT_EQ((*path)["caller"], "13900000009");
  EXPECT_EQ((*path)["path"]["steps"][1]["digits"], "1");
  // Not stored: the control thread (this test thread) is asked for a live path.
  auto ask = [&](const std::string& id) {
    auto f = std::async(std::launch::async, [&s, id] { return s.callPath(id); });
    while (f.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready) control_.runPending();
    return f.get();
  };
  EXPECT_EQ(ask("other").error().code, "not_found");
  info.callId = "call-10";
  ASSERT_TRUE(router_.onAppCall(info));
  auto live = ask("call-10");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ((*live)["live"], true);
  EXPECT_EQ((*live)["path"]["steps"][1]["node"], "m");
}

}  // namespace
}  // namespace hujiao::center
