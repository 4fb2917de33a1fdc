#include "center/ivr_writer.h"

#include "core/log.h"

namespace hujiao::center {

void IvrWriter::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void IvrWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void IvrWriter::flush() {
  std::unique_lock lock(mu_);
  if (!thread_.joinable()) return;
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void IvrWriter::push(Msg m) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(m));
  }
  cv_.notify_one();
}

void IvrWriter::run() {
  auto log = core::logger("ivr");
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
    for (auto& m : batch) {
      core::Result<void> r = std::visit(
          [this](auto& row) -> core::Result<void> {
            using T = std::decay_t<decltype(row)>;
            if constexpr (std::is_same_v<T, PathRow>) return store_.insertPath(row);
            else if constexpr (std::is_same_v<T, VoicemailRow>) return store_.insertVoicemail(row);
            else if constexpr (std::is_same_v<T, CallbackRow>) return store_.insertCallback(row);
            else return store_.insertSurvey(row);
          },
          m);
      if (!r) {
        ++failures_;
        log->error("ivr writer: {} {}", r.error().code, r.error().message);
      }
    }
    batch.clear();
  }
}

}  // namespace hujiao::center
