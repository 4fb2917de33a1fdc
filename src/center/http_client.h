#pragma once
// HttpClient: outbound HTTP for the contact center (IVR "http" nodes,
// webhooks), on its own worker threads with libcurl so that the control
// thread never waits on the network. Each request has its own timeout; the
// completion runs on a worker thread -- post it to the control thread
// (CenterContext::control) if it touches live state.
//
// Threads: submit() from any thread; completions on a worker thread.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hujiao::center {

struct HttpCall {
  std::string method = "GET";
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string contentType;  // sets Content-Type when the body is not empty
  int timeoutMs = 3000;     // whole request, connect included
  std::size_t maxResponseBytes = 1 << 20;
};

struct HttpReply {
  int status = 0;  // 0 = no HTTP reply (error/timedOut say why)
  std::string body;
  bool timedOut = false;
  std::string error;
  int64_t elapsedMs = 0;
};

class HttpClient {
 public:
  using Done = std::function<void(HttpReply)>;
  explicit HttpClient(int threads = 2);
  /// Waits for in-flight requests (each bounded by its timeout), drops queued ones.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Queues the request; `done` is called exactly once (also with error
  /// "shutting down" for requests dropped at destruction).
  void submit(HttpCall call, Done done);
  std::size_t queued() const;

 private:
  void run();
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<HttpCall, Done>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace hujiao::center
