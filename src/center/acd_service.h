#pragma once
// AcdService: queues, agents, voice interactions and the CTI (issue 6).
// SKELETON written by the lead: the helper that owns acd_* replaces it.
//
// Threads: constructed on the main thread; attach()/tick() and everything live
// on the control thread; API methods (added by the owner) on HTTP pool threads.
#include <vector>

#include "center/center_service.h"
#include "core/config.h"
#include "store/db.h"

namespace hujiao::center {

class AcdService final : public CenterService {
 public:
  /// This service's config sections.
  static void addConfig(core::ConfigSchema& schema);
  /// This service's schema changes (its modules' version ranges).
  static std::vector<store::Migration> migrations();

  explicit AcdService(CenterContext& ctx);
  ~AcdService() override;

 private:
  CenterContext& ctx_;
};

}  // namespace hujiao::center
