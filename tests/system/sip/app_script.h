#pragma once
// ScriptedApp: a CallAppListener for system tests of the switch's CallControl
// without the IVR/ACD services. It logs every callback (read with events())
// and reacts by a mode chosen per test:
//   idle                 log only; the test drives calls with command()
//   refuse               onAppCall returns false (caller gets 404)
//   hangup-now           hangup() inside onAppCall (re-entrancy)
//   ivr[:EXT]            answer, play a tone, detect digits; digit '#' hangs up
//                        inside the callback (then tries play: must fail cleanly),
//                        '*' connects EXT
//   connect:EXT[:auto][:handoff][:noanswer][:timeout=MS]
//                        (answer unless noanswer,) ringback, connect EXT; on a
//                        failed connect the customer stays and hears a busy tone
// Screening: rules set by command ("screen reject|flow|clear NUMBER").
//
// Threads: the listener callbacks and command() on the CONTROL thread;
// events() from any thread.
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "call/call_app.h"

namespace hujiao::testing {

class ScriptedApp final : public call::CallAppListener {
 public:
  explicit ScriptedApp(std::string mode) : mode_(std::move(mode)) {}
  void attach(call::CallControl& cc) {
    cc_ = &cc;
    cc.setAppListener(this);
  }
  /// Control thread: one command, split in words (see sip_testd's "app" command).
  nlohmann::json command(const std::vector<std::string>& args);
  /// Any thread: everything logged so far.
  nlohmann::json events();

  bool onAppCall(const call::AppCallInfo& info) override;
  call::ScreenDecision screenInbound(const call::AppCallInfo& info) override;
  void onCallAnswered(const call::AnsweredCall& call) override;
  void onAppDigit(const std::string& callId, char digit, int durationMs) override;
  void onAppPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) override;
  void onAppRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                             int64_t recordedMs) override;
  void onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& result) override;
  void onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) override;
  void onAppCallEnded(const std::string& callId, const std::string& cause, const std::string& side) override;
  void onSupervisionEnded(const std::string& callId, uint64_t supervisionId, const std::string& cause) override;

 private:
  void log(nlohmann::json e);
  std::string callOf(const std::string& word) const { return word == "last" ? last_ : word; }
  bool has(const std::string& option) const;
  std::string option(const std::string& prefix) const;
  nlohmann::json connectFrom(const std::string& callId, const std::vector<std::string>& words);

  call::CallControl* cc_ = nullptr;
  std::string mode_;
  std::string last_;
  std::set<std::string> rejectNumbers_;
  std::set<std::string> flowNumbers_;
  std::set<std::string> ended_;
  std::mutex mu_;
  nlohmann::json events_ = nlohmann::json::array();
  uint64_t nextRequest_ = 1;
};

}  // namespace hujiao::testing
