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

}  // namespace
}  // namespace hujiao::api
