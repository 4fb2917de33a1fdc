// IvrSession: what each node type does when entered and while it waits.
#include <algorithm>

#include "ivr/flow_registry.h"
#include "ivr/session.h"
#include "ivr/session_scope.h"

namespace hujiao::ivr {

void IvrSession::drive() {
  while (next_ && state_ != State::Done) {
    std::string id = std::move(*next_);
    next_.reset();
    if (++instantSteps_ > deps_.maxInstantSteps) {
      endCall("runaway", "too many nodes without waiting");
      return;
    }
    enterNode(id);
  }
}

void IvrSession::enterNode(const std::string& id) {
  const Node* n = flow_->find(id);
  if (!n) {  // validated flows have no dangling targets; a bad transfer could
    endCall("error", "unknown node '" + id + "'");
    return;
  }
  if (++visits_ > flow_->maxNodeVisits) {
    endCall("runaway", "more than " + std::to_string(flow_->maxNodeVisits) + " node visits");
    return;
  }
  node_ = n;
  nodeId_ = id;
  state_ = State::Idle;
  attempt_ = 0;
  path_.step(id, toString(n->type), nowUs());
  switch (n->type) {
    case NodeType::Answer:
      emit(action::Answer{});
      goTo(spec<AnswerSpec>().next, "completed");
      break;
    case NodeType::Play: {
      const auto& s = spec<PlaySpec>();
      state_ = State::Playing;
      afterPlay_ = s.next;
      hangupAfterPlay_ = false;
      if (!play(resolve(s.prompt), s.bargeIn)) goTo(s.next, "completed");
      break;
    }
    case NodeType::Menu:
      state_ = State::Menu;
      if (!typeahead_.empty()) {
        char d = typeahead_.front();
        typeahead_.erase(0, 1);
        menuDigit(d);
      } else {
        startMenuPrompt(nullptr);
      }
      break;
    case NodeType::Input: {
      state_ = State::Input;
      digits_.clear();
      if (typeahead_.empty()) {
        startInputPrompt(nullptr);
        break;
      }
      std::string ahead = std::move(typeahead_);
      typeahead_.clear();
      for (char d : ahead) {
        if (state_ != State::Input || next_) break;
        inputDigit(d);
      }
      break;
    }
    case NodeType::Survey:
      state_ = State::Survey;
      typeahead_.clear();
      startSurveyPrompt(nullptr);
      break;
    case NodeType::Set:
      runSet(spec<SetSpec>());
      break;
    case NodeType::Branch:
      runBranch(spec<BranchSpec>());
      break;
    case NodeType::Schedule:
      runSchedule(spec<ScheduleSpec>());
      break;
    case NodeType::Http:
      runHttp(spec<HttpSpec>());
      break;
    case NodeType::Queue:
      runQueue(spec<QueueSpec>());
      break;
    case NodeType::Transfer:
      runTransfer(spec<TransferSpec>());
      break;
    case NodeType::Voicemail: {
      const auto& s = spec<VoicemailSpec>();
      state_ = State::VoicemailPrompt;
      if (!play(resolve(s.prompt), false)) startRecording();
      break;
    }
    case NodeType::Callback: {
      const auto& s = spec<CallbackSpec>();
      VarScope scope(*this);
      action::StoreCallback cb;
      cb.number = s.number.render(scope);
      if (s.preferredTime) cb.preferredTime = s.preferredTime->render(scope);
      cb.queue = s.queue;
      cb.requestedAtUs = nowUs();
      path_.detail("callback", Value{{"number", cb.number}, {"time", cb.preferredTime}});
      if (!cb.number.empty()) emit(std::move(cb));
      goTo(s.next, "completed");
      break;
    }
    case NodeType::Language:
      runLanguage(spec<LanguageSpec>());
      break;
    case NodeType::Notice:
      runNotice(spec<NoticeSpec>());
      break;
    case NodeType::Hangup: {
      const auto& s = spec<HangupSpec>();
      state_ = State::Playing;
      hangupAfterPlay_ = true;
      hangupReason_ = s.reason;
      if (!play(resolve(s.prompt), false)) endCall("completed", s.reason);
      break;
    }
  }
}

void IvrSession::runSet(const SetSpec& s) {
  // Every right-hand side sees the variables as they were on entry.
  VarScope scope(*this);
  std::vector<std::pair<std::string, Value>> values;
  for (const auto& a : s.assignments) {
    if (a.expression)
      values.emplace_back(a.variable, a.expression->evaluate(scope));
    else if (a.text)
      values.emplace_back(a.variable, a.text->render(scope));
    else
      values.emplace_back(a.variable, a.literal);
  }
  for (auto& [name, v] : values) setVariable(name, std::move(v));
  goTo(s.next, "completed");
}

void IvrSession::runBranch(const BranchSpec& s) {
  VarScope scope(*this);
  for (std::size_t i = 0; i < s.cases.size(); ++i) {
    if (truthy(s.cases[i].first.evaluate(scope))) {
      path_.detail("case", static_cast<int>(i));
      goTo(s.cases[i].second, "completed");
      return;
    }
  }
  path_.detail("case", "default");
  goTo(s.defaultTarget, "completed");
}

void IvrSession::runSchedule(const ScheduleSpec& s) {
  auto st = s.schedule.stateAt(nowUs());
  path_.detail("state", toString(st));
  switch (st) {
    case Schedule::State::Open:
      goTo(s.open, "completed");
      break;
    case Schedule::State::Closed:
      goTo(s.closed, "completed");
      break;
    case Schedule::State::Holiday:
      goTo(s.holiday.empty() ? s.closed : s.holiday, "completed");
      break;
  }
}

void IvrSession::runHttp(const HttpSpec& s) {
  VarScope scope(*this);
  action::HttpRequest req;
  req.requestId = httpId_ = nextId_++;
  req.method = s.method;
  req.url = s.url.render(scope, Template::Escape::Url);
  for (const auto& [name, t] : s.headers) {
    std::string v = t.render(scope);
    v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }), v.end());
    req.headers.emplace_back(name, std::move(v));
  }
  if (s.body) {
    bool json = s.contentType.find("json") != std::string::npos;
    bool form = s.contentType.find("x-www-form-urlencoded") != std::string::npos;
    req.body = s.body->render(scope, json ? Template::Escape::Json : form ? Template::Escape::Url : Template::Escape::None);
    req.contentType = s.contentType;
  }
  req.timeoutMs = s.timeoutMs;
  path_.detail("http", Value{{"method", req.method}, {"url", req.url}});
  state_ = State::Http;
  httpStartMono_ = deps_.clock->monoUs();
  emit(std::move(req));
  startTimer(s.timeoutMs);
}

