#include "sip/registrar.h"

#include <algorithm>

namespace hujiao::sip {

std::string rewriteContactHost(const std::string& uri, const std::string& ip, int port, const std::string& transport) {
  // sip:[user[:pw]@]host[:port][;params][?headers]
  const size_t colon = uri.find(':');
  if (colon == std::string::npos) return uri;
  const std::string scheme = uri.substr(0, colon);
  size_t hostStart = colon + 1;
  const size_t end = uri.find_first_of(";?", hostStart);
  const size_t at = uri.rfind('@', end == std::string::npos ? uri.size() : end);
  std::string user;
  if (at != std::string::npos && at > colon) {
    user = uri.substr(colon + 1, at - colon);  // includes '@'
    hostStart = at + 1;
  }
  std::string params = end == std::string::npos ? "" : uri.substr(end);
  // Drop an old transport param; set ours for connection-oriented transports.
  std::string kept;
  size_t i = 0;
  std::string headers;
  const size_t q = params.find('?');
  if (q != std::string::npos) {
    headers = params.substr(q);
    params = params.substr(0, q);
  }
  while (i < params.size()) {
    size_t next = params.find(';', i + 1);
    std::string p = params.substr(i, next == std::string::npos ? std::string::npos : next - i);
    std::string lower = p;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.rfind(";transport=", 0) != 0 && p != ";") kept += p;
    if (next == std::string::npos) break;
    i = next;
  }
  if (transport == "tcp" || transport == "tls") kept += ";transport=" + transport;
  std::string host = ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
  return scheme + ":" + user + host + ":" + std::to_string(port) + kept + headers;
}

