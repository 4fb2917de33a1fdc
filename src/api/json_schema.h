#pragma once
// Declarative JSON object schemas: one definition validates request bodies
// (types, required fields, unknown fields rejected, lengths, choices) and is
// rendered into the OpenAPI document, so the two cannot drift apart.
// Pure functions; any thread.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace hujiao::api {

// Number: any JSON number (fractional allowed). ObjectArray: an array of
// objects whose members are not listed (report rows keyed by column).
enum class FieldType { String, Integer, Number, Boolean, StringArray, Object, ObjectArray, Ref, RefArray };

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::String;
  bool required = false;
  bool nullable = false;  // null accepted (means "clear" in a PATCH)
  size_t minLength = 0;   // strings (UTF-8 code points)
  size_t maxLength = 0;   // 0 = unlimited; also max items for arrays
  std::vector<std::string> choices;  // allowed string values (also array items)
  std::string format;                // OpenAPI format: "date-time", "password"
  std::string ref;                   // schema name for Ref / RefArray
  std::string description;
  bool readOnly = false;  // response-only field
  // Integer / Number range; unset = unbounded. exclusive* make the bound strict
  // (OpenAPI 3.0 exclusiveMinimum / exclusiveMaximum).
  std::optional<double> minimum;
  std::optional<double> maximum;
  bool exclusiveMinimum = false;
  bool exclusiveMaximum = false;
};

struct ObjectSchema {
  std::string name;
  std::string description;
  std::vector<FieldSpec> fields;
  const FieldSpec* field(const std::string& name) const;
};

/// Parses a request body. Error "invalid_json" (with the parser's position) or
/// "invalid_field" when the top level is not an object.
core::Result<nlohmann::json> parseJsonObject(const std::string& text);

/// Checks body against schema. Errors: "unknown_field", "missing_field",
/// "invalid_field" (message names the field and what was expected, e.g.
/// "field 'target_sl_pct': must be less than 100"). Members of Ref, RefArray
/// and ObjectArray fields are not checked here (their handlers do).
core::Result<void> validateObject(const nlohmann::json& body, const ObjectSchema& schema);

/// Length of a UTF-8 string in code points.
size_t utf8Length(const std::string& s);

/// The OpenAPI 3.0 Schema Object for a schema (refs to #/components/schemas/...).
nlohmann::json toOpenApi(const ObjectSchema& schema);

}  // namespace hujiao::api
