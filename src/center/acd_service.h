#pragma once
// AcdService: the ACD runs the center's voice queues and serves the CTI API
// (issue 6; docs/acd.md, docs/cti.md).
//
// - Owns the routing core (acd::Acd) and its TimerHeap on the control thread;
//   tick() drives the timers. It is the Acd's listener: offers become
//   CallControl::connect to the agent's extension, cancels become disconnect,
//   announcements and callback offers are played to the caller.
// - Takes voice calls from a DID straight to a queue (AppRouter target
//   "queue") and from the IVR (QueueHandoff), and gives IVR calls back when
//   the agent hangs up (a survey may follow).
// - Stores queues, memberships, agent settings, the agent state history and
//   dispositions (AcdStore, migrations 500-599); state history is written off
//   the control thread by AcdWriter.
// - Publishes agent.*, interaction.*, queue.stats events on the EventBus and
//   delivers them to signed webhooks.
//
// Threads: constructed on the main thread (reads the store); attach(), tick()
// and every method marked "control thread" on the control thread; the API
// methods (marked "any thread") run on HTTP pool threads: they write the
// store there and post to the control thread, waiting on a future with a
// timeout (error "unavailable" when the control thread does not answer).
#include <nlohmann/json.hpp>

#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "acd/acd.h"
#include "acd/timer.h"
#include "call/call_app.h"
#include "center/acd_model.h"
#include "center/acd_store.h"
#include "center/acd_webhooks.h"
#include "center/acd_writer.h"
#include "center/app_router.h"
#include "center/center_service.h"
#include "center/queue_handoff.h"
#include "core/config.h"
#include "core/log.h"
#include "store/db.h"

