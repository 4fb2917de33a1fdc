#pragma once
// The path one call took through its flow(s): nodes with times, digits, HTTP
// outcomes, variables set, and how it ended. The call layer stores toJson()
// with the call; reports compute IVR containment (finished without reaching an
// agent) and node drop-off (last node before the caller hung up) from it.
//
// Threads: owned by one IvrSession (control thread).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace hujiao::ivr {

class PathRecord {
 public:
  void begin(const std::string& callId, const std::string& flowId, int flowVersion, int64_t startUs,
             const std::string& language);
  /// A node was entered; later detail() calls attach to it.
  void step(const std::string& node, const char* type, int64_t nowUs);
  /// Adds a field to the current step (digits, outcome, http, vars...).
  void detail(const std::string& key, nlohmann::json value);
  /// Appends a value to the current step's list `key`.
  void append(const std::string& key, nlohmann::json value);
  /// Appends digits to the current step's "digits".
  void digits(const std::string& d);
  /// Records a variable set by the current step (also in "vars").
  void variable(const std::string& name, const nlohmann::json& value);
  void flowChanged(const std::string& flowId, int version);
  void languageChanged(const std::string& language);
  void reachedAgent(const std::string& agent);
  void finish(const std::string& reason, const std::string& detail, int64_t nowUs);

  bool finished() const { return finished_; }
  const std::string& exitReason() const { return exitReason_; }
  /// {"call_id","flow_id","flow_version","started_at_us","language","steps":[{node,type,at_ms,...}],
  ///  "reached_agent","exit":{"reason","detail","node","at_ms"}}
  nlohmann::json toJson() const { return doc_; }

 private:
  nlohmann::json& current();
  nlohmann::json doc_ = nlohmann::json::object();
  int64_t startUs_ = 0;
  std::string lastNode_;
  std::string exitReason_;
  bool finished_ = false;
  static constexpr std::size_t kMaxSteps = 500;  // runaway guard keeps it far below
};

}  // namespace hujiao::ivr
