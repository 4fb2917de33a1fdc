#pragma once
// Logging on spdlog: one named logger per module ("sip", "media", "api", ...),
// levels per module from config (log.level, log.levels), plain text or JSON lines.
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string>

namespace hujiao::core {

struct LogOptions {
  std::string level = "info";                  // default level for every module
  std::map<std::string, std::string> levels;   // per-module overrides
  std::string format = "text";                 // "text" or "json"
  std::string file;                            // empty: stderr
};

/// Configure sinks and levels; may be called again on SIGHUP (levels change in place).
void initLogging(const LogOptions& options);
/// The logger of a module; created on first use with the configured sinks and level.
std::shared_ptr<spdlog::logger> logger(const std::string& module);

}  // namespace hujiao::core
