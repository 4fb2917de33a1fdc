#include "raw_relay.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <stdexcept>

namespace hujiao::bench {

RawRelay::RawRelay(size_t calls, int threads, const std::vector<sockaddr_in>& legDst, int pollUs, int busyEvents)
    : pollUs_(pollUs), busyEvents_(busyEvents) {
  socks_.resize(calls * 2);
  local_.resize(calls * 2);
  for (size_t i = 0; i < calls * 2; ++i) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) throw std::runtime_error("socket (raise the fd limit)");
    int buf = 256 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t l = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l);
    local_[i] = a;
    socks_[i].fd = fd;
  }
  for (size_t i = 0; i < calls * 2; ++i) {
    size_t other = i ^ 1;
    socks_[i].peerFd = socks_[other].fd;
    socks_[i].dst = legDst[other];
  }
  for (int t = 0; t < threads; ++t) epfds_.push_back(epoll_create1(0));
  for (size_t i = 0; i < socks_.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = i;
    epoll_ctl(epfds_[(i / 2) % static_cast<size_t>(threads)], EPOLL_CTL_ADD, socks_[i].fd, &ev);
  }
  for (int t = 0; t < threads; ++t) threads_.emplace_back([this, t] { run(t); });
}

RawRelay::~RawRelay() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  for (auto& s : socks_) ::close(s.fd);
  for (int e : epfds_) ::close(e);
}

std::vector<pthread_t> RawRelay::threads() {
  std::vector<pthread_t> v;
  for (auto& t : threads_) v.push_back(t.native_handle());
  return v;
}

void RawRelay::run(int t) {
  constexpr int kBatch = 16;
  constexpr int kPool = 1024;
  std::vector<uint8_t> pool(kPool * 1536);
  std::vector<mmsghdr> msgs(kPool);
  std::vector<iovec> iov(kPool);
  struct Out {
    int fd;
    const sockaddr_in* dst;
    uint8_t* data;
    size_t len;
  };
  std::vector<Out> out;
  out.reserve(kPool);
  epoll_event evs[1024];
  bool paced = false;
  timespec wake{};
  while (!stop_) {
    int timeoutMs = 100;
    if (paced) {
      timespec until = wake;
      until.tv_nsec += static_cast<long>(pollUs_) * 1000;
      if (until.tv_nsec >= 1'000'000'000) {
        until.tv_nsec -= 1'000'000'000;
        ++until.tv_sec;
      }
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
      timeoutMs = 0;
    }
    int n = epoll_wait(epfds_[static_cast<size_t>(t)], evs, 1024, timeoutMs);
    clock_gettime(CLOCK_MONOTONIC, &wake);
    paced = pollUs_ > 0 && (paced ? n > 0 : n >= busyEvents_);
    int used = 0;
    auto flush = [&] {
      for (auto& o : out) ::sendto(o.fd, o.data, o.len, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(o.dst), sizeof(sockaddr_in));
      relayed_.fetch_add(out.size(), std::memory_order_relaxed);
      out.clear();
      used = 0;
    };
    for (int e = 0; e < n; ++e) {
      Sock& s = socks_[evs[e].data.u64];
      for (;;) {
        if (kPool - used < kBatch) flush();
        for (int i = 0; i < kBatch; ++i) {
          auto k = static_cast<size_t>(used + i);
          iov[k] = iovec{pool.data() + k * 1536, 1536};
          msgs[k] = mmsghdr{};
          msgs[k].msg_hdr.msg_iov = &iov[k];
          msgs[k].msg_hdr.msg_iovlen = 1;
        }
        int got = recvmmsg(s.fd, &msgs[static_cast<size_t>(used)], kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0) break;
        for (int i = 0; i < got; ++i) {
          auto k = static_cast<size_t>(used + i);
          out.push_back(Out{s.peerFd, &s.dst, pool.data() + k * 1536, msgs[k].msg_len});
        }
        used += got;
        if (got < kBatch) break;
      }
    }
    flush();
  }
}

}  // namespace hujiao::bench
