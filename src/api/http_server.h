#pragma once
// HttpServer: HTTP/1.1 keep-alive + WebSocket on Boost.Beast/Asio, served by a
// small thread pool (the service plane). Beast stays inside http_server.cpp and
// ws_session.cpp; everything else sees these plain types.
//
// Threads: construct, start() and stop() on one thread (the main thread). The
// HttpHandler is called on pool threads, concurrently, and may block briefly
// (store calls): the pool IS the service plane.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "core/result.h"

namespace hujiao::api {

/// The server side of one accepted WebSocket, as seen by the rest of the API.
/// send() and close() may be called from any thread and never block.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  /// Queues a text frame. Returns false (and closes the connection) when the
  /// bounded send queue is full: slow consumers are dropped, never waited for.
  virtual bool send(std::shared_ptr<const std::string> text) = 0;
  /// Closes with the given WebSocket close code (1000 normal, 1001 going away, 1008 policy).
  virtual void close(uint16_t code) = 0;
};

/// What the API decides for a WebSocket upgrade request.
struct WsUpgrade {
  std::optional<HttpResponse> reject;  // set: answer this instead of upgrading
  /// Called once the handshake completed (on a pool thread).
  std::function<void(const std::shared_ptr<WsConnection>&)> onOpen;
  /// Called once when the connection ends (any reason).
  std::function<void()> onClose;
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  /// A complete, size-checked request. Called on a pool thread.
  virtual HttpResponse handle(HttpRequest& request) = 0;
  /// A WebSocket upgrade request (any path). Called on a pool thread.
  virtual WsUpgrade upgrade(HttpRequest& request) = 0;
  /// Framing errors answered by the server itself (431, 413, 400, 408) so they are
  /// rendered in the API's error format and counted. Called on a pool thread.
  virtual HttpResponse protocolError(int status, const std::string& code, const std::string& message) = 0;
};

struct HttpServerOptions {
  std::string listen = "0.0.0.0";
  uint16_t port = 8080;
  int threads = 2;
  size_t maxHeaderBytes = 16 * 1024;
  size_t maxBodyBytes = 1024 * 1024;
  std::chrono::milliseconds readTimeout{10000};  // a started request must be complete within this
  std::chrono::milliseconds idleTimeout{60000};  // keep-alive connection with no request
  size_t wsMaxQueue = 1024;                      // frames queued per WebSocket before it is dropped
  std::chrono::milliseconds wsIdleTimeout{30000};  // pings at half of it; closed without pong
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and starts the pool. Main thread.
  core::Result<void> start();
  uint16_t port() const;
  /// Stops accepting, lets in-flight requests finish (up to grace), closes
  /// keep-alive connections and WebSockets, joins the pool. Main thread; idempotent.
  void stop(std::chrono::milliseconds grace);
  /// Runs fn on a pool thread every interval until stop(). Call after start().
  void every(std::chrono::milliseconds interval, std::function<void()> fn);

  /// Any thread (metrics).
  int64_t openConnections() const;
  int64_t webSocketClients() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hujiao::api
