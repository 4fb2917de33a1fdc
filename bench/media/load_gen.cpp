#include "load_gen.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "media/rtp.h"

namespace hujiao::bench {

namespace {
constexpr size_t kPayload = 160;
constexpr size_t kPacket = 12 + kPayload;
constexpr size_t kBuckets = 20000;  // 10 us each: 200 ms
constexpr int kBatch = 512;
constexpr int kSendBatch = 64;  // stamped per sendmmsg: the stamp is at most one batch early

int64_t nowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}
// Payload stamps are CLOCK_REALTIME because the kernel's receive timestamps
// (SO_TIMESTAMPNS) are: the delay is "relay sent it" minus "we sent it", so it
// does not include how late this thread gets round to reading its sockets.
int64_t wallNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}
void sleepUntil(int64_t monoNs) {
  timespec ts{static_cast<time_t>(monoNs / 1'000'000'000), static_cast<long>(monoNs % 1'000'000'000)};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
}
constexpr size_t kCtl = CMSG_SPACE(sizeof(timespec));
double threadCpuS() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

LoadGen::LoadGen(int sockets) : hist_(kBuckets + 1) {
  epfd_ = epoll_create1(0);
  for (int i = 0; i < sockets; ++i) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
    socklen_t l = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l);
    fds_.push_back(fd);
    ports_.push_back(ntohs(a.sin_port));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

LoadGen::~LoadGen() {
  for (int fd : fds_) ::close(fd);
  ::close(epfd_);
}

int LoadGen::legSocketPort(size_t leg) const { return ports_[leg % ports_.size()]; }

void LoadGen::setTargets(std::vector<LegTarget> t) {
  targets_ = std::move(t);
  seq_.assign(targets_.size(), 0);
}

void LoadGen::receive(bool measuring, int64_t stopCountingNs) {
  static thread_local std::vector<uint8_t> buf(kBatch * 256);
  static thread_local std::vector<uint8_t> ctl(kBatch * kCtl);
  static thread_local std::vector<mmsghdr> msgs(kBatch);
  static thread_local std::vector<iovec> iov(kBatch);
  epoll_event evs[64];
  int n = epoll_wait(epfd_, evs, 64, 0);
  for (int e = 0; e < n; ++e) {
    int fd = fds_[evs[e].data.u32];
    for (;;) {
      for (int i = 0; i < kBatch; ++i) {
        auto k = static_cast<size_t>(i);
        iov[k] = iovec{buf.data() + k * 256, 256};
        msgs[k] = mmsghdr{};
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
        msgs[k].msg_hdr.msg_control = ctl.data() + k * kCtl;
        msgs[k].msg_hdr.msg_controllen = kCtl;
      }
      int got = recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      int64_t fallback = wallNs();
      for (int i = 0; i < got; ++i) {
        auto k = static_cast<size_t>(i);
        const uint8_t* p = buf.data() + k * 256;
        if (msgs[k].msg_len != kPacket || !media::parseRtp(p, kPacket)) continue;  // RTCP etc.
        int64_t sentNs = 0;
        std::memcpy(&sentNs, p + 12 + 8, 8);
        if (!measuring || sentNs < 0 || stopCountingNs < 0) continue;
        int64_t arrived = fallback;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[k].msg_hdr); c; c = CMSG_NXTHDR(&msgs[k].msg_hdr, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts{};
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            arrived = int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
          }
        }
        ++received_;
        auto us = static_cast<size_t>(std::max<int64_t>(arrived - sentNs, 0) / 10'000);
        ++hist_[std::min(us, kBuckets)];
      }
      if (got < kBatch) break;
    }
  }
}

