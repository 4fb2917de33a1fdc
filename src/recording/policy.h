#pragma once
// Which calls are recorded: a pure decision over the call's facts and the
// policy, so the control thread can call it without any I/O, and tests can
// enumerate cases.
//
// Order of the rules: a never-record number or agent wins over everything
// (a customer who refused recording is never recorded, not even on demand);
// then mode "all"; then mode "selected" (queue, agent, direction or DID
// listed); then an agent's on-demand request if the policy allows it.
//
// Threads: pure functions; any thread (the control thread calls them).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace hujiao::recording {

struct CallFacts {
  std::string direction;       // "inbound", "outbound", "internal"
  std::string did;             // dialled number of an inbound call
  std::string queueId;         // "" = not through a queue
  std::string agentId;         // agent user id handling it ("" = none yet)
  std::string customerNumber;  // the external party
  bool agentRequested = false; // on-demand start from the agent desktop
};

struct RecordingPolicy {
  enum class Mode { All, Selected, None };
  Mode mode = Mode::All;
  std::set<std::string> queues;      // Selected: record calls through these queues
  std::set<std::string> agents;      // ... handled by these agents
  std::set<std::string> directions;  // ... in these directions
  std::set<std::string> dids;        // ... to these DIDs (normalised digits)
  /// Never recorded: numbers (digits; "+86 10-1234" == "86101234"; a trailing
  /// '*' matches a prefix) and agent ids.
  std::vector<std::string> neverNumbers;
  std::set<std::string> neverAgents;
  bool allowOnDemand = true;  // agents may start a recording the policy did not
  bool allowAgentPause = true;  // agents may pause/resume (e.g. while a card number is read)
  int retentionDays = 365;      // 0 = keep forever
  std::map<std::string, int> retentionByQueue;  // queue id -> days (0 = forever)
};

struct RecordDecision {
  bool record = false;
  /// "never_number", "never_agent", "all", "queue", "agent", "direction",
  /// "did", "on_demand", "on_demand_disabled", "not_selected", "disabled".
  std::string reason;
  int retentionDays = 0;
};

RecordDecision shouldRecord(const CallFacts& facts, const RecordingPolicy& policy);

/// Days a recording of this queue is kept (0 = forever).
int retentionDaysFor(const std::string& queueId, const RecordingPolicy& policy);

enum class AgentAction { Start, Pause, Resume, Stop };
/// May the agent do this from the desktop now? "forbidden" with the reason,
/// or "conflict" when the action does not fit the current state.
core::Result<void> checkAgentAction(AgentAction action, const CallFacts& facts, const RecordingPolicy& policy,
                                    bool recording, bool paused);

/// Digits only ("+86 (10) 1234" -> "86101234"); keeps a trailing '*'.
std::string normaliseNumber(const std::string& n);
bool numberListed(const std::string& number, const std::vector<std::string>& list);

}  // namespace hujiao::recording
