#pragma once
// Store records -> API JSON (snake_case, ISO 8601 UTC times, never a password
// hash). Pure functions; any thread.
#include <nlohmann/json.hpp>

#include <string_view>

#include "store/store.h"

namespace hujiao::api {

nlohmann::json toJson(const store::User& u);
nlohmann::json toJson(const store::Department& d);
nlohmann::json toJson(const store::Role& r);
nlohmann::json toJson(const store::AuditEntry& a);
/// Fast path for the hottest list (GET /api/v1/users): the same JSON as
/// pageJson(page) but written straight into a string, without building a
/// nlohmann DOM (which costs a map node and several allocations per field;
/// profiling the benchmark showed it dominating). Tested equal to pageJson.
std::string userPageJson(const store::Page<store::User>& page, int64_t limit, int64_t offset);
/// Appends s as a JSON string literal (quotes, escapes; invalid UTF-8 becomes U+FFFD).
void appendJsonString(std::string& out, std::string_view s);
/// ISO 8601 or null for 0.
nlohmann::json timeOrNull(int64_t us);
/// {"items","total","limit","offset"}.
template <class T>
nlohmann::json pageJson(const store::Page<T>& page, int64_t limit, int64_t offset) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page.items) items.push_back(toJson(item));
  return {{"items", std::move(items)}, {"total", page.total}, {"limit", limit}, {"offset", offset}};
}

}  // namespace hujiao::api
