#pragma once
// The HTTP API of hujiaod: REST under /api/v1, the events WebSocket, /healthz,
// /metrics and the console's static files.
//
// Threads: ApiServer is constructed, started, reloaded and stopped on the main
// thread; requests are served on its own pool (http.threads), which is the
// service plane: handlers call the store synchronously. Requests that need live
// call state will be posted to the control thread through deps.control.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include "core/config.h"
#include "core/event_bus.h"
#include "core/metrics.h"
#include "core/result.h"
#include "core/task_queue.h"
#include "store/store.h"

namespace hujiao::call {
class TelephonyService;
}
namespace hujiao::center {
class ContactCenter;
}

namespace hujiao::api {

class Router;

/// Adds the "http" and "auth" sections.
void addApiConfig(core::ConfigSchema& schema);

struct ApiDeps {
  const core::Config* config;
  store::Store* store;
  core::EventBus* bus;
  core::MetricsRegistry* metrics;  // may be null
  core::TaskQueue* control;        // posts to the control thread (live-state requests, later issues)
  /// Telephony (SIP + calls); null = the telephony routes answer 503.
  call::TelephonyService* telephony = nullptr;
  /// The contact center (IVR, ACD, records); null = those routes answer 503.
  center::ContactCenter* center = nullptr;
};

class ApiServer {
 public:
  explicit ApiServer(ApiDeps deps);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Binds http.listen:http.port (port 0 = ephemeral) and starts the pool.
  core::Result<void> start();
  /// The bound port.
  uint16_t port() const;
  /// Stops accepting, finishes in-flight requests up to grace, closes WebSockets.
  void stop(std::chrono::milliseconds grace);
  /// SIGHUP: applies the reloadable auth.* keys.
  void reload(const core::Config& config);
  /// The route table and the OpenAPI document generated from it (tests, tools).
  const Router& router() const;
  const std::string& openApiJson() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// First start: if no user exists, creates `admin` (built-in admin role) with
/// the password from env HUJIAO_ADMIN_PASSWORD, else a generated one printed
/// once to `out`. Returns the password it set ("" if a user already existed).
core::Result<std::string> ensureAdmin(store::Store& store, const std::map<std::string, std::string>& env,
                                      std::ostream& out);

/// Demo departments and users (docs/api.md lists them with their passwords).
/// Idempotent: existing departments/users with the same names are kept.
core::Result<void> seedDemoData(store::Store& store);

/// Demo telephony (node.demo_data): extensions 1001-1005 (password "<number>-demo";
/// 1001-1003 in 客服一部, 1004-1005 in 客服二部) and DID 4000 routed to 1001.
/// Idempotent: existing numbers are kept. Call after seedDemoData().
core::Result<void> seedTelephonyDemo(store::Store& store, call::TelephonyService& tel);

}  // namespace hujiao::api
