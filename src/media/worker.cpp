#include "media/worker.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "core/log.h"

namespace hujiao::media {

namespace {
constexpr uint64_t kTimerTag = ~uint64_t{0};
constexpr uint64_t kWakeTag = ~uint64_t{0} - 1;

inline uint64_t tagOf(const Endpoint& ep, bool rtcp) {
  return static_cast<uint64_t>(ep.gen) << 32 | static_cast<uint64_t>(ep.slot) << 1 | (rtcp ? 1 : 0);
}

int64_t monoUs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

bool sameCodec(const Endpoint& a, const Endpoint& b) {
  return a.configured && b.configured && a.media.codec == b.media.codec;
}
}  // namespace

bool SockAddr::same(const sockaddr_storage& o, socklen_t olen) const {
  if (olen != len || o.ss_family != ss.ss_family) return false;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    const auto* b = reinterpret_cast<const sockaddr_in*>(&o);
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
  const auto* b = reinterpret_cast<const sockaddr_in6*>(&o);
  return a->sin6_port == b->sin6_port && std::memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(in6_addr)) == 0;
}

Worker::Worker(int index, const MediaConfig& cfg, RecorderChannel& rec, int recFlushMs, EventPoster events,
               DetachedFn detached)
    : index_(index), cfg_(cfg), rec_(rec), recFlushMs_(recFlushMs), events_(std::move(events)),
      detached_(std::move(detached)), ring_(16384), pool_(new uint8_t[kPoolPackets * kPacketBytes]),
      mmsg_(new mmsghdr[kPoolPackets]), iov_(new iovec[kPoolPackets]), addrs_(new sockaddr_storage[kPoolPackets]),
      smsg_(new mmsghdr[kPoolPackets]), siov_(new iovec[kPoolPackets]) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  timerFd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epfd_ < 0 || timerFd_ < 0 || wakeFd_ < 0) throw std::runtime_error("media worker: epoll/timerfd/eventfd failed");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTimerTag;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, timerFd_, &ev);
  ev.data.u64 = kWakeTag;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, wakeFd_, &ev);
  out_.reserve(kPoolPackets);
  tickList_.reserve(1024);
}

Worker::~Worker() {
  stop_ = true;
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wakeFd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  // Endpoints close their recordings (RecordingStopped comes from the writer).
  for (auto& s : slots_) {
    if (!s) continue;
    s->recording.reset();
    ::close(s->rtpFd);
    ::close(s->rtcpFd);
  }
  for (auto& [id, c] : confs_) c->recording.reset();
  ::close(epfd_);
  ::close(timerFd_);
  ::close(wakeFd_);
}

void Worker::start() {
  thread_ = std::thread([this] { run(); });
}

bool Worker::push(cmd::Command&& c) {
  if (!ring_.push(std::move(c))) return false;
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wakeFd_, &one, sizeof one);
  return true;
}

void Worker::run() {
  std::string name = "media-" + std::to_string(index_);
  pthread_setname_np(pthread_self(), name.c_str());
  itimerspec its{};
  its.it_interval.tv_nsec = 20'000'000;
  its.it_value.tv_nsec = 20'000'000;
  timerfd_settime(timerFd_, 0, &its, nullptr);
  constexpr int kMaxEvents = 1024;
  epoll_event evs[kMaxEvents];
  bool paced = false;
  int64_t wakeUs = monoUs();
  while (!stop_.load(std::memory_order_relaxed)) {
    int timeoutMs = 100;
    if (paced) {
      // Busy: let the next batch accumulate instead of waking per packet (no
      // epoll waiter means senders skip the wake-up too), then poll without blocking.
      int64_t until = wakeUs + cfg_.pollIntervalUs;
      timespec ts{static_cast<time_t>(until / 1'000'000), static_cast<long>(until % 1'000'000) * 1000};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
      timeoutMs = 0;
    }
    int n = epoll_wait(epfd_, evs, kMaxEvents, timeoutMs);
    if (n < 0) continue;  // EINTR
    nowUs_ = monoUs();
    wakeUs = nowUs_;
    counters_.wakeups.fetch_add(1, std::memory_order_relaxed);
    // Stay paced while wake-ups find work; fall back to blocking when idle
    // (a paced wake-up with nothing ready costs a wake-up for nothing).
    paced = cfg_.pollIntervalUs > 0 && (paced ? n > 0 : n >= cfg_.pollBusyEvents);
    uint64_t ticks = 0;
    bool wake = false;
    for (int i = 0; i < n; ++i) {
      if (evs[i].data.u64 == kTimerTag) {
        uint64_t exp = 0;
        if (::read(timerFd_, &exp, sizeof exp) == sizeof exp) ticks = exp;
      } else if (evs[i].data.u64 == kWakeTag) {
        wake = true;
      }
    }
    if (wake) {
      uint64_t v = 0;
      [[maybe_unused]] auto r = ::read(wakeFd_, &v, sizeof v);
      drainCommands();
    }
    // Read phase: every ready socket; same-codec relays go out in this wake-up's write phase.
    for (int i = 0; i < n; ++i) {
      uint64_t tag = evs[i].data.u64;
      if (tag == kTimerTag || tag == kWakeTag) continue;
      auto slot = static_cast<uint32_t>((tag & 0xffffffffu) >> 1);
      auto gen = static_cast<uint32_t>(tag >> 32);
      if (slot >= slots_.size() || !slots_[slot] || slots_[slot]->gen != gen) continue;  // removed meanwhile
      readSocket(*slots_[slot], (tag & 1) != 0);
    }
    flushSends();
    if (ticks > 0) {
      if (ticks > 1) counters_.lateTicks.fetch_add(1, std::memory_order_relaxed);
      for (uint64_t t = 0; t < std::min<uint64_t>(ticks, 3); ++t) tick();
    }
  }
}

