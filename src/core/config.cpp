#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace hujiao::core {
namespace {

std::string typeName(ConfigType t) {
  switch (t) {
    case ConfigType::Bool: return "boolean";
    case ConfigType::Int: return "integer";
    case ConfigType::Double: return "number";
    case ConfigType::String: return "string";
    case ConfigType::StringList: return "list of strings";
    case ConfigType::StringMap: return "map of strings";
  }
  return "?";
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string envName(const ConfigKey& k) { return "HUJIAO_" + upper(k.section) + "_" + upper(k.name); }

std::string yamlQuote(const std::string& s) {
  YAML::Emitter e;
  e << YAML::DoubleQuoted << s;
  return e.c_str();
}

std::string renderValue(const ConfigValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          std::ostringstream os;
          os << x;
          return os.str();
        } else if constexpr (std::is_same_v<T, std::string>) {
          return yamlQuote(x);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string out = "[";
          for (size_t i = 0; i < x.size(); ++i) out += (i ? ", " : "") + yamlQuote(x[i]);
          return out + "]";
        } else {
          std::string out = "{";
          bool first = true;
          for (const auto& [k, val] : x) {
            out += (first ? "" : ", ") + k + ": " + yamlQuote(val);
            first = false;
          }
          return out + "}";
        }
      },
      v);
}

bool parseBoolText(const std::string& s, bool& out) {
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "true" || l == "yes" || l == "on" || l == "1") {
    out = true;
    return true;
  }
  if (l == "false" || l == "no" || l == "off" || l == "0") {
    out = false;
    return true;
  }
  return false;
}

void checkRange(const ConfigKey& k, double v, const std::string& where) {
  if ((k.min && v < *k.min) || (k.max && v > *k.max)) {
    std::ostringstream os;
    os << where << ": " << k.section << "." << k.name << " = " << v << " is out of range [" << (k.min ? *k.min : 0)
       << ", " << (k.max ? *k.max : 0) << "]";
    throw ConfigError(os.str());
  }
}

void checkChoice(const ConfigKey& k, const std::string& v, const std::string& where) {
  if (k.choices.empty() || std::find(k.choices.begin(), k.choices.end(), v) != k.choices.end()) return;
  std::string list;
  for (const auto& c : k.choices) list += (list.empty() ? "" : ", ") + c;
  throw ConfigError(where + ": " + k.section + "." + k.name + " = \"" + v + "\" is not one of: " + list);
}

// Converts a scalar string (from env) to the key's type.
ConfigValue fromText(const ConfigKey& k, const std::string& text, const std::string& where) {
  auto bad = [&]() {
    return ConfigError(where + ": " + k.section + "." + k.name + " must be a " + typeName(k.type) + ", got \"" +
                       text + "\"");
  };
  switch (k.type) {
    case ConfigType::Bool: {
      bool b = false;
      if (!parseBoolText(text, b)) throw bad();
      return b;
    }
    case ConfigType::Int: {
      try {
        size_t pos = 0;
        long long v = std::stoll(text, &pos);
        if (pos != text.size()) throw bad();
        checkRange(k, static_cast<double>(v), where);
        return static_cast<int64_t>(v);
      } catch (const std::logic_error&) {
        throw bad();
      }
    }
    case ConfigType::Double: {
      try {
        size_t pos = 0;
        double v = std::stod(text, &pos);
        if (pos != text.size() || !std::isfinite(v)) throw bad();
        checkRange(k, v, where);
        return v;
      } catch (const std::logic_error&) {
        throw bad();
      }
    }
    case ConfigType::String:
      checkChoice(k, text, where);
      return text;
    case ConfigType::StringList: {
      std::vector<std::string> out;
      std::stringstream ss(text);
      std::string item;
      while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
      return out;
    }
    case ConfigType::StringMap: {
      std::map<std::string, std::string> out;
      std::stringstream ss(text);
      std::string item;
      while (std::getline(ss, item, ',')) {
        auto eq = item.find('=');
        if (eq == std::string::npos) throw bad();
        out[item.substr(0, eq)] = item.substr(eq + 1);
      }
      return out;
    }
  }
  throw bad();
}

