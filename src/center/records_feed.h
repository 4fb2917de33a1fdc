#pragma once
// RecordsFeed: turns the domain events on the EventBus (call.*, agent.state,
// interaction.*, ivr.ended) into the report event store's typed records.
// Events carry ids and a few facts; the feed remembers what it needs between
// them (when an interaction was queued and answered, which DID and IVR flow a
// call came through, when an agent's state began) so that each record is
// complete when it is appended. Fields the producers may add later (wait_ms,
// talk_s, ...) are used when present; otherwise the feed computes them from
// the event times.
//
// Threads: one thread at a time (RecordsService's feed thread). Pure apart
// from its memory: no I/O, so tests drive it directly.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event_bus.h"
#include "report/events.h"

namespace hujiao::center {

class RecordsFeed {
 public:
  /// True for the event types the feed (or the recording side) wants; cheap,
  /// called on the publisher's thread.
  static bool wanted(const std::string& type);

  /// The records this event makes (often none, sometimes several).
  std::vector<report::Record> map(const core::Event& e);

  /// Interactions and calls still remembered (tests, metrics).
  size_t liveInteractions() const { return ix_.size(); }
  size_t liveCalls() const { return calls_.size(); }
  /// Forgets interactions and calls older than cutoffUs (a lost "ended");
  /// returns the ended interactions still waiting for a wrap-up end from before it.
  std::vector<report::Record> expire(int64_t cutoffUs);

 private:
  struct CallInfo {
    std::string did;
    std::string flowId;
    std::string callerNumber;
    int64_t createdUs = 0;
    int64_t seenUs = 0;
    std::vector<std::string> interactions;
  };
  struct IxInfo {
    std::string queueId;
    std::string agentId;
    std::string callId;
    std::string customerKey;
    int64_t queuedUs = 0;
    int64_t answeredUs = 0;
    int64_t seenUs = 0;
    int64_t serviceLevelUs = report::kDefaultServiceLevelUs;
    int64_t holdSinceUs = 0;  // on hold since (0 = not held)
    int64_t holdUs = 0;
    bool closed = false;  // abandoned / overflowed / exited: no "Exited" at the end
  };
  /// An answered interaction that ended: its record waits for the agent's
  /// wrap-up to end (wrap-up time, disposition) before it is written.
  struct PendingEnd {
    report::InteractionRecord record;
    bool inWrapUp = false;
  };
  struct AgentInfo {
    std::string state;
    std::string reason;
    int64_t sinceUs = 0;
  };

  IxInfo& interaction(const core::Event& e, report::InteractionRecord& r);
  void mapCall(const core::Event& e, std::vector<report::Record>& out);
  void mapIvr(const core::Event& e, std::vector<report::Record>& out);
  void mapAgent(const core::Event& e, std::vector<report::Record>& out);
  void mapInteraction(const core::Event& e, std::vector<report::Record>& out);

  std::unordered_map<std::string, CallInfo> calls_;
  std::unordered_map<std::string, IxInfo> ix_;
  std::unordered_map<std::string, AgentInfo> agents_;
  std::unordered_map<std::string, PendingEnd> pendingEnds_;  // by agent id
};

/// Microseconds from an event field given in seconds (`<name>_s`) or
/// milliseconds (`<name>_ms`); -1 when neither is there.
int64_t durationField(const nlohmann::json& data, const std::string& name);

}  // namespace hujiao::center
