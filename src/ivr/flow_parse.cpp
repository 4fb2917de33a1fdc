#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <sstream>

#include "ivr/flow_parse.h"
#include "ivr/flow_reader.h"

namespace hujiao::ivr {

using nlohmann::json;

namespace {

constexpr std::string_view kTypeNames[] = {"answer", "play",     "menu",      "input",    "set",    "branch",
                                           "schedule", "http",   "queue",     "transfer", "voicemail",
                                           "callback", "survey", "language",  "notice",   "hangup"};

bool validId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

// YAML scalars keep their text; plain (unquoted) ones get JSON types the way
// YAML 1.2's core schema would, except that numbers with a leading zero stay
// text (phone numbers, area codes).
json yamlScalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string_view v = s;
  std::string_view digits = (v[0] == '-' || v[0] == '+') ? v.substr(1) : v;
  bool leadingZero = digits.size() > 1 && digits[0] == '0' && digits[1] != '.';
  if (!leadingZero && !digits.empty()) {
    const char* b = s.data() + (s[0] == '+' ? 1 : 0);
    int64_t i = 0;
    auto [p, ec] = std::from_chars(b, s.data() + s.size(), i);
    if (ec == std::errc() && p == s.data() + s.size()) return i;
    double d = 0;
    auto [p2, ec2] = std::from_chars(b, s.data() + s.size(), d);
    if (ec2 == std::errc() && p2 == s.data() + s.size() && digits.find_first_of("0123456789") == 0) return d;
  }
  return s;
}

json yamlToJson(const YAML::Node& n, int depth) {
  if (depth > 64) throw YAML::Exception(n.Mark(), "document nested too deeply");
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return yamlScalar(n);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : n) arr.push_back(yamlToJson(item, depth + 1));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) throw YAML::Exception(kv.first.Mark(), "map keys must be plain text");
        obj[kv.first.Scalar()] = yamlToJson(kv.second, depth + 1);
      }
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

const char* toString(NodeType t) { return kTypeNames[static_cast<std::size_t>(t)].data(); }

std::optional<NodeType> nodeTypeFromString(std::string_view s) {
  for (std::size_t i = 0; i < std::size(kTypeNames); ++i)
    if (kTypeNames[i] == s) return static_cast<NodeType>(i);
  return std::nullopt;
}

bool waitsForInputOrTime(NodeType t) {
  switch (t) {
    case NodeType::Play:
    case NodeType::Menu:
    case NodeType::Input:
    case NodeType::Http:
    case NodeType::Queue:
    case NodeType::Transfer:
    case NodeType::Voicemail:
    case NodeType::Survey:
    case NodeType::Hangup:
      return true;
    default:
      return false;  // answer, set, branch, schedule, callback, language, notice (silent when off)
  }
}

const Template* LocalizedText::forLanguage(const std::string& language) const {
  auto it = perLanguage.find(language);
  if (it != perLanguage.end()) return &it->second;
  it = perLanguage.find("");
  return it == perLanguage.end() ? nullptr : &it->second;
}

std::vector<std::pair<std::string, std::string>> targetsOf(const Node& node) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* field, const std::string& t) {
    if (!t.empty()) out.emplace_back(field, t);
  };
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, MenuSpec>) {
          for (const auto& [digit, t] : s.branches) out.emplace_back(std::string("branches.") + digit, t);
          add("default", s.defaultTarget);
        } else if constexpr (std::is_same_v<S, BranchSpec>) {
          for (std::size_t i = 0; i < s.cases.size(); ++i)
            out.emplace_back("cases[" + std::to_string(i) + "].next", s.cases[i].second);
          add("default", s.defaultTarget);
        } else if constexpr (std::is_same_v<S, ScheduleSpec>) {
          add("open", s.open);
          add("closed", s.closed);
          add("holiday", s.holiday);
        } else if constexpr (std::is_same_v<S, HttpSpec>) {
          add("next", s.next);
          add("fallback", s.fallback);
        } else if constexpr (std::is_same_v<S, InputSpec>) {
          add("next", s.next);
          add("failure", s.failure);
        } else if constexpr (std::is_same_v<S, QueueSpec>) {
          add("failure", s.failure);
          add("after_agent", s.afterAgent);
        } else if constexpr (std::is_same_v<S, TransferSpec>) {
          add("failure", s.failure);
        } else if constexpr (std::is_same_v<S, HangupSpec>) {
        } else {
          add("next", s.next);
        }
      },
      node.spec);
  return out;
}

bool DirectoryPromptResolver::exists(const std::string& path) const {
  if (path.empty() || path[0] == '/' || path.find("..") != std::string::npos) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path(root_) / path, ec);
}

