#pragma once
// Call and Leg: the state the Switch keeps per call. Internal to src/call.
//
// Threads: control thread only.
#include <memory>
#include <string>
#include <vector>

#include "call/switch.h"

namespace hujiao::call {

struct Switch::Leg {
  enum class State { Idle, Calling, Early, Up, Ending, Gone };
  uint64_t id = 0;
  Call* call = nullptr;
  sip::HandleRef handle;
  bool inbound = false;
  State state = State::Idle;
  std::string target;     // contact URI / trunk request URI
  std::string extension;  // extension number this leg reaches ("" for trunks)
  std::string trunkId;
  std::string sipCallId;
  int status = 0;  // last final status on this leg's INVITE
  media::EndpointId ep = 0;
  std::string remoteSdp;  // SDP this leg's peer last sent us
  std::string localSdp;   // SDP we last sent to this leg's peer
  int64_t startUs = 0;
  int64_t answerUs = 0;
  int64_t endUs = 0;
  bool abandoned = false;     // cancelled or hung up by us; its answers no longer matter
  bool lostToAnswer = false;  // another fork / parallel connect answered: CANCEL says so (RFC 3326)
  bool gotProvisional = false;
  bool ringing = false;
  // A re-INVITE received on `relayFrom` waits for the answer to our re-INVITE on this leg.
  Leg* relayFrom = nullptr;
  bool awaitingReinvite = false;  // we owe a final response to a re-INVITE on this leg
  bool transferReinvite = false;  // our re-INVITE on this leg completes a transfer
  bool isTransferTarget = false;  // a new leg placed by a blind transfer
  bool referPending = false;      // this leg sent a REFER we are executing (owes NOTIFY)
  bool manualAck = false;         // originate leg answered with an offer (3PCC)
  Call* transferFor = nullptr;    // attended transfer: the call this leg moves into
  // App calls: which CallControl request placed this leg (0 = none) and why.
  enum class AppRole { None, Connect, Consult, Supervisor, Originate };
  AppRole appRole = AppRole::None;
  uint64_t appId = 0;  // connect id / supervision id / originate attempt id
  media::SuperviseMode superviseMode = media::SuperviseMode::Listen;  // Supervisor legs
};

/// One connect() or consult() attempt of an app call: its forks ring until one
/// answers (then `party` is bridged) or all fail / the timer fires.
struct AppConnect {
  uint64_t id = 0;
  ConnectRequest request;
  std::string headerBlock;  // request.headers (+ auto-answer) as SIP header lines
  bool consult = false;
  bool parallel = false;   // ring-all: one of several connects ringing at once
  bool originate = false;  // originate(): its answer becomes the customer leg
  bool answered = false;
  Switch::Leg* party = nullptr;  // the leg that answered
  sip::Timers::TimerId timer = 0;
  std::string countedExtension;  // counted against its call limit while this connect lives
  std::string countedTrunk;
  std::vector<std::string> trunkQueue;  // Number: trunks still to try
  std::string number;                   // Number: after the dial plan's rewrite
  std::string callerPolicy = "keep";    // Number: the dial rule's caller-id policy
  std::string ruleCallerId;
  int lastStatus = 0;
  bool sawBusy = false;
  bool ringingPublished = false;
};

/// What an app call (IVR / queue / agent) adds to a call. Owned by the Call.
struct AppCallState {
  std::string targetType;
  std::string target;
  bool handedOff = false;   // a handOff connect answered: an ordinary call from then on
  bool earlyMedia = false;  // 183 with our SDP sent
  std::unique_ptr<AppConnect> connect;  // the current connect (ringing or connected)
  std::unique_ptr<AppConnect> consult;  // a consultation in progress
  std::vector<std::unique_ptr<AppConnect>> parallel;  // ring-all connects still ringing
  std::unique_ptr<AppConnect> originate;  // originate(): the attempt (customer leg once answered)
  bool originateReported = true;          // onOriginateResult sent (false while an originate rings)
  bool muted = false;                     // mute(): the connected party is not heard by the customer
  media::ConferenceId muteConference = 0; // while muted outside a three-way: customer + muted party
  bool refused = false;     // onAppCall said no: no more callbacks
  bool held = false;
  bool inConsult = false;   // consult() until completeConsult()
  bool conference = false;
  media::ConferenceId conferenceId = 0;
  std::vector<Switch::Leg*> conferenceExtras;  // consulted parties kept in a conference
};

struct Switch::Call {
  enum class Phase { Routing, Ringing, Answered, Ending };
  std::string id;
  Phase phase = Phase::Routing;
  std::string direction = "internal";
  std::string callerNumber;
  std::string callerName;
  std::string callerExtension;  // "" when the caller is a trunk
  std::string calleeNumber;
  std::string destination;
  std::string trunkId;  // trunk used (in or out)
  std::string did;
  std::string departmentId;
  std::vector<std::unique_ptr<Leg>> legs;
  Leg* in = nullptr;    // the caller's leg (inbound, or the first originate leg)
  Leg* peer = nullptr;  // the party bridged with `in` once answered
  sip::Timers::TimerId noAnswerTimer = 0;
  sip::Timers::TimerId trunkTimer = 0;
  std::vector<std::string> trunkQueue;  // trunks still to try (failover)
  std::string outNumber;
  std::string outCallerPolicy = "keep";
  std::string outFixedCallerId;
  int lastTrunkStatus = 0;
  int64_t startUs = 0;
  int64_t answerUs = 0;
  int64_t endUs = 0;
  std::string cause;
  std::string side;
  int sipCode = 0;
  bool onHold = false;
  bool finished = false;
  std::vector<std::string> countedExtensions;
  std::vector<std::string> countedTrunks;
  std::vector<CdrLeg> cdrLegs;
  // Originate (3PCC): `in` is our outbound leg to the first endpoint.
  bool originated = false;
  std::string originateTarget;
  // Blind transfer in progress: who asked (owes NOTIFY) and who stays.
  Leg* transferor = nullptr;
  Leg* transferee = nullptr;
  Leg* transferLeg = nullptr;  // the party that replaces the transferor once it answers
  bool attended = false;
  // App calls (src/center drives them through CallControl); null for ordinary calls.
  std::unique_ptr<AppCallState> app;
  /// Driven by the app right now (an app call not handed off).
  bool appControlled() const { return app && !app->handedOff; }
};

}  // namespace hujiao::call

namespace hujiao::call {

/// Entry points (SIP and media events, tick) hold one: when the outermost
/// returns, queued CallAppListener callbacks run and finished calls are freed.
struct Switch::AppScope {
  explicit AppScope(Switch& s) : s_(s) { ++s_.appDepth_; }
  ~AppScope() {
    if (--s_.appDepth_ == 0) s_.drainApp();
  }
  AppScope(const AppScope&) = delete;
  AppScope& operator=(const AppScope&) = delete;
  Switch& s_;
};

}  // namespace hujiao::call
