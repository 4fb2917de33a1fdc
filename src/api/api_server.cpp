#include "api/api_server.h"

#include <array>

#include "api/audit_log.h"
#include "api/auth_service.h"
#include "api/errors.h"
#include "api/http_server.h"
#include "api/openapi.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/static_files.h"
#include "api/ws_hub.h"
#include "core/clock.h"
#include "core/log.h"

#ifndef HUJIAO_VERSION
#define HUJIAO_VERSION "0.0.0"
#endif
#ifndef HUJIAO_GIT_SHA
#define HUJIAO_GIT_SHA "unknown"
#endif

namespace hujiao::api {

using nlohmann::json;

namespace {

constexpr int kMaxStatus = 600;

AuthSettings authSettings(const core::Config& c) {
  AuthSettings s;
  s.maxFailures = c.getInt("auth.max_failures");
  s.lockoutSeconds = c.getInt("auth.lockout_seconds");
  s.tokenTtlSeconds = c.getInt("auth.token_ttl_s");
  s.minPasswordLength = c.getInt("auth.min_password_length");
  s.cacheTtlMs = c.getInt("auth.token_cache_ttl_ms");
  s.password.iterations = static_cast<uint32_t>(c.getInt("auth.argon2_iterations"));
  s.password.memoryKiB = static_cast<uint32_t>(c.getInt("auth.argon2_memory_kib"));
  return s;
}

HttpServerOptions serverOptions(const core::Config& c) {
  HttpServerOptions o;
  o.listen = c.getString("http.listen");
  o.port = static_cast<uint16_t>(c.getInt("http.port"));
  o.threads = static_cast<int>(c.getInt("http.threads"));
  o.maxHeaderBytes = static_cast<size_t>(c.getInt("http.max_header_bytes"));
  o.maxBodyBytes = static_cast<size_t>(c.getInt("http.max_body_bytes"));
  o.readTimeout = std::chrono::milliseconds(c.getInt("http.read_timeout_ms"));
  o.idleTimeout = std::chrono::milliseconds(c.getInt("http.idle_timeout_ms"));
  o.wsMaxQueue = static_cast<size_t>(c.getInt("http.ws_max_queue"));
  o.wsIdleTimeout = std::chrono::milliseconds(c.getInt("http.ws_idle_timeout_ms"));
  return o;
}

bool isJsonContentType(const std::string& ct) {
  if (ct.empty()) return true;  // tolerated: the body is still parsed as JSON
  std::string lower;
  for (char c : ct) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.rfind("application/json", 0) == 0 || lower.find("+json") != std::string::npos;
}

// Per-route request counters (by status) and latency, registered lazily and
// then reached without locks.
struct RouteStats {
  std::string label;
  std::string method;
  core::Histogram* latency = nullptr;
  std::unique_ptr<std::atomic<core::Counter*>[]> byStatus;
};

}  // namespace

class ApiServer::Impl final : public HttpHandler {
 public:
  explicit Impl(ApiDeps deps)
      : deps_(deps),
        audit_(*deps.store, deps.bus),
        auth_(*deps.store, audit_, core::SystemClock::instance(), authSettings(*deps.config)),
        hub_(deps.bus),
        ctx_{*deps.store, auth_, audit_, hub_, core::SystemClock::instance(), deps.telephony, deps.center},
        static_(deps.config->getString("http.static_dir")),
        server_(serverOptions(*deps.config), *this),
        startedMono_(std::chrono::steady_clock::now()) {
    addAuthRoutes(router_, ctx_);
    addUserRoutes(router_, ctx_);
    addDepartmentRoutes(router_, ctx_);
    addRoleRoutes(router_, ctx_);
    addAuditRoutes(router_, ctx_);
    addTelephonyRoutes(router_, ctx_);
    addIvrRoutes(router_, ctx_);
    addAcdRoutes(router_, ctx_);
    addRecordsRoutes(router_, ctx_);
    addSystemRoutes();
    openapi_ = buildOpenApi(router_, HUJIAO_VERSION).dump(-1);
    setupMetrics();
  }

  ~Impl() override {
    if (live_) live_->store(nullptr);
  }

