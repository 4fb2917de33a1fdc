#include "center/ivr_calls.h"

#include <map>

#include "center/queue_handoff.h"
#include "core/ids.h"
#include "core/log.h"

namespace hujiao::center {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Play requests the adapter makes itself (the voicemail beep) carry this bit,
// so they never collide with the session's small play ids.
constexpr uint64_t kAdapterPlay = uint64_t{1} << 62;

// A mailbox name as a path segment: nothing but [A-Za-z0-9_.-], never "..".
std::string pathSegment(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.empty()) out = "default";
  return out.substr(0, 64);
}

std::string text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

struct IvrCalls::Call {
  uint64_t key = 0;
  call::AppCallInfo info;
  std::unique_ptr<ivr::IvrSession> session;
  std::deque<ivr::Event> pending;
  bool running = false;  // inside feed()
  bool gone = false;     // the call ended: forget it once feed() returns
  bool answered = false;
  bool early = false;
  bool pathStored = false;
  bool handedOver = false;        // the queue overflowed into another flow
  nlohmann::json before;          // earlier flows' paths of this call (hand-over), oldest first
  // Transfer out (connect with handOff).
  uint64_t connectId = 0;
  // Voicemail.
  uint64_t vmRecordingId = 0;  // the session's id; 0 = none
  uint64_t vmBeepPlay = 0;
  std::string vmMailbox;
  std::string vmPath;
  int64_t vmStartMono = 0;
  bool vmRecording = false;
  uint64_t adapterPlays = 0;
};

IvrCalls::IvrCalls(IvrCallsDeps deps) : d_(std::move(deps)), timers_(*d_.clock), log_(core::logger("ivr")) {
  if (d_.metrics) {
    started_ = &d_.metrics->counter("hujiao_ivr_calls_started_total", "Calls that entered an IVR flow");
    ended_ = &d_.metrics->counter("hujiao_ivr_calls_ended_total", "IVR sessions finished (path stored)");
    httpRequests_ = &d_.metrics->counter("hujiao_ivr_http_requests_total", "HTTP look-ups made by flows");
  }
}

IvrCalls::~IvrCalls() = default;

IvrCalls::Call* IvrCalls::find(const std::string& callId) {
  auto it = calls_.find(callId);
  return it == calls_.end() ? nullptr : it->second.get();
}

bool IvrCalls::start(const call::AppCallInfo& info, std::shared_ptr<const ivr::Flow> flow) {
  if (!flow) return false;
  if (find(info.callId)) {
    log_->warn("call {} is already in a flow", info.callId);
    return false;
  }
  auto c = std::make_unique<Call>();
  c->key = nextKey_++;
  c->info = info;
  ivr::SessionContext sc;
  sc.callId = info.callId;
  sc.caller = info.callerNumber;
  sc.called = info.calledNumber.empty() ? info.did : info.calledNumber;
  ivr::SessionDeps sd;
  sd.clock = d_.clock;
  sd.notices = d_.notices;
  sd.flows = d_.flows;
  c->session = std::make_unique<ivr::IvrSession>(std::move(flow), std::move(sc), sd);
  if (auto h = handedOverPaths_.find(info.callId); h != handedOverPaths_.end()) {
    c->before = std::move(h->second);
    handedOverPaths_.erase(h);
  }
  Call& ref = *c;
  byKey_[c->key] = c.get();
  calls_[info.callId] = std::move(c);
  d_.router->own(info.callId, this);
  // Every flow may ask for digits. The media plane parses RFC 4733 telephone-events
  // (and runs the in-band detector on callers without telephone-event) only on legs
  // where control turned detection on: without this, menus never hear a digit.
  (void)d_.calls->detectDigits(info.callId, true);
  if (started_) started_->inc();
  feed(ref, ivr::event::Started{});
  return true;
}

void IvrCalls::feed(Call& c, ivr::Event event) {
  c.pending.push_back(std::move(event));
  drain(c);
}

void IvrCalls::drain(Call& c) {
  if (c.running) return;
  c.running = true;
  while (!c.pending.empty()) {
    ivr::Event ev = std::move(c.pending.front());
    c.pending.pop_front();
    auto actions = c.session->handle(ev);
    for (const auto& a : actions) act(c, a);
    finishIfDone(c);
  }
  c.running = false;
  reap(c);
}

