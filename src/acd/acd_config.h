#pragma once
// The "acd" config section: process-wide ACD options. Queues, agents and
// memberships are data (the store), not config.
// Threads: start-up / reload thread; the result is copied into the Acd.
#include "acd/acd.h"

namespace hujiao::core {
class Config;
class ConfigSchema;
}  // namespace hujiao::core

namespace hujiao::acd {

void addAcdConfig(core::ConfigSchema &schema);
AcdOptions acdOptionsFrom(const core::Config &config);

}  // namespace hujiao::acd
