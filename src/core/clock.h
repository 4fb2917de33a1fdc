#pragma once
// Clocks. Domain logic (ACD, IVR, timers) takes a Clock& so tests can drive it
// with VirtualClock; production uses SystemClock.
#include <atomic>
#include <cstdint>

namespace hujiao::core {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Wall-clock time, UTC microseconds since the Unix epoch (what is stored).
  virtual int64_t nowUs() const = 0;
  /// Monotonic microseconds (for durations and timers); unrelated to wall time.
  virtual int64_t monoUs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t nowUs() const override;
  int64_t monoUs() const override;
  static SystemClock& instance();
};

/// A clock that only moves when told to. Thread-safe reads.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(int64_t startUs = 1'700'000'000'000'000) : now_(startUs), mono_(0) {}
  int64_t nowUs() const override { return now_.load(); }
  int64_t monoUs() const override { return mono_.load(); }
  void advanceUs(int64_t us) {
    now_ += us;
    mono_ += us;
  }
  void advanceMs(int64_t ms) { advanceUs(ms * 1000); }

 private:
  std::atomic<int64_t> now_;
  std::atomic<int64_t> mono_;
};

}  // namespace hujiao::core
