#include "app_script.h"

#include <sstream>

namespace hujiao::testing {

using nlohmann::json;

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

json resultJson(const core::Result<void>& r) {
  if (r) return {{"ok", true}};
  return {{"error", r.error().code}, {"message", r.error().message}};
}

json resultJson(const core::Result<uint64_t>& r) {
  if (r) return {{"ok", true}, {"id", *r}};
  return {{"error", r.error().code}, {"message", r.error().message}};
}

media::PlayRequest tone(const std::string& name, int durationMs, uint64_t requestId, int loops = 1) {
  media::PlayRequest p;
  p.requestId = requestId;
  media::PlayItem item;
  item.kind = media::PlayItem::Kind::Tone;
  item.tone = name;
  item.durationMs = durationMs;
  p.items.push_back(item);
  p.loops = loops;
  return p;
}

media::SuperviseMode modeOf(const std::string& s) {
  if (s == "whisper") return media::SuperviseMode::Whisper;
  if (s == "barge") return media::SuperviseMode::Barge;
  return media::SuperviseMode::Listen;
}
}  // namespace

void ScriptedApp::log(json e) {
  std::lock_guard lock(mu_);
  events_.push_back(std::move(e));
}

json ScriptedApp::events() {
  std::lock_guard lock(mu_);
  return events_;
}

bool ScriptedApp::has(const std::string& opt) const {
  for (const auto& p : split(mode_, ':')) {
    if (p == opt) return true;
  }
  return false;
}

std::string ScriptedApp::option(const std::string& prefix) const {
  for (const auto& p : split(mode_, ':')) {
    if (p.rfind(prefix, 0) == 0) return p.substr(prefix.size());
  }
  return {};
}

json ScriptedApp::connectFrom(const std::string& callId, const std::vector<std::string>& words) {
  call::ConnectRequest req;
  req.destination = words.empty() ? "" : words[0];
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "auto") req.autoAnswer = true;
    if (w == "handoff") req.handOff = true;
    if (w == "parallel") req.parallel = true;  // ring-all: several connects at once
    if (w == "number") req.kind = call::ConnectRequest::Kind::Number;
    if (w.rfind("timeout=", 0) == 0) req.timeoutMs = std::stoi(w.substr(8));
    if (w.rfind("cid=", 0) == 0) req.callerIdNumber = w.substr(4);
    if (w.rfind("hdr=", 0) == 0) {
      auto kv = w.substr(4);
      auto colon = kv.find('/');
      if (colon != std::string::npos) req.headers[kv.substr(0, colon)] = kv.substr(colon + 1);
    }
  }
  auto r = cc_->connect(callId, req);
  json out = resultJson(r);
  log({{"ev", "connect_called"}, {"call_id", callId}, {"result", out}});
  return out;
}

// ---------------------------------------------------------------- callbacks

bool ScriptedApp::onAppCall(const call::AppCallInfo& info) {
  last_ = info.callId;
  log({{"ev", "call"},
       {"call_id", info.callId},
       {"target_type", info.targetType},
       {"target", info.target},
       {"caller", info.callerNumber},
       {"called", info.calledNumber},
       {"did", info.did},
       {"trunk_id", info.trunkId}});
  const auto parts = split(mode_, ':');
  const std::string kind = parts.empty() ? "idle" : parts[0];
  if (kind == "refuse") return false;
  if (kind == "hangup-now") {
    auto r = cc_->hangup(info.callId, "rejected", 486);
    auto again = cc_->answer(info.callId);  // the call is ending: conflict, no crash
    log({{"ev", "hangup_in_callback"}, {"call_id", info.callId}, {"hangup", resultJson(r)}, {"answer", resultJson(again)}});
    return true;
  }
  if (kind == "ivr") {
    log({{"ev", "answer_called"}, {"result", resultJson(cc_->answer(info.callId))}});
    log({{"ev", "play_called"}, {"result", resultJson(cc_->play(info.callId, tone("dial", 600, nextRequest_++)))}});
    log({{"ev", "detect_called"}, {"result", resultJson(cc_->detectDigits(info.callId, true))}});
    return true;
  }
  if (kind == "connect") {
    if (!has("noanswer")) (void)cc_->answer(info.callId);
    (void)cc_->play(info.callId, tone("ringback", 0, nextRequest_++, 0));
    std::vector<std::string> words{parts.size() > 1 ? parts[1] : ""};
    for (size_t i = 2; i < parts.size(); ++i) words.push_back(parts[i]);
    connectFrom(info.callId, words);
    return true;
  }
  return true;  // idle
}