core::Result<json> parseDocument(std::string_view text, DocumentFormat format) {
  if (format == DocumentFormat::Auto) {
    auto first = text.find_first_not_of(" \t\r\n");
    format = (first != std::string_view::npos && (text[first] == '{' || text[first] == '['))
                 ? DocumentFormat::Json
                 : DocumentFormat::Yaml;
  }
  if (format == DocumentFormat::Json) {
    try {
      return json::parse(text);
    } catch (const json::parse_error& e) {
      return core::makeError("bad_document", std::string("invalid JSON: ") + e.what());
    }
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return yamlToJson(root, 0);
  } catch (const YAML::Exception& e) {
    return core::makeError("bad_document", "invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

json issuesToJson(const std::vector<Issue>& issues) {
  json arr = json::array();
  for (const auto& i : issues)
    arr.push_back({{"node", i.node}, {"field", i.field}, {"code", i.code}, {"message", i.message}});
  return arr;
}

std::string formatIssues(const std::vector<Issue>& issues) {
  std::ostringstream out;
  for (const auto& i : issues) {
    out << (i.node.empty() ? std::string("flow") : "node '" + i.node + "'");
    if (!i.field.empty()) out << ": " << i.field;
    out << ": " << i.code << ": " << i.message << "\n";
  }
  return out.str();
}

FlowCheck checkFlow(const json& doc, const PromptResolver* resolver) {
  FlowCheck out;
  auto& issues = out.issues;
  if (!doc.is_object()) {
    issues.push_back(Issue{"", "", "bad_document", "a flow must be an object, got " + detail::typeName(doc)});
    return out;
  }
  auto flow = std::make_shared<Flow>();
  detail::FieldReader top(doc, "", issues);
  if (auto id = top.str("id", true)) {
    if (!validId(*id)) top.issue("id", "bad_value", "flow id must be 1-64 of [A-Za-z0-9_.-]");
    flow->id = *id;
  }
  flow->version = top.integer("version", 0, 0, 1'000'000'000);
  flow->name = top.str("name", false).value_or("");
  (void)top.str("description", false);
  flow->maxNodeVisits = top.integer("max_node_visits", 200, 5, 100000);
  if (top.has("languages")) {
    flow->languages = top.strList("languages", true);
    for (const auto& l : flow->languages)
      if (l.empty() || l.size() > 8) top.issue("languages", "bad_value", "bad language code '" + l + "'");
  }
  if (flow->languages.empty()) flow->languages = {"zh"};
  if (const json* vars = top.raw("variables")) {
    if (!vars->is_object()) {
      top.issue("variables", "wrong_type", "expected an object, got " + detail::typeName(*vars));
    } else {
      for (const auto& [k, v] : vars->items()) {
        if (v.is_structured()) top.issue("variables." + k, "wrong_type", "variable values must be scalars");
      }
      flow->variables = *vars;
    }
  }
  auto start = top.str("start", true);
  const json* nodes = top.raw("nodes");
  top.reportUnknown({"$schema"});
  if (!nodes) {
    top.issue("nodes", "missing_field", "a flow needs nodes");
  } else if (!nodes->is_object() || nodes->empty()) {
    top.issue("nodes", nodes->is_object() ? "bad_value" : "wrong_type", "nodes must be a non-empty object keyed by id");
  } else {
    for (const auto& [id, body] : nodes->items()) {
      if (!validId(id)) issues.push_back(Issue{id, "", "bad_value", "node ids must be 1-64 of [A-Za-z0-9_.-]"});
      if (!body.is_object()) {
        issues.push_back(Issue{id, "", "wrong_type", "a node must be an object, got " + detail::typeName(body)});
        continue;
      }
      detail::FieldReader r(body, id, issues);
      auto typeName = r.str("type", true);
      if (!typeName) continue;
      auto type = nodeTypeFromString(*typeName);
      if (!type) {
        r.issue("type", "unknown_type", "unknown node type '" + *typeName + "'");
        continue;
      }
      (void)r.str("name", false);
      (void)r.str("description", false);
      auto spec = detail::parseNodeSpec(*type, r, flow->languages);
      r.reportUnknown({"comment"});
      if (spec) flow->nodes.emplace(id, Node{id, *type, std::move(*spec)});
    }
  }
  if (start) {
    flow->start = *start;
    if (nodes && nodes->is_object() && !nodes->contains(*start))
      top.issue("start", "dangling_target", "start node '" + *start + "' does not exist");
  }
  if (nodes && nodes->is_object()) {
    // Targets naming a node that exists but failed to parse are not dangling;
    // reachability is only judged when every node parsed (a broken node may
    // hide the edges that reach others).
    std::set<std::string> declared;
    for (const auto& [id, body] : nodes->items()) declared.insert(id);
    detail::validateGraph(*flow, declared, declared.size() == flow->nodes.size(), issues);
    if (resolver) detail::validatePrompts(*flow, *resolver, issues);
  }
  if (issues.empty()) {
    flow->document = doc;
    out.flow = std::move(flow);
  }
  return out;
}

}  // namespace hujiao::ivr
