#pragma once
// The API's JSON schemas (request bodies are validated with them; the OpenAPI
// document lists them all). Immutable after first use; any thread.
#include <string>
#include <vector>

#include "api/json_schema.h"

namespace hujiao::api {

const std::vector<ObjectSchema>& allSchemas();
/// routes_acd_schemas.cpp: the ACD / CTI schemas (docs/cti.md).
void addAcdSchemas(std::vector<ObjectSchema>& out);
/// nullptr when unknown.
const ObjectSchema* findSchema(const std::string& name);

}  // namespace hujiao::api