call::ScreenDecision ScriptedApp::screenInbound(const call::AppCallInfo& info) {
  call::ScreenDecision d;
  if (rejectNumbers_.count(info.callerNumber)) {
    d.kind = call::ScreenDecision::Kind::Reject;
    d.sipCode = 603;
  } else if (flowNumbers_.count(info.callerNumber)) {
    d.kind = call::ScreenDecision::Kind::Flow;
    d.flowId = "screened-flow";
  }
  log({{"ev", "screen"}, {"caller", info.callerNumber}, {"decision", static_cast<int>(d.kind)}});
  return d;
}

void ScriptedApp::onCallAnswered(const call::AnsweredCall& c) {
  log({{"ev", "answered"},
       {"call_id", c.callId},
       {"direction", c.direction},
       {"caller", c.callerNumber},
       {"destination", c.destination},
       {"app_call", c.appCall}});
  // Recording policy of the test: record every answered call whose caller's number starts with "rec".
  if (c.callerNumber.rfind("rec", 0) == 0) {
    media::RecordingOptions o;
    o.requestId = 77;
    o.path = "rec-" + c.callId + ".wav";
    log({{"ev", "record_called"}, {"call_id", c.callId}, {"result", resultJson(cc_->startRecording(c.callId, o))}});
  }
}

void ScriptedApp::onAppDigit(const std::string& callId, char digit, int durationMs) {
  if (ended_.count(callId)) log({{"ev", "error"}, {"what", "digit after end"}, {"call_id", callId}});
  log({{"ev", "digit"}, {"call_id", callId}, {"digit", std::string(1, digit)}, {"duration_ms", durationMs}});
  const std::string kind = split(mode_, ':').empty() ? "" : split(mode_, ':')[0];
  if (kind != "ivr") return;
  if (digit == '#') {
    auto h = cc_->hangup(callId, "ivr_hangup");
    auto p = cc_->play(callId, tone("busy", 500, nextRequest_++));
    log({{"ev", "hangup_in_callback"}, {"call_id", callId}, {"hangup", resultJson(h)}, {"play", resultJson(p)}});
  } else if (digit == '*') {
    const auto parts = split(mode_, ':');
    connectFrom(callId, {parts.size() > 1 ? parts[1] : "200", "auto"});
  }
}

void ScriptedApp::onAppPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) {
  log({{"ev", "playback_done"}, {"call_id", callId}, {"request_id", requestId}, {"reason", reason}});
}

void ScriptedApp::onAppRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                                        int64_t recordedMs) {
  if (ended_.count(callId)) log({{"ev", "error"}, {"what", "recording after end"}, {"call_id", callId}});
  log({{"ev", "recording_stopped"}, {"call_id", callId}, {"request_id", requestId}, {"path", path},
       {"recorded_ms", recordedMs}});
}

void ScriptedApp::onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& r) {
  log({{"ev", "connect_result"},
       {"call_id", callId},
       {"connect_id", connectId},
       {"answered", r.answered},
       {"sip_code", r.sipCode},
       {"cause", r.cause},
       {"extension", r.extension}});
  if (!r.answered && split(mode_, ':')[0] == "connect") {
    (void)cc_->play(callId, tone("busy", 0, nextRequest_++, 0));  // the customer stays with the app
  }
}

void ScriptedApp::onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) {
  log({{"ev", "party_gone"}, {"call_id", callId}, {"connect_id", connectId}, {"cause", cause}});
}

void ScriptedApp::onAppCallEnded(const std::string& callId, const std::string& cause, const std::string& side) {
  if (ended_.count(callId)) log({{"ev", "error"}, {"what", "ended twice"}, {"call_id", callId}});
  ended_.insert(callId);
  log({{"ev", "ended"}, {"call_id", callId}, {"cause", cause}, {"side", side}});
  // After the end every command must answer not_found, not crash.
  log({{"ev", "after_end"}, {"call_id", callId}, {"answer", resultJson(cc_->answer(callId))}});
}

