#pragma once
// AppRouter: the switch's CallAppListener. It gives each new app call to the
// service registered for its target type ("flow" -> IVR, "queue" -> ACD) and
// forwards the call's later callbacks to whichever handler owns it *now*
// (a call moves from the IVR to a queue and back). It also fans out the
// screening (blacklist) and answered-call (recording) hooks.
//
// Threads: control thread only.
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "call/call_app.h"
#include "core/log.h"

namespace hujiao::center {

/// A service that drives app calls. Every callback is optional.
class AppCallHandler {
 public:
  virtual ~AppCallHandler() = default;
  virtual void onDigit(const std::string& /*callId*/, char /*digit*/, int /*durationMs*/) {}
  virtual void onPlaybackDone(const std::string& /*callId*/, uint64_t /*requestId*/, const std::string& /*reason*/) {}
  virtual void onRecordingStopped(const std::string& /*callId*/, uint64_t /*requestId*/, const std::string& /*path*/,
                                  int64_t /*recordedMs*/) {}
  virtual void onConnectResult(const std::string& /*callId*/, uint64_t /*connectId*/,
                               const call::ConnectResult& /*result*/) {}
  virtual void onConnectedPartyGone(const std::string& /*callId*/, uint64_t /*connectId*/,
                                    const std::string& /*cause*/) {}
  virtual void onSupervisionEnded(const std::string& /*callId*/, uint64_t /*supervisionId*/,
                                  const std::string& /*cause*/) {}
  /// The outcome of a CallControl::originate() this handler adopted.
  virtual void onOriginateResult(const std::string& /*callId*/, const call::OriginateResult& /*result*/) {}
  /// Last callback for the call; the router forgets it afterwards.
  virtual void onCallEnded(const std::string& /*callId*/, const std::string& /*cause*/, const std::string& /*side*/) {}
};

class AppRouter final : public call::CallAppListener {
 public:
  /// Takes a new call of its target type: must call own(callId, handler) and
  /// return true, or return false (the caller hears 404).
  using Starter = std::function<bool(const call::AppCallInfo&)>;
  using Screener = std::function<call::ScreenDecision(const call::AppCallInfo&)>;
  using AnsweredHook = std::function<void(const call::AnsweredCall&)>;
  /// Every recording stop (ordinary calls too), whoever owns the call.
  using RecordingHook = std::function<void(const std::string& callId, uint64_t requestId, const std::string& path,
                                           int64_t recordedMs)>;
  /// Every supervision end, whoever owns the call.
  using SupervisionHook =
      std::function<void(const std::string& callId, uint64_t supervisionId, const std::string& cause)>;

  AppRouter();
  void addTarget(const std::string& targetType, Starter starter);
  void setScreener(Screener screener) { screener_ = std::move(screener); }
  void addAnsweredHook(AnsweredHook hook) { answeredHooks_.push_back(std::move(hook)); }
  void addRecordingHook(RecordingHook hook) { recordingHooks_.push_back(std::move(hook)); }
  void addSupervisionHook(SupervisionHook hook) { supervisionHooks_.push_back(std::move(hook)); }

  /// `handler` receives the call's callbacks from now on (null: nobody; they are dropped).
  void own(const std::string& callId, AppCallHandler* handler);
  AppCallHandler* owner(const std::string& callId) const;
  /// A call the center placed itself (CallControl::originate): the router
  /// learns it and `handler` owns it. Call right after originate() returned
  /// (callbacks are never delivered from inside it, so nothing is missed).
  void adopt(const call::AppCallInfo& info, AppCallHandler* handler);
  /// Hand-over: the live call continues with the service of `targetType` as
  /// if it had just arrived for `target` (queue overflow to a flow, a DID
  /// call leaving its queue). The starter takes it with own(); the switch does
  /// not notice. The previous owner must have forgotten the call: it gets no
  /// more callbacks. False when there is no such target type or the starter
  /// refuses (then nobody owns the call: the caller of handOver decides).
  bool handOver(const std::string& callId, const std::string& targetType, const std::string& target);
  /// Shutdown, phase 1 (ContactCenter::drain): false = new app calls are
  /// refused (onAppCall answers false) while the calls in progress, their
  /// hand-overs and adoptions go on. Control thread.
  void setAccepting(bool on) { accepting_ = on; }
  bool accepting() const { return accepting_; }
  /// What the switch said when the call arrived; null once it ended.
  const call::AppCallInfo* info(const std::string& callId) const;
  std::size_t liveCalls() const { return calls_.size(); }

  // ---- call::CallAppListener ----
  bool onAppCall(const call::AppCallInfo& info) override;
  call::ScreenDecision screenInbound(const call::AppCallInfo& info) override;
  void onCallAnswered(const call::AnsweredCall& call) override;
  void onAppDigit(const std::string& callId, char digit, int durationMs) override;
  void onAppPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) override;
  void onAppRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                             int64_t recordedMs) override;
  void onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& result) override;
  void onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) override;
  void onAppCallEnded(const std::string& callId, const std::string& cause, const std::string& side) override;
  void onSupervisionEnded(const std::string& callId, uint64_t supervisionId, const std::string& cause) override;
  void onOriginateResult(const std::string& callId, const call::OriginateResult& result) override;

 private:
  struct Live {
    call::AppCallInfo info;
    AppCallHandler* owner = nullptr;
  };
  std::unordered_map<std::string, Starter> starters_;
  std::unordered_map<std::string, Live> calls_;
  Screener screener_;
  std::vector<AnsweredHook> answeredHooks_;
  std::vector<RecordingHook> recordingHooks_;
  std::vector<SupervisionHook> supervisionHooks_;
  std::shared_ptr<spdlog::logger> log_;
  bool accepting_ = true;
};

}  // namespace hujiao::center
