#pragma once
// IvrNoticeBoard: the emergency-notice switches flows read (ivr::NoticeBoard).
// The API replaces the whole set (an immutable map swapped atomically), so the
// control thread reads a notice with one atomic load and never waits.
//
// Threads: replace() on the service plane; activeNotice() from any thread.
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ivr/session.h"

namespace hujiao::center {

class IvrNoticeBoard final : public ivr::NoticeBoard {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;  // active notices: id -> text ("" = flow's prompt)

  void replace(Map active) { map_.store(std::make_shared<const Map>(std::move(active)), std::memory_order_release); }

  std::optional<std::string> activeNotice(std::string_view id) const override {
    auto m = map_.load(std::memory_order_acquire);
    auto it = m->find(id);
    if (it == m->end()) return std::nullopt;
    return it->second;
  }

 private:
  std::atomic<std::shared_ptr<const Map>> map_{std::make_shared<const Map>()};
};

}  // namespace hujiao::center
