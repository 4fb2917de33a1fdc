#include <gtest/gtest.h>

#include "ivr/schedule.h"
#include "ivr/time_zone.h"

namespace hujiao::ivr {
namespace {

int64_t utc(int y, int mo, int d, int h, int mi) {
  return (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60) * 1'000'000;
}

TEST(IvrTimeZone, FixedOffsets) {
  for (const auto& [name, offset] : std::vector<std::pair<std::string, int>>{
           {"UTC", 0}, {"+08:00", 28800}, {"-0530", -19800}, {"UTC+8", 28800}, {"GMT-3", -10800}}) {
    auto tz = TimeZone::load(name);
    ASSERT_TRUE(tz.ok()) << name;
    EXPECT_EQ((*tz)->offsetAt(0), offset) << name;
  }
  EXPECT_FALSE(TimeZone::load("+25:00").ok());
  EXPECT_FALSE(TimeZone::load("Mars/Olympus").ok());
  EXPECT_FALSE(TimeZone::load("../etc/passwd").ok());
}

TEST(IvrTimeZone, TzDatabaseWithDaylightSaving) {
  auto sh = TimeZone::load("Asia/Shanghai");
  ASSERT_TRUE(sh.ok()) << sh.error().message;
  EXPECT_EQ((*sh)->offsetAt(utc(2026, 7, 1, 0, 0) / 1'000'000), 8 * 3600);
  auto ny = TimeZone::load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ((*ny)->offsetAt(utc(2026, 1, 15, 12, 0) / 1'000'000), -5 * 3600);
  EXPECT_EQ((*ny)->offsetAt(utc(2026, 7, 15, 12, 0) / 1'000'000), -4 * 3600);
  // 2026-03-08 02:00 EST is the switch: 06:59 UTC still EST, 07:00 UTC EDT.
  EXPECT_EQ((*ny)->offsetAt(utc(2026, 3, 8, 6, 59) / 1'000'000), -5 * 3600);
  EXPECT_EQ((*ny)->offsetAt(utc(2026, 3, 8, 7, 0) / 1'000'000), -4 * 3600);
  // Far future: past the table, the POSIX footer rule answers.
  EXPECT_EQ((*ny)->offsetAt(utc(2090, 7, 15, 12, 0) / 1'000'000), -4 * 3600);
  EXPECT_EQ((*ny)->offsetAt(utc(2090, 12, 15, 12, 0) / 1'000'000), -5 * 3600);
  auto lt = (*ny)->localTime(utc(2026, 7, 15, 12, 30));
  EXPECT_EQ(lt.hour, 8);
  EXPECT_EQ(lt.minute, 30);
  EXPECT_EQ(lt.weekday, 2);  // Wednesday
}

TEST(IvrTimeZone, PosixRuleSouthernHemisphere) {
  auto rule = TimeZone::parsePosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->offsetAt(utc(2030, 1, 10, 0, 0) / 1'000'000), 11 * 3600);
  EXPECT_EQ(rule->offsetAt(utc(2030, 6, 10, 0, 0) / 1'000'000), 10 * 3600);
  EXPECT_FALSE(TimeZone::parsePosixRule("EST5EDT,M3.2").has_value());
}

TEST(IvrSchedule, OpenClosedHolidayAndMidnightRanges) {
  Schedule s;
  s.zone = *TimeZone::load("+08:00");
  s.hours[0] = {*parseTimeRange("09:00-18:00")};  // Monday
  s.hours[4] = {*parseTimeRange("22:00-02:00")};  // Friday night into Saturday
  s.holidays.push_back(*parseDateRange("2026-10-01..2026-10-07"));
  // Monday 2026-03-02 10:00 +08 = 02:00 UTC.
  EXPECT_EQ(s.stateAt(utc(2026, 3, 2, 2, 0)), Schedule::State::Open);
  EXPECT_EQ(s.stateAt(utc(2026, 3, 2, 10, 0)), Schedule::State::Closed);  // 18:00 local: end is exclusive
  EXPECT_EQ(s.stateAt(utc(2026, 3, 6, 15, 0)), Schedule::State::Open);    // Fri 23:00 local
  EXPECT_EQ(s.stateAt(utc(2026, 3, 6, 17, 30)), Schedule::State::Open);   // Sat 01:30 local
  EXPECT_EQ(s.stateAt(utc(2026, 3, 6, 18, 0)), Schedule::State::Closed);  // Sat 02:00 local
  EXPECT_EQ(s.stateAt(utc(2026, 10, 5, 2, 0)), Schedule::State::Holiday);  // a Monday in the holiday
}

TEST(IvrSchedule, ParsersRejectNonsense) {
  EXPECT_FALSE(parseTimeRange("9-18").has_value());
  EXPECT_FALSE(parseTimeRange("25:00-26:00").has_value());
  EXPECT_FALSE(parseTimeRange("09:60-10:00").has_value());
  EXPECT_FALSE(parseTimeRange("10:00-10:00").has_value());
  EXPECT_TRUE(parseTimeRange("00:00-24:00").has_value());
  EXPECT_FALSE(parseDate("2026-02-30").has_value());
  EXPECT_FALSE(parseDateRange("2026-10-07..2026-10-01").has_value());
  EXPECT_EQ(parseWeekday("sun"), 6);
}

}  // namespace
}  // namespace hujiao::ivr
