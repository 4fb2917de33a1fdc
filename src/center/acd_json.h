#pragma once
// JSON shapes of the ACD's objects, shared by the store (queue settings are
// kept as JSON text) and the CTI REST routes (docs/cti.md). snake_case, times
// as ISO 8601 UTC. Pure functions; any thread.
#include <nlohmann/json.hpp>

#include "center/acd_model.h"
#include "core/result.h"

namespace hujiao::center {

nlohmann::json toJson(const QueueSettings& q);
/// Applies the fields present in `body` (PATCH semantics); checks values.
/// Errors: "invalid_field" naming the field.
core::Result<void> applyQueueJson(const nlohmann::json& body, QueueSettings& q);
/// Checks a complete queue (name, strategy, overflow target ...).
core::Result<void> validateQueue(const QueueSettings& q);
/// The routing core's view of a queue.
acd::QueueConfig toAcdConfig(const QueueSettings& q);

nlohmann::json skillsJson(const std::vector<std::pair<std::string, int>>& skills, const char* levelKey);
core::Result<std::vector<std::pair<std::string, int>>> parseSkills(const nlohmann::json& v, const char* field,
                                                                   const char* levelKey);

nlohmann::json toJson(const AgentView& a);
nlohmann::json toJson(const InteractionView& i);
/// One item of /queues/stats and the queue.stats event.
nlohmann::json statsJson(const QueueSettings& q, const acd::QueueStats& s);
nlohmann::json statsJson(const acd::AgentStats& s);
nlohmann::json toJson(const Webhook& w);  // never the secret

std::string stateName(acd::AgentState s);
std::string isoOrNull(int64_t us);

}  // namespace hujiao::center
