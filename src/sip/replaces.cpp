#include "sip/replaces.h"

#include <cctype>

namespace hujiao::sip {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string unescapeUriHeader(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hexValue(s[i + 1]);
      const int lo = hexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::optional<ReplacesSpec> parseReplaces(std::string_view value) {
  ReplacesSpec spec;
  size_t semi = value.find(';');
  spec.callId = std::string(trim(value.substr(0, semi)));
  while (semi != std::string_view::npos) {
    const size_t next = value.find(';', semi + 1);
    const std::string_view p = trim(value.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1));
    if (startsWithNoCase(p, "to-tag=")) spec.toTag = std::string(p.substr(7));
    else if (startsWithNoCase(p, "from-tag=")) spec.fromTag = std::string(p.substr(9));
    else if (startsWithNoCase(p, "early-only") && p.size() == 10) spec.earlyOnly = true;
    semi = next;
  }
  if (spec.callId.empty() || spec.toTag.empty() || spec.fromTag.empty()) return std::nullopt;
  return spec;
}

int checkReplaces(const ReplacesSpec& spec, const DialogView& d) {
  // Call-IDs and tags are opaque tokens compared exactly (RFC 3261 19.3).
  if (spec.callId != d.callId || spec.toTag != d.localTag || spec.fromTag != d.remoteTag) return 481;
  switch (d.phase) {
    case DialogView::Phase::Terminated: return 603;
    case DialogView::Phase::Early: return d.weInitiated ? 0 : 481;
    case DialogView::Phase::Confirmed: return spec.earlyOnly ? 486 : 0;
  }
  return 481;
}

}  // namespace hujiao::sip
