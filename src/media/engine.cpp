#include "media/engine.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "core/config.h"
#include "core/log.h"
#include "media/sdp_negotiation.h"

namespace hujiao::media {

namespace {
core::Error notFound(EndpointId id) { return core::Error{"not_found", "no media endpoint " + std::to_string(id)}; }
}  // namespace

MediaEngineImpl::MediaEngineImpl(const MediaConfig& cfg, core::TaskQueue& control, MediaEventSink sink)
    : cfg_(cfg), control_(control), sink_(std::move(sink)), alive_(std::make_shared<bool>(true)),
      ports_(cfg.rtpPortMin, cfg.rtpPortMax) {
  if (cfg_.rtpPortMax - cfg_.rtpPortMin < 2) throw std::runtime_error("media: rtp_port_max must exceed rtp_port_min");
  advertise4_ = pickAdvertiseAddress(cfg_.advertiseIpv4, cfg_.bindIpv4, false);
  advertise6_ = pickAdvertiseAddress(cfg_.advertiseIpv6, cfg_.bindIpv6, true);
  int n = cfg_.workers > 0 ? cfg_.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::weak_ptr<bool> alive = alive_;
  EventPoster poster = [this, alive](MediaEvent ev) {
    control_.post([this, alive, ev = std::move(ev)] {
      if (alive.lock()) onEvent(ev);
    });
  };
  prep_ = std::make_unique<MediaPrep>(cfg_);
  recorder_ = std::make_unique<RecorderHub>(n, cfg_.recorderFlushMs, poster);
  overflow_.resize(static_cast<size_t>(n));
  load_.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto detached = [this, alive](std::shared_ptr<Endpoint> ep) {
      control_.post([this, alive, ep = std::move(ep)]() mutable {
        if (alive.lock()) onDetached(std::move(ep));
      });
    };
    auto w = std::make_unique<Worker>(i, cfg_, recorder_->channel(i), cfg_.recorderFlushMs, poster, detached);
    w->setOverflowFlush([this, alive, i] {
      control_.post([this, alive, i] {
        if (alive.lock()) flushOverflow(i);
      });
    });
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) w->start();
  core::logger("media")->info("media engine: {} workers, RTP ports {}-{}, SDP address {}", n, cfg_.rtpPortMin,
                              cfg_.rtpPortMax, advertise4_);
}

MediaEngineImpl::~MediaEngineImpl() {
  alive_.reset();
  workers_.clear();
  recorder_.reset();
  prep_.reset();
}

void MediaEngineImpl::registerMetrics(core::MetricsRegistry& m) {
  m.callbackGauge("hujiao_media_endpoints", "Media endpoints in use",
                  [this] { return static_cast<double>(endpoints_.load(std::memory_order_relaxed)); });
  for (size_t i = 0; i < workers_.size(); ++i) {
    const WorkerCounters* c = &workers_[i]->counters();
    core::Labels l{{"worker", std::to_string(i)}};
    m.callbackGauge("hujiao_media_rx_packets_total", "RTP/RTCP packets received", [c] { return static_cast<double>(c->rxPackets.load()); }, l);
    m.callbackGauge("hujiao_media_tx_packets_total", "RTP/RTCP packets sent", [c] { return static_cast<double>(c->txPackets.load()); }, l);
    m.callbackGauge("hujiao_media_relayed_packets_total", "Packets relayed without decoding", [c] { return static_cast<double>(c->relayed.load()); }, l);
    m.callbackGauge("hujiao_media_dropped_packets_total", "Packets dropped (not RTP, unknown payload type, hijack attempts)", [c] { return static_cast<double>(c->dropped.load()); }, l);
    m.callbackGauge("hujiao_media_send_errors_total", "Failed sends", [c] { return static_cast<double>(c->sendErrors.load()); }, l);
    m.callbackGauge("hujiao_media_late_ticks_total", "Ticks that ran late (worker overloaded)", [c] { return static_cast<double>(c->lateTicks.load()); }, l);
  }
}

std::vector<pthread_t> MediaEngineImpl::workerThreads() {
  std::vector<pthread_t> v;
  for (auto& w : workers_) v.push_back(w->nativeHandle());
  return v;
}

