// RecordsService end to end below the switch: a fake CallControl stands in
// for the switch and writes the WAV file the media engine would write; the
// service applies the policy on the answered hook, keeps the metadata on its
// worker, encrypts the file once the call ended, serves it decrypted, obeys
// on-demand control, and feeds the report store from the event bus.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "center/app_router.h"
#include "center/records_service.h"
#include "core/core_config.h"
#include "media/recorder.h"
#include "recording/policy_store.h"

namespace hujiao::center {
namespace {

namespace fs = std::filesystem;
using core::Result;

/// The switch as far as recording goes: startRecording writes a complete
/// stereo WAV (as the media engine would by the time the call ends).
class FakeCalls final : public call::CallControl {
 public:
  int seconds = 2;
  std::vector<std::string> log;
  void setAppListener(call::CallAppListener*) override {}
  Result<void> answer(const std::string&) override { return {}; }
  Result<void> earlyMedia(const std::string&) override { return {}; }
  Result<void> play(const std::string&, const media::PlayRequest&) override { return {}; }
  Result<void> stopPlay(const std::string&) override { return {}; }
  Result<void> detectDigits(const std::string&, bool) override { return {}; }
  Result<void> startRecording(const std::string& callId, const media::RecordingOptions& o) override {
    log.push_back("start " + callId);
    writeWav(o.path, seconds);
    return {};
  }
  Result<void> pauseRecording(const std::string& callId) override {
    log.push_back("pause " + callId);
    return {};
  }
  Result<void> resumeRecording(const std::string& callId) override {
    log.push_back("resume " + callId);
    return {};
  }
  Result<void> stopRecording(const std::string& callId) override {
    log.push_back("stop " + callId);
    return {};
  }
  Result<uint64_t> connect(const std::string&, const call::ConnectRequest&) override { return uint64_t{1}; }
  Result<void> disconnect(const std::string&, uint64_t) override { return {}; }
  Result<void> hold(const std::string&, bool, const media::PlayRequest&) override { return {}; }
  Result<void> sendDigits(const std::string&, const std::string&) override { return {}; }
  Result<uint64_t> consult(const std::string&, const call::ConnectRequest&, const media::PlayRequest&) override {
    return uint64_t{2};
  }
  Result<void> completeConsult(const std::string&, bool, bool) override { return {}; }
  Result<uint64_t> supervise(const std::string&, const std::string&, media::SuperviseMode) override {
    return uint64_t{3};
  }
  Result<void> setSuperviseMode(uint64_t, media::SuperviseMode) override { return {}; }
  Result<void> stopSupervising(uint64_t) override { return {}; }
  Result<void> hangup(const std::string&, const std::string&, int) override { return {}; }