void IvrSession::onHttpResult(const event::HttpResult& r) {
  if (state_ != State::Http || r.requestId != httpId_) return;
  cancelTimer();
  httpId_ = 0;
  const auto& s = spec<HttpSpec>();
  auto record = [&](const std::string& outcome) {
    path_.detail("http", Value{{"method", s.method},
                               {"status", r.status},
                               {"outcome", outcome},
                               {"ms", (deps_.clock->monoUs() - httpStartMono_) / 1000}});
  };
  if (r.timedOut) return httpFallback("timeout");
  if (r.status == 0) return httpFallback(r.error.empty() ? "error" : "error: " + r.error);
  if (r.status < 200 || r.status > 299) {
    record("http_status");
    goTo(s.fallback, "completed");
    return;
  }
  Value reply = Value::parse(r.body, nullptr, false);
  if (reply.is_discarded() || !reply.is_structured()) {
    record("bad_reply");
    goTo(s.fallback, "completed");
    return;
  }
  std::vector<std::pair<std::string, Value>> found;
  for (const auto& [var, pointer] : s.result) {
    Value::json_pointer ptr(pointer);
    if (!reply.contains(ptr) || reply.at(ptr).is_null()) {
      record("missing_field:" + var);
      goTo(s.fallback, "completed");
      return;
    }
    found.emplace_back(var, reply.at(ptr));
  }
  record("ok");
  for (auto& [var, v] : found) setVariable(var, std::move(v));
  goTo(s.next, "completed");
}

void IvrSession::httpFallback(const std::string& outcome) {
  const auto& s = spec<HttpSpec>();
  httpId_ = 0;
  path_.detail("http", Value{{"method", s.method},
                             {"status", 0},
                             {"outcome", outcome},
                             {"ms", (deps_.clock->monoUs() - httpStartMono_) / 1000}});
  goTo(s.fallback, "completed");
}

