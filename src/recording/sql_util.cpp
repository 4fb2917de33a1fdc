#include "recording/sql_util.h"

#include <nlohmann/json.hpp>

namespace hujiao::recording::detail {

void Where::in(const std::string& column, const std::vector<std::string>& ids, bool negate) {
  const std::string p = param(toJsonArray(ids));
  const std::string set = pg_ ? "(SELECT json_array_elements_text(CAST(" + p + " AS json)))"
                              : "(SELECT value FROM json_each(" + p + "))";
  add(column + (negate ? " NOT IN " : " IN ") + set);
}

void Where::contains(const std::string& column, const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  add("lower(" + column + ") LIKE lower(" + param(pattern) + ") ESCAPE '\\'");
}

std::string Where::sql() const {
  std::string out;
  for (size_t i = 0; i < conds_.size(); ++i) out += (i == 0 ? " WHERE " : " AND ") + conds_[i];
  return out;
}

std::string toJsonArray(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> fromJsonArray(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& x : j) {
    if (x.is_string()) out.push_back(x.get<std::string>());
  }
  return out;
}

std::string placeholders(int from, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) s += (i ? ", $" : "$") + std::to_string(from + i);
  return s;
}

}  // namespace hujiao::recording::detail
