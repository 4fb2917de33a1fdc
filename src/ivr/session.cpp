// IvrSession: event dispatch and the helpers shared by every node type.
#include "ivr/session.h"

#include <algorithm>
#include <cassert>
#include "ivr/flow_registry.h"
#include "ivr/session_scope.h"

namespace hujiao::ivr {

namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

const char* actionName(const Action& a) {
  static constexpr const char* names[] = {"answer",        "play",          "stop_play",       "collect_digits",
                                          "start_timer",   "cancel_timer",  "http_request",    "enqueue",
                                          "transfer",      "record_voicemail", "stop_recording", "store_callback",
                                          "store_survey",  "hangup"};
  return names[a.index()];
}

const char* eventName(const Event& e) {
  static constexpr const char* names[] = {"started", "prompt_done", "digit",          "timer",  "http_result",
                                          "queue_result", "transfer_result", "recording_done", "hangup"};
  return names[e.index()];
}

IvrSession::IvrSession(std::shared_ptr<const Flow> flow, SessionContext context, SessionDeps deps)
    : flow_(std::move(flow)), ctx_(std::move(context)), deps_(deps) {
  assert(flow_ && deps_.clock && "a session needs a flow and a clock");
  vars_ = flow_->variables.is_object() ? flow_->variables : Value::object();
  if (ctx_.variables.is_object())
    for (const auto& [k, v] : ctx_.variables.items()) vars_[k] = v;
  const auto& langs = flow_->languages;
  language_ = std::find(langs.begin(), langs.end(), ctx_.language) != langs.end() ? ctx_.language
                                                                                 : flow_->defaultLanguage();
}

std::vector<Action> IvrSession::handle(const Event& ev) {
  std::vector<Action> out;
  if (state_ == State::Done) return out;
  out_ = &out;
  instantSteps_ = 0;
  std::visit(Overloaded{
                 [&](const event::Started&) { onStarted(); },
                 [&](const event::PromptDone& e) { onPromptDone(e.playId); },
                 [&](const event::Digit& e) { onDigit(e.digit); },
                 [&](const event::TimerFired& e) { onTimer(e.timerId); },
                 [&](const event::HttpResult& e) { onHttpResult(e); },
                 [&](const event::QueueResult& e) { onQueueResult(e); },
                 [&](const event::TransferResult& e) { onTransferResult(e); },
                 [&](const event::RecordingDone& e) { onRecordingDone(e); },
                 [&](const event::Hangup&) { onHangup(); },
             },
             ev);
  drive();
  out_ = nullptr;
  return out;
}

void IvrSession::onStarted() {
  if (state_ != State::Idle || node_ != nullptr) return;
  path_.begin(ctx_.callId, flow_->id, flow_->version, nowUs(), language_);
  next_ = flow_->start;
}

void IvrSession::onPromptDone(uint64_t playId) {
  if (playId == 0 || playId != playId_) return;  // stale: a stopped or earlier play
  playId_ = 0;
  switch (state_) {
    case State::Playing:
      if (hangupAfterPlay_)
        endCall("completed", hangupReason_);
      else
        goTo(afterPlay_, "completed");
      break;
    case State::Menu:
      startTimer(spec<MenuSpec>().timeoutMs);
      break;
    case State::Input:
      startTimer(digits_.empty() ? spec<InputSpec>().firstDigitTimeoutMs : spec<InputSpec>().interDigitTimeoutMs);
      break;
    case State::Survey:
      startTimer(spec<SurveySpec>().timeoutMs);
      break;
    case State::VoicemailPrompt:
      startRecording();
      break;
    default:
      break;
  }
}

void IvrSession::onDigit(char digit) {
  if (std::string_view("0123456789*#ABCD").find(digit) == std::string_view::npos) return;
  switch (state_) {
    case State::Playing:
      if (playId_ != 0 && node_ && node_->type != NodeType::Hangup) {
        bool bargeIn = (node_->type == NodeType::Play && spec<PlaySpec>().bargeIn) ||
                       (node_->type == NodeType::Notice && spec<NoticeSpec>().bargeIn);
        if (!bargeIn) return;
        path_.digits(std::string(1, digit));
        path_.detail("barged_in", true);
        stopPlay();
        if (typeahead_.size() < 32) typeahead_ += digit;
        goTo(afterPlay_, "completed");
      }
      break;
    case State::Menu:
      stopPlay();
      cancelTimer();
      menuDigit(digit);
      break;
    case State::Input:
      stopPlay();
      cancelTimer();
      inputDigit(digit);
      break;
    case State::Survey:
      stopPlay();
      cancelTimer();
      surveyDigit(digit);
      break;
    case State::Http:
      if (typeahead_.size() < 32) typeahead_ += digit;  // the caller already knows the next menu
      break;
    case State::Recording:
      if (spec<VoicemailSpec>().finishDigits.find(digit) != std::string::npos) {
        cancelTimer();
        emit(action::StopRecording{recordingId_});
        path_.detail("finished_by", std::string(1, digit));
        state_ = State::RecordingStop;
      }
      break;
    default:
      break;
  }
}

void IvrSession::onTimer(uint64_t timerId) {
  if (timerId == 0 || timerId != timerId_) return;
  timerId_ = 0;
  switch (state_) {
    case State::Menu:
      menuRetry(true);
      break;
    case State::Input:
      if (digits_.empty())
        inputRetry(true);
      else
        finishInput();  // the inter-digit timeout ends the input
      break;
    case State::Survey:
      surveyRetry(true);
      break;
    case State::Http:
      httpFallback("timeout");
      break;
    case State::Recording:
      emit(action::StopRecording{recordingId_});
      path_.detail("finished_by", "max_length");
      state_ = State::RecordingStop;
      break;
    default:
      break;
  }
}

void IvrSession::onQueueResult(const event::QueueResult& r) {
  using K = event::QueueResult::Kind;
  if (state_ == State::Queue && r.kind == K::Connected) {
    state_ = State::Agent;
    stickyExit_ = "agent";
    path_.reachedAgent(r.agent);
    path_.detail("outcome", "connected");
    return;
  }
  if (state_ == State::Queue && r.kind == K::HandedOver) {
    // The queue's overflow flow has the call now: this walk ends here.
    path_.detail("outcome", "overflow");
    if (!r.detail.empty()) path_.detail("queue_detail", r.detail);
    finish("overflow", r.detail);
    return;
  }
  if (state_ == State::Queue && (r.kind == K::Failed || r.kind == K::Timeout)) {
    path_.detail("outcome", r.kind == K::Failed ? "failed" : "timeout");
    if (!r.detail.empty()) path_.detail("queue_detail", r.detail);
    goTo(spec<QueueSpec>().failure, "queue_failed");
    return;
  }
  if (state_ == State::Agent && r.kind == K::AgentHungUp) {
    goTo(spec<QueueSpec>().afterAgent, "agent_hung_up");
  }
}

void IvrSession::onTransferResult(const event::TransferResult& r) {
  if (state_ != State::Transfer) return;
  if (r.ok) {
    path_.detail("outcome", "transferred");
    finish("transferred", r.detail);
    return;
  }
  path_.detail("outcome", "failed");
  if (!r.detail.empty()) path_.detail("transfer_detail", r.detail);
  goTo(spec<TransferSpec>().failure, "transfer_failed");
}

void IvrSession::onRecordingDone(const event::RecordingDone& r) {
  if ((state_ != State::Recording && state_ != State::RecordingStop) || r.recordingId != recordingId_) return;
  cancelTimer();
  recordingId_ = 0;
  stickyExit_ = "voicemail";
  path_.detail("recording", Value{{"file", r.file}, {"duration_ms", r.durationMs}});
  goTo(spec<VoicemailSpec>().next, "completed");
}

void IvrSession::onHangup() {
  cancelTimer();
  playId_ = 0;
  std::string reason = "hangup_in_ivr";
  if (state_ == State::Queue) reason = "queued";
  if (state_ == State::Recording || state_ == State::RecordingStop) reason = "voicemail";
  if (!stickyExit_.empty()) reason = stickyExit_;
  if (state_ == State::Idle && node_ == nullptr && !path_.finished())
    path_.begin(ctx_.callId, flow_->id, flow_->version, nowUs(), language_);
  finish(reason, "caller_hung_up");
}

// --- helpers ---------------------------------------------------------------

void IvrSession::goTo(const std::string& target, const char* reasonIfEmpty) {
  if (target.empty()) {
    endCall("completed", reasonIfEmpty);
    return;
  }
  next_ = target;
}

std::vector<PlayItem> IvrSession::resolve(const Prompt& prompt) const {
  std::vector<PlayItem> items;
  VarScope scope(*this);
  for (const auto& p : prompt) {
    PlayItem item;
    switch (p.kind) {
      case PromptItem::Kind::File:
      case PromptItem::Kind::Tts: {
        const Template* t = p.text.forLanguage(language_);
        if (!t) continue;
        item.kind = p.kind == PromptItem::Kind::File ? PlayItem::Kind::File : PlayItem::Kind::Tts;
        item.value = t->render(scope);
        if (item.kind == PlayItem::Kind::File) {
          for (auto pos = item.value.find("{lang}"); pos != std::string::npos;
               pos = item.value.find("{lang}", pos + language_.size()))
            item.value.replace(pos, 6, language_);
          // A computed file name must stay inside the sounds directory.
          if (item.value.empty() || item.value[0] == '/' || item.value.find("..") != std::string::npos) continue;
        } else if (item.value.empty()) {
          continue;
        }
        break;
      }
      case PromptItem::Kind::Tone:
        item.kind = PlayItem::Kind::Tone;
        item.value = p.tone;
        item.durationMs = p.durationMs;
        break;
      case PromptItem::Kind::Silence:
        item.kind = PlayItem::Kind::Silence;
        item.durationMs = p.durationMs;
        break;
    }
    items.push_back(std::move(item));
  }
  return items;
}

bool IvrSession::play(std::vector<PlayItem> items, bool bargeIn) {
  if (items.empty()) return false;
  playId_ = nextId_++;
  emit(action::Play{playId_, std::move(items), language_, bargeIn});
  return true;
}

void IvrSession::stopPlay() {
  if (playId_ == 0) return;
  emit(action::StopPlay{playId_});
  playId_ = 0;
}

void IvrSession::startTimer(int64_t ms) {
  cancelTimer();
  timerId_ = nextId_++;
  emit(action::StartTimer{timerId_, ms});
}

void IvrSession::cancelTimer() {
  if (timerId_ == 0) return;
  emit(action::CancelTimer{timerId_});
  timerId_ = 0;
}

void IvrSession::setVariable(const std::string& name, Value value) {
  path_.variable(name, value);
  vars_[name] = std::move(value);
}

void IvrSession::endCall(const std::string& exitReason, const std::string& detail) {
  stopPlay();
  cancelTimer();
  emit(action::Hangup{detail.empty() ? exitReason : detail});
  finish(exitReason, detail);
}

void IvrSession::finish(const std::string& exitReason, const std::string& detail) {
  std::string reason = exitReason;
  // Reaching an agent or leaving a message is what the call achieved, even
  // if the flow went on (survey, goodbye prompt) before it ended.
  if (!stickyExit_.empty() && exitReason != "error" && exitReason != "runaway") reason = stickyExit_;
  path_.finish(reason, detail, nowUs());
  state_ = State::Done;
  next_.reset();
}

}  // namespace hujiao::ivr
