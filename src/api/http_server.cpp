#include "api/http_server.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string_view>
#include <thread>
#include <vector>

#include "api/beast_internal.h"
#include "core/log.h"

namespace hujiao::api {

using namespace detail;  // NOLINT(google-build-using-namespace): .cpp only

namespace {

// Bytes read ahead while waiting for the first byte of a request (idle phase).
constexpr size_t kFirstReadBytes = 4096;
// After an error response with Connection: close, unread request bytes are
// drained for at most this long so the client sees the response, not a reset.
constexpr auto kDrainTime = std::chrono::seconds(2);

// Accept-Encoding tokens ("gzip, deflate, br;q=0.8"); a coding with q=0 is refused.
void acceptedCodings(std::string_view header, bool& gzip, bool& brotli) {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    auto semi = item.find(';');
    std::string_view params = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    std::string compact;
    for (char c : params) if (c != ' ' && c != '\t') compact += c;
    bool refused = compact == "q=0" || compact == "q=0.0" || compact == "q=0.00" || compact == "q=0.000";
    if (refused) continue;
    if (name == "gzip" || name == "*") gzip = true;
    if (name == "br" || name == "*") brotli = true;
  }
}

void fillRequest(HttpRequest& out, http::request<http::string_body>& in, const std::string& remote) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto q = out.target.find('?');
  out.path = out.target.substr(0, q);
  out.query = q == std::string::npos ? std::string() : out.target.substr(q + 1);
  out.body = std::move(in.body());
  if (auto it = in.find(http::field::authorization); it != in.end()) out.authorization = std::string(it->value());
  if (auto it = in.find(http::field::accept_encoding); it != in.end()) {
    acceptedCodings(it->value(), out.acceptsGzip, out.acceptsBrotli);
  }
  if (auto it = in.find(http::field::content_type); it != in.end()) out.contentType = std::string(it->value());
  if (auto it = in.find(http::field::range); it != in.end()) out.range = std::string(it->value());
  if (auto it = in.find(http::field::if_range); it != in.end()) out.ifRange = std::string(it->value());
  out.remoteAddress = remote;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Writes the status line and header block of a response into `out`, byte for
// byte what Beast's serializer produced for the message this server used to
// build (Server, Content-Type unless 204, the extra headers with set()'s
// replace-by-name semantics, Connection as keep_alive() sets it, and
// Content-Length, which Boost 1.74's prepare_payload() sets even for 204).
// Written by hand because Beast's
// generic serializer (a field list allocated node by node, then iterated as a
// concatenation of buffer sequences) cost about a tenth of a request's CPU.
void appendHead(std::string& out, const HttpResponse& r, unsigned version, bool keep, size_t bodySize) {
  out += version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  char code[4] = {static_cast<char>('0' + r.status / 100 % 10), static_cast<char>('0' + r.status / 10 % 10),
                  static_cast<char>('0' + r.status % 10), ' '};
  out.append(code, 4);
  out += http::obsolete_reason(static_cast<http::status>(r.status));
  out += "\r\n";
  auto field = [&](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  std::string_view connection;
  if (version >= 11 && !keep) connection = "close";
  if (version < 11 && keep) connection = "keep-alive";
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, bodySize);
  (void)ec;
  std::string_view length(digits, static_cast<size_t>(end - digits));
  if (r.headers.empty()) {  // the common case: the fields in their order
    field("Server", "hujiao");
    if (r.status != 204) field("Content-Type", r.contentType);
    if (!connection.empty()) field("Connection", connection);
    field("Content-Length", length);
  } else {
    std::vector<std::pair<std::string_view, std::string_view>> fields;
    fields.reserve(4 + r.headers.size());
    auto set = [&](std::string_view name, std::string_view value) {
      std::erase_if(fields, [&](const auto& f) { return iequals(f.first, name); });
      fields.emplace_back(name, value);
    };
    set("Server", "hujiao");
    if (r.status != 204) set("Content-Type", r.contentType);
    for (const auto& [k, v] : r.headers) set(k, v);
    if (!connection.empty()) set("Connection", connection);
    set("Content-Length", length);
    for (const auto& [k, v] : fields) field(k, v);
  }
  out += "\r\n";
}

class HttpSession : public Tracked, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerShared> shared, tcp::socket&& socket)
      : s_(std::move(shared)), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    s_->connections.fetch_add(1);
  }
  ~HttpSession() override {
    endRequest();
    s_->connections.fetch_sub(1);
    if (id_ != 0) s_->untrack(id_);
  }

  void run() {
    id_ = s_->track(weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->readNext(); });
  }

  void shutdown(bool force) override {
    net::post(stream_.get_executor(), [self = shared_from_this(), force] {
      if (force || !self->busy_) self->closeNow();
    });
  }

 private:
  void readNext() {
    busy_ = false;
    if (s_->stopping.load()) return closeNow();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(s_->options.maxHeaderBytes));
    parser_->body_limit(s_->options.maxBodyBytes);
    if (buffer_.size() > 0) return readRequest();
    // Idle phase: wait for the first bytes under the idle timeout.
    stream_.expires_after(s_->options.idleTimeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->closeNow();
                              self->buffer_.commit(n);
                              self->readRequest();
                            });
  }

  // A request counts as in flight (stop() waits for it) from its first byte
  // until its response is written or the connection ends.
  void beginRequest() {
    if (!inflight_) s_->inflight.fetch_add(1);
    inflight_ = true;
  }
  void endRequest() {
    if (inflight_) s_->inflight.fetch_sub(1);
    inflight_ = false;
  }

  void readRequest() {
    busy_ = true;
    beginRequest();
    // The whole request (headers and body) must arrive within the read timeout.
    stream_.expires_after(s_->options.readTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout)
      return closeNow();  // a timed-out stream is already closed by Beast
    if (ec == http::error::header_limit)
      return sendError(431, "header_too_large",
                       "request headers exceed " + std::to_string(s_->options.maxHeaderBytes) + " bytes");
    if (ec == http::error::body_limit)
      return sendError(413, "payload_too_large",
                       "request body exceeds " + std::to_string(s_->options.maxBodyBytes) + " bytes");
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return sendError(400, "bad_request", "malformed HTTP request: " + ec.message());
      return closeNow();
    }
    auto& req = parser_->get();
    HttpRequest request;
    if (beast::websocket::is_upgrade(req)) return upgrade(request);

    fillRequest(request, req, remote_);
    HttpResponse out;
    try {
      out = s_->handler.handle(request);
    } catch (const std::exception& e) {
      core::logger("api")->error("unhandled exception in {} {}: {}", request.method, request.path, e.what());
      out = s_->handler.protocolError(500, "internal", "internal error");
    }
    write(std::move(out), req.version(), req.keep_alive());
  }

  void upgrade(HttpRequest& request) {
    auto& req = parser_->get();
    fillRequest(request, req, remote_);
    WsUpgrade up = s_->handler.upgrade(request);
    if (up.reject) return write(std::move(*up.reject), req.version(), false);
    endRequest();
    stream_.expires_never();
    startWebSocket(s_, std::move(stream_), parser_->release(), std::move(up));
  }

  void sendError(int status, const std::string& code, const std::string& message) {
    busy_ = true;
    HttpResponse out = s_->handler.protocolError(status, code, message);
    write(std::move(out), 11, false);
  }

  void write(HttpResponse out, unsigned version, bool keepAlive) {
    bool keep = keepAlive && !s_->stopping.load();
    // The session's buffers keep their capacity from one response to the next.
    body_.clear();
    if (out.status != 204 && out.status != 304) body_.swap(out.body);
    head_.clear();
    appendHead(head_, out, version, keep, body_.size());
    std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
    stream_.expires_after(s_->options.readTimeout);
    net::async_write(stream_, buffers, [self = shared_from_this(), keep](beast::error_code ec, size_t) {
      self->endRequest();
      if (ec) return self->closeNow();
      if (!keep) return self->drainAndClose();
      self->readNext();
    });
  }

  // Half-close, then read and discard until the peer closes (or kDrainTime).
  void drainAndClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return closeNow();
    stream_.expires_after(kDrainTime);
    drain();
  }
  void drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(16384), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->closeNow();
      self->drain();
    });
  }

  void closeNow() {
    endRequest();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  std::shared_ptr<ServerShared> s_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  std::string head_;  // strand only: the response being written
  std::string body_;
  uint64_t id_ = 0;
  bool busy_ = false;      // strand only: a request is being read, handled or answered
  bool inflight_ = false;  // strand only: counted in s_->inflight
};

