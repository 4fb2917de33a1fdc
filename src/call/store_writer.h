#pragma once
// StoreWriter: the thread that persists what the control thread decides
// (registrations, blocks, CDRs). The control thread only enqueues messages;
// the writer drains them in order and batches consecutive writes of one kind
// into one transaction.
//
// Threads: enqueue methods from any thread (the control thread in practice);
// the writer thread is internal; start()/stop()/flush() from the owner.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "call/telephony_store.h"

namespace hujiao::call {

class StoreWriter {
 public:
  explicit StoreWriter(TelephonyStore& store) : store_(store) {}
  ~StoreWriter() { stop(); }
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void start();
  /// Writes what is queued, then ends the thread.
  void stop();
  /// Blocks until everything queued so far is written (tests, shutdown).
  void flush();

  void upsertRegistrations(std::vector<sip::Binding> b);
  void deleteRegistrations(std::vector<sip::Binding> b);
  void upsertBlock(sip::BlockedAddress b);
  void deleteBlock(std::string address);
  void insertCdr(Cdr c);

  uint64_t failures() const { return failures_; }
  size_t pending() const;

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
  void push(Msg m);
  void run();
  void write(std::vector<Msg>& batch);

  TelephonyStore& store_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_;
  std::vector<Msg> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  std::thread thread_;
  std::atomic<uint64_t> failures_{0};
};

}  // namespace hujiao::call
