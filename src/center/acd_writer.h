#pragma once
// AcdWriter: the thread that persists what the ACD decides on the control
// thread (agent state history, dispositions) and runs the service's other
// store work that must not block the control thread (demo DID seeding). The
// control thread only enqueues; consecutive state rows are written in one
// batch (store::BatchWriter does the threading).
//
// Threads: enqueue methods from any thread; the writer thread is internal;
// start()/stop()/flush() from the owner (main thread, tests).
#include <cstdint>
#include <functional>
#include <variant>
#include <vector>

#include "center/acd_store.h"
#include "store/batch_writer.h"

namespace hujiao::center {

class AcdWriter {
 public:
  using Job = std::function<void(AcdStore&)>;
  explicit AcdWriter(AcdStore& store);
  AcdWriter(const AcdWriter&) = delete;
  AcdWriter& operator=(const AcdWriter&) = delete;

  void start() { writer_.start(); }
  /// Writes what is queued, then ends the thread.
  void stop() { writer_.stop(); }
  /// Blocks until everything queued so far is written.
  void flush() { writer_.flush(); }

  void state(StateRow row) { writer_.push(std::move(row)); }
  void disposition(DispositionRow row) { writer_.push(std::move(row)); }
  /// Any other store work, run in order with the rest.
  void job(Job fn) { writer_.push(std::move(fn)); }

  uint64_t failures() const { return writer_.failures(); }
  uint64_t written() const { return writer_.written(); }
  size_t pending() const { return writer_.pending(); }

 private:
  using Msg = std::variant<StateRow, DispositionRow, Job>;
  void write(std::vector<Msg>& batch, store::BatchWriterCore& core);

  AcdStore& store_;
  store::BatchWriter<Msg> writer_;  // last: its thread stops first
};

}  // namespace hujiao::center