  /// A ".hrec" path goes through the sealed writer the service registered
  /// (the recorder encrypts while recording); any other path is a plain WAV.
  static void writeWav(const std::string& path, int seconds) {
    fs::create_directories(fs::path(path).parent_path());
    const uint32_t frames = 8000u * static_cast<uint32_t>(seconds), data = frames * 4;
    std::string bytes;
    struct Out {
      std::string& b;
      void write(const char* p, size_t n) { b.append(p, n); }
    } f{bytes};
    auto u32 = [&](uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
    auto u16 = [&](uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
    struct Flush {
      const std::string& path;
      std::string& bytes;
      ~Flush() {
        if (path.size() > 5 && path.compare(path.size() - 5, 5, ".hrec") == 0) {
          std::string err;
          auto sink = media::makeSealedSink(path, err);
          if (!sink) {
            ADD_FAILURE() << err;
            return;
          }
          EXPECT_TRUE(sink->append(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())) << sink->error();
          EXPECT_TRUE(sink->finalize()) << sink->error();
        } else {
          std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        }
      }
    } flush{path, bytes};
    f.write("RIFF", 4);
    u32(36 + data);
    f.write("WAVEfmt ", 8);
    u32(16);
    u16(1);
    u16(2);
    u32(8000);
    u32(32000);
    u16(4);
    u16(16);
    f.write("data", 4);
    u32(data);
    for (uint32_t i = 0; i < frames; ++i) {
      u16(static_cast<uint16_t>(static_cast<int16_t>(8000 * std::sin(i * 0.1))));
      u16(static_cast<uint16_t>(static_cast<int16_t>(6000 * std::sin(i * 0.07))));
    }
  }
};

class RecordsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hujiao-records-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    svc_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void start(const std::string& recordingYaml) {
    core::addCoreConfig(schema_);
    RecordsService::addConfig(schema_);
    const std::string yaml = "node:\n  data_dir: " + (dir_ / "var").string() + "\nrecording:\n  dir: " +
                             (dir_ / "rec").string() + "\n" + recordingYaml + "report:\n  batch_delay_ms: 10\n";
    config_ = core::Config::load(schema_, yaml, "t.yaml", {});
    store_ = store::openStore("sqlite:" + (dir_ / "db.sqlite").string(), 2, RecordsService::migrations());
    ctx_.config = &config_;
    ctx_.store = store_.get();
    ctx_.events = &bus_;
    ctx_.clock = &core::SystemClock::instance();
    ctx_.control = &control_;
    ctx_.calls = &calls_;
    ctx_.router = &router_;
    svc_ = std::make_unique<RecordsService>(ctx_);
    svc_->attach();
  }

  call::AnsweredCall answered(const std::string& id, const std::string& caller = "13900001111") {
    call::AnsweredCall a;
    a.callId = id;
    a.direction = "inbound";
    a.callerNumber = caller;
    a.calleeNumber = "4000";
    a.did = "4000";
    a.departmentId = "d1";
    return a;
  }

  void endCall(const std::string& id) {
    bus_.publish(core::Event{"call.ended", 0, {{"call_id", id}, {"cause", "normal"}, {"side", "caller"}}, ""});
    control_.runPending();
    svc_->flush();
  }

  recording::Viewer admin() { return {"admin", "all", {}}; }

  fs::path dir_;
  core::ConfigSchema schema_;
  core::Config config_;
  std::unique_ptr<store::Store> store_;
  core::EventBus bus_;
  core::TaskQueue control_;
  FakeCalls calls_;
  AppRouter router_;
  CenterContext ctx_;
  std::unique_ptr<RecordsService> svc_;
};

TEST_F(RecordsServiceTest, RecordAllEncryptsOnceTheCallEnded) {
  start("  mode: all\n");
  ASSERT_NE(svc_->recordings(), nullptr) << svc_->recordingsProblem();
  // No key file configured: one was made under node.data_dir, private.
  const auto keyFile = dir_ / "var" / "recording.keys";
  ASSERT_TRUE(fs::exists(keyFile));
  EXPECT_EQ(fs::status(keyFile).permissions() & fs::perms::others_all, fs::perms::none);

  router_.onCallAnswered(answered("c1"));
  ASSERT_EQ(calls_.log, std::vector<std::string>{"start c1"});
  svc_->flush();
  auto rows = svc_->recordings()->recordings().listByCall("c1");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].status, "recording");
  EXPECT_EQ((*rows)[0].customerNumber, "13900001111");
  EXPECT_EQ((*rows)[0].reason, "all");

  endCall("c1");
  auto done = svc_->recordings()->recordings().get((*rows)[0].id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, "complete");
  EXPECT_EQ(done->durationMs, 2000);
  EXPECT_EQ(done->keyId, "k1");
  EXPECT_EQ(done->sha256.size(), 64u);
  const fs::path stored = dir_ / "rec" / done->path;
  EXPECT_TRUE(fs::exists(stored));
  EXPECT_EQ(stored.extension(), ".hrec");
  EXPECT_FALSE(fs::exists(stored.parent_path() / stored.stem()));  // the plaintext is gone

  auto src = svc_->recordings()->openForPlayback(admin(), done->id);
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ((*src)->length(), 44u + 2 * 8000 * 4);
  uint8_t head[4];
  ASSERT_TRUE((*src)->read(0, head, 4));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(head), 4), "RIFF");
  // An agent who is not on the call may not hear it.
  EXPECT_EQ(svc_->recordings()->openForPlayback({"someone", "self", {}}, done->id).error().code, "forbidden");
}

TEST_F(RecordsServiceTest, NeverRecordNumbersWin) {
  start("  mode: all\n  never_numbers: ['139*']\n");
  router_.onCallAnswered(answered("c2", "139 0000-2222"));  // digits compared, prefix match
  EXPECT_TRUE(calls_.log.empty());
  router_.onCallAnswered(answered("c3", "13800001111"));
  EXPECT_EQ(calls_.log, std::vector<std::string>{"start c3"});
}

TEST_F(RecordsServiceTest, OnDemandStartPauseResumeStop) {
  start("  mode: none\n");
  router_.onCallAnswered(answered("c4"));
  EXPECT_TRUE(calls_.log.empty());
  RecordingRequester sup{"u-sup", "department", {"d1"}};
  auto run = [&](RecordingAction a, const RecordingRequester& who) {
    auto f = svc_->control("c4", a, who);
    control_.runPending();
    return f.get();
  };
  // An agent who is not on the call: forbidden.
  EXPECT_EQ(run(RecordingAction::Start, {"u-other", "self", {}}).error().code, "forbidden");
  EXPECT_EQ(run(RecordingAction::Pause, sup).error().code, "conflict");  // nothing to pause
  auto st = run(RecordingAction::Start, sup);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_TRUE(st->recording);
  EXPECT_EQ(st->reason, "on_demand");
  ASSERT_TRUE(run(RecordingAction::Pause, sup));
  EXPECT_EQ(run(RecordingAction::Pause, sup).error().code, "conflict");
  ASSERT_TRUE(run(RecordingAction::Resume, sup));
  auto stopped = run(RecordingAction::Stop, sup);
  ASSERT_TRUE(stopped);
  EXPECT_FALSE(stopped->recording);
  EXPECT_EQ(calls_.log, (std::vector<std::string>{"start c4", "pause c4", "resume c4", "stop c4"}));
  svc_->flush();
  auto row = svc_->recordings()->recordings().get(st->recordingId);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, "complete");
  ASSERT_EQ(row->pauses.size(), 1u);
  EXPECT_GT(row->pauses[0].endUs, 0);
  EXPECT_EQ(svc_->control("nope", RecordingAction::Start, sup).wait_for(std::chrono::seconds(0)),
            std::future_status::timeout);  // answered by the control thread only
  control_.runPending();
}

