#pragma once
// ContactCenter: builds the contact-center services (IVR, ACD, records) and
// hooks them into the control thread through the telephony service. The
// daemon owns one; the API reaches the services through it.
//
// Threads: construct, attach() and stop() on the main thread; the services'
// live work runs on the control thread.
#include <chrono>
#include <memory>
#include <vector>

#include "center/app_router.h"
#include "center/center_context.h"
#include "core/config.h"
#include "store/db.h"

namespace hujiao::call {
class TelephonyService;
}

namespace hujiao::center {

class IvrService;
class AcdService;
class RecordsService;

class ContactCenter {
 public:
  /// Every service's config sections.
  static void addConfig(core::ConfigSchema& schema);
  /// Every service's migrations (ivr 400-499, acd 500-599, report 600-699, recording 1000-1099).
  static std::vector<store::Migration> migrations();

  /// base: config, store, events, metrics, clock (null clock = SystemClock).
  explicit ContactCenter(CenterContext base);
  ~ContactCenter();
  ContactCenter(const ContactCenter&) = delete;
  ContactCenter& operator=(const ContactCenter&) = delete;

  /// Main thread, before tel.start(): the services get the control thread.
  void attach(call::TelephonyService& tel);
  /// Shutdown in two phases (main thread):
  /// 1. drain(), while telephony still runs: the router takes no new app
  ///    call (asked on the control thread, waiting up to `timeout`), then the
  ///    ACD and IVR writers store what is queued (some of it calls the
  ///    telephony facade, e.g. the demo DIDs). Calls in progress go on.
  /// 2. stop(), after the telephony service stopped: release (flush and stop
  ///    the writers, the report feed, open recordings). Without drain() first,
  ///    stop() alone still releases everything.
  /// False when the control thread did not answer in time (phase 1 goes on).
  bool drain(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  void stop();

  IvrService& ivr() { return *ivr_; }
  AcdService& acd() { return *acd_; }
  RecordsService& records() { return *records_; }
  /// True once attached to a running telephony service.
  bool live() const { return ctx_.control != nullptr; }
  CenterContext& context() { return ctx_; }

 private:
  CenterContext ctx_;
  AppRouter router_;
  std::unique_ptr<RecordsService> records_;
  std::unique_ptr<AcdService> acd_;
  std::unique_ptr<IvrService> ivr_;
};

}  // namespace hujiao::center
