#pragma once
// The baseline: a bare UDP relay with the same socket layout as the media
// engine's bridge (two sockets per call, edge-triggered epoll + recvmmsg, read
// all then send all, the same paced polling under load) but no RTP parsing,
// latching, rewriting or statistics.
#include <netinet/in.h>
#include <pthread.h>

#include <atomic>
#include <thread>
#include <vector>

namespace hujiao::bench {

class RawRelay {
 public:
  /// `legDst[i]` is where packets for leg i go (the generator's socket).
  /// `pollUs` > 0: the same paced polling as the media workers (fair baseline).
  RawRelay(size_t calls, int threads, const std::vector<sockaddr_in>& legDst, int pollUs = 0, int busyEvents = 16);
  ~RawRelay();
  /// The relay socket leg i sends to.
  sockaddr_in legTarget(size_t leg) const { return local_[leg]; }
  std::vector<pthread_t> threads();
  uint64_t relayed() const { return relayed_.load(std::memory_order_relaxed); }

 private:
  struct Sock {
    int fd;
    int peerFd;            // the other leg's socket (sends from there)
    sockaddr_in dst;       // the other leg's generator address
  };
  void run(int t);
  std::vector<Sock> socks_;
  std::vector<sockaddr_in> local_;
  std::vector<int> epfds_;
  std::vector<std::thread> threads_;
  int pollUs_ = 0;
  int busyEvents_ = 16;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> relayed_{0};
};

}  // namespace hujiao::bench
