#pragma once
// AcdListener: the ACD's decisions and events, typed. The call layer carries
// out offers, cancels, overflows, announcements and callbacks; the CTI fan-out
// and the report writer take the state and statistics events.
//
// Threads: called synchronously on the control thread while the Acd handles an
// input. A listener must not call back into the Acd from inside a callback
// (the Acd refuses with "reentrant_call"); post the follow-up instead.
// References are valid only during the call: copy what you keep.
#include <cstdint>
#include <string>

#include "acd/types.h"

namespace hujiao::acd {

/// The agent an output is addressed to.
struct AgentRef {
  const std::string &id;
  const std::string &device;
};

class AcdListener {
 public:
  virtual ~AcdListener() = default;
  /// Ring this agent with this interaction; answer with agentAnswered() or
  /// offerFailed(); the ACD cancels after the queue's ring timeout.
  virtual void onOffer(const Interaction & /*ix*/, AgentRef /*agent*/, int64_t /*ringTimeoutUs*/) {}
  /// Stop ringing (answered elsewhere, abandoned, ring timeout, moved).
  virtual void onCancelOffer(const Interaction & /*ix*/, AgentRef /*agent*/, CancelReason /*why*/) {}
  /// A queue rule sends the interaction away. For kind Queue the ACD has
  /// already moved it there itself when movedInternally is true; otherwise
  /// the ACD has forgotten it and the call layer takes it to the target.
  virtual void onOverflow(const Interaction & /*ix*/, const OverflowTarget & /*target*/, OverflowReason /*why*/,
                          bool /*movedInternally*/) {}
  /// Tell the customer the position (1 = next) and the estimated wait
  /// (-1 = unknown: no agent serving the queue).
  virtual void onAnnounce(const Interaction & /*ix*/, int /*position*/, int64_t /*estimatedWaitUs*/) {}
  /// Offer the customer a callback (answer with acceptCallback()).
  virtual void onCallbackOffer(const Interaction & /*ix*/, int64_t /*estimatedWaitUs*/) {}
  /// A callback interaction reached an agent: call the agent, then the
  /// customer.
  virtual void onCallbackNow(const Interaction & /*ix*/, AgentRef /*agent*/, int64_t /*ringTimeoutUs*/) {}
  virtual void onAgentStateChanged(const AgentStateChange & /*change*/) {}
  /// Coalesced: at most once per stats interval per queue that changed.
  virtual void onQueueStatsChanged(const QueueStats & /*stats*/) {}
  /// Lifecycle of interactions for CTI events and reports (agentId may be
  /// empty).
  virtual void onInteractionEvent(const Interaction & /*ix*/, InteractionEvent /*what*/,
                                  const std::string & /*agentId*/) {}
};

}  // namespace hujiao::acd
