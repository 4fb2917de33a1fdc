// One test per kind of validation error, each checking the node id and code.
#include "ivr_test_util.h"

namespace hujiao::ivr::test {
namespace {

// A valid base flow the tests break in one place each.
std::string base(const std::string& extraNodes, const std::string& mainNext = "bye") {
  return R"(
id: t
start: main
nodes:
  main:
    type: play
    prompt: {tts: "hello"}
    next: )" + mainNext + R"(
  bye:
    type: hangup
)" + extraNodes;
}

TEST(IvrValidator, BaseFlowIsValid) { EXPECT_TRUE(issuesOf(base("")).empty()) << formatIssues(issuesOf(base(""))); }

TEST(IvrValidator, UnknownNodeType) {
  auto issues = issuesOf(base("  x:\n    type: teleport\n"), nullptr);
  EXPECT_TRUE(hasIssue(issues, "x", "unknown_type", "type")) << formatIssues(issues);
}

TEST(IvrValidator, MissingRequiredField) {
  auto issues = issuesOf(base("  m:\n    type: menu\n    prompt: {tts: hi}\n", "m"));
  EXPECT_TRUE(hasIssue(issues, "m", "missing_field", "branches")) << formatIssues(issues);
  auto noStart = issuesOf("id: t\nnodes:\n  a: {type: hangup}\n");
  EXPECT_TRUE(hasIssue(noStart, "", "missing_field", "start")) << formatIssues(noStart);
}

TEST(IvrValidator, WrongFieldType) {
  auto issues = issuesOf(base("  m:\n    type: menu\n    prompt: {tts: hi}\n    branches: {'1': bye}\n"
                              "    timeout_ms: soon\n    retries: [1]\n",
                              "m"));
  EXPECT_TRUE(hasIssue(issues, "m", "wrong_type", "timeout_ms")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "m", "wrong_type", "retries")) << formatIssues(issues);
}

TEST(IvrValidator, UnknownFieldIsReported) {
  auto issues = issuesOf(base("  m:\n    type: menu\n    prompt: {tts: hi}\n    branches: {'1': bye}\n"
                              "    timout_ms: 100\n",
                              "m"));
  EXPECT_TRUE(hasIssue(issues, "m", "unknown_field", "timout_ms")) << formatIssues(issues);
}

TEST(IvrValidator, DanglingTarget) {
  auto issues = issuesOf(base("  m:\n    type: menu\n    prompt: {tts: hi}\n    branches: {'1': nowhere}\n", "m"));
  EXPECT_TRUE(hasIssue(issues, "m", "dangling_target", "branches.1")) << formatIssues(issues);
  auto badStart = issuesOf("id: t\nstart: nope\nnodes:\n  a: {type: hangup}\n");
  EXPECT_TRUE(hasIssue(badStart, "", "dangling_target", "start")) << formatIssues(badStart);
}

TEST(IvrValidator, UnreachableNode) {
  auto issues = issuesOf(base("  orphan:\n    type: hangup\n"));
  ASSERT_EQ(issues.size(), 1u) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "orphan", "unreachable"));
}

TEST(IvrValidator, MissingPromptFile) {
  FakePrompts prompts;
  prompts.files = {"zh/welcome.wav", "hello.wav"};
  std::string flow = R"(
id: t
languages: [zh, en]
start: main
nodes:
  main:
    type: play
    prompt: ["hello.wav", {file: "{lang}/welcome.wav"}, {file: {zh: "zh/x.wav", en: "en/x.wav"}}]
    next: bye
  bye: {type: hangup}
)";
  auto issues = issuesOf(flow, &prompts);
  EXPECT_TRUE(hasIssue(issues, "main", "missing_prompt", "prompt[1]")) << formatIssues(issues);  // en/welcome.wav
  EXPECT_TRUE(hasIssue(issues, "main", "missing_prompt", "prompt[2]")) << formatIssues(issues);
  EXPECT_EQ(issues.size(), 3u) << formatIssues(issues);  // en/welcome.wav, zh/x.wav, en/x.wav
  prompts.files = {"hello.wav", "zh/welcome.wav", "en/welcome.wav", "zh/x.wav", "en/x.wav"};
  EXPECT_TRUE(issuesOf(flow, &prompts).empty());
}

TEST(IvrValidator, LoopWithoutInput) {
  std::string flow = R"(
id: t
start: a
nodes:
  a: {type: set, values: {x: 1}, next: b}
  b:
    type: branch
    cases: [{when: "x == 1", next: a}]
    default: bye
  bye: {type: hangup}
)";
  auto issues = issuesOf(flow);
  ASSERT_EQ(issues.size(), 1u) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "a", "loop_without_input"));
  EXPECT_NE(issues[0].message.find("a, b"), std::string::npos);
  // A loop through a menu waits for the caller: fine.
  std::string ok = R"(
