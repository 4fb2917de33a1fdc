#include "core/time_format.h"

#include <cstdio>

namespace hujiao::core {
namespace {
// Howard Hinnant's civil-date algorithms (public domain), UTC only.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}
}  // namespace

std::string formatIso8601(int64_t unixUs) {
  int64_t secs = unixUs / 1'000'000;
  int64_t frac = unixUs % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civilFromDays(days, y, m, d);
  if (y < 0 || y > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(y), m, d,
                  static_cast<long long>(rem / 3600), static_cast<long long>((rem / 60) % 60),
                  static_cast<long long>(rem % 60), static_cast<long long>(frac));
    return buf;
  }
  // Hand-written digits for the common case: this runs for every timestamp of
  // every list the API returns, and snprintf showed in the API profile.
  std::string out = "0000-00-00T00:00:00.000000Z";
  auto put = [&out](size_t pos, size_t width, int64_t value) {
    for (size_t i = 0; i < width; ++i) {
      out[pos + width - 1 - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, 4, y);
  put(5, 2, m);
  put(8, 2, d);
  put(11, 2, rem / 3600);
  put(14, 2, (rem / 60) % 60);
  put(17, 2, rem % 60);
  put(20, 6, frac);
  return out;
}

std::optional<int64_t> parseIso8601(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t us = 0;
  int64_t offsetSec = 0;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) || s.size() < 19 || s[13] != ':' ||
        !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
      return std::nullopt;
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t scale = 100000;
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (scale > 0) us += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (pos == s.size()) return std::nullopt;  // a time without a zone is ambiguous
    if (s[pos] == 'Z' || s[pos] == 'z') {
      if (pos + 1 != s.size()) return std::nullopt;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh = 0, om = 0;
      if (!digits(s, pos + 1, 2, oh) || pos + 6 != s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om))
        return std::nullopt;
      offsetSec = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    } else {
      return std::nullopt;
    }
  }
  int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offsetSec;
  return secs * 1'000'000 + us;
}

}  // namespace hujiao::core
