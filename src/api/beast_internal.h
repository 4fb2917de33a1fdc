#pragma once
// Private to http_server.cpp and ws_session.cpp: the Beast types they share.
// Nothing else may include this (Beast is expensive to compile).
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/beast_pch.h"
#include "api/http_server.h"

namespace hujiao::api::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// A connection the server can close on stop().
class Tracked {
 public:
  virtual ~Tracked() = default;
  /// force=false: close if idle (HTTP) / send a going-away close (WebSocket);
  /// force=true: close the socket now. Any thread.
  virtual void shutdown(bool force) = 0;
};

/// State shared by the server and its sessions (sessions may outlive stop() briefly).
struct ServerShared {
  ServerShared(HttpServerOptions o, HttpHandler& h) : options(std::move(o)), handler(h) {}
  const HttpServerOptions options;
  HttpHandler& handler;
  std::atomic<bool> stopping{false};
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> wsClients{0};
  std::atomic<int64_t> inflight{0};

  uint64_t track(std::weak_ptr<Tracked> t) {
    std::lock_guard lock(mu);
    uint64_t id = nextId++;
    sessions.emplace(id, std::move(t));
    return id;
  }
  void untrack(uint64_t id) {
    std::lock_guard lock(mu);
    sessions.erase(id);
  }
  std::vector<std::shared_ptr<Tracked>> snapshot() {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<Tracked>> out;
    for (auto& [id, w] : sessions)
      if (auto s = w.lock()) out.push_back(std::move(s));
    return out;
  }

 private:
  std::mutex mu;
  std::unordered_map<uint64_t, std::weak_ptr<Tracked>> sessions;
  uint64_t nextId = 1;
};

/// Takes over an upgraded connection and runs the WebSocket handshake (ws_session.cpp).
void startWebSocket(const std::shared_ptr<ServerShared>& shared, beast::tcp_stream stream,
                    http::request<http::string_body> request, WsUpgrade upgrade);

}  // namespace hujiao::api::detail
