#pragma once
// A cheap single-threaded RTP load generator: a few UDP sockets, each speaking
// for many call legs; sends 50 packets/s per leg spread evenly over each 20 ms
// (sendmmsg batches), receives with recvmmsg, and measures loss and one-way
// delay from a send timestamp carried in the payload.
#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <vector>

namespace hujiao::bench {

struct LegTarget {
  sockaddr_in dst{};  // where this leg sends (the media endpoint / relay socket)
};

struct GenResult {
  uint64_t sent = 0;
  uint64_t received = 0;
  double p50Us = 0, p99Us = 0, maxUs = 0;
  double genCpuS = 0;
  double maxLagMs = 0;  // how far the generator fell behind its schedule
  double actualS = 0;   // measured window as it really took (> planned when behind)
};

class LoadGen {
 public:
  /// `sockets` generator sockets; leg i uses socket i % sockets.
  explicit LoadGen(int sockets);
  ~LoadGen();
  int legSocketPort(size_t leg) const;
  void setTargets(std::vector<LegTarget> t);
  /// Sends for warmupS + measureS seconds; statistics cover the measured part only.
  GenResult run(double warmupS, double measureS);

 private:
  void receive(bool measuring, int64_t stopCountingNs);
  std::vector<int> fds_;
  std::vector<int> ports_;
  std::vector<LegTarget> targets_;
  int epfd_ = -1;
  std::vector<uint32_t> seq_;
  std::vector<uint64_t> hist_;  // 10 us buckets up to 200 ms
  uint64_t received_ = 0;
};

}  // namespace hujiao::bench