void IvrCalls::act(Call& c, const ivr::Action& action) {
  namespace A = ivr::action;
  const std::string& id = c.info.callId;
  std::visit(
      Overloaded{
          [&](const A::Answer&) {
            if (c.answered || c.gone) return;
            if (auto r = d_.calls->answer(id); !r) {
              log_->error("call {}: cannot answer: {} {}", id, r.error().code, r.error().message);
              (void)d_.calls->hangup(id, "ivr_error", 500);
              c.pending.push_back(ivr::event::Hangup{});
              return;
            }
            c.answered = true;
          },
          [&](const A::Play& p) { play(c, p.playId, p.items, p.language, p.bargeIn); },
          [&](const A::StopPlay&) { (void)d_.calls->stopPlay(id); },
          [&](const A::CollectDigits&) {},
          [&](const A::StartTimer& t) { timers_.start(c.key, t); },
          [&](const A::CancelTimer& t) { timers_.cancel(c.key, t); },
          [&](const A::HttpRequest& h) {
            if (httpRequests_) httpRequests_->inc();
            if (!d_.http) {
              c.pending.push_back(ivr::event::HttpResult{h.requestId, 0, "", false, "no http client", 0});
              return;
            }
            HttpCall call;
            call.method = h.method;
            call.url = h.url;
            call.headers = h.headers;
            call.body = h.body;
            call.contentType = h.contentType;
            call.timeoutMs = h.timeoutMs;
            // The worker thread only queues the reply; tick() feeds it.
            auto mu = inboxMu_;
            auto inbox = inbox_;
            uint64_t key = c.key, rid = h.requestId;
            d_.http(std::move(call), [mu, inbox, key, rid](HttpReply reply) {
              std::lock_guard lock(*mu);
              inbox->push_back(HttpDone{key, rid, std::move(reply)});
            });
          },
          [&](const A::EnqueueToQueue& q) { enqueue(c, q); },
          [&](const A::Transfer& t) { transfer(c, t); },
          [&](const A::RecordVoicemail& v) { recordVoicemail(c, v); },
          [&](const A::StopRecording& s) {
            if (s.recordingId == c.vmRecordingId) stopVoicemail(c);
          },
          [&](const A::StoreCallback& s) {
            CallbackRow row;
            row.id = core::newId();
            row.callId = id;
            row.number = s.number;
            row.preferredTime = s.preferredTime;
            row.queue = s.queue;
            row.flowId = c.session->flow().id;
            row.requestedUs = s.requestedAtUs;
            d_.sink->storeCallback(std::move(row));
          },
          [&](const A::StoreSurvey& s) {
            SurveyRow row;
            row.id = core::newId();
            row.callId = id;
            row.flowId = c.session->flow().id;
            row.question = s.question;
            row.rating = s.rating;
            row.createdUs = s.atUs;
            d_.sink->storeSurvey(std::move(row));
          },
          [&](const A::Hangup& h) {
            if (c.gone) return;
            stopVoicemail(c);
            auto r = d_.calls->hangup(id, h.reason.empty() ? "normal" : h.reason, 480);
            if (!r && r.error().code == "not_found") c.gone = true;  // already over: nothing will report it
          },
      },
      action);
}

std::vector<media::PlayItem> IvrCalls::mediaItems(const std::vector<ivr::PlayItem>& items,
                                                  const std::string& language) const {
  std::vector<media::PlayItem> out;
  out.reserve(items.size());
  for (const auto& i : items) {
    media::PlayItem m;
    switch (i.kind) {
      case ivr::PlayItem::Kind::File:
        m.kind = media::PlayItem::Kind::File;
        m.path = i.value;
        break;
      case ivr::PlayItem::Kind::Tts: {
        m.kind = media::PlayItem::Kind::Tts;
        m.text = i.value;
        auto v = d_.options.ttsVoices.find(language);
        m.voice = v != d_.options.ttsVoices.end() ? v->second : language;
        break;
      }
      case ivr::PlayItem::Kind::Tone: {
        // Flows name tones by purpose; media knows call-progress tones. A
        // tone with no duration plays one cadence cycle (never forever).
        static const std::map<std::string, std::pair<const char*, int>> kTones = {
            {"beep", {"dial", 300}},        {"dial", {"dial", 1000}},       {"ringback", {"ringback", 5000}},
            {"busy", {"busy", 700}},        {"congestion", {"congestion", 1400}},
            {"call_waiting", {"call_waiting", 4400}}};
        auto t = kTones.find(i.value);
        m.kind = media::PlayItem::Kind::Tone;
        m.tone = t != kTones.end() ? t->second.first : "dial";
        m.durationMs = i.durationMs > 0 ? i.durationMs : (t != kTones.end() ? t->second.second : 300);
        break;
      }
      case ivr::PlayItem::Kind::Silence:
        m.kind = media::PlayItem::Kind::Silence;
        m.durationMs = i.durationMs > 0 ? i.durationMs : 1;
        break;
    }
    out.push_back(std::move(m));
  }
  return out;
}

