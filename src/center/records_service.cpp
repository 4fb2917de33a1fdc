#include "center/records_service.h"

namespace hujiao::center {

void RecordsService::addConfig(core::ConfigSchema&) {}
std::vector<store::Migration> RecordsService::migrations() { return {}; }
RecordsService::RecordsService(CenterContext& ctx) : ctx_(ctx) { (void)ctx_; }
RecordsService::~RecordsService() = default;

}  // namespace hujiao::center
