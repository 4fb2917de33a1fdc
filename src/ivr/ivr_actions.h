#pragma once
// The contract between an IvrSession and the call-layer adapter that carries
// it out (src/call). The session never touches SIP, media, HTTP or the store:
// it receives Events and returns Actions. Ids in actions (play, timer, http,
// recording) are echoed back in the matching events; an event with a stale id
// (e.g. PromptDone of a play that was stopped) is ignored by the session, so
// the adapter may report everything it sees without filtering.
//
// Threads: actions are produced and events consumed on the control thread.
// Anything slow (HTTP, file writes) is done by the adapter off that thread and
// reported back as an event through core::TaskQueue.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hujiao::ivr {

/// One resolved item to play (maps 1:1 onto media::PlayItem).
struct PlayItem {
  enum class Kind { File, Tts, Tone, Silence };
  Kind kind = Kind::File;
  std::string value;   // File: path relative to the sounds directory; Tts: text; Tone: tone name
  int durationMs = 0;  // Tone (0 = natural length) and Silence
  bool operator==(const PlayItem&) const = default;
};

namespace action {
/// Answer the call (200 OK) if not answered yet. No event comes back.
struct Answer {};
/// Play items in order, in `language` (TTS voice). bargeIn: the session will
/// send StopPlay on the first digit; the adapter may also stop on DTMF itself.
/// Reply: event::PromptDone{playId} when finished or stopped.
struct Play {
  uint64_t playId = 0;
  std::vector<PlayItem> items;
  std::string language;
  bool bargeIn = false;
};
struct StopPlay {
  uint64_t playId = 0;
};
/// Informational: the session is now collecting digits with these rules (it
/// enforces them itself from event::Digit and its timers). Adapters use it to
/// flush stale DTMF and size buffers; every digit must be forwarded anyway.
struct CollectDigits {
  int maxDigits = 1;
  std::string terminators;
  int firstDigitTimeoutMs = 0;
  int interDigitTimeoutMs = 0;
};
/// Reply: event::TimerFired{timerId} after delayMs of monotonic time, unless cancelled.
struct StartTimer {
  uint64_t timerId = 0;
  int64_t delayMs = 0;
};
struct CancelTimer {
  uint64_t timerId = 0;
};
/// Perform off the control thread. Reply: event::HttpResult{requestId,...}.
/// The session also runs its own timer of timeoutMs; a later reply is ignored.
struct HttpRequest {
  uint64_t requestId = 0;
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string contentType;
  int timeoutMs = 0;
};
/// Hand the call to the ACD. Replies: event::QueueResult (Connected, then
/// AgentHungUp if the agent leaves first; or Failed/Timeout).
struct EnqueueToQueue {
  std::string queue;
  std::vector<std::string> skills;
  int priority = 0;
  std::vector<PlayItem> announcement;  // repeat every announceEveryMs while waiting
  int announceEveryMs = 0;
  int maxWaitMs = 0;  // 0 = the queue's own limit
  std::string language;
  nlohmann::json callData;  // caller, called, language, variables: for the agent's screen pop
};
/// Blind transfer. Reply: event::TransferResult.
struct Transfer {
  enum class Kind { Extension, External };
  Kind kind = Kind::Extension;
  std::string destination;
  std::string trunk;  // External: empty = default route
  int timeoutMs = 0;
};
/// Record the caller into a mailbox after an optional beep; stop on StopRecording
/// or the caller's hangup (keep the file). Reply: event::RecordingDone.
struct RecordVoicemail {
  uint64_t recordingId = 0;
  std::string mailbox;
  int maxLengthMs = 0;
  bool beep = true;
  std::string finishDigits;  // informational: the session sends StopRecording on them
};
struct StopRecording {
  uint64_t recordingId = 0;
};
/// Store for later (fire and forget; no event).
struct StoreCallback {
  std::string number;
  std::string preferredTime;  // as entered/computed by the flow; may be empty
  std::string queue;
  int64_t requestedAtUs = 0;
};
struct StoreSurvey {
  std::string question;
  int rating = 0;  // 1..5
  int64_t atUs = 0;
};
/// End the call (BYE / reject if not answered). The session is finished.
struct Hangup {
  std::string reason;
};
}  // namespace action

using Action = std::variant<action::Answer, action::Play, action::StopPlay, action::CollectDigits,
                            action::StartTimer, action::CancelTimer, action::HttpRequest, action::EnqueueToQueue,
                            action::Transfer, action::RecordVoicemail, action::StopRecording,
                            action::StoreCallback, action::StoreSurvey, action::Hangup>;

namespace event {
/// The call entered the flow (inbound call routed to it). First event.
struct Started {};
struct PromptDone {
  uint64_t playId = 0;
};
/// One DTMF digit (RFC 4733 or in-band): 0-9 * # A-D.
struct Digit {
  char digit = 0;
};
struct TimerFired {
  uint64_t timerId = 0;
};
/// status: HTTP status, 0 when there was no reply (error/timedOut say why).
struct HttpResult {
  uint64_t requestId = 0;
  int status = 0;
  std::string body;
  bool timedOut = false;
  std::string error;
  int64_t elapsedMs = 0;
};
struct QueueResult {
  // HandedOver: the queue overflowed into another flow, which takes the call
  // over (AppRouter::handOver); this session ends without hanging up.
  enum class Kind { Connected, AgentHungUp, Failed, Timeout, HandedOver };
  Kind kind = Kind::Failed;
  std::string agent;   // Connected: who answered
  std::string detail;  // Failed: why (e.g. "no_agents", "queue_closed")
};
struct TransferResult {
  bool ok = false;
  std::string detail;  // e.g. "486 Busy Here"
};
struct RecordingDone {
  uint64_t recordingId = 0;
  std::string file;
  int64_t durationMs = 0;
};
/// The caller hung up (or the call otherwise ended). Last event.
struct Hangup {};
}  // namespace event

using Event = std::variant<event::Started, event::PromptDone, event::Digit, event::TimerFired, event::HttpResult,
                           event::QueueResult, event::TransferResult, event::RecordingDone, event::Hangup>;

const char* actionName(const Action& a);
const char* eventName(const Event& e);

}  // namespace hujiao::ivr
