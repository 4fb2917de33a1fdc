// RecordsService, control-thread side: the recording policy applied to live
// calls, on-demand start/pause/resume/stop, and handing finished files to the
// records worker (which encrypts them; docs/recording.md).
#include <unistd.h>

#include <algorithm>

#include <filesystem>

#include "center/app_router.h"
#include "center/records_service.h"

namespace hujiao::center {
namespace {

namespace fs = std::filesystem;

/// True while some descriptor of this process has `path` open: the media
/// engine's writer thread keeps the file open until the recording stopped.
bool openInThisProcess(const std::string& path) {
  std::error_code ec;
  // /proc shows the resolved path: compare with the canonical form.
  const fs::path want = fs::weakly_canonical(path, ec);
  for (const auto& fd : fs::directory_iterator("/proc/self/fd", ec)) {
    std::error_code lec;
    auto target = fs::read_symlink(fd.path(), lec);
    if (!lec && (target == want || target == path)) return true;
  }
  return false;
}

std::string str(const nlohmann::json& d, const char* key) {
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void RecordsService::attach() {
  if (ctx_.router) ctx_.router->addAnsweredHook([this](const call::AnsweredCall& c) { onCallAnswered(c); });
}

void RecordsService::tick() {}

void RecordsService::onCallAnswered(const call::AnsweredCall& a) {
  LiveCall& c = live_[a.callId];
  c.answered = a;
  c.facts.direction = a.direction;
  c.facts.did = a.did;
  c.facts.customerNumber = a.direction == "outbound" ? a.calleeNumber : a.callerNumber;
  if (c.departmentId.empty()) c.departmentId = a.departmentId;
  if (!recordings_ || !ctx_.calls || !c.recordingId.empty()) return;
  auto d = recording::shouldRecord(c.facts, controlPolicy_);
  if (d.record) {
    c.byPolicy = true;
    startRecording(c, d.reason);
  }
}

void RecordsService::onInteractionAnswered(const nlohmann::json& data) {
  const std::string callId = str(data, "call_id");
  if (callId.empty() || !ctx_.calls) return;
  LiveCall& c = live_[callId];
  if (c.answered.callId.empty()) {
    c.answered.callId = callId;
    c.answered.direction = "inbound";
    c.facts.direction = "inbound";
  }
  if (auto q = str(data, "queue_id"); !q.empty()) c.facts.queueId = q;
  if (auto a = str(data, "agent_id"); !a.empty()) c.facts.agentId = a;
  if (auto dep = str(data, "department_id"); !dep.empty()) c.departmentId = dep;
  if (c.facts.customerNumber.empty()) {
    auto cust = data.find("customer");
    if (cust != data.end() && cust->is_object()) c.facts.customerNumber = str(*cust, "number");
  }
  auto d = recording::shouldRecord(c.facts, controlPolicy_);
  if (!c.recordingId.empty()) {
    if (d.reason == "never_agent" && c.byPolicy) {
      // A never-record agent took the call: the policy's rule wins.
      stopRecording(c);
      return;
    }
    const std::string id = c.recordingId, agent = c.facts.agentId, dep = c.departmentId, queue = c.facts.queueId;
    worker_.post([this, id, agent, dep, queue] {
      if (auto r = recordings_->recordings().setCallFacts(id, agent, dep, queue); !r)
        log_->warn("recording {}: cannot store the agent/queue: {}", id, r.error().message);
      // A transferred call keeps every agent who answered it as a participant.
      addParticipants(id, agent, {});
    });
    return;
  }
  if (d.record) {
    c.byPolicy = true;
    startRecording(c, d.reason);
  }
}

bool RecordsService::startRecording(LiveCall& c, const std::string& reason) {
  const int64_t now = ctx_.clock->nowUs();
  recording::RecordingPlan plan = recordings_->plan(now);
  media::RecordingOptions opt;
  opt.requestId = nextRequestId_++;
  opt.path = plan.mediaPath;
  opt.format = plan.format == "opus" ? media::RecordingFormat::OggOpus : media::RecordingFormat::WavStereo;
  if (auto r = ctx_.calls->startRecording(c.answered.callId, opt); !r) {
    log_->warn("call {}: recording ({}) not started: {}", c.answered.callId, reason, r.error().message);
    return false;
  }
  recording::RecordingMeta meta;
  meta.callId = c.answered.callId;
  meta.legs = {c.answered.callId};
  meta.agentId = c.facts.agentId;
  meta.departmentId = c.departmentId;
  meta.queueId = c.facts.queueId;
  meta.customerNumber = c.facts.customerNumber;
  meta.direction = c.facts.direction;
  meta.did = c.facts.did;
  meta.reason = reason;
  meta.startUs = now;
  // The extensions on the call: their agents may hear it (scope "self").
  std::vector<std::string> extensions;
  for (const std::string* e : {&c.answered.callerExtension, &c.answered.destination})
    if (!e->empty()) extensions.push_back(*e);
  worker_.post([this, plan, meta, extensions] {
    if (auto r = recordings_->begin(plan, meta); !r) {
      log_->error("recording {} of call {}: row not stored: {}", plan.id, meta.callId, r.error().message);
      return;
    }
    addParticipants(plan.id, meta.agentId, extensions);
  });
  c.recordingId = plan.id;
  c.mediaPath = plan.mediaPath;
  c.requestId = opt.requestId;
  c.paused = false;
  c.reason = reason;
  log_->info("call {}: recording {} started ({})", c.answered.callId, plan.id, reason);
  if (ctx_.events)
    ctx_.events->publish(core::Event{"recording.started",
                                     now,
                                     {{"recording_id", plan.id},
                                      {"call_id", c.answered.callId},
                                      {"agent_id", c.facts.agentId},
                                      {"reason", reason}},
                                     c.departmentId});
  return true;
}

void RecordsService::addParticipants(const std::string& recId, const std::string& agentId,
                                     const std::vector<std::string>& extensions) {
  // Worker thread. Extensions are resolved to agents now, at call time: an
  // extension given to someone else later must not open old recordings to him.
  std::vector<std::string> users;
  if (!agentId.empty()) users.push_back(agentId);
  std::string firstAgent, firstDept;
  for (const auto& ext : extensions) {
    auto rows = ctx_.store->db().query(
        "SELECT a.user_id, COALESCE(u.department_id, '') FROM acd_agents a LEFT JOIN users u ON u.id = a.user_id "
        "WHERE a.extension = $1",
        {ext});
    if (!rows) {
      log_->warn("recording {}: agents of extension {}: {}", recId, ext, rows.error().message);
      continue;
    }
    for (const auto& r : rows->rows) {
      users.push_back(r.str(0));
      // The answering side (destination, listed last) is the call's agent
      // when no queue named one: prefer it for the row's agent/department.
      firstAgent = r.str(0);
      firstDept = r.str(1);
    }
  }
  if (auto r = recordings_->recordings().addParticipants(recId, users); !r)
    log_->warn("recording {}: participants not stored: {}", recId, r.error().message);
  if (!firstAgent.empty())
    if (auto r = recordings_->recordings().fillCallFacts(recId, firstAgent, firstDept); !r)
      log_->warn("recording {}: agent not stored: {}", recId, r.error().message);
}

void RecordsService::stopRecording(LiveCall& c) {
  if (c.recordingId.empty()) return;
  if (auto r = ctx_.calls->stopRecording(c.answered.callId); !r)
    log_->warn("call {}: stopRecording: {}", c.answered.callId, r.error().message);
  const std::string id = c.recordingId, path = c.mediaPath;
  worker_.post([this, id, path] { finishWhenClosed(id, path, 0); });
  c.recordingId.clear();
  c.mediaPath.clear();
  c.paused = false;
  c.byPolicy = false;
}

void RecordsService::onCallEnded(const std::string& callId) {
  auto it = live_.find(callId);
  if (it == live_.end()) return;
  // The switch released the call's media: the recorder closes the file and
  // (maybe) reports RecordingStopped; either way the worker finishes it once
  // the file is closed.
  if (!it->second.recordingId.empty()) {
    const std::string id = it->second.recordingId, path = it->second.mediaPath;
    worker_.post([this, id, path] { finishWhenClosed(id, path, 0); });
  }
  live_.erase(it);
}

void RecordsService::onRecordingStopped(const std::string& callId, uint64_t requestId, const std::string&,
                                        int64_t) {
  auto it = live_.find(callId);
  if (it == live_.end() || it->second.requestId != requestId || it->second.recordingId.empty()) return;
  // Stopped by the media plane (e.g. a disk error): finish what was written.
  const std::string id = it->second.recordingId, path = it->second.mediaPath;
  worker_.post([this, id, path] { finishWhenClosed(id, path, 0); });
  it->second.recordingId.clear();
  it->second.mediaPath.clear();
}

void RecordsService::finishWhenClosed(const std::string& recId, const std::string& mediaPath, int attempt) {
  // Worker thread. Wait (without blocking the worker) while the media
  // engine's writer still has the file open, or has not created it yet.
  std::error_code ec;
  const bool exists = fs::exists(mediaPath, ec);
  const bool waitOpen = exists && openInThisProcess(mediaPath) && attempt < 300;  // 60 s
  const bool waitCreate = !exists && attempt < 10;                                  // 2 s
  if ((waitOpen || waitCreate) && !stopping_) {
    worker_.postAfter(200, [this, recId, mediaPath, attempt] { finishWhenClosed(recId, mediaPath, attempt + 1); });
    return;
  }
  auto r = recordings_->finish(recId, 0);
  if (!r) {
    log_->error("recording {}: finish failed: {} ({})", recId, r.error().message, r.error().code);
    return;
  }
  log_->info("recording {} of call {}: {} ({} ms, {} bytes)", recId, r->callId, r->status, r->durationMs,
             r->sizeBytes);
  if (ctx_.events)
    ctx_.events->publish(core::Event{"recording.completed",
                                     0,
                                     {{"recording_id", r->id},
                                      {"call_id", r->callId},
                                      {"agent_id", r->agentId},
                                      {"status", r->status},
                                      {"duration_ms", r->durationMs}},
                                     r->departmentId});
}

LiveRecordingState RecordsService::stateOf(const LiveCall& c) const {
  LiveRecordingState s;
  s.callId = c.answered.callId;
  s.recordingId = c.recordingId;
  s.recording = !c.recordingId.empty();
  s.paused = c.paused;
  s.reason = c.reason;
  return s;
}

std::future<core::Result<LiveRecordingState>> RecordsService::control(const std::string& callId,
                                                                      RecordingAction action,
                                                                      const RecordingRequester& who) {
  auto promise = std::make_shared<std::promise<core::Result<LiveRecordingState>>>();
  auto future = promise->get_future();
  if (!ctx_.control) {
    promise->set_value(core::makeError("unavailable", "telephony is not running"));
    return future;
  }
  if (!recordings_) {
    promise->set_value(core::makeError("unavailable", "recordings are not available: " + recordingsProblem_));
    return future;
  }
  ctx_.control->post([this, promise, callId, action, who] {
    promise->set_value(controlOnThread(callId, action, who));
  });
  return future;
}

core::Result<LiveRecordingState> RecordsService::controlOnThread(const std::string& callId, RecordingAction action,
                                                                 const RecordingRequester& who) {
  auto it = live_.find(callId);
  if (it == live_.end() || !ctx_.calls) return core::makeError("not_found", "no answered live call " + callId);
  LiveCall& c = it->second;
  // Agents act on their own calls; supervisors on their departments'.
  bool allowed = who.scope == "all";
  if (!allowed && who.scope == "department")
    allowed = std::find(who.departmentIds.begin(), who.departmentIds.end(), c.departmentId) != who.departmentIds.end();
  if (!allowed) allowed = !c.facts.agentId.empty() && c.facts.agentId == who.userId;
  if (!allowed) return core::makeError("forbidden", "this call is not yours");
  const bool recording = !c.recordingId.empty();
  recording::CallFacts facts = c.facts;
  facts.agentRequested = action == RecordingAction::Start;
  const auto agentAction = action == RecordingAction::Start   ? recording::AgentAction::Start
                           : action == RecordingAction::Pause ? recording::AgentAction::Pause
                           : action == RecordingAction::Resume ? recording::AgentAction::Resume
                                                               : recording::AgentAction::Stop;
  // Supervisors and admins may stop any recording; agents only one the policy
  // would not have made (checkAgentAction).
  if (!(action == RecordingAction::Stop && who.scope != "self")) {
    if (auto ok = recording::checkAgentAction(agentAction, facts, controlPolicy_, recording, c.paused); !ok)
      return ok.error();
  } else if (!recording) {
    return core::makeError("conflict", "the call is not being recorded");
  }
  const int64_t now = ctx_.clock->nowUs();
  switch (action) {
    case RecordingAction::Start:
      if (!startRecording(c, "on_demand")) return core::makeError("unavailable", "the switch refused to record");
      c.byPolicy = false;
      break;
    case RecordingAction::Pause: {
      if (auto r = ctx_.calls->pauseRecording(callId); !r) return r.error();
      c.paused = true;
      const std::string id = c.recordingId;
      worker_.post([this, id, now] {
        if (auto r = recordings_->pause(id, now); !r) log_->warn("recording {}: pause: {}", id, r.error().message);
      });
      break;
    }
    case RecordingAction::Resume: {
      if (auto r = ctx_.calls->resumeRecording(callId); !r) return r.error();
      c.paused = false;
      const std::string id = c.recordingId;
      worker_.post([this, id, now] {
        if (auto r = recordings_->resume(id, now); !r) log_->warn("recording {}: resume: {}", id, r.error().message);
      });
      break;
    }
    case RecordingAction::Stop: {
      LiveRecordingState before = stateOf(c);
      stopRecording(c);
      before.recording = false;
      before.paused = false;
      return before;
    }
  }
  return stateOf(c);
}

}  // namespace hujiao::center
