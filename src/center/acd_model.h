#pragma once
// The ACD service's stored configuration (queues, memberships, agent settings,
// webhooks) and the live views the CTI API reads (agents, interactions,
// supervisions). Plain data; no thread affinity of their own: the store reads
// and writes them on pool/main/writer threads, the control thread keeps live
// copies.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "acd/types.h"

namespace hujiao::center {

/// A queue as the REST API and the store see it (docs/cti.md "Queues").
struct QueueSettings {
  std::string id;
  std::string name;
  std::string departmentId;  // "" = none
  std::string strategy = "longest_idle";
  std::vector<std::pair<std::string, int>> skills;  // (skill, min level) every entry requires
  int maxWaitS = 0;                                 // 0 = forever
  int maxLength = 0;                                // 0 = unlimited
  std::string overflowType = "none";                // queue | flow | voicemail | number | none
  std::string overflowTarget;
  int serviceLevelS = 20;
  int wrapUpS = 0;
  int ringTimeoutS = 20;
  int announceEveryS = 0;        // 0 = no position/estimated-wait announcements
  int callbackOfferWaitS = 0;    // offer a callback when the estimated wait reaches this; 0 = never
  // An unanswered callback is called again after callbackRetryS, up to
  // callbackAttempts calls; unset = acd.callback_retry_s / acd.callback_attempts.
  std::optional<int> callbackRetryS;
  std::optional<int> callbackAttempts;
  bool joinEmpty = true;         // false: callers are refused when no member is ready (→ overflow)
  bool leaveEmpty = false;       // true: waiting callers leave when no member is ready (→ overflow)
  std::string moh;               // "tone:<name>" or a sound file path; "" = acd.default_moh
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

struct MemberSettings {
  std::string queueId;
  std::string agentId;
  int level = 0;      // tier: lower first
  int position = -1;  // order for linear / round robin; -1 = after the last
};

/// An agent: a user with a device (extension) and ACD settings.
struct AgentSettings {
  std::string userId;
  std::string extension;
  std::vector<std::pair<std::string, int>> skills;  // (skill, level)
  std::array<uint16_t, acd::kChannelCount> capacity{1, 3, 3, 3};  // voice, chat, email, sms
  bool autoAnswer = false;
  int64_t updatedUs = 0;
};

/// AgentSettings plus what the user record says (for lists and scoping).
struct AgentInfo {
  AgentSettings settings;
  std::string username;
  std::string displayName;
  std::string departmentId;
};

struct Webhook {
  std::string id;
  std::string url;
  std::string secret;               // write-only in the API
  std::vector<std::string> events;  // "agent.state", "interaction.*", "*"; empty = every event
  int64_t createdUs = 0;
};

/// One agent state change, stored with its time (acd_agent_states).
struct StateRow {
  std::string agentId;
  std::string state;
  std::string reason;
  std::string previous;
  int64_t atUs = 0;
  int64_t previousForUs = 0;
};

struct DispositionRow {
  std::string interactionId;
  std::string callId;
  std::string agentId;
  std::string queueId;
  std::string disposition;
  std::string notes;
  int64_t atUs = 0;
};

// ---- live views (snapshots copied off the control thread) ----

struct AgentView {
  AgentInfo info;
  acd::AgentState state = acd::AgentState::LoggedOut;
  std::string reason;
  int64_t stateSinceUs = 0;
  std::string device;  // logged-in device (may differ from the extension)
};

struct InteractionView {
  std::string id;
  std::string channel = "voice";
  std::string state;  // waiting | ringing | connected | held | wrap_up
  std::string queueId;
  std::string departmentId;  // of the queue
  std::string callId;
  std::string agentId;  // ringing or connected agent
  std::string customerNumber;
  std::map<std::string, std::string> attributes;
  int priority = 0;
  int64_t enqueuedAtUs = 0;
  int64_t offeredAtUs = 0;
  int64_t answeredAtUs = 0;
  bool callback = false;
  bool muted = false;  // CTI mute: the customer does not hear the agent
};

struct QueueStatsView {
  QueueSettings queue;
  acd::QueueStats stats;
};

}  // namespace hujiao::center