int MediaEngineImpl::portOf(EndpointId ep) const {
  auto it = recs_.find(ep);
  return it == recs_.end() ? 0 : it->second.port;
}

MediaEngineImpl::Rec* MediaEngineImpl::find(EndpointId id) {
  auto it = recs_.find(id);
  return it == recs_.end() ? nullptr : &it->second;
}

core::Result<MediaEngineImpl::Rec*> MediaEngineImpl::need(EndpointId id) {
  owner_.assertOwner();
  Rec* r = find(id);
  if (!r) return notFound(id);
  return r;
}

int MediaEngineImpl::leastLoadedWorker() const {
  return static_cast<int>(std::min_element(load_.begin(), load_.end()) - load_.begin());
}

void MediaEngineImpl::pushTo(int worker, cmd::Command c) {
  auto& q = overflow_[static_cast<size_t>(worker)];
  if (!q.empty()) flushOverflow(worker);
  if (q.empty() && workers_[static_cast<size_t>(worker)]->push(std::move(c))) return;
  q.push_back(std::move(c));
  workers_[static_cast<size_t>(worker)]->overflowPending() = true;
}

void MediaEngineImpl::flushOverflow(int worker) {
  auto& q = overflow_[static_cast<size_t>(worker)];
  Worker& w = *workers_[static_cast<size_t>(worker)];
  while (!q.empty()) {
    if (!w.push(std::move(q.front()))) {
      w.overflowPending() = true;
      return;
    }
    q.pop_front();
  }
}

void MediaEngineImpl::dispatch(Rec& r, cmd::Command c) {
  if (r.migrating) r.pending.push_back(std::move(c));
  else pushTo(r.worker, std::move(c));
}

void MediaEngineImpl::migrate(Rec& r, int worker) {
  if (r.worker == worker) return;
  if (!r.migrating) {
    pushTo(r.worker, cmd::Detach{r.id});
    r.migrating = true;
  }
  --load_[static_cast<size_t>(r.worker)];
  ++load_[static_cast<size_t>(worker)];
  r.worker = worker;
}

void MediaEngineImpl::onDetached(std::shared_ptr<Endpoint> ep) {
  Rec* r = find(ep->id);
  if (!r) {
    // Destroyed while moving: let a worker release it, so that a recording it
    // carries is closed by the thread that produces into its recorder channel.
    EndpointId id = ep->id;
    pushTo(0, cmd::Attach{std::move(ep)});
    pushTo(0, cmd::Remove{id});
    return;
  }
  pushTo(r->worker, cmd::Attach{std::move(ep)});
  r->migrating = false;
  while (!r->pending.empty()) {
    pushTo(r->worker, std::move(r->pending.front()));
    r->pending.pop_front();
  }
}

void MediaEngineImpl::postEvent(MediaEvent ev) {
  std::weak_ptr<bool> alive = alive_;
  control_.post([this, alive, ev = std::move(ev)] {
    if (alive.lock()) onEvent(ev);
  });
}

void MediaEngineImpl::onEvent(const MediaEvent& ev) {
  if (ev.type == MediaEvent::Type::RecordingStopped) {
    if (Rec* r = find(ev.endpoint)) r->recording = false;
  }
  if (sink_) sink_(ev);
}

core::Result<EndpointId> MediaEngineImpl::createEndpoint(const EndpointOptions& o) {
  owner_.assertOwner();
  auto codecs = effectiveCodecs(o.allowedCodecs, cfg_.codecs);
  if (std::none_of(codecs.begin(), codecs.end(), [](const std::string& c) { return codecByName(c) != nullptr; })) {
    return core::Error{"invalid", "no usable codec among the allowed ones"};
  }
  int rtpFd = -1, rtcpFd = -1;
  auto port = ports_.allocate(o.ipv6 ? cfg_.bindIpv6 : cfg_.bindIpv4, o.ipv6, cfg_.socketBufferKb * 1024, rtpFd,
                              rtcpFd);
  if (!port) return port.error();
  EndpointId id = nextId_++;
  int worker = leastLoadedWorker();
  if (Rec* peer = find(o.colocateWith)) worker = peer->worker;
  auto ep = std::make_shared<Endpoint>();
  ep->id = id;
  ep->callId = o.callId;
  ep->rtpFd = rtpFd;
  ep->rtcpFd = rtcpFd;
  ep->port = *port;
  ep->ipv6 = o.ipv6;
  Rec r;
  r.id = id;
  r.worker = worker;
  r.port = *port;
  r.ipv6 = o.ipv6;
  r.codecs = std::move(codecs);
  recs_.emplace(id, std::move(r));
  ++load_[static_cast<size_t>(worker)];
  endpoints_.fetch_add(1, std::memory_order_relaxed);
  pushTo(worker, cmd::Attach{std::move(ep)});
  return id;
}

