#include "ivr/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace hujiao::ivr {
namespace {

core::Error bad(const std::string& msg) { return core::makeError("bad_timezone", msg); }

// "+08:00", "-0530", "8", "+5:30" -> seconds east; nullopt when not an offset.
std::optional<int> parseOffset(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int sign = 1;
  if (s[0] == '+' || s[0] == '-') {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int h = 0, m = 0, digits = 0;
  std::size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 2) {
    h = h * 10 + (s[i++] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && s[i] == ':') ++i;
  if (i < s.size()) {
    if (s.size() - i != 2 || s[i] < '0' || s[i] > '5' || s[i + 1] < '0' || s[i + 1] > '9') return std::nullopt;
    m = (s[i] - '0') * 10 + (s[i + 1] - '0');
  }
  if (h > 14) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

int64_t be(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool leapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int daysInMonth(int y, int m) {
  static constexpr int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leapYear(y) ? 29 : d[m - 1];
}

// Local seconds since the epoch at which a rule's switch happens in `year`.
int64_t switchLocal(const TimeZone::PosixRule::When& w, int year) {
  int64_t day = 0;
  if (w.kind == 'M') {
    int64_t first = daysFromCivil(year, w.month, 1);
    int firstWeekday = static_cast<int>((first % 7 + 11) % 7);  // 0 = Sunday (1970-01-01 was a Thursday)
    int d = 1 + (w.weekday - firstWeekday + 7) % 7 + (w.week - 1) * 7;
    while (d > daysInMonth(year, w.month)) d -= 7;
    day = daysFromCivil(year, w.month, d);
  } else if (w.kind == 'J') {
    int n = w.day;  // 1..365, Feb 29 never counted
    day = daysFromCivil(year, 1, 1) + n - 1 + ((leapYear(year) && n >= 60) ? 1 : 0);
  } else {
    day = daysFromCivil(year, 1, 1) + w.day;
  }
  return day * 86400 + w.timeSeconds;
}

// POSIX TZ pieces.
struct RuleReader {
  std::string_view s;
  std::size_t i = 0;
  bool name() {
    if (i < s.size() && s[i] == '<') {
      auto close = s.find('>', i);
      if (close == std::string_view::npos) return false;
      i = close + 1;
      return true;
    }
    std::size_t start = i;
    while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
    return i - start >= 3;
  }
  // [+-]hh[:mm[:ss]] -> seconds
  std::optional<int> time(bool allowSign) {
    int sign = 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      if (!allowSign) return std::nullopt;
      sign = s[i] == '-' ? -1 : 1;
      ++i;
    }
    int parts[3] = {0, 0, 0};
    for (int p = 0; p < 3; ++p) {
      std::size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) parts[p] = parts[p] * 10 + (s[i++] - '0');
      if (i == start) return p == 0 ? std::nullopt : std::optional<int>(-1);
      if (p < 2 && i < s.size() && s[i] == ':') {
        ++i;
        continue;
      }
      break;
    }
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  }
  bool number(int& out) {
    std::size_t start = i;
    out = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 4) out = out * 10 + (s[i++] - '0');
    return i > start;
  }
  bool when(TimeZone::PosixRule::When& w) {
    if (i < s.size() && s[i] == 'M') {
      ++i;
      w.kind = 'M';
      if (!number(w.month) || i >= s.size() || s[i++] != '.' || !number(w.week) || i >= s.size() || s[i++] != '.' ||
          !number(w.weekday))
        return false;
      if (w.month < 1 || w.month > 12 || w.week < 1 || w.week > 5 || w.weekday > 6) return false;
    } else if (i < s.size() && s[i] == 'J') {
      ++i;
      w.kind = 'J';
      if (!number(w.day) || w.day < 1 || w.day > 365) return false;
    } else {
      w.kind = 'D';
      if (!number(w.day) || w.day > 365) return false;
    }
    if (i < s.size() && s[i] == '/') {
      ++i;
      auto t = time(true);
      if (!t || *t == -1) return false;
      w.timeSeconds = *t;
    }
    return true;
  }
};

std::mutex cacheMutex;
std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;

}  // namespace

int64_t daysFromCivil(int year, int month, int day) {
  int y = month <= 2 ? year - 1 : year;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned mp = static_cast<unsigned>(month > 2 ? month - 3 : month + 9);
  unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(day) - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int& year, int& month, int& day) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
}

std::optional<TimeZone::PosixRule> TimeZone::parsePosixRule(std::string_view text) {
  RuleReader r{text};
  PosixRule rule;
  if (!r.name()) return std::nullopt;
  auto stdOff = r.time(true);
  if (!stdOff || *stdOff == -1) return std::nullopt;
  rule.stdOffset = -*stdOff;  // POSIX offsets are west-positive
  if (r.i == text.size()) return rule;
  if (!r.name()) return std::nullopt;
  rule.hasDst = true;
  rule.dstOffset = rule.stdOffset + 3600;
  if (r.i < text.size() && text[r.i] != ',') {
    auto dstOff = r.time(true);
    if (!dstOff || *dstOff == -1) return std::nullopt;
    rule.dstOffset = -*dstOff;
  }
  if (r.i >= text.size() || text[r.i] != ',') return std::nullopt;
  ++r.i;
  if (!r.when(rule.start)) return std::nullopt;
  if (r.i >= text.size() || text[r.i] != ',') return std::nullopt;
  ++r.i;
  if (!r.when(rule.end)) return std::nullopt;
  if (r.i != text.size()) return std::nullopt;
  return rule;
}

