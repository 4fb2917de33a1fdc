// RecordsService: construction, configuration, the report feed and shutdown.
// The live recording policy is in records_live.cpp.
#include "center/records_service.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "center/records_sink.h"
#include "recording/policy_store.h"
#include "recording/recordings_repo.h"

namespace hujiao::center {
namespace {

namespace fs = std::filesystem;

/// Creates a key file with one fresh key (k1) when none exists, so that a
/// daemon started without configuration encrypts its recordings too.
core::Result<void> ensureKeyFile(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) return {};
  fs::create_directories(fs::path(path).parent_path(), ec);
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) return core::makeError("internal", "no randomness for a recording key");
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, key, sizeof key);
  const std::string text = "# hujiao recording keys: id:base64(32 bytes); created on first start\nk1:" +
                           std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n)) + "\n";
  OPENSSL_cleanse(key, sizeof key);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return core::makeError("io", "cannot create " + path);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return core::makeError("io", "cannot write " + path);
  return {};
}

}  // namespace

void RecordsService::addConfig(core::ConfigSchema& s) {
  recording::addRecordingConfig(s);
  s.section("report", "Report event store: the feed from live events and the interval rollups");
  s.integer("report", "day_offset_minutes", 0, -14 * 60, 14 * 60,
            "UTC offset (minutes, a multiple of 15) of the centre's day: day/week/month reports in this offset read "
            "one row per day; other offsets are summed from 15-minute rows");
  s.string("report", "journal_path", "",
           "Journal for report records the database refused (replayed at start); empty = "
           "<node.data_dir>/report-journal.jsonl");
  s.integer("report", "queue_capacity", 100000, 1000, 10000000,
            "Report records held in memory before the writer spills to the journal");
  s.integer("report", "batch_max", 2000, 1, 100000, "Report records per database transaction");
  s.integer("report", "batch_delay_ms", 200, 10, 60000, "A report batch is written at least this often");
}

std::vector<store::Migration> RecordsService::migrations() {
  auto all = report::EventStore::migrations();
  for (auto& m : recording::recordingMigrations()) all.push_back(std::move(m));
  return all;
}

RecordsService::RecordsService(CenterContext& ctx) : ctx_(ctx), log_(core::logger("records")) {
  setupRecordings();
  setupReports();
  worker_.start();
  if (ctx_.events) {
    subscription_ = ctx_.events->subscribe([this](const core::EventPtr& e) { onEvent(e); });
  }
  // The first sweep soon after start (a server that restarts daily still sweeps).
  if (recordings_) scheduleSweep(std::min<int64_t>(recordings_->settings().sweepIntervalS, 60) * 1000);
}

RecordsService::~RecordsService() { stop(); }

void RecordsService::setupRecordings() {
  if (!ctx_.config || !ctx_.store) {
    recordingsProblem_ = "no configuration or store";
    return;
  }
  const core::Config& cfg = *ctx_.config;
  std::string defaultKey;
  if (cfg.getBool("recording.encrypt") && cfg.getString("recording.key_file").empty()) {
    defaultKey = (fs::path(cfg.getString("node.data_dir")) / "recording.keys").string();
    if (auto r = ensureKeyFile(defaultKey); !r) {
      recordingsProblem_ = r.error().message;
      log_->error("recordings are OFF: {}", recordingsProblem_);
      return;
    }
  }
  auto settings = recording::recordingSettingsFrom(cfg, defaultKey);
  if (!settings) {
    recordingsProblem_ = settings.error().message;
    log_->error("recordings are OFF: {}", recordingsProblem_);
    return;
  }
  std::shared_ptr<const recording::KeyRing> ring;
  if (settings->encrypt) {
    auto loaded = recording::RecordingService::loadKeys(*settings);
    if (!loaded) {
      recordingsProblem_ = loaded.error().code + ": " + loaded.error().message;
      log_->error("recordings are OFF: {}", recordingsProblem_);
      return;
    }
    ring = *loaded;
  }
  policy_ = settings->policy;
  recordings_ = std::make_unique<recording::RecordingService>(*settings, ring, ctx_.store->db());
  recording::PolicyStore ps(ctx_.store->db());
  if (auto stored = ps.load(); !stored) {
    log_->error("stored recording policy unreadable, using the config's: {}", stored.error().message);
  } else if (*stored) {
    policy_ = (*stored)->policy;
  }
  controlPolicy_ = policy_;
  if (settings->encrypt) {
    // Encrypted while recording (docs/recording.md, "Crash safety"): the
    // recorder writes ".hrec" paths through a ChunkWriter under the active key.
    recording::ChunkWriter::Options opt;
    opt.chunkSize = settings->chunkBytes;
    media::setSealedSinkFactory(sealedSinkFactory(ring->active(), opt));
    sealedSinkRegistered_ = true;
  }
  // Before SIP accepts calls: whatever a crash left half-written becomes a
  // finished, encrypted file (docs/recording.md, "Crash safety").
  auto rep = recordings_->recoverUnfinished();
  if (!rep.recovered.empty() || !rep.missing.empty() || !rep.errors.empty())
    log_->warn("recording recovery: {} recovered, {} missing, {} errors", rep.recovered.size(), rep.missing.size(),
               rep.errors.size());
  log_->info("recordings: dir {}, encryption {}, policy {}", recordings_->settings().dir,
             settings->encrypt ? "on (key " + ring->active().id + ")" : "OFF",
             recording::toJson(policy_)["mode"].get<std::string>());
}

