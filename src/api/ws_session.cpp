// The WebSocket side of the server: handshake on an upgraded connection, a
// bounded send queue per client, automatic pings, and a read loop that only
// serves control frames (clients do not send us messages yet).
#include <deque>

#include "api/beast_internal.h"
#include "core/log.h"

namespace hujiao::api::detail {

namespace websocket = beast::websocket;

namespace {

constexpr size_t kMaxClientMessage = 64 * 1024;

class WsSession : public Tracked, public WsConnection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<ServerShared> shared, beast::tcp_stream&& stream, http::request<http::string_body> req,
            WsUpgrade up)
      : s_(std::move(shared)), ws_(std::move(stream)), req_(std::move(req)), up_(std::move(up)) {
    s_->connections.fetch_add(1);
  }
  ~WsSession() override {
    s_->connections.fetch_sub(1);
    if (id_ != 0) s_->untrack(id_);
  }

  void run() {
    id_ = s_->track(std::static_pointer_cast<Tracked>(shared_from_this()));
    websocket::stream_base::timeout t{};
    t.handshake_timeout = s_->options.readTimeout;
    t.idle_timeout = s_->options.wsIdleTimeout;  // a ping is sent at half of it
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "hujiao"); }));
    ws_.read_message_max(kMaxClientMessage);
    ws_.async_accept(req_, [self = shared_from_this()](beast::error_code ec) { self->onAccept(ec); });
  }

  bool send(std::shared_ptr<const std::string> text) override {
    if (closed_.load()) return false;
    if (queued_.fetch_add(1) >= s_->options.wsMaxQueue) {
      queued_.fetch_sub(1);
      core::logger("api")->warn("WebSocket client too slow ({} frames queued): dropped", s_->options.wsMaxQueue);
      drop();
      return false;
    }
    net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->queue_.push_back(std::move(text));
      if (!self->writing_) self->writeNext();
    });
    return true;
  }

  void close(uint16_t code) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), code] { self->startClose(code); });
  }

  void shutdown(bool force) override {
    if (force)
      drop();
    else
      close(websocket::close_code::going_away);
  }

 private:
  void onAccept(beast::error_code ec) {
    if (ec) return;  // handshake failed: the connection just ends
    opened_ = true;
    s_->wsClients.fetch_add(1);
    if (up_.onOpen) up_.onOpen(shared_from_this());
    read();
  }

  void read() {
    ws_.async_read(rbuf_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->finish();
      self->rbuf_.clear();  // client messages are ignored for now
      self->read();
    });
  }

  void writeNext() {
    if (queue_.empty() || closing_) {
      writing_ = false;
      if (closing_ && !closeSent_) startClose(closeCode_);
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->queue_.pop_front();
      self->queued_.fetch_sub(1);
      if (ec) {
        self->writing_ = false;
        return self->drop();
      }
      self->writeNext();
    });
  }

  // Strand only. A close frame is a write: it waits for the write in flight.
  void startClose(uint16_t code) {
    closing_ = true;
    closeCode_ = code;
    if (writing_ || closeSent_ || !opened_) return;
    closeSent_ = true;
    ws_.async_close(websocket::close_reason(code), [self = shared_from_this()](beast::error_code) {});
  }

  // Any thread: close the TCP connection at once (slow consumer, forced stop).
  void drop() {
    closed_.store(true);
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().close(ec);
    });
  }

  // Strand only: the read loop ended, so the connection is over.
  void finish() {
    closed_.store(true);
    if (!opened_ || finished_) return;
    finished_ = true;
    s_->wsClients.fetch_sub(1);
    if (up_.onClose) up_.onClose();
    up_ = WsUpgrade{};  // release what the callbacks captured
  }

  std::shared_ptr<ServerShared> s_;
  websocket::stream<beast::tcp_stream> ws_;
  http::request<http::string_body> req_;
  WsUpgrade up_;
  beast::flat_buffer rbuf_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // strand only
  std::atomic<size_t> queued_{0};
  std::atomic<bool> closed_{false};
  uint64_t id_ = 0;
  uint16_t closeCode_ = 1000;
  bool opened_ = false;  // strand only, like the flags below
  bool writing_ = false;
  bool closing_ = false;
  bool closeSent_ = false;
  bool finished_ = false;
};

}  // namespace

void startWebSocket(const std::shared_ptr<ServerShared>& shared, beast::tcp_stream stream,
                    http::request<http::string_body> request, WsUpgrade upgrade) {
  std::make_shared<WsSession>(shared, std::move(stream), std::move(request), std::move(upgrade))->run();
}

}  // namespace hujiao::api::detail
