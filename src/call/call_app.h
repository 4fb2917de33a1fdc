#pragma once
// Application calls: the contract between the B2BUA (src/call, the Switch) and
// the contact-center layer (src/center: IVR flows, ACD queues, recording).
// CONTRACT -- extend it, don't break it.
//
// A call becomes an *app call* when its DID routes to a target type the
// switch does not serve itself ("flow", "queue", ...). The switch then asks
// the CallAppListener to take it; from then on the app drives the caller's
// leg (the "customer leg") through CallControl: answer, play, collect digits,
// record, connect another party (an agent's extension or an external number,
// bridged once it answers), supervise, hang up. Media is always anchored on
// app calls (prompts, recording and supervision need it).
//
// Threads: every CallControl method and every CallAppListener callback runs on
// the CONTROL thread. CallControl methods never block and never call the
// listener re-entrantly: results come later as callbacks. Ids are the call's
// id (as in CDRs and /api/v1/calls) and request ids chosen by the caller.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "media/media_api.h"

namespace hujiao::call {

/// What the switch knows of a new app call when it hands it over.
struct AppCallInfo {
  std::string callId;
  std::string targetType;  // "flow", "queue", ... (the DID's target type)
  std::string target;      // the DID's target (flow id, queue id ...)
  std::string callerNumber;
  std::string callerName;
  std::string calledNumber;  // the DID as dialled
  std::string trunkId;
  std::string did;
  std::string departmentId;
  int64_t startUs = 0;
};

/// Another party to connect to an app call (an agent, a transfer target).
struct ConnectRequest {
  enum class Kind { Extension, Number };
  Kind kind = Kind::Extension;
  std::string destination;  // extension number, or a number routed by the dial plan
  int timeoutMs = 30'000;   // no answer within -> ConnectResult{answered=false, cause "no_answer"}
  /// Ask the phone to answer by itself (Call-Info answer-after=0 and
  /// Alert-Info auto-answer headers), for agents in auto-answer mode.
  bool autoAnswer = false;
  /// Caller id shown to the connected party; empty = the customer's number.
  std::string callerIdNumber;
  std::string callerIdName;
  /// Extra SIP headers on the INVITE (e.g. X-Hujiao-Interaction for desk phones).
  std::map<std::string, std::string> headers;
  /// true: once answered, the connected party replaces the app -- the call
  /// becomes an ordinary bridged call and the listener hears only
  /// onAppCallEnded (blind transfer out of the IVR). false: the app keeps the
  /// call (an agent), hears onConnectedPartyGone when that party hangs up, and
  /// can connect someone else afterwards.
  bool handOff = false;
  /// Ring-all: several parallel connects may ring at once on one call (each
  /// its own connect id; a non-parallel connect while they ring, or any
  /// connect while a party is connected, answers conflict). The first one
  /// answered is bridged like an ordinary connect; the switch cancels the
  /// others (CANCEL, so phones do not log a missed call) and reports each with
  /// onConnectResult cause "answered_elsewhere". One that fails before that is
  /// reported on its own; the others keep ringing.
  bool parallel = false;
};

struct ConnectResult {
  bool answered = false;
  int sipCode = 0;    // final response of the connected party (200, 486, 480, 408 ...)
  /// answered | busy | no_answer | rejected | unavailable | failed | cancelled |
  /// answered_elsewhere (a parallel connect lost to another one)
  std::string cause;
  std::string extension;  // what was connected
};

/// A new outbound app call (originate()): the switch calls `destination`
/// (an extension, or a number through the dial plan) from the app itself.
/// Once it answers, the call is an app call like an inbound one: the called
/// party is its customer leg and every CallControl method works on it
/// (callbacks: call the customer, then connect() the agent; campaigns).
struct OriginateRequest {
  ConnectRequest::Kind kind = ConnectRequest::Kind::Number;
  std::string destination;
  int timeoutMs = 30'000;  // no answer within -> OriginateResult{answered=false, cause "no_answer"}
  /// Caller id the called party sees (required for numbers: the trunk's rule may replace it).
  std::string callerIdNumber;
  std::string callerIdName;
  std::map<std::string, std::string> headers;  // extra SIP headers on the INVITE
  /// What AppCallInfo-like lookups report for the call (CDR, /api/v1/calls):
  /// the target type/target the app files it under ("callback", queue id).
  std::string targetType = "originate";
  std::string target;
  std::string departmentId;
};

struct OriginateResult {
  bool answered = false;
  int sipCode = 0;    // final response of the called party
  std::string cause;  // answered | busy | no_answer | rejected | unavailable | failed | cancelled
};

/// The answer to screenInbound(): go on, reject, or send the call to a flow.
struct ScreenDecision {
  enum class Kind { Continue, Reject, Flow };
  Kind kind = Kind::Continue;
  int sipCode = 603;   // Reject
  std::string flowId;  // Flow: the call becomes an app call of type "flow"
};

/// Any answered call (app call or not), for the recording policy.
struct AnsweredCall {
  std::string callId;
  std::string direction;  // internal | inbound | outbound
  std::string callerNumber;
  std::string calleeNumber;  // as dialled
  std::string destination;   // extension / number that answered
  std::string callerExtension;  // "" when the caller is a trunk
  std::string did;
  std::string departmentId;
  bool appCall = false;
};

/// Implemented by the contact-center layer. All callbacks on the control thread.
/// Callbacks may call CallControl methods (even hangup() of the call being
/// reported): the switch defers its own clean-up until the callback returns.
/// Except onAppCall/screenInbound (answered synchronously), callbacks are
/// queued and delivered when the switch's current SIP/media event or tick
/// returns -- never from inside a CallControl method; results of a command
/// given from a center tick arrive within one tick (20 ms).
/// Order per call: onAppRecordingStopped comes before onAppCallEnded (the
/// switch waits up to 3 s for the recorder); nothing comes after it.
/// onCallAnswered: for app calls, once, when the customer leg is answered
/// (answer(), or a connect() answered while the customer was unanswered).
/// onConnectResult is reported for handOff connects too (then only
/// onAppCallEnded). onConnectedPartyGone causes: normal (the party hung up),
/// disconnected (disconnect()), media_timeout.
class CallAppListener {
 public:
  virtual ~CallAppListener() = default;
  /// A new inbound call routed to an app target. The caller got 100 Trying and
  /// nothing else. Return false to refuse: the switch answers 404 to the caller.
  virtual bool onAppCall(const AppCallInfo& info) = 0;
  /// Every inbound call from a trunk, before any routing (blacklist). Must be
  /// fast (in-memory). info.targetType/target are empty here.
  virtual ScreenDecision screenInbound(const AppCallInfo& /*info*/) { return {}; }
  /// Any call whose callee answered (ordinary calls too), for recording by policy:
  /// startRecording(callId, ...) works on every call id.
  virtual void onCallAnswered(const AnsweredCall& /*call*/) {}
  /// A DTMF digit from the customer leg (RFC 4733, SIP INFO, or in-band while
  /// detectDigits is on). Each digit once.
  virtual void onAppDigit(const std::string& callId, char digit, int durationMs) = 0;
  /// reason: completed | stopped | dtmf | replaced | error
  virtual void onAppPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) = 0;
  virtual void onAppRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                                     int64_t recordedMs) = 0;
  /// The outcome of connect(): answered (and bridged with the customer) or failed.
  virtual void onConnectResult(const std::string& callId, uint64_t connectId, const ConnectResult& result) = 0;
  /// The connected party hung up (handOff=false); the customer is still on the
  /// line, unbridged, and the app has the call again.
  virtual void onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) = 0;
  /// The call is over (customer hung up, or hangup() by the app). Last callback.
  /// side: caller | callee | system
  virtual void onAppCallEnded(const std::string& callId, const std::string& cause, const std::string& side) = 0;
  /// A supervision (supervise()) is over: the supervisor hung up, did not answer
  /// (cause no_answer/busy/unavailable/failed), or the agent left ("agent_gone").
  /// Not reported after stopSupervising().
  virtual void onSupervisionEnded(const std::string& /*callId*/, uint64_t /*supervisionId*/,
                                  const std::string& /*cause*/) {}
  /// The outcome of originate(): answered (the call is an app call from now
  /// on; onCallAnswered came just before) or failed -- then onAppCallEnded
  /// follows as for every app call. Exactly once per originated call, also
  /// when the app hung it up before it answered (cause "cancelled").
  virtual void onOriginateResult(const std::string& /*callId*/, const OriginateResult& /*result*/) {}
};

