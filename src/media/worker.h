#pragma once
// One media worker thread: an epoll loop over its endpoints' sockets, a 20 ms
// timerfd tick and an eventfd for commands. Per wake-up it reads every ready
// socket (recvmmsg) and relays same-codec packets at once (no tick delay on
// the relay path), then writes everything (sendmmsg per socket). Per tick it
// pulls one frame from each decoded leg, then mixes/plays/transcodes, then
// encodes and writes, then records and reports events (SEMS tick contract).
// Decoded legs run at their codec's rate (16 kHz for G.722/Opus, else 8 kHz);
// a mix converts its inputs to the listener's rate (rxAt()).
//
// Threads: push() and the counters are for the control thread; everything
// else runs on the worker thread. Events leave through EventPoster (which
// posts to the control TaskQueue); nothing here blocks or locks.
#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "media/media_config.h"
#include "media/mixer.h"
#include "media/spsc_ring.h"
#include "media/worker_commands.h"

struct mmsghdr;

namespace hujiao::media {

struct WorkerCounters {
  std::atomic<uint64_t> rxPackets{0};
  std::atomic<uint64_t> txPackets{0};
  std::atomic<uint64_t> relayed{0};
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> sendErrors{0};
  std::atomic<uint64_t> ticks{0};
  std::atomic<uint64_t> lateTicks{0};  // timerfd reported more than one expiry
  std::atomic<uint64_t> wakeups{0};    // epoll_wait returns (packets per wake-up = batching)
};

class Worker {
 public:
  using DetachedFn = std::function<void(std::shared_ptr<Endpoint>)>;  // worker thread; must only post
  Worker(int index, const MediaConfig& cfg, RecorderChannel& rec, int recFlushMs, EventPoster events,
         DetachedFn detached);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  /// Control thread. False when the ring is full (the engine keeps an overflow queue).
  bool push(cmd::Command&& c);
  /// Control thread: the worker asks for an overflow flush once it drained its ring.
  std::atomic<bool>& overflowPending() { return overflow_; }
  void setOverflowFlush(std::function<void()> fn) { overflowFlush_ = std::move(fn); }
  const WorkerCounters& counters() const { return counters_; }
  pthread_t nativeHandle() { return thread_.native_handle(); }
  int index() const { return index_; }

 private:
  struct OutPkt {
    int fd;
    const sockaddr* addr;
    socklen_t addrLen;
    uint8_t* data;
    uint32_t len;
  };
  static constexpr int kPoolPackets = 1024;
  static constexpr int kPacketBytes = 1536;
  static constexpr int kRecvBatch = 16;

  void run();
  void drainCommands();
  void handle(cmd::Command& c);
  Endpoint* find(EndpointId id);
  void attach(std::shared_ptr<Endpoint> ep);
  std::shared_ptr<Endpoint> release(EndpointId id);  // unlinks from peers/conferences, leaves epoll
  void configure(cmd::Configure& c);
  void emit(MediaEvent ev);
  void finishPlayback(Endpoint& ep, const char* reason);
  void leaveConference(Endpoint& ep, bool tone);
  void unbridge(Endpoint& ep);
  void stopSupervising(Endpoint& sup);
  void deriveRouting();
  void ensureAudio(Endpoint& ep);

  // I/O (worker_io.cpp).
  void readSocket(Endpoint& ep, bool rtcp);
  void onRtp(Endpoint& ep, uint8_t* buf, size_t len, const sockaddr_storage& src, socklen_t srcLen);
  void onRtcp(Endpoint& ep, const uint8_t* buf, size_t len, const sockaddr_storage& src, socklen_t srcLen);
  void relay(Endpoint& from, Endpoint& to, uint8_t* buf, size_t len, const RtpHeader& h, bool te);
  void onDigit(Endpoint& ep, char digit, int durationMs);
  uint8_t* allocPacket();
  void queueSend(int fd, const SockAddr& to, uint8_t* data, size_t len);
  void flushSends();
  uint32_t expectedTs(const Endpoint& ep) const;
  void tick();
  void tickRx(Endpoint& ep);
  void tickTx(Endpoint& ep);
  void sendAudio(Endpoint& ep, const int16_t* pcm);
  void sendTelephoneEvents(Endpoint& ep);
  void tickConference(Conference& c);
  void tickRecord(Endpoint& ep);
  /// This tick's received frame of `ep` at `rate` (converted once per tick when it differs).
  const int16_t* rxAt(Endpoint& ep, int rate);
  /// An 8 kHz frame (prompt, tone, DTMF) into the leg's txFrame at the leg's rate.
  void toLegRate(EndpointAudio& a, const int16_t* pcm8k);
  void housekeeping();
  void sendRtcp(Endpoint& ep);

  const int index_;
  const MediaConfig cfg_;
  RecorderChannel& rec_;
  const int recFlushMs_;
  EventPoster events_;
  DetachedFn detached_;
  std::function<void()> overflowFlush_;
  std::atomic<bool> overflow_{false};
  SpscRing<cmd::Command> ring_;
  int epfd_ = -1;
  int timerFd_ = -1;
  int wakeFd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  WorkerCounters counters_;

  std::vector<std::shared_ptr<Endpoint>> slots_;
  std::vector<uint32_t> freeSlots_;
  std::unordered_map<EndpointId, Endpoint*> byId_;
  std::unordered_map<ConferenceId, std::unique_ptr<Conference>> confs_;
  std::vector<Endpoint*> tickList_;
  bool dirty_ = false;

  int64_t nowUs_ = 0;
  uint64_t tickNo_ = 0;
  std::unique_ptr<uint8_t[]> pool_;
  int poolUsed_ = 0;
  std::vector<OutPkt> out_;
  std::unique_ptr<mmsghdr[]> mmsg_;
  std::unique_ptr<struct iovec[]> iov_;
  std::unique_ptr<sockaddr_storage[]> addrs_;
  std::unique_ptr<mmsghdr[]> smsg_;
  std::unique_ptr<struct iovec[]> siov_;
  std::vector<MixInput> mixIn_;
  std::vector<int16_t*> mixOut_;
  int64_t wallUs_ = 0;
};

}  // namespace hujiao::media
