#pragma once
// Failed-authentication blocking per source address: `threshold` failures
// inside `window` block the address for `duration`.
//
// Threads: control thread only (plain containers, no locks).
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace hujiao::sip {

struct BlockedAddress {
  std::string address;
  int64_t blockedAtUs = 0;  // wall clock
  int64_t untilUs = 0;
  int64_t failures = 0;     // failures that triggered the block
};

class AuthBlocker {
 public:
  AuthBlocker(int64_t threshold, int64_t windowUs, int64_t durationUs)
      : threshold_(threshold), windowUs_(windowUs), durationUs_(durationUs) {}

  /// Records a failure; returns the new block when this failure caused one.
  std::optional<BlockedAddress> recordFailure(const std::string& address, int64_t nowUs);
  /// A success forgets earlier failures of the address.
  void recordSuccess(const std::string& address) { failures_.erase(address); }
  bool isBlocked(const std::string& address, int64_t nowUs) const;
  /// True when the address was blocked.
  bool unblock(const std::string& address);
  /// Restores a block loaded from the store.
  void restore(const BlockedAddress& b) { blocked_[b.address] = b; }
  std::vector<BlockedAddress> list(int64_t nowUs) const;
  /// Drops expired blocks and stale failure counts; returns addresses unblocked.
  std::vector<std::string> purge(int64_t nowUs);

 private:
  int64_t threshold_;
  int64_t windowUs_;
  int64_t durationUs_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;
  std::unordered_map<std::string, BlockedAddress> blocked_;
};

}  // namespace hujiao::sip
