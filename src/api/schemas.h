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
/// routes_ivr_schemas.cpp: flows, blacklist, notices, voicemails, callbacks (docs/ivr.md).
void addIvrSchemas(std::vector<ObjectSchema>& out);
/// routes_records_schemas.cpp: recordings, recording policy, QA, reports, staffing
/// (docs/recording.md, docs/reports.md).
void addRecordsSchemas(std::vector<ObjectSchema>& out);
/// nullptr when unknown.
const ObjectSchema* findSchema(const std::string& name);

/// The body schemas of a route whose handler parses its own body (IVR and
/// records routes: a flow document may be YAML text, a CSV import is not
/// JSON), by method and pattern, so that the OpenAPI document can show them
/// without the router validating those bodies. "" = none.
struct RouteSchemaRef {
  std::string method;
  std::string pattern;
  std::string request;
  std::string response;
};
/// routes_ivr_schemas.cpp / routes_records_schemas.cpp.
void addIvrRouteSchemas(std::vector<RouteSchemaRef>& out);
void addRecordsRouteSchemas(std::vector<RouteSchemaRef>& out);
const std::vector<RouteSchemaRef>& documentedRouteSchemas();
/// nullptr when the route has no entry.
const RouteSchemaRef* documentedRouteSchema(const std::string& method, const std::string& pattern);

}  // namespace hujiao::api
