#pragma once
// What IVR calls leave behind (paths, voicemails, call-back requests, survey
// answers) goes to the store from here, never from the control thread.
//
// IvrRecordSink is the control thread's view (tests capture it); IvrWriter is
// the real one: a store::BatchWriter thread that drains a queue into IvrStore.
//
// Threads: the sink methods from any thread (the control thread in practice);
// IvrWriter's own thread writes; start()/stop()/flush() from the owner.
#include <cstdint>
#include <variant>
#include <vector>

#include "center/ivr_store.h"
#include "store/batch_writer.h"

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
  explicit IvrWriter(IvrStore& store);
  IvrWriter(const IvrWriter&) = delete;
  IvrWriter& operator=(const IvrWriter&) = delete;

  void start() { writer_.start(); }
  /// Writes what is queued, then ends the thread.
  void stop() { writer_.stop(); }
  /// Blocks until everything queued so far is written.
  void flush() { writer_.flush(); }

  void storePath(PathRow p) override { writer_.push(std::move(p)); }
  void storeVoicemail(VoicemailRow v) override { writer_.push(std::move(v)); }
  void storeCallback(CallbackRow c) override { writer_.push(std::move(c)); }
  void storeSurvey(SurveyRow s) override { writer_.push(std::move(s)); }

  uint64_t failures() const { return writer_.failures(); }
  size_t pending() const { return writer_.pending(); }

 private:
  using Msg = std::variant<PathRow, VoicemailRow, CallbackRow, SurveyRow>;
  void write(std::vector<Msg>& batch, store::BatchWriterCore& core);

  IvrStore& store_;
  store::BatchWriter<Msg> writer_;  // last: its thread stops first
};

}  // namespace hujiao::center
