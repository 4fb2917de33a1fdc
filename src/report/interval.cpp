#include "report/interval.h"

#include <charconv>
#include <cstdio>

namespace hujiao::report {
namespace {

constexpr int64_t kMinuteUs = 60'000'000;
constexpr int64_t kDayUs = 24 * 60 * kMinuteUs;
// 1970-01-05 was a Monday: weeks are counted from there.
constexpr int64_t kMondayUs = 4 * kDayUs;

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

} // namespace

std::optional<Interval> intervalFromString(std::string_view s) {
  if (s == "15m" || s == "15")
    return Interval::Min15;
  if (s == "30m" || s == "30")
    return Interval::Min30;
  if (s == "60m" || s == "60" || s == "1h" || s == "hour")
    return Interval::Hour;
  if (s == "day")
    return Interval::Day;
  if (s == "week")
    return Interval::Week;
  if (s == "month")
    return Interval::Month;
  return std::nullopt;
}

std::string_view toString(Interval i) {
  switch (i) {
  case Interval::Min15:
    return "15m";
  case Interval::Min30:
    return "30m";
  case Interval::Hour:
    return "1h";
  case Interval::Day:
    return "day";
  case Interval::Week:
    return "week";
  case Interval::Month:
    return "month";
  }
  return "?";
}

int64_t fixedLengthUs(Interval i) {
  switch (i) {
  case Interval::Min15:
    return 15 * kMinuteUs;
  case Interval::Min30:
    return 30 * kMinuteUs;
  case Interval::Hour:
    return 60 * kMinuteUs;
  case Interval::Day:
    return kDayUs;
  case Interval::Week:
    return 7 * kDayUs;
  case Interval::Month:
    return 0;
  }
  return 0;
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  // H. Hinnant's days_from_civil algorithm (public domain description).
  y -= m <= 2 ? 1 : 0;
  const int64_t era = floorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (m + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d) {
  z += 719468;
  const int64_t era = floorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

int64_t periodStart(int64_t tUs, Interval i, int tzOffsetMinutes) {
  const int64_t off = int64_t{tzOffsetMinutes} * kMinuteUs;
  const int64_t local = tUs + off;
  if (i == Interval::Month) {
    int64_t y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(floorDiv(local, kDayUs), y, m, d);
    return daysFromCivil(y, m, 1) * kDayUs - off;
  }
  const int64_t len = fixedLengthUs(i);
  const int64_t anchor = i == Interval::Week ? kMondayUs : 0;
  return floorDiv(local - anchor, len) * len + anchor - off;
}

int64_t nextPeriodStart(int64_t startUs, Interval i, int tzOffsetMinutes) {
  if (i != Interval::Month)
    return startUs + fixedLengthUs(i);
  const int64_t off = int64_t{tzOffsetMinutes} * kMinuteUs;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civilFromDays(floorDiv(startUs + off, kDayUs), y, m, d);
  if (m == 12) {
    ++y;
    m = 1;
  } else {
    ++m;
  }
  return daysFromCivil(y, m, 1) * kDayUs - off;
}

std::string formatLocal(int64_t utcUs, int tzOffsetMinutes) {
  const int64_t local = utcUs + int64_t{tzOffsetMinutes} * kMinuteUs;
  const int64_t days = floorDiv(local, kDayUs);
  const int64_t secs = (local - days * kDayUs) / 1'000'000;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civilFromDays(days, y, m, d);
  const int absOff = tzOffsetMinutes < 0 ? -tzOffsetMinutes : tzOffsetMinutes;
  char buf[64];
  std::snprintf(
      buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld%c%02d:%02d",
      static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
      static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
      tzOffsetMinutes < 0 ? '-' : '+', absOff / 60, absOff % 60);
  return buf;
}

std::optional<int> parseTzOffset(std::string_view s) {
  if (s == "Z" || s == "z" || s == "UTC")
    return 0;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
    return std::nullopt;
  int h = 0, mi = 0;
  auto r1 = std::from_chars(s.data() + 1, s.data() + 3, h);
  auto r2 = std::from_chars(s.data() + 4, s.data() + 6, mi);
  if (r1.ec != std::errc() || r1.ptr != s.data() + 3 || r2.ec != std::errc() ||
      r2.ptr != s.data() + 6) {
    return std::nullopt;
  }
  if (h > 14 || mi > 59)
    return std::nullopt;
  int v = h * 60 + mi;
  return s[0] == '-' ? -v : v;
}

} // namespace hujiao::report
