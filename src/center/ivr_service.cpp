#include "center/ivr_service.h"

namespace hujiao::center {

void IvrService::addConfig(core::ConfigSchema&) {}
std::vector<store::Migration> IvrService::migrations() { return {}; }
IvrService::IvrService(CenterContext& ctx) : ctx_(ctx) { (void)ctx_; }
IvrService::~IvrService() = default;

}  // namespace hujiao::center