void IvrCalls::play(Call& c, uint64_t requestId, const std::vector<ivr::PlayItem>& items, const std::string& language,
                    bool bargeIn) {
  const std::string& id = c.info.callId;
  if (!c.answered && !c.early) {
    // Prompts before an answer node go out as early media (183).
    if (auto r = d_.calls->earlyMedia(id); r) c.early = true;
  }
  media::PlayRequest req;
  req.requestId = requestId;
  req.items = mediaItems(items, language);
  req.stopOnDtmf = bargeIn;
  if (auto r = d_.calls->play(id, req); !r) {
    log_->warn("call {}: play failed: {} {}", id, r.error().code, r.error().message);
    // The flow goes on as if the prompt had been heard.
    if ((requestId & kAdapterPlay) == 0) c.pending.push_back(ivr::event::PromptDone{requestId});
    else if (requestId == c.vmBeepPlay) startVoicemailRecording(c);
  }
}

void IvrCalls::enqueue(Call& c, const ivr::action::EnqueueToQueue& q) {
  using K = ivr::event::QueueResult::Kind;
  if (!d_.queues) {
    c.pending.push_back(ivr::event::QueueResult{K::Failed, "", "no_acd"});
    return;
  }
  QueueEntry e;
  e.callId = c.info.callId;
  e.queueId = q.queue;
  for (const auto& s : q.skills) e.skills.emplace_back(s, 1);
  e.priority = q.priority;
  e.maxWaitMs = q.maxWaitMs;
  e.language = q.language;
  e.announcement = mediaItems(q.announcement, q.language);
  e.announceEveryMs = q.announceEveryMs;
  if (q.callData.is_object()) {
    for (const auto& [k, v] : q.callData.items()) {
      if (k == "variables" && v.is_object()) {
        for (const auto& [vk, vv] : v.items()) e.attributes["var." + vk] = text(vv);
      } else {
        e.attributes[k] = text(v);
      }
    }
  }
  uint64_t key = c.key;
  std::string callId = c.info.callId;
  bool taken = d_.queues->enqueueCall(e, [this, key, callId](const QueueOutcome& o) {
    auto it = byKey_.find(key);
    if (it == byKey_.end()) return;
    Call& call = *it->second;
    using OK = QueueOutcome::Kind;
    switch (o.kind) {
      case OK::Connected:
        feed(call, ivr::event::QueueResult{K::Connected, o.agentId, o.detail});
        break;
      case OK::CallerHungUp:
        call.gone = true;
        feed(call, ivr::event::Hangup{});
        break;
      case OK::HandedOver:
        // The overflow flow takes the live call: this session only records
        // its path and goes (no hang-up), before the new one starts.
        call.gone = true;
        call.handedOver = true;
        feed(call, ivr::event::QueueResult{K::HandedOver, "", o.detail});
        break;
      case OK::AgentHungUp:
      case OK::Failed:
      case OK::Timeout:
        d_.router->own(callId, this);  // the caller is back with the IVR
        feed(call, ivr::event::QueueResult{o.kind == OK::AgentHungUp ? K::AgentHungUp
                                           : o.kind == OK::Timeout   ? K::Timeout
                                                                     : K::Failed,
                                           o.agentId, o.detail});
        break;
    }
  });
  if (!taken) c.pending.push_back(ivr::event::QueueResult{K::Failed, "", "no_such_queue"});
}

