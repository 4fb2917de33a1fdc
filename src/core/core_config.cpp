#include "core/core_config.h"

namespace hujiao::core {

void addCoreConfig(ConfigSchema& s) {
  s.section("node", "This server");
  s.string("node", "name", "hujiao-1", "Node name, shown in logs, metrics and events");
  s.string("node", "data_dir", "var", "Directory for the database, recordings and caches (relative to the working directory)");
  s.boolean("node", "demo_data", true, "Load demo data (departments, users, extensions, flows) into an empty store");
  s.section("log", "Logging");
  s.string("log", "level", "info", "Default log level", {"trace", "debug", "info", "warn", "error", "critical", "off"},
           true);
  s.stringMap("log", "levels", {}, "Per-module levels, e.g. {sip: debug, api: warn}", true);
  s.string("log", "format", "text", "Log line format", {"text", "json"});
  s.string("log", "file", "", "Log file; empty logs to stderr");
}

LogOptions logOptionsFrom(const Config& c) {
  LogOptions o;
  o.level = c.getString("log.level");
  o.levels = c.getStringMap("log.levels");
  o.format = c.getString("log.format");
  o.file = c.getString("log.file");
  return o;
}

}  // namespace hujiao::core
