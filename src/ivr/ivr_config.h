#pragma once
// The "ivr" configuration section. Read at start-up / reload (any thread that
// owns the Config).
#include <string>

#include "ivr/blacklist.h"

namespace hujiao::core {
class ConfigSchema;
class Config;
}  // namespace hujiao::core

namespace hujiao::ivr {

void addIvrConfig(core::ConfigSchema& schema);
BlacklistPolicy blacklistPolicyFrom(const core::Config& config);
/// Directory of flow files loaded at start (empty = none).
std::string flowsDirFrom(const core::Config& config);

}  // namespace hujiao::ivr
