#pragma once
// Business hours for schedule nodes: weekly opening ranges in a time zone plus
// holiday dates. Immutable after parsing; evaluation is pure arithmetic (no
// I/O, no locale), so it is safe on the control thread and any other.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "ivr/time_zone.h"

namespace hujiao::ivr {

/// Minutes since local midnight; end <= start means the range runs past
/// midnight into the next day ("22:00-02:00"). "00:00-24:00" is all day.
struct TimeRange {
  int startMin = 0;
  int endMin = 0;
};

struct Schedule {
  enum class State { Open, Closed, Holiday };
  std::shared_ptr<const TimeZone> zone;
  std::array<std::vector<TimeRange>, 7> hours;         // index 0 = Monday
  std::vector<std::pair<int64_t, int64_t>> holidays;  // local day numbers, inclusive ranges

  State stateAt(int64_t unixUs) const;
};

const char* toString(Schedule::State s);
/// "09:00-18:00" (24:00 allowed as an end).
std::optional<TimeRange> parseTimeRange(std::string_view text);
/// "2025-10-01" -> days since epoch; checks the day exists.
std::optional<int64_t> parseDate(std::string_view text);
/// "2025-10-01" or "2025-10-01..2025-10-07".
std::optional<std::pair<int64_t, int64_t>> parseDateRange(std::string_view text);
/// "mon".."sun" or "monday".."sunday" -> 0..6.
std::optional<int> parseWeekday(std::string_view text);

}  // namespace hujiao::ivr