void ScriptedApp::onSupervisionEnded(const std::string& callId, uint64_t supervisionId, const std::string& cause) {
  log({{"ev", "supervision_ended"}, {"call_id", callId}, {"supervision_id", supervisionId}, {"cause", cause}});
}

// ---------------------------------------------------------------- commands

json ScriptedApp::command(const std::vector<std::string>& a) {
  if (a.empty()) return {{"error", "empty"}};
  const std::string& cmd = a[0];
  auto arg = [&](size_t i) { return i < a.size() ? a[i] : std::string(); };
  const std::string callId = callOf(arg(1));
  if (cmd == "mode") {
    mode_ = arg(1);
    return {{"ok", true}};
  }
  if (cmd == "screen") {
    if (arg(1) == "reject") rejectNumbers_.insert(arg(2));
    if (arg(1) == "flow") flowNumbers_.insert(arg(2));
    if (arg(1) == "clear") rejectNumbers_.clear(), flowNumbers_.clear();
    return {{"ok", true}};
  }
  if (cmd == "last") return {{"call_id", last_}};
  if (cmd == "answer") return resultJson(cc_->answer(callId));
  if (cmd == "early") return resultJson(cc_->earlyMedia(callId));
  if (cmd == "play") {
    const std::string what = arg(2);
    if (what == "tts") {
      media::PlayRequest p;
      p.requestId = nextRequest_++;
      media::PlayItem item;
      item.kind = media::PlayItem::Kind::Tts;
      item.text = arg(3);
      item.voice = "en";
      p.items.push_back(item);
      auto r = cc_->play(callId, p);
      json out = resultJson(r);
      out["request_id"] = p.requestId;
      return out;
    }
    const uint64_t id = nextRequest_++;
    const int ms = arg(4).empty() ? 0 : std::stoi(arg(4));
    json out = resultJson(cc_->play(callId, tone(arg(3).empty() ? "dial" : arg(3), ms, id, ms == 0 ? 0 : 1)));
    out["request_id"] = id;
    return out;
  }
  if (cmd == "stopplay") return resultJson(cc_->stopPlay(callId));
  if (cmd == "detect") return resultJson(cc_->detectDigits(callId, arg(2) != "off"));
  if (cmd == "record") {
    media::RecordingOptions o;
    o.requestId = nextRequest_++;
    o.path = arg(2);
    return resultJson(cc_->startRecording(callId, o));
  }
  if (cmd == "pauserecord") return resultJson(cc_->pauseRecording(callId));
  if (cmd == "resumerecord") return resultJson(cc_->resumeRecording(callId));
  if (cmd == "stoprecord") return resultJson(cc_->stopRecording(callId));
  if (cmd == "connect") return connectFrom(callId, std::vector<std::string>(a.begin() + 2, a.end()));
  if (cmd == "disconnect") return resultJson(cc_->disconnect(callId, std::stoull(arg(2).empty() ? "0" : arg(2))));
  if (cmd == "hold") {
    return resultJson(cc_->hold(callId, arg(2) != "off", tone("call_waiting", 0, nextRequest_++, 0)));
  }
  if (cmd == "senddigits") return resultJson(cc_->sendDigits(callId, arg(2)));
  if (cmd == "consult") {
    call::ConnectRequest req;
    req.destination = arg(2);
    req.timeoutMs = 10'000;
    return resultJson(cc_->consult(callId, req, tone("call_waiting", 0, nextRequest_++, 0)));
  }
  if (cmd == "complete") {
    return resultJson(cc_->completeConsult(callId, arg(2) == "transfer", arg(2) == "conference"));
  }
  if (cmd == "supervise") return resultJson(cc_->supervise(callId, arg(2), modeOf(arg(3))));
  if (cmd == "supmode") return resultJson(cc_->setSuperviseMode(std::stoull(arg(1)), modeOf(arg(2))));
  if (cmd == "stopsup") return resultJson(cc_->stopSupervising(std::stoull(arg(1))));
  if (cmd == "hangup") {
    return resultJson(cc_->hangup(callId, "app", arg(2).empty() ? 480 : std::stoi(arg(2))));
  }
  return {{"error", "unknown app command"}};
}

}  // namespace hujiao::testing
