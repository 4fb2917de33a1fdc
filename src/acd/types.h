#pragma once
// Public value types of the ACD: channels, agent states, queue and agent
// configuration, the interaction model, outputs and statistics snapshots.
// Plain data; no thread affinity of their own (the Acd that uses them runs on
// the control thread).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hujiao::acd {

/// Every kind of interaction goes through the same queues.
enum class Channel : uint8_t { Voice, Chat, Email, Sms };
inline constexpr std::size_t kChannelCount = 4;

/// What an agent is doing, as shown to supervisors and stored with its time.
/// LoggedOut / Ready / NotReady are the agent's own choice ("presence"); the
/// others derive from work: Reserved (an offer is ringing), Busy (connected to
/// an interaction), WrapUp (after-call work).
enum class AgentState : uint8_t { LoggedOut, Ready, NotReady, Reserved, Busy, WrapUp };
inline constexpr std::size_t kAgentStateCount = 6;

/// The agent's chosen presence (the part of AgentState an agent sets).
enum class Presence : uint8_t { LoggedOut, Ready, NotReady };

enum class Strategy : uint8_t {
  LongestIdle,         // the agent idle for the longest time
  FewestInteractions,  // fewest interactions answered today
  LeastTalkTime,       // least talk time today
  RoundRobin,          // next agent after the one offered last (queue remembers)
  RingAll,             // offer to every available agent of the best tier at once
  BestSkill,           // highest sum of levels in the required skills
  Linear,              // always from the top of the member list
  Random,              // uniform among available agents (seedable)
};

struct SkillRequirement {
  std::string skill;
  int minLevel = 1;
};

struct AgentSkill {
  std::string skill;
  int level = 1;
};

struct CustomerIdentity {
  std::string number;  // caller id / SMS number
  std::string email;
  std::string chatId;
};

using Attributes = std::map<std::string, std::string>;

/// An interaction as the ACD knows it (any channel).
struct Interaction {
  std::string id;
  Channel channel = Channel::Voice;
  CustomerIdentity customer;
  std::string queueId;  // the queue it currently sits in
  std::vector<SkillRequirement> skills;
  int priority = 0;          // higher first: VIP jumps the line
  Attributes attributes;     // IVR variables, for the screen pop
  int64_t enqueuedAtUs = 0;  // UTC µs of the first enqueue into the ACD
  bool callback = false;     // the customer accepted a callback and hung up
  std::string callbackNumber;
};

/// Input of Acd::enqueue().
struct EnqueueRequest {
  std::string id;  // opaque, unique among live interactions
  Channel channel = Channel::Voice;
  CustomerIdentity customer;
  std::string queueId;
  std::vector<SkillRequirement> skills;
  int priority = 0;
  Attributes attributes;
};

enum class OverflowKind : uint8_t { None, Queue, Flow, Voicemail, External };

/// Where an interaction goes when a queue rule sends it away. None means
/// "no destination": the call layer ends it (e.g. busy / queue full prompt).
struct OverflowTarget {
  OverflowKind kind = OverflowKind::None;
  std::string value;  // queue id, flow id, mailbox, or E.164 number
};

enum class OverflowReason : uint8_t { MaxWait, MaxLength, JoinEmpty, LeaveEmpty };

/// When a queue counts as "empty" for the join/leave rules.
enum class EmptyRule : uint8_t {
  Ignore,           // never empty: always join, never leave
  NoAgentLoggedIn,  // empty when no member is logged in
  NoAgentReady,     // empty when no member has presence Ready (busy ones count as
                    // ready)
};

struct QueueConfig {
  std::string id;
  std::string name;
  Strategy strategy = Strategy::LongestIdle;
  int64_t maxWaitUs = 0;  // 0 = wait forever
  OverflowTarget overflowTarget;
  std::size_t maxLength = 0;  // 0 = unlimited
  OverflowTarget fullTarget;
  EmptyRule joinEmpty = EmptyRule::Ignore;
  EmptyRule leaveEmpty = EmptyRule::Ignore;
  OverflowTarget emptyTarget;
  int64_t serviceLevelUs = 20'000'000;
  int64_t wrapUpUs = 0;
  int64_t ringTimeoutUs = 20'000'000;  // ring-no-answer
  bool rnaNotReady = true;             // a ring-no-answer puts the agent not ready ("rna")
  int64_t announceEveryUs = 0;         // 0 = no position/estimated-wait announcements
  int64_t callbackOfferAfterUs = 0;    // offer a callback when the estimated wait reaches this; 0 = never
  int64_t defaultAhtUs = 180'000'000;  // estimate used before any interaction was handled
  double ahtAlpha = 0.2;               // weight of the newest sample in the smoothed AHT
  std::string musicOnHold;             // carried for the call layer
};

