#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "ivr_test_util.h"

namespace hujiao::ivr::test {
namespace {

std::string simpleFlow(const std::string& text, const std::string& version = "") {
  return "id: greet\n" + (version.empty() ? "" : "version: " + version + "\n") +
         "start: hi\nnodes:\n  hi: {type: play, prompt: {tts: \"" + text + "\"}, next: bye}\n  bye: {type: hangup}\n";
}

TEST(IvrRegistry, PublishAssignsVersionsAndSessionsKeepTheirs) {
  Harness h;
  auto v1 = h.registry.publish(*parseDocument(simpleFlow("version one")));
  ASSERT_TRUE(v1.ok()) << formatIssues(v1.issues);
  EXPECT_EQ(v1.flow->version, 1);
  h.start(h.registry.current("greet"));
  EXPECT_EQ(h.playingText(), "version one");

  auto v2 = h.registry.publish(*parseDocument(simpleFlow("version two")));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2.flow->version, 2);
  EXPECT_EQ(h.registry.current("greet")->version, 2);
  EXPECT_EQ(h.registry.versions("greet"), (std::vector<int>{1, 2}));
  EXPECT_EQ(h.registry.version("greet", 1)->document["version"], 1);

  // The session started on v1 finishes on v1.
  EXPECT_EQ(h.session->flow().version, 1);
  h.promptDone();
  EXPECT_TRUE(h.session->finished());
  EXPECT_EQ(h.session->pathJson()["flow_version"], 1);

  // A new call gets v2.
  Harness h2;
  h2.start(h.registry.current("greet"));
  EXPECT_EQ(h2.playingText(), "version two");
}

TEST(IvrRegistry, InvalidFlowIsNeverPublished) {
  FlowRegistry reg;
  ASSERT_TRUE(reg.publish(*parseDocument(simpleFlow("good"))).ok());
  auto bad = reg.publish(*parseDocument("id: greet\nstart: hi\nnodes:\n  hi: {type: play, next: nowhere}\n"));
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(hasIssue(bad.issues, "hi", "missing_field", "prompt"));
  EXPECT_TRUE(hasIssue(bad.issues, "hi", "dangling_target", "next"));
  EXPECT_EQ(reg.current("greet")->version, 1);  // the running version stays
  EXPECT_EQ(reg.versions("greet").size(), 1u);
}

TEST(IvrRegistry, ExplicitVersionMustIncrease) {
  FlowRegistry reg;
  ASSERT_TRUE(reg.publish(*parseDocument(simpleFlow("a", "5"))).ok());
  EXPECT_EQ(reg.current("greet")->version, 5);
  auto older = reg.publish(*parseDocument(simpleFlow("b", "3")));
  EXPECT_FALSE(older.ok());
  EXPECT_NE(older.error.find("not newer"), std::string::npos);
  EXPECT_EQ(reg.publish(*parseDocument(simpleFlow("c"))).flow->version, 6);
}

TEST(IvrRegistry, LoadsDirectoryOfJsonAndYaml) {
  auto dir = std::filesystem::temp_directory_path() / ("ivr_flows_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.yaml") << simpleFlow("from yaml");
  std::ofstream(dir / "b.json") << R"({"id":"other","start":"x","nodes":{"x":{"type":"hangup"}}})";
  std::ofstream(dir / "c.yml") << "id: broken\nstart: x\nnodes:\n  x: {type: nope}\n";
  std::ofstream(dir / "d.txt") << "ignored";
  FlowRegistry reg;
  auto report = reg.loadDirectory(dir.string());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(report.published.size(), 2u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_NE(report.failures[0].first.find("c.yml"), std::string::npos);
  EXPECT_NE(report.failures[0].second.find("unknown_type"), std::string::npos);
  EXPECT_NE(reg.current("greet"), nullptr);
  EXPECT_NE(reg.current("other"), nullptr);
  EXPECT_EQ(reg.current("broken"), nullptr);
}

TEST(IvrDemoFlow, PassesTheValidator) {
  std::ifstream in(std::string(HUJIAO_SOURCE_DIR) + "/src/ivr/demo/demo_flow.yaml");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  FakePrompts noFiles;  // the demo uses TTS only: it must not need any file
  auto doc = parseDocument(text.str());
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  auto check = checkFlow(*doc, &noFiles);
  EXPECT_TRUE(check.ok()) << formatIssues(check.issues);
  ASSERT_TRUE(check.flow);
  EXPECT_EQ(check.flow->languages, (std::vector<std::string>{"zh", "en"}));
}

TEST(IvrDemoFlow, EnglishCallerLooksUpBalance) {
  std::ifstream in(std::string(HUJIAO_SOURCE_DIR) + "/src/ivr/demo/demo_flow.yaml");
  std::stringstream text;
  text << in.rdbuf();
  Harness h;  // Wednesday 10:00 in Shanghai: open
  h.notices.on["emergency"] = "";
  h.start(mustFlow(text.str()));
  EXPECT_TRUE(has<action::Answer>(h.log));
  h.digits("2");  // English, barging into the language prompt
  EXPECT_EQ(h.session->language(), "en");
  EXPECT_NE(h.playingText().find("Important notice"), std::string::npos);
  h.promptDone();
  EXPECT_NE(h.playingText().find("For an agent press 1"), std::string::npos);
  h.digits("2");
  h.digits("12345678#");
  auto req = first<action::HttpRequest>(h.last);
  EXPECT_EQ(req.url, "http://127.0.0.1:18090/api/balance?account=12345678&caller=13912345678");
  h.send(event::HttpResult{req.requestId, 200, R"({"data":{"balance":88.5}})", false, "", 30});
  EXPECT_EQ(h.playingText(), "Your balance is 88.5 yuan.");
  auto path = h.session->pathJson();
  EXPECT_EQ(path["language"], "en");
  h.send(event::Hangup{});
  EXPECT_EQ(h.exitReason(), "hangup_in_ivr");
}

}  // namespace
}  // namespace hujiao::ivr::test
