#pragma once
// Switch: the control-thread core of telephony. It is the SIP stack's
// listener and runs the registrar (digest auth, blocking, bindings,
// keep-alive), the B2BUA (calls = inbound leg + outbound legs; extension,
// DID and trunk routing with failover; hold, transfer, INFO relay), and
// emits CDRs and call events. In-memory copies of extensions, trunks, DIDs
// and the dial plan are replaced wholesale by set*() when the store changes.
//
// Threads: everything on the CONTROL thread (the sofia loop), except the
// constructor. No database or blocking call here: writes go to StoreWriter.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "call/call_app.h"
#include "call/dial_plan.h"
#include "call/store_writer.h"
#include "call/telephony_types.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/thread_check.h"
#include "media/media_api.h"
#include "sip/auth_blocker.h"
#include "sip/digest.h"
#include "sip/registrar.h"
#include "sip/stack.h"
#include "sip/timers.h"

namespace hujiao::call {

struct AppConnect;     // switch_internal.h
struct AppCallState;   // switch_internal.h

struct SwitchDeps {
  sip::SipConfig config;
  core::Clock* clock = nullptr;               // required
  core::EventBus* events = nullptr;           // optional
  core::MetricsRegistry* metrics = nullptr;   // optional
  media::MediaEngine* media = nullptr;        // null or !config.mediaAnchoring: SDP pass-through
  StoreWriter* writer = nullptr;              // optional (tests)
  std::function<void(const Cdr&)> cdrSink;    // optional, called on the control thread
};

class Switch final : public sip::StackListener, public CallControl {
 public:
  explicit Switch(SwitchDeps deps);
  ~Switch() override;
  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;

  /// Before the loop runs: the stack this switch drives.
  void attach(sip::SipStack* stack);
  /// First task on the control thread: outbound trunk registrations.
  void begin();
  /// Periodic work (timers, expiry, keep-alive); the stack's tick.
  void tick();
  /// Media events from the media plane (DTMF, RTP timeout).
  void onMediaEvent(const media::MediaEvent& e);
  /// Before the control thread starts: the media plane (its constructor needs our control queue).
  void setMedia(media::MediaEngine* media) { d_.media = media; }

  // ---- configuration (replaced wholesale) ----
  void setExtensions(const std::vector<Extension>& v);
  void setTrunks(const std::vector<Trunk>& v);
  void setDids(const std::vector<Did>& v);
  void setDialRules(const std::vector<DialRule>& v);
  void restoreRegistrations(const std::vector<sip::Binding>& v);
  void restoreBlocks(const std::vector<sip::BlockedAddress>& v);

  // ---- facade queries/commands ----
  std::vector<sip::Binding> registrations(const std::string& aor = "") const;
  std::vector<sip::BlockedAddress> blocked() const;
  bool unblock(const std::string& address);
  std::vector<CallSnapshot> calls() const;
  std::vector<TrunkRegistration> trunkRegistrations() const;
  /// Rings `from` (an extension) and, once it answers, calls `to` (extension or number).
  core::Result<std::string> originate(const std::string& from, const std::string& to);
  size_t activeCalls() const { return calls_.size(); }

  // ---- CallControl (switch_app.cpp): app calls driven by src/center ----
  void setAppListener(CallAppListener* listener) override { app_ = listener; }
  core::Result<void> answer(const std::string& callId) override;
  core::Result<void> earlyMedia(const std::string& callId) override;
  core::Result<void> play(const std::string& callId, const media::PlayRequest& request) override;
  core::Result<void> stopPlay(const std::string& callId) override;
  core::Result<void> detectDigits(const std::string& callId, bool on) override;
  core::Result<void> startRecording(const std::string& callId, const media::RecordingOptions& options) override;
  core::Result<void> pauseRecording(const std::string& callId) override;
  core::Result<void> resumeRecording(const std::string& callId) override;
  core::Result<void> stopRecording(const std::string& callId) override;
  core::Result<uint64_t> connect(const std::string& callId, const ConnectRequest& request) override;
  core::Result<void> disconnect(const std::string& callId, uint64_t connectId) override;
  core::Result<void> hold(const std::string& callId, bool on, const media::PlayRequest& moh) override;
  core::Result<void> sendDigits(const std::string& callId, const std::string& digits) override;
  core::Result<uint64_t> consult(const std::string& callId, const ConnectRequest& request,
                                 const media::PlayRequest& moh) override;
  core::Result<void> completeConsult(const std::string& callId, bool transfer, bool conference) override;
  core::Result<uint64_t> supervise(const std::string& callId, const std::string& supervisorExtension,
                                   media::SuperviseMode mode) override;
  core::Result<void> setSuperviseMode(uint64_t supervisionId, media::SuperviseMode mode) override;
  core::Result<void> stopSupervising(uint64_t supervisionId) override;
  core::Result<void> hangup(const std::string& callId, const std::string& cause = "api", int sipCode = 480) override;
  core::Result<std::string> originate(const OriginateRequest& request) override;
  core::Result<void> mute(const std::string& callId, bool on) override;

