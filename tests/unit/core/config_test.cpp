#include <gtest/gtest.h>

#include "core/config.h"
#include "core/core_config.h"

using namespace hujiao::core;

namespace {
ConfigSchema schema() {
  ConfigSchema s;
  addCoreConfig(s);
  s.section("http", "HTTP server");
  s.integer("http", "port", 8080, 0, 65535, "TCP port");
  s.real("http", "ratio", 0.5, 0, 1, "A ratio");
  s.stringList("http", "origins", {"a"}, "Allowed origins");
  s.boolean("http", "enabled", true, "Serve HTTP");
  s.integer("http", "max_body_bytes", 1 << 20, 1, 1 << 30, "Body limit");
  return s;
}

std::string errorOf(const std::string& yaml, const std::map<std::string, std::string>& env = {}) {
  try {
    Config::load(schema(), yaml, "test.yaml", env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Config, DefaultsWithoutFile) {
  auto c = Config::load(schema(), "", "x", {});
  EXPECT_EQ(c.getInt("http.port"), 8080);
  EXPECT_EQ(c.getString("log.level"), "info");
  EXPECT_EQ(c.origin("http.port"), "default");
}

TEST(Config, FileValuesAndOrigin) {
  auto c = Config::load(schema(), "http:\n  port: 9090\n  origins: [x, y]\nlog:\n  levels: {sip: debug}\n",
                        "t.yaml", {});
  EXPECT_EQ(c.getInt("http.port"), 9090);
  EXPECT_EQ(c.getStringList("http.origins").size(), 2U);
  EXPECT_EQ(c.getStringMap("log.levels").at("sip"), "debug");
  EXPECT_EQ(c.origin("http.port"), "file:t.yaml:2");
}

TEST(Config, UnknownKeyNamesKeyAndLine) {
  auto e = errorOf("http:\n  port: 1\n  prot: 2\n");
  EXPECT_NE(e.find("test.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("http.prot"), std::string::npos) << e;
}

TEST(Config, UnknownSection) {
  auto e = errorOf("\n\nhtpp:\n  port: 1\n");
  EXPECT_NE(e.find("test.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("htpp"), std::string::npos) << e;
}

TEST(Config, WrongTypes) {
  EXPECT_NE(errorOf("http:\n  port: abc\n").find("http.port must be a integer"), std::string::npos);
  EXPECT_NE(errorOf("http:\n  port: \"80\"\n").find("quoted string"), std::string::npos);
  EXPECT_NE(errorOf("http:\n  enabled: maybe\n").find("http.enabled"), std::string::npos);
  EXPECT_NE(errorOf("http:\n  origins: x\n").find("list of strings"), std::string::npos);
  EXPECT_NE(errorOf("http:\n  port: [1]\n").find("a list"), std::string::npos);
  EXPECT_NE(errorOf("log:\n  level: loud\n").find("not one of"), std::string::npos);
}

TEST(Config, OutOfRange) {
  auto e = errorOf("http:\n  port: 70000\n");
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  EXPECT_NE(e.find("test.yaml:2"), std::string::npos) << e;
  EXPECT_NE(errorOf("http:\n  ratio: 1.5\n").find("http.ratio"), std::string::npos);
}

TEST(Config, SyntaxErrorHasLine) {
  auto e = errorOf("http:\n  port: 1\n bad: [\n");
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST(Config, EnvOverridesFile) {
  auto c = Config::load(schema(), "http:\n  port: 9090\n", "t", {{"HUJIAO_HTTP_PORT", "7070"},
                                                                {"HUJIAO_HTTP_MAX_BODY_BYTES", "100"},
                                                                {"HUJIAO_HTTP_ORIGINS", "a,b,c"},
                                                                {"HUJIAO_ADMIN_PASSWORD", "ignored"}});
  EXPECT_EQ(c.getInt("http.port"), 7070);
  EXPECT_EQ(c.getInt("http.max_body_bytes"), 100);
  EXPECT_EQ(c.getStringList("http.origins").size(), 3U);
  EXPECT_EQ(c.origin("http.port"), "env:HUJIAO_HTTP_PORT");
  EXPECT_NE(errorOf("", {{"HUJIAO_HTTP_PORT", "x"}}).find("env HUJIAO_HTTP_PORT"), std::string::npos);
}

TEST(Config, PrintedDefaultsLoadBackToDefaults) {
  auto s = schema();
  auto printed = s.printDefaults();
  auto c = Config::load(s, printed, "printed", {});
  EXPECT_TRUE(c.diff(Config::defaults(s)).empty());
  EXPECT_NE(printed.find("# TCP port [0 .. 65535]"), std::string::npos);
}

TEST(Config, DiffListsChangedKeys) {
  auto a = Config::load(schema(), "http:\n  port: 1\n", "a", {});
  auto b = Config::load(schema(), "http:\n  port: 2\n", "b", {});
  auto d = a.diff(b);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0], "http.port");
}
