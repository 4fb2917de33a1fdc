#include "ivr/path_record.h"

namespace hujiao::ivr {

using nlohmann::json;

void PathRecord::begin(const std::string& callId, const std::string& flowId, int flowVersion, int64_t startUs,
                       const std::string& language) {
  startUs_ = startUs;
  doc_ = json{{"call_id", callId},
              {"flow_id", flowId},
              {"flow_version", flowVersion},
              {"started_at_us", startUs},
              {"language", language},
              {"steps", json::array()},
              {"reached_agent", false}};
}

void PathRecord::step(const std::string& node, const char* type, int64_t nowUs) {
  lastNode_ = node;
  auto& steps = doc_["steps"];
  if (steps.size() >= kMaxSteps) {
    doc_["steps_truncated"] = true;
    return;
  }
  steps.push_back(json{{"node", node}, {"type", type}, {"at_ms", (nowUs - startUs_) / 1000}});
}

json& PathRecord::current() {
  static thread_local json sink;  // steps past kMaxSteps are dropped
  auto& steps = doc_["steps"];
  if (steps.empty() || doc_.contains("steps_truncated")) {
    sink = json::object();
    return sink;
  }
  return steps.back();
}

void PathRecord::detail(const std::string& key, json value) { current()[key] = std::move(value); }

void PathRecord::append(const std::string& key, json value) { current()[key].push_back(std::move(value)); }

void PathRecord::digits(const std::string& d) {
  auto& s = current();
  s["digits"] = s.value("digits", std::string()) + d;
}

void PathRecord::variable(const std::string& name, const json& value) { current()["vars"][name] = value; }

void PathRecord::flowChanged(const std::string& flowId, int version) {
  doc_["flows"].push_back(json{{"flow_id", flowId}, {"flow_version", version}});
  detail("to_flow", flowId);
}

void PathRecord::languageChanged(const std::string& language) { doc_["language"] = language; }

void PathRecord::reachedAgent(const std::string& agent) {
  doc_["reached_agent"] = true;
  if (!agent.empty()) doc_["agent"] = agent;
}

void PathRecord::finish(const std::string& reason, const std::string& detailText, int64_t nowUs) {
  if (finished_) return;
  finished_ = true;
  exitReason_ = reason;
  doc_["exit"] = json{{"reason", reason}, {"detail", detailText}, {"node", lastNode_}, {"at_ms", (nowUs - startUs_) / 1000}};
}

}  // namespace hujiao::ivr