core::Result<MediaDescription> MediaEngineImpl::localOffer(EndpointId id) {
  auto r = need(id);
  if (!r) return r.error();
  Rec& rec = **r;
  MediaDescription d = buildOffer(rec.ipv6 ? advertise6_ : advertise4_, rec.port, rec.codecs, cfg_.ptimeMs);
  rec.offer = d;
  return d;
}

core::Result<void> MediaEngineImpl::configure(Rec& r, const NegotiatedMedia& n) {
  cmd::Configure c;
  c.ep = r.id;
  c.media = n;
  if (n.remotePort > 0) {
    auto addr = makeSockAddr(n.remoteAddress, n.remotePort);
    if (!addr) return addr.error();
    if ((addr->ss.ss_family == AF_INET6) != r.ipv6) {
      return core::Error{"invalid_sdp", "remote address family differs from the endpoint's"};
    }
    c.remote = *addr;
  }
  r.negotiated = true;
  dispatch(r, std::move(c));
  return {};
}

core::Result<MediaDescription> MediaEngineImpl::answerOffer(EndpointId id, const MediaDescription& remoteOffer) {
  auto r = need(id);
  if (!r) return r.error();
  Rec& rec = **r;
  auto res = media::answerOffer(remoteOffer, rec.ipv6 ? advertise6_ : advertise4_, rec.port, rec.codecs);
  if (!res) return res.error();
  if (auto c = configure(rec, res->second); !c) return c.error();
  rec.offer = res->first;
  return res->first;
}

core::Result<void> MediaEngineImpl::applyAnswer(EndpointId id, const MediaDescription& remoteAnswer) {
  auto r = need(id);
  if (!r) return r.error();
  Rec& rec = **r;
  if (!rec.offer) return core::Error{"invalid_state", "applyAnswer without a localOffer"};
  auto n = media::applyAnswer(*rec.offer, remoteAnswer);
  if (!n) return n.error();
  return configure(rec, *n);
}

void MediaEngineImpl::destroyEndpoint(EndpointId id) {
  owner_.assertOwner();
  Rec* r = find(id);
  if (!r) return;
  if (Rec* p = find(r->bridgePeer)) p->bridgePeer = 0;
  if (Conf* c = r->conf ? &confs_[r->conf] : nullptr) std::erase(c->members, id);
  if (r->prepPending) r->playToken = 0;  // a prep still running is dropped without an event
  // While migrating, the endpoint comes back through onDetached, which finds no
  // record and removes it there; queued commands are dropped with the record.
  if (!r->migrating) dispatch(*r, cmd::Remove{id});
  --load_[static_cast<size_t>(r->worker)];
  endpoints_.fetch_sub(1, std::memory_order_relaxed);
  ports_.release(r->port);
  recs_.erase(id);
}

core::Result<void> MediaEngineImpl::bridge(EndpointId a, EndpointId b) {
  auto ra = need(a);
  if (!ra) return ra.error();
  auto rb = need(b);
  if (!rb) return rb.error();
  if (a == b) return core::Error{"invalid", "cannot bridge an endpoint to itself"};
  Rec& A = **ra;
  Rec& B = **rb;
  if (A.conf || B.conf) return core::Error{"invalid_state", "endpoint is in a conference"};
  for (Rec* x : {&A, &B}) {
    if (Rec* old = find(x->bridgePeer)) old->bridgePeer = 0;
  }
  migrate(B, A.worker);
  A.bridgePeer = b;
  B.bridgePeer = a;
  dispatch(B.migrating ? B : A, cmd::Bridge{a, b});
  return {};
}

