#pragma once
// QueueHandoff: how the IVR hands a call to an ACD queue and gets it back.
// Implemented by AcdService, used by IvrService (an IVR "queue" node).
//
// Threads: control thread only.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "media/media_api.h"

namespace hujiao::center {

struct QueueEntry {
  std::string callId;
  std::string queueId;
  std::vector<std::pair<std::string, int>> skills;  // (skill, minimum level)
  int priority = 0;                                  // higher first (VIP)
  int maxWaitMs = 0;                                 // 0 = the queue's own limit
  std::string language;                              // zh | en: announcements
  /// Played (looped) while waiting between announcements; empty = queue's MOH.
  std::vector<media::PlayItem> announcement;
  int announceEveryMs = 0;
  /// For the agent's screen pop: caller, called, IVR variables, language ...
  std::map<std::string, std::string> attributes;
};

struct QueueOutcome {
  enum class Kind {
    Connected,    // an agent answered; the ACD keeps the call (informational)
    AgentHungUp,  // the agent left first; the caller is back with the IVR
    Failed,       // could not queue or overflowed to "flow"; detail says why; back with the IVR
    Timeout,      // max wait reached with no overflow target; back with the IVR
    CallerHungUp,  // the caller left (waiting or talking); the call is gone
    HandedOver     // the queue overflowed into a flow, which owns the call now (AppRouter::handOver):
                   // forget the call without hanging up; detail "overflow:flow:<id>"
  };
  Kind kind = Kind::Failed;
  std::string agentId;
  std::string detail;
};

class QueueHandoff {
 public:
  virtual ~QueueHandoff() = default;
  /// Takes the call (AppRouter::own) and queues it. `done` is called once per
  /// outcome; after any outcome but Connected the ACD no longer owns the call
  /// and the caller of enqueueCall must take it back with AppRouter::own
  /// (except CallerHungUp). Returns false when the queue does not exist (nothing taken).
  virtual bool enqueueCall(const QueueEntry& entry, std::function<void(const QueueOutcome&)> done) = 0;
};

}  // namespace hujiao::center
