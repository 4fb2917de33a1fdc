#include "api/openapi.h"

#include <algorithm>
#include <cctype>

#include "api/errors.h"
#include "api/schemas.h"

namespace hujiao::api {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string operationId(const Route& r) {
  std::string id = lower(r.method);
  bool upper = true;
  for (char c : r.pattern.substr(std::min<size_t>(r.pattern.size(), 7))) {  // skip "/api/v1"
    if (c == '/' || c == '{' || c == '}' || c == '.' || c == '_' || c == '-') {
      upper = true;
      continue;
    }
    id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return id;
}

json errorResponse(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json schemaRef(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

}  // namespace

json buildOpenApi(const Router& router, const std::string& version) {
  std::string codes;
  for (const auto& [code, status] : errorCatalogue())
    codes += "\n- `" + code + "` (" + std::to_string(status) + ")";
  json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "hujiao API"},
        {"version", version},
        {"description",
         "REST API of the hujiao contact-center server. Errors are {\"error\":{\"code\",\"message\"}}; codes:" +
             codes}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"paths", json::object()},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description",
                                                                                   "Token from POST /api/v1/auth/login"}}}}},
        {"schemas", json::object()}}},
      {"security", json::array({{{"bearer", json::array()}}})},
  };
  for (const auto& s : allSchemas()) doc["components"]["schemas"][s.name] = toOpenApi(s);

  std::vector<std::string> tags;
  for (const auto& r : router.routes()) {
    json op;
    op["operationId"] = operationId(r);
    op["summary"] = r.summary;
    if (!r.tag.empty()) {
      op["tags"] = json::array({r.tag});
      if (std::find(tags.begin(), tags.end(), r.tag) == tags.end()) tags.push_back(r.tag);
    }
    op["x-permission"] = r.permission.empty() ? "public" : r.permission;
    if (r.permission == kPublic) op["security"] = json::array();
    json params = json::array();
    size_t pos = 0;
    while ((pos = r.pattern.find('{', pos)) != std::string::npos) {
      size_t end = r.pattern.find('}', pos);
      params.push_back({{"name", r.pattern.substr(pos + 1, end - pos - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
      pos = end;
    }
    for (const auto& q : r.query) {
      json schema;
      switch (q.type) {
        case FieldType::Integer:
          schema = {{"type", "integer"}};
          if (q.min != q.max) {
            schema["minimum"] = q.min;
            schema["maximum"] = q.max;
          }
          break;
        case FieldType::Boolean: schema = {{"type", "boolean"}}; break;
        default:
          schema = {{"type", "string"}};
          if (!q.format.empty()) schema["format"] = q.format;
      }
      params.push_back({{"name", q.name}, {"in", "query"}, {"required", false}, {"description", q.description},
                        {"schema", schema}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.requestSchema.empty())
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", schemaRef(r.requestSchema)}}}}}};
    else if (!r.requestContentType.empty())
      op["requestBody"] = {{"required", true},
                           {"content", {{r.requestContentType, {{"schema", {{"type", "string"}}}}}}}};
    json responses = json::object();
    json ok = {{"description", r.successStatus == 204 ? "No content" : "Success"}};
    if (!r.responseSchema.empty())
      ok["content"] = {{r.contentType, {{"schema", schemaRef(r.responseSchema)}}}};
    else if (r.successStatus != 204 && r.successStatus != 101)
      ok["content"] = {{r.contentType, {{"schema", {{"type", "string"}}}}}};
    responses[std::to_string(r.successStatus)] = ok;
    if (!r.query.empty() || !r.requestSchema.empty() || !r.requestContentType.empty())
      responses["400"] = errorResponse("Invalid input");
    if (r.permission != kPublic) responses["401"] = errorResponse("Missing, invalid or expired token");
    if (r.permission != kPublic && r.permission != kAuthenticated)
      responses["403"] = errorResponse("Permission " + r.permission + " required");
    if (r.pattern.find('{') != std::string::npos) responses["404"] = errorResponse("Not found or not in your scope");
    responses["default"] = errorResponse("Error");
    op["responses"] = responses;
    doc["paths"][r.pattern][lower(r.method)] = op;
  }
  json tagList = json::array();
  for (const auto& t : tags) tagList.push_back({{"name", t}});
  doc["tags"] = tagList;
  return doc;
}

}  // namespace hujiao::api