void MediaEngineImpl::unbridge(EndpointId id) {
  Rec* r = find(id);
  if (!r || !r->bridgePeer) return;
  if (Rec* p = find(r->bridgePeer)) p->bridgePeer = 0;
  r->bridgePeer = 0;
  dispatch(*r, cmd::Unbridge{id});
}

void MediaEngineImpl::cancelPrep(Rec& r, const char* reason) {
  if (!r.prepPending) return;
  r.prepPending = false;
  r.playToken = 0;
  MediaEvent ev;
  ev.type = MediaEvent::Type::PlaybackDone;
  ev.endpoint = r.id;
  ev.requestId = r.prepRequestId;
  ev.reason = reason;
  postEvent(std::move(ev));
}

core::Result<void> MediaEngineImpl::play(EndpointId id, const PlayRequest& req) {
  auto r = need(id);
  if (!r) return r.error();
  Rec& rec = **r;
  if (req.items.empty()) return core::Error{"invalid", "nothing to play"};
  if (req.loops < 0) return core::Error{"invalid", "loops must be >= 0"};
  cancelPrep(rec, "replaced");
  bool needsPrep = std::any_of(req.items.begin(), req.items.end(), [](const PlayItem& i) {
    return i.kind == PlayItem::Kind::File || i.kind == PlayItem::Kind::Tts;
  });
  if (!needsPrep) {
    auto plan = std::make_shared<PlaybackPlan>();
    plan->requestId = req.requestId;
    plan->loops = req.loops;
    plan->stopOnDtmf = req.stopOnDtmf;
    for (const auto& item : req.items) {
      auto p = toneOrSilenceItem(item, cfg_.tonePlan);
      if (!p) return p.error();
      plan->items.push_back(std::move(*p));
    }
    dispatch(rec, cmd::Play{id, std::move(plan)});
    return {};
  }
  for (const auto& item : req.items) {
    if (item.kind == PlayItem::Kind::File && item.path.empty()) return core::Error{"invalid", "file item without path"};
    if (item.kind == PlayItem::Kind::Tts && item.text.empty()) return core::Error{"invalid", "TTS item without text"};
    if (item.kind == PlayItem::Kind::Tone || item.kind == PlayItem::Kind::Silence) {
      if (auto p = toneOrSilenceItem(item, cfg_.tonePlan); !p) return p.error();
    }
  }
  uint64_t token = nextToken_++;
  rec.playToken = token;
  rec.prepPending = true;
  rec.prepRequestId = req.requestId;
  std::weak_ptr<bool> alive = alive_;
  prep_->submit(req, [this, alive, id, token, requestId = req.requestId](
                         core::Result<std::shared_ptr<const PlaybackPlan>> plan) {
    control_.post([this, alive, id, token, requestId, plan = std::move(plan)]() mutable {
      if (!alive.lock()) return;
      Rec* rr = find(id);
      if (!rr || rr->playToken != token) return;  // stopped/replaced meanwhile (already reported)
      rr->prepPending = false;
      if (!plan) {
        MediaEvent ev;
        ev.type = MediaEvent::Type::PlaybackDone;
        ev.endpoint = id;
        ev.requestId = requestId;
        ev.reason = "error";
        ev.detail = plan.error().message;
        onEvent(ev);
        return;
      }
      dispatch(*rr, cmd::Play{id, std::move(*plan)});
    });
  });
  return {};
}

void MediaEngineImpl::stopPlay(EndpointId id) {
  Rec* r = find(id);
  if (!r) return;
  cancelPrep(*r, "stopped");
  dispatch(*r, cmd::StopPlay{id});
}

core::Result<std::shared_ptr<const RecOpenInfo>> MediaEngineImpl::recordingInfo(const RecordingOptions& o,
                                                                               EndpointId ep) {
  if (o.path.empty()) return core::Error{"invalid", "recording path is empty"};
  std::filesystem::path p(o.path);
  for (const auto& part : p) {
    if (part == "..") return core::Error{"invalid", "recording path must not contain '..'"};
  }
  if (p.is_relative()) p = std::filesystem::path(cfg_.recordingsDir) / p;
  auto info = std::make_shared<RecOpenInfo>();
  info->path = p.string();
  info->format = o.format;
  info->channels = o.format == RecordingFormat::WavMono ? 1 : 2;
  info->endpoint = ep;
  info->requestId = o.requestId;
  return std::shared_ptr<const RecOpenInfo>(std::move(info));
}

