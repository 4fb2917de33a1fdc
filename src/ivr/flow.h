#pragma once
// The flow model: what a flow document becomes once parsed and validated.
//
// A Flow is immutable and shared (std::shared_ptr<const Flow>): the registry
// publishes a new object per version and every IvrSession holds the version
// it started on, so publishing never disturbs calls in progress. Regexes,
// expressions, templates and time zones are compiled/loaded at parse time so
// the control thread does no parsing and no I/O. See docs/ivr.md for the
// document format.
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ivr/expr.h"
#include "ivr/schedule.h"

namespace hujiao::ivr {

enum class NodeType {
  Answer, Play, Menu, Input, Set, Branch, Schedule, Http, Queue, Transfer, Voicemail, Callback, Survey,
  Language, Notice, Hangup
};
const char* toString(NodeType t);
std::optional<NodeType> nodeTypeFromString(std::string_view s);

/// Text that may differ per language: key "" applies to every language.
/// File paths may also contain "{lang}", replaced by the call's language.
struct LocalizedText {
  std::map<std::string, Template> perLanguage;
  /// The template for a language: its own, else the "" one; nullptr if none.
  const Template* forLanguage(const std::string& language) const;
};

struct PromptItem {
  enum class Kind { File, Tts, Tone, Silence };
  Kind kind = Kind::File;
  LocalizedText text;  // File: path; Tts: text
  std::string tone;    // Tone: "beep", "ringback", "busy", "dial", ...
  int durationMs = 0;  // Tone (0 = the tone's natural length) / Silence
};
using Prompt = std::vector<PromptItem>;

struct AnswerSpec {
  std::string next;
};
struct PlaySpec {
  Prompt prompt;
  bool bargeIn = false;
  std::string next;
};
struct MenuSpec {
  Prompt prompt, invalidPrompt, timeoutPrompt;
  std::map<char, std::string> branches;  // digit -> node; the valid digits
  std::string defaultTarget;             // after the retries are used up; empty = hang up
  int timeoutMs = 5000;
  int retries = 2;  // re-prompts after the first try
};
struct InputSpec {
  Prompt prompt, invalidPrompt, timeoutPrompt;
  std::string variable;
  int minDigits = 1;
  int maxDigits = 20;
  std::string terminators = "#";
  int firstDigitTimeoutMs = 5000;
  int interDigitTimeoutMs = 3000;
  std::optional<std::regex> pattern;  // must match the whole input
  std::string patternText;
  int retries = 2;
  std::string next, failure;  // failure: after the retries; empty = hang up
};
struct SetSpec {
  /// "values": literals or ${...} templates; "expressions": computed values.
  struct Assignment {
    std::string variable;
    std::optional<Template> text;
    std::optional<Expression> expression;
    Value literal;  // numbers and booleans
  };
  std::vector<Assignment> assignments;  // every right-hand side sees the variables as they were on entry
  std::string next;
};
struct BranchSpec {
  std::vector<std::pair<Expression, std::string>> cases;  // first true wins
  std::string defaultTarget;
};
struct ScheduleSpec {
  ivr::Schedule schedule;
  std::string open, closed, holiday;  // holiday empty = closed
};
struct HttpSpec {
  std::string method = "GET";
  Template url;
  std::vector<std::pair<std::string, Template>> headers;
  std::optional<Template> body;  // JSON-escaped when contentType is JSON
  std::string contentType = "application/json";
  int timeoutMs = 3000;
  std::vector<std::pair<std::string, std::string>> result;  // variable <- JSON pointer into the reply
  std::string next, fallback;
};
struct QueueSpec {
  std::string queue;
  std::vector<std::string> skills;
  int priority = 0;
  Prompt announcement;     // played while waiting, every announceEveryMs
  int announceEveryMs = 30000;
  int maxWaitMs = 0;       // 0 = the queue's own setting
  std::string failure;     // no agent / queue closed / timed out; empty = hang up
  std::string afterAgent;  // the agent hung up first and the caller is still there (e.g. a survey)
};
struct TransferSpec {
  enum class Kind { Extension, External, Flow };
  Kind kind = Kind::Extension;
  Template destination;
  std::string trunk;  // External only; empty = default route
  int timeoutMs = 30000;
  std::string failure;  // empty = hang up
};
struct VoicemailSpec {
  Prompt prompt;
  Template mailbox;
  int maxLengthMs = 120000;
  bool beep = true;
  std::string finishDigits = "#";
  std::string next;  // after the recording (empty = hang up)
};
struct CallbackSpec {
  Template number;
  std::optional<Template> preferredTime;
  std::string queue;
  std::string next;
};
struct SurveySpec {
  Prompt prompt, invalidPrompt, thanksPrompt;
  std::string question;  // stored with the rating
  std::string variable = "survey_rating";
  int timeoutMs = 5000;
  int retries = 1;
  std::string next;  // empty = hang up
};
struct LanguageSpec {
  std::optional<std::string> language;    // a fixed language...
  std::optional<Expression> fromExpression;  // ...or one computed at run time (unknown values are ignored)
  std::string next;
};
struct NoticeSpec {
  std::string notice;  // NoticeBoard key
  Prompt prompt;       // used when the board gives no text of its own
  bool bargeIn = false;
  std::string next;
};
struct HangupSpec {
  Prompt prompt;
  std::string reason = "completed";
};

using NodeSpec = std::variant<AnswerSpec, PlaySpec, MenuSpec, InputSpec, SetSpec, BranchSpec, ScheduleSpec,
                              HttpSpec, QueueSpec, TransferSpec, VoicemailSpec, CallbackSpec, SurveySpec,
                              LanguageSpec, NoticeSpec, HangupSpec>;

struct Node {
  std::string id;
  NodeType type = NodeType::Hangup;
  NodeSpec spec;
};

/// Every (field, target node id) of a node, in a stable order.
std::vector<std::pair<std::string, std::string>> targetsOf(const Node& node);
/// Nodes that wait for the caller or for time (prompts, digits, replies).
bool waitsForInputOrTime(NodeType t);

struct Flow {
  std::string id;
  int version = 0;
  std::string name;
  std::string start;
  std::vector<std::string> languages;  // the first is the default
  Value variables = Value::object();   // initial values
  int maxNodeVisits = 200;             // runaway guard per call
  std::map<std::string, Node, std::less<>> nodes;
  Value document;  // the document as published (with "version" set)

  const Node* find(std::string_view id) const {
    auto it = nodes.find(id);
    return it == nodes.end() ? nullptr : &it->second;
  }
  const std::string& defaultLanguage() const { return languages.front(); }
};

}  // namespace hujiao::ivr
