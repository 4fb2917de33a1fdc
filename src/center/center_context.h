#pragma once
// What every contact-center service gets from ContactCenter.
//
// Threads: the pointers are set on the main thread before any service runs;
// `calls` is only usable on the control thread (set when the control thread
// attaches, null when telephony is not running).
#include "core/clock.h"
#include "core/config.h"
#include "core/event_bus.h"
#include "core/metrics.h"
#include "core/task_queue.h"
#include "store/store.h"

namespace hujiao::call {
class CallControl;
class TelephonyService;
}  // namespace hujiao::call

namespace hujiao::center {

class AppRouter;
class QueueHandoff;
class RecordsService;

struct CenterContext {
  const core::Config* config = nullptr;
  store::Store* store = nullptr;
  core::EventBus* events = nullptr;
  core::MetricsRegistry* metrics = nullptr;
  core::Clock* clock = nullptr;
  /// Posts to the control thread (null when telephony is not running).
  core::TaskQueue* control = nullptr;
  /// The telephony facade (extensions, DIDs); null when not running.
  call::TelephonyService* telephony = nullptr;
  // ---- control thread only ----
  call::CallControl* calls = nullptr;
  AppRouter* router = nullptr;
  /// The ACD's voice queue entry (IVR "queue" nodes); set by ContactCenter.
  QueueHandoff* queues = nullptr;
  /// Recording policy and the report feed; set by ContactCenter.
  RecordsService* records = nullptr;
};

}  // namespace hujiao::center
