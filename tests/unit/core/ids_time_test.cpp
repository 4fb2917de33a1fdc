#include <gtest/gtest.h>

#include <set>

#include "core/ids.h"
#include "core/time_format.h"

using namespace hujiao::core;

TEST(Ids, UniqueValidAndTimeOrdered) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = newId();
    EXPECT_TRUE(isValidId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_LT(newIdAt(1000), newIdAt(2000));
  EXPECT_FALSE(isValidId("short"));
  EXPECT_FALSE(isValidId("0000000000000000000000000I"));
}

TEST(Time, FormatsUtcWithMicroseconds) {
  EXPECT_EQ(formatIso8601(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(formatIso8601(1'700'000'000'123'456), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(formatIso8601(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(Time, ParsesIsoForms) {
  EXPECT_EQ(parseIso8601("2023-11-14T22:13:20.123456Z"), 1'700'000'000'123'456);
  EXPECT_EQ(parseIso8601("2023-11-14T22:13:20Z"), 1'700'000'000'000'000);
  EXPECT_EQ(parseIso8601("2023-11-15T06:13:20+08:00"), 1'700'000'000'000'000);
  EXPECT_EQ(parseIso8601("1970-01-02"), 86'400'000'000);
  EXPECT_FALSE(parseIso8601("2023-11-14T22:13:20"));  // no zone
  EXPECT_FALSE(parseIso8601("2023-13-01"));
  EXPECT_FALSE(parseIso8601("yesterday"));
  EXPECT_FALSE(parseIso8601(""));
}

TEST(Time, RoundTrip) {
  for (int64_t us : {int64_t{0}, int64_t{1'234'567'890'123'456}, int64_t{951'782'400'000'000}}) {
    EXPECT_EQ(parseIso8601(formatIso8601(us)), us);
  }
}

TEST(Ids, SameMillisecondStillSortsInCreationOrder) {
  std::string prev = newIdAt(5000);
  for (int i = 0; i < 1000; ++i) {
    std::string next = newIdAt(5000);
    EXPECT_LT(prev, next);
    prev = next;
  }
}
