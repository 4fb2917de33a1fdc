#pragma once
// What IVR calls leave behind (paths, voicemails, call-back requests, survey
// answers) goes to the store from here, never from the control thread.
//
// IvrRecordSink is the control thread's view (tests capture it); IvrWriter is
// the real one: a thread that drains a queue into IvrStore.
//
// Threads: the sink methods from any thread (the control thread in practice);
// IvrWriter's own thread writes; start()/stop()/flush() from the owner.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "center/ivr_store.h"

namespace hujiao::center {

class IvrRecordSink {
 public:
  virtual ~IvrRecordSink() = default;
  virtual void storePath(PathRow p) = 0;
  virtual void storeVoicemail(VoicemailRow v) = 0;
  virtual void storeCallback(CallbackRow c) = 0;
  virtual void storeSurvey(SurveyRow s) = 0;
};

class IvrWriter final : public IvrRecordSink {
 public:
  explicit IvrWriter(IvrStore& store) : store_(store) {}
  ~IvrWriter() override { stop(); }
  IvrWriter(const IvrWriter&) = delete;
  IvrWriter& operator=(const IvrWriter&) = delete;

  void start();
  /// Writes what is queued, then ends the thread.
  void stop();
  /// Blocks until everything queued so far is written.
  void flush();

  void storePath(PathRow p) override { push(std::move(p)); }
  void storeVoicemail(VoicemailRow v) override { push(std::move(v)); }
  void storeCallback(CallbackRow c) override { push(std::move(c)); }
  void storeSurvey(SurveyRow s) override { push(std::move(s)); }

  uint64_t failures() const { return failures_; }

 private:
  using Msg = std::variant<PathRow, VoicemailRow, CallbackRow, SurveyRow>;
  void push(Msg m);
  void run();

  IvrStore& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_;
  std::vector<Msg> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  std::thread thread_;
  std::atomic<uint64_t> failures_{0};
};

}  // namespace hujiao::center
