#include "api/json_schema.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace hujiao::api {

using nlohmann::json;

const FieldSpec* ObjectSchema::field(const std::string& n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

core::Result<json> parseJsonObject(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Parse again with exceptions only to get the position for the message.
    try {
      [[maybe_unused]] json again = json::parse(text);
    } catch (const json::parse_error& e) {
      return core::makeError("invalid_json", std::string("request body is not valid JSON: ") + e.what());
    }
    return core::makeError("invalid_json", "request body is not valid JSON");
  }
  if (!j.is_object()) return core::makeError("invalid_field", "request body: expected a JSON object");
  return j;
}

size_t utf8Length(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

namespace {

std::string expected(const FieldSpec& f) {
  std::string what;
  switch (f.type) {
    case FieldType::String: what = "a string"; break;
    case FieldType::Integer: what = "an integer"; break;
    case FieldType::Number: what = "a number"; break;
    case FieldType::Boolean: what = "a boolean (true or false)"; break;
    case FieldType::StringArray: what = "an array of strings"; break;
    case FieldType::Object: case FieldType::Ref: what = "an object"; break;
    case FieldType::RefArray: case FieldType::ObjectArray: what = "an array of objects"; break;
  }
  if (f.nullable) what += " or null";
  return what;
}

core::Error invalid(const FieldSpec& f, const std::string& why) {
  return core::makeError("invalid_field", "field '" + f.name + "': " + why);
}

core::Result<void> checkString(const FieldSpec& f, const std::string& s, const std::string& where) {
  size_t n = utf8Length(s);
  if (f.minLength > 0 && n < f.minLength)
    return invalid(f, where + "must be at least " + std::to_string(f.minLength) + " characters");
  if (f.maxLength > 0 && n > f.maxLength)
    return invalid(f, where + "must be at most " + std::to_string(f.maxLength) + " characters");
  if (!f.choices.empty() && std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end()) {
    std::string list;
    for (const auto& c : f.choices) list += (list.empty() ? "" : ", ") + c;
    return invalid(f, where + "must be one of: " + list);
  }
  return {};
}

std::string numberText(double v) {
  std::ostringstream o;
  o << v;  // 100, 0.5, 1e+06: shortest readable form
  return o.str();
}

// The range of an Integer or Number field, in words: "must be greater than 0
// and less than 100, got 100".
core::Result<void> checkRange(const FieldSpec& f, double v) {
  const bool belowMin = f.minimum && (f.exclusiveMinimum ? v <= *f.minimum : v < *f.minimum);
  const bool aboveMax = f.maximum && (f.exclusiveMaximum ? v >= *f.maximum : v > *f.maximum);
  if (!belowMin && !aboveMax) return {};
  std::string lo = f.minimum ? (f.exclusiveMinimum ? "greater than " : "at least ") + numberText(*f.minimum) : "";
  std::string hi = f.maximum ? (f.exclusiveMaximum ? "less than " : "at most ") + numberText(*f.maximum) : "";
  std::string rule = lo.empty() ? hi : hi.empty() ? lo : lo + " and " + hi;
  return invalid(f, "must be " + rule + ", got " + numberText(v));
}

}  // namespace

core::Result<void> validateObject(const json& body, const ObjectSchema& schema) {
  if (!body.is_object()) return core::makeError("invalid_field", "request body: expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    const FieldSpec* f = schema.field(key);
    if (!f || f->readOnly) return core::makeError("unknown_field", "unknown field '" + key + "' in " + schema.name);
    if (value.is_null()) {
      if (f->nullable) continue;
      return invalid(*f, "expected " + expected(*f) + ", got null");
    }
    bool ok = false;
    switch (f->type) {
      case FieldType::String: ok = value.is_string(); break;
      case FieldType::Integer: ok = value.is_number_integer(); break;
      case FieldType::Number: ok = value.is_number() && std::isfinite(value.get<double>()); break;
      case FieldType::Boolean: ok = value.is_boolean(); break;
      case FieldType::StringArray:
        ok = value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
        break;
      case FieldType::Object: case FieldType::Ref: ok = value.is_object(); break;
      case FieldType::RefArray: ok = value.is_array(); break;
      case FieldType::ObjectArray:
        ok = value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_object(); });
        break;
    }
    if (!ok) return invalid(*f, "expected " + expected(*f) + ", got " + std::string(value.type_name()));
    if (f->type == FieldType::Integer || f->type == FieldType::Number) {
      if (auto r = checkRange(*f, value.get<double>()); !r) return r;
    } else if (f->type == FieldType::String) {
      if (auto r = checkString(*f, value.get_ref<const std::string&>(), ""); !r) return r;
    } else if (f->type == FieldType::StringArray) {
      if (f->maxLength > 0 && value.size() > f->maxLength)
        return invalid(*f, "at most " + std::to_string(f->maxLength) + " items");
      for (const auto& item : value) {
        FieldSpec itemSpec = *f;
        itemSpec.maxLength = 200;
        itemSpec.minLength = 1;
        if (auto r = checkString(itemSpec, item.get_ref<const std::string&>(), "item "); !r) return r;
      }
    }
  }
  for (const auto& f : schema.fields)
    if (f.required && !body.contains(f.name))
      return core::makeError("missing_field", "missing required field '" + f.name + "' (" + expected(f) + ")");
  return {};
}