id: t
start: a
nodes:
  a: {type: set, values: {x: 1}, next: m}
  m: {type: menu, prompt: {tts: hi}, branches: {'1': a}, default: bye}
  bye: {type: hangup}
)";
  EXPECT_TRUE(issuesOf(ok).empty()) << formatIssues(issuesOf(ok));
}

TEST(IvrValidator, BadRegexPattern) {
  auto issues = issuesOf(base("  in:\n    type: input\n    prompt: {tts: hi}\n    variable: acct\n"
                              "    pattern: '^[0-9{4'\n    next: bye\n",
                              "in"));
  EXPECT_TRUE(hasIssue(issues, "in", "bad_pattern", "pattern")) << formatIssues(issues);
}

TEST(IvrValidator, BadScheduleTimesAndZone) {
  auto issues = issuesOf(base(R"(  s:
    type: schedule
    timezone: Mars/Base
    hours: {mon: ["9-18"], funday: ["09:00-10:00"], tue: ["25:00-26:00"]}
    holidays: ["2026-02-30"]
    open: bye
    closed: bye
)",
                              "s"));
  EXPECT_TRUE(hasIssue(issues, "s", "bad_timezone", "timezone")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "s", "bad_schedule", "hours.mon[0]")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "s", "bad_schedule", "hours.funday")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "s", "bad_schedule", "hours.tue[0]")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "s", "bad_schedule", "holidays[0]")) << formatIssues(issues);
}

TEST(IvrValidator, BadUrlTemplates) {
  auto flowWith = [](const std::string& url) {
    return base("  h:\n    type: http\n    url: \"" + url + "\"\n    next: bye\n    fallback: bye\n", "h");
  };
  EXPECT_TRUE(hasIssue(issuesOf(flowWith("ftp://x/y")), "h", "bad_url"));
  EXPECT_TRUE(hasIssue(issuesOf(flowWith("http://${host}/y")), "h", "bad_url"));
  EXPECT_TRUE(hasIssue(issuesOf(flowWith("http://a/b?x=${acct")), "h", "bad_template"));
  EXPECT_TRUE(hasIssue(issuesOf(flowWith("http://a/b c")), "h", "bad_url"));
  EXPECT_TRUE(issuesOf(flowWith("https://crm.example/api?n=${caller}")).empty());
}

TEST(IvrValidator, BadExpression) {
  auto issues = issuesOf(base("  b:\n    type: branch\n    cases: [{when: \"vip_level >\", next: bye}]\n"
                              "    default: bye\n",
                              "b"));
  EXPECT_TRUE(hasIssue(issues, "b", "bad_expression", "cases[0].when")) << formatIssues(issues);
}

TEST(IvrValidator, BadValues) {
  auto issues = issuesOf(base(R"(  in:
    type: input
    prompt: {tts: hi}
    variable: caller
    min_digits: 5
    max_digits: 2
    terminator: "5"
    next: l
  l: {type: language, language: fr, next: bye}
)",
                              "in"));
  EXPECT_TRUE(hasIssue(issues, "in", "bad_value", "variable")) << formatIssues(issues);  // built-in name
  EXPECT_TRUE(hasIssue(issues, "in", "bad_value", "max_digits")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "in", "bad_value", "terminator")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "l", "bad_value", "language")) << formatIssues(issues);
}

TEST(IvrValidator, ReportsEveryProblemAtOnce) {
  std::string flow = R"(
id: t
start: m
nodes:
  m:
    type: menu
    prompt: {tts: hi}
    branches: {'1': gone, '2': x}
  x: {type: warp}
  y: {type: hangup}
  s: {type: schedule, timezone: UTC, hours: {mon: ["late"]}, open: y, closed: y}
)";
  auto issues = issuesOf(flow);
  EXPECT_TRUE(hasIssue(issues, "m", "dangling_target", "branches.1")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "x", "unknown_type")) << formatIssues(issues);
  EXPECT_TRUE(hasIssue(issues, "s", "bad_schedule")) << formatIssues(issues);
  EXPECT_FALSE(hasIssue(issues, "m", "dangling_target", "branches.2"));  // x exists, it is just broken
  EXPECT_GE(issues.size(), 3u);
  EXPECT_NE(formatIssues(issues).find("node 'm': branches.1: dangling_target"), std::string::npos);
}

TEST(IvrValidator, DocumentErrorsCarryLines) {
  auto yaml = parseDocument("id: t\nnodes: [unclosed\n");
  ASSERT_FALSE(yaml.ok());
  EXPECT_EQ(yaml.error().code, "bad_document");
  EXPECT_NE(yaml.error().message.find("line"), std::string::npos);
  auto json = parseDocument("{\"id\": }");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(checkFlow(nlohmann::json::array(), nullptr).issues.at(0).code, "bad_document");
}

}  // namespace
}  // namespace hujiao::ivr::test
