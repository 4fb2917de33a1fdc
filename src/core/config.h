#pragma once
// Configuration: a schema of typed keys (each module adds its own section),
// loaded from YAML, overridden by HUJIAO_<SECTION>_<KEY> environment variables.
// Every key has a default, so no file is needed. Errors name the key and line.
//
// Threads: build the schema and load at start-up (or on SIGHUP, on the thread
// that handles it); a loaded Config is immutable and may be read from any thread.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace hujiao::core {

enum class ConfigType { Bool, Int, Double, String, StringList, StringMap };

using ConfigValue = std::variant<bool, int64_t, double, std::string, std::vector<std::string>,
                                 std::map<std::string, std::string>>;

struct ConfigKey {
  std::string section;  // "http"
  std::string name;     // "port"
  ConfigType type = ConfigType::String;
  ConfigValue defaultValue;
  std::string comment;  // one line, printed by --print-default-config
  std::optional<double> min;  // for Int/Double
  std::optional<double> max;
  std::vector<std::string> choices;  // for String: allowed values, empty = any
  bool reloadable = false;           // SIGHUP applies it without a restart
};

class ConfigSchema {
 public:
  void section(const std::string& name, const std::string& comment);
  ConfigSchema& add(ConfigKey key);
  // Shorthands.
  ConfigSchema& boolean(const std::string& section, const std::string& name, bool def, const std::string& comment,
                        bool reloadable = false);
  ConfigSchema& integer(const std::string& section, const std::string& name, int64_t def, int64_t min, int64_t max,
                        const std::string& comment, bool reloadable = false);
  ConfigSchema& real(const std::string& section, const std::string& name, double def, double min, double max,
                     const std::string& comment, bool reloadable = false);
  ConfigSchema& string(const std::string& section, const std::string& name, const std::string& def,
                       const std::string& comment, std::vector<std::string> choices = {}, bool reloadable = false);
  ConfigSchema& stringList(const std::string& section, const std::string& name, std::vector<std::string> def,
                           const std::string& comment, bool reloadable = false);
  ConfigSchema& stringMap(const std::string& section, const std::string& name,
                          std::map<std::string, std::string> def, const std::string& comment,
                          bool reloadable = false);

  const ConfigKey* find(const std::string& section, const std::string& name) const;
  const std::vector<ConfigKey>& keys() const { return keys_; }
  const std::vector<std::pair<std::string, std::string>>& sections() const { return sections_; }

  /// YAML text with every key, its default and its comment.
  std::string printDefaults() const;

 private:
  std::vector<std::pair<std::string, std::string>> sections_;
  std::vector<ConfigKey> keys_;
};

/// Thrown only at start-up or reload; the message names file, line, key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Config {
 public:
  /// Defaults only.
  static Config defaults(const ConfigSchema& schema);
  /// Parse YAML text (file name used in messages), then apply env overrides.
  static Config load(const ConfigSchema& schema, const std::string& yamlText, const std::string& fileName,
                     const std::map<std::string, std::string>& env);
  static Config loadFile(const ConfigSchema& schema, const std::string& path,
                         const std::map<std::string, std::string>& env);
  /// The process environment as a map (for load()).
  static std::map<std::string, std::string> processEnv();

  bool getBool(const std::string& key) const;  // key is "section.name"
  int64_t getInt(const std::string& key) const;
  double getDouble(const std::string& key) const;
  const std::string& getString(const std::string& key) const;
  const std::vector<std::string>& getStringList(const std::string& key) const;
  const std::map<std::string, std::string>& getStringMap(const std::string& key) const;
  /// Where a value came from: "default", "file:LINE", "env:NAME".
  std::string origin(const std::string& key) const;
  /// Keys whose values differ between two configs (for SIGHUP).
  std::vector<std::string> diff(const Config& other) const;
  /// Set a value (tests, CLI flags). Throws ConfigError on type mismatch.
  void set(const std::string& key, ConfigValue value);

 private:
  const ConfigValue& get(const std::string& key, ConfigType type) const;
  std::map<std::string, std::pair<ConfigValue, std::string>> values_;
  std::map<std::string, ConfigType> types_;
};

}  // namespace hujiao::core
