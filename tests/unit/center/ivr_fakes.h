#pragma once
// Fakes for the IVR call-runner tests: a CallControl that records every
// command, a sink that captures what would be stored, a queue handoff.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "call/call_app.h"
#include "center/ivr_writer.h"
#include "center/queue_handoff.h"

namespace hujiao::center::test {

class FakeCallControl final : public call::CallControl {
 public:
  struct Cmd {
    std::string name;
    std::string callId;
    media::PlayRequest play;
    media::RecordingOptions recording;
    call::ConnectRequest connect;
    std::string cause;
    int sipCode = 0;
  };
  static Cmd cmd(const char* name, const std::string& id) {
    Cmd c;
    c.name = name;
    c.callId = id;
    return c;
  }
  std::vector<Cmd> cmds;
  std::map<std::string, core::Error> failures;  // command name -> error to return
  uint64_t nextConnect = 100;

  void setAppListener(call::CallAppListener*) override {}
  core::Result<void> answer(const std::string& id) override { return rec(cmd("answer", id)); }
  core::Result<void> earlyMedia(const std::string& id) override { return rec(cmd("early_media", id)); }
  core::Result<void> play(const std::string& id, const media::PlayRequest& r) override {
    Cmd c = cmd("play", id);
    c.play = r;
    return rec(c);
  }
  core::Result<void> stopPlay(const std::string& id) override { return rec(cmd("stop_play", id)); }
  // Kept apart from `cmds` (the flow's own commands): call id -> detection on/off.
  std::map<std::string, bool> digitDetection;
  core::Result<void> detectDigits(const std::string& id, bool on) override {
    digitDetection[id] = on;
    return {};
  }
  core::Result<void> startRecording(const std::string& id, const media::RecordingOptions& o) override {
    Cmd c = cmd("start_recording", id);
    c.recording = o;
    return rec(c);
  }
  core::Result<void> pauseRecording(const std::string& id) override { return rec(cmd("pause_recording", id)); }
  core::Result<void> resumeRecording(const std::string& id) override { return rec(cmd("resume_recording", id)); }
  core::Result<void> stopRecording(const std::string& id) override { return rec(cmd("stop_recording", id)); }
  core::Result<uint64_t> connect(const std::string& id, const call::ConnectRequest& r) override {
    Cmd c = cmd("connect", id);
    c.connect = r;
    if (auto f = failures.find("connect"); f != failures.end()) return f->second;
    cmds.push_back(c);
    return nextConnect++;
  }
  core::Result<void> disconnect(const std::string& id, uint64_t) override { return rec(cmd("disconnect", id)); }
  core::Result<void> hold(const std::string& id, bool, const media::PlayRequest&) override {
    return rec(cmd("hold", id));
  }
  core::Result<void> sendDigits(const std::string& id, const std::string&) override { return rec(cmd("send_digits", id)); }
  core::Result<uint64_t> consult(const std::string&, const call::ConnectRequest&, const media::PlayRequest&) override {
    return core::makeError("not_supported", "fake");
  }
  core::Result<void> completeConsult(const std::string&, bool, bool) override {
    return core::makeError("not_supported", "fake");
  }
  core::Result<uint64_t> supervise(const std::string&, const std::string&, media::SuperviseMode) override {
    return core::makeError("not_supported", "fake");
  }
  core::Result<void> setSuperviseMode(uint64_t, media::SuperviseMode) override { return {}; }
  core::Result<void> stopSupervising(uint64_t) override { return {}; }
  core::Result<void> hangup(const std::string& id, const std::string& cause, int sipCode) override {
    Cmd c = cmd("hangup", id);
    c.cause = cause;
    c.sipCode = sipCode;
    return rec(c);
  }

  /// Commands with this name, in order.
  std::vector<Cmd> named(const std::string& name) const {
    std::vector<Cmd> out;
    for (const auto& c : cmds)
      if (c.name == name) out.push_back(c);
    return out;
  }
  const Cmd* lastPlay() const {
    for (auto it = cmds.rbegin(); it != cmds.rend(); ++it)
      if (it->name == "play") return &*it;
    return nullptr;
  }
  /// The text of every TTS item played so far.
  std::vector<std::string> spoken() const {
    std::vector<std::string> out;
    for (const auto& c : cmds)
      if (c.name == "play")
        for (const auto& i : c.play.items)
          if (i.kind == media::PlayItem::Kind::Tts) out.push_back(i.voice + ":" + i.text);
    return out;
  }

 private:
  core::Result<void> rec(Cmd c) {
    if (auto f = failures.find(c.name); f != failures.end()) return f->second;
    cmds.push_back(std::move(c));
    return {};
  }
};

class CapturingSink final : public IvrRecordSink {
 public:
  void storePath(PathRow p) override { paths.push_back(std::move(p)); }
  void storeVoicemail(VoicemailRow v) override { voicemails.push_back(std::move(v)); }
  void storeCallback(CallbackRow c) override { callbacks.push_back(std::move(c)); }
  void storeSurvey(SurveyRow s) override { surveys.push_back(std::move(s)); }
  std::vector<PathRow> paths;
  std::vector<VoicemailRow> voicemails;
  std::vector<CallbackRow> callbacks;
  std::vector<SurveyRow> surveys;
};

class FakeQueues final : public QueueHandoff {
 public:
  bool enqueueCall(const QueueEntry& entry, std::function<void(const QueueOutcome&)> done) override {
    if (entry.queueId == "missing") return false;
    entries.push_back(entry);
    this->done = std::move(done);
    return true;
  }
  std::vector<QueueEntry> entries;
  std::function<void(const QueueOutcome&)> done;
};

}  // namespace hujiao::center::test
