#pragma once
// IvrSession: one call's walk through a flow. Event-driven and single-threaded
// (control thread): the adapter feeds it events and carries out the actions it
// returns (ivr_actions.h). It holds the Flow version it started on.
//
// Exit reasons (PathRecord "exit.reason"):
//   hangup_in_ivr  the caller hung up in the IVR
//   completed      the flow ended the call (hangup node, menu/input gave up)
//   queued         the caller hung up while waiting in an ACD queue
//   agent          an agent answered (whatever happened afterwards)
//   transferred    transferred to an extension or external number
//   overflow       the queue overflowed into another flow, which took the call over
//   voicemail      a voicemail was recorded
//   error          the flow could not go on (e.g. a transfer to an unknown flow)
//   runaway        the max node visits guard stopped the call
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "ivr/flow.h"
#include "ivr/ivr_actions.h"
#include "ivr/path_record.h"

namespace hujiao::ivr {

class FlowSource;

/// Emergency announcements, switched on and off by API. The session reads it
/// on the control thread when a notice node is entered: implementations keep
/// an immutable snapshot (or are only written on the control thread).
class NoticeBoard {
 public:
  /// nullopt: the notice is off. A value: it is on; a non-empty text is
  /// spoken (TTS) instead of the node's prompt.
  virtual std::optional<std::string> activeNotice(std::string_view noticeId) const = 0;

 protected:
  ~NoticeBoard() = default;
};

struct SessionContext {
  std::string callId;
  std::string caller;
  std::string called;
  Value customer = Value::object();   // CRM attributes, read as customer.<name> (e.g. vip_level)
  Value variables = Value::object();  // extra initial variables (override the flow's)
  std::string language;               // empty = the flow's default
};

struct SessionDeps {
  const core::Clock* clock = nullptr;        // required
  const NoticeBoard* notices = nullptr;      // none: every notice is off
  const FlowSource* flows = nullptr;         // none: transfers to flows fail
  int maxInstantSteps = 1000;  // nodes run back to back without waiting for an event
};

class IvrSession {
 public:
  /// flow and deps.clock must not be null.
  IvrSession(std::shared_ptr<const Flow> flow, SessionContext context, SessionDeps deps);

  /// Feeds one event; returns the actions to carry out, in order.
  std::vector<Action> handle(const Event& event);

  bool finished() const { return state_ == State::Done; }
  const Flow& flow() const { return *flow_; }
  const std::string& language() const { return language_; }
  const Value& variables() const { return vars_; }
  /// The node the session is in (or ended in).
  const std::string& currentNode() const { return nodeId_; }
  const PathRecord& path() const { return path_; }
  nlohmann::json pathJson() const { return path_.toJson(); }

 private:
  enum class State {
    Idle, Playing, Menu, Input, Survey, Http, Queue, Agent, Transfer, VoicemailPrompt, Recording, RecordingStop, Done
  };
  class VarScope;
  friend class VarScope;

  // Event handlers.
  void onStarted();
  void onPromptDone(uint64_t playId);
  void onDigit(char digit);
  void onTimer(uint64_t timerId);
  void onHttpResult(const event::HttpResult& r);
  void onQueueResult(const event::QueueResult& r);
  void onTransferResult(const event::TransferResult& r);
  void onRecordingDone(const event::RecordingDone& r);
  void onHangup();

  // Running nodes (session_nodes.cpp).
  void drive();
  void enterNode(const std::string& id);
  void goTo(const std::string& target, const char* reasonIfEmpty);
  void runSet(const SetSpec& s);
  void runBranch(const BranchSpec& s);
  void runSchedule(const ScheduleSpec& s);
  void runHttp(const HttpSpec& s);
  void runQueue(const QueueSpec& s);
  void runTransfer(const TransferSpec& s);
  void runLanguage(const LanguageSpec& s);
  void runNotice(const NoticeSpec& s);
  void startMenuPrompt(const Prompt* prefix);
  void menuDigit(char digit);
  void menuRetry(bool timedOut);
  void startInputPrompt(const Prompt* prefix);
  void inputDigit(char digit);
  void finishInput();
  void inputRetry(bool timedOut);
  void startSurveyPrompt(const Prompt* prefix);
  void surveyDigit(char digit);
  void surveyRetry(bool timedOut);
  void startRecording();
  void httpFallback(const std::string& outcome);

  // Helpers.
  void emit(Action a) { out_->push_back(std::move(a)); }
  std::vector<PlayItem> resolve(const Prompt& prompt) const;
  /// Emits Play; false (and nothing emitted) when there is nothing to play.
  bool play(std::vector<PlayItem> items, bool bargeIn);
  void stopPlay();
  void startTimer(int64_t ms);
  void cancelTimer();
  void setVariable(const std::string& name, Value value);
  /// Ends the call from the flow: stops what runs, emits Hangup.
  void endCall(const std::string& exitReason, const std::string& detail);
  /// Marks the session done without a Hangup action (the call is gone or handed off).
  void finish(const std::string& exitReason, const std::string& detail);
  const Node& node() const { return *node_; }
  template <class S>
  const S& spec() const {
    return std::get<S>(node_->spec);
  }
  int64_t nowUs() const { return deps_.clock->nowUs(); }

  std::shared_ptr<const Flow> flow_;
  SessionContext ctx_;
  SessionDeps deps_;
  std::string language_;
  Value vars_;
  PathRecord path_;

  State state_ = State::Idle;
  const Node* node_ = nullptr;
  std::string nodeId_;
  std::optional<std::string> next_;  // the node to enter once the current one returns
  std::vector<Action>* out_ = nullptr;

  uint64_t nextId_ = 1;
  uint64_t playId_ = 0;   // the play in progress (0 = none)
  uint64_t timerId_ = 0;  // the timer in progress (0 = none)
  uint64_t httpId_ = 0;
  uint64_t recordingId_ = 0;
  int64_t httpStartMono_ = 0;
  int attempt_ = 0;
  std::string digits_;     // input being collected
  std::string typeahead_;  // digits that stopped a barge-in prompt, for the next menu/input
  std::string afterPlay_;  // Playing: node to go to when the prompt ends
  bool hangupAfterPlay_ = false;
  std::string hangupReason_;
  std::string stickyExit_;  // "agent" / "voicemail": outranks how the call later ends
  int visits_ = 0;
  int instantSteps_ = 0;
};

}  // namespace hujiao::ivr