  core::Result<void> start() {
    auto r = server_.start();
    if (!r) return r;
    auto interval = std::chrono::seconds(deps_.config->getInt("http.health_event_interval_s"));
    server_.every(std::chrono::duration_cast<std::chrono::milliseconds>(interval), [this] { publishHealth(); });
    return {};
  }

  uint16_t port() const { return server_.port(); }

  void stop(std::chrono::milliseconds grace) { server_.stop(grace); }

  void reload(const core::Config& c) { auth_.reload(authSettings(c)); }
  const Router& router() const { return router_; }
  const std::string& openApiJson() const { return openapi_; }

  // --- HttpHandler (pool threads) ---

  HttpResponse handle(HttpRequest& req) override {
    auto t0 = std::chrono::steady_clock::now();
    size_t stats = kUnmatched;
    HttpResponse res;
    try {
      res = dispatch(req, stats);
    } catch (const std::exception& e) {
      core::logger("api")->error("{} {}: unhandled exception: {}", req.method, req.path, e.what());
      res = errorResponse(500, "internal", "internal error");
    }
    record(stats, res.status, std::chrono::steady_clock::now() - t0);
    return res;
  }

  WsUpgrade upgrade(HttpRequest& req) override {
    auto t0 = std::chrono::steady_clock::now();
    WsUpgrade up;
    auto reject = [&](HttpResponse r) {
      record(eventsStats_, r.status, std::chrono::steady_clock::now() - t0);
      up.reject = std::move(r);
      return std::move(up);
    };
    if (req.path != "/api/v1/events")
      return reject(errorResponse(404, "not_found", "no WebSocket endpoint at " + req.path));
    std::string token = AuthService::bearerToken(req.authorization);
    if (token.empty()) {
      auto q = parseQuery(req.query);
      if (q && q->count("token")) token = q->at("token");
    }
    auto principal = auth_.authenticate(token);
    if (!principal) {
      auto r = errorResponse(principal.error());
      if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return reject(std::move(r));
    }
    if (auto ok = requirePermission(**principal, "events.read"); !ok) return reject(errorResponse(ok.error()));
    record(eventsStats_, 101, std::chrono::steady_clock::now() - t0);
    auto id = std::make_shared<std::atomic<uint64_t>>(0);
    std::shared_ptr<const Principal> p = *principal;
    up.onOpen = [this, p, id](const std::shared_ptr<WsConnection>& conn) {
      core::Event hello;
      hello.type = "hello";
      hello.tsUs = core::SystemClock::instance().nowUs();
      hello.data = {{"user_id", p->userId}, {"scope", scopeName(p->scope)}};
      conn->send(std::make_shared<const std::string>(hello.toJson().dump()));
      id->store(hub_.add(p, conn));
    };
    up.onClose = [this, id] { hub_.remove(id->load()); };
    return up;
  }

  HttpResponse protocolError(int status, const std::string& code, const std::string& message) override {
    record(kUnmatched, status, std::chrono::nanoseconds(0));
    return errorResponse(status, code, message);
  }