void IvrSession::runQueue(const QueueSpec& s) {
  VarScope scope(*this);
  action::EnqueueToQueue q;
  q.queue = s.queue;
  q.skills = s.skills;
  q.priority = s.priority;
  q.announcement = resolve(s.announcement);
  q.announceEveryMs = s.announceEveryMs;
  q.maxWaitMs = s.maxWaitMs;
  q.language = language_;
  q.callData = Value{{"caller", ctx_.caller},
                     {"called", ctx_.called},
                     {"language", language_},
                     {"flow_id", flow_->id},
                     {"variables", vars_}};
  path_.detail("queue", s.queue);
  state_ = State::Queue;
  emit(std::move(q));
}

void IvrSession::runTransfer(const TransferSpec& s) {
  VarScope scope(*this);
  std::string dest = s.destination.render(scope);
  path_.detail("destination", dest);
  if (s.kind == TransferSpec::Kind::Flow) {
    auto target = deps_.flows ? deps_.flows->current(dest) : nullptr;
    if (!target) {
      path_.detail("outcome", "unknown_flow");
      if (!s.failure.empty()) {
        goTo(s.failure, "completed");
        return;
      }
      endCall("error", "unknown flow '" + dest + "'");
      return;
    }
    flow_ = std::move(target);
    path_.flowChanged(flow_->id, flow_->version);
    const auto& langs = flow_->languages;
    if (std::find(langs.begin(), langs.end(), language_) == langs.end()) {
      language_ = flow_->defaultLanguage();
      path_.languageChanged(language_);
    }
    for (const auto& [k, v] : flow_->variables.items())
      if (!vars_.contains(k)) vars_[k] = v;
    node_ = nullptr;  // the old flow's node is not ours any more
    next_ = flow_->start;
    return;
  }
  if (dest.empty()) {
    path_.detail("outcome", "empty_destination");
    goTo(s.failure, "transfer_failed");
    return;
  }
  state_ = State::Transfer;
  emit(action::Transfer{s.kind == TransferSpec::Kind::Extension ? action::Transfer::Kind::Extension
                                                                 : action::Transfer::Kind::External,
                        dest, s.trunk, s.timeoutMs});
}

void IvrSession::runLanguage(const LanguageSpec& s) {
  std::string lang;
  if (s.language) {
    lang = *s.language;
  } else if (s.fromExpression) {
    VarScope scope(*this);
    lang = toText(s.fromExpression->evaluate(scope));
  }
  const auto& langs = flow_->languages;
  if (std::find(langs.begin(), langs.end(), lang) != langs.end()) {
    language_ = lang;
    path_.languageChanged(lang);
    path_.detail("language", lang);
  } else {
    path_.detail("language_ignored", lang);
  }
  goTo(s.next, "completed");
}

void IvrSession::runNotice(const NoticeSpec& s) {
  std::optional<std::string> active = deps_.notices ? deps_.notices->activeNotice(s.notice) : std::nullopt;
  path_.detail("active", active.has_value());
  if (!active) {
    goTo(s.next, "completed");
    return;
  }
  std::vector<PlayItem> items;
  if (!active->empty())
    items.push_back(PlayItem{PlayItem::Kind::Tts, *active, 0});
  else
    items = resolve(s.prompt);
  state_ = State::Playing;
  afterPlay_ = s.next;
  hangupAfterPlay_ = false;
  if (!play(std::move(items), s.bargeIn)) goTo(s.next, "completed");
}

// --- menu ------------------------------------------------------------------

void IvrSession::startMenuPrompt(const Prompt* prefix) {
  const auto& s = spec<MenuSpec>();
  std::vector<PlayItem> items = prefix ? resolve(*prefix) : std::vector<PlayItem>{};
  auto main = resolve(s.prompt);
  items.insert(items.end(), main.begin(), main.end());
  emit(action::CollectDigits{1, "", s.timeoutMs, 0});
  if (!play(std::move(items), true)) startTimer(s.timeoutMs);
}

void IvrSession::menuDigit(char digit) {
  const auto& s = spec<MenuSpec>();
  path_.digits(std::string(1, digit));
  auto it = s.branches.find(digit);
  if (it == s.branches.end()) {
    menuRetry(false);
    return;
  }
  path_.detail("choice", std::string(1, digit));
  goTo(it->second, "completed");
}

void IvrSession::menuRetry(bool timedOut) {
  const auto& s = spec<MenuSpec>();
  ++attempt_;
  path_.append("retries", timedOut ? "timeout" : "invalid");
  if (attempt_ > s.retries) {
    path_.detail("outcome", "retries_exhausted");
    typeahead_.clear();
    goTo(s.defaultTarget, "menu_failed");
    return;
  }
  const Prompt& extra = timedOut ? s.timeoutPrompt : s.invalidPrompt;
  startMenuPrompt(extra.empty() ? nullptr : &extra);
}

