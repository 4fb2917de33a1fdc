#pragma once
// StoreWriter: the thread that persists what the control thread decides
// (registrations, blocks, CDRs). The control thread only enqueues messages;
// the writer (store::BatchWriter) drains them in order and batches
// consecutive writes of one kind into one store call (one transaction).
//
// Threads: enqueue methods from any thread (the control thread in practice);
// the writer thread is internal; start()/stop()/flush() from the owner.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "call/telephony_store.h"
#include "store/batch_writer.h"

namespace hujiao::call {

class StoreWriter {
 public:
  explicit StoreWriter(TelephonyStore& store);
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void start() { writer_.start(); }
  /// Writes what is queued, then ends the thread.
  void stop() { writer_.stop(); }
  /// Blocks until everything queued so far is written (tests, shutdown).
  void flush() { writer_.flush(); }

  void upsertRegistrations(std::vector<sip::Binding> b);
  void deleteRegistrations(std::vector<sip::Binding> b);
  void upsertBlock(sip::BlockedAddress b);
  void deleteBlock(std::string address);
  void insertCdr(Cdr c);

  uint64_t failures() const { return writer_.failures(); }
  size_t pending() const { return writer_.pending(); }

 private:
  struct UpsertReg {
    std::vector<sip::Binding> b;
  };
  struct DeleteReg {
    std::vector<sip::Binding> b;
  };
  struct UpsertBlock {
    sip::BlockedAddress b;
  };
  struct DeleteBlock {
    std::string address;
  };
  using Msg = std::variant<UpsertReg, DeleteReg, UpsertBlock, DeleteBlock, Cdr>;
  void write(std::vector<Msg>& batch, store::BatchWriterCore& core);

  TelephonyStore& store_;
  store::BatchWriter<Msg> writer_;  // last: its thread stops first
};

}  // namespace hujiao::call
