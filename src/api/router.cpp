#include "api/router.h"

#include <charconv>
#include <mutex>
#include <stdexcept>

#include "core/time_format.h"

namespace hujiao::api {

namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 1;  // skip the leading '/'
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool isParam(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool percentDecode(std::string_view in, std::string& out, bool plusIsSpace) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hexValue(in[i + 1]);
      int lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

const std::string& RequestContext::param(const std::string& name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  static const std::string empty;
  return empty;
}

std::string RequestContext::queryString(const std::string& name, const std::string& def) const {
  auto it = query.find(name);
  return it == query.end() ? def : it->second;
}

int64_t RequestContext::queryInt(const std::string& name, int64_t def) const {
  auto it = query.find(name);
  if (it == query.end()) return def;
  int64_t v = def;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return v;
}

core::Result<std::map<std::string, std::string>> parseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < query.size()) {
    size_t amp = query.find('&', i);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(i, amp - i);
    i = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value;
    if (!percentDecode(pair.substr(0, eq), key, true) ||
        !percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), value, true))
      return core::makeError("invalid_query", "malformed percent-encoding in the query string");
    if (out.count(key)) return core::makeError("invalid_query", "query parameter '" + key + "' given twice");
    out.emplace(std::move(key), std::move(value));
  }
  return out;
}

core::Result<void> validateQuery(const std::map<std::string, std::string>& query,
                                 const std::vector<QueryParamSpec>& specs) {
  for (const auto& [key, value] : query) {
    const QueryParamSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == key) spec = &s;
    if (!spec) {
      std::string known;
      for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
      return core::makeError("invalid_query", "unknown query parameter '" + key + "'" +
                                                  (known.empty() ? std::string(" (none accepted)")
                                                                 : " (accepted: " + known + ")"));
    }
    if (spec->type == FieldType::Integer) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || value.empty())
        return core::makeError("invalid_query", "query parameter '" + key + "': expected an integer");
      if (spec->min != spec->max && (v < spec->min || v > spec->max))
        return core::makeError("invalid_query", "query parameter '" + key + "': must be between " +
                                                    std::to_string(spec->min) + " and " + std::to_string(spec->max));
    } else if (spec->type == FieldType::Boolean) {
      if (value != "true" && value != "false")
        return core::makeError("invalid_query", "query parameter '" + key + "': expected true or false");
    } else if (spec->format == "date-time") {
      if (!core::parseIso8601(value))
        return core::makeError("invalid_query",
                               "query parameter '" + key + "': expected an ISO 8601 time (2024-05-01T12:00:00Z)");
    }
  }
  return {};
}

std::optional<HttpResponse> ResponseCache::get(const std::string& key, uint64_t generation) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.generation != generation ||
      clock_.monoUs() - it->second.storedMonoUs >= maxAgeUs_)
    return std::nullopt;
  return it->second.response;
}

void ResponseCache::put(const std::string& key, uint64_t generation, const HttpResponse& response) {
  if (maxEntries_ == 0 || maxAgeUs_ <= 0 || response.body.size() > maxBytes_ / 8) return;
  int64_t now = clock_.monoUs();
  std::unique_lock lock(mu_);
  auto it = entries_.find(key);
  // Never replace an entry with one read at an older generation (a slow
  // reader finishing after a faster one that already saw newer data).
  if (it != entries_.end()) {
    if (it->second.generation > generation) return;
    bytes_ -= it->second.response.body.size();
    entries_.erase(it);
  }
  if (entries_.size() >= maxEntries_ || bytes_ + response.body.size() > maxBytes_) {
    // Full: drop what can no longer be served; if that is not enough, start
    // over (simple, and bounded).
    std::erase_if(entries_, [&](const auto& kv) {
      bool drop = kv.second.generation < generation || now - kv.second.storedMonoUs >= maxAgeUs_;
      if (drop) bytes_ -= kv.second.response.body.size();
      return drop;
    });
    if (entries_.size() >= maxEntries_ || bytes_ + response.body.size() > maxBytes_) {
      entries_.clear();
      bytes_ = 0;
    }
  }
  entries_.emplace(key, Entry{generation, now, response});
  bytes_ += response.body.size();
}

void ResponseCache::clear() {
  std::unique_lock lock(mu_);
  entries_.clear();
  bytes_ = 0;
}

size_t ResponseCache::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

size_t ResponseCache::bytes() const {
  std::shared_lock lock(mu_);
  return bytes_;
}

void ResponseCache::appendQueryKey(std::string& key, const std::map<std::string, std::string>& query) {
  for (const auto& [k, v] : query) {
    key += std::to_string(k.size());
    key += ':';
    key += k;
    key += std::to_string(v.size());
    key += ':';
    key += v;
  }
}

void Router::add(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  Compiled c;
  for (auto seg : split(route.pattern)) {
    if (seg.find('{') != std::string_view::npos && !isParam(seg))
      throw std::invalid_argument("bad route parameter in " + route.pattern);
    c.segments.emplace_back(seg);
  }
  for (const auto& r : routes_)
    if (r.method == route.method && r.pattern == route.pattern)
      throw std::invalid_argument("duplicate route " + route.method + " " + route.pattern);
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(c));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path.front() != '/') return m;
  auto segs = split(path);
  for (size_t r = 0; r < routes_.size(); ++r) {
    const auto& pattern = compiled_[r].segments;
    if (pattern.size() != segs.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (isParam(pattern[i])) {
        std::string value;
        if (segs[i].empty() || !percentDecode(segs[i], value, false)) ok = false;
        else params.emplace_back(pattern[i].substr(1, pattern[i].size() - 2), std::move(value));
      } else {
        ok = pattern[i] == segs[i];
      }
    }
    if (!ok) continue;
    if (routes_[r].method == method) {
      m.outcome = Outcome::Found;
      m.route = &routes_[r];
      m.params = std::move(params);
      m.allow.clear();
      return m;
    }
    m.outcome = Outcome::MethodNotAllowed;
    if (m.allow.find(routes_[r].method) == std::string::npos)
      m.allow += (m.allow.empty() ? "" : ", ") + routes_[r].method;
  }
  return m;
}

}  // namespace hujiao::api
