// IvrService: blacklist, notices, voicemails, callbacks and stored call paths
// (pool threads).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <set>

#include "center/ivr_calls.h"
#include "center/ivr_notices.h"
#include "center/ivr_service.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/task_queue.h"
#include "core/time_format.h"

namespace hujiao::center {

// ---- blacklist ----

core::Result<void> IvrService::reloadBlacklist() {
  auto rows = store_.allBlacklist();
  if (!rows) return rows.error();
  std::vector<ivr::BlacklistEntry> entries;
  entries.reserve(rows->size());
  for (const auto& r : *rows) {
    ivr::BlacklistEntry e;
    std::string p = r.pattern;
    if (!p.empty() && p.back() == '*') {
      e.prefix = true;
      p.pop_back();
    }
    auto n = ivr::normalizeNumber(p);
    if (!n) continue;  // stored rows were validated; skip anything odd rather than fail the set
    e.number = *n;
    e.reason = r.reason;
    if (r.expiresUs > 0) e.expiresAtUs = r.expiresUs;
    entries.push_back(std::move(e));
  }
  blacklist_.replace(std::move(entries));
  return {};
}

core::Result<store::Page<BlacklistRow>> IvrService::listBlacklist(int64_t limit, int64_t offset,
                                                                  const std::string& search) {
  return store_.listBlacklist(limit, offset, search);
}

core::Result<BlacklistRow> IvrService::addBlacklist(const std::string& pattern, const std::string& reason,
                                                    int64_t expiresUs) {
  std::string p = pattern;
  bool prefix = !p.empty() && p.back() == '*';
  if (prefix) p.pop_back();
  auto n = ivr::normalizeNumber(p);
  if (!n)
    return core::makeError("invalid_field",
                           "pattern: a phone number (digits, optional leading +) or a prefix ending in *");
  BlacklistRow row;
  row.id = core::newId();
  row.pattern = *n + (prefix ? "*" : "");
  row.reason = reason;
  row.expiresUs = expiresUs;
  row.createdUs = ctx_.clock->nowUs();
  std::lock_guard lock(blacklistMu_);
  if (auto r = store_.addBlacklist({row}); !r) return r.error();
  if (auto r = reloadBlacklist(); !r) return r.error();
  return row;
}

core::Result<BlacklistRow> IvrService::removeBlacklist(const std::string& id) {
  std::lock_guard lock(blacklistMu_);
  auto row = store_.getBlacklist(id);
  if (!row) return row.error();
  if (auto r = store_.deleteBlacklist(id); !r) return r.error();
  if (auto r = reloadBlacklist(); !r) return r.error();
  return row;
}

core::Result<BlacklistImport> IvrService::importBlacklist(const std::string& csv) {
  auto parsed = ivr::parseBlacklistCsv(csv);
  BlacklistImport out;
  out.errors = std::move(parsed.errors);
  std::vector<BlacklistRow> rows;
  auto now = ctx_.clock->nowUs();
  for (const auto& e : parsed.entries) {
    BlacklistRow r;
    r.id = core::newId();
    r.pattern = e.number + (e.prefix ? "*" : "");
    r.reason = e.reason;
    r.expiresUs = e.expiresAtUs.value_or(0);
    r.createdUs = now;
    rows.push_back(std::move(r));
  }
  std::lock_guard lock(blacklistMu_);
  if (auto r = store_.addBlacklist(rows); !r) return r.error();
  if (auto r = reloadBlacklist(); !r) return r.error();
  out.imported = static_cast<int>(rows.size());
  return out;
}

std::optional<ivr::BlacklistHit> IvrService::blacklisted(const std::string& caller) const {
  return blacklist_.lookup(caller, ctx_.clock->nowUs());
}

// ---- notices ----

core::Result<void> IvrService::reloadNotices() {
  auto rows = store_.notices();
  if (!rows) return rows.error();
  IvrNoticeBoard::Map active;
  for (const auto& n : *rows)
    if (n.active) active[n.id] = n.text;
  notices_->replace(std::move(active));
  return {};
}

core::Result<std::vector<NoticeRow>> IvrService::listNotices() {
  auto rows = store_.notices();
  if (!rows) return rows.error();
  std::set<std::string> known;
  for (const auto& n : *rows) known.insert(n.id);
  // Notices the published flows use, so that the console can switch them on.
  for (const auto& id : registry_.flowIds()) {
    auto flow = registry_.current(id);
    if (!flow) continue;
    for (const auto& [nid, node] : flow->nodes) {
      if (node.type != ivr::NodeType::Notice) continue;
      const auto& key = std::get<ivr::NoticeSpec>(node.spec).notice;
      if (known.insert(key).second) rows->push_back(NoticeRow{key, false, "", 0});
    }
  }
  std::sort(rows->begin(), rows->end(), [](const NoticeRow& a, const NoticeRow& b) { return a.id < b.id; });
  return rows;
}

core::Result<NoticeRow> IvrService::setNotice(const std::string& id, bool active, const std::string& text) {
  if (id.empty() || id.size() > 64) return core::makeError("invalid_field", "notice id must be 1-64 characters");
  NoticeRow n{id, active, text, ctx_.clock->nowUs()};
  std::lock_guard lock(blacklistMu_);  // notices are rare: share the rebuild lock
  auto r = store_.upsertNotice(n);
  if (!r) return r.error();
  if (auto re = reloadNotices(); !re) return re.error();
  log_->info("notice {} switched {}", id, active ? "on" : "off");
  return r;
}

// ---- voicemails, callbacks, paths ----

core::Result<store::Page<VoicemailRow>> IvrService::listVoicemails(int64_t limit, int64_t offset,
                                                                   const std::string& mailbox) {
  return store_.listVoicemails(limit, offset, mailbox);
}

core::Result<VoicemailRow> IvrService::getVoicemail(const std::string& id) { return store_.getVoicemail(id); }

std::string IvrService::voicemailFile(const VoicemailRow& v) const {
  if (!v.path.empty() && v.path[0] == '/') return v.path;
  if (recordingsDir_.empty()) return v.path;
  // The media engine reports the path it wrote, already under media.recordings_dir
  // (relative to the daemon's working directory): don't prefix it twice.
  const auto dir = std::filesystem::path(recordingsDir_).lexically_normal();
  const auto path = std::filesystem::path(v.path).lexically_normal();
  if (path.lexically_relative(dir).native().rfind("..", 0) != 0 && !path.lexically_relative(dir).empty()) {
    return path.string();
  }
  return (dir / path).string();
}

core::Result<store::Page<CallbackRow>> IvrService::listCallbacks(int64_t limit, int64_t offset) {
  return store_.listCallbacks(limit, offset);
}

core::Result<nlohmann::json> IvrService::callPath(const std::string& callId) {
  auto row = store_.getPath(callId);
  if (row) {
    auto path = nlohmann::json::parse(row->path, nullptr, false);
    if (path.is_discarded()) path = nlohmann::json::object();
    nlohmann::json out = {{"call_id", row->callId},
                          {"flow_id", row->flowId},
                          {"version", row->version},
                          {"exit_reason", row->exitReason},
                          {"reached_agent", row->reachedAgent},
                          {"caller", row->caller},
                          {"called", row->called},
                          {"started_at", core::formatIso8601(row->startedUs)},
                          {"ended_at", core::formatIso8601(row->endedUs)},
                          {"live", false},
                          {"path", std::move(path)}};
    nlohmann::json surveys = nlohmann::json::array();
    if (auto s = store_.surveysOfCall(callId))
      for (const auto& x : *s)
        surveys.push_back(
            {{"question", x.question}, {"rating", x.rating}, {"at", core::formatIso8601(x.createdUs)}});
    out["surveys"] = std::move(surveys);
    return out;
  }
  if (row.error().code != "not_found") return row.error();
  // Not stored yet: the call may still be in a flow (ask the control thread).
  if (!ctx_.control || !calls_) return row.error();
  auto promise = std::make_shared<std::promise<std::optional<nlohmann::json>>>();
  auto future = promise->get_future();
  IvrCalls* calls = calls_.get();
  ctx_.control->post([promise, calls, callId] { promise->set_value(calls->livePath(callId)); });
  if (future.wait_for(std::chrono::seconds(3)) != std::future_status::ready)
    return core::makeError("unavailable", "the control thread did not answer in time");
  auto live = future.get();
  if (!live) return row.error();
  return nlohmann::json{{"call_id", callId},
                        {"flow_id", live->value("flow_id", "")},
                        {"version", live->value("flow_version", 0)},
                        {"exit_reason", nullptr},
                        {"reached_agent", live->value("reached_agent", false)},
                        {"live", true},
                        {"path", *live},
                        {"surveys", nlohmann::json::array()}};
}

}  // namespace hujiao::center