void IvrCalls::transfer(Call& c, const ivr::action::Transfer& t) {
  call::ConnectRequest req;
  req.kind = t.kind == ivr::action::Transfer::Kind::Extension ? call::ConnectRequest::Kind::Extension
                                                              : call::ConnectRequest::Kind::Number;
  req.destination = t.destination;
  if (t.timeoutMs > 0) req.timeoutMs = t.timeoutMs;
  req.handOff = true;
  // ConnectRequest has no trunk: external numbers follow the dial plan.
  auto r = d_.calls->connect(c.info.callId, req);
  if (!r) {
    c.pending.push_back(ivr::event::TransferResult{false, r.error().code + ": " + r.error().message});
    return;
  }
  c.connectId = *r;
}

void IvrCalls::recordVoicemail(Call& c, const ivr::action::RecordVoicemail& v) {
  c.vmRecordingId = v.recordingId;
  c.vmMailbox = v.mailbox;
  c.vmPath = d_.options.voicemailDir + "/" + pathSegment(v.mailbox) + "/" + c.info.callId + "-" +
             std::to_string(v.recordingId) + ".wav";
  c.vmRecording = false;
  if (v.beep) {
    c.vmBeepPlay = kAdapterPlay | ++c.adapterPlays;
    play(c, c.vmBeepPlay, {ivr::PlayItem{ivr::PlayItem::Kind::Tone, "beep", 300}}, "", false);
    return;
  }
  startVoicemailRecording(c);
}

void IvrCalls::startVoicemailRecording(Call& c) {
  if (c.vmRecordingId == 0 || c.vmRecording) return;
  c.vmBeepPlay = 0;
  media::RecordingOptions o;
  o.requestId = c.vmRecordingId;
  o.path = c.vmPath;
  o.format = media::RecordingFormat::WavMono;
  if (auto r = d_.calls->startRecording(c.info.callId, o); !r) {
    log_->warn("call {}: cannot record voicemail: {} {}", c.info.callId, r.error().code, r.error().message);
    uint64_t rid = c.vmRecordingId;
    c.vmRecordingId = 0;
    c.pending.push_back(ivr::event::RecordingDone{rid, "", 0});
    return;
  }
  c.vmRecording = true;
  c.vmStartMono = d_.clock->monoUs();
}

void IvrCalls::stopVoicemail(Call& c) {
  if (c.vmRecordingId == 0) return;
  if (c.vmRecording) {
    (void)d_.calls->stopRecording(c.info.callId);  // onRecordingStopped follows
    return;
  }
  // Still beeping: nothing was recorded.
  if (c.vmBeepPlay) (void)d_.calls->stopPlay(c.info.callId);
  uint64_t rid = c.vmRecordingId;
  c.vmRecordingId = 0;
  c.vmBeepPlay = 0;
  c.pending.push_back(ivr::event::RecordingDone{rid, "", 0});
}

void IvrCalls::saveVoicemail(Call& c, const std::string& path, int64_t durationMs) {
  VoicemailRow v;
  v.id = core::newId();
  v.callId = c.info.callId;
  v.mailbox = c.vmMailbox;
  v.caller = c.info.callerNumber;
  v.called = c.info.calledNumber;
  v.flowId = c.session->flow().id;
  v.path = path.empty() ? c.vmPath : path;
  v.durationMs = durationMs;
  v.createdUs = d_.clock->nowUs();
  d_.sink->storeVoicemail(std::move(v));
  c.vmRecording = false;
  c.vmRecordingId = 0;
}

void IvrCalls::finishIfDone(Call& c) {
  if (c.pathStored || !c.session->finished()) return;
  c.pathStored = true;
  nlohmann::json path = c.session->pathJson();
  if (c.handedOver) {
    // The next flow's session picks it up (start()) and stores it with its own.
    nlohmann::json earlier = c.before.is_array() ? c.before : nlohmann::json::array();
    earlier.push_back(path);
    if (handedOverPaths_.size() >= 1024) handedOverPaths_.clear();  // hand-overs that never started
    handedOverPaths_[c.info.callId] = std::move(earlier);
  } else if (c.before.is_array() && !c.before.empty()) {
    path["before"] = c.before;
  }
  PathRow row;
  row.callId = c.info.callId;
  row.flowId = path.value("flow_id", c.session->flow().id);
  row.version = path.value("flow_version", c.session->flow().version);
  const auto& exit = path.contains("exit") ? path["exit"] : nlohmann::json::object();
  row.exitReason = exit.value("reason", "");
  row.reachedAgent = path.value("reached_agent", false);
  row.caller = c.info.callerNumber;
  row.called = c.info.calledNumber;
  row.startedUs = path.value("started_at_us", c.info.startUs);
  row.endedUs = d_.clock->nowUs();
  row.path = path.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (ended_) ended_->inc();
  if (d_.events) {
    core::Event e;
    e.type = "ivr.ended";
    e.tsUs = row.endedUs;
    e.departmentId = c.info.departmentId;
    e.data = {{"call_id", row.callId},
              {"flow_id", row.flowId},
              {"version", row.version},
              {"exit_reason", row.exitReason},
              {"path", std::move(path)}};
    d_.events->publish(std::move(e));
  }
  d_.sink->storePath(std::move(row));
}