// A repeating timer; the pending wait owns it, so cancelling at stop() frees it.
struct Ticker : std::enable_shared_from_this<Ticker> {
  Ticker(net::io_context& ioc, std::chrono::milliseconds i, std::function<void()> f)
      : timer(net::make_strand(ioc)), interval(i), fn(std::move(f)) {}
  void arm() {
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->fn();
      self->arm();
    });
  }
  net::steady_timer timer;
  std::chrono::milliseconds interval;
  std::function<void()> fn;
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions o, HttpHandler& h)
      : shared(std::make_shared<ServerShared>(std::move(o), h)),
        ioc(std::max(1, shared->options.threads)),
        acceptor(net::make_strand(ioc)) {}

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec && !shared->stopping.load()) std::make_shared<HttpSession>(shared, std::move(socket))->run();
      if (ec) core::logger("api")->warn("accept: {}", ec.message());
      accept();
    });
  }

  std::shared_ptr<ServerShared> shared;
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::mutex timersMu;
  std::vector<std::weak_ptr<Ticker>> timers;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

core::Result<void> HttpServer::start() {
  auto& o = impl_->shared->options;
  beast::error_code ec;
  auto address = net::ip::make_address(o.listen, ec);
  if (ec) return core::makeError("invalid", "http.listen: not an IP address: '" + o.listen + "'");
  tcp::endpoint ep(address, o.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return core::makeError("unavailable",
                           "cannot listen on " + o.listen + ":" + std::to_string(o.port) + ": " + ec.message());
  impl_->port = a.local_endpoint().port();
  impl_->accept();
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < std::max(1, o.threads); ++i)
    impl_->threads.emplace_back([this] {
      for (;;) {
        try {
          impl_->ioc.run();
          return;
        } catch (const std::exception& e) {
          core::logger("api")->error("HTTP pool thread: {}", e.what());
        }
      }
    });
  impl_->started = true;
  return {};
}

