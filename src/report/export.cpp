#include "report/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hujiao::report {
namespace {

/// Numbers without exponent or float noise: integers as such, reals with up
/// to six decimals, trailing zeros dropped.
std::string number(const nlohmann::json &v) {
  if (v.is_number_integer())
    return v.dump();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v.get<double>());
  std::string s(buf);
  while (!s.empty() && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.')
    s.pop_back();
  if (s == "-0")
    s = "0";
  return s;
}

std::string text(const nlohmann::json &v) {
  if (v.is_null())
    return {};
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_number())
    return number(v);
  if (v.is_boolean())
    return v.get<bool>() ? "true" : "false";
  return v.dump();
}

void csvField(std::string &out, const std::string &s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
}

} // namespace

std::string toCsv(const ReportTable &table, bool bom) {
  std::string out;
  if (bom)
    out += "\xEF\xBB\xBF";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0)
      out += ',';
    csvField(out, table.columns[i]);
  }
  out += "\r\n";
  for (const auto &row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0)
        out += ',';
      csvField(out, text(row[i]));
    }
    out += "\r\n";
  }
  return out;
}

core::Result<std::string> toXlsx(const ReportTable &table) {
  std::string path =
      (std::filesystem::temp_directory_path() / "hujiao-report-XXXXXX")
          .string();
  int fd = mkstemp(path.data());
  if (fd < 0)
    return core::makeError("internal", "xlsx: cannot create a temporary file");
  ::close(fd);
  struct Cleanup {
    std::string p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } cleanup{path};

  lxw_workbook *wb = workbook_new(path.c_str());
  if (wb == nullptr)
    return core::makeError("internal", "xlsx: cannot create the workbook");
  std::string sheetName =
      table.name.empty() ? "report" : table.name.substr(0, 31);
  lxw_worksheet *ws = workbook_add_worksheet(wb, sheetName.c_str());
  lxw_format *bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_error err = LXW_NO_ERROR;
  for (size_t c = 0; c < table.columns.size() && err == LXW_NO_ERROR; ++c) {
    err = worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c),
                                 table.columns[c].c_str(), bold);
  }
  for (size_t r = 0; r < table.rows.size() && err == LXW_NO_ERROR; ++r) {
    const auto row_ = static_cast<lxw_row_t>(r + 1);
    const auto &row = table.rows[r];
    for (size_t c = 0; c < row.size() && err == LXW_NO_ERROR; ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const auto &v = row[c];
      if (v.is_null())
        continue;
      if (v.is_number()) {
        err = worksheet_write_number(ws, row_, col, v.get<double>(), nullptr);
      } else {
        err = worksheet_write_string(ws, row_, col, text(v).c_str(), nullptr);
      }
    }
  }
  if (err == LXW_NO_ERROR)
    worksheet_freeze_panes(ws, 1, 0);
  lxw_error closed = workbook_close(wb);
  if (err != LXW_NO_ERROR)
    return core::makeError("internal",
                           std::string("xlsx: ") + lxw_strerror(err));
  if (closed != LXW_NO_ERROR)
    return core::makeError("internal",
                           std::string("xlsx: ") + lxw_strerror(closed));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

} // namespace hujiao::report
