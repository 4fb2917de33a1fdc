#include "api/errors.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace hujiao::api {

const std::vector<std::pair<std::string, int>>& errorCatalogue() {
  static const std::vector<std::pair<std::string, int>> codes = {
      {"bad_request", 400},       {"invalid_json", 400},        {"invalid_field", 400},
      {"missing_field", 400},     {"unknown_field", 400},       {"invalid_query", 400},
      {"invalid_request", 400},   {"invalid_path", 400},        {"weak_password", 400},
      {"unauthorized", 401},      {"invalid_credentials", 401}, {"forbidden", 403},
      {"account_disabled", 403},  {"not_found", 404},           {"method_not_allowed", 405},
      {"upgrade_required", 426},
      {"timeout", 408},           {"conflict", 409},            {"invalid_state", 409},
      {"payload_too_large", 413},
      {"unsupported_media_type", 415}, {"account_locked", 423}, {"rate_limited", 429},
      {"header_too_large", 431},  {"internal", 500},            {"unavailable", 503},
  };
  return codes;
}

std::string publicCode(const std::string& code) { return code == "invalid" ? "invalid_request" : code; }

int statusForCode(const std::string& code) {
  auto c = publicCode(code);
  for (const auto& [name, status] : errorCatalogue())
    if (name == c) return status;
  return 500;
}

HttpResponse errorResponse(int status, const std::string& code, const std::string& message) {
  HttpResponse r;
  r.status = status;
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse errorResponse(const core::Error& error) {
  auto code = publicCode(error.code);
  int status = statusForCode(code);
  // Internal details stay in the log; the client gets a generic message.
  if (status == 500) return errorResponse(500, "internal", "internal error");
  return errorResponse(status, code, error.message);
}

}  // namespace hujiao::api
