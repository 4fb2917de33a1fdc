#include "api/errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hujiao::api {
namespace {

TEST(Errors, MapsCodesToStatuses) {
  EXPECT_EQ(statusForCode("invalid_json"), 400);
  EXPECT_EQ(statusForCode("invalid_field"), 400);
  EXPECT_EQ(statusForCode("missing_field"), 400);
  EXPECT_EQ(statusForCode("unauthorized"), 401);
  EXPECT_EQ(statusForCode("forbidden"), 403);
  EXPECT_EQ(statusForCode("not_found"), 404);
  EXPECT_EQ(statusForCode("conflict"), 409);
  EXPECT_EQ(statusForCode("payload_too_large"), 413);
  EXPECT_EQ(statusForCode("account_locked"), 423);
  EXPECT_EQ(statusForCode("header_too_large"), 431);
  EXPECT_EQ(statusForCode("unavailable"), 503);
  EXPECT_EQ(statusForCode("invalid"), 400);  // the store's code
  EXPECT_EQ(statusForCode("something_else"), 500);
}

TEST(Errors, RendersTheErrorEnvelope) {
  auto r = errorResponse(core::makeError("invalid", "bad parent"));
  EXPECT_EQ(r.status, 400);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "invalid_request");
  EXPECT_EQ(j["error"]["message"], "bad parent");
  EXPECT_EQ(r.contentType, "application/json");
}

TEST(Errors, InternalErrorsHideDetails) {
  auto r = errorResponse(core::makeError("internal", "SQL error near users: secret detail"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(Errors, InvalidUtf8InMessagesDoesNotThrow) {
  auto r = errorResponse(400, "invalid_field", std::string("field '\xff\xfe'"));
  EXPECT_FALSE(nlohmann::json::parse(r.body, nullptr, false).is_discarded());
}

}  // namespace
}  // namespace hujiao::api

#include "api/codec.h"

namespace hujiao::api {
namespace {

// The hand-written fast path must produce exactly what the nlohmann DOM path produces.
TEST(Codec, UserPageFastPathEqualsDom) {
  store::Page<store::User> page;
  store::User a;
  a.id = "01J0000000000000000000000A";
  a.username = "alice";
  a.displayName = "Al \"the\" \\ice\n\t\x01 客服";
  a.email = "a@example.com";
  a.roleIds = {"r1", "r2"};
  a.createdUs = 1'700'000'000'123'456;
  a.updatedUs = 1'700'000'000'123'456;
  a.lockedUntilUs = 1'800'000'000'000'000;
  store::User b;
  b.id = "01J0000000000000000000000B";
  b.username = "bob";
  b.departmentId = "dep";
  b.enabled = false;
  b.lastLoginUs = 1;
  page.items = {a, b};
  page.total = 42;
  auto fast = nlohmann::json::parse(userPageJson(page, 20, 40));
  EXPECT_EQ(fast, pageJson(page, 20, 40));
  EXPECT_EQ(fast["items"][0]["display_name"], a.displayName);
}

TEST(Codec, InvalidUtf8IsReplaced) {
  std::string out;
  appendJsonString(out, std::string("a\xff" "b\xc3"));
  EXPECT_EQ(nlohmann::json::parse(out), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  out.clear();
  appendJsonString(out, "客服一部");
  EXPECT_EQ(out, "\"客服一部\"");
}

}  // namespace
}  // namespace hujiao::api