json toOpenApi(const ObjectSchema& schema) {
  json props = json::object();
  json required = json::array();
  for (const auto& f : schema.fields) {
    json p;
    switch (f.type) {
      case FieldType::String: p["type"] = "string"; break;
      case FieldType::Integer: p["type"] = "integer"; p["format"] = "int64"; break;
      case FieldType::Number: p["type"] = "number"; p["format"] = "double"; break;
      case FieldType::Boolean: p["type"] = "boolean"; break;
      case FieldType::StringArray: p = {{"type", "array"}, {"items", {{"type", "string"}}}}; break;
      case FieldType::Object: p = {{"type", "object"}, {"additionalProperties", true}}; break;
      case FieldType::ObjectArray:
        p = {{"type", "array"}, {"items", {{"type", "object"}, {"additionalProperties", true}}}};
        break;
      case FieldType::Ref: p = {{"$ref", "#/components/schemas/" + f.ref}}; break;
      case FieldType::RefArray: p = {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + f.ref}}}}; break;
    }
    if (f.type == FieldType::Ref) {
      // A $ref may not have siblings in OpenAPI 3.0: wrap it.
      if (f.nullable || !f.description.empty()) p = {{"allOf", json::array({p})}};
    }
    if (!f.format.empty()) p["format"] = f.format;
    if (f.nullable) p["nullable"] = true;
    if (f.readOnly) p["readOnly"] = true;
    if (!f.description.empty()) p["description"] = f.description;
    if (f.type == FieldType::String) {
      if (f.minLength) p["minLength"] = f.minLength;
      if (f.maxLength) p["maxLength"] = f.maxLength;
      if (!f.choices.empty()) p["enum"] = f.choices;
    }
    if (f.type == FieldType::Integer || f.type == FieldType::Number) {
      // An integer's bounds print as integers (0, not 0.0).
      auto bound = [&](double v) { return f.type == FieldType::Integer ? json(static_cast<int64_t>(v)) : json(v); };
      if (f.minimum) {
        p["minimum"] = bound(*f.minimum);
        if (f.exclusiveMinimum) p["exclusiveMinimum"] = true;
      }
      if (f.maximum) {
        p["maximum"] = bound(*f.maximum);
        if (f.exclusiveMaximum) p["exclusiveMaximum"] = true;
      }
    }
    if (f.type == FieldType::StringArray) {
      if (f.maxLength) p["maxItems"] = f.maxLength;
      if (!f.choices.empty()) p["items"]["enum"] = f.choices;
    }
    props[f.name] = std::move(p);
    if (f.required) required.push_back(f.name);
  }
  json s = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (!schema.description.empty()) s["description"] = schema.description;
  if (!required.empty()) s["required"] = required;
  return s;
}

}  // namespace hujiao::api
