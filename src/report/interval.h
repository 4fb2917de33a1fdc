#pragma once
// Reporting intervals in a fixed time-zone offset: 15/30/60 minutes, day,
// week (Monday first, ISO 8601) and calendar month. Offsets must be a
// multiple of 15 minutes (every real time zone is) so that each interval is
// a union of the store's 15-minute UTC buckets. Pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hujiao::report {

enum class Interval : uint8_t { Min15, Min30, Hour, Day, Week, Month };

/// "15m", "30m", "60m" (or "hour"), "day", "week", "month".
std::optional<Interval> intervalFromString(std::string_view s);
std::string_view toString(Interval i);

/// Fixed length in µs (Month: 0, it varies).
int64_t fixedLengthUs(Interval i);

/// UTC µs of the start of the interval containing tUs, in local time
/// UTC+tzOffsetMinutes. tUs >= 0.
int64_t periodStart(int64_t tUs, Interval i, int tzOffsetMinutes);
/// UTC µs of the start of the interval after the one starting at startUs.
int64_t nextPeriodStart(int64_t startUs, Interval i, int tzOffsetMinutes);

/// "2026-11-23T08:00:00+08:00": the local wall-clock time with its offset.
std::string formatLocal(int64_t utcUs, int tzOffsetMinutes);
/// "+08:00", "-03:30", "Z"/"+00:00" -> minutes; nullopt when malformed.
std::optional<int> parseTzOffset(std::string_view s);

/// Days since 1970-01-01 of a civil date, and back (proleptic Gregorian).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
void civilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d);

} // namespace hujiao::report