ConfigValue fromYaml(const ConfigKey& k, const YAML::Node& n, const std::string& where) {
  auto bad = [&](const std::string& got) {
    return ConfigError(where + ": " + k.section + "." + k.name + " must be a " + typeName(k.type) + ", got " + got);
  };
  auto scalarText = [&]() -> std::string {
    if (!n.IsScalar()) throw bad(n.IsSequence() ? "a list" : n.IsMap() ? "a map" : "nothing");
    return n.Scalar();
  };
  switch (k.type) {
    case ConfigType::Bool:
    case ConfigType::Int:
    case ConfigType::Double: {
      std::string s = scalarText();
      if (n.Tag() == "!") throw bad("the quoted string \"" + s + "\"");  // "8080" in quotes is a string
      return fromText(k, s, where);
    }
    case ConfigType::String: {
      if (n.IsNull()) return std::string{};
      std::string s = scalarText();
      checkChoice(k, s, where);
      return s;
    }
    case ConfigType::StringList: {
      if (n.IsNull()) return std::vector<std::string>{};
      if (!n.IsSequence()) throw bad(n.IsMap() ? "a map" : "a scalar");
      std::vector<std::string> out;
      for (const auto& item : n) {
        if (!item.IsScalar()) throw bad("a list with a non-scalar item");
        out.push_back(item.Scalar());
      }
      return out;
    }
    case ConfigType::StringMap: {
      if (n.IsNull()) return std::map<std::string, std::string>{};
      if (!n.IsMap()) throw bad(n.IsSequence() ? "a list" : "a scalar");
      std::map<std::string, std::string> out;
      for (const auto& kv : n) {
        if (!kv.second.IsScalar()) throw bad("a map with a non-scalar value");
        out[kv.first.Scalar()] = kv.second.Scalar();
      }
      return out;
    }
  }
  throw bad("?");
}

ConfigType typeOf(const ConfigValue& v) { return static_cast<ConfigType>(v.index()); }

}  // namespace

void ConfigSchema::section(const std::string& name, const std::string& comment) {
  for (auto& s : sections_)
    if (s.first == name) return;
  sections_.emplace_back(name, comment);
}

ConfigSchema& ConfigSchema::add(ConfigKey key) {
  if (typeOf(key.defaultValue) != key.type)
    throw ConfigError("schema: default of " + key.section + "." + key.name + " has the wrong type");
  if (find(key.section, key.name)) throw ConfigError("schema: duplicate key " + key.section + "." + key.name);
  section(key.section, "");
  keys_.push_back(std::move(key));
  return *this;
}

ConfigSchema& ConfigSchema::boolean(const std::string& s, const std::string& n, bool def, const std::string& c,
                                    bool reloadable) {
  return add({s, n, ConfigType::Bool, def, c, {}, {}, {}, reloadable});
}
ConfigSchema& ConfigSchema::integer(const std::string& s, const std::string& n, int64_t def, int64_t min, int64_t max,
                                    const std::string& c, bool reloadable) {
  return add({s, n, ConfigType::Int, def, c, static_cast<double>(min), static_cast<double>(max), {}, reloadable});
}
ConfigSchema& ConfigSchema::real(const std::string& s, const std::string& n, double def, double min, double max,
                                 const std::string& c, bool reloadable) {
  return add({s, n, ConfigType::Double, def, c, min, max, {}, reloadable});
}
ConfigSchema& ConfigSchema::string(const std::string& s, const std::string& n, const std::string& def,
                                   const std::string& c, std::vector<std::string> choices, bool reloadable) {
  return add({s, n, ConfigType::String, def, c, {}, {}, std::move(choices), reloadable});
}
ConfigSchema& ConfigSchema::stringList(const std::string& s, const std::string& n, std::vector<std::string> def,
                                       const std::string& c, bool reloadable) {
  return add({s, n, ConfigType::StringList, std::move(def), c, {}, {}, {}, reloadable});
}
ConfigSchema& ConfigSchema::stringMap(const std::string& s, const std::string& n,
                                      std::map<std::string, std::string> def, const std::string& c, bool reloadable) {
  return add({s, n, ConfigType::StringMap, std::move(def), c, {}, {}, {}, reloadable});
}

const ConfigKey* ConfigSchema::find(const std::string& s, const std::string& n) const {
  for (const auto& k : keys_)
    if (k.section == s && k.name == n) return &k;
  return nullptr;
}

