#pragma once
// Wiring of the planes: what hujiaod starts, in which order, and how it stops.
//
// Threads: every method runs on the main thread, which afterwards only waits
// for signals (SIGTERM/SIGINT stop, SIGHUP reloads).
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/config.h"

namespace hujiao::app {

/// Every module's configuration keys.
core::ConfigSchema buildSchema();

struct DaemonOptions {
  std::optional<std::string> configPath;  // --config
  std::map<std::string, std::string> env;
};

/// Loads the config (file + env) or throws core::ConfigError naming key and line.
core::Config loadConfig(const core::ConfigSchema& schema, const DaemonOptions& options);

/// Runs the daemon until SIGTERM/SIGINT; returns the process exit code.
int runDaemon(const DaemonOptions& options);

}  // namespace hujiao::app
