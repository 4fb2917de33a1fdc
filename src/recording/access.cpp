#include "recording/access.h"

#include <algorithm>

namespace hujiao::recording {

bool canSeeAgentData(const Viewer& v, const std::string& agentId, const std::string& departmentId) {
  if (v.scope == "all") return true;
  if (!v.userId.empty() && agentId == v.userId) return true;
  if (v.scope == "department" && !departmentId.empty()) {
    return std::find(v.departmentIds.begin(), v.departmentIds.end(), departmentId) != v.departmentIds.end();
  }
  return false;
}

bool canAccessRecording(const Viewer& v, const RecordingMeta& r) {
  if (canSeeAgentData(v, r.agentId, r.departmentId)) return true;
  // An agent who took part in the call (by queue or on his extension).
  return !v.userId.empty() && std::find(r.participants.begin(), r.participants.end(), v.userId) != r.participants.end();
}

void applyVisibility(const Viewer& v, RecordingQuery& q) {
  q.departmentIds.clear();
  q.selfAgentId.clear();
  q.nothingVisible = false;
  if (v.scope == "all") return;
  q.selfAgentId = v.userId;
  if (v.scope == "department") q.departmentIds = v.departmentIds;
  if (q.selfAgentId.empty() && q.departmentIds.empty()) q.nothingVisible = true;
}

}  // namespace hujiao::recording
