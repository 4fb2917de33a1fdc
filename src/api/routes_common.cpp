#include "api/routes.h"

namespace hujiao::api {

HttpResponse jsonResponse(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse createdResponse(const nlohmann::json& body, const std::string& location) {
  HttpResponse r = jsonResponse(201, body);
  r.headers.emplace_back("Location", location);
  return r;
}

HttpResponse noContent() {
  HttpResponse r;
  r.status = 204;
  return r;
}

std::vector<QueryParamSpec> pagingParams(std::vector<QueryParamSpec> extra) {
  std::vector<QueryParamSpec> p = {
      {"limit", FieldType::Integer, "Page size (1..1000, default 50)", 1, 1000, ""},
      {"offset", FieldType::Integer, "Items to skip (default 0)", 0, 100'000'000, ""},
      {"q", FieldType::String, "Substring search on the main name fields", 0, 0, ""},
  };
  for (auto& e : extra) p.push_back(std::move(e));
  return p;
}

store::ListQuery listQuery(const RequestContext& rc) {
  store::ListQuery q;
  q.limit = rc.queryInt("limit", 50);
  q.offset = rc.queryInt("offset", 0);
  q.search = rc.queryString("q");
  return q;
}

core::Error invalidField(const std::string& field, const std::string& why) {
  return core::makeError("invalid_field", "field '" + field + "': " + why);
}

std::string optString(const nlohmann::json& body, const char* key, const std::string& def) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return def;
  return it->get<std::string>();
}

}  // namespace hujiao::api