uint16_t HttpServer::port() const { return impl_->port; }


void HttpServer::every(std::chrono::milliseconds interval, std::function<void()> fn) {
  auto ticker = std::make_shared<Ticker>(impl_->ioc, interval, std::move(fn));
  std::weak_ptr<Ticker> weak = ticker;
  {
    std::lock_guard lock(impl_->timersMu);
    impl_->timers.push_back(weak);
  }
  net::post(ticker->timer.get_executor(), [ticker] { ticker->arm(); });
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  auto& im = *impl_;
  if (!im.started || im.stopped) return;
  im.stopped = true;
  im.shared->stopping.store(true);
  net::post(im.acceptor.get_executor(), [&im] {
    beast::error_code ec;
    im.acceptor.close(ec);
  });
  {
    std::lock_guard lock(im.timersMu);
    for (auto& w : im.timers)
      if (auto t = w.lock()) net::post(t->timer.get_executor(), [t] { t->timer.cancel(); });
    im.timers.clear();
  }
  // Idle keep-alive connections close now; WebSockets get a going-away close;
  // requests being read or handled run to completion within the grace time.
  for (auto& s : im.shared->snapshot()) s->shutdown(false);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (im.shared->inflight.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  for (auto& s : im.shared->snapshot()) s->shutdown(true);
  auto closeDeadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (im.shared->connections.load() > 0 && std::chrono::steady_clock::now() < closeDeadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  im.work.reset();
  im.ioc.stop();
  for (auto& t : im.threads) t.join();
  im.threads.clear();
}

int64_t HttpServer::openConnections() const { return impl_->shared->connections.load(); }
int64_t HttpServer::webSocketClients() const { return impl_->shared->wsClients.load(); }

}  // namespace hujiao::api
