#include "ivr/schedule.h"

namespace hujiao::ivr {
namespace {

std::optional<int> parseClock(std::string_view s) {
  // H:MM or HH:MM
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() - colon != 3) return std::nullopt;
  int h = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    h = h * 10 + (s[i] - '0');
  }
  if (s[colon + 1] < '0' || s[colon + 1] > '5' || s[colon + 2] < '0' || s[colon + 2] > '9') return std::nullopt;
  int m = (s[colon + 1] - '0') * 10 + (s[colon + 2] - '0');
  if (h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool inRangeToday(const TimeRange& r, int minute) {
  if (r.endMin > r.startMin) return minute >= r.startMin && minute < r.endMin;
  return minute >= r.startMin;  // crosses midnight: the part before midnight
}

}  // namespace

std::optional<TimeRange> parseTimeRange(std::string_view text) {
  auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto a = parseClock(trim(text.substr(0, dash)));
  auto b = parseClock(trim(text.substr(dash + 1)));
  if (!a || !b || *a == 24 * 60 || *a == *b) return std::nullopt;
  return TimeRange{*a, *b};
}

std::optional<int64_t> parseDate(std::string_view s) {
  s = trim(s);
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (std::size_t i = 0; i < lens[k]; ++i) {
      char c = s[starts[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      v[k] = v[k] * 10 + (c - '0');
    }
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1) return std::nullopt;
  int y = 0, m = 0, d = 0;
  int64_t days = daysFromCivil(v[0], v[1], v[2]);
  civilFromDays(days, y, m, d);
  if (y != v[0] || m != v[1] || d != v[2]) return std::nullopt;  // e.g. 2025-02-30
  return days;
}

std::optional<std::pair<int64_t, int64_t>> parseDateRange(std::string_view text) {
  auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    auto d = parseDate(text);
    if (!d) return std::nullopt;
    return std::make_pair(*d, *d);
  }
  auto a = parseDate(text.substr(0, dots));
  auto b = parseDate(text.substr(dots + 2));
  if (!a || !b || *b < *a) return std::nullopt;
  return std::make_pair(*a, *b);
}

std::optional<int> parseWeekday(std::string_view text) {
  static constexpr std::string_view shortNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  static constexpr std::string_view longNames[] = {"monday", "tuesday", "wednesday", "thursday",
                                                   "friday", "saturday", "sunday"};
  for (int i = 0; i < 7; ++i)
    if (text == shortNames[i] || text == longNames[i]) return i;
  return std::nullopt;
}

const char* toString(Schedule::State s) {
  switch (s) {
    case Schedule::State::Open:
      return "open";
    case Schedule::State::Closed:
      return "closed";
    case Schedule::State::Holiday:
      return "holiday";
  }
  return "closed";
}

Schedule::State Schedule::stateAt(int64_t unixUs) const {
  LocalTime lt = zone ? zone->localTime(unixUs) : TimeZone::fixed(0, "UTC")->localTime(unixUs);
  int64_t day = daysFromCivil(lt.year, lt.month, lt.day);
  for (const auto& [from, to] : holidays)
    if (day >= from && day <= to) return State::Holiday;
  int minute = lt.hour * 60 + lt.minute;
  for (const auto& r : hours[static_cast<std::size_t>(lt.weekday)])
    if (inRangeToday(r, minute)) return State::Open;
  // Yesterday's ranges that run past midnight.
  const auto& yesterday = hours[static_cast<std::size_t>((lt.weekday + 6) % 7)];
  for (const auto& r : yesterday)
    if (r.endMin <= r.startMin && minute < r.endMin) return State::Open;
  return State::Closed;
}

}  // namespace hujiao::ivr
