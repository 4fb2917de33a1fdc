#pragma once
// Who may hear a recording (and see its quality scores): agents their own
// (their agent id on the row, or a participant: they answered it from a
// queue or their extension was on the call), supervisors their departments'
// (plus their own), auditors and admins all.
// Pure functions over the principal's role scope, department subtree and user
// id, and the recording's metadata; the API layer builds the Viewer from its
// api::Principal (scope name, departmentIds, userId) and still checks the
// permission ("recordings.listen", "recordings.read") itself.
//
// Threads: pure; any thread.
#include <string>
#include <vector>

#include "recording/recordings_repo.h"

namespace hujiao::recording {

struct Viewer {
  std::string userId;
  /// Role scope: "all", "department" or "self"; anything else counts as "self".
  std::string scope = "self";
  /// Department scope: the user's department and its descendants.
  std::vector<std::string> departmentIds;
};

/// Agent data (a recording, a score) owned by agentId in departmentId.
bool canSeeAgentData(const Viewer& v, const std::string& agentId, const std::string& departmentId);
bool canAccessRecording(const Viewer& v, const RecordingMeta& r);
/// Restricts a search to what the viewer may see.
void applyVisibility(const Viewer& v, RecordingQuery& q);

}  // namespace hujiao::recording
