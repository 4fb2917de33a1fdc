#include "recording/retention.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace hujiao::recording {
namespace {

constexpr int64_t kDayUs = 86'400'000'000;

}  // namespace

core::Result<std::string> resolveRecordingPath(const std::string& dir, const std::string& rel) {
  if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos) {
    return core::makeError("invalid", "recording path '" + rel + "' is not a relative path inside recording.dir");
  }
  return dir + "/" + rel;
}

SweepReport sweepRetention(RecordingsRepo& repo, const RecordingPolicy& policy, const std::string& dir, int64_t nowUs,
                           int64_t limit) {
  auto log = core::logger("recording");
  SweepReport rep;
  struct Group {
    std::vector<std::string> in, notIn;
    int days;
  };
  std::vector<Group> groups;
  std::vector<std::string> overridden;
  for (const auto& [queue, days] : policy.retentionByQueue) {
    overridden.push_back(queue);
    if (days > 0) groups.push_back({{queue}, {}, days});
  }
  if (policy.retentionDays > 0) groups.push_back({{}, overridden, policy.retentionDays});

  int64_t budget = limit;
  for (const auto& g : groups) {
    if (budget <= 0) {
      rep.more = true;
      break;
    }
    auto rows = repo.expiredCandidates(nowUs - g.days * kDayUs, g.in, g.notIn, budget);
    if (!rows) {
      rep.errors.push_back("listing expired recordings: " + rows.error().message);
      continue;
    }
    if (static_cast<int64_t>(rows->size()) == budget) rep.more = true;
    budget -= static_cast<int64_t>(rows->size());
    for (const auto& m : *rows) {
      auto path = resolveRecordingPath(dir, m.path);
      if (!path) {
        rep.errors.push_back(m.id + ": " + path.error().message);
        continue;
      }
      if (::unlink(path->c_str()) != 0 && errno != ENOENT) {
        rep.errors.push_back(m.id + ": cannot delete " + *path + ": " + std::strerror(errno));
        log->error("retention: cannot delete recording {} ({}): {}", m.id, *path, std::strerror(errno));
        continue;
      }
      if (auto r = repo.markDeleted(m.id, nowUs); !r) {
        rep.errors.push_back(m.id + ": file deleted but the row was not marked: " + r.error().message);
        continue;
      }
      log->info("retention: deleted recording {} of call {} (queue '{}', started {} us, kept {} days): {}", m.id,
                m.callId, m.queueId, m.startUs, g.days, m.path);
      rep.deleted.push_back({m.id, m.callId, m.path, m.queueId, m.startUs, g.days});
    }
  }
  return rep;
}

}  // namespace hujiao::recording
