#include "call/store_writer.h"

#include "core/log.h"

namespace hujiao::call {

void StoreWriter::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void StoreWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void StoreWriter::flush() {
  std::unique_lock lock(mu_);
  if (!thread_.joinable()) return;
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

size_t StoreWriter::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void StoreWriter::push(Msg m) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(m));
  }
  cv_.notify_one();
}

void StoreWriter::upsertRegistrations(std::vector<sip::Binding> b) {
  if (!b.empty()) push(UpsertReg{std::move(b)});
}
void StoreWriter::deleteRegistrations(std::vector<sip::Binding> b) {
  if (!b.empty()) push(DeleteReg{std::move(b)});
}
void StoreWriter::upsertBlock(sip::BlockedAddress b) { push(UpsertBlock{std::move(b)}); }
void StoreWriter::deleteBlock(std::string address) { push(DeleteBlock{std::move(address)}); }
void StoreWriter::insertCdr(Cdr c) { push(std::move(c)); }

void StoreWriter::run() {
  std::vector<Msg> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      busy_ = false;
      idle_.notify_all();
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
      busy_ = true;
    }
    write(batch);
    batch.clear();
  }
}

void StoreWriter::write(std::vector<Msg>& batch) {
  auto log = core::logger("call");
  auto check = [&](const core::Result<void>& r, const char* what) {
    if (!r) {
      ++failures_;
      log->error("store writer: {} failed: {} {}", what, r.error().code, r.error().message);
    }
  };
  // Consecutive messages of one kind go to the store as one batch; order
  // between kinds is kept (a delete after an upsert of the same binding).
  size_t i = 0;
  while (i < batch.size()) {
    const size_t kind = batch[i].index();
    size_t j = i;
    if (kind == 0 || kind == 1) {
      std::vector<sip::Binding> all;
      while (j < batch.size() && batch[j].index() == kind) {
        auto& v = kind == 0 ? std::get<UpsertReg>(batch[j]).b : std::get<DeleteReg>(batch[j]).b;
        all.insert(all.end(), v.begin(), v.end());
        ++j;
      }
      check(kind == 0 ? store_.upsertRegistrations(all) : store_.deleteRegistrations(all), "registrations");
    } else if (kind == 4) {
      std::vector<Cdr> cdrs;
      while (j < batch.size() && batch[j].index() == kind) cdrs.push_back(std::move(std::get<Cdr>(batch[j++])));
      check(store_.insertCdrs(cdrs), "cdrs");
    } else if (kind == 2) {
      check(store_.upsertBlock(std::get<UpsertBlock>(batch[j++]).b), "block");
    } else {
      check(store_.deleteBlock(std::get<DeleteBlock>(batch[j++]).address), "unblock");
    }
    i = j;
  }
}

}  // namespace hujiao::call
