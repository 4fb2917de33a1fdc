#pragma once
// API errors: a stable snake_case code, a message, and the HTTP status the code
// maps to. Handlers return core::Result<HttpResponse>; an Error's code picks the
// status (store codes "not_found", "conflict", "invalid", "unavailable" map too).
// Any thread.
#include <string>

#include "api/http_types.h"
#include "core/result.h"

namespace hujiao::api {

/// HTTP status for an error code (unknown codes: 500).
int statusForCode(const std::string& code);
/// The public code for an error code (store "invalid" becomes "invalid_request").
std::string publicCode(const std::string& code);
/// {"error":{"code","message"}} with the mapped status.
HttpResponse errorResponse(const core::Error& error);
HttpResponse errorResponse(int status, const std::string& code, const std::string& message);

/// Every code the API can answer with, for docs and the OpenAPI description.
const std::vector<std::pair<std::string, int>>& errorCatalogue();

}  // namespace hujiao::api