/// Implemented by the Switch. Every method: control thread, never blocks.
/// Unknown call ids give Error{"not_found"}; a call in the wrong state gives
/// Error{"conflict"} and changes nothing.
class CallControl {
 public:
  virtual ~CallControl() = default;
  virtual void setAppListener(CallAppListener* listener) = 0;

  /// Answers the customer leg (200 OK with our anchored SDP). Idempotent.
  virtual core::Result<void> answer(const std::string& callId) = 0;
  /// Early media instead of answering: 183 with SDP, so prompts play before
  /// the call is charged (used for rejection announcements). Idempotent.
  virtual core::Result<void> earlyMedia(const std::string& callId) = 0;
  /// Plays to the customer leg (replaces any current playback). The request id
  /// comes back in onAppPlaybackDone.
  virtual core::Result<void> play(const std::string& callId, const media::PlayRequest& request) = 0;
  virtual core::Result<void> stopPlay(const std::string& callId) = 0;
  /// In-band DTMF detection on the customer leg on/off (RFC 4733 and INFO
  /// digits are always reported).
  virtual core::Result<void> detectDigits(const std::string& callId, bool on) = 0;
  /// Records the customer leg (for ordinary calls: the caller's leg): channel
  /// 0 the customer, channel 1 what he hears (the agent once bridged).
  /// Relative paths are under media.recordings_dir. Works on every call id.
  virtual core::Result<void> startRecording(const std::string& callId, const media::RecordingOptions& options) = 0;
  virtual core::Result<void> pauseRecording(const std::string& callId) = 0;
  virtual core::Result<void> resumeRecording(const std::string& callId) = 0;
  virtual core::Result<void> stopRecording(const std::string& callId) = 0;

