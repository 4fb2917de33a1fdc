#pragma once
// Internal to the flow parser: reads the fields of one JSON object, records
// an Issue for every missing, mistyped or out-of-range field, and remembers
// which fields were read so unknown (misspelt) ones can be reported.
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ivr/flow.h"
#include "ivr/flow_parse.h"

namespace hujiao::ivr::detail {

class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string node, std::vector<Issue>& issues)
      : obj_(object), node_(std::move(node)), issues_(issues) {}

  void issue(const std::string& field, const std::string& code, const std::string& message) {
    issues_.push_back(Issue{node_, field, code, message});
  }
  bool has(const std::string& field) const { return obj_.contains(field); }
  const nlohmann::json* raw(const std::string& field);

  std::optional<std::string> str(const std::string& field, bool required);
  std::optional<std::string> target(const std::string& field, bool required) { return str(field, required); }
  int integer(const std::string& field, int def, int min, int max);
  bool boolean(const std::string& field, bool def);
  std::vector<std::string> strList(const std::string& field, bool required);
  std::optional<Template> tmpl(const std::string& field, bool required);
  std::optional<Expression> expr(const std::string& field, bool required);
  /// A prompt: "file.wav", {file|tts|tone|silence_ms...}, or a list of those.
  Prompt prompt(const std::string& field, bool required, const std::vector<std::string>& languages);
  /// Reports every field not read so far (call last).
  void reportUnknown(const std::set<std::string>& alwaysAllowed);

  const std::string& node() const { return node_; }

 private:
  std::optional<PromptItem> promptItem(const nlohmann::json& item, const std::string& where,
                                       const std::vector<std::string>& languages);
  std::optional<LocalizedText> localized(const nlohmann::json& value, const std::string& where,
                                         const std::vector<std::string>& languages);
  const nlohmann::json& obj_;
  std::string node_;
  std::vector<Issue>& issues_;
  std::set<std::string> read_;
};

/// Parses the type-specific fields of a node (flow_parse_nodes.cpp).
std::optional<NodeSpec> parseNodeSpec(NodeType type, FieldReader& r, const std::vector<std::string>& languages);

std::string typeName(const nlohmann::json& v);

/// Graph and resource checks on a parsed flow (flow_validate.cpp).
void validateGraph(const Flow& flow, const std::set<std::string>& declared, bool complete,
                   std::vector<Issue>& issues);
void validatePrompts(const Flow& flow, const PromptResolver& resolver, std::vector<Issue>& issues);

}  // namespace hujiao::ivr::detail
