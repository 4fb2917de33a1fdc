#include "core/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace hujiao::core {
namespace {
std::mutex g_mu;
LogOptions g_opts;
spdlog::sink_ptr g_sink;

spdlog::sink_ptr sink() {
  if (!g_sink) {
    if (g_opts.file.empty())
      g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    else
      g_sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(g_opts.file);
    if (g_opts.format == "json")
      // Message text is escaped by callers that log untrusted input (see STYLE.md).
      g_sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
          R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","module":"%n","thread":%t,"msg":"%v"})",
          spdlog::pattern_time_type::utc));
    else
      g_sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
  }
  return g_sink;
}

spdlog::level::level_enum levelFor(const std::string& module) {
  auto it = g_opts.levels.find(module);
  return spdlog::level::from_str(it != g_opts.levels.end() ? it->second : g_opts.level);
}
}  // namespace

void initLogging(const LogOptions& options) {
  std::lock_guard lock(g_mu);
  bool sinkChanged = options.file != g_opts.file || options.format != g_opts.format;
  g_opts = options;
  if (sinkChanged) {
    g_sink.reset();
    spdlog::drop_all();
  }
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(levelFor(l->name())); });
}

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  if (auto l = spdlog::get(module)) return l;
  std::lock_guard lock(g_mu);
  if (auto l = spdlog::get(module)) return l;
  auto l = std::make_shared<spdlog::logger>(module, sink());
  l->set_level(levelFor(module));
  l->flush_on(spdlog::level::warn);
  spdlog::register_logger(l);
  return l;
}

}  // namespace hujiao::core
