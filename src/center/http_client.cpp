#include "center/http_client.h"

#include <curl/curl.h>

#include <chrono>
#include <memory>

namespace hujiao::center {

namespace {

// curl_global_init is not thread-safe: once per process, before any worker.
void globalInit() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

struct Sink {
  std::string* body;
  std::size_t max;
  bool overflow = false;
};

size_t onData(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t bytes = size * n;
  if (s->body->size() + bytes > s->max) {
    s->overflow = true;
    return 0;  // aborts the transfer
  }
  s->body->append(data, bytes);
  return bytes;
}

HttpReply perform(const HttpCall& call) {
  HttpReply reply;
  auto started = std::chrono::steady_clock::now();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) {
    reply.error = "cannot create a curl handle";
    return reply;
  }
  CURL* c = h.get();
  Sink sink{&reply.body, call.maxResponseBytes};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : call.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  if (!call.body.empty() && !call.contentType.empty())
    headers = curl_slist_append(headers, ("Content-Type: " + call.contentType).c_str());
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are multi-threaded
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeoutMs));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(call.timeoutMs));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  }
  CURLcode rc = curl_easy_perform(c);
  if (headers) curl_slist_free_all(headers);
  reply.elapsedMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                        .count();
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
    return reply;
  }
  reply.timedOut = rc == CURLE_OPERATION_TIMEDOUT;
  reply.error = sink.overflow ? "response too large" : curl_easy_strerror(rc);
  reply.body.clear();
  return reply;
}

}  // namespace

HttpClient::HttpClient(int threads) {
  globalInit();
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

HttpClient::~HttpClient() {
  std::deque<std::pair<HttpCall, Done>> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  for (auto& [call, done] : dropped) {
    HttpReply r;
    r.error = "shutting down";
    done(std::move(r));
  }
}

void HttpClient::submit(HttpCall call, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.emplace_back(std::move(call), std::move(done));
      cv_.notify_one();
      return;
    }
  }
  HttpReply r;
  r.error = "shutting down";
  done(std::move(r));
}

std::size_t HttpClient::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void HttpClient::run() {
  for (;;) {
    std::pair<HttpCall, Done> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.second(perform(job.first));
  }
}

}  // namespace hujiao::center
