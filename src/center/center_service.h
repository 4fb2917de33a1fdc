#pragma once
// CenterService: what ContactCenter needs from each service (IVR, ACD, records).
#include "center/center_context.h"

namespace hujiao::center {

class CenterService {
 public:
  virtual ~CenterService() = default;
  /// Control thread, before its loop runs: ctx.calls and ctx.router are set;
  /// register targets/hooks with the router here.
  virtual void attach() {}
  /// Control thread, every loop tick (20 ms): timers, periodic events.
  virtual void tick() {}
  /// Main thread at shutdown, after the control thread stopped: flush.
  virtual void stop() {}
};

}  // namespace hujiao::center