void RecordsService::setupReports() {
  dayOffsetMinutes_ = 0;
  std::string journal;
  report::EventWriterOptions wo;
  if (ctx_.config) {
    const core::Config& cfg = *ctx_.config;
    dayOffsetMinutes_ = static_cast<int>(cfg.getInt("report.day_offset_minutes"));
    if (dayOffsetMinutes_ % 15 != 0) {
      log_->error("report.day_offset_minutes {} is not a multiple of 15; using 0", dayOffsetMinutes_);
      dayOffsetMinutes_ = 0;
    }
    journal = cfg.getString("report.journal_path");
    if (journal.empty()) journal = (fs::path(cfg.getString("node.data_dir")) / "report-journal.jsonl").string();
    wo.capacity = static_cast<size_t>(cfg.getInt("report.queue_capacity"));
    wo.maxBatch = static_cast<size_t>(cfg.getInt("report.batch_max"));
    wo.maxDelayMs = static_cast<int>(cfg.getInt("report.batch_delay_ms"));
  }
  wo.journalPath = journal;
  wo.metrics = ctx_.metrics;
  if (!ctx_.store) return;
  store_ = std::make_unique<report::EventStore>(ctx_.store->db(),
                                                report::EventStoreOptions{.dayOffsetMinutes = dayOffsetMinutes_});
  writer_ = std::make_unique<report::EventWriter>(*store_, wo);
  writer_->start();  // replays a journal left by a failed database
  reports_ = std::make_unique<report::ReportService>(ctx_.store->db(), dayOffsetMinutes_);
  if (ctx_.metrics) {
    feedDropped_ = &ctx_.metrics->counter("records_feed_dropped_total",
                                          "Events the report feed dropped because its queue was full");
    ctx_.metrics->callbackGauge("records_feed_queue_depth", "Events waiting for the report feed thread", [this] {
      std::lock_guard lock(feedMu_);
      return static_cast<double>(feedQueue_.size());
    });
    ctx_.metrics->callbackGauge("records_worker_depth", "Recording jobs waiting for the records worker",
                                [this] { return static_cast<double>(worker_.depth()); });
  }
  feedThread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hj-report-feed");
    feedLoop();
  });
}

recording::RecordingPolicy RecordsService::policy() const {
  std::lock_guard lock(policyMu_);
  return policy_;
}

core::Result<recording::RecordingPolicy> RecordsService::setPolicy(const recording::RecordingPolicy& p,
                                                                   const std::string& by) {
  if (!ctx_.store) return core::makeError("unavailable", "no store");
  recording::PolicyStore ps(ctx_.store->db());
  const int64_t now = ctx_.clock ? ctx_.clock->nowUs() : core::SystemClock::instance().nowUs();
  if (auto r = ps.save(p, by, now); !r) return r.error();
  {
    std::lock_guard lock(policyMu_);
    policy_ = p;
  }
  if (ctx_.control) {
    ctx_.control->post([this, p] { controlPolicy_ = p; });
  } else {
    controlPolicy_ = p;  // no control thread runs: nobody else reads it
  }
  log_->info("recording policy changed by {}: {}", by, recording::toJson(p).dump());
  return p;
}

// ---- report feed ----

