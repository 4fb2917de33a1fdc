#pragma once
// FlowRegistry: every published version of every flow.
//
// publish() validates (checkFlow) and, only if the flow is valid, installs a
// new immutable Flow as the current version: the whole catalogue is one
// immutable snapshot swapped atomically, so readers never see a half-updated
// state and never wait behind a validation. Sessions hold the shared_ptr of
// the version they started on, so they finish on it.
//
// Threads: publish()/loadDirectory() on the service plane (they may read
// prompt files and the tz database); current()/version() from any thread
// (the control thread calls them at call setup: one atomic load; it never
// waits behind a publisher, which validates before taking its lock).
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ivr/flow.h"
#include "ivr/flow_parse.h"

namespace hujiao::ivr {

/// What sessions need to follow a transfer to another flow (control thread).
class FlowSource {
 public:
  virtual std::shared_ptr<const Flow> current(std::string_view flowId) const = 0;

 protected:
  ~FlowSource() = default;
};

struct PublishResult {
  std::shared_ptr<const Flow> flow;  // set on success
  std::vector<Issue> issues;         // set on validation failure
  std::string error;                 // set on other failures (e.g. version conflict)
  bool ok() const { return flow != nullptr; }
};

struct DirectoryLoadReport {
  std::vector<std::string> published;                          // "file: id vN"
  std::vector<std::pair<std::string, std::string>> failures;    // file, what is wrong
};

class FlowRegistry final : public FlowSource {
 public:
  explicit FlowRegistry(const PromptResolver* resolver = nullptr) : resolver_(resolver) {}

  /// Validates and publishes. The version is the document's "version" when
  /// given (it must be higher than the current one), else current + 1.
  PublishResult publish(const nlohmann::json& document);
  /// Reads every *.json, *.yaml, *.yml file of a directory (not recursive,
  /// sorted by name) and publishes each valid one.
  DirectoryLoadReport loadDirectory(const std::string& dir);
  /// Installs an already validated flow (checkFlow) as the current version of
  /// its id, whatever the versions already there (publishing an older version
  /// rolls back). flow->version must be > 0. Calls in progress keep theirs.
  void install(std::shared_ptr<const Flow> flow);
  /// Forgets a flow (new calls to it are refused; calls in progress go on).
  void remove(std::string_view flowId);

  std::shared_ptr<const Flow> current(std::string_view flowId) const override;
  std::shared_ptr<const Flow> version(std::string_view flowId, int version) const;
  std::vector<int> versions(std::string_view flowId) const;
  std::vector<std::string> flowIds() const;

 private:
  struct Entry {
    std::map<int, std::shared_ptr<const Flow>> versions;
    std::shared_ptr<const Flow> current;
  };
  using Catalogue = std::map<std::string, Entry, std::less<>>;

  std::shared_ptr<const Catalogue> snapshot() const { return catalogue_.load(std::memory_order_acquire); }

  const PromptResolver* resolver_;
  std::mutex writeMutex_;  // serialises publishers only
  std::atomic<std::shared_ptr<const Catalogue>> catalogue_{std::make_shared<const Catalogue>()};
};

}  // namespace hujiao::ivr
