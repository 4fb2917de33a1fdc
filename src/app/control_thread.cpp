#include "app/control_thread.h"

#include <poll.h>

#include "core/clock.h"

namespace hujiao::app {

ControlThread::~ControlThread() { stop(); }

void ControlThread::start(Runner runner) {
  if (!runner) runner = &ControlThread::defaultLoop;
  thread_ = std::thread([this, runner = std::move(runner)] {
    runner(queue_, [this] { return stop_.load(); });
  });
}

void ControlThread::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  queue_.post([] {});  // wake the loop so it sees the flag
  thread_.join();
}

void ControlThread::probeLag() {
  int64_t posted = core::SystemClock::instance().monoUs();
  queue_.post([this, posted] { lagUs_ = core::SystemClock::instance().monoUs() - posted; });
}

void ControlThread::defaultLoop(core::TaskQueue& queue, const std::function<bool()>& stopRequested) {
  pollfd pfd{queue.fd(), POLLIN, 0};
  while (!stopRequested()) {
    int n = ::poll(&pfd, 1, 500);
    if (n > 0) queue.runPending();
  }
  queue.runPending();
}

}  // namespace hujiao::app