void RecordsService::onEvent(const core::EventPtr& e) {
  // Publisher's thread (the control thread for call/agent/interaction
  // events): only cheap checks and posts.
  if (!RecordsFeed::wanted(e->type)) return;
  if (e->type == "interaction.answered" && ctx_.control && recordings_) {
    ctx_.control->post([this, e] { onInteractionAnswered(e->data); });
  } else if (e->type == "call.ended" && ctx_.control) {
    auto it = e->data.find("call_id");
    if (it != e->data.end() && it->is_string())
      ctx_.control->post([this, id = it->get<std::string>()] { onCallEnded(id); });
  }
  if (!writer_) return;
  {
    std::lock_guard lock(feedMu_);
    if (feedStop_) return;
    if (feedQueue_.size() >= 1'000'000) {
      if (feedDropped_) feedDropped_->inc();
      return;
    }
    feedQueue_.push_back(e);
    ++feedPosted_;
  }
  feedCv_.notify_one();
}

void RecordsService::feedLoop() {
  std::vector<core::EventPtr> batch;
  std::unique_lock lock(feedMu_);
  for (;;) {
    feedCv_.wait(lock, [&] { return feedStop_ || !feedQueue_.empty(); });
    if (feedQueue_.empty() && feedStop_) {
      // Shutdown: interactions still waiting for their agent's wrap-up are written as they are.
      for (auto& r : feed_.expire(INT64_MAX)) writer_->append(std::move(r));
      break;
    }
    batch.swap(feedQueue_);
    lock.unlock();
    for (const auto& e : batch)
      for (auto& r : feed_.map(*e)) writer_->append(std::move(r));
    // Interactions whose end never came (a crash of a producer) are forgotten after a day.
    const int64_t mono = RecordsWorker::monoUs();
    if (mono - lastExpireMonoUs_ > 600'000'000 && !batch.empty()) {
      lastExpireMonoUs_ = mono;
      for (auto& r : feed_.expire(batch.back()->tsUs - 24LL * 3600 * 1'000'000)) writer_->append(std::move(r));
    }
    const size_t n = batch.size();
    batch.clear();
    lock.lock();
    feedDone_ += n;
    feedDoneCv_.notify_all();
  }
}

void RecordsService::flush() {
  {
    std::unique_lock lock(feedMu_);
    const uint64_t target = feedPosted_;
    feedDoneCv_.wait(lock, [&] { return feedDone_ >= target || !feedThread_.joinable(); });
  }
  if (writer_) writer_->flush();
  worker_.drain();
}

size_t RecordsService::feedDepth() {
  std::lock_guard lock(feedMu_);
  return feedQueue_.size();
}

report::EventWriterStats RecordsService::writerStats() const {
  return writer_ ? writer_->stats() : report::EventWriterStats{};
}

void RecordsService::scheduleSweep(int64_t delayMs) {
  worker_.postAfter(delayMs, [this] {
    if (stopping_) return;
    const int64_t now = core::SystemClock::instance().nowUs();
    auto rep = recording::sweepRetention(recordings_->recordings(), policy(), recordings_->settings().dir, now);
    for (const auto& d : rep.deleted)
      log_->info("retention: deleted recording {} of call {} (queue '{}', kept {} days)", d.id, d.callId, d.queueId,
                 d.retentionDays);
    for (const auto& err : rep.errors) log_->error("retention: {}", err);
    // A full batch means more are due: go on soon, else at the next interval.
    scheduleSweep(rep.more ? 1000 : recordings_->settings().sweepIntervalS * 1000);
  });
}

void RecordsService::stop() {
  if (stopping_.exchange(true)) return;
  subscription_.reset();
  if (sealedSinkRegistered_) media::setSealedSinkFactory({});  // files already open keep their writer
  {
    std::lock_guard lock(feedMu_);
    feedStop_ = true;
  }
  feedCv_.notify_all();
  if (feedThread_.joinable()) feedThread_.join();
  if (writer_) writer_->stop();  // writes everything queued
  // The control thread and the media engine stopped before: every recording
  // file is closed now. Finish what is still open.
  worker_.drain();
  if (recordings_) {
    auto open = recordings_->recordings().listByStatus("recording", 1000);
    if (open)
      for (const auto& row : *open) {
        auto r = recordings_->finish(row.id, 0);
        if (!r) log_->error("recording {} could not be finished at shutdown: {}", row.id, r.error().message);
      }
  }
  worker_.stop();
}

}  // namespace hujiao::center
