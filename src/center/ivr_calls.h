#pragma once
// IvrCalls: runs one IvrSession per app call of target type "flow" and carries
// out the session's actions (src/ivr/ivr_actions.h) through call::CallControl:
//   Answer -> answer; Play -> media PlayRequest (TTS voice per language);
//   timers -> IvrTimers on tick(); HttpRequest -> HttpClient (the reply is
//   queued by the worker thread and fed on the next tick); EnqueueToQueue ->
//   QueueHandoff; Transfer -> connect(handOff); RecordVoicemail ->
//   startRecording; StoreCallback/StoreSurvey -> IvrRecordSink; Hangup -> hangup.
// When a session finishes its path goes to the sink and `ivr.ended` is
// published on the EventBus.
//
// Threads: control thread only, except that the HTTP completions (worker
// threads) only lock the inbox.
#include <nlohmann/json.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "call/call_app.h"
#include "center/app_router.h"
#include "center/http_client.h"
#include "center/ivr_writer.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "core/metrics.h"
#include "ivr/flow_registry.h"
#include "ivr/ivr_config.h"
#include "ivr/ivr_timers.h"
#include "ivr/session.h"

namespace hujiao::center {

class QueueHandoff;

struct IvrCallsDeps {
  call::CallControl* calls = nullptr;   // required
  AppRouter* router = nullptr;          // required
  QueueHandoff* queues = nullptr;       // none: queue nodes fail ("no_acd")
  const core::Clock* clock = nullptr;   // required
  core::EventBus* events = nullptr;     // none: no ivr.ended events
  core::MetricsRegistry* metrics = nullptr;
  const ivr::FlowSource* flows = nullptr;
  const ivr::NoticeBoard* notices = nullptr;
  IvrRecordSink* sink = nullptr;        // required
  /// Submits an HTTP request (HttpClient::submit); the reply may come on any thread.
  std::function<void(HttpCall, HttpClient::Done)> http;
  ivr::IvrRuntimeOptions options;
};

class IvrCalls final : public AppCallHandler {
 public:
  explicit IvrCalls(IvrCallsDeps deps);
  ~IvrCalls() override;

  /// Starts `flow` for a new app call (or a screened call): owns it with the
  /// router and feeds Started. False when there is no such flow.
  bool start(const call::AppCallInfo& info, std::shared_ptr<const ivr::Flow> flow);
  /// Every 20 ms: due timers, HTTP replies, voicemail length limits.
  void tick();

  std::size_t liveCalls() const { return calls_.size(); }
  /// The path so far of a call in a flow (nullopt: not in a flow here).
  std::optional<nlohmann::json> livePath(const std::string& callId) const;

  // ---- AppCallHandler ----
  void onDigit(const std::string& callId, char digit, int durationMs) override;
  void onPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) override;
  void onRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                          int64_t recordedMs) override;
  void onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& result) override;
  void onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) override;
  void onCallEnded(const std::string& callId, const std::string& cause, const std::string& side) override;

 private:
  struct Call;
  struct HttpDone {
    uint64_t key;
    uint64_t requestId;
    HttpReply reply;
  };

  Call* find(const std::string& callId);
  /// Feeds an event and carries out the actions (re-entrant safe: events
  /// produced while acting are queued and fed in order).
  void feed(Call& c, ivr::Event event);
  /// Feeds the queued events unless a feed() is already running on the call.
  void drain(Call& c);
  void act(Call& c, const ivr::Action& a);
  void play(Call& c, uint64_t requestId, const std::vector<ivr::PlayItem>& items, const std::string& language,
            bool bargeIn);
  void enqueue(Call& c, const ivr::action::EnqueueToQueue& q);
  void transfer(Call& c, const ivr::action::Transfer& t);
  void recordVoicemail(Call& c, const ivr::action::RecordVoicemail& v);
  void startVoicemailRecording(Call& c);
  void stopVoicemail(Call& c);
  void saveVoicemail(Call& c, const std::string& path, int64_t durationMs);
  /// Stores the path and publishes ivr.ended once the session is finished.
  void finishIfDone(Call& c);
  /// Forgets calls marked gone once no feed() runs on them.
  void reap(Call& c);

  std::vector<media::PlayItem> mediaItems(const std::vector<ivr::PlayItem>& items, const std::string& language) const;

  IvrCallsDeps d_;
  ivr::IvrTimers timers_;
  uint64_t nextKey_ = 1;
  std::unordered_map<std::string, std::unique_ptr<Call>> calls_;
  std::unordered_map<uint64_t, Call*> byKey_;
  // Paths of calls handed over to another flow (queue overflow), until that
  // flow's session starts: call id -> paths, oldest first.
  std::unordered_map<std::string, nlohmann::json> handedOverPaths_;

  // HTTP replies from the worker threads, fed on the next tick.
  std::shared_ptr<std::mutex> inboxMu_ = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<HttpDone>> inbox_ = std::make_shared<std::vector<HttpDone>>();

  core::Counter* started_ = nullptr;
  core::Counter* ended_ = nullptr;
  core::Counter* httpRequests_ = nullptr;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace hujiao::center
