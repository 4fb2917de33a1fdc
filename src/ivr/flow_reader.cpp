#include "ivr/flow_reader.h"

#include <algorithm>

namespace hujiao::ivr::detail {

using nlohmann::json;

std::string typeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

const json* FieldReader::raw(const std::string& field) {
  read_.insert(field);
  auto it = obj_.find(field);
  return it == obj_.end() ? nullptr : &*it;
}

std::optional<std::string> FieldReader::str(const std::string& field, bool required) {
  const json* v = raw(field);
  if (!v) {
    if (required) issue(field, "missing_field", "'" + field + "' is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    issue(field, "wrong_type", "'" + field + "' must be a string, got " + typeName(*v));
    return std::nullopt;
  }
  if (required && v->get_ref<const std::string&>().empty()) {
    issue(field, "missing_field", "'" + field + "' must not be empty");
    return std::nullopt;
  }
  return v->get<std::string>();
}

int FieldReader::integer(const std::string& field, int def, int min, int max) {
  const json* v = raw(field);
  if (!v) return def;
  if (!v->is_number_integer()) {
    issue(field, "wrong_type", "'" + field + "' must be a whole number, got " + typeName(*v));
    return def;
  }
  auto x = v->get<int64_t>();
  if (x < min || x > max) {
    issue(field, "bad_value",
          "'" + field + "' must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
              std::to_string(x));
    return def;
  }
  return static_cast<int>(x);
}

bool FieldReader::boolean(const std::string& field, bool def) {
  const json* v = raw(field);
  if (!v) return def;
  if (!v->is_boolean()) {
    issue(field, "wrong_type", "'" + field + "' must be true or false, got " + typeName(*v));
    return def;
  }
  return v->get<bool>();
}

std::vector<std::string> FieldReader::strList(const std::string& field, bool required) {
  std::vector<std::string> out;
  const json* v = raw(field);
  if (!v) {
    if (required) issue(field, "missing_field", "'" + field + "' is required");
    return out;
  }
  if (!v->is_array()) {
    issue(field, "wrong_type", "'" + field + "' must be a list of strings, got " + typeName(*v));
    return out;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (!item.is_string()) {
      issue(field + "[" + std::to_string(i) + "]", "wrong_type", "expected a string, got " + typeName(item));
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<Template> FieldReader::tmpl(const std::string& field, bool required) {
  const json* v = raw(field);
  if (!v) {
    if (required) issue(field, "missing_field", "'" + field + "' is required");
    return std::nullopt;
  }
  std::string text;
  if (v->is_string()) {
    text = v->get<std::string>();
  } else if (v->is_number_integer()) {
    text = v->dump();  // extensions and mailboxes written as numbers
  } else {
    issue(field, "wrong_type", "'" + field + "' must be a string, got " + typeName(*v));
    return std::nullopt;
  }
  if (required && text.empty()) {
    issue(field, "missing_field", "'" + field + "' must not be empty");
    return std::nullopt;
  }
  auto t = Template::parse(text);
  if (!t) {
    issue(field, t.error().code, t.error().message);
    return std::nullopt;
  }
  return std::move(*t);
}

std::optional<Expression> FieldReader::expr(const std::string& field, bool required) {
  const json* v = raw(field);
  if (!v) {
    if (required) issue(field, "missing_field", "'" + field + "' is required");
    return std::nullopt;
  }
  std::string text;
  if (v->is_string())
    text = v->get<std::string>();
  else if (v->is_boolean() || v->is_number())
    text = v->dump();
  else {
    issue(field, "wrong_type", "'" + field + "' must be an expression string, got " + typeName(*v));
    return std::nullopt;
  }
  auto e = Expression::parse(text);
  if (!e) {
    issue(field, e.error().code, "'" + text + "': " + e.error().message);
    return std::nullopt;
  }
  return std::move(*e);
}

std::optional<LocalizedText> FieldReader::localized(const json& value, const std::string& where,
                                                    const std::vector<std::string>& languages) {
  LocalizedText out;
  auto addOne = [&](const std::string& lang, const json& v, const std::string& at) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
      issue(at, "wrong_type", "expected a non-empty string, got " + typeName(v));
      return false;
    }
    auto t = Template::parse(v.get<std::string>());
    if (!t) {
      issue(at, t.error().code, t.error().message);
      return false;
    }
    out.perLanguage.emplace(lang, std::move(*t));
    return true;
  };
  if (value.is_object()) {
    bool ok = true;
    for (const auto& [lang, v] : value.items()) {
      if (std::find(languages.begin(), languages.end(), lang) == languages.end()) {
        issue(where + "." + lang, "bad_value", "language '" + lang + "' is not one of the flow's languages");
        ok = false;
        continue;
      }
      ok = addOne(lang, v, where + "." + lang) && ok;
    }
    for (const auto& lang : languages) {
      if (!value.contains(lang)) {
        issue(where, "missing_field", "no text for language '" + lang + "'");
        ok = false;
      }
    }
    return ok ? std::optional<LocalizedText>(std::move(out)) : std::nullopt;
  }
  if (!addOne("", value, where)) return std::nullopt;
  return out;
}

std::optional<PromptItem> FieldReader::promptItem(const json& item, const std::string& where,
                                                  const std::vector<std::string>& languages) {
  PromptItem p;
  if (item.is_string()) {
    auto text = localized(item, where, languages);
    if (!text) return std::nullopt;
    p.kind = PromptItem::Kind::File;
    p.text = std::move(*text);
    return p;
  }
  if (!item.is_object()) {
    issue(where, "wrong_type", "a prompt item must be a file name or an object, got " + typeName(item));
    return std::nullopt;
  }
  int kinds = static_cast<int>(item.contains("file")) + static_cast<int>(item.contains("tts")) +
              static_cast<int>(item.contains("tone")) + static_cast<int>(item.contains("silence_ms"));
  if (kinds != 1) {
    issue(where, kinds == 0 ? "missing_field" : "bad_value",
          "a prompt item needs exactly one of 'file', 'tts', 'tone', 'silence_ms'");
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& [k, v] : item.items()) {
    (void)v;
    if (k != "file" && k != "tts" && k != "tone" && k != "silence_ms" && k != "duration_ms") {
      issue(where + "." + k, "unknown_field", "unknown prompt field '" + k + "'");
      ok = false;
    }
  }
  auto duration = [&](const char* key, int min) -> std::optional<int> {
    auto it = item.find(key);
    if (it == item.end()) return 0;
    if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > 600000) {
      issue(where + "." + key, "bad_value", std::string("'") + key + "' must be a whole number of ms up to 600000");
      return std::nullopt;
    }
    return static_cast<int>(it->get<int64_t>());
  };
  if (item.contains("file") || item.contains("tts")) {
    const char* key = item.contains("file") ? "file" : "tts";
    p.kind = item.contains("file") ? PromptItem::Kind::File : PromptItem::Kind::Tts;
    auto text = localized(item[key], where + "." + key, languages);
    if (!text) return std::nullopt;
    p.text = std::move(*text);
    if (item.contains("duration_ms")) {
      issue(where + ".duration_ms", "unknown_field", "'duration_ms' only applies to tones");
      ok = false;
    }
  } else if (item.contains("tone")) {
    p.kind = PromptItem::Kind::Tone;
    if (!item["tone"].is_string() || item["tone"].get_ref<const std::string&>().empty()) {
      issue(where + ".tone", "wrong_type", "'tone' must be a tone name");
      return std::nullopt;
    }
    p.tone = item["tone"].get<std::string>();
    auto d = duration("duration_ms", 0);
    if (!d) return std::nullopt;
    p.durationMs = *d;
  } else {
    p.kind = PromptItem::Kind::Silence;
    auto d = duration("silence_ms", 1);
    if (!d) return std::nullopt;
    p.durationMs = *d;
  }
  if (!ok) return std::nullopt;
  return p;
}

Prompt FieldReader::prompt(const std::string& field, bool required, const std::vector<std::string>& languages) {
  Prompt out;
  const json* v = raw(field);
  if (!v) {
    if (required) issue(field, "missing_field", "'" + field + "' is required");
    return out;
  }
  if (v->is_array()) {
    if (v->empty()) issue(field, "missing_field", "'" + field + "' must not be empty");
    for (std::size_t i = 0; i < v->size(); ++i) {
      auto item = promptItem((*v)[i], field + "[" + std::to_string(i) + "]", languages);
      if (item) out.push_back(std::move(*item));
    }
    return out;
  }
  auto item = promptItem(*v, field, languages);
  if (item) out.push_back(std::move(*item));
  return out;
}

void FieldReader::reportUnknown(const std::set<std::string>& alwaysAllowed) {
  for (const auto& [k, v] : obj_.items()) {
    (void)v;
    if (!read_.count(k) && !alwaysAllowed.count(k)) issue(k, "unknown_field", "unknown field '" + k + "'");
  }
}

}  // namespace hujiao::ivr::detail
