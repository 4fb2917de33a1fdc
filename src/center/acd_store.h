#pragma once
// AcdStore: the ACD's tables (migrations 500-599): queues, memberships, agent
// settings, agent state history, dispositions and notes, webhooks.
//
// Threads: any thread except the control thread (every call is a database
// round trip); the Db is thread-safe. The control thread reaches it only
// through AcdWriter.
#include <string>
#include <vector>

#include "center/acd_model.h"
#include "core/result.h"
#include "store/db.h"

namespace hujiao::center {

class AcdStore {
 public:
  explicit AcdStore(store::Db& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  core::Result<std::vector<QueueSettings>> listQueues();
  core::Result<QueueSettings> getQueue(const std::string& id);
  /// Inserts or replaces (created_us kept); fills the times.
  core::Result<QueueSettings> saveQueue(QueueSettings q);
  /// Removes the queue and its memberships.
  core::Result<void> deleteQueue(const std::string& id);

  core::Result<std::vector<MemberSettings>> listMembers(const std::string& queueId = "");
  core::Result<void> saveMember(const MemberSettings& m);
  core::Result<void> deleteMember(const std::string& queueId, const std::string& agentId);

  core::Result<std::vector<AgentSettings>> listAgents();
  core::Result<AgentSettings> getAgent(const std::string& userId);
  core::Result<AgentSettings> saveAgent(AgentSettings a);

  core::Result<void> insertStates(const std::vector<StateRow>& rows);
  /// Oldest first, at most `limit`.
  core::Result<std::vector<StateRow>> listStates(const std::string& agentId, int64_t fromUs, int64_t toUs,
                                                 int64_t limit);
  core::Result<void> insertDisposition(const DispositionRow& d);
  core::Result<std::vector<DispositionRow>> listDispositions(const std::string& interactionId);

  core::Result<std::vector<Webhook>> listWebhooks();
  core::Result<Webhook> createWebhook(Webhook w);
  core::Result<void> deleteWebhook(const std::string& id);

 private:
  store::Db& db_;
};

}  // namespace hujiao::center
