#pragma once
// Helpers shared by the telephony route files (routes_telephony*.cpp); internal
// to src/api. Pool threads.
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "api/routes.h"
#include "call/telephony_service.h"

namespace hujiao::api {

void addTelephonyConfigRoutes(Router& router, ApiContext& ctx);
void addTelephonyLiveRoutes(Router& router, ApiContext& ctx);

namespace telephony_detail {

/// How long a pool thread waits for the control thread before answering 503.
inline constexpr auto kControlTimeout = std::chrono::seconds(5);

/// The service, or 503 "unavailable" when telephony is not running.
core::Result<call::TelephonyService*> service(ApiContext& ctx);
/// Departments a list is restricted to; nullopt = unrestricted, empty = nothing visible.
std::optional<std::vector<std::string>> scope(const Principal& p);
call::ListFilter filter(const RequestContext& rc);
nlohmann::json toJson(const call::Trunk& t);
nlohmann::json toJson(const call::Did& d);
nlohmann::json toJson(const call::DialRule& r);
nlohmann::json toJson(const call::Cdr& c);
nlohmann::json toJson(const call::CallSnapshot& c);
nlohmann::json toJson(const sip::Binding& b);
void apply(const nlohmann::json& body, call::Trunk& t);
void apply(const nlohmann::json& body, call::Did& d);
void apply(const nlohmann::json& body, call::DialRule& r);

/// False when the control thread did not answer within kControlTimeout.
template <class T>
bool ready(std::future<T>& f) {
  return f.wait_for(kControlTimeout) == std::future_status::ready;
}
inline core::Error controlTimeout() {
  return core::makeError("unavailable", "the control thread did not answer in time");
}

}  // namespace telephony_detail
}  // namespace hujiao::api
