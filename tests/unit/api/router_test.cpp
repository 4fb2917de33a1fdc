#include "api/router.h"

#include <gtest/gtest.h>

namespace hujiao::api {
namespace {

Handler ok() {
  return [](RequestContext&) -> core::Result<HttpResponse> { return HttpResponse{}; };
}

Router table() {
  Router r;
  r.add({"GET", "/api/v1/users", "users.read", "", "", "", "", 200, {}, ok()});
  r.add({"POST", "/api/v1/users", "users.write", "", "", "", "", 201, {}, ok()});
  r.add({"GET", "/api/v1/users/{id}", "users.read", "", "", "", "", 200, {}, ok()});
  r.add({"DELETE", "/api/v1/users/{id}", "users.write", "", "", "", "", 204, {}, ok()});
  r.add({"POST", "/api/v1/users/{id}/password", kAuthenticated, "", "", "", "", 204, {}, ok()});
  return r;
}

TEST(Router, MatchesLiteralAndParamRoutes) {
  Router r = table();
  auto m = r.match("GET", "/api/v1/users");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.route->pattern, "/api/v1/users");
  m = r.match("GET", "/api/v1/users/01ABC");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.route->pattern, "/api/v1/users/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "01ABC");
  m = r.match("POST", "/api/v1/users/x%20y/password");
  ASSERT_EQ(m.outcome, Router::Outcome::Found);
  EXPECT_EQ(m.params[0].second, "x y");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router r = table();
  EXPECT_EQ(r.match("GET", "/api/v1/nope").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(r.match("GET", "/api/v1/users/").outcome, Router::Outcome::NotFound);  // empty id
  EXPECT_EQ(r.match("GET", "/api/v1/users/a/b").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(r.match("GET", "").outcome, Router::Outcome::NotFound);
  auto m = r.match("PUT", "/api/v1/users/1");
  ASSERT_EQ(m.outcome, Router::Outcome::MethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, DELETE");
  m = r.match("PATCH", "/api/v1/users");
  EXPECT_EQ(m.allow, "GET, POST");
}

TEST(Router, RejectsDuplicatesAndBadPatterns) {
  Router r = table();
  EXPECT_THROW(r.add({"GET", "/api/v1/users", "", "", "", "", "", 200, {}, ok()}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "api/v1/x", "", "", "", "", "", 200, {}, ok()}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/api/v1/{id", "", "", "", "", "", 200, {}, ok()}), std::invalid_argument);
}

TEST(Query, ParsesAndDecodes) {
  auto q = parseQuery("limit=20&q=a+b%21&empty=&flag");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->at("limit"), "20");
  EXPECT_EQ(q->at("q"), "a b!");
  EXPECT_EQ(q->at("empty"), "");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(parseQuery("a=%zz").error().code, "invalid_query");
  EXPECT_EQ(parseQuery("a=%4").error().code, "invalid_query");
  EXPECT_EQ(parseQuery("a=1&a=2").error().code, "invalid_query");
}

TEST(Query, ValidatesAgainstSpecs) {
  std::vector<QueryParamSpec> specs = {{"limit", FieldType::Integer, "", 1, 1000, ""},
                                       {"from", FieldType::String, "", 0, 0, "date-time"},
                                       {"on", FieldType::Boolean, "", 0, 0, ""}};
  EXPECT_TRUE(validateQuery({{"limit", "1000"}}, specs).ok());
  EXPECT_EQ(validateQuery({{"limit", "0"}}, specs).error().code, "invalid_query");
  EXPECT_EQ(validateQuery({{"limit", "1001"}}, specs).error().code, "invalid_query");
  EXPECT_EQ(validateQuery({{"limit", "ten"}}, specs).error().code, "invalid_query");
  EXPECT_EQ(validateQuery({{"limit", "5x"}}, specs).error().code, "invalid_query");
  EXPECT_EQ(validateQuery({{"limit", ""}}, specs).error().code, "invalid_query");
  auto unknown = validateQuery({{"sort", "x"}}, specs);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("sort"), std::string::npos);
  EXPECT_TRUE(validateQuery({{"from", "2024-05-01T00:00:00Z"}}, specs).ok());
  EXPECT_EQ(validateQuery({{"from", "yesterday"}}, specs).error().code, "invalid_query");
  EXPECT_EQ(validateQuery({{"on", "yes"}}, specs).error().code, "invalid_query");
}

}  // namespace
}  // namespace hujiao::api
