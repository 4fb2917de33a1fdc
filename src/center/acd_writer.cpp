#include "center/acd_writer.h"

#include "core/log.h"

namespace hujiao::center {

void AcdWriter::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void AcdWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void AcdWriter::flush() {
  std::unique_lock lock(mu_);
  if (!thread_.joinable()) return;
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void AcdWriter::push(Msg m) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(m));
  }
  cv_.notify_one();
}

void AcdWriter::state(StateRow row) { push(std::move(row)); }
void AcdWriter::disposition(DispositionRow row) { push(std::move(row)); }
void AcdWriter::job(Job fn) { push(std::move(fn)); }

void AcdWriter::run() {
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

void AcdWriter::write(std::vector<Msg>& batch) {
  auto log = core::logger("acd");
  std::vector<StateRow> states;
  auto flushStates = [&] {
    if (states.empty()) return;
    if (auto r = store_.insertStates(states); !r) {
      ++failures_;
      log->error("agent state history: {} rows not written: {}", states.size(), r.error().message);
    } else {
      written_ += states.size();
    }
    states.clear();
  };
  for (auto& m : batch) {
    if (auto* s = std::get_if<StateRow>(&m)) {
      states.push_back(std::move(*s));
      continue;
    }
    flushStates();
    if (auto* d = std::get_if<DispositionRow>(&m)) {
      if (auto r = store_.insertDisposition(*d); !r) {
        ++failures_;
        log->error("disposition of {} not written: {}", d->interactionId, r.error().message);
      } else {
        ++written_;
      }
    } else if (auto* j = std::get_if<Job>(&m)) {
      (*j)(store_);
    }
  }
  flushStates();
}

}  // namespace hujiao::center