core::Result<void> MediaEngineImpl::startRecording(EndpointId id, const RecordingOptions& o) {
  auto r = need(id);
  if (!r) return r.error();
  if ((*r)->recording) return core::Error{"conflict", "endpoint is already recording"};
  auto info = recordingInfo(o, id);
  if (!info) return info.error();
  (*r)->recording = true;
  dispatch(**r, cmd::StartRecording{id, nextToken_++, std::move(*info)});
  return {};
}

core::Result<void> MediaEngineImpl::pauseRecording(EndpointId id) {
  auto r = need(id);
  if (!r) return r.error();
  if (!(*r)->recording) return core::Error{"invalid_state", "endpoint is not recording"};
  dispatch(**r, cmd::PauseRecording{id, true});
  return {};
}

core::Result<void> MediaEngineImpl::resumeRecording(EndpointId id) {
  auto r = need(id);
  if (!r) return r.error();
  if (!(*r)->recording) return core::Error{"invalid_state", "endpoint is not recording"};
  dispatch(**r, cmd::PauseRecording{id, false});
  return {};
}

core::Result<void> MediaEngineImpl::stopRecording(EndpointId id) {
  auto r = need(id);
  if (!r) return r.error();
  if (!(*r)->recording) return core::Error{"invalid_state", "endpoint is not recording"};
  dispatch(**r, cmd::StopRecording{id});
  return {};
}

core::Result<void> MediaEngineImpl::detectDtmf(EndpointId id, bool on) {
  auto r = need(id);
  if (!r) return r.error();
  dispatch(**r, cmd::DetectDtmf{id, on});
  return {};
}

core::Result<void> MediaEngineImpl::sendDtmf(EndpointId id, const std::string& digits, int durationMs) {
  auto r = need(id);
  if (!r) return r.error();
  if (digits.empty() || digits.size() > 64) return core::Error{"invalid", "1 to 64 DTMF digits expected"};
  for (char c : digits) {
    if (dtmfCharToEvent(c) < 0) return core::Error{"invalid", std::string("not a DTMF digit: '") + c + "'"};
  }
  if (durationMs < 40 || durationMs > 2000) return core::Error{"invalid", "DTMF duration must be 40-2000 ms"};
  if (!(*r)->negotiated) return core::Error{"invalid_state", "media not negotiated yet"};
  dispatch(**r, cmd::SendDtmf{id, digits, durationMs});
  return {};
}

core::Result<ConferenceId> MediaEngineImpl::createConference(const std::string& /*name*/) {
  owner_.assertOwner();
  ConferenceId id = nextId_++;
  Conf c;
  c.worker = leastLoadedWorker();
  confs_[id] = c;
  pushTo(c.worker, cmd::ConfCreate{id});
  return id;
}

void MediaEngineImpl::destroyConference(ConferenceId id) {
  auto it = confs_.find(id);
  if (it == confs_.end()) return;
  for (EndpointId m : it->second.members) {
    if (Rec* r = find(m)) r->conf = 0;
  }
  pushTo(it->second.worker, cmd::ConfDestroy{id});
  confs_.erase(it);
}

core::Result<void> MediaEngineImpl::joinConference(ConferenceId conf, EndpointId id,
                                                   const ConferenceMemberOptions& opts) {
  auto r = need(id);
  if (!r) return r.error();
  auto it = confs_.find(conf);
  if (it == confs_.end()) return core::Error{"not_found", "no conference " + std::to_string(conf)};
  Rec& rec = **r;
  if (rec.conf == conf) return {};
  if (rec.conf) {
    if (auto old = confs_.find(rec.conf); old != confs_.end()) std::erase(old->second.members, id);
  }
  if (Rec* p = find(rec.bridgePeer)) p->bridgePeer = 0;
  rec.bridgePeer = 0;
  migrate(rec, it->second.worker);
  rec.conf = conf;
  it->second.members.push_back(id);
  dispatch(rec, cmd::ConfJoin{conf, id, opts});
  return {};
}

