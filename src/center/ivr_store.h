#pragma once
// IvrStore: the IVR's tables (migrations 400-499): flows and their versions,
// blacklist entries, notices, voicemails, call-back requests, survey answers
// and each call's path through its flow(s).
//
// Threads: every method is synchronous and thread-safe (store::Db); call it
// from the service plane (API pool threads, IvrWriter's thread, start-up),
// never from the control thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/db.h"
#include "store/store.h"

namespace hujiao::center {

struct FlowRow {
  std::string id;
  std::string name;
  std::string description;
  int publishedVersion = 0;  // 0 = never published
  int latestVersion = 0;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

struct FlowVersionRow {
  std::string flowId;
  int version = 0;
  std::string document;  // JSON text, "version" set
  int64_t createdUs = 0;
  std::string createdBy;  // username, or "flows_dir:<file>", "demo"
};

struct BlacklistRow {
  std::string id;
  std::string pattern;  // normalised number, or prefix ending in '*'
  std::string reason;
  int64_t expiresUs = 0;  // 0 = never
  int64_t createdUs = 0;
};

struct NoticeRow {
  std::string id;
  bool active = false;
  std::string text;  // "" = the flow's own prompt
  int64_t updatedUs = 0;
};

struct VoicemailRow {
  std::string id;
  std::string callId;
  std::string mailbox;
  std::string caller;
  std::string called;
  std::string flowId;
  std::string path;  // as the recorder reported it (relative = under media.recordings_dir)
  int64_t durationMs = 0;
  int64_t createdUs = 0;
};

struct CallbackRow {
  std::string id;
  std::string callId;
  std::string number;
  std::string preferredTime;
  std::string queue;
  std::string flowId;
  int64_t requestedUs = 0;
  std::string status = "pending";
};

struct SurveyRow {
  std::string id;
  std::string callId;
  std::string flowId;
  std::string question;
  int rating = 0;
  int64_t createdUs = 0;
};

struct PathRow {
  std::string callId;
  std::string flowId;
  int version = 0;
  std::string exitReason;
  bool reachedAgent = false;
  std::string caller;
  std::string called;
  int64_t startedUs = 0;
  int64_t endedUs = 0;
  std::string path;  // JSON text (IvrSession::pathJson)
};

class IvrStore {
 public:
  static std::vector<store::Migration> migrations();

  explicit IvrStore(store::Db& db) : db_(db) {}

  // ---- flows ----
  core::Result<store::Page<FlowRow>> listFlows(int64_t limit, int64_t offset, const std::string& search);
  core::Result<FlowRow> getFlow(const std::string& id);
  core::Result<std::vector<FlowVersionRow>> versions(const std::string& flowId);  // newest first, without documents
  core::Result<FlowVersionRow> version(const std::string& flowId, int version);
  /// Adds a version (the next number) in one transaction, creating the flow
  /// when `create`; "conflict" if it exists (create) / "not_found" (update).
  /// `document` gets its "version" set before it is stored.
  core::Result<FlowVersionRow> addVersion(const std::string& flowId, const std::string& name,
                                          const std::string& description, const nlohmann::json& document,
                                          const std::string& createdBy, bool create, int64_t nowUs);
  core::Result<void> setPublished(const std::string& flowId, int version, int64_t nowUs);
  core::Result<void> deleteFlow(const std::string& flowId);
  /// Every flow's published version with its document (start-up).
  core::Result<std::vector<FlowVersionRow>> publishedVersions();

  // ---- blacklist ----
  core::Result<store::Page<BlacklistRow>> listBlacklist(int64_t limit, int64_t offset, const std::string& search);
  core::Result<std::vector<BlacklistRow>> allBlacklist();
  core::Result<void> addBlacklist(const std::vector<BlacklistRow>& rows);
  core::Result<BlacklistRow> getBlacklist(const std::string& id);
  core::Result<void> deleteBlacklist(const std::string& id);

  // ---- notices ----
  core::Result<std::vector<NoticeRow>> notices();
  core::Result<NoticeRow> upsertNotice(const NoticeRow& n);
  /// Creates the notice (inactive) only when missing.
  core::Result<void> ensureNotice(const std::string& id, int64_t nowUs);

  // ---- what calls leave behind (written by IvrWriter) ----
  core::Result<void> insertVoicemail(const VoicemailRow& v);
  core::Result<void> insertCallback(const CallbackRow& c);
  core::Result<void> insertSurvey(const SurveyRow& s);
  core::Result<void> insertPath(const PathRow& p);
  core::Result<store::Page<VoicemailRow>> listVoicemails(int64_t limit, int64_t offset, const std::string& mailbox);
  core::Result<VoicemailRow> getVoicemail(const std::string& id);
  core::Result<store::Page<CallbackRow>> listCallbacks(int64_t limit, int64_t offset);
  core::Result<std::vector<SurveyRow>> surveysOfCall(const std::string& callId);
  core::Result<PathRow> getPath(const std::string& callId);

 private:
  store::Db& db_;
};

}  // namespace hujiao::center
