#include "sip/auth_blocker.h"

#include <algorithm>

namespace hujiao::sip {

std::optional<BlockedAddress> AuthBlocker::recordFailure(const std::string& address, int64_t nowUs) {
  if (isBlocked(address, nowUs)) return std::nullopt;
  auto& q = failures_[address];
  q.push_back(nowUs);
  while (!q.empty() && nowUs - q.front() > windowUs_) q.pop_front();
  if (static_cast<int64_t>(q.size()) < threshold_) return std::nullopt;
  BlockedAddress b{address, nowUs, nowUs + durationUs_, static_cast<int64_t>(q.size())};
  failures_.erase(address);
  blocked_[address] = b;
  return b;
}

bool AuthBlocker::isBlocked(const std::string& address, int64_t nowUs) const {
  auto it = blocked_.find(address);
  return it != blocked_.end() && it->second.untilUs > nowUs;
}

bool AuthBlocker::unblock(const std::string& address) {
  failures_.erase(address);
  return blocked_.erase(address) > 0;
}

std::vector<BlockedAddress> AuthBlocker::list(int64_t nowUs) const {
  std::vector<BlockedAddress> out;
  for (const auto& [addr, b] : blocked_) {
    if (b.untilUs > nowUs) out.push_back(b);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
  return out;
}

std::vector<std::string> AuthBlocker::purge(int64_t nowUs) {
  std::vector<std::string> gone;
  for (auto it = blocked_.begin(); it != blocked_.end();) {
    if (it->second.untilUs <= nowUs) {
      gone.push_back(it->first);
      it = blocked_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || nowUs - it->second.back() > windowUs_) {
      it = failures_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

}  // namespace hujiao::sip