std::string ConfigSchema::printDefaults() const {
  std::ostringstream os;
  os << "# hujiaod configuration: every key with its default.\n"
     << "# Any key may be overridden by the environment variable HUJIAO_<SECTION>_<KEY>.\n"
     << "# Keys marked (reloadable) take effect on SIGHUP; others need a restart.\n";
  for (const auto& [sec, comment] : sections_) {
    os << "\n";
    if (!comment.empty()) os << "# " << comment << "\n";
    os << sec << ":\n";
    for (const auto& k : keys_) {
      if (k.section != sec) continue;
      os << "  # " << k.comment;
      if (k.type == ConfigType::Int || k.type == ConfigType::Double) {
        if (k.min && k.max) os << " [" << *k.min << " .. " << *k.max << "]";
      }
      if (!k.choices.empty()) {
        os << " (one of:";
        for (const auto& c : k.choices) os << " " << c;
        os << ")";
      }
      if (k.reloadable) os << " (reloadable)";
      os << "\n  " << k.name << ": " << renderValue(k.defaultValue) << "\n";
    }
  }
  return os.str();
}

Config Config::defaults(const ConfigSchema& schema) {
  Config c;
  for (const auto& k : schema.keys()) {
    std::string key = k.section + "." + k.name;
    c.values_[key] = {k.defaultValue, "default"};
    c.types_[key] = k.type;
  }
  return c;
}

Config Config::load(const ConfigSchema& schema, const std::string& yamlText, const std::string& fileName,
                    const std::map<std::string, std::string>& env) {
  Config c = defaults(schema);
  YAML::Node root;
  try {
    root = YAML::Load(yamlText);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fileName + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  auto where = [&](const YAML::Node& n) { return fileName + ":" + std::to_string(n.Mark().line + 1); };
  if (root && !root.IsNull()) {
    if (!root.IsMap()) throw ConfigError(where(root) + ": the top level must be a map of sections");
    for (const auto& sec : root) {
      const std::string secName = sec.first.Scalar();
      bool known = false;
      for (const auto& s : schema.sections())
        if (s.first == secName) known = true;
      if (!known) throw ConfigError(where(sec.first) + ": unknown section \"" + secName + "\"");
      if (sec.second.IsNull()) continue;
      if (!sec.second.IsMap()) throw ConfigError(where(sec.second) + ": section \"" + secName + "\" must be a map");
      for (const auto& kv : sec.second) {
        const std::string keyName = kv.first.Scalar();
        const ConfigKey* k = schema.find(secName, keyName);
        if (!k) throw ConfigError(where(kv.first) + ": unknown key \"" + secName + "." + keyName + "\"");
        std::string w = where(kv.first);
        c.values_[secName + "." + keyName] = {fromYaml(*k, kv.second, w), "file:" + w};
      }
    }
  }
  for (const auto& k : schema.keys()) {
    auto it = env.find(envName(k));
    if (it == env.end()) continue;
    c.values_[k.section + "." + k.name] = {fromText(k, it->second, "env " + it->first), "env:" + it->first};
  }
  return c;
}

Config Config::loadFile(const ConfigSchema& schema, const std::string& path,
                        const std::map<std::string, std::string>& env) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return load(schema, ss.str(), path, env);
}

std::map<std::string, std::string> Config::processEnv() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

const ConfigValue& Config::get(const std::string& key, ConfigType type) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw ConfigError("config: no such key " + key);
  if (typeOf(it->second.first) != type) throw ConfigError("config: " + key + " is not a " + typeName(type));
  return it->second.first;
}

bool Config::getBool(const std::string& key) const { return std::get<bool>(get(key, ConfigType::Bool)); }
int64_t Config::getInt(const std::string& key) const { return std::get<int64_t>(get(key, ConfigType::Int)); }
double Config::getDouble(const std::string& key) const { return std::get<double>(get(key, ConfigType::Double)); }
const std::string& Config::getString(const std::string& key) const {
  return std::get<std::string>(get(key, ConfigType::String));
}
const std::vector<std::string>& Config::getStringList(const std::string& key) const {
  return std::get<std::vector<std::string>>(get(key, ConfigType::StringList));
}
const std::map<std::string, std::string>& Config::getStringMap(const std::string& key) const {
  return std::get<std::map<std::string, std::string>>(get(key, ConfigType::StringMap));
}

std::string Config::origin(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? "" : it->second.second;
}

std::vector<std::string> Config::diff(const Config& other) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    auto it = other.values_.find(k);
    if (it == other.values_.end() || it->second.first != v.first) out.push_back(k);
  }
  return out;
}

void Config::set(const std::string& key, ConfigValue value) {
  auto t = types_.find(key);
  if (t == types_.end()) throw ConfigError("config: no such key " + key);
  if (typeOf(value) != t->second) throw ConfigError("config: wrong type for " + key);
  values_[key] = {std::move(value), "set"};
}

}  // namespace hujiao::core