void Worker::drainCommands() {
  cmd::Command c;
  int handled = 0;
  while (ring_.pop(c)) {
    handle(c);
    c = cmd::Command{};
    ++handled;
  }
  if (dirty_) deriveRouting();
  if (handled > 0 && overflow_.exchange(false) && overflowFlush_) overflowFlush_();
}

Endpoint* Worker::find(EndpointId id) {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : it->second;
}

void Worker::emit(MediaEvent ev) { events_(std::move(ev)); }

void Worker::attach(std::shared_ptr<Endpoint> ep) {
  uint32_t slot;
  if (!freeSlots_.empty()) {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  ep->slot = slot;
  ep->gen += 1;
  epoll_event ev{};
  // Edge-triggered: readSocket() always drains to EAGAIN (a short recvmmsg batch), so
  // level-triggered re-polling of every socket after each read would be wasted work.
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = tagOf(*ep, false);
  epoll_ctl(epfd_, EPOLL_CTL_ADD, ep->rtpFd, &ev);
  ev.data.u64 = tagOf(*ep, true);
  epoll_ctl(epfd_, EPOLL_CTL_ADD, ep->rtcpFd, &ev);
  if (ep->txSsrc == 0) {
    ep->txSsrc = static_cast<uint32_t>(ep->id * 2654435761u) ^ static_cast<uint32_t>(nowUs_);
    ep->txSeq = static_cast<uint16_t>(nowUs_ ^ ep->id);
    ep->txTs = static_cast<uint32_t>(nowUs_ * 7);
  }
  ep->nextRtcpUs = nowUs_ + int64_t{cfg_.rtcpIntervalS} * 1'000'000 + static_cast<int64_t>(ep->id % 1000) * 1000;
  if (ep->recording) ep->recording->rebind(rec_);
  byId_[ep->id] = ep.get();
  slots_[slot] = std::move(ep);
  dirty_ = true;
}

std::shared_ptr<Endpoint> Worker::release(EndpointId id) {
  Endpoint* ep = find(id);
  if (!ep) return nullptr;
  unbridge(*ep);
  if (ep->conf) leaveConference(*ep, true);
  if (ep->supervising) stopSupervising(*ep);
  if (ep->supervisor) stopSupervising(*ep->supervisor);
  epoll_ctl(epfd_, EPOLL_CTL_DEL, ep->rtpFd, nullptr);
  epoll_ctl(epfd_, EPOLL_CTL_DEL, ep->rtcpFd, nullptr);
  std::shared_ptr<Endpoint> owned = std::move(slots_[ep->slot]);
  freeSlots_.push_back(owned->slot);
  byId_.erase(id);
  dirty_ = true;
  return owned;
}

void Worker::unbridge(Endpoint& ep) {
  if (ep.bridgePeer) {
    ep.bridgePeer->bridgePeer = nullptr;
    ep.bridgePeer = nullptr;
    dirty_ = true;
  }
}

void Worker::stopSupervising(Endpoint& sup) {
  if (sup.supervising) {
    sup.supervising->supervisor = nullptr;
    sup.supervising = nullptr;
    dirty_ = true;
  }
}

void Worker::leaveConference(Endpoint& ep, bool tone) {
  Conference* c = ep.conf;
  if (!c) return;
  c->members.erase(std::remove(c->members.begin(), c->members.end(), &ep), c->members.end());
  ep.conf = nullptr;
  ep.muted = ep.deaf = false;
  if (tone) c->beepLeft = kSampleRate / 5;
  dirty_ = true;
}

void Worker::finishPlayback(Endpoint& ep, const char* reason) {
  if (!ep.playback) return;
  MediaEvent ev;
  ev.type = MediaEvent::Type::PlaybackDone;
  ev.endpoint = ep.id;
  ev.requestId = ep.playback->requestId();
  ev.reason = reason;
  ep.playback.reset();
  ep.relayRestart = true;
  dirty_ = true;
  emit(std::move(ev));
}

void Worker::configure(cmd::Configure& c) {
  Endpoint* ep = find(c.ep);
  if (!ep) return;
  bool codecChanged = !ep->configured || ep->media.codec != c.media.codec;
  ep->media = c.media;
  ep->configured = true;
  const CodecInfo& ci = codecInfo(ep->media.codec);
  ep->rtpRate = kSampleRate * ci.rtpUnitsPerSample;
  ep->sdpRemote = c.remote;
  if (c.resetLatch || !ep->latched) {
    ep->sendAddr = c.remote;
    ep->latched = false;
    ep->candidateCount = 0;
  }
  if (!ep->rtcpLatched && c.remote.valid()) {
    ep->rtcpAddr = c.remote;
    auto* sa = reinterpret_cast<sockaddr_in*>(&ep->rtcpAddr.ss);  // port field is at the same offset for v6
    sa->sin_port = htons(static_cast<uint16_t>(ntohs(sa->sin_port) + 1));
  }
  ep->lastRxUs = nowUs_;
  ep->timedOut = false;
  if (codecChanged && ep->audio) ep->audio.reset();  // rebuilt at the new codec's rate by deriveRouting()
  dirty_ = true;
}

void Worker::ensureAudio(Endpoint& ep) {
  if (ep.audio || !ep.configured) return;
  auto a = std::make_unique<EndpointAudio>();
  // Wideband legs are decoded at 16 kHz so that mixing and recording keep their bandwidth.
  a->codec = makeCodec(ep.media.codec, audioRateFor(ep.media.codec));
  if (!a->codec) return;
  a->rate = a->codec->rate();
  a->frame = frameSamplesAt(a->rate);
  a->jb = std::make_unique<JitterBuffer>(cfg_.jitterMinMs, cfg_.jitterMaxMs, cfg_.jitterInitMs, a->rate);
  ep.audio = std::move(a);
}

void Worker::deriveRouting() {
  dirty_ = false;
  for (auto& s : slots_) {
    if (!s) continue;
    s->relayFrom = nullptr;
    s->mixCount = 0;
    s->needRx = false;
    s->recRx = false;
  }
  auto addMix = [](Endpoint& ep, Endpoint* src) {
    if (src && ep.mixCount < static_cast<int>(ep.mix.size())) ep.mix[static_cast<size_t>(ep.mixCount++)] = src;
  };
  for (auto& s : slots_) {
    if (!s) continue;
    Endpoint& ep = *s;
    if (ep.conf) {
      ep.needRx = true;
      continue;
    }
    if (ep.supervising) {
      addMix(ep, ep.supervising);
      addMix(ep, ep.supervising->bridgePeer);
    } else if (ep.bridgePeer) {
      Endpoint* p = ep.bridgePeer;
      addMix(ep, p);
      if (ep.supervisor && ep.supervisor->superviseMode != SuperviseMode::Listen) addMix(ep, ep.supervisor);
      if (p->supervisor && p->supervisor->superviseMode == SuperviseMode::Barge) addMix(ep, p->supervisor);
    }
    if (ep.mixCount == 1 && sameCodec(ep, *ep.mix[0])) {
      ep.relayFrom = ep.mix[0];
      ep.mixCount = 0;
    }
  }
  for (auto& s : slots_) {
    if (!s) continue;
    Endpoint& ep = *s;
    for (int i = 0; i < ep.mixCount; ++i) ep.mix[static_cast<size_t>(i)]->needRx = true;
    if (ep.recording) {
      ep.recRx = true;
      if (ep.relayFrom) ep.relayFrom->recRx = true;
    }
    bool wantDigits = ep.dtmfEvents || (ep.playback && ep.playback->stopOnDtmf());
    bool inband = wantDigits && ep.configured && ep.media.recvTePt < 0;
    if (inband) {
      ep.needRx = true;
      if (!ep.dtmfRx) ep.dtmfRx = std::make_unique<InbandDtmfDetector>();
    } else {
      ep.dtmfRx.reset();
    }
  }
  for (auto& c : confs_) {
    if (c.second->recording) {
      for (Endpoint* m : c.second->members) m->needRx = true;
    }
  }
  for (auto& s : slots_) {
    if (!s) continue;
    Endpoint& ep = *s;
    // Decoded only to be recorded (not mixed, not listened to for digits): the cheap lane.
    const int16_t* table = ep.configured ? g711DecodeTable(ep.media.codec) : nullptr;
    const bool lane = ep.recRx && !ep.needRx && !ep.laneOff && table && !ep.conf;
    if (lane && (!ep.lane || ep.lane->table() != table)) ep.lane = std::make_unique<RecordLane>(table);
    if (!lane) ep.lane.reset();
    ep.needRx = ep.needRx || ep.recRx;
  }
  tickList_.clear();
  for (auto& s : slots_) {
    if (!s) continue;
    Endpoint& ep = *s;
    bool decodedTx = ep.mixCount > 0 || ep.conf || ep.txOverride();
    if (ep.needRx || decodedTx || ep.recording) {
      ensureAudio(ep);
      tickList_.push_back(&ep);
    } else if (ep.dtmfEvents && ep.configured) {
      tickList_.push_back(&ep);  // RFC 4733 idle check only
    }
    if (ep.audio && !ep.needRx) ep.audio->jb->reset();
  }
  // A conference mixes at 16 kHz as soon as one member is wideband.
  for (auto& c : confs_) {
    int rate = kSampleRate;
    for (Endpoint* m : c.second->members) {
      if (m->audio && m->audio->rate == kWideRate) rate = kWideRate;
    }
    c.second->rate = rate;
  }
}

void Worker::handle(cmd::Command& command) {
  std::visit(
      [this](auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, cmd::Attach>) {
          attach(std::move(c.ep));
        } else if constexpr (std::is_same_v<T, cmd::Remove>) {
          auto ep = release(c.ep);
          if (ep) {
            ep->playback.reset();  // destroyEndpoint: no PlaybackDone
            ep->recording.reset();  // closes the file; RecordingStopped is still reported
            ::close(ep->rtpFd);
            ::close(ep->rtcpFd);
          }
        } else if constexpr (std::is_same_v<T, cmd::Detach>) {
          auto ep = release(c.ep);
          if (ep) {
            ep->audio.reset();  // rebuilt on the new worker; recordings/playbacks travel along
            detached_(std::move(ep));
          }
        } else if constexpr (std::is_same_v<T, cmd::Configure>) {
          configure(c);
        } else if constexpr (std::is_same_v<T, cmd::Bridge>) {
          Endpoint* a = find(c.a);
          Endpoint* b = find(c.b);
          if (!a || !b || a == b) return;
          unbridge(*a);
          unbridge(*b);
          a->bridgePeer = b;
          b->bridgePeer = a;
          a->relayRestart = b->relayRestart = true;
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::Unbridge>) {
          if (Endpoint* a = find(c.ep)) unbridge(*a);
        } else if constexpr (std::is_same_v<T, cmd::Play>) {
          Endpoint* ep = find(c.ep);
          if (!ep) return;
          finishPlayback(*ep, "replaced");
          ep->playback = std::make_unique<Playback>(std::move(c.plan));
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::StopPlay>) {
          if (Endpoint* ep = find(c.ep)) finishPlayback(*ep, "stopped");
        } else if constexpr (std::is_same_v<T, cmd::StartRecording>) {
          Endpoint* ep = find(c.ep);
          if (!ep) return;
          // A wideband leg is recorded at 16 kHz (the file's rate is fixed when it opens).
          auto info = std::make_shared<RecOpenInfo>(*c.info);
          info->rate = ep->configured ? audioRateFor(ep->media.codec) : kSampleRate;
          ep->recording = std::make_unique<Recording>(rec_, c.recId, std::move(info), recFlushMs_);
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::PauseRecording>) {
          Endpoint* ep = find(c.ep);
          if (ep && ep->recording) ep->recording->setPaused(c.pause);
        } else if constexpr (std::is_same_v<T, cmd::StopRecording>) {
          Endpoint* ep = find(c.ep);
          if (ep && ep->recording) {
            ep->recording.reset();
            dirty_ = true;
          }
        } else if constexpr (std::is_same_v<T, cmd::DetectDtmf>) {
          if (Endpoint* ep = find(c.ep)) {
            ep->dtmfEvents = c.on;
            dirty_ = true;
          }
        } else if constexpr (std::is_same_v<T, cmd::SendDtmf>) {
          Endpoint* ep = find(c.ep);
          if (!ep || !ep->configured) return;
          if (ep->media.sendTePt >= 0) {
            ep->teTx.queue(c.digits, c.durationMs);
          } else {
            if (!ep->dtmfTx) ep->dtmfTx = std::make_unique<InbandDtmfGenerator>();
            ep->dtmfTx->queue(c.digits, c.durationMs);
          }
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::ConfCreate>) {
          auto conf = std::make_unique<Conference>();
          conf->id = c.conf;
          conf->beep = std::make_unique<ToneGenerator>(ToneSpec{1000, 0, -16, {}});
          confs_[c.conf] = std::move(conf);
        } else if constexpr (std::is_same_v<T, cmd::ConfDestroy>) {
          auto it = confs_.find(c.conf);
          if (it == confs_.end()) return;
          for (Endpoint* m : std::vector<Endpoint*>(it->second->members)) leaveConference(*m, false);
          confs_.erase(it);
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::ConfJoin>) {
          Endpoint* ep = find(c.ep);
          auto it = confs_.find(c.conf);
          if (!ep || it == confs_.end()) return;
          unbridge(*ep);
          if (ep->conf) leaveConference(*ep, false);
          ep->conf = it->second.get();
          ep->muted = c.opts.muted;
          ep->deaf = c.opts.deaf;
          it->second->members.push_back(ep);
          if (c.opts.joinTone) it->second->beepLeft = kSampleRate / 5;
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::ConfLeave>) {
          if (Endpoint* ep = find(c.ep)) leaveConference(*ep, true);
        } else if constexpr (std::is_same_v<T, cmd::SetMuted>) {
          if (Endpoint* ep = find(c.ep)) ep->muted = c.on;
        } else if constexpr (std::is_same_v<T, cmd::SetDeaf>) {
          if (Endpoint* ep = find(c.ep)) ep->deaf = c.on;
        } else if constexpr (std::is_same_v<T, cmd::ConfRecord>) {
          auto it = confs_.find(c.conf);
          if (it == confs_.end()) return;
          if (dirty_) deriveRouting();  // the conference's current mixing rate
          auto info = std::make_shared<RecOpenInfo>(*c.info);
          info->rate = it->second->rate;
          it->second->recording = std::make_unique<Recording>(rec_, c.recId, std::move(info), recFlushMs_);
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::ConfStopRecord>) {
          auto it = confs_.find(c.conf);
          if (it != confs_.end()) it->second->recording.reset();
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::Supervise>) {
          Endpoint* s = find(c.supervisor);
          Endpoint* a = find(c.agent);
          if (!s || !a || s == a) return;
          if (s->supervising && s->supervising != a) stopSupervising(*s);
          if (a->supervisor && a->supervisor != s) stopSupervising(*a->supervisor);
          unbridge(*s);
          s->supervising = a;
          s->superviseMode = c.mode;
          a->supervisor = s;
          dirty_ = true;
        } else if constexpr (std::is_same_v<T, cmd::StopSupervise>) {
          if (Endpoint* s = find(c.supervisor)) stopSupervising(*s);
        } else if constexpr (std::is_same_v<T, cmd::Stats>) {
          Endpoint* ep = find(c.ep);
          if (!ep) return;
          StreamQuality q;
          q.packetsReceived = ep->rx.received;
          q.packetsSent = ep->txc.packets;
          q.packetsLost = ep->rx.lost();
          uint64_t expected = ep->rx.expected();
          q.lossPercent = expected ? 100.0 * static_cast<double>(q.packetsLost) / static_cast<double>(expected) : 0;
          q.jitterMs = ep->rx.jitter * 1000.0 / ep->rtpRate;
          if (ep->remote.have) {
            q.remoteLossPercent = ep->remote.fractionLost * 100;
            q.remoteJitterMs = ep->remote.jitterUnits * 1000.0 / ep->rtpRate;
          }
          q.rttMs = ep->remote.rttMs;
          q.codec = ep->configured ? codecInfo(ep->media.codec).name : "";
          double loss = std::max(q.lossPercent, q.remoteLossPercent);
          double oneWay = q.rttMs > 0 ? q.rttMs / 2 : 20;
          q.mos = estimateMos(ep->media.codec, loss, q.jitterMs, oneWay);
          MediaEvent ev;
          ev.type = MediaEvent::Type::Stats;
          ev.endpoint = ep->id;
          ev.requestId = c.requestId;
          ev.quality = q;
          emit(std::move(ev));
        }
      },
      command);
}

}  // namespace hujiao::media
