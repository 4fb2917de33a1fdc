#include "center/acd_service.h"

namespace hujiao::center {

void AcdService::addConfig(core::ConfigSchema&) {}
std::vector<store::Migration> AcdService::migrations() { return {}; }
AcdService::AcdService(CenterContext& ctx) : ctx_(ctx) { (void)ctx_; }
AcdService::~AcdService() = default;

}  // namespace hujiao::center