 private:
  HttpResponse dispatch(HttpRequest& req, size_t& stats) {
    auto m = router_.match(req.method, req.path);
    if (m.outcome == Router::Outcome::NotFound) {
      bool api = req.path == "/api" || req.path.rfind("/api/", 0) == 0;
      if (!api) {
        stats = kStatic;
        if (req.method == "GET") return static_.serve(req.path, req.acceptsGzip, req.acceptsBrotli);
        auto r = errorResponse(405, "method_not_allowed", req.method + " is not allowed on " + req.path);
        r.headers.emplace_back("Allow", "GET");
        return r;
      }
      return errorResponse(404, "not_found", "no route for " + req.method + " " + req.path);
    }
    if (m.outcome == Router::Outcome::MethodNotAllowed) {
      auto r = errorResponse(405, "method_not_allowed",
                             req.method + " is not allowed on " + req.path + " (allowed: " + m.allow + ")");
      r.headers.emplace_back("Allow", m.allow);
      return r;
    }
    const Route& route = *m.route;
    stats = static_cast<size_t>(m.route - router_.routes().data());
    RequestContext rc{req, route, std::move(m.params), {}, nullptr, nullptr};
    if (route.permission != kPublic) {
      auto principal = auth_.authenticate(AuthService::bearerToken(req.authorization));
      if (!principal) {
        auto r = errorResponse(principal.error());
        if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
      }
      rc.principal = std::move(*principal);
      if (route.permission != kAuthenticated)
        if (auto ok = requirePermission(*rc.principal, route.permission); !ok) return errorResponse(ok.error());
    }
    if (!req.query.empty()) {
      auto q = parseQuery(req.query);
      if (!q) return errorResponse(q.error());
      if (auto ok = validateQuery(*q, route.query); !ok) return errorResponse(ok.error());
      rc.query = std::move(*q);
    }
    if (!route.requestSchema.empty() && !route.handlerParsesBody) {
      if (!isJsonContentType(req.contentType))
        return errorResponse(415, "unsupported_media_type", "request body must be application/json");
      if (req.body.empty()) return errorResponse(400, "invalid_json", "a JSON request body is required");
      auto body = parseJsonObject(req.body);
      if (!body) return errorResponse(body.error());
      const ObjectSchema* schema = findSchema(route.requestSchema);
      if (schema)
        if (auto ok = validateObject(*body, *schema); !ok) return errorResponse(ok.error());
      rc.body = std::move(*body);
    }
    auto result = route.handler(rc);
    if (!result) {
      const auto& e = result.error();
      if (statusForCode(e.code) >= 500)
        core::logger("api")->error("{} {}: {} ({})", req.method, req.path, e.message, e.code);
      return errorResponse(e);
    }
    return std::move(*result);
  }

  void addSystemRoutes() {
    router_.add({"GET", "/healthz", kPublic, "Liveness and store health (503 when the store does not answer)",
                 "system", "", "Health", 200, {}, [this](RequestContext&) -> core::Result<HttpResponse> {
                   json h = health();
                   return jsonResponse(h["status"] == "ok" ? 200 : 503, h);
                 }});
    router_.add({"GET", "/metrics", kPublic, "Prometheus metrics", "system", "", "", 200, {},
                 [this](RequestContext&) -> core::Result<HttpResponse> {
                   HttpResponse r;
                   r.contentType = "text/plain; version=0.0.4; charset=utf-8";
                   r.body = deps_.metrics ? deps_.metrics->renderPrometheus() : std::string();
                   return r;
                 },
                 "text/plain"});
    router_.add({"GET", "/api/v1/openapi.json", kPublic, "This OpenAPI document", "system", "", "", 200, {},
                 [this](RequestContext&) -> core::Result<HttpResponse> {
                   HttpResponse r;
                   r.body = openapi_;
                   return r;
                 }});
    router_.add({"GET", "/api/v1/events", "events.read",
                 "Live events (WebSocket; token in Authorization or ?token=). Frames are JSON with type and ts",
                 "events", "", "", 101, {{"token", FieldType::String, "Bearer token (browsers)", 0, 0, ""}},
                 [](RequestContext&) -> core::Result<HttpResponse> {
                   auto r = errorResponse(426, "upgrade_required", "this endpoint is a WebSocket: send Upgrade");
                   r.headers.emplace_back("Upgrade", "websocket");
                   return r;
                 }});
  }

  json health() {
    auto t0 = std::chrono::steady_clock::now();
    auto ping = deps_.store->ping();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    if (storeLatency_) storeLatency_->set(static_cast<double>(us) / 1e6);
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - startedMono_);
    return {{"status", ping ? "ok" : "degraded"},
            {"store", ping ? std::string("ok") : "error: " + ping.error().message},
            {"backend", deps_.store->backend()},
            {"store_latency_us", us},
            {"version", HUJIAO_VERSION},
            {"uptime_s", uptime.count()},
            {"connections", server_.openConnections()},
            {"ws_clients", server_.webSocketClients()}};
  }

  void publishHealth() {
    if (!deps_.bus) return;
    core::Event e;
    e.type = "health";
    e.data = health();
    deps_.bus->publish(std::move(e));
  }

  // --- metrics ---
  static constexpr size_t kStatic = 1'000'000;
  static constexpr size_t kUnmatched = 1'000'001;

