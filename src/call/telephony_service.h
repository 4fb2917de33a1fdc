#pragma once
// TelephonyService: the facade the daemon and the REST layer use. It owns the
// SIP stack, the Switch (control thread), the StoreWriter, and runs the
// control loop. Configuration CRUD runs on the CALLER's thread against the
// store, then the new in-memory copy is posted to the control thread. Live
// state (registrations, calls, blocks) is read on the control thread and
// returned through a std::future.
//
// Threads: construct and start() on the main thread; run() on the thread that
// becomes the control thread (or startThread()); stop() and every facade
// method from any thread (API pool threads). Never call a facade method that
// waits on a future from the control thread itself.
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "call/call_app.h"
#include "call/telephony_store.h"
#include "call/telephony_types.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "core/metrics.h"
#include "core/task_queue.h"
#include "media/media_api.h"
#include "sip/sip_config.h"

namespace hujiao::call {

class StoreWriter;
class Switch;

struct TelephonyOptions {
  core::EventBus* events = nullptr;
  core::MetricsRegistry* metrics = nullptr;
  /// The media plane; null (or sip.media_anchoring=false) relays SDP unchanged between legs.
  media::MediaEngine* media = nullptr;
  core::Clock* clock = nullptr;  // null = SystemClock
  /// Extra CDR consumer (report writer); called on the control thread, must only copy/post.
  std::function<void(const Cdr&)> cdrSink;
};

class TelephonyService {
 public:
  TelephonyService(const sip::SipConfig& config, store::Db& db, TelephonyOptions options = {});
  ~TelephonyService();
  TelephonyService(const TelephonyService&) = delete;
  TelephonyService& operator=(const TelephonyService&) = delete;

  /// Migrations 100-199 to pass to store::openStore().
  static std::vector<store::Migration> migrations();

  /// Main thread, before start(): sets the media plane when it could not be given at
  /// construction (the real engine needs controlQueue() to exist first).
  /// `bindToControlThread` runs on the control thread before its loop starts (the
  /// engine's thread-ownership check binds there).
  void setMedia(media::MediaEngine* media, std::function<void()> bindToControlThread = {});
  /// Main thread, before start(): the contact-center layer. `attach` runs on the
  /// control thread before its loop starts, with the switch's CallControl (set
  /// the CallAppListener there); `tick` runs on every loop tick (20 ms).
  void setApp(std::function<void(CallControl&)> attach, std::function<void()> tick);
  /// Loads the store snapshot (this thread) and binds the SIP transports.
  core::Result<void> start();
  /// Runs the control loop on the calling thread until stop().
  void run();
  /// start() + run() on a new thread; returns once the transports are bound.
  core::Result<void> startThread();
  /// Any thread: ends run(), flushes the writer, joins the thread of startThread().
  void stop();
  /// The control thread's queue (media events, other modules' commands).
  core::TaskQueue& controlQueue() { return control_; }
  /// For the media engine's event sink: posts the event to the control thread.
  void postMediaEvent(const media::MediaEvent& e);

  // ---- configuration CRUD (store on the calling thread, then reload control) ----
  core::Result<Extension> createExtension(const Extension& e);
  core::Result<Extension> getExtension(const std::string& id);
  core::Result<Extension> updateExtension(const Extension& e);
  core::Result<void> deleteExtension(const std::string& id);
  core::Result<store::Page<Extension>> listExtensions(const ListFilter& f);

  core::Result<Trunk> createTrunk(const Trunk& t);
  core::Result<Trunk> getTrunk(const std::string& id);
  core::Result<Trunk> updateTrunk(const Trunk& t);
  core::Result<void> deleteTrunk(const std::string& id);
  core::Result<store::Page<Trunk>> listTrunks(const ListFilter& f);

  core::Result<Did> createDid(const Did& d);
  core::Result<Did> getDid(const std::string& id);
  core::Result<Did> updateDid(const Did& d);
  core::Result<void> deleteDid(const std::string& id);
  core::Result<store::Page<Did>> listDids(const ListFilter& f);

  core::Result<DialRule> createDialRule(const DialRule& r);
  core::Result<DialRule> getDialRule(const std::string& id);
  core::Result<DialRule> updateDialRule(const DialRule& r);
  core::Result<void> deleteDialRule(const std::string& id);
  core::Result<store::Page<DialRule>> listDialRules(const ListFilter& f);

  core::Result<store::Page<Cdr>> listCdrs(const CdrQuery& q);

  // ---- live state (answered by the control thread) ----
  std::future<std::vector<sip::Binding>> registrations(const std::string& extension = "");
  std::future<std::vector<sip::BlockedAddress>> blockedAddresses();
  std::future<bool> unblock(const std::string& address);
  std::future<std::vector<CallSnapshot>> calls();
  std::future<std::vector<TrunkRegistration>> trunkRegistrations();
  /// Rings extension `from`; when it answers, calls `to`. The future holds the call id.
  std::future<core::Result<std::string>> originate(const std::string& from, const std::string& to);
  std::future<core::Result<void>> hangup(const std::string& callId);

  /// Blocks until queued store writes are done (tests, shutdown).
  void flushWrites();

 private:
  template <class T, class F>
  std::future<T> ask(F fn);
  void reloadExtensions();
  void reloadTrunks();
  void reloadDids();
  void reloadDialRules();

  sip::SipConfig config_;
  TelephonyOptions options_;
  TelephonyStore store_;
  core::TaskQueue control_;
  std::unique_ptr<StoreWriter> writer_;
  std::unique_ptr<Switch> switch_;
  std::unique_ptr<class SipStackHolder> stack_;
  std::mutex reloadMu_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::function<void()> bindMedia_;
  std::function<void(CallControl&)> appAttach_;
  std::function<void()> appTick_;
};

}  // namespace hujiao::call
