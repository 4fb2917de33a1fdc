#include "app/daemon.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>

#include "api/api_server.h"
#include "app/version.h"
#include "call/telephony_service.h"
#include "center/acd_service.h"
#include "center/contact_center.h"
#include "center/ivr_service.h"
#include "core/clock.h"
#include "core/core_config.h"
#include "core/event_bus.h"
#include "core/log.h"
#include "core/metrics.h"
#include "media/engine.h"
#include "media/media_config.h"
#include "sip/sip_config.h"
#include "store/store.h"

namespace hujiao::app {

core::ConfigSchema buildSchema() {
  core::ConfigSchema schema;
  core::addCoreConfig(schema);
  store::addStoreConfig(schema);
  api::addApiConfig(schema);
  sip::addSipConfig(schema);
  media::addMediaConfig(schema);
  center::ContactCenter::addConfig(schema);
  return schema;
}

core::Config loadConfig(const core::ConfigSchema& schema, const DaemonOptions& options) {
  if (options.configPath) return core::Config::loadFile(schema, *options.configPath, options.env);
  return core::Config::load(schema, "", "(defaults)", options.env);
}

namespace {

std::vector<store::Migration> moduleMigrations() {
  // Later modules (report, ...) append their schema changes here.
  std::vector<store::Migration> all = call::TelephonyService::migrations();
  for (auto& m : center::ContactCenter::migrations()) all.push_back(std::move(m));
  return all;
}

// How late the control thread runs a task posted by the main thread (lag metric).
class LagProbe {
 public:
  explicit LagProbe(core::TaskQueue& queue) : queue_(queue) {}
  void probe() {
    int64_t posted = core::SystemClock::instance().monoUs();
    auto lag = lagUs_;
    queue_.post([lag, posted] { *lag = core::SystemClock::instance().monoUs() - posted; });
  }
  double seconds() const { return lagUs_->load() / 1e6; }