namespace hujiao::center {

/// One CTI action (agent or supervisor), run on the control thread.
struct CtiAction {
  std::string kind;           // login, logout, ready, not_ready, answer, hangup, hold, unhold, transfer, consult,
                              // consult_transfer, conference, consult_cancel, pickup, dtmf, wrapup, listen,
                              // whisper, barge, stop_supervising, force_logout, force_ready, force_not_ready,
                              // force_release, move
  std::string agentId;        // the agent acted on
  std::string interactionId;
  std::string targetType;     // transfer/consult: agent | queue | extension | number
  std::string target;
  std::string reason;         // not_ready
  std::string device;         // login, supervision
  std::string digits;         // dtmf
  std::string disposition;    // wrapup
  std::string notes;
  std::string queueId;        // move
  uint64_t supervisionId = 0;
  bool on = false;            // mute: true = mute, false = unmute
};

class AcdService final : public CenterService,
                         public QueueHandoff,
                         public AppCallHandler,
                         private acd::AcdListener {
 public:
  /// Originates a call: rings extension `from`, then calls `to` (the callback
  /// and dial-out path). The future holds the new call id.
  using Originator = std::function<std::future<core::Result<std::string>>(const std::string&, const std::string&)>;

  /// This service's config sections.
  static void addConfig(core::ConfigSchema& schema);
  /// This service's schema changes (acd 500-599).
  static std::vector<store::Migration> migrations();

  explicit AcdService(CenterContext& ctx);
  ~AcdService() override;

  // ---- CenterService (control thread; stop() main thread) ----
  void attach() override;
  void tick() override;
  void stop() override;

  // ---- QueueHandoff (control thread) ----
  bool enqueueCall(const QueueEntry& entry, std::function<void(const QueueOutcome&)> done) override;

  // ---- AppCallHandler (control thread) ----
  void onDigit(const std::string& callId, char digit, int durationMs) override;
  void onPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) override;
  void onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& result) override;
  void onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) override;
  void onCallEnded(const std::string& callId, const std::string& cause, const std::string& side) override;
  void onOriginateResult(const std::string& callId, const call::OriginateResult& result) override;

  // ---- API: configuration (any thread: store, then the control thread) ----
  AcdStore& store() { return store_; }
  core::Result<QueueSettings> saveQueue(QueueSettings q, bool create);
  core::Result<void> deleteQueue(const std::string& id);
  core::Result<void> saveMember(const MemberSettings& m);
  core::Result<void> deleteMember(const std::string& queueId, const std::string& agentId);
  /// Creates or updates the agent settings of an existing user.
  core::Result<AgentSettings> saveAgent(const AgentSettings& a);
  core::Result<Webhook> createWebhook(Webhook w);
  core::Result<void> deleteWebhook(const std::string& id);
  std::vector<std::string> notReadyReasons() const { return notReadyReasons_; }
  std::vector<std::pair<std::string, std::string>> dispositions() const { return dispositions_; }

  // ---- API: live state and actions (any thread; answered by the control thread) ----
  core::Result<std::vector<AgentView>> agents();
  core::Result<std::vector<InteractionView>> interactions();
  core::Result<std::vector<QueueStatsView>> queueStats();
  core::Result<acd::AgentStats> agentStats(const std::string& agentId);
  core::Result<nlohmann::json> act(const CtiAction& action);
  /// Dial out from the agent's device: rings it, then calls `number`. The call id.
  core::Result<std::string> dial(const std::string& agentId, const std::string& number);
  /// The agent that owns this live interaction ("" when unknown) and the
  /// queue's department, for scoping.
  core::Result<InteractionView> findInteraction(const std::string& interactionId);

  // ---- the same, on the control thread (tests call these directly) ----
  void applyQueue(const QueueSettings& q);
  core::Result<void> removeQueueNow(const std::string& id);
  core::Result<void> applyMember(const MemberSettings& m);
  core::Result<void> removeMemberNow(const std::string& queueId, const std::string& agentId);
  core::Result<void> applyAgent(const AgentInfo& a);
  std::vector<AgentView> agentsNow() const;
  std::vector<InteractionView> interactionsNow() const;
  std::vector<QueueStatsView> queueStatsNow() const;
  core::Result<nlohmann::json> actNow(const CtiAction& action);
  /// CTI mute/unmute of the agent on his connected interaction (kind "mute"; act() routes it here).
  core::Result<nlohmann::json> muteNow(const CtiAction& action);
  /// A DID straight to a queue (the router's "queue" target).
  bool startFromDid(const call::AppCallInfo& info);
  /// Callback and dial-out originate (tests inject a fake).
  void setOriginator(Originator o) { originator_ = std::move(o); }
  acd::Acd* core() { return acd_.get(); }
  acd::TimerHeap& timers() { return timers_; }
  AcdWriter& writer() { return writer_; }
  AcdWebhooks& webhooks() { return *webhooks_; }

 private:
  // A voice interaction's call (control thread).
  struct VoiceCall {
    enum class Phase { Waiting, Connected, Transferring, Consulted, Gone };
    std::string callId;
    std::string interactionId;
    std::string queueId;
    std::string departmentId;
    std::string callerNumber;
    std::string language = "zh";
    std::map<std::string, std::string> attributes;
    std::function<void(const QueueOutcome&)> done;  // IVR handoff; empty: DID straight to a queue
    std::vector<media::PlayItem> waitItems;         // IVR's own wait prompt (looped) instead of MOH
    Phase phase = Phase::Waiting;
    // The agent being rung (one connect at a time per call).
    std::string ringAgent;
    uint64_t ringConnectId = 0;
    bool ringAutoAnswer = false;
    int64_t offeredAtUs = 0;
    // An offer that could not be placed yet (the previous connect is still
    // going away): retried on tick.
    std::string pendingAgent;
    std::string pendingDevice;
    int pendingTimeoutMs = 0;
    bool pendingAutoAnswer = false;
    // ring_all: the other agents ringing at the same time (parallel connects
    // besides ringConnectId): connect id -> agent.
    std::map<uint64_t, std::string> alsoRinging;
    // Offers that could not ring at once (a connect is still going away): rung in turn.
    std::deque<std::pair<std::string, std::string>> ringLater;  // (agent, device)
    // The connected agent.
    std::string agentId;
    uint64_t agentConnectId = 0;
    int64_t answeredAtUs = 0;
    bool held = false;
    uint64_t consultId = 0;
    bool consultAnswered = false;
    bool conference = false;
    std::string consultAgent;  // the consulted agent marked busy elsewhere (released once)
    std::string consultWork;
    uint64_t transferConnectId = 0;  // blind transfer / overflow to a number or extension (handOff)
    std::string pendingTransfer;     // handOff connect waiting for the agent's leg to go
    call::ConnectRequest::Kind pendingTransferKind = call::ConnectRequest::Kind::Extension;
    int pendingTransferTries = 0;
    std::string transferQueueId;     // where a failed blind transfer goes back to
    std::set<uint64_t> released;     // connects we ended on purpose: their "gone" is not the agent hanging up
    // Playback.
    uint64_t playId = 0;
    bool announcing = false;
    bool hangupAfterPlay = false;
    bool callbackOffered = false;
    bool callbackAccepted = false;
    bool callback = false;  // an originated callback: the customer answered, the agent is being connected
    bool muted = false;     // the agent is muted (CTI mute)
    std::vector<uint64_t> supervisions;
  };

  // A callback interaction: the customer hung up and keeps his place. When an
  // agent is reserved for it (onCallbackNow) the switch calls the customer
  // (CallControl::originate); once he answers the call becomes a VoiceCall
  // and the agent is connected (acd_callbacks.cpp).
  struct Callback {
    std::string interactionId;
    std::string queueId;
    std::string number;
    std::string language = "zh";
    std::map<std::string, std::string> attributes;
    int priority = 0;
    std::string agentId;
    std::string device;
    std::string callId;  // the originated call while it rings
    int attempts = 0;    // calls placed that the customer did not answer
    int64_t retryAtMono = 0;  // > 0: out of the ACD, waiting to be queued again
  };

  struct Supervision {
    std::string callId;
    std::string agentId;
    std::string device;
    std::string mode;
  };

  // acd_service.cpp
  void loadFromStore();
  void seedDemo();
  template <class T>
  core::Result<T> onControl(std::function<core::Result<T>()> fn);
  void runDeferred();
  void defer(std::function<void()> fn) { deferred_.push_back(std::move(fn)); }
  void agentStatsTick();
  void dailyResetTick();

  // acd_voice.cpp
  VoiceCall* callOf(const std::string& callId);
  VoiceCall* callOfInteraction(const std::string& interactionId);
  bool enqueueVoice(VoiceCall c, int priority, const std::vector<std::pair<std::string, int>>& extraSkills);
  void ring(VoiceCall& c, const std::string& agentId, const std::string& device, int timeoutMs, bool autoAnswer);
  bool ringsAll(const VoiceCall& c) const;
  void ringResult(VoiceCall& c, const std::string& agent, uint64_t connectId, const call::ConnectResult& result);
  void promoteRing(VoiceCall& c);
  void retryPendingOffers();
  void playWait(VoiceCall& c);
  void playPrompt(VoiceCall& c, const std::string& zh, const std::string& en, bool hangupAfter);
  media::PlayRequest mohFor(const std::string& queueId);
  void releaseConnect(VoiceCall& c, uint64_t connectId);
  void transferFailed(const std::string& callId);
  void agentLeft(VoiceCall& c);
  void finishCall(const std::string& callId, const QueueOutcome& outcome, bool hangup);
  // acd_callbacks.cpp
  void callCustomerBack(const std::string& interactionId, const std::string& agentId, const std::string& device,
                        int64_t ringTimeoutUs);
  void callbackUnanswered(const std::string& interactionId, const std::string& cause);
  void callbackAgentFailed(VoiceCall& c, const std::string& cause);
  void pollCallbacks();
  void handOverToFlow(const std::string& callId, const std::string& flowId);

  // acd_elsewhere.cpp: agents on calls the ACD did not offer
  std::string agentOnDevice(const std::string& device) const;
  void markConsulted(VoiceCall& c, const std::string& agentId);
  void releaseConsulted(VoiceCall& c);
  void markOtherCall(const std::string& agentId, const std::string& callId);
  void onSwitchCall(const std::string& type, const std::string& callId, const std::vector<std::string>& numbers);
  void watchSwitchCalls();

  // acd::AcdListener (acd_voice.cpp, acd_events.cpp)
  void onOffer(const acd::Interaction& ix, acd::AgentRef agent, int64_t ringTimeoutUs) override;
  void onCancelOffer(const acd::Interaction& ix, acd::AgentRef agent, acd::CancelReason why) override;
  void onOverflow(const acd::Interaction& ix, const acd::OverflowTarget& target, acd::OverflowReason why,
                  bool movedInternally) override;
  void onAnnounce(const acd::Interaction& ix, int position, int64_t estimatedWaitUs) override;
  void onCallbackOffer(const acd::Interaction& ix, int64_t estimatedWaitUs) override;
  void onCallbackNow(const acd::Interaction& ix, acd::AgentRef agent, int64_t ringTimeoutUs) override;
  void onAgentStateChanged(const acd::AgentStateChange& change) override;
  void onQueueStatsChanged(const acd::QueueStats& stats) override;
  void onInteractionEvent(const acd::Interaction& ix, acd::InteractionEvent what, const std::string& agentId) override;

  // acd_events.cpp
  void publish(const std::string& type, nlohmann::json data, const std::string& departmentId);
  nlohmann::json ixData(const acd::Interaction& ix, const std::string& agentId) const;
  std::string queueDepartment(const std::string& queueId) const;
  std::string agentDepartment(const std::string& agentId) const;
  InteractionView viewOf(const VoiceCall& c) const;

  // acd_actions.cpp
  core::Result<nlohmann::json> agentAction(const CtiAction& a);
  core::Result<nlohmann::json> callAction(const CtiAction& a);
  core::Result<nlohmann::json> supervisorAction(const CtiAction& a);
  core::Result<nlohmann::json> transfer(VoiceCall& c, const CtiAction& a);
  core::Result<nlohmann::json> consult(VoiceCall& c, const CtiAction& a);
  core::Result<std::string> deviceOf(const std::string& targetType, const std::string& target) const;

  CenterContext& ctx_;
  std::shared_ptr<spdlog::logger> log_;
  AcdStore store_;
  AcdWriter writer_;
  std::unique_ptr<AcdWebhooks> webhooks_;
  acd::AcdOptions options_;
  std::vector<std::string> notReadyReasons_;
  std::vector<std::pair<std::string, std::string>> dispositions_;
  std::string defaultMoh_;
  int64_t agentStatsIntervalUs_ = 0;
  int callbackAttempts_ = 3;       // acd.callback_attempts
  int64_t callbackRetryUs_ = 0;    // acd.callback_retry_s
  bool demo_ = false;
  std::chrono::milliseconds controlTimeout_{5000};

  // Loaded on the main thread, applied in attach().
  std::vector<QueueSettings> initialQueues_;
  std::vector<MemberSettings> initialMembers_;
  std::vector<AgentInfo> initialAgents_;

  // ---- control thread ----
  acd::TimerHeap timers_;
  std::unique_ptr<acd::Acd> acd_;
  std::map<std::string, QueueSettings> queues_;
  std::map<std::string, AgentInfo> agents_;
  std::unordered_map<std::string, VoiceCall> calls_;         // by call id
  std::unordered_map<std::string, std::string> ixCalls_;    // interaction id -> call id
  std::unordered_map<std::string, Callback> callbacks_;     // by interaction id
  std::unordered_map<std::string, std::string> callbackCalls_;  // originated call id -> interaction id
  std::map<std::string, std::vector<InteractionView>> wrapUps_;  // agent id -> ended, in wrap-up
  std::map<uint64_t, Supervision> supervisions_;
  std::deque<std::function<void()>> deferred_;
  bool runningDeferred_ = false;
  bool inEnqueueCall_ = false;
  std::map<std::string, std::string> pickups_;  // interaction -> agent picking it up (auto-answer)
  std::map<std::string, std::string> loginDevices_;  // agent -> device given at login
  std::string suppressOffersFor_;  // interaction id whose offers are held back (agent-to-agent transfer)
  std::map<std::string, std::pair<std::string, std::string>> suppressedOffers_;  // ix -> (agent, device)
  std::map<std::string, nlohmann::json> suppressedOfferEvents_;  // ix -> its held-back interaction.offered
  uint64_t nextPlayId_ = 1;
  // Calls outside the ACD (acd_elsewhere.cpp): call id -> agents marked busy on it.
  std::unique_ptr<core::EventBus::Subscription> callEvents_;
  std::unordered_map<std::string, std::vector<std::string>> otherCalls_;
  std::deque<std::string> recentEnded_;
  std::set<std::string> recentEndedSet_;
  int64_t lastAgentStatsMono_ = 0;
  int lastDay_ = -1;
  Originator originator_;
};

}  // namespace hujiao::center