TEST_F(RecordsServiceTest, QueueCallsRecordedByQueueWithTheirAgent) {
  start("  mode: selected\n  queues: [sales]\n");
  router_.onCallAnswered(answered("c5"));
  EXPECT_TRUE(calls_.log.empty());  // not through a listed queue (yet)
  bus_.publish(core::Event{"interaction.answered", 0,
                           {{"interaction_id", "i5"}, {"call_id", "c5"}, {"queue_id", "sales"}, {"agent_id", "a7"}},
                           "d1"});
  control_.runPending();
  ASSERT_EQ(calls_.log, std::vector<std::string>{"start c5"});
  svc_->flush();
  auto rows = svc_->recordings()->recordings().listByCall("c5");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].agentId, "a7");
  EXPECT_EQ((*rows)[0].queueId, "sales");
  EXPECT_EQ((*rows)[0].reason, "queue");
  // The agent hears his own recording once it is stored.
  endCall("c5");
  EXPECT_TRUE(svc_->recordings()->openForPlayback({"a7", "self", {}}, (*rows)[0].id));
}

TEST_F(RecordsServiceTest, PolicyChangesReachTheControlThreadAndPersist) {
  start("  mode: none\n");
  recording::RecordingPolicy p = svc_->policy();
  p.mode = recording::RecordingPolicy::Mode::All;
  ASSERT_TRUE(svc_->setPolicy(p, "admin"));
  control_.runPending();
  router_.onCallAnswered(answered("c6"));
  EXPECT_EQ(calls_.log, std::vector<std::string>{"start c6"});
  auto stored = recording::PolicyStore(store_->db()).load();
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->policy.mode, recording::RecordingPolicy::Mode::All);
}

TEST_F(RecordsServiceTest, FeedsTheReportStore) {
  start("  mode: none\n");
  const int64_t t0 = 1'780'000'200'000'000 - (1'780'000'200'000'000 % (900LL * 1'000'000));
  auto pub = [&](const std::string& type, int64_t t, nlohmann::json d) {
    bus_.publish(core::Event{type, t, std::move(d), ""});
  };
  pub("interaction.queued", t0 + 1'000'000, {{"interaction_id", "i1"}, {"queue_id", "q1"}});
  pub("interaction.offered", t0 + 2'000'000, {{"interaction_id", "i1"}, {"agent_id", "a1"}});
  pub("interaction.answered", t0 + 11'000'000, {{"interaction_id", "i1"}, {"agent_id", "a1"}});
  pub("interaction.ended", t0 + 71'000'000, {{"interaction_id", "i1"}});
  // The agent is ready again (no wrap-up): the handled interaction is written.
  pub("agent.state", t0 + 71'000'000, {{"agent_id", "a1"}, {"state", "ready"}, {"previous", "busy"}});
  pub("interaction.queued", t0 + 3'000'000, {{"interaction_id", "i2"}, {"queue_id", "q1"}});
  pub("interaction.abandoned", t0 + 33'000'000, {{"interaction_id", "i2"}});
  control_.runPending();
  svc_->flush();
  EXPECT_EQ(svc_->writerStats().written, 7u);
  report::ReportRequest rq;
  rq.kind = report::ReportKind::Queues;
  rq.fromUs = t0;
  rq.toUs = t0 + 900'000'000;
  rq.interval = report::Interval::Min15;
  auto table = svc_->reports().run(rq);
  ASSERT_TRUE(table) << table.error().message;
  auto j = report::toJson(rq, *table);
  ASSERT_EQ(j["rows"].size(), 1u);
  const auto& row = j["rows"][0];
  EXPECT_EQ(row["offered"], 2);
  EXPECT_EQ(row["answered"], 1);
  EXPECT_EQ(row["abandoned"], 1);
  EXPECT_DOUBLE_EQ(row["asa_s"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(row["aht_s"].get<double>(), 60.0);
}

}  // namespace
}  // namespace hujiao::center
