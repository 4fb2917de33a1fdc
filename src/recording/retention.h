#pragma once
// Retention: deletes recordings older than the policy keeps them (per-queue
// overrides, 0 = forever; rows on legal hold are skipped). The policy in force
// at sweep time decides, so shortening a retention period applies to older
// recordings too. The file is removed first, then the row is marked
// "deleted" (kept as the record that it existed): a crash in between leaves a
// row whose file is gone, which the next sweep finishes.
//
// Threads: blocking disk and database I/O: the host runs it on a service
// thread every recording.sweep_interval_s.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "recording/policy.h"
#include "recording/recordings_repo.h"

namespace hujiao::recording {

struct DeletedRecording {
  std::string id;
  std::string callId;
  std::string path;
  std::string queueId;
  int64_t startUs = 0;
  int retentionDays = 0;
};

struct SweepReport {
  std::vector<DeletedRecording> deleted;
  std::vector<std::string> errors;  // per recording, the sweep goes on
  bool more = false;                // the limit was reached: run again soon
};

/// Paths in rows are relative to dir; one with ".." or a leading '/' is refused.
core::Result<std::string> resolveRecordingPath(const std::string& dir, const std::string& relative);

SweepReport sweepRetention(RecordingsRepo& repo, const RecordingPolicy& policy, const std::string& dir, int64_t nowUs,
                           int64_t limit = 1000);

}  // namespace hujiao::recording
