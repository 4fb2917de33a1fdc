#pragma once
// Short constructors of FieldSpec / ObjectSchema, shared by the schema
// catalogues (schemas.cpp, routes_acd_schemas.cpp, routes_ivr_schemas.cpp,
// routes_records_schemas.cpp) so that one field means the same everywhere.
// Pure functions; any thread.
#include <string>
#include <utility>
#include <vector>

#include "api/json_schema.h"

namespace hujiao::api::schema_helpers {

// Each returns a fresh FieldSpec (or ObjectSchema):
//   str: a string, maxLen 0 = unlimited; a required string must not be empty.
//   nstr: a nullable string (ids, times; null clears it in a PATCH).  time: a nullable date-time.
//   object: a JSON object whose members are not listed.  strings: array of strings (maxItems 0 = any).
//   ref / refArray: another schema.  required / minOne / nullable / ro (response only) / choice: modifiers.
//   list: {items, total, limit, offset} (a page); shortList: {items, total}.
inline FieldSpec nullable(FieldSpec f);
inline FieldSpec choice(FieldSpec f, std::vector<std::string> choices);

inline FieldSpec str(std::string name, size_t maxLen = 0, bool required = false, std::string desc = "") {
  FieldSpec f;
  f.name = std::move(name);
  f.type = FieldType::String;
  f.maxLength = maxLen;
  f.required = required;
  f.minLength = required ? 1 : 0;
  f.description = std::move(desc);
  return f;
}

inline FieldSpec nstr(std::string name, std::string desc = "") {
  return nullable(str(std::move(name), 0, false, std::move(desc)));
}

inline FieldSpec nstr(std::string name, size_t maxLen, std::string desc = "") {
  return nullable(str(std::move(name), maxLen, false, std::move(desc)));
}

inline FieldSpec time(std::string name, std::string desc = "") {
  FieldSpec f = nstr(std::move(name), std::move(desc));
  f.format = "date-time";
  return f;
}

inline FieldSpec typedField(std::string name, FieldType type, std::string desc) {
  FieldSpec f;
  f.name = std::move(name);
  f.type = type;
  f.description = std::move(desc);
  return f;
}

inline FieldSpec integer(std::string name, std::string desc = "") {
  return typedField(std::move(name), FieldType::Integer, std::move(desc));
}
inline FieldSpec boolean(std::string name, std::string desc = "") {
  return typedField(std::move(name), FieldType::Boolean, std::move(desc));
}
inline FieldSpec object(std::string name, std::string desc = "") {
  return typedField(std::move(name), FieldType::Object, std::move(desc));
}

inline FieldSpec strings(std::string name, size_t maxItems = 0, std::string desc = "") {
  FieldSpec f = typedField(std::move(name), FieldType::StringArray, std::move(desc));
  f.maxLength = maxItems;
  return f;
}

inline FieldSpec ref(std::string name, std::string schema, FieldType type = FieldType::Ref) {
  FieldSpec f = typedField(std::move(name), type, "");
  f.ref = std::move(schema);
  return f;
}

inline FieldSpec refArray(std::string name, std::string schema, std::string desc = "") {
  FieldSpec f = ref(std::move(name), std::move(schema), FieldType::RefArray);
  f.description = std::move(desc);
  return f;
}

inline FieldSpec required(FieldSpec f, size_t minLen = 1) {
  f.required = true;
  f.minLength = minLen;
  return f;
}

inline FieldSpec minOne(FieldSpec f) {
  f.minLength = 1;
  return f;
}

inline FieldSpec nullable(FieldSpec f) {
  f.nullable = true;
  return f;
}

inline FieldSpec ro(FieldSpec f) {
  f.readOnly = true;
  return f;
}

inline FieldSpec choice(FieldSpec f, std::vector<std::string> choices) {
  f.choices = std::move(choices);
  return f;
}

inline FieldSpec choice(std::string name, std::vector<std::string> choices, bool required, std::string desc = "") {
  return choice(str(std::move(name), 32, required, std::move(desc)), std::move(choices));
}

inline FieldSpec password(std::string name, bool isRequired) {
  FieldSpec f = str(std::move(name), 1024, isRequired);
  f.format = "password";
  return f;
}

inline ObjectSchema list(std::string name, std::string item) {
  return {std::move(name),
          "A page of " + item + " items",
          {refArray("items", item), integer("total", "Items matching the filters"), integer("limit"),
           integer("offset")}};
}

inline ObjectSchema shortList(std::string name, std::string item, std::string desc = "") {
  if (desc.empty()) desc = "Every " + item + " item";
  return {std::move(name), std::move(desc), {refArray("items", item), integer("total")}};
}

}  // namespace hujiao::api::schema_helpers
