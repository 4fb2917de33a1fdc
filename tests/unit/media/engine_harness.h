#pragma once
// Test helpers: UDP peers on 127.0.0.1 and an engine whose control queue the
// test thread runs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "core/task_queue.h"
#include "media/codec.h"
#include "media/engine.h"
#include "media/rtp.h"

namespace hujiao::media::test {

struct Packet {
  RtpHeader h;
  std::vector<uint8_t> bytes;
  const uint8_t* payload() const { return bytes.data() + h.headerLen; }
};

class Peer {
 public:
  Peer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t l = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &l);
    port_ = ntohs(a.sin_port);
  }
  ~Peer() { ::close(fd_); }
  int port() const { return port_; }
  void sendRaw(int dstPort, const uint8_t* d, size_t n) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(dstPort));
    ::sendto(fd_, d, n, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  void sendRtp(int dstPort, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc, const std::vector<uint8_t>& payload,
               bool marker = false) {
    std::vector<uint8_t> b(12 + payload.size());
    writeRtpHeader(b.data(), pt, marker, seq, ts, ssrc);
    std::copy(payload.begin(), payload.end(), b.begin() + 12);
    sendRaw(dstPort, b.data(), b.size());
  }
  /// Everything received so far (non-blocking).
  std::vector<Packet> drain() {
    std::vector<Packet> out;
    uint8_t buf[2048];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      auto h = parseRtp(buf, static_cast<size_t>(n));
      if (!h) continue;  // RTCP
      out.push_back(Packet{*h, std::vector<uint8_t>(buf, buf + n)});
    }
    return out;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

inline MediaDescription offerFrom(const Peer& p, std::vector<PayloadFormat> f = {{0, "PCMU", 8000, 1, ""},
                                                                               {101, "telephone-event", 8000, 1, "0-16"}}) {
  MediaDescription d;
  d.address = "127.0.0.1";
  d.port = p.port();
  d.formats = std::move(f);
  return d;
}

class Harness {
 public:
  explicit Harness(std::function<void(MediaConfig&)> tweak = {}) {
    dir_ = std::filesystem::temp_directory_path() / ("hujiao_media_" + std::to_string(::getpid()) + "_" +
                                                     std::to_string(counter()++));
    std::filesystem::create_directories(dir_);
    MediaConfig c;
    c.workers = 2;
    c.bindIpv4 = "127.0.0.1";
    c.bindIpv6 = "::1";
    int base = 30000 + static_cast<int>((::getpid() * 37 + counter() * 400) % 20000);
    c.rtpPortMin = base - base % 2;
    c.rtpPortMax = c.rtpPortMin + 400;
    c.recordingsDir = (dir_ / "rec").string();
    c.ttsCacheDir = (dir_ / "tts").string();
    c.soundsDir = dir_.string();
    c.relatchSilenceMs = 200;
    c.jitterInitMs = 20;
    if (tweak) tweak(c);
    engine = std::make_unique<MediaEngineImpl>(c, control, [this](const MediaEvent& e) { events.push_back(e); });
  }
  ~Harness() {
    engine.reset();
    control.runPending();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  /// Runs the control queue for `ms` or until `done` is true.
  bool pump(int ms, const std::function<bool()>& done = {}) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{control.fd(), POLLIN, 0};
      ::poll(&p, 1, 5);
      control.runPending();
      if (done && done()) return true;
    }
    return done ? done() : true;
  }
  const MediaEvent* find(MediaEvent::Type t) const {
    for (auto& e : events) {
      if (e.type == t) return &e;
    }
    return nullptr;
  }
  bool waitEvent(MediaEvent::Type t, int ms = 3000) {
    return pump(ms, [&] { return find(t) != nullptr; });
  }
  EndpointId answered(Peer& p, std::vector<PayloadFormat> f = {{0, "PCMU", 8000, 1, ""},
                                                               {101, "telephone-event", 8000, 1, "0-16"}}) {
    auto id = engine->createEndpoint({});
    EXPECT_TRUE(id);
    auto ans = engine->answerOffer(*id, offerFrom(p, std::move(f)));
    EXPECT_TRUE(ans) << (ans ? "" : ans.error().message);
    return *id;
  }
  std::filesystem::path dir() const { return dir_; }

  core::TaskQueue control;
  std::vector<MediaEvent> events;
  std::unique_ptr<MediaEngineImpl> engine;

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path dir_;
};

inline std::vector<uint8_t> ulawLevel(int16_t v, size_t n = 160) { return std::vector<uint8_t>(n, linearToUlaw(v)); }

inline double meanAbsUlaw(const Packet& p) {
  double s = 0;
  for (size_t i = 0; i < p.h.payloadLen; ++i) s += std::abs(ulawToLinear(p.payload()[i]));
  return p.h.payloadLen ? s / static_cast<double>(p.h.payloadLen) : 0;
}

}  // namespace hujiao::media::test
