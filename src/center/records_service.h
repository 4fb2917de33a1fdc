#pragma once
// RecordsService: the recording policy applied to live calls, the recordings
// themselves (encrypted at rest, retention, playback), and the report feed
// (domain events -> the append-only event store -> interval rollups), plus
// the reports and staffing maths the API serves (issue 7; docs/recording.md,
// docs/reports.md).
//
// Threads:
// - constructed on the main thread at start-up, before SIP accepts calls: reads
//   the config, loads the keys, recovers recordings a crash left unfinished,
//   starts its threads (feed, recordings worker, report writer);
// - EventBus subscriber: runs on the publisher's thread and only posts;
// - attach()/tick(), onCallAnswered(), onRecordingStopped(): control thread;
// - API methods: HTTP pool threads (they touch the store, or post to the control
//   thread and wait on a future with a timeout);
// - stop(): main thread at shutdown, after the control thread stopped.
#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "call/call_app.h"
#include "center/center_service.h"
#include "center/records_feed.h"
#include "center/records_worker.h"
#include "core/config.h"
#include "core/log.h"
#include "recording/service.h"
#include "report/event_store.h"
#include "report/event_writer.h"
#include "report/report_query.h"
#include "store/db.h"

namespace hujiao::center {

/// What an API caller may do to a live call's recording.
enum class RecordingAction { Start, Pause, Resume, Stop };

/// Who asks (from api::Principal), for on-demand recording control.
struct RecordingRequester {
  std::string userId;
  std::string scope;  // "all", "department", "self"
  std::vector<std::string> departmentIds;
};

/// The live recording state of a call, as the API returns it.
struct LiveRecordingState {
  std::string callId;
  std::string recordingId;  // "" = not recording
  bool recording = false;
  bool paused = false;
  std::string reason;
};

class RecordsService final : public CenterService {
 public:
  /// This service's config sections ("report"; "recording" comes from src/recording).
  static void addConfig(core::ConfigSchema& schema);
  /// Report 600-699, recording 1000-1099.
  static std::vector<store::Migration> migrations();

  explicit RecordsService(CenterContext& ctx);
  ~RecordsService() override;

  void attach() override;
  void tick() override;
  void stop() override;

  // ---- control thread ----
  /// The router's answered-call hook: applies the policy to every answered call.
  void onCallAnswered(const call::AnsweredCall& call);
  /// MediaEvent::RecordingStopped for a call (the router forwards it when it
  /// can; otherwise the call's end triggers the same finish once the file is closed).
  void onRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                          int64_t recordedMs);

  // ---- API (pool threads) ----
  /// Null with a reason when recordings are not available (bad key file ...).
  recording::RecordingService* recordings() { return recordings_.get(); }
  const std::string& recordingsProblem() const { return recordingsProblem_; }
  report::ReportService& reports() { return *reports_; }
  int dayOffsetMinutes() const { return dayOffsetMinutes_; }
  /// The policy in force (stored one, else the config's).
  recording::RecordingPolicy policy() const;
  core::Result<recording::RecordingPolicy> setPolicy(const recording::RecordingPolicy& p, const std::string& by);
  /// Start/pause/resume/stop a live call's recording (posted to the control
  /// thread). "not_found" (no such live call), "forbidden", "conflict".
  std::future<core::Result<LiveRecordingState>> control(const std::string& callId, RecordingAction action,
                                                        const RecordingRequester& who);
  /// Blocks until the report feed and writer stored every event published
  /// before the call, and the recordings worker ran every job posted before.
  void flush();
  report::EventWriterStats writerStats() const;
  /// Events waiting for the feed thread (benchmarks, metrics).
  size_t feedDepth();

 private:
  struct LiveCall;
  void onEvent(const core::EventPtr& e);
  void feedLoop();
  void onInteractionAnswered(const nlohmann::json& data);
  void onCallEnded(const std::string& callId);
  /// Control thread: starts recording the call; false when the switch refused.
  bool startRecording(LiveCall& c, const std::string& reason);
  void stopRecording(LiveCall& c);
  /// Worker thread: the agent and the agents of the extensions on the call
  /// become participants (they may hear the recording); an agent found by
  /// extension fills an empty agent/department of the row.
  void addParticipants(const std::string& recId, const std::string& agentId,
                       const std::vector<std::string>& extensions);
  LiveRecordingState stateOf(const LiveCall& c) const;
  core::Result<LiveRecordingState> controlOnThread(const std::string& callId, RecordingAction action,
                                                   const RecordingRequester& who);
  /// Worker thread: finishes the recording once the media engine closed its file.
  void finishWhenClosed(const std::string& recId, const std::string& mediaPath, int attempt);
  void scheduleSweep(int64_t delayMs);
  void setupRecordings();
  void setupReports();

  CenterContext& ctx_;
  std::shared_ptr<spdlog::logger> log_;

  // Recordings.
  std::unique_ptr<recording::RecordingService> recordings_;
  std::string recordingsProblem_;
  mutable std::mutex policyMu_;  // guards policy_ (API threads and the worker)
  recording::RecordingPolicy policy_;
  RecordsWorker worker_{"hj-records"};
  bool sealedSinkRegistered_ = false;  // unregistered in stop()
  std::atomic<bool> stopping_{false};

  // Live calls (control thread only).
  struct LiveCall {
    call::AnsweredCall answered;
    recording::CallFacts facts;
    std::string departmentId;
    std::string recordingId;  // current recording ("" = none)
    std::string mediaPath;
    uint64_t requestId = 0;
    bool paused = false;
    bool byPolicy = false;
    std::string reason;
  };
  std::unordered_map<std::string, LiveCall> live_;
  recording::RecordingPolicy controlPolicy_;  // control thread's copy
  uint64_t nextRequestId_ = 1;

  // Reports.
  int dayOffsetMinutes_ = 0;
  std::unique_ptr<report::EventStore> store_;
  std::unique_ptr<report::EventWriter> writer_;
  std::unique_ptr<report::ReportService> reports_;
  RecordsFeed feed_;  // feed thread only
  std::mutex feedMu_;
  std::condition_variable feedCv_, feedDoneCv_;
  std::vector<core::EventPtr> feedQueue_;
  uint64_t feedPosted_ = 0, feedDone_ = 0;
  bool feedStop_ = false;
  std::thread feedThread_;
  std::unique_ptr<core::EventBus::Subscription> subscription_;
  core::Counter* feedDropped_ = nullptr;
  int64_t lastExpireMonoUs_ = 0;
};

}  // namespace hujiao::center