  /// Places a call to another party while the customer stays on the line
  /// (hearing whatever the app plays). On answer the switch stops the
  /// customer's playback, answers the customer leg if it was not yet, and
  /// bridges the two. Returns the connect id echoed in onConnectResult.
  /// Only one connect at a time per call (conflict otherwise).
  virtual core::Result<uint64_t> connect(const std::string& callId, const ConnectRequest& request) = 0;
  /// Cancels a ringing connect (onConnectResult with cause "cancelled" follows)
  /// or hangs up an answered, connected party (onConnectedPartyGone follows).
  virtual core::Result<void> disconnect(const std::string& callId, uint64_t connectId) = 0;
  /// Server-side hold of the customer: unbridges and plays `moh` (loops) to
  /// the customer and silence to the connected party; off re-bridges.
  virtual core::Result<void> hold(const std::string& callId, bool on, const media::PlayRequest& moh) = 0;
  /// Sends DTMF to the connected party (the agent's desk dial pad into an IVR).
  virtual core::Result<void> sendDigits(const std::string& callId, const std::string& digits) = 0;

  /// Consultation (agent desk "consult"): the customer is held (hears `moh`),
  /// and the connected party (agent) is bridged with a new party placed by
  /// `request` (handOff ignored). onConnectResult with the returned id reports it.
  virtual core::Result<uint64_t> consult(const std::string& callId, const ConnectRequest& request,
                                         const media::PlayRequest& moh) = 0;
  /// Ends a consultation: transfer=true bridges the customer with the consulted
  /// party and hangs up the agent (the consulted party becomes the connected
  /// party: onConnectedPartyGone reports it later); conference=true puts the
  /// three in a conference; both false = cancel (consult leg hung up, agent back
  /// with the customer). A consult that fails (onConnectResult !answered)
  /// leaves the customer held until completeConsult(). In a conference, hold()
  /// and consult() answer conflict; disconnect(consultId) drops the consulted party.
  virtual core::Result<void> completeConsult(const std::string& callId, bool transfer, bool conference) = 0;

  /// Supervision: rings `supervisorExtension`; when it answers it joins the
  /// bridged app call `callId` in `mode` (listen/whisper/barge). The
  /// returned id identifies the supervisor leg for setSuperviseMode/stopSupervising.
  virtual core::Result<uint64_t> supervise(const std::string& callId, const std::string& supervisorExtension,
                                           media::SuperviseMode mode) = 0;
  virtual core::Result<void> setSuperviseMode(uint64_t supervisionId, media::SuperviseMode mode) = 0;
  virtual core::Result<void> stopSupervising(uint64_t supervisionId) = 0;

  /// Ends the call: BYE to every leg (or a final `sipCode` response when the
  /// customer leg is not answered yet). onAppCallEnded follows.
  virtual core::Result<void> hangup(const std::string& callId, const std::string& cause = "normal",
                                    int sipCode = 480) = 0;

  /// Places a new outbound app call (see OriginateRequest) and returns its
  /// call id at once; onOriginateResult reports the outcome. The listener
  /// must own the call from the moment this returns (AppRouter::adopt).
  /// Errors: invalid (bad number/header), not_found (no extension or route),
  /// unavailable (extension not registered / busy, no trunk).
  virtual core::Result<std::string> originate(const OriginateRequest& /*request*/) {
    return core::makeError("not_supported", "originate is not supported");
  }
  /// Mute: on = the connected party's (agent's) audio no longer reaches the
  /// customer, nor channel 1 of the customer's recording; the agent still
  /// hears the customer. Idempotent; survives hold/unhold and consultation;
  /// ends with the connected party (a new party is not muted). Conflict when
  /// no party is connected.
  virtual core::Result<void> mute(const std::string& /*callId*/, bool /*on*/) {
    return core::makeError("not_supported", "mute is not supported");
  }
};

}  // namespace hujiao::call
