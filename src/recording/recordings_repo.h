#pragma once
// Recording metadata in the store (tables from migration 1000): one row per
// recorded call leg set, from "recording" (being written) to "complete",
// "recovered" (after a crash), "missing" (the file was gone at recovery) and
// "deleted" (retention or an admin; the row stays as the record that it existed).
//
// Threads: every method is a synchronous database round trip: service plane
// only (API workers, the recording service thread), never the control thread.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/db.h"
#include "store/store.h"

namespace hujiao::recording {

using core::Result;

/// A pause while the recording ran (e.g. a card number read out); UTC µs.
struct PauseInterval {
  int64_t startUs = 0;
  int64_t endUs = 0;  // 0 = still paused
};

/// Milliseconds of the recording's timeline that were paused, given the
/// recording's end (for an interval still open).
int64_t pausedMs(const std::vector<PauseInterval>& pauses, int64_t endUs);

struct RecordingMeta {
  std::string id;
  std::string callId;
  std::vector<std::string> legs;  // leg / endpoint ids of the call that are in the file
  std::string agentId;            // the agent's user id ("" = none, e.g. IVR-only call)
  std::string departmentId;       // the agent's (or queue's) department at call time: scope checks
  std::string queueId;
  std::string customerNumber;
  std::string direction;  // "inbound", "outbound", "internal"
  std::string did;
  std::string reason;  // why it was recorded: "all", "queue", "agent", "direction", "did", "on_demand"
  int64_t startUs = 0;
  int64_t endUs = 0;
  int64_t durationMs = 0;  // audio in the file (pauses are not in it)
  int64_t sizeBytes = 0;   // bytes on disk
  std::string sha256;      // hex SHA-256 of the plaintext audio file
  std::string keyId;       // "" = stored unencrypted
  std::string path;        // relative to recording.dir
  std::string format = "wav";  // "wav" or "opus"
  std::string status = "recording";
  std::vector<PauseInterval> pauses;
  bool legalHold = false;  // retention never deletes it
  /// Users (agents) who took part in the call: the queue agents who answered
  /// it and the agents whose extension was on it. Scope "self" sees a
  /// recording when he is its agent or one of these. Loaded by get() only.
  std::vector<std::string> participants;
  int64_t deletedUs = 0;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

/// What finish/recovery learned about the stored file.
struct Completion {
  std::string status = "complete";  // complete, recovered, missing
  int64_t endUs = 0;
  int64_t durationMs = 0;
  int64_t sizeBytes = 0;
  std::string sha256;
  std::string keyId;
  std::string path;
};

struct RecordingQuery {
  int64_t fromUs = 0;  // start_us >= fromUs; 0 = open
  int64_t toUs = 0;    // start_us < toUs; 0 = open
  std::string agentId;
  std::string queueId;
  std::string number;  // substring of the customer number
  std::string direction;
  std::string callId;
  int64_t minDurationMs = -1;  // -1 = open
  int64_t maxDurationMs = -1;
  std::vector<std::string> statuses;  // empty = every status but "deleted"
  // Visibility (from accessFilter()): empty departmentIds and selfAgentId = unrestricted.
  std::vector<std::string> departmentIds;
  std::string selfAgentId;
  bool nothingVisible = false;  // the principal may see none
  int64_t limit = 50;           // 1..1000
  int64_t offset = 0;
};

class RecordingsRepo {
 public:
  explicit RecordingsRepo(store::Db& db) : db_(db) {}

  /// Fills id (when empty), times; status defaults to "recording".
  Result<RecordingMeta> create(RecordingMeta m);
  Result<RecordingMeta> get(const std::string& id);
  Result<std::vector<RecordingMeta>> listByCall(const std::string& callId);
  /// Opens a pause at atUs ("conflict" if already paused, "invalid" unless recording).
  Result<RecordingMeta> pause(const std::string& id, int64_t atUs);
  /// Closes the open pause ("conflict" if not paused).
  Result<RecordingMeta> resume(const std::string& id, int64_t atUs);
  /// Records the stored file; an open pause is closed at c.endUs.
  Result<void> complete(const std::string& id, const Completion& c);
  /// After re-encryption: new key id and size.
  Result<void> updateStorage(const std::string& id, const std::string& keyId, int64_t sizeBytes);
  Result<void> markDeleted(const std::string& id, int64_t nowUs);
  Result<void> setLegalHold(const std::string& id, bool hold);
  /// Learned after the recording began (the agent who answered a queue
  /// call): non-empty values replace the row's.
  Result<void> setCallFacts(const std::string& id, const std::string& agentId, const std::string& departmentId,
                            const std::string& queueId);

  /// Adds users to the recording's participants (idempotent).
  Result<void> addParticipants(const std::string& id, const std::vector<std::string>& userIds);
  /// Sets agent and department only where the row has none yet (an agent
  /// found by his extension on a direct call).
  Result<void> fillCallFacts(const std::string& id, const std::string& agentId, const std::string& departmentId);

  /// Newest first (start, then id).
  Result<store::Page<RecordingMeta>> search(const RecordingQuery& q);
  Result<std::vector<RecordingMeta>> listByStatus(const std::string& status, int64_t limit);
  /// Stored (complete/recovered), not on legal hold, started before beforeUs;
  /// queueIn: only these queues; queueNotIn: none of these ("" = no queue).
  Result<std::vector<RecordingMeta>> expiredCandidates(int64_t beforeUs, const std::vector<std::string>& queueIn,
                                                       const std::vector<std::string>& queueNotIn, int64_t limit);
  /// Stored encrypted files whose key is not keyId.
  Result<std::vector<RecordingMeta>> notOnKey(const std::string& keyId, int64_t limit);

 private:
  Result<RecordingMeta> changePauses(const std::string& id, int64_t atUs, bool pausing);
  store::Db& db_;
};

/// Migrations 1000.. (recordings) and 1001.. (quality inspection) for store::openStore().
std::vector<store::Migration> recordingMigrations();

}  // namespace hujiao::recording
