#pragma once
// MediaEngineImpl: the control-side half of the media plane. It validates
// requests, allocates ports, keeps a small record per endpoint (which worker
// owns it, what was negotiated, who it is bridged to) and sends typed commands
// to the owning worker's SPSC ring. It never waits for a worker: results come
// back as MediaEvents posted to the control TaskQueue.
//
// Threads: every public method on the CONTROL thread (the one that runs the
// TaskQueue given at construction). workerThreads()/counters() are for
// benchmarks and metrics.
#include <atomic>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/metrics.h"
#include "core/task_queue.h"
#include "core/thread_check.h"
#include "media/media_api.h"
#include "media/media_config.h"
#include "media/media_prep.h"
#include "media/net_util.h"
#include "media/recorder.h"
#include "media/worker.h"

namespace hujiao::media {

class MediaEngineImpl final : public MediaEngine {
 public:
  MediaEngineImpl(const MediaConfig& cfg, core::TaskQueue& control, MediaEventSink sink);
  ~MediaEngineImpl() override;

  core::Result<EndpointId> createEndpoint(const EndpointOptions& options) override;
  core::Result<MediaDescription> localOffer(EndpointId ep) override;
  core::Result<MediaDescription> answerOffer(EndpointId ep, const MediaDescription& remoteOffer) override;
  core::Result<void> applyAnswer(EndpointId ep, const MediaDescription& remoteAnswer) override;
  void destroyEndpoint(EndpointId ep) override;
  core::Result<void> bridge(EndpointId a, EndpointId b) override;
  void unbridge(EndpointId ep) override;

  core::Result<void> play(EndpointId ep, const PlayRequest& request) override;
  void stopPlay(EndpointId ep) override;
  core::Result<void> startRecording(EndpointId ep, const RecordingOptions& options) override;
  core::Result<void> pauseRecording(EndpointId ep) override;
  core::Result<void> resumeRecording(EndpointId ep) override;
  core::Result<void> stopRecording(EndpointId ep) override;
  core::Result<void> detectDtmf(EndpointId ep, bool on) override;
  core::Result<void> sendDtmf(EndpointId ep, const std::string& digits, int durationMs) override;
  core::Result<ConferenceId> createConference(const std::string& name) override;
  void destroyConference(ConferenceId conf) override;
  core::Result<void> joinConference(ConferenceId conf, EndpointId ep, const ConferenceMemberOptions& opts) override;
  core::Result<void> leaveConference(EndpointId ep) override;
  core::Result<void> setMuted(EndpointId ep, bool on) override;
  core::Result<void> setDeaf(EndpointId ep, bool on) override;
  core::Result<void> recordConference(ConferenceId conf, const RecordingOptions& options) override;
  core::Result<void> stopConferenceRecording(ConferenceId conf) override;
  core::Result<void> supervise(EndpointId supervisor, EndpointId agent, SuperviseMode mode) override;
  core::Result<void> stopSupervising(EndpointId supervisor) override;
  core::Result<void> requestStats(EndpointId ep, uint64_t requestId) override;

  /// Moves the control-thread ownership check to the calling thread (call it on
  /// the control thread before its loop starts, when the engine was built elsewhere).
  void bindToCurrentThread() { owner_.rebind(); }
  int workerCount() const { return static_cast<int>(workers_.size()); }
  std::vector<pthread_t> workerThreads();
  const WorkerCounters& counters(int worker) const { return workers_[static_cast<size_t>(worker)]->counters(); }
  /// Local RTP port of an endpoint (0 if unknown).
  int portOf(EndpointId ep) const;
  const MediaConfig& config() const { return cfg_; }
  /// Exposes worker counters and port use on /metrics (scraped on the HTTP thread:
  /// the callbacks read atomics only; the registry must outlive nothing of ours
  /// being scraped after the engine is gone, so call this with a registry owned
  /// by the same application lifetime).
  void registerMetrics(core::MetricsRegistry& metrics);

 private:
  struct Rec {
    EndpointId id = 0;
    int worker = 0;
    int port = 0;
    bool ipv6 = false;
    std::vector<std::string> codecs;
    std::optional<MediaDescription> offer;  // our last offer/answer
    bool negotiated = false;
    EndpointId bridgePeer = 0;
    ConferenceId conf = 0;
    EndpointId supervising = 0;
    bool recording = false;
    bool migrating = false;
    std::deque<cmd::Command> pending;  // held while migrating
    uint64_t playToken = 0;            // the prep job whose result may still play
    uint64_t prepRequestId = 0;
    bool prepPending = false;
  };
  struct Conf {
    int worker = 0;
    std::vector<EndpointId> members;
    bool recording = false;
  };

  Rec* find(EndpointId id);
  core::Result<Rec*> need(EndpointId id);
  void dispatch(Rec& r, cmd::Command c);
  void pushTo(int worker, cmd::Command c);
  void flushOverflow(int worker);
  void migrate(Rec& r, int worker);
  void onDetached(std::shared_ptr<Endpoint> ep);
  void onEvent(const MediaEvent& ev);
  void postEvent(MediaEvent ev);
  void cancelPrep(Rec& r, const char* reason);
  core::Result<std::shared_ptr<const RecOpenInfo>> recordingInfo(const RecordingOptions& o, EndpointId ep);
  core::Result<void> configure(Rec& r, const NegotiatedMedia& n);
  int leastLoadedWorker() const;

  const MediaConfig cfg_;
  core::TaskQueue& control_;
  MediaEventSink sink_;
  core::ThreadOwner owner_;
  std::shared_ptr<bool> alive_;
  std::string advertise4_, advertise6_;
  PortAllocator ports_;
  std::unique_ptr<MediaPrep> prep_;
  std::unique_ptr<RecorderHub> recorder_;
  std::vector<std::unique_ptr<Worker>> workers_;  // destroyed before the recorder (they close recordings)
  std::vector<std::deque<cmd::Command>> overflow_;
  std::vector<size_t> load_;  // endpoints per worker
  std::atomic<size_t> endpoints_{0};  // for metrics
  std::unordered_map<EndpointId, Rec> recs_;
  std::unordered_map<ConferenceId, Conf> confs_;
  uint64_t nextId_ = 1;
  uint64_t nextToken_ = 1;
};

std::unique_ptr<MediaEngine> createMediaEngine(const MediaConfig& cfg, core::TaskQueue& control,
                                               MediaEventSink sink);

}  // namespace hujiao::media