 private:
  core::TaskQueue& queue_;
  // Shared with posted probes, which may run after the daemon object is gone.
  std::shared_ptr<std::atomic<int64_t>> lagUs_ = std::make_shared<std::atomic<int64_t>>(0);
};

void reload(const core::ConfigSchema& schema, const DaemonOptions& options, const core::Config& running,
            api::ApiServer& api) {
  auto log = core::logger("app");
  try {
    core::Config next = loadConfig(schema, options);
    core::initLogging(core::logOptionsFrom(next));
    api.reload(next);
    for (const auto& key : running.diff(next)) {
      auto dot = key.find('.');
      const core::ConfigKey* k = schema.find(key.substr(0, dot), key.substr(dot + 1));
      if (k && k->reloadable)
        log->info("reload: {} applied", key);
      else
        log->warn("reload: {} changed but needs a restart to take effect", key);
    }
    log->info("configuration reloaded");
  } catch (const core::ConfigError& e) {
    log->error("reload refused, keeping the running configuration: {}", e.what());
  }
}

}  // namespace

int runDaemon(const DaemonOptions& options) {
  // Signals are handled synchronously by this thread; every thread started
  // below inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  core::ConfigSchema schema = buildSchema();
  core::Config config;
  try {
    config = loadConfig(schema, options);
  } catch (const core::ConfigError& e) {
    std::cerr << "hujiaod: bad configuration: " << e.what() << "\n";
    return 1;
  }
  core::initLogging(core::logOptionsFrom(config));
  auto log = core::logger("app");
  log->info("hujiaod {} ({}) starting, config: {}", kVersion, kGitSha, options.configPath.value_or("(defaults)"));

  std::unique_ptr<store::Store> store;
  try {
    std::filesystem::create_directories(config.getString("node.data_dir"));
    store = store::openStore(config, moduleMigrations());
  } catch (const std::exception& e) {
    log->critical("cannot open the store: {}", e.what());
    return 1;
  }
  log->info("store: {}", store->backend());

  if (auto admin = api::ensureAdmin(*store, options.env, std::cout); !admin) {
    log->critical("cannot create the admin user: {}", admin.error().message);
    return 1;
  }
  if (config.getBool("node.demo_data")) {
    if (auto demo = api::seedDemoData(*store); !demo) log->warn("demo data not loaded: {}", demo.error().message);
  }

  core::EventBus bus;
  core::MetricsRegistry metrics;

  // The telephony service owns the control thread: sofia's loop runs its task
  // queue. The media engine needs that queue at construction, so it is
  // attached to the service after both exist and before the loop starts.
  // The contact center (IVR, ACD, recording, reports) rides on the control
  // thread once telephony runs; its stored configuration loads now.
  center::CenterContext centerBase;
  centerBase.config = &config;
  centerBase.store = store.get();
  centerBase.events = &bus;
  centerBase.metrics = &metrics;
  auto center = std::make_unique<center::ContactCenter>(centerBase);

  sip::SipConfig sipConfig;
  std::unique_ptr<media::MediaEngineImpl> media;
  std::unique_ptr<call::TelephonyService> tel;
  try {
    sipConfig = sip::sipConfigFrom(config);
    tel = std::make_unique<call::TelephonyService>(sipConfig, store->db(),
                                                   call::TelephonyOptions{&bus, &metrics, nullptr, nullptr, {}});
    call::TelephonyService* t = tel.get();
    media = std::make_unique<media::MediaEngineImpl>(media::mediaConfigFrom(config), tel->controlQueue(),
                                                     [t](const media::MediaEvent& e) { t->postMediaEvent(e); });
    media->registerMetrics(metrics);
    media::MediaEngineImpl* m = media.get();
    tel->setMedia(m, [m] { m->bindToCurrentThread(); });
    center->attach(*tel);
  } catch (const std::exception& e) {
    log->critical("cannot set up telephony/media: {}", e.what());
    store->close();
    return 1;
  }
  // A SIP port that cannot be bound (another PBX, a second daemon on one host)
  // leaves hujiaod running without telephony rather than without its API and
  // console: the telephony routes answer 503 and hujiao_sip_up says 0. The
  // service and engine objects stay alive (their metric callbacks point at them).
  bool sipUp = true;
  if (auto started = tel->startThread(); !started) {
    sipUp = false;
    log->critical("SIP is NOT running: cannot start SIP on port {}: {} (telephony routes answer 503)",
                  sipConfig.port, started.error().message);
  }
  metrics.callbackGauge("hujiao_sip_up", "1 when the SIP stack and the control thread run",
                        [sipUp] { return sipUp ? 1.0 : 0.0; });
  if (sipUp && config.getBool("node.demo_data")) {
    if (auto demo = api::seedTelephonyDemo(*store, *tel); !demo)
      log->warn("demo telephony data not loaded: {}", demo.error().message);
  }
  LagProbe lag(tel->controlQueue());
  metrics.callbackGauge("hujiao_control_lag_seconds", "How late the control thread ran a probe task",
                        [&lag] { return lag.seconds(); });

  auto stopTelephony = [&] {
    tel->stop();  // the control thread ends: nothing calls the media engine any more
    tel->setMedia(nullptr);
    media.reset();  // its workers may still post events to the (stopped) control queue
    tel.reset();
  };
  api::ApiServer api(api::ApiDeps{&config, store.get(), &bus, &metrics, sipUp ? &tel->controlQueue() : nullptr,
                                  sipUp ? tel.get() : nullptr, sipUp ? center.get() : nullptr});
  if (auto started = api.start(); !started) {
    log->critical("cannot start the HTTP API: {}", started.error().message);
    stopTelephony();
    store->close();
    return 1;
  }
  if (sipUp)
    log->info("ready: SIP on port {}, media anchoring {}", sipConfig.port, sipConfig.mediaAnchoring ? "on" : "off");
  log->info("ready: HTTP on port {} (API /api/v1, console /)", api.port());
  std::cout << "hujiaod ready: http://127.0.0.1:" << api.port() << "/" << std::endl;

  for (;;) {
    timespec tick{1, 0};
    siginfo_t info{};
    int sig = sigtimedwait(&signals, &info, &tick);
    if (sig < 0) {
      if (sipUp) lag.probe();
      continue;
    }
    if (sig == SIGHUP) {
      log->info("SIGHUP: reloading configuration");
      reload(schema, options, config, api);
      continue;
    }
    log->info("{}: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    break;
  }

  // Shutdown order: whatever can post to the control queue or call into
  // telephony stops before telephony does, and the queue itself outlives every
  // thread that might still post to it.
  // 1. The API: no more requests (they post to the control queue, read calls).
  api.stop(std::chrono::milliseconds(config.getInt("http.shutdown_grace_ms")));
  // 2. The center drains while telephony is whole: the router takes no new app
  //    call (calls in progress go on), and store work already queued (some of
  //    it calls the telephony service, e.g. the demo DIDs) runs. Without a
  //    control thread there is nobody to wait for.
  center->drain(sipUp ? std::chrono::milliseconds(2000) : std::chrono::milliseconds(0));
  // 3. Telephony: the control thread ends (nothing runs the queue any more),
  //    then the media engine, whose workers post events to that queue.
  tel->stop();
  tel->setMedia(nullptr);
  media.reset();
  // 4. The rest of the center (writers, report feed, open recordings) while
  //    the stopped control queue still exists: a post made now is dropped with
  //    the queue instead of landing in freed memory.
  center->stop();
  tel.reset();
  store->close();
  log->info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace hujiao::app
