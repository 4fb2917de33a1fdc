#pragma once
// Helpers shared by the records route files (routes_records*.cpp): the
// RecordsService behind ApiContext::center, body parsing for routes without
// a registered schema, and error bodies with statuses the generic catalogue
// does not know (410 gone, 416, 500 naming a recording's integrity problem).
// Internal to src/api; pool threads.
#include <string>

#include "api/routes.h"
#include "center/records_service.h"
#include "recording/access.h"

namespace hujiao::api::records_detail {

/// The service, or 503 "unavailable" when the contact center does not run.
core::Result<center::RecordsService*> service(ApiContext& ctx);
/// The recordings, or 503 naming why they are off.
core::Result<recording::RecordingService*> recordings(ApiContext& ctx);
/// The request body as a JSON object ("unsupported_media_type", "invalid_json").
core::Result<nlohmann::json> body(const RequestContext& rc);
/// {"error":{code,message}} with an explicit status (kept even for 5xx).
HttpResponse errorBody(int status, const std::string& code, const std::string& message);
recording::Viewer viewer(const Principal& p);
/// A query parameter spec with every member set (min/max for integers).
inline QueryParamSpec qp(std::string name, FieldType type, std::string description, std::string format = "",
                         int64_t min = 0, int64_t max = 0) {
  return QueryParamSpec{std::move(name), type, std::move(description), min, max, std::move(format)};
}

}  // namespace hujiao::api::records_detail
