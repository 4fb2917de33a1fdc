#pragma once
// The OpenAPI 3.0 document, generated from the route table and the schema
// registry (so a route cannot be missing from it). Built once at start.
#include <nlohmann/json.hpp>

#include <string>

#include "api/router.h"

namespace hujiao::api {

nlohmann::json buildOpenApi(const Router& router, const std::string& version);

}  // namespace hujiao::api