namespace {
/// The host of a SIP URI ("" if none), without brackets.
std::string uriHost(const std::string& uri) {
  const size_t colon = uri.find(':');
  if (colon == std::string::npos) return {};
  size_t start = uri.find('@', colon);
  const size_t end0 = uri.find_first_of(";?", colon);
  if (start == std::string::npos || (end0 != std::string::npos && start > end0)) start = colon;
  ++start;
  if (start < uri.size() && uri[start] == '[') {
    const size_t close = uri.find(']', start);
    return close == std::string::npos ? std::string() : uri.substr(start + 1, close - start - 1);
  }
  const size_t end = uri.find_first_of(":;?", start);
  return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// NAT: when the Contact names another address than the one the REGISTER
/// came from, requests go to the observed source (what the NAT maps back).
std::string natContact(const std::string& uri, const RegisterRequest& r) {
  if (r.transport.empty() || r.sourceIp.empty() || uriHost(uri) == r.sourceIp) return uri;
  return rewriteContactHost(uri, r.sourceIp, r.sourcePort, r.transport);
}
}  // namespace

RegisterOutcome Registrar::apply(const RegisterRequest& r, int64_t nowUs) {
  RegisterOutcome out;
  auto& list = byAor_[r.aor];
  // Drop expired entries first so they never count against max contacts.
  for (auto it = list.begin(); it != list.end();) {
    if (it->expiresAtUs <= nowUs) {
      out.removed.push_back(*it);
      it = list.erase(it);
    } else {
      ++it;
    }
  }
  if (r.star) {
    // "Contact: *" is only valid with Expires: 0 and no other contact.
    if (r.expiresHeader != 0 || !r.contacts.empty()) {
      out.status = 400;
      out.phrase = "Invalid Contact *";
      return out;
    }
    for (auto& b : list) {
      if (b.callId == r.callId && r.cseq <= b.cseq) continue;
      out.removed.push_back(b);
      b.expiresAtUs = 0;
    }
    list.erase(std::remove_if(list.begin(), list.end(), [](const Binding& b) { return b.expiresAtUs == 0; }),
               list.end());
    out.bindings = list;
    return out;
  }
  // Validate every contact before changing anything (the request is atomic).
  struct Planned {
    const RegisterContact* c;
    int64_t expires;
  };
  std::vector<Planned> planned;
  for (const auto& c : r.contacts) {
    int64_t e = c.expires >= 0 ? c.expires : r.expiresHeader >= 0 ? r.expiresHeader : limits_.defaultExpiresS;
    if (e > 0 && e < limits_.minExpiresS) {
      out.status = 423;
      out.phrase = "Interval Too Brief";
      out.minExpires = limits_.minExpiresS;
      out.bindings = list;
      return out;
    }
    e = std::min(e, limits_.maxExpiresS);
    for (const auto& b : list) {
      if (b.registeredContact == c.uri && b.callId == r.callId && r.cseq <= b.cseq) {
        out.status = 500;
        out.phrase = "Out Of Order CSeq";
        out.bindings = list;
        return out;
      }
    }
    planned.push_back({&c, e});
  }
  int64_t after = static_cast<int64_t>(list.size());
  for (const auto& p : planned) {
    bool exists = std::any_of(list.begin(), list.end(), [&](const Binding& b) { return b.registeredContact == p.c->uri; });
    if (!exists && p.expires > 0) ++after;
    if (exists && p.expires == 0) --after;
  }
  if (after > r.maxContacts) {
    out.status = 403;
    out.phrase = "Too Many Contacts";
    out.bindings = list;
    return out;
  }
  for (const auto& p : planned) {
    auto it = std::find_if(list.begin(), list.end(), [&](const Binding& b) { return b.registeredContact == p.c->uri; });
    if (p.expires == 0) {
      if (it != list.end()) {
        out.removed.push_back(*it);
        list.erase(it);
      }
      continue;
    }
    Binding b;
    if (it != list.end()) b = *it;
    b.aor = r.aor;
    b.registeredContact = p.c->uri;
    b.contact = natContact(p.c->uri, r);
    b.callId = r.callId;
    b.cseq = r.cseq;
    if (it == list.end()) b.registeredAtUs = nowUs;
    b.expiresAtUs = nowUs + p.expires * 1'000'000;
    b.sourceIp = r.sourceIp;
    b.sourcePort = r.sourcePort;
    b.transport = r.transport;
    b.userAgent = r.userAgent;
    b.reachable = true;
    b.optionsFailures = 0;
    if (it != list.end()) {
      *it = b;
    } else {
      list.push_back(b);
    }
    out.upserted.push_back(b);
  }
  out.bindings = list;
  if (list.empty()) byAor_.erase(r.aor);
  return out;
}

std::vector<Binding> Registrar::bindings(const std::string& aor, int64_t nowUs) const {
  std::vector<Binding> out;
  auto it = byAor_.find(aor);
  if (it == byAor_.end()) return out;
  for (const auto& b : it->second) {
    if (b.expiresAtUs > nowUs) out.push_back(b);
  }
  return out;
}

std::vector<Binding> Registrar::all(int64_t nowUs) const {
  std::vector<Binding> out;
  for (const auto& [aor, list] : byAor_) {
    for (const auto& b : list) {
      if (b.expiresAtUs > nowUs) out.push_back(b);
    }
  }
  return out;
}

std::vector<Binding> Registrar::expire(int64_t nowUs) {
  std::vector<Binding> gone;
  for (auto it = byAor_.begin(); it != byAor_.end();) {
    auto& list = it->second;
    for (auto b = list.begin(); b != list.end();) {
      if (b->expiresAtUs <= nowUs) {
        gone.push_back(*b);
        b = list.erase(b);
      } else {
        ++b;
      }
    }
    it = list.empty() ? byAor_.erase(it) : std::next(it);
  }
  return gone;
}

void Registrar::restore(const Binding& b) {
  auto& list = byAor_[b.aor];
  auto it = std::find_if(list.begin(), list.end(), [&](const Binding& x) { return x.registeredContact == b.registeredContact; });
  if (it != list.end()) {
    *it = b;
  } else {
    list.push_back(b);
  }
}

std::optional<Binding> Registrar::keepAliveResult(const std::string& aor, const std::string& registeredContact, bool ok,
                                                  int failuresUnreachable) {
  auto it = byAor_.find(aor);
  if (it == byAor_.end()) return std::nullopt;
  for (auto& b : it->second) {
    if (b.registeredContact != registeredContact) continue;
    const bool before = b.reachable;
    if (ok) {
      b.optionsFailures = 0;
      b.reachable = true;
    } else if (++b.optionsFailures >= failuresUnreachable) {
      b.reachable = false;
    }
    if (before != b.reachable) return b;
    return std::nullopt;
  }
  return std::nullopt;
}

size_t Registrar::size() const {
  size_t n = 0;
  for (const auto& [aor, list] : byAor_) n += list.size();
  return n;
}

}  // namespace hujiao::sip