  // ---- sip::StackListener ----
  void onIncomingRequest(const sip::SipRequest& r) override;
  void onDialogRequest(const sip::SipRequest& r) override;
  void onResponse(const sip::SipResponse& r) override;
  void onCancel(sip::HandleId h) override;
  void onAck(sip::HandleId h) override;
  void onTerminated(sip::HandleId h) override;

  struct Call;
  struct Leg;
  struct AppScope;

 private:
  // registrar / auth (switch.cpp)
  enum class AuthResult { Ok, Answered };
  struct AuthOk {
    const Extension* ext = nullptr;
    const Trunk* trunk = nullptr;
  };
  AuthResult authenticate(const sip::SipRequest& r, bool proxy, AuthOk& out);
  void challenge(const sip::SipRequest& r, bool proxy, bool stale);
  void authFailure(const sip::SipRequest& r, const std::string& why);
  void handleRegister(const sip::SipRequest& r);
  void keepAlive(int64_t nowUs);
  void onOptionsResponse(const sip::SipResponse& r);
  void onTrunkRegisterResponse(const sip::SipResponse& r);
  void startTrunkRegistrations();
  void publishRegistration(const sip::Binding& b, const std::string& state);
  int64_t limitFor(const Extension& e) const;

  // calls (switch_calls.cpp)
  void handleInvite(const sip::SipRequest& r);
  Call& newCall(const sip::SipRequest* r);
  bool ringExtension(Call& c, const Extension& callee, const std::string& sdp);
  void tryNextTrunk(Call& c);
  Leg* addOutLeg(Call& c, const sip::OutgoingDialog& d, const std::string& ruri, const std::string& sdp,
                 const std::string& headers = "", media::EndpointId colocate = 0);
  void onInviteResponse(Leg& leg, const sip::SipResponse& r);
  void answerCall(Call& c, Leg& leg, const std::string& sdp);
  void failCall(Call& c, int status, const std::string& phrase, const std::string& cause, const std::string& side);
  void hangupCall(Call& c, const std::string& cause, const std::string& side);
  void endLeg(Leg& leg);
  void legGone(Leg& leg);
  void finishCall(Call& c);
  bool allOutLegsDone(const Call& c) const;
  Leg* otherParty(Leg& leg);
  void countCall(Call& c, const std::string& ext);
  void countTrunk(Call& c, const std::string& trunkId);
  int activeFor(const std::string& ext) const;
  std::string sdpForOutLeg(Call& c, Leg& leg, const std::string& offer, media::EndpointId colocate = 0);
  std::string answerSdpForIn(Call& c, const std::string& remoteAnswer, Leg& out);
  void publish(const Call& c, const std::string& type);

  // mid-call (switch_midcall.cpp)
  void onReinvite(Leg& leg, const sip::SipRequest& r);
  void onInfo(Leg& leg, const sip::SipRequest& r);
  void onRefer(Leg& leg, const sip::SipRequest& r);
  void onReinviteResponse(Leg& leg, const sip::SipResponse& r);
  void blindTransfer(Leg& transferor, const std::string& target);
  void attendedTransfer(Leg& transferor, Leg& replaced);
  void transferAnswered(Call& c, Leg& newLeg, const std::string& sdp);
  void transferFailed(Call& c, int status);