core::Result<void> MediaEngineImpl::leaveConference(EndpointId id) {
  auto r = need(id);
  if (!r) return r.error();
  Rec& rec = **r;
  if (!rec.conf) return core::Error{"invalid_state", "endpoint is not in a conference"};
  if (auto it = confs_.find(rec.conf); it != confs_.end()) std::erase(it->second.members, id);
  rec.conf = 0;
  dispatch(rec, cmd::ConfLeave{id});
  return {};
}

core::Result<void> MediaEngineImpl::setMuted(EndpointId id, bool on) {
  auto r = need(id);
  if (!r) return r.error();
  if (!(*r)->conf) return core::Error{"invalid_state", "endpoint is not in a conference"};
  dispatch(**r, cmd::SetMuted{id, on});
  return {};
}

core::Result<void> MediaEngineImpl::setDeaf(EndpointId id, bool on) {
  auto r = need(id);
  if (!r) return r.error();
  if (!(*r)->conf) return core::Error{"invalid_state", "endpoint is not in a conference"};
  dispatch(**r, cmd::SetDeaf{id, on});
  return {};
}

core::Result<void> MediaEngineImpl::recordConference(ConferenceId id, const RecordingOptions& o) {
  auto it = confs_.find(id);
  if (it == confs_.end()) return core::Error{"not_found", "no conference " + std::to_string(id)};
  if (it->second.recording) return core::Error{"conflict", "conference is already recording"};
  RecordingOptions mono = o;
  if (mono.format == RecordingFormat::WavStereo) mono.format = RecordingFormat::WavMono;
  auto info = recordingInfo(mono, 0);
  if (!info) return info.error();
  auto* i = const_cast<RecOpenInfo*>(info->get());
  i->channels = 1;
  it->second.recording = true;
  pushTo(it->second.worker, cmd::ConfRecord{id, nextToken_++, std::move(*info)});
  return {};
}

core::Result<void> MediaEngineImpl::stopConferenceRecording(ConferenceId id) {
  auto it = confs_.find(id);
  if (it == confs_.end()) return core::Error{"not_found", "no conference " + std::to_string(id)};
  it->second.recording = false;
  pushTo(it->second.worker, cmd::ConfStopRecord{id});
  return {};
}

core::Result<void> MediaEngineImpl::supervise(EndpointId supervisor, EndpointId agent, SuperviseMode mode) {
  auto rs = need(supervisor);
  if (!rs) return rs.error();
  auto ra = need(agent);
  if (!ra) return ra.error();
  if (supervisor == agent) return core::Error{"invalid", "cannot supervise oneself"};
  Rec& S = **rs;
  Rec& A = **ra;
  if (!A.bridgePeer) return core::Error{"invalid_state", "the agent's leg is not bridged"};
  if (S.conf || S.bridgePeer) return core::Error{"invalid_state", "the supervisor's leg is busy"};
  migrate(S, A.worker);
  S.supervising = agent;
  dispatch(S, cmd::Supervise{supervisor, agent, mode});
  return {};
}

core::Result<void> MediaEngineImpl::stopSupervising(EndpointId supervisor) {
  auto r = need(supervisor);
  if (!r) return r.error();
  if (!(*r)->supervising) return core::Error{"invalid_state", "not supervising"};
  (*r)->supervising = 0;
  dispatch(**r, cmd::StopSupervise{supervisor});
  return {};
}

core::Result<void> MediaEngineImpl::requestStats(EndpointId id, uint64_t requestId) {
  auto r = need(id);
  if (!r) return r.error();
  dispatch(**r, cmd::Stats{id, requestId});
  return {};
}

std::unique_ptr<MediaEngine> createMediaEngine(const MediaConfig& cfg, core::TaskQueue& control,
                                               MediaEventSink sink) {
  return std::make_unique<MediaEngineImpl>(cfg, control, std::move(sink));
}

std::unique_ptr<MediaEngine> createMediaEngine(const core::Config& config, core::TaskQueue& control,
                                               MediaEventSink sink) {
  return createMediaEngine(mediaConfigFrom(config), control, std::move(sink));
}

}  // namespace hujiao::media
