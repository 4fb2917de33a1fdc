#pragma once
// The recording policy as JSON (GET/PUT /api/v1/recording-policy) and its
// stored copy (migration 1002: one row). A stored policy replaces the one
// the `recording:` config section gives, so that managers change it from the
// console without editing files; deleting the row falls back to the config.
//
// Threads: the JSON functions are pure (any thread); PolicyStore methods are
// database round trips (service plane only).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "recording/policy.h"
#include "store/db.h"

namespace hujiao::recording {

/// {mode, queues, agents, directions, dids, never_numbers, never_agents,
///  allow_on_demand, allow_agent_pause, retention_days, retention_by_queue}.
nlohmann::json toJson(const RecordingPolicy& p);
/// Applies the keys present in body to p (a PUT may send all or some).
/// "invalid" naming the field for a wrong type or value; unknown keys too.
core::Result<void> applyPolicyJson(const nlohmann::json& body, RecordingPolicy& p);

struct StoredPolicy {
  RecordingPolicy policy;
  int64_t updatedUs = 0;
  std::string updatedBy;
};

class PolicyStore {
 public:
  explicit PolicyStore(store::Db& db) : db_(db) {}
  /// nullopt when none was stored (the config's policy applies).
  core::Result<std::optional<StoredPolicy>> load();
  core::Result<void> save(const RecordingPolicy& p, const std::string& by, int64_t nowUs);

 private:
  store::Db& db_;
};

std::vector<store::Migration> policyMigrations();

}  // namespace hujiao::recording