int TimeZone::PosixRule::offsetAt(int64_t t) const {
  if (!hasDst) return stdOffset;
  int year = 0, month = 0, day = 0;
  civilFromDays((t + stdOffset) / 86400 - ((t + stdOffset) % 86400 < 0 ? 1 : 0), year, month, day);
  // DST starts at a local standard time, ends at a local daylight time.
  int64_t startUtc = switchLocal(start, year) - stdOffset;
  int64_t endUtc = switchLocal(end, year) - dstOffset;
  bool dst = startUtc < endUtc ? (t >= startUtc && t < endUtc) : !(t >= endUtc && t < startUtc);
  return dst ? dstOffset : stdOffset;
}

std::shared_ptr<const TimeZone> TimeZone::fixed(int offsetSeconds, std::string name) {
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = std::move(name);
  tz->fixedOffset_ = offsetSeconds;
  return tz;
}

core::Result<std::shared_ptr<const TimeZone>> TimeZone::load(std::string_view name) {
  if (name.empty()) return bad("empty time zone");
  if (name == "UTC" || name == "GMT" || name == "Z") return fixed(0, std::string(name));
  std::string_view rest = name;
  if (rest.substr(0, 3) == "UTC" || rest.substr(0, 3) == "GMT") rest.remove_prefix(3);
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    auto off = parseOffset(rest);
    if (!off) return bad("bad UTC offset '" + std::string(name) + "' (use +HH:MM)");
    return fixed(*off, std::string(name));
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
              c == '-' || c == '+';
    if (!ok) return bad("bad time zone name '" + std::string(name) + "'");
  }
  if (name.find("..") != std::string_view::npos || name[0] == '/' || name[0] == '-')
    return bad("bad time zone name '" + std::string(name) + "'");
  {
    std::lock_guard lock(cacheMutex);
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
  }
  auto tz = loadTzif(std::string(name));
  if (!tz) return tz;
  std::lock_guard lock(cacheMutex);
  cache.emplace(std::string(name), *tz);
  return tz;
}

core::Result<std::shared_ptr<const TimeZone>> TimeZone::loadTzif(const std::string& name) {
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad("unknown time zone '" + name + "' (not in the tz database)");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  auto corrupt = [&] { return bad("time zone file for '" + name + "' is not a valid TZif file"); };
  if (n < 44 || data.compare(0, 4, "TZif") != 0) return corrupt();
  struct Counts {
    int64_t isut, isstd, leap, time, type, chars;
  };
  auto counts = [&](std::size_t at) {
    return Counts{be(p + at + 20, 4), be(p + at + 24, 4), be(p + at + 28, 4),
                  be(p + at + 32, 4), be(p + at + 36, 4), be(p + at + 40, 4)};
  };
  Counts c = counts(0);
  int timeSize = 4;
  std::size_t at = 44;
  auto blockSize = [](const Counts& k, int ts) {
    return static_cast<std::size_t>(k.time * ts + k.time + k.type * 6 + k.chars + k.leap * (ts + 4) + k.isstd + k.isut);
  };
  if (data[4] >= '2') {
    std::size_t second = 44 + blockSize(c, 4);
    if (second + 44 > n || data.compare(second, 4, "TZif") != 0) return corrupt();
    c = counts(second);
    timeSize = 8;
    at = second + 44;
  }
  if (c.time < 0 || c.type <= 0 || c.type > 256 || at + blockSize(c, timeSize) > n) return corrupt();
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = name;
  tz->table_ = true;
  std::vector<int32_t> typeOffsets;
  std::size_t typesAt = at + static_cast<std::size_t>(c.time * timeSize + c.time);
  for (int64_t i = 0; i < c.type; ++i) typeOffsets.push_back(static_cast<int32_t>(be(p + typesAt + i * 6, 4)));
  for (int64_t i = 0; i < c.time; ++i) {
    auto idx = p[at + static_cast<std::size_t>(c.time * timeSize + i)];
    if (idx >= typeOffsets.size()) return corrupt();
    tz->transitions_.push_back(be(p + at + static_cast<std::size_t>(i * timeSize), timeSize));
    tz->offsets_.push_back(typeOffsets[idx]);
  }
  tz->initialOffset_ = typeOffsets[0];
  if (timeSize == 8) {
    std::size_t footer = at + blockSize(c, 8);
    if (footer < n && data[footer] == '\n') {
      auto end = data.find('\n', footer + 1);
      if (end != std::string::npos && end > footer + 1)
        tz->rule_ = parsePosixRule(std::string_view(data).substr(footer + 1, end - footer - 1));
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(tz));
}

int TimeZone::offsetAt(int64_t t) const {
  if (!table_) return fixedOffset_;
  if (transitions_.empty() || t < transitions_.front()) {
    if (transitions_.empty() && rule_) return rule_->offsetAt(t);
    return initialOffset_;
  }
  if (t >= transitions_.back() && rule_) return rule_->offsetAt(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_[static_cast<std::size_t>(it - transitions_.begin() - 1)];
}

LocalTime TimeZone::localTime(int64_t unixUs) const {
  int64_t secs = unixUs / 1'000'000 - (unixUs % 1'000'000 < 0 ? 1 : 0);
  LocalTime lt;
  lt.offsetSeconds = offsetAt(secs);
  int64_t local = secs + lt.offsetSeconds;
  int64_t days = local / 86400 - (local % 86400 < 0 ? 1 : 0);
  int64_t sod = local - days * 86400;
  civilFromDays(days, lt.year, lt.month, lt.day);
  lt.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3 with Monday = 0)
  lt.hour = static_cast<int>(sod / 3600);
  lt.minute = static_cast<int>(sod % 3600 / 60);
  lt.second = static_cast<int>(sod % 60);
  return lt;
}

}  // namespace hujiao::ivr
