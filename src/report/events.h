#pragma once
// The report event model: what the ACD, the call layer and the IVR tell the
// event store, as plain typed records. One record = one fact that happened at
// `atUs`; the store keeps each record append-only and rolls it up into
// 15-minute interval buckets (see docs/metrics.md for how each metric is
// attributed to an interval).
//
// Producers fill the fields that their kind documents; the rest stay at their
// defaults. Records carry the thresholds in force when they happened (the
// queue's service-level threshold, the short-abandon threshold), so a later
// configuration change does not rewrite history.
//
// Threads: plain values, no thread affinity. validate() is cheap and may run
// on the control thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json_fwd.hpp>

namespace hujiao::report {

inline constexpr int64_t kDefaultServiceLevelUs = 20'000'000;
inline constexpr int64_t kDefaultShortAbandonUs = 5'000'000;

/// What happened to an interaction in a queue.
enum class IxKind : uint8_t {
  Entered,      // entered the queue (raw only; drives the repeat-contact FCR)
  Offered,      // offered (rung) to agentId
  RingNoAnswer, // agentId did not answer the offer in time / rejected it
  Answered,     // connected to agentId; waitUs = queue wait (ringing included)
  Abandoned,    // customer hung up before an answer; waitUs = wait until then
  Overflowed,   // sent away by a queue rule; target = where to
  Exited,       // other queue exit (timeout to voicemail/callback, forced
                // disconnect); reason says which
  Transferred,  // the agent transferred it; target = where to; answeredAtUs =
                // its answer time
  CallbackRequested, // the customer accepted a callback
  CallbackDone,      // the callback reached the customer
  Ended,  // handled interaction finished, after wrap-up: talk/hold/wrap-up,
          // answeredAtUs, resolved
  Survey, // post-contact survey answer: score 1..5; answeredAtUs of the
          // surveyed interaction
};
inline constexpr int kIxKindCount = 12;

/// A queue interaction event. Dimension fields (queueId, agentId, did,
/// flowId) that are empty are simply not reported on.
struct InteractionRecord {
  IxKind kind = IxKind::Entered;
  int64_t atUs = 0; // UTC µs when it happened
  std::string interactionId;
  std::string channel = "voice";
  std::string queueId;
  std::string agentId;
  std::string did;          // the number the customer dialled (voice)
  std::string flowId;       // the IVR flow it came through
  std::string customerKey;  // CRM customer id, else caller number; "" = unknown
                            // (no repeat-contact FCR)
  int64_t waitUs = 0;       // Answered, Abandoned, Overflowed, Exited
  int64_t answeredAtUs = 0; // Ended, Transferred, Survey: when it was answered
                            // (interval attribution)
  int64_t talkUs = 0;       // Ended
  int64_t holdUs = 0;       // Ended
  int64_t wrapUpUs = 0;     // Ended
  int64_t serviceLevelUs =
      kDefaultServiceLevelUs; // Answered: the queue's threshold T
  int64_t shortAbandonUs =
      kDefaultShortAbandonUs; // Abandoned: the queue's short-abandon threshold
  std::string target; // Overflowed, Transferred: destination ("queue:q2",
                      // "ext:1001", ...)
  std::string reason; // Exited: "timeout", "voicemail", "callback",
                      // "disconnect"; RingNoAnswer: "no_answer"...
  int resolved =
      -1; // Ended: disposition says resolved (1) / not (0) / unknown (-1)
  int score = 0; // Survey: 1..5
};

/// An agent's state change (the ACD's AgentStateChange, plus the previous
/// state's reason). States: "ready", "not_ready", "reserved", "busy",
/// "wrap_up", "logged_out" (acd::toString names).
struct AgentStateRecord {
  int64_t atUs = 0;
  std::string agentId;
  std::string fromState;
  std::string fromReason; // "" = take it from the previous record of this agent
                          // (writer's memory)
  std::string toState;
  std::string toReason;
  int64_t previousForUs =
      0; // how long fromState lasted: the span [atUs - previousForUs, atUs)
};

/// Links an interaction to the CDR of a call (one per leg or call).
struct CdrRefRecord {
  int64_t atUs = 0;
  std::string interactionId;
  std::string cdrId;
  std::string role; // "inbound", "agent_leg", "consult", "callback", ...
};

/// How a call left an IVR flow.
enum class IvrExit : uint8_t {
  Completed, // the flow itself ended the call (self-service done): contained
  Hangup,    // the caller hung up in the flow
  Queue,     // transferred to a queue
  Agent,     // to an agent
  Extension, // to an extension
  External,  // to an external number
  Error,     // the flow failed
};
inline constexpr int kIvrExitCount = 7;

/// One pass of a call through an IVR flow, written when it leaves the flow.
struct IvrPathRecord {
  int64_t atUs = 0; // when it left the flow (interval attribution)
  std::string callId;
  std::string interactionId; // "" when it never reached a queue
  std::string flowId;
  std::string did;
  int64_t enteredAtUs = 0;
  IvrExit exit = IvrExit::Hangup;
  std::string exitNode; // id of the node it left from
  std::string path;     // node ids visited, comma separated (raw only)
  /// Per-flow setting: a caller hang-up after a "self-service complete" node
  /// counts as contained (the IVR decides and sets this).
  bool hangupContained = false;
  int64_t shortHangupUs = kDefaultShortAbandonUs;
};

using Record = std::variant<InteractionRecord, AgentStateRecord, CdrRefRecord,
                            IvrPathRecord>;

std::string_view toString(IxKind k);
std::optional<IxKind> ixKindFromString(std::string_view s);
std::string_view toString(IvrExit e);
std::optional<IvrExit> ivrExitFromString(std::string_view s);

/// "" when the record is well-formed, else what is wrong (for the log and the
/// invalid-record counter). Cheap: no allocation on success.
std::string validate(const Record &r);

/// The record's time (UTC µs).
int64_t recordTime(const Record &r);

/// Journal line format (one JSON object per record, "t" names the type).
nlohmann::json toJson(const Record &r);
/// Parses a journal line's object; nullopt when it is not a record.
std::optional<Record> recordFromJson(const nlohmann::json &j);

} // namespace hujiao::report