  // app calls (switch_app.cpp: CallControl; switch_app_legs.cpp: legs, events, callbacks)
  void routeToApp(Call& c);
  core::Result<Call*> appCallFor(const std::string& callId);
  void answerCustomer(Call& c);
  void notifyApp(std::function<void(CallAppListener&)> fn);
  void drainApp();
  core::Result<uint64_t> placeConnect(Call& c, const ConnectRequest& req, bool consult);
  bool ringConnectExtension(Call& c, AppConnect& k, const Extension& ext, media::EndpointId colocate);
  bool ringConnectTrunk(Call& c, AppConnect& k, media::EndpointId colocate);
  void onAppLegResponse(Leg& leg, const sip::SipResponse& r);
  void appLegGone(Leg& leg, const std::string& cause);
  void connectAnswered(Call& c, AppConnect& k, Leg& leg, const std::string& sdp);
  void connectFailed(Call& c, AppConnect& k, int sipCode, const std::string& cause);
  void partyGone(Call& c, AppConnect& k, const std::string& cause);
  void endConnectLegs(Call& c, uint64_t connectId, const Leg* except, bool answeredElsewhere = false);
  void endSupervisors(Call& c);
  void uncountExtension(Call& c, const std::string& ext);
  void uncountTrunk(Call& c, const std::string& trunkId);
  void appMediaEvent(const media::MediaEvent& e);
  void appInfoDigits(Leg& leg, const sip::SipRequest& r);
  void callEndedForApp(Call& c);
  Leg* supervisorLeg(uint64_t supervisionId, Call** call);
  AppConnect* connectOf(Call& c, const Leg& leg);
  AppConnect* findConnect(Call& c, uint64_t id);
  core::Result<std::string> headerBlockOf(const std::map<std::string, std::string>& headers, bool autoAnswer);
  void startConnectTimer(Call& c, AppConnect& k, int timeoutMs);
  void lostToOther(Call& c, AppConnect& k);
  /// The leg whose dialog an RFC 3891 Replaces names (Call-ID and both tags,
  /// early-only honoured); nullptr with the status to refuse with otherwise.
  Leg* findReplaced(const sip::SipRequest& r, int& status);
  /// A phone put its call on hold / took it off (anchored media): the other
  /// party hears sip.hold_music instead of silence, then the bridge again.
  void holdMusic(Leg& holder, bool on);
  void originateAnswered(Call& c, AppConnect& k, Leg& leg);
  void originateFailed(Call& c, AppConnect& k, int sipCode, const std::string& cause);
  void dropMuteMix(Call& c);
  core::Result<void> rebridge(Call& c);
  void setLegEndpoint(Leg& leg, media::EndpointId ep);

  Leg* legOf(sip::HandleId h);
  std::string hostPart() const;

  SwitchDeps d_;
  CallAppListener* app_ = nullptr;
  core::ThreadOwner thread_;
  sip::SipStack* stack_ = nullptr;
  core::Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  sip::Timers timers_;
  sip::NonceManager nonces_;
  sip::AuthBlocker blocker_;
  sip::Registrar registrar_;
  std::vector<sip::DigestAlgorithm> algorithms_;

  std::unordered_map<std::string, Extension> extensions_;  // by number
  std::unordered_map<std::string, Trunk> trunks_;          // by id
  std::unordered_map<std::string, std::string> trunkByIp_;
  std::unordered_map<std::string, std::string> trunkByUser_;
  DidTable dids_;
  DialPlan dialPlan_;

  std::unordered_map<std::string, std::unique_ptr<Call>> calls_;
  std::unordered_map<sip::HandleId, Leg*> legs_;
  std::unordered_map<std::string, Leg*> legsBySipCallId_;
  std::unordered_map<std::string, int> activeByExt_;
  std::unordered_map<std::string, int> activeByTrunk_;
  uint64_t nextLegId_ = 1;
  uint64_t sdpVersion_ = 1;

  // App calls. Listener callbacks are queued and run when the outermost entry
  // point (SIP event, media event, tick) returns, so a callback never runs
  // inside a CallControl method and may call any of them; calls finished while
  // callbacks run are kept in the graveyard until the stack unwinds.
  int appDepth_ = 0;
  bool draining_ = false;
  std::deque<std::function<void(CallAppListener&)>> appQueue_;
  std::vector<std::unique_ptr<Call>> graveyard_;
  std::unordered_map<media::EndpointId, Leg*> legsByEp_;
  struct RecordingRef {
    std::string callId;
    uint64_t requestId = 0;
  };
  std::unordered_map<media::EndpointId, RecordingRef> recordings_;  // until RecordingStopped
  struct PendingEnd {
    std::string cause;
    std::string side;
    sip::Timers::TimerId timer = 0;
  };
  // onAppCallEnded waits for the call's RecordingStopped events (bounded by a timer).
  std::unordered_map<std::string, PendingEnd> pendingEnds_;
  std::unordered_map<uint64_t, std::string> supervisions_;  // supervision id -> call id
  uint64_t nextAppId_ = 1;

  struct KeepAlive {
    std::string aor;
    std::string registeredContact;
  };
  std::unordered_map<sip::HandleId, KeepAlive> keepAlives_;
  int64_t nextKeepAliveUs_ = 0;
  int64_t nextHousekeepingUs_ = 0;
  struct TrunkReg {
    sip::HandleRef handle;
    std::string state = "off";
    int lastStatus = 0;
  };
  std::unordered_map<std::string, TrunkReg> trunkRegs_;

  core::Counter* mAuthFailures_ = nullptr;
  core::Counter* mBlocks_ = nullptr;
  core::Counter* mCalls_ = nullptr;
  core::Counter* mCallsAnswered_ = nullptr;
  core::Counter* mRegisters_ = nullptr;
  core::Gauge* mActiveCalls_ = nullptr;
  core::Gauge* mRegistrations_ = nullptr;
  core::Gauge* mHandles_ = nullptr;
};

}  // namespace hujiao::call