void IvrCalls::reap(Call& c) {
  if (!c.gone || c.running) return;
  if (!c.pathStored) {
    // Defensive: a session that did not finish still leaves its path.
    auto actions = c.session->handle(ivr::event::Hangup{});
    (void)actions;
    finishIfDone(c);
  }
  timers_.cancelAll(c.key);
  byKey_.erase(c.key);
  calls_.erase(c.info.callId);  // destroys c
}

void IvrCalls::tick() {
  for (const auto& [key, timerId] : timers_.popDue()) {
    auto it = byKey_.find(key);
    if (it != byKey_.end()) feed(*it->second, ivr::event::TimerFired{timerId});
  }
  std::vector<HttpDone> done;
  {
    std::lock_guard lock(*inboxMu_);
    done.swap(*inbox_);
  }
  for (auto& h : done) {
    auto it = byKey_.find(h.key);
    if (it == byKey_.end()) continue;
    feed(*it->second, ivr::event::HttpResult{h.requestId, h.reply.status, std::move(h.reply.body), h.reply.timedOut,
                                             std::move(h.reply.error), h.reply.elapsedMs});
  }
}

std::optional<nlohmann::json> IvrCalls::livePath(const std::string& callId) const {
  auto it = calls_.find(callId);
  if (it == calls_.end()) return std::nullopt;
  return it->second->session->pathJson();
}

// ---- AppCallHandler ----

void IvrCalls::onDigit(const std::string& callId, char digit, int) {
  if (Call* c = find(callId)) feed(*c, ivr::event::Digit{digit});
}

void IvrCalls::onPlaybackDone(const std::string& callId, uint64_t requestId, const std::string&) {
  Call* c = find(callId);
  if (!c) return;
  if (requestId & kAdapterPlay) {
    if (requestId == c->vmBeepPlay) {
      startVoicemailRecording(*c);
      drain(*c);  // a failed start queued RecordingDone
    }
    return;
  }
  feed(*c, ivr::event::PromptDone{requestId});
}

void IvrCalls::onRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                                  int64_t recordedMs) {
  Call* c = find(callId);
  if (!c || requestId == 0 || requestId != c->vmRecordingId) return;
  saveVoicemail(*c, path, recordedMs);
  feed(*c, ivr::event::RecordingDone{requestId, path, recordedMs});
}

void IvrCalls::onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& result) {
  Call* c = find(callId);
  if (!c || connectId != c->connectId) return;
  c->connectId = 0;
  if (result.answered) {
    feed(*c, ivr::event::TransferResult{true, result.extension.empty() ? "answered" : result.extension});
    return;
  }
  std::string detail = result.cause;
  if (result.sipCode) detail += " " + std::to_string(result.sipCode);
  feed(*c, ivr::event::TransferResult{false, detail});
}

void IvrCalls::onConnectedPartyGone(const std::string&, uint64_t, const std::string&) {
  // Transfers hand the call off: the switch reports only the call's end.
}

void IvrCalls::onCallEnded(const std::string& callId, const std::string&, const std::string&) {
  Call* c = find(callId);
  if (!c) return;
  if (c->vmRecording) {
    // The caller hung up while recording: the message is kept.
    saveVoicemail(*c, c->vmPath, (d_.clock->monoUs() - c->vmStartMono) / 1000);
  }
  c->gone = true;
  feed(*c, ivr::event::Hangup{});
}

}  // namespace hujiao::center