struct AgentConfig {
  std::string id;      // user id
  std::string device;  // extension; may be replaced at login
  std::string name;
  std::vector<AgentSkill> skills;
  /// Interactions at once per channel (Voice, Chat, Email, Sms).
  std::array<uint16_t, kChannelCount> capacity{1, 1, 1, 1};
};

struct Membership {
  std::string agentId;
  std::string queueId;
  int level = 0;      // tier / penalty: lower tiers are offered first
  int position = -1;  // order for Linear and RoundRobin; -1 = after the last
};

// ---- outputs -------------------------------------------------------------

enum class CancelReason : uint8_t { AnsweredElsewhere, Abandoned, RingTimeout, Moved, AgentLoggedOut };

enum class OfferFailure : uint8_t { NoAnswer, Rejected, DeviceError };

enum class InteractionEvent : uint8_t { Queued, Answered, Ended, Abandoned, Transferred, Moved, Overflowed };

struct AgentStateChange {
  std::string agentId;
  std::string device;
  AgentState from = AgentState::LoggedOut;
  AgentState to = AgentState::LoggedOut;
  std::string reason;         // not-ready reason code ("rna" after a ring-no-answer)
  int64_t atUs = 0;           // UTC µs of the change
  int64_t previousForUs = 0;  // how long the previous state lasted
};

/// One state change as kept in an agent's recent history.
struct StateRecord {
  AgentState state = AgentState::LoggedOut;
  std::string reason;
  int64_t atUs = 0;  // UTC µs
};

struct QueueStats {
  std::string queueId;
  std::size_t waiting = 0;  // in the queue and not yet answered (ringing ones included)
  int64_t longestWaitUs = 0;
  // Today (since the last resetDailyStats()).
  uint64_t offered = 0;  // entered the queue
  uint64_t answered = 0;
  uint64_t abandoned = 0;
  uint64_t overflowed = 0;  // sent away by max wait / max length / join or leave empty
  uint64_t answeredWithinSl = 0;
  double serviceLevelPct = 100.0;  // answeredWithinSl / (answered + abandoned)
  int64_t asaUs = 0;               // average speed of answer
  int64_t ahtUs = 0;               // average handle time (talk + hold + wrap-up)
  int64_t ahtEstimateUs = 0;       // smoothed AHT used for estimated waits
  std::array<uint32_t, kAgentStateCount> agentsByState{};
};

struct AgentStats {
  std::string agentId;
  AgentState state = AgentState::LoggedOut;
  std::string reason;
  int64_t stateSinceUs = 0;  // UTC µs
  uint64_t offered = 0;
  uint64_t interactions = 0;  // answered today
  uint64_t ringNoAnswer = 0;
  int64_t talkUs = 0;
  int64_t holdUs = 0;
  int64_t wrapUpUs = 0;
  std::array<int64_t, kAgentStateCount> timeInStateUs{};
  double occupancyPct = 0;                      // (reserved + busy + wrap-up) / (ready + reserved + busy + wrap-up)
  std::array<uint16_t, kChannelCount> inUse{};  // interactions held per channel
};

std::string_view toString(Channel c);
std::string_view toString(AgentState s);
std::string_view toString(Strategy s);
std::string_view toString(OverflowKind k);
std::string_view toString(OverflowReason r);
std::string_view toString(CancelReason r);
std::string_view toString(InteractionEvent e);
std::optional<Channel> channelFromString(std::string_view s);
std::optional<Strategy> strategyFromString(std::string_view s);
std::optional<OverflowKind> overflowKindFromString(std::string_view s);
std::optional<EmptyRule> emptyRuleFromString(std::string_view s);

}  // namespace hujiao::acd
