#pragma once
// Parsing and validating flow documents.
//
// checkFlow() is the validator: it parses a JSON document into a Flow and
// reports EVERY problem it finds (not just the first), each with the node id,
// the field and a stable code:
//   bad_document, unknown_type, unknown_field, missing_field, wrong_type,
//   bad_value, dangling_target, unreachable, missing_prompt, loop_without_input,
//   bad_pattern, bad_schedule, bad_timezone, bad_url, bad_expression, bad_template
// A Flow is returned only when there is no issue: an invalid flow is never
// published.
//
// Threads: service plane (API handlers, start-up); it may touch the disk
// through the PromptResolver and the tz database. Never on the control thread.
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ivr/flow.h"

namespace hujiao::ivr {

/// Tells the validator which prompt files exist (tests control it).
class PromptResolver {
 public:
  virtual ~PromptResolver() = default;
  /// path as written in the flow, after {lang} substitution.
  virtual bool exists(const std::string& path) const = 0;
};

/// Files under a sounds directory (media.sounds_dir). Absolute paths and ".."
/// are refused: flows may not read arbitrary files.
class DirectoryPromptResolver final : public PromptResolver {
 public:
  explicit DirectoryPromptResolver(std::string root) : root_(std::move(root)) {}
  bool exists(const std::string& path) const override;

 private:
  std::string root_;
};

struct Issue {
  std::string node;   // empty for flow-level problems
  std::string field;  // e.g. "branches.1", "prompt[0].file"; may be empty
  std::string code;
  std::string message;
};

struct FlowCheck {
  std::shared_ptr<const Flow> flow;  // set only when issues is empty
  std::vector<Issue> issues;
  bool ok() const { return issues.empty() && flow != nullptr; }
};

/// Validates and builds. resolver may be null: prompt files are then not checked.
FlowCheck checkFlow(const nlohmann::json& document, const PromptResolver* resolver);

/// JSON or YAML text to a JSON document (YAML is a superset: JSON text is
/// read by the YAML path too, but JSON errors are clearer from the JSON parser).
/// Errors: code "bad_document" with line information.
enum class DocumentFormat { Auto, Json, Yaml };
core::Result<nlohmann::json> parseDocument(std::string_view text, DocumentFormat format = DocumentFormat::Auto);

/// Issues as {"issues":[{"node","field","code","message"}...]} entries (API body).
nlohmann::json issuesToJson(const std::vector<Issue>& issues);
/// One line per issue: "node 'menu': branches.1: dangling_target: ..." (logs, CLI).
std::string formatIssues(const std::vector<Issue>& issues);

}  // namespace hujiao::ivr
