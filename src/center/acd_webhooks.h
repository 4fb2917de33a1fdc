#pragma once
// AcdWebhooks: signed outbound webhooks for the CTI events (agent.*,
// interaction.*, queue.stats). Each delivery is a JSON POST of the event
// envelope with `X-Hujiao-Signature: sha256=<hex HMAC-SHA256(secret, body)>`;
// a failed one (no reply, or a status other than 2xx) is retried with
// exponential backoff up to a number of attempts.
//
// Threads: setHooks()/deliver()/poll() from any thread (a mutex guards the
// hooks and the retry list; nothing blocks on the network); HTTP runs on the
// HttpClient's worker threads.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "center/acd_model.h"
#include "core/clock.h"
#include "core/event_bus.h"

namespace hujiao::center {

class HttpClient;

struct WebhookOptions {
  int timeoutMs = 5000;
  int maxAttempts = 5;
  int backoffMs = 1000;  // first retry after this, doubling, at most 60 s
};

class AcdWebhooks {
 public:
  AcdWebhooks(core::Clock& clock, WebhookOptions options);
  ~AcdWebhooks();
  AcdWebhooks(const AcdWebhooks&) = delete;
  AcdWebhooks& operator=(const AcdWebhooks&) = delete;

  /// "sha256=<hex>" of HMAC-SHA256(secret, body).
  static std::string sign(const std::string& secret, const std::string& body);
  /// True when `event` matches a hook's pattern ("*", "agent.*", "agent.state").
  static bool matches(const std::vector<std::string>& patterns, const std::string& event);

  void setHooks(std::vector<Webhook> hooks);
  /// Queues a delivery of the event to every hook that wants it.
  void deliver(const core::Event& event);
  /// Sends the retries that are due (call every tick).
  void poll();

  uint64_t delivered() const { return delivered_; }
  uint64_t failed() const { return failed_; }  // gave up after the last attempt
  uint64_t attempts() const { return attempts_; }

 private:
  struct Delivery {
    std::string hookId;
    std::string url;
    std::string secret;
    std::string body;
    int attempt = 0;  // attempts made so far
    int64_t dueMonoUs = 0;
  };
  void send(Delivery d);

  core::Clock& clock_;
  WebhookOptions options_;
  std::unique_ptr<HttpClient> http_;
  std::mutex mu_;
  std::vector<Webhook> hooks_;
  std::vector<Delivery> retries_;
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> attempts_{0};
};

}  // namespace hujiao::center
