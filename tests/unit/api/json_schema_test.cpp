#include "api/json_schema.h"

#include <gtest/gtest.h>

#include "api/schemas.h"

namespace hujiao::api {
namespace {

using nlohmann::json;

const ObjectSchema& userCreate() { return *findSchema("UserCreate"); }

TEST(JsonBody, MalformedJsonIsInvalidJson) {
  EXPECT_EQ(parseJsonObject("{\"a\":").error().code, "invalid_json");
  EXPECT_EQ(parseJsonObject("").error().code, "invalid_json");
  EXPECT_EQ(parseJsonObject("nul").error().code, "invalid_json");
  EXPECT_EQ(parseJsonObject("[1,2]").error().code, "invalid_field");
  EXPECT_EQ(parseJsonObject("\"text\"").error().code, "invalid_field");
  EXPECT_TRUE(parseJsonObject("{\"a\":1}").ok());
}

TEST(JsonBody, ValidObjectPasses) {
  json b = {{"username", "alice"}, {"password", "secret123"}, {"role_ids", json::array({"r1"})},
            {"enabled", true}, {"department_id", nullptr}};
  EXPECT_TRUE(validateObject(b, userCreate()).ok());
}

TEST(JsonBody, MissingRequiredField) {
  auto r = validateObject({{"username", "alice"}}, userCreate());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "missing_field");
  EXPECT_NE(r.error().message.find("password"), std::string::npos);
}

TEST(JsonBody, UnknownFieldRejected) {
  auto r = validateObject({{"username", "a"}, {"password", "secret123"}, {"is_admin", true}}, userCreate());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_field");
  EXPECT_NE(r.error().message.find("is_admin"), std::string::npos);
}

TEST(JsonBody, WrongTypesNameFieldAndExpectation) {
  auto r = validateObject({{"username", 42}, {"password", "secret123"}}, userCreate());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_field");
  EXPECT_NE(r.error().message.find("'username'"), std::string::npos);
  EXPECT_NE(r.error().message.find("expected a string"), std::string::npos);
  EXPECT_EQ(validateObject({{"username", "a"}, {"password", "x"}, {"enabled", "yes"}}, userCreate()).error().code,
            "invalid_field");
  EXPECT_EQ(validateObject({{"username", "a"}, {"password", "x"}, {"role_ids", json::array({1})}}, userCreate())
                .error()
                .code,
            "invalid_field");
  EXPECT_EQ(validateObject({{"username", nullptr}, {"password", "x"}}, userCreate()).error().code, "invalid_field");
}

TEST(JsonBody, LengthsAndChoices) {
  EXPECT_EQ(validateObject({{"username", ""}, {"password", "x"}}, userCreate()).error().code, "invalid_field");
  EXPECT_EQ(validateObject({{"username", std::string(65, 'a')}, {"password", "x"}}, userCreate()).error().code,
            "invalid_field");
  // 64 CJK characters are 64 characters, not 192 bytes.
  std::string cjk;
  for (int i = 0; i < 64; ++i) cjk += "客";
  EXPECT_TRUE(validateObject({{"username", cjk}, {"password", "x"}}, userCreate()).ok());
  const ObjectSchema& role = *findSchema("RoleCreate");
  auto bad = validateObject({{"name", "r"}, {"permissions", json::array()}, {"scope", "galaxy"}}, role);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("all, department, self"), std::string::npos);
}

TEST(JsonBody, ReadOnlyAndResponseOnlyFieldsAreUnknownInRequests) {
  auto r = validateObject({{"id", "x"}}, *findSchema("UserUpdate"));
  EXPECT_EQ(r.error().code, "unknown_field");
}

TEST(JsonBody, Utf8Length) {
  EXPECT_EQ(utf8Length("abc"), 3u);
  EXPECT_EQ(utf8Length("客服一部"), 4u);
}

// Number fields take fractions; their bounds (open or closed) give
// invalid_field naming the field, the bound and the value.
TEST(JsonBody, NumbersAndRanges) {
  const ObjectSchema& erlang = *findSchema("StaffingErlangRequest");
  json ok = {{"calls", 120.5}, {"aht_s", 180}, {"target_sl_pct", 80}, {"target_s", 20}, {"shrinkage_pct", 0}};
  EXPECT_TRUE(validateObject(ok, erlang).ok());

  auto err = [&](json b) {
    auto r = validateObject(b, erlang);
    EXPECT_FALSE(r.ok()) << b.dump();
    return r.ok() ? core::Error{} : r.error();
  };
  json b = ok;
  b["target_sl_pct"] = 100;  // open bound
  auto e = err(b);
  EXPECT_EQ(e.code, "invalid_field");
  EXPECT_EQ(e.message, "field 'target_sl_pct': must be greater than 0 and less than 100, got 100");
  b["target_sl_pct"] = 99.5;
  EXPECT_TRUE(validateObject(b, erlang).ok());
  b["aht_s"] = 0;  // open lower bound, no upper one
  EXPECT_EQ(err(b).message, "field 'aht_s': must be greater than 0, got 0");
  b["aht_s"] = "180";
  EXPECT_EQ(err(b).message, "field 'aht_s': expected a number, got string");
  b = ok;
  b["shrinkage_pct"] = -0.5;  // closed lower bound
  EXPECT_EQ(err(b).message, "field 'shrinkage_pct': must be at least 0 and less than 100, got -0.5");
  b = ok;
  b.erase("target_s");
  EXPECT_EQ(err(b).code, "missing_field");
  b = ok;
  b["patience_s"] = nullptr;  // nullable: Erlang C
  EXPECT_TRUE(validateObject(b, erlang).ok());

  // Integers keep their own type check and take ranges too.
  const ObjectSchema& item = *findSchema("ScoreItem");
  EXPECT_TRUE(validateObject({{"criterion_id", "greeting"}, {"points", 7}}, item).ok());
  EXPECT_EQ(validateObject({{"criterion_id", "greeting"}, {"points", 7.5}}, item).error().message,
            "field 'points': expected an integer, got number");
  EXPECT_EQ(validateObject({{"criterion_id", "greeting"}, {"points", 101}}, item).error().message,
            "field 'points': must be at least 0 and at most 100, got 101");
}

TEST(JsonBody, NumbersInOpenApi) {
  json s = toOpenApi(*findSchema("StaffingErlangRequest"));
  const json& sl = s["properties"]["target_sl_pct"];
  EXPECT_EQ(sl["type"], "number");
  EXPECT_EQ(sl["minimum"], 0.0);
  EXPECT_EQ(sl["exclusiveMinimum"], true);
  EXPECT_EQ(sl["maximum"], 100.0);
  EXPECT_EQ(sl["exclusiveMaximum"], true);
  EXPECT_EQ(s["properties"]["shrinkage_pct"].count("exclusiveMinimum"), 0u);
  EXPECT_TRUE(s["properties"]["patience_s"]["nullable"].get<bool>());
  json points = toOpenApi(*findSchema("ScoreItem"))["properties"]["points"];
  EXPECT_EQ(points["type"], "integer");
  EXPECT_EQ(points["maximum"].dump(), "100");  // an integer bound prints as one
  json rows = toOpenApi(*findSchema("Report"))["properties"]["rows"];
  EXPECT_EQ(rows["type"], "array");
  EXPECT_EQ(rows["items"]["type"], "object");
  EXPECT_EQ(rows["items"]["additionalProperties"], true);
}

}  // namespace
}  // namespace hujiao::api
