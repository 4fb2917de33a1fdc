#include <gtest/gtest.h>

#include "ivr/expr.h"

namespace hujiao::ivr {
namespace {

Value eval(const std::string& text, const Value& scope = Value::object()) {
  auto e = Expression::parse(text);
  EXPECT_TRUE(e.ok()) << text << ": " << (e.ok() ? "" : e.error().message);
  if (!e.ok()) return nullptr;
  JsonScope s(scope);
  return e->evaluate(s);
}

const Value kScope = {{"caller", "13800138000"},
                      {"called", "4008001234"},
                      {"customer", {{"vip_level", 3}, {"city", "Shenzhen"}}},
                      {"account", "0012345"},
                      {"amount", "12.5"}};

TEST(IvrExpr, ComparisonsAndLogic) {
  EXPECT_EQ(eval("customer.vip_level >= 3", kScope), true);
  EXPECT_EQ(eval("customer.vip_level > 3", kScope), false);
  EXPECT_EQ(eval("customer.vip_level == '3'", kScope), true);  // number vs numeric text
  EXPECT_EQ(eval("account == '12345'", kScope), false);        // text vs text stays textual
  EXPECT_EQ(eval("account != '0012345'", kScope), false);
  EXPECT_EQ(eval("amount > 12", kScope), true);
  EXPECT_EQ(eval("startsWith(caller, '138') and not (called == '110')", kScope), true);
  EXPECT_EQ(eval("prefix(caller, '139') || customer.city in ['Shenzhen', 'Beijing']", kScope), true);
  EXPECT_EQ(eval("customer.city not in ['Shenzhen']", kScope), false);
  EXPECT_EQ(eval("missing == null and !missing", kScope), true);
  EXPECT_EQ(eval("missing > 1", kScope), false);
}

TEST(IvrExpr, ArithmeticAndFunctions) {
  EXPECT_EQ(eval("1 + 2 * 3"), 7);
  EXPECT_EQ(eval("(1 + 2) * 3 - -1"), 10);
  EXPECT_EQ(eval("7 % 4"), 3);
  EXPECT_EQ(eval("1 / 0"), nullptr);
  EXPECT_EQ(eval("'a' + 1"), "a1");
  EXPECT_EQ(eval("num(amount) * 2", kScope), 25);
  EXPECT_EQ(eval("round(10 / 3, 2)"), 3.33);
  EXPECT_EQ(eval("len(caller) == 11 and substr(caller, 0, 3) == '138'", kScope), true);
  EXPECT_EQ(eval("upper('ab') + lower('CD') + trim('  x ')"), "ABcdx");
  EXPECT_EQ(eval("endsWith(caller, '8000') and contains(caller, '0013')", kScope), true);
  EXPECT_EQ(eval("min(3, 4) + max(3, 4)"), 7);
  EXPECT_EQ(eval("num('abc')"), nullptr);
}

TEST(IvrExpr, RejectsBadSyntaxWithPosition) {
  for (const char* bad : {"1 +", "(a == b", "a === b", "foo(1)", "'open", "a = 1", "len(1, 2)", "system('rm')",
                          "a..b == 1", "[1, 2"}) {
    auto e = Expression::parse(bad);
    EXPECT_FALSE(e.ok()) << bad;
    if (!e.ok()) {
      EXPECT_EQ(e.error().code, "bad_expression");
      EXPECT_NE(e.error().message.find("at "), std::string::npos) << e.error().message;
    }
  }
}

TEST(IvrExpr, DepthAndSizeAreBounded) {
  std::string deep(200, '(');
  deep += "1" + std::string(200, ')');
  EXPECT_FALSE(Expression::parse(deep).ok());
  EXPECT_FALSE(Expression::parse(std::string(3000, '1')).ok());
}

TEST(IvrTemplate, InterpolatesAndEscapes) {
  auto t = Template::parse("Balance ${data.balance} for ${caller}!");
  ASSERT_TRUE(t.ok());
  Value scope = {{"data", {{"balance", 12.5}}}, {"caller", "a b&c"}};
  JsonScope s(scope);
  EXPECT_EQ(t->render(s), "Balance 12.5 for a b&c!");
  EXPECT_EQ(t->render(s, Template::Escape::Url), "Balance 12.5 for a%20b%26c!");
  auto j = Template::parse(R"({"who":"${caller}"})");
  ASSERT_TRUE(j.ok());
  Value quote = {{"caller", "x\"y"}};
  JsonScope qs(quote);
  EXPECT_EQ(j->render(qs, Template::Escape::Json), R"({"who":"x\"y"})");
  EXPECT_FALSE(Template::parse("open ${caller").ok());
  EXPECT_FALSE(Template::parse("bad ${1x}").ok());
  EXPECT_FALSE(Template::parse("empty ${}").ok());
  EXPECT_EQ(toText(Value(100.0)), "100");
}

}  // namespace
}  // namespace hujiao::ivr
