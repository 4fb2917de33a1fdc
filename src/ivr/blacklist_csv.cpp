// CSV import for the blacklist (RFC 4180 quoting, one record per line).
#include <algorithm>

#include "core/time_format.h"
#include "ivr/blacklist.h"

namespace hujiao::ivr {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// Splits one line; nullopt (with why) on an unterminated or misplaced quote.
std::optional<std::vector<std::string>> splitLine(std::string_view line, std::string& why) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += line[i++];
      }
      if (!closed) {
        why = "unterminated quoted field";
        return std::nullopt;
      }
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      if (i < line.size() && line[i] != ',') {
        why = "text after a closing quote";
        return std::nullopt;
      }
    } else {
      std::size_t comma = line.find(',', i);
      std::string_view raw = line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
      if (raw.find('"') != std::string_view::npos) {
        why = "a quote inside an unquoted field";
        return std::nullopt;
      }
      field = trim(raw);
      i = comma == std::string_view::npos ? line.size() : comma;
    }
    fields.push_back(std::move(field));
    field.clear();
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return fields;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

BlacklistCsv parseBlacklistCsv(std::string_view text) {
  BlacklistCsv out;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM from spreadsheets
  int lineNo = 0;
  bool firstRecord = true;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++lineNo;
    std::string trimmed = trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    auto fail = [&](std::string msg) { out.errors.push_back(CsvLineError{lineNo, std::move(msg)}); };
    std::string why;
    auto fields = splitLine(line, why);
    if (!fields) {
      fail(why);
      firstRecord = false;
      continue;
    }
    if (firstRecord) {
      firstRecord = false;
      if (lower((*fields)[0]) == "number") continue;  // header
    }
    if (fields->size() > 3) {
      fail("expected at most 3 columns (number,reason,expires_at), got " + std::to_string(fields->size()));
      continue;
    }
    BlacklistEntry e;
    std::string number = (*fields)[0];
    if (!number.empty() && number.back() == '*') {
      e.prefix = true;
      number.pop_back();
    }
    auto normalized = normalizeNumber(number);
    if (!normalized) {
      fail("'" + (*fields)[0] + "' is not a phone number or prefix (digits, optional leading +, trailing * for a prefix)");
      continue;
    }
    e.number = *normalized;
    if (fields->size() > 1) e.reason = (*fields)[1];
    if (e.reason.size() > 500) {
      fail("reason longer than 500 characters");
      continue;
    }
    if (fields->size() > 2 && !(*fields)[2].empty()) {
      auto when = core::parseIso8601((*fields)[2]);
      if (!when) {
        fail("'" + (*fields)[2] + "' is not a date (use YYYY-MM-DD or ISO 8601 with a zone)");
        continue;
      }
      e.expiresAtUs = *when;
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

}  // namespace hujiao::ivr
