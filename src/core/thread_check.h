#pragma once
// Thread ownership checks (Seastar/Envoy habit): a class that belongs to one
// thread holds a ThreadOwner and asserts on entry. Compiled out with NDEBUG.
#include <cassert>
#include <thread>

namespace hujiao::core {

class ThreadOwner {
 public:
  /// Binds to the calling thread; rebind() when ownership moves at start-up.
  ThreadOwner() : id_(std::this_thread::get_id()) {}
  void rebind() { id_ = std::this_thread::get_id(); }
  bool isOwner() const { return std::this_thread::get_id() == id_; }
  void assertOwner() const { assert(isOwner() && "called from the wrong thread"); }

 private:
  std::thread::id id_;
};

}  // namespace hujiao::core
