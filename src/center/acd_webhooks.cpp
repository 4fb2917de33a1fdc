#include "center/acd_webhooks.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "center/http_client.h"
#include "core/log.h"

namespace hujiao::center {

AcdWebhooks::AcdWebhooks(core::Clock& clock, WebhookOptions options)
    : clock_(clock), options_(options), http_(std::make_unique<HttpClient>(1)) {}

AcdWebhooks::~AcdWebhooks() {
  alive_->store(false);
  http_.reset();  // waits for requests in flight; their completions see alive_ == false
}

std::string AcdWebhooks::sign(const std::string& secret, const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

bool AcdWebhooks::matches(const std::vector<std::string>& patterns, const std::string& event) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns) {
    if (p == "*" || p == event) return true;
    if (p.size() >= 2 && p.back() == '*' && event.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0) return true;
  }
  return false;
}

void AcdWebhooks::setHooks(std::vector<Webhook> hooks) {
  std::lock_guard lock(mu_);
  hooks_ = std::move(hooks);
}

void AcdWebhooks::deliver(const core::Event& event) {
  std::vector<Delivery> out;
  {
    std::lock_guard lock(mu_);
    if (hooks_.empty()) return;
    std::string body;
    for (const auto& h : hooks_) {
      if (!matches(h.events, event.type)) continue;
      if (body.empty()) body = event.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      out.push_back(Delivery{h.id, h.url, h.secret, body, 0, 0});
    }
  }
  for (auto& d : out) send(std::move(d));
}

void AcdWebhooks::poll() {
  std::vector<Delivery> due;
  {
    std::lock_guard lock(mu_);
    if (retries_.empty()) return;
    const int64_t now = clock_.monoUs();
    auto it = std::partition(retries_.begin(), retries_.end(), [now](const Delivery& d) { return d.dueMonoUs > now; });
    due.assign(std::make_move_iterator(it), std::make_move_iterator(retries_.end()));
    retries_.erase(it, retries_.end());
  }
  for (auto& d : due) send(std::move(d));
}

void AcdWebhooks::send(Delivery d) {
  HttpCall call;
  call.method = "POST";
  call.url = d.url;
  call.body = d.body;
  call.contentType = "application/json";
  call.timeoutMs = options_.timeoutMs;
  call.maxResponseBytes = 64 * 1024;
  call.headers = {{"X-Hujiao-Signature", sign(d.secret, d.body)},
                  {"X-Hujiao-Webhook", d.hookId},
                  {"X-Hujiao-Attempt", std::to_string(d.attempt + 1)}};
  ++attempts_;
  auto alive = alive_;
  http_->submit(std::move(call), [this, alive, d = std::move(d)](HttpReply reply) mutable {
    if (!alive->load()) return;
    ++d.attempt;
    if (reply.status >= 200 && reply.status < 300) {
      ++delivered_;
      return;
    }
    if (d.attempt >= options_.maxAttempts) {
      ++failed_;
      core::logger("acd")->warn("webhook {} to {}: giving up after {} attempts (last: {})", d.hookId, d.url,
                                d.attempt, reply.status ? std::to_string(reply.status) : reply.error);
      return;
    }
    const int64_t backoff =
        std::min<int64_t>(int64_t{options_.backoffMs} << std::min(d.attempt - 1, 16), 60'000) * 1000;
    d.dueMonoUs = clock_.monoUs() + backoff;
    std::lock_guard lock(mu_);
    retries_.push_back(std::move(d));
  });
}

}  // namespace hujiao::center