  void setupMetrics() {
    for (const auto& r : router_.routes()) routeStats_.push_back(makeStats(r.pattern, r.method));
    for (size_t i = 0; i < router_.routes().size(); ++i)
      if (router_.routes()[i].pattern == "/api/v1/events") eventsStats_ = i;
    staticStats_ = makeStats("static", "GET");
    unmatchedStats_ = makeStats("unmatched", "");
    if (!deps_.metrics) return;
    auto& m = *deps_.metrics;
    m.gauge("hujiao_build_info", "Build of this server", {{"version", HUJIAO_VERSION}, {"git_sha", HUJIAO_GIT_SHA}})
        .set(1);
    storeLatency_ = &m.gauge("hujiao_store_ping_seconds", "Latency of the last store ping (healthz, health event)");
    live_ = std::make_shared<std::atomic<Impl*>>(this);
    std::weak_ptr<std::atomic<Impl*>> weak = live_;
    m.callbackGauge("hujiao_http_open_connections", "Open HTTP and WebSocket connections", [weak] {
      auto l = weak.lock();
      Impl* self = l ? l->load() : nullptr;
      return self ? static_cast<double>(self->server_.openConnections()) : 0.0;
    });
    m.callbackGauge("hujiao_ws_clients", "Subscribers of the events WebSocket", [weak] {
      auto l = weak.lock();
      Impl* self = l ? l->load() : nullptr;
      return self ? static_cast<double>(self->server_.webSocketClients()) : 0.0;
    });
  }

  RouteStats makeStats(const std::string& label, const std::string& method) {
    RouteStats s;
    s.label = label;
    s.method = method;
    s.byStatus = std::make_unique<std::atomic<core::Counter*>[]>(kMaxStatus);
    for (int i = 0; i < kMaxStatus; ++i) s.byStatus[i].store(nullptr);
    if (deps_.metrics)
      s.latency = &deps_.metrics->histogram("hujiao_http_request_duration_seconds",
                                            "HTTP request handling time by route", core::MetricsRegistry::latencyBuckets(),
                                            {{"route", label}, {"method", method}});
    return s;
  }

  void record(size_t index, int status, std::chrono::nanoseconds elapsed) {
    if (!deps_.metrics) return;
    RouteStats& s = index == kStatic      ? staticStats_
                    : index == kUnmatched ? unmatchedStats_
                                          : routeStats_[index];
    if (status < 100 || status >= kMaxStatus) status = 500;
    core::Counter* c = s.byStatus[status].load(std::memory_order_acquire);
    if (!c) {
      c = &deps_.metrics->counter("hujiao_http_requests_total", "HTTP requests by route pattern and status",
                                  {{"route", s.label}, {"method", s.method}, {"status", std::to_string(status)}});
      s.byStatus[status].store(c, std::memory_order_release);
    }
    c->inc();
    if (s.latency) s.latency->observe(std::chrono::duration<double>(elapsed).count());
  }

  ApiDeps deps_;
  AuditLog audit_;
  AuthService auth_;
  WsHub hub_;
  ApiContext ctx_;
  Router router_;
  StaticFiles static_;
  std::string openapi_;
  HttpServer server_;
  std::chrono::steady_clock::time_point startedMono_;
  std::vector<RouteStats> routeStats_;
  RouteStats staticStats_;
  RouteStats unmatchedStats_;
  size_t eventsStats_ = kUnmatched;
  core::Gauge* storeLatency_ = nullptr;
  std::shared_ptr<std::atomic<Impl*>> live_;
};

ApiServer::ApiServer(ApiDeps deps) : impl_(std::make_unique<Impl>(deps)) {}
ApiServer::~ApiServer() { impl_->stop(std::chrono::milliseconds(0)); }
core::Result<void> ApiServer::start() { return impl_->start(); }
uint16_t ApiServer::port() const { return impl_->port(); }
void ApiServer::stop(std::chrono::milliseconds grace) { impl_->stop(grace); }
void ApiServer::reload(const core::Config& config) { impl_->reload(config); }
const Router& ApiServer::router() const { return impl_->router(); }
const std::string& ApiServer::openApiJson() const { return impl_->openApiJson(); }

}  // namespace hujiao::api