// --- input -----------------------------------------------------------------

void IvrSession::startInputPrompt(const Prompt* prefix) {
  const auto& s = spec<InputSpec>();
  std::vector<PlayItem> items = prefix ? resolve(*prefix) : std::vector<PlayItem>{};
  auto main = resolve(s.prompt);
  items.insert(items.end(), main.begin(), main.end());
  emit(action::CollectDigits{s.maxDigits, s.terminators, s.firstDigitTimeoutMs, s.interDigitTimeoutMs});
  if (!play(std::move(items), true)) startTimer(s.firstDigitTimeoutMs);
}

void IvrSession::inputDigit(char digit) {
  const auto& s = spec<InputSpec>();
  path_.digits(std::string(1, digit));
  if (s.terminators.find(digit) != std::string::npos) {
    finishInput();
    return;
  }
  digits_ += digit;
  if (static_cast<int>(digits_.size()) >= s.maxDigits) {
    finishInput();
    return;
  }
  startTimer(s.interDigitTimeoutMs);
}

void IvrSession::finishInput() {
  const auto& s = spec<InputSpec>();
  cancelTimer();
  bool valid = static_cast<int>(digits_.size()) >= s.minDigits;
  if (valid && s.pattern) valid = std::regex_match(digits_, *s.pattern);
  if (!valid) {
    inputRetry(false);
    return;
  }
  setVariable(s.variable, digits_);
  digits_.clear();
  typeahead_.clear();
  goTo(s.next, "completed");
}

void IvrSession::inputRetry(bool timedOut) {
  const auto& s = spec<InputSpec>();
  ++attempt_;
  path_.append("retries", timedOut ? "timeout" : "invalid");
  digits_.clear();
  if (attempt_ > s.retries) {
    path_.detail("outcome", "retries_exhausted");
    typeahead_.clear();
    goTo(s.failure, "input_failed");
    return;
  }
  const Prompt& extra = timedOut ? s.timeoutPrompt : s.invalidPrompt;
  startInputPrompt(extra.empty() ? nullptr : &extra);
}

// --- survey ----------------------------------------------------------------

void IvrSession::startSurveyPrompt(const Prompt* prefix) {
  const auto& s = spec<SurveySpec>();
  std::vector<PlayItem> items = prefix ? resolve(*prefix) : std::vector<PlayItem>{};
  auto main = resolve(s.prompt);
  items.insert(items.end(), main.begin(), main.end());
  emit(action::CollectDigits{1, "", s.timeoutMs, 0});
  if (!play(std::move(items), true)) startTimer(s.timeoutMs);
}

void IvrSession::surveyDigit(char digit) {
  const auto& s = spec<SurveySpec>();
  path_.digits(std::string(1, digit));
  if (digit < '1' || digit > '5') {
    surveyRetry(false);
    return;
  }
  int rating = digit - '0';
  setVariable(s.variable, rating);
  emit(action::StoreSurvey{s.question, rating, nowUs()});
  path_.detail("rating", rating);
  state_ = State::Playing;
  afterPlay_ = s.next;
  hangupAfterPlay_ = s.next.empty();
  hangupReason_ = "completed";
  if (!play(resolve(s.thanksPrompt), false)) goTo(s.next, "completed");
}

void IvrSession::surveyRetry(bool timedOut) {
  const auto& s = spec<SurveySpec>();
  ++attempt_;
  path_.append("retries", timedOut ? "timeout" : "invalid");
  if (attempt_ > s.retries) {
    path_.detail("outcome", "no_rating");
    goTo(s.next, "completed");
    return;
  }
  startSurveyPrompt(s.invalidPrompt.empty() ? nullptr : &s.invalidPrompt);
}

// --- voicemail -------------------------------------------------------------

void IvrSession::startRecording() {
  const auto& s = spec<VoicemailSpec>();
  VarScope scope(*this);
  recordingId_ = nextId_++;
  state_ = State::Recording;
  std::string mailbox = s.mailbox.render(scope);
  path_.detail("mailbox", mailbox);
  emit(action::RecordVoicemail{recordingId_, mailbox, s.maxLengthMs, s.beep, s.finishDigits});
  startTimer(s.maxLengthMs);
}

}  // namespace hujiao::ivr