GenResult LoadGen::run(double warmupS, double measureS) {
  GenResult r;
  const size_t legs = targets_.size();
  // Per millisecond slot of the 20 ms period: which legs send, grouped by generator socket.
  std::vector<std::vector<std::vector<uint32_t>>> slots(20, std::vector<std::vector<uint32_t>>(fds_.size()));
  for (size_t l = 0; l < legs; ++l) slots[l % 20][l % fds_.size()].push_back(static_cast<uint32_t>(l));
  std::vector<uint8_t> out(kBatch * kPacket);
  std::vector<mmsghdr> msgs(kBatch);
  std::vector<iovec> iov(kBatch);
  int64_t start = nowNs();
  int64_t measureFrom = start + static_cast<int64_t>(warmupS * 1e9);
  int64_t end = measureFrom + static_cast<int64_t>(measureS * 1e9);
  double cpu0 = 0;
  bool measuring = false;
  int64_t slot = 0;
  for (;;) {
    int64_t due = start + slot * 1'000'000;
    if (due >= end) break;
    // Receive once per slot, then sleep until the slot is due. Arrival times come
    // from the kernel, so reading late does not inflate the delay, and sleeping
    // (instead of waiting in epoll) spares the relay a wake-up of this thread per packet.
    receive(measuring, end);
    if (nowNs() < due) sleepUntil(due);
    if (!measuring && due >= measureFrom) {
      measuring = true;
      cpu0 = threadCpuS();
    }
    auto& bySock = slots[static_cast<size_t>(slot % 20)];
    int64_t sendNs = nowNs();
    r.maxLagMs = std::max(r.maxLagMs, static_cast<double>(sendNs - due) / 1e6);
    for (size_t s = 0; s < bySock.size(); ++s) {
      const auto& ls = bySock[s];
      size_t i = 0;
      while (i < ls.size()) {
        size_t n = std::min<size_t>(kSendBatch, ls.size() - i);
        int64_t stamp = measuring ? wallNs() : -1;  // warm-up packets are not counted
        for (size_t k = 0; k < n; ++k) {
          uint32_t leg = ls[i + k];
          uint8_t* p = out.data() + k * kPacket;
          uint32_t sq = seq_[leg]++;
          media::writeRtpHeader(p, 0, false, static_cast<uint16_t>(sq), sq * 160, leg + 1);
          std::memcpy(p + 12, &leg, 4);
          std::memcpy(p + 16, &sq, 4);
          std::memcpy(p + 20, &stamp, 8);
          std::memset(p + 28, 0x55, kPayload - 16);
          iov[k] = iovec{p, kPacket};
          msgs[k] = mmsghdr{};
          msgs[k].msg_hdr.msg_name = const_cast<sockaddr_in*>(&targets_[leg].dst);
          msgs[k].msg_hdr.msg_namelen = sizeof(sockaddr_in);
          msgs[k].msg_hdr.msg_iov = &iov[k];
          msgs[k].msg_hdr.msg_iovlen = 1;
        }
        int sent = sendmmsg(fds_[s], msgs.data(), static_cast<unsigned>(n), 0);
        if (measuring && sent > 0) r.sent += static_cast<uint64_t>(sent);
        i += n;
      }
    }
    ++slot;
  }
  // Let packets in flight arrive.
  int64_t drainEnd = nowNs() + 300'000'000;
  while (nowNs() < drainEnd) {
    receive(true, end);
    sleepUntil(nowNs() + 1'000'000);
  }
  r.actualS = static_cast<double>(nowNs() - 300'000'000 - measureFrom) / 1e9;
  r.genCpuS = threadCpuS() - cpu0;
  r.received = received_;
  uint64_t total = 0;
  for (auto v : hist_) total += v;
  auto q = [&](double frac) {
    uint64_t want = static_cast<uint64_t>(frac * static_cast<double>(total));
    uint64_t acc = 0;
    for (size_t i = 0; i < hist_.size(); ++i) {
      acc += hist_[i];
      if (acc >= want && acc > 0) return static_cast<double>(i) * 10 + 5;
    }
    return 0.0;
  };
  r.p50Us = q(0.50);
  r.p99Us = q(0.99);
  for (size_t i = hist_.size(); i-- > 0;) {
    if (hist_[i]) {
      r.maxUs = static_cast<double>(i) * 10 + 5;
      break;
    }
  }
  return r;
}

}  // namespace hujiao::bench
