#include "api/codec.h"

#include "core/time_format.h"

namespace hujiao::api {

using nlohmann::json;

json timeOrNull(int64_t us) { return us == 0 ? json(nullptr) : json(core::formatIso8601(us)); }

namespace {
json stringOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json parsedOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  json j = json::parse(s, nullptr, false);
  return j.is_discarded() ? json(s) : j;
}
}  // namespace

json toJson(const store::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.displayName},
          {"email", u.email},
          {"phone", u.phone},
          {"department_id", stringOrNull(u.departmentId)},
          {"role_ids", u.roleIds},
          {"enabled", u.enabled},
          {"locked_until", timeOrNull(u.lockedUntilUs)},
          {"last_login_at", timeOrNull(u.lastLoginUs)},
          {"created_at", timeOrNull(u.createdUs)},
          {"updated_at", timeOrNull(u.updatedUs)}};
}

json toJson(const store::Department& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"parent_id", stringOrNull(d.parentId)},
          {"description", d.description},
          {"created_at", timeOrNull(d.createdUs)},
          {"updated_at", timeOrNull(d.updatedUs)}};
}

json toJson(const store::Role& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"description", r.description},
          {"permissions", r.permissions},
          {"scope", r.scope},
          {"builtin", r.builtin},
          {"created_at", timeOrNull(r.createdUs)},
          {"updated_at", timeOrNull(r.updatedUs)}};
}

json toJson(const store::AuditEntry& a) {
  return {{"id", a.id},
          {"ts", timeOrNull(a.tsUs)},
          {"user_id", stringOrNull(a.userId)},
          {"username", a.username},
          {"action", a.action},
          {"resource", a.resource},
          {"resource_id", stringOrNull(a.resourceId)},
          {"before", parsedOrNull(a.before)},
          {"after", parsedOrNull(a.after)},
          {"source_address", a.sourceAddress},
          {"department_id", stringOrNull(a.departmentId)}};
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8Sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;  // overlong
  if (c == 0xED && b(i + 1) > 0x9F) return 0;  // surrogates
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;  // overlong
  if (c == 0xF4 && b(i + 1) > 0x8F) return 0;  // > U+10FFFF
  return n;
}

void appendTime(std::string& out, int64_t us) {
  if (us == 0) {
    out += "null";
    return;
  }
  out += '"';
  out += core::formatIso8601(us);
  out += '"';
}

void appendField(std::string& out, const char* name) {
  out += '"';
  out += name;
  out += "\":";
}

}  // namespace

void appendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size();) {
    // Copy the longest run that needs no escaping in one append.
    size_t run = i;
    while (run < s.size()) {
      auto r = static_cast<unsigned char>(s[run]);
      if (r < 0x20 || r == '"' || r == '\\' || r >= 0x80) break;
      ++run;
    }
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
      }
      ++i;
      continue;
    }
    size_t n = utf8Sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD, as nlohmann's error_handler_t::replace does
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  out += '"';
}

std::string userPageJson(const store::Page<store::User>& page, int64_t limit, int64_t offset) {
  std::string out;
  out.reserve(64 + page.items.size() * 400);
  out += "{\"items\":[";
  bool first = true;
  for (const auto& u : page.items) {
    if (!first) out += ',';
    first = false;
    out += '{';
    appendField(out, "id");
    appendJsonString(out, u.id);
    out += ',';
    appendField(out, "username");
    appendJsonString(out, u.username);
    out += ',';
    appendField(out, "display_name");
    appendJsonString(out, u.displayName);
    out += ',';
    appendField(out, "email");
    appendJsonString(out, u.email);
    out += ',';
    appendField(out, "phone");
    appendJsonString(out, u.phone);
    out += ',';
    appendField(out, "department_id");
    if (u.departmentId.empty()) out += "null";
    else appendJsonString(out, u.departmentId);
    out += ',';
    appendField(out, "role_ids");
    out += '[';
    for (size_t i = 0; i < u.roleIds.size(); ++i) {
      if (i) out += ',';
      appendJsonString(out, u.roleIds[i]);
    }
    out += "],";
    appendField(out, "enabled");
    out += u.enabled ? "true" : "false";
    out += ',';
    appendField(out, "locked_until");
    appendTime(out, u.lockedUntilUs);
    out += ',';
    appendField(out, "last_login_at");
    appendTime(out, u.lastLoginUs);
    out += ',';
    appendField(out, "created_at");
    appendTime(out, u.createdUs);
    out += ',';
    appendField(out, "updated_at");
    appendTime(out, u.updatedUs);
    out += '}';
  }
  out += "],\"total\":" + std::to_string(page.total) + ",\"limit\":" + std::to_string(limit) +
         ",\"offset\":" + std::to_string(offset) + "}";
  return out;
}

}  // namespace hujiao::api
