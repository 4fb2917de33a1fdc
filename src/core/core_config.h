#pragma once
#include "core/config.h"
#include "core/log.h"

namespace hujiao::core {
/// Adds the "node" and "log" sections.
void addCoreConfig(ConfigSchema& schema);
LogOptions logOptionsFrom(const Config& config);
}  // namespace hujiao::core
