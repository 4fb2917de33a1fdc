#pragma once
// IvrService: IVR flows, blacklist, notices, voicemail, callbacks, surveys (issue 5).
//
// - Flows are stored with every version (IvrStore) and the published version
//   of each is installed in the FlowRegistry, which new calls read with one
//   atomic load. Publishing validates first; an invalid flow is never
//   published and the running version stays. Calls in progress keep the
//   version they started on (each IvrSession holds its Flow).
// - Flows also load from ivr.flows_dir at start and on reloadFlowsDir().
// - App calls of target type "flow" run in IvrCalls (control thread).
// - The blacklist screens every inbound call from memory (ivr::Blacklist),
//   rebuilt from the store after each change.
//
// Threads: constructed on the main thread (reads the store: start-up);
// attach()/tick() on the control thread; the API methods on HTTP pool threads
// (they touch the store and swap immutable snapshots, never live call state,
// except livePath() which asks the control thread and waits).
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "call/call_app.h"
#include "center/center_service.h"
#include "center/ivr_store.h"
#include "center/ivr_writer.h"
#include "core/config.h"
#include "core/log.h"
#include "ivr/blacklist.h"
#include "ivr/flow_parse.h"
#include "ivr/flow_registry.h"
#include "ivr/ivr_config.h"
#include "ivr/session.h"
#include "store/db.h"

namespace hujiao::center {

class IvrCalls;
class HttpClient;
class IvrNoticeBoard;

struct FlowDetail {
  FlowRow flow;
  nlohmann::json document;  // the latest version
  std::vector<FlowVersionRow> versions;  // newest first, documents empty
};

/// One file of ivr.flows_dir.
struct FlowFileReport {
  std::string file;
  std::string flowId;
  int version = 0;
  std::string status;  // published | unchanged | invalid
  std::vector<ivr::Issue> issues;
};

struct BlacklistImport {
  int imported = 0;
  std::vector<ivr::CsvLineError> errors;
};

/// A validation failure: code "invalid_flow" with the problems.
struct FlowProblems {
  std::vector<ivr::Issue> issues;
};

class IvrService final : public CenterService {
 public:
  /// This service's config sections.
  static void addConfig(core::ConfigSchema& schema);
  /// This service's schema changes (ivr 400-499).
  static std::vector<store::Migration> migrations();

  explicit IvrService(CenterContext& ctx);
  ~IvrService() override;

  void attach() override;
  void tick() override;
  void stop() override;

  // ---- flows (pool threads) ----
  core::Result<store::Page<FlowRow>> listFlows(int64_t limit, int64_t offset, const std::string& search);
  core::Result<FlowDetail> getFlow(const std::string& id);
  /// id empty: create (the id comes from the document). Validation problems
  /// give Error{"invalid_flow"} and fill `problems`.
  core::Result<FlowRow> saveFlow(const std::string& id, const std::string& name, const std::string& description,
                                 nlohmann::json document, const std::string& user, FlowProblems& problems);
  core::Result<void> deleteFlow(const std::string& id);
  core::Result<FlowRow> publishFlow(const std::string& id, int version, FlowProblems& problems);
  std::vector<ivr::Issue> validateFlow(const nlohmann::json& document) const;
  std::vector<FlowFileReport> reloadFlowsDir();
  /// The version new calls get (null: not published).
  std::shared_ptr<const ivr::Flow> publishedFlow(const std::string& id) const { return registry_.current(id); }

  // ---- blacklist ----
  core::Result<store::Page<BlacklistRow>> listBlacklist(int64_t limit, int64_t offset, const std::string& search);
  core::Result<BlacklistRow> addBlacklist(const std::string& pattern, const std::string& reason, int64_t expiresUs);
  core::Result<BlacklistRow> removeBlacklist(const std::string& id);
  core::Result<BlacklistImport> importBlacklist(const std::string& csv);
  /// What the screener decides for a caller now (tests, diagnostics).
  std::optional<ivr::BlacklistHit> blacklisted(const std::string& caller) const;

  // ---- notices ----
  /// Stored notices plus every notice key the published flows use (inactive).
  core::Result<std::vector<NoticeRow>> listNotices();
  core::Result<NoticeRow> setNotice(const std::string& id, bool active, const std::string& text);

  // ---- what calls left ----
  core::Result<store::Page<VoicemailRow>> listVoicemails(int64_t limit, int64_t offset, const std::string& mailbox);
  core::Result<VoicemailRow> getVoicemail(const std::string& id);
  /// The voicemail's file on disk (relative paths under media.recordings_dir).
  std::string voicemailFile(const VoicemailRow& v) const;
  core::Result<store::Page<CallbackRow>> listCallbacks(int64_t limit, int64_t offset);
  /// The stored path of a call, or the live one while it is still in a flow
  /// (with "live": true). Surveys answered on the call are added.
  core::Result<nlohmann::json> callPath(const std::string& callId);

  /// Waits until the writer stored everything queued (tests).
  void flushWrites() { writer_.flush(); }
  IvrStore& store() { return store_; }

 private:
  std::shared_ptr<const ivr::Flow> checkStored(const FlowVersionRow& row, std::vector<ivr::Issue>& issues) const;
  core::Result<void> reloadBlacklist();
  core::Result<void> reloadNotices();
  void loadPublished();
  void seedDemo();
  bool startCall(const call::AppCallInfo& info);

  CenterContext& ctx_;
  ivr::IvrRuntimeOptions options_;
  std::string flowsDir_;
  std::string recordingsDir_;
  IvrStore store_;
  IvrWriter writer_;
  std::unique_ptr<ivr::PromptResolver> prompts_;
  ivr::FlowRegistry registry_;
  ivr::Blacklist blacklist_;
  std::unique_ptr<IvrNoticeBoard> notices_;
  std::mutex flowsMu_;      // serialises flow writers (save/publish/delete/directory)
  std::mutex blacklistMu_;  // serialises blacklist rebuilds
  std::unique_ptr<IvrCalls> calls_;    // control thread
  std::unique_ptr<HttpClient> http_;   // declared after calls_: destroyed first, its threads joined
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace hujiao::center
