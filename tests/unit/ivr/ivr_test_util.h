#pragma once
// Test harness: a session on a VirtualClock with IvrTimers, recording actions.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "ivr/flow_parse.h"
#include "ivr/flow_registry.h"
#include "ivr/ivr_timers.h"
#include "ivr/session.h"

namespace hujiao::ivr::test {

/// Parses YAML/JSON and validates; fails the test with every issue if invalid.
inline std::shared_ptr<const Flow> mustFlow(const std::string& text, const PromptResolver* resolver = nullptr) {
  auto doc = parseDocument(text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  if (!doc.ok()) return nullptr;
  auto check = checkFlow(*doc, resolver);
  EXPECT_TRUE(check.ok()) << formatIssues(check.issues);
  return check.flow;
}

inline std::vector<Issue> issuesOf(const std::string& text, const PromptResolver* resolver = nullptr) {
  auto doc = parseDocument(text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  if (!doc.ok()) return {};
  return checkFlow(*doc, resolver).issues;
}

inline bool hasIssue(const std::vector<Issue>& issues, const std::string& node, const std::string& code,
                     const std::string& field = "") {
  for (const auto& i : issues)
    if (i.node == node && i.code == code && (field.empty() || i.field == field)) return true;
  return false;
}

class FakeNotices final : public NoticeBoard {
 public:
  std::optional<std::string> activeNotice(std::string_view id) const override {
    auto it = on.find(std::string(id));
    if (it == on.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::string> on;
};

class FakePrompts final : public PromptResolver {
 public:
  bool exists(const std::string& path) const override { return files.count(path) > 0; }
  std::set<std::string> files;
};

template <class A>
std::vector<A> all(const std::vector<Action>& actions) {
  std::vector<A> out;
  for (const auto& a : actions)
    if (const auto* x = std::get_if<A>(&a)) out.push_back(*x);
  return out;
}
template <class A>
bool has(const std::vector<Action>& actions) {
  return !all<A>(actions).empty();
}
template <class A>
A first(const std::vector<Action>& actions) {
  auto v = all<A>(actions);
  EXPECT_FALSE(v.empty()) << "no action of the expected type";
  return v.empty() ? A{} : v.front();
}

/// 2026-03-04 (a Wednesday) 10:00:00 Asia/Shanghai = 02:00:00 UTC.
constexpr int64_t kWednesday10amShanghaiUs = 1772589600LL * 1'000'000;

class Harness {
 public:
  explicit Harness(int64_t startUs = kWednesday10amShanghaiUs) : clock(startUs), timers(clock) {}

  std::vector<Action> start(std::shared_ptr<const Flow> flow, SessionContext ctx = {}) {
    if (ctx.callId.empty()) ctx.callId = "call-1";
    if (ctx.caller.empty()) ctx.caller = "13912345678";
    if (ctx.called.empty()) ctx.called = "4008001234";
    SessionDeps deps;
    deps.clock = &clock;
    deps.notices = &notices;
    deps.flows = &registry;
    session = std::make_unique<IvrSession>(std::move(flow), std::move(ctx), deps);
    return send(event::Started{});
  }

  std::vector<Action> send(const Event& e) {
    auto actions = session->handle(e);
    timers.apply(1, actions);
    for (const auto& a : actions) {
      if (const auto* p = std::get_if<action::Play>(&a)) playing = *p;
      if (const auto* s = std::get_if<action::StopPlay>(&a); s && s->playId == playing.playId) playing = {};
      log.push_back(a);
    }
    last = actions;
    return actions;
  }

  /// The current prompt finished playing.
  std::vector<Action> promptDone() {
    EXPECT_NE(playing.playId, 0u) << "nothing is playing";
    uint64_t id = playing.playId;
    playing = {};
    return send(event::PromptDone{id});
  }

  std::vector<Action> digits(const std::string& ds) {
    std::vector<Action> out;
    for (char d : ds) {
      auto a = send(event::Digit{d});
      out.insert(out.end(), a.begin(), a.end());
    }
    return out;
  }

  /// Moves the clock forward, firing due timers at their due time.
  std::vector<Action> advanceMs(int64_t ms) {
    std::vector<Action> out;
    int64_t target = clock.monoUs() + ms * 1000;
    while (true) {
      auto due = timers.nextDueMonoUs();
      if (!due || *due > target) break;
      clock.advanceUs(*due - clock.monoUs());
      for (const auto& [owner, id] : timers.popDue()) {
        (void)owner;
        auto a = send(event::TimerFired{id});
        out.insert(out.end(), a.begin(), a.end());
      }
    }
    clock.advanceUs(target - clock.monoUs());
    return out;
  }

  /// The text of every item of the current prompt, joined with "|".
  std::string playingText() const {
    std::string s;
    for (const auto& i : playing.items) s += (s.empty() ? "" : "|") + i.value;
    return s;
  }

  std::string exitReason() const { return session->pathJson()["exit"].value("reason", std::string()); }

  core::VirtualClock clock;
  IvrTimers timers;
  FakeNotices notices;
  FlowRegistry registry;
  std::unique_ptr<IvrSession> session;
  action::Play playing;
  std::vector<Action> log;
  std::vector<Action> last;
};

}  // namespace hujiao::ivr::test
