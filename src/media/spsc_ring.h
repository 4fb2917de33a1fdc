#pragma once
// Bounded lock-free single-producer single-consumer ring. Slots are
// pre-constructed; push() move-assigns into a slot, pop() moves out of it, so
// the only allocation is at construction. Exactly one producer thread and one
// consumer thread.
#include <atomic>
#include <cstddef>
#include <memory>
#include <new>

namespace hujiao::media {

template <class T>
class SpscRing {
 public:
  explicit SpscRing(size_t capacityPow2) : mask_(capacityPow2 - 1), slots_(new T[capacityPow2]) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  /// Producer. False when full (the value is left untouched).
  bool push(T&& v) {
    size_t h = head_.load(std::memory_order_relaxed);
    if (h - tail_.load(std::memory_order_acquire) > mask_) return false;
    slots_[h & mask_] = std::move(v);
    head_.store(h + 1, std::memory_order_release);
    return true;
  }
  /// Consumer. False when empty.
  bool pop(T& out) {
    size_t t = tail_.load(std::memory_order_relaxed);
    if (t == head_.load(std::memory_order_acquire)) return false;
    out = std::move(slots_[t & mask_]);
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  /// Consumer: peek at the front without removing it; nullptr when empty.
  T* front() {
    size_t t = tail_.load(std::memory_order_relaxed);
    if (t == head_.load(std::memory_order_acquire)) return nullptr;
    return &slots_[t & mask_];
  }
  void popFront() { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
  size_t size() const { return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire); }
  size_t capacity() const { return mask_ + 1; }

 private:
  const size_t mask_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace hujiao::media
