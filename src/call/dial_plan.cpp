#include "call/dial_plan.h"

#include <algorithm>

namespace hujiao::call {

void DialPlan::setRules(std::vector<DialRule> rules) {
  std::sort(rules.begin(), rules.end(), [](const DialRule& a, const DialRule& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.prefix.size() != b.prefix.size()) return a.prefix.size() > b.prefix.size();
    return a.id < b.id;
  });
  rules_ = std::move(rules);
}

std::optional<OutboundRoute> DialPlan::route(const std::string& dialed) const {
  const auto len = static_cast<int64_t>(dialed.size());
  for (const auto& r : rules_) {
    if (dialed.rfind(r.prefix, 0) != 0) continue;
    if (r.minLength > 0 && len < r.minLength) continue;
    if (r.maxLength > 0 && len > r.maxLength) continue;
    if (r.trunkIds.empty()) continue;
    return OutboundRoute{&r, rewriteNumber(r, dialed)};
  }
  return std::nullopt;
}

std::string rewriteNumber(const DialRule& rule, const std::string& dialed) {
  const auto strip = static_cast<size_t>(std::max<int64_t>(0, rule.stripDigits));
  return rule.prepend + (strip >= dialed.size() ? std::string() : dialed.substr(strip));
}

std::string callerIdFor(const DialRule& rule, const Trunk& trunk, const std::string& callerNumber) {
  if (rule.callerIdPolicy == "fixed" && !rule.callerId.empty()) return rule.callerId;
  if (rule.callerIdPolicy == "trunk" && !trunk.callerId.empty()) return trunk.callerId;
  return callerNumber;
}

void DidTable::setDids(const std::vector<Did>& dids) {
  byNumber_.clear();
  for (const auto& d : dids) byNumber_.emplace(d.number, d);
}

const Did* DidTable::find(const std::string& number, const std::string& trunkId) const {
  const Did* any = nullptr;
  auto [b, e] = byNumber_.equal_range(number);
  for (auto it = b; it != e; ++it) {
    if (!it->second.trunkId.empty() && it->second.trunkId == trunkId) return &it->second;
    if (it->second.trunkId.empty()) any = &it->second;
  }
  return any;
}

const Did* DidTable::findAny(const std::string& number) const {
  const Did* first = nullptr;
  auto [b, e] = byNumber_.equal_range(number);
  for (auto it = b; it != e; ++it) {
    if (it->second.trunkId.empty()) return &it->second;
    if (!first || it->second.id < first->id) first = &it->second;
  }
  return first;
}

bool isValidNumber(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*' || c == '#' ||
           c == '+' || c == '.' || c == '_' || c == '-';
  });
}

namespace {
core::Error invalid(const std::string& m) { return core::makeError("invalid", m); }
}  // namespace

core::Result<void> validateExtension(const Extension& e, bool requirePassword) {
  if (!isValidNumber(e.number)) return invalid("number must be 1-32 characters of 0-9 A-Z a-z * # + . _ -");
  if (requirePassword && e.password.size() < 6) return invalid("password must have at least 6 characters");
  if (!e.password.empty() && e.password.size() > 128) return invalid("password is too long");
  if (e.displayName.size() > 128) return invalid("display_name is too long");
  if (e.maxContacts < 0 || e.maxContacts > 100) return invalid("max_contacts must be 0..100");
  if (e.callLimit < 0 || e.callLimit > 100000) return invalid("call_limit must be 0..100000");
  return {};
}

core::Result<void> validateTrunk(const Trunk& t) {
  if (t.name.empty() || t.name.size() > 64) return invalid("name must be 1-64 characters");
  if (t.host.empty() || t.host.size() > 255 || t.host.find_first_of(" ;<>\"@") != std::string::npos) {
    return invalid("host must be an IP address or host name");
  }
  if (t.port < 1 || t.port > 65535) return invalid("port must be 1..65535");
  if (t.transport != "udp" && t.transport != "tcp" && t.transport != "tls") return invalid("transport must be udp, tcp or tls");
  if (t.registerEnabled && t.username.empty()) return invalid("register needs a username");
  if (t.registerExpiresS < 60 || t.registerExpiresS > 86400) return invalid("register_expires must be 60..86400");
  if (t.maxChannels < 0) return invalid("max_channels must be >= 0");
  return {};
}

core::Result<void> validateDid(const Did& d) {
  if (!isValidNumber(d.number)) return invalid("number must be 1-32 characters of 0-9 A-Z a-z * # + . _ -");
  if (d.targetType.empty() || d.targetType.size() > 32) return invalid("target_type is required");
  if (d.target.empty()) return invalid("target is required");
  return {};
}

core::Result<void> validateDialRule(const DialRule& r) {
  if (r.name.empty() || r.name.size() > 64) return invalid("name must be 1-64 characters");
  if (!r.prefix.empty() && !isValidNumber(r.prefix)) return invalid("prefix has invalid characters");
  if (!r.prepend.empty() && !isValidNumber(r.prepend)) return invalid("prepend has invalid characters");
  if (r.stripDigits < 0 || r.stripDigits > 32) return invalid("strip_digits must be 0..32");
  if (r.minLength < 0 || r.maxLength < 0) return invalid("lengths must be >= 0");
  if (r.trunkIds.empty()) return invalid("trunk_ids needs at least one trunk");
  if (r.callerIdPolicy != "keep" && r.callerIdPolicy != "fixed" && r.callerIdPolicy != "trunk") {
    return invalid("caller_id_policy must be keep, fixed or trunk");
  }
  if (r.callerIdPolicy == "fixed" && !isValidNumber(r.callerId)) return invalid("caller_id is required for policy fixed");
  return {};
}

}  // namespace hujiao::call
