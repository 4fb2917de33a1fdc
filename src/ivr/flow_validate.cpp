// Whole-flow checks: dangling targets, unreachable nodes, loops that never
// wait for the caller or for time, and prompt files that do not exist.
#include <algorithm>
#include <deque>
#include <functional>
#include <set>

#include "ivr/flow_reader.h"

namespace hujiao::ivr::detail {

namespace {

std::vector<std::pair<std::string, const Prompt*>> promptsOf(const Node& node) {
  std::vector<std::pair<std::string, const Prompt*>> out;
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, PlaySpec> || std::is_same_v<S, VoicemailSpec> ||
                      std::is_same_v<S, NoticeSpec> || std::is_same_v<S, HangupSpec>) {
          out.emplace_back("prompt", &s.prompt);
        } else if constexpr (std::is_same_v<S, MenuSpec> || std::is_same_v<S, InputSpec>) {
          out.emplace_back("prompt", &s.prompt);
          out.emplace_back("invalid_prompt", &s.invalidPrompt);
          out.emplace_back("timeout_prompt", &s.timeoutPrompt);
        } else if constexpr (std::is_same_v<S, SurveySpec>) {
          out.emplace_back("prompt", &s.prompt);
          out.emplace_back("invalid_prompt", &s.invalidPrompt);
          out.emplace_back("thanks_prompt", &s.thanksPrompt);
        } else if constexpr (std::is_same_v<S, QueueSpec>) {
          out.emplace_back("announcement", &s.announcement);
        }
      },
      node.spec);
  return out;
}

std::string replaceLang(std::string path, const std::string& lang) {
  for (auto pos = path.find("{lang}"); pos != std::string::npos; pos = path.find("{lang}", pos + lang.size()))
    path.replace(pos, 6, lang);
  return path;
}

}  // namespace

void validateGraph(const Flow& flow, const std::set<std::string>& declared, bool complete,
                   std::vector<Issue>& issues) {
  for (const auto& [id, node] : flow.nodes) {
    for (const auto& [field, target] : targetsOf(node)) {
      if (!declared.count(target))
        issues.push_back(Issue{id, field, "dangling_target", "target node '" + target + "' does not exist"});
    }
  }
  if (!complete || !flow.find(flow.start)) return;

  // Reachability from the start node.
  std::set<std::string> seen{flow.start};
  std::deque<const Node*> todo{flow.find(flow.start)};
  while (!todo.empty()) {
    const Node* n = todo.front();
    todo.pop_front();
    for (const auto& [field, target] : targetsOf(*n)) {
      (void)field;
      const Node* t = flow.find(target);
      if (t && seen.insert(target).second) todo.push_back(t);
    }
  }
  for (const auto& [id, node] : flow.nodes) {
    (void)node;
    if (!seen.count(id))
      issues.push_back(Issue{id, "", "unreachable", "no path from the start node '" + flow.start + "' reaches it"});
  }

  // Cycles among nodes that neither wait for input nor for time (Tarjan's
  // strongly connected components): such a loop would spin forever.
  std::map<std::string, int> index, low;
  std::set<std::string> onStack;
  std::vector<std::string> stack;
  int counter = 0;
  auto instantEdges = [&](const Node& n) {
    std::vector<std::string> out;
    if (waitsForInputOrTime(n.type)) return out;
    for (const auto& [field, target] : targetsOf(n)) {
      (void)field;
      const Node* t = flow.find(target);
      if (t && !waitsForInputOrTime(t->type)) out.push_back(target);
    }
    return out;
  };
  std::function<void(const std::string&)> strong = [&](const std::string& v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    onStack.insert(v);
    for (const auto& w : instantEdges(*flow.find(v))) {
      if (!index.count(w)) {
        strong(w);
        low[v] = std::min(low[v], low[w]);
      } else if (onStack.count(w)) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] != index[v]) return;
    std::vector<std::string> component;
    while (true) {
      std::string w = stack.back();
      stack.pop_back();
      onStack.erase(w);
      component.push_back(w);
      if (w == v) break;
    }
    auto edges = instantEdges(*flow.find(v));
    bool selfLoop = std::find(edges.begin(), edges.end(), v) != edges.end();
    if (component.size() > 1 || selfLoop) {
      std::sort(component.begin(), component.end());
      std::string members;
      for (const auto& m : component) members += (members.empty() ? "" : ", ") + m;
      issues.push_back(Issue{component.front(), "", "loop_without_input",
                             "nodes {" + members + "} form a loop with no node that waits for input or time"});
    }
  };
  for (const auto& [id, node] : flow.nodes) {
    (void)node;
    if (!index.count(id) && !waitsForInputOrTime(node.type)) strong(id);
  }
}

void validatePrompts(const Flow& flow, const PromptResolver& resolver, std::vector<Issue>& issues) {
  for (const auto& [id, node] : flow.nodes) {
    for (const auto& [field, prompt] : promptsOf(node)) {
      std::set<std::string> reported;
      for (std::size_t i = 0; i < prompt->size(); ++i) {
        const PromptItem& item = (*prompt)[i];
        if (item.kind != PromptItem::Kind::File) continue;
        for (const auto& lang : flow.languages) {
          const Template* t = item.text.forLanguage(lang);
          if (!t || t->hasReferences()) continue;  // computed names are resolved at play time
          std::string path = replaceLang(t->text(), lang);
          if (resolver.exists(path) || !reported.insert(path).second) continue;
          std::string where = prompt->size() > 1 ? field + "[" + std::to_string(i) + "]" : field;
          issues.push_back(Issue{id, where, "missing_prompt", "prompt file '" + path + "' does not exist"});
        }
      }
    }
  }
}

}  // namespace hujiao::ivr::detail
