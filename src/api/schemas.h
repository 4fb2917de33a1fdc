#pragma once
// The API's JSON schemas, by name. Routes name theirs (Route::requestSchema,
// responseSchema: the one place that ties a route to its schemas); request
// bodies are validated with them (or, for Route::handlerParsesBody, by the
// handler along the same rules) and the OpenAPI document lists them all.
// Immutable after first use; any thread.
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

}  // namespace hujiao::api
