#include "app/daemon.h"

#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <iostream>

#include "api/api_server.h"
#include "app/control_thread.h"
#include "app/version.h"
#include "core/core_config.h"
#include "core/event_bus.h"
#include "core/log.h"
#include "core/metrics.h"
#include "store/store.h"

namespace hujiao::app {

core::ConfigSchema buildSchema() {
  core::ConfigSchema schema;
  core::addCoreConfig(schema);
  store::addStoreConfig(schema);
  api::addApiConfig(schema);
  return schema;
}

core::Config loadConfig(const core::ConfigSchema& schema, const DaemonOptions& options) {
  if (options.configPath) return core::Config::loadFile(schema, *options.configPath, options.env);
  return core::Config::load(schema, "", "(defaults)", options.env);
}

namespace {

std::vector<store::Migration> moduleMigrations() {
  // Later modules (sip, report, ...) append their schema changes here.
  return {};
}

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
  ControlThread control;
  control.start();
  metrics.callbackGauge("hujiao_control_queue_depth", "Tasks waiting for the control thread",
                        [&control] { return static_cast<double>(control.queue().depth()); });
  metrics.callbackGauge("hujiao_control_lag_seconds", "How late the control thread ran a probe task",
                        [&control] { return control.lastLagSeconds(); });

  api::ApiServer api(api::ApiDeps{&config, store.get(), &bus, &metrics, &control.queue()});
  if (auto started = api.start(); !started) {
    log->critical("cannot start the HTTP API: {}", started.error().message);
    control.stop();
    store->close();
    return 1;
  }
  log->info("ready: HTTP on port {} (API /api/v1, console /)", api.port());
  std::cout << "hujiaod ready: http://127.0.0.1:" << api.port() << "/" << std::endl;

  for (;;) {
    timespec tick{1, 0};
    siginfo_t info{};
    int sig = sigtimedwait(&signals, &info, &tick);
    if (sig < 0) {
      control.probeLag();
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

  api.stop(std::chrono::milliseconds(config.getInt("http.shutdown_grace_ms")));
  control.stop();
  store->close();
  log->info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace hujiao::app
