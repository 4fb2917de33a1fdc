#pragma once
// Time zones for schedule nodes, without touching the process TZ variable
// (localtime_r under a changed TZ is neither thread-safe nor testable, and
// GCC 12's libstdc++ has no std::chrono::tzdb).
//
// A TimeZone is either a fixed offset ("UTC", "+08:00", "UTC-5", "GMT+5:30")
// or an IANA name ("Asia/Shanghai") read once from the system tz database
// (TZif files under $TZDIR or /usr/share/zoneinfo, including the POSIX rule
// footer for dates past the table). Loading does file I/O: do it when a flow is
// parsed (service plane), never on the control thread. A loaded TimeZone is
// immutable and thread-safe; loads are cached process-wide.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hujiao::ivr {

/// A civil date-time in some zone. weekday: 0 = Monday ... 6 = Sunday.
struct LocalTime {
  int year = 1970;
  int month = 1;
  int day = 1;
  int weekday = 3;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int offsetSeconds = 0;  // UTC offset in effect
};

/// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t daysFromCivil(int year, int month, int day);
void civilFromDays(int64_t days, int& year, int& month, int& day);

class TimeZone {
 public:
  /// Errors: code "bad_timezone".
  static core::Result<std::shared_ptr<const TimeZone>> load(std::string_view name);
  static std::shared_ptr<const TimeZone> fixed(int offsetSeconds, std::string name);

  /// UTC offset (seconds east of UTC) in effect at a UTC instant.
  int offsetAt(int64_t unixSeconds) const;
  LocalTime localTime(int64_t unixUs) const;
  const std::string& name() const { return name_; }

  /// A POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0" (exposed for tests).
  struct PosixRule {
    int stdOffset = 0;  // seconds east of UTC
    int dstOffset = 0;
    bool hasDst = false;
    struct When {
      char kind = 'M';  // 'M' month/week/day, 'J' julian 1..365 without Feb 29, 'D' zero-based day
      int month = 0, week = 0, weekday = 0, day = 0;
      int timeSeconds = 7200;  // local time of the switch
    };
    When start, end;
    int offsetAt(int64_t unixSeconds) const;
  };
  static std::optional<PosixRule> parsePosixRule(std::string_view rule);

 private:
  std::string name_;
  int fixedOffset_ = 0;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset in effect from transitions_[i]
  int32_t initialOffset_ = 0;         // before the first transition
  std::optional<PosixRule> rule_;     // after the last transition
  bool table_ = false;

  static core::Result<std::shared_ptr<const TimeZone>> loadTzif(const std::string& name);
};

}  // namespace hujiao::ivr
