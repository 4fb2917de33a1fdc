// Row conversions and the batch helper shared by both backends (PostgreSQL returns every value as text).
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "store/db.h"
#include "store/db_backend.h"

namespace hujiao::store {

int64_t Row::i64(size_t i) const {
  const Value& v = cols.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    if (ec == std::errc() && ptr == s->data() + s->size()) return out;
    // "12.0" and the like (e.g. an aggregate rendered as numeric).
    return static_cast<int64_t>(std::strtod(s->c_str(), nullptr));
  }
  return 0;
}

double Row::f64(size_t i) const {
  const Value& v = cols.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0.0;
}

std::string Row::str(size_t i) const {
  const Value& v = cols.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return {};
}

std::vector<std::string> splitStatements(const std::string& sql) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= sql.size()) {
    size_t end = sql.find(";\n", start);
    std::string stmt = sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t first = stmt.find_first_not_of(" \t\r\n;");
    if (first != std::string::npos) {
      size_t last = stmt.find_last_not_of(" \t\r\n;");
      out.push_back(stmt.substr(first, last - first + 1));
    }
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

core::Result<int64_t> execBatchInTransaction(Db& db, std::string_view sql, const std::vector<Params>& rows) {
  int64_t changed = 0;
  auto r = db.transaction([&](Tx& tx) -> core::Result<void> {
    for (const auto& p : rows) {
      auto n = tx.exec(sql, p);
      if (!n) return n.error();
      changed += *n;
    }
    return {};
  });
  if (!r) return r.error();
  return changed;
}

}  // namespace hujiao::store
