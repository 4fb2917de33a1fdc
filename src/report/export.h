#pragma once
// Report export: CSV (RFC 4180: CRLF line ends, fields with a comma, quote,
// CR or LF are quoted and quotes doubled; UTF-8, optional BOM so that Excel
// detects UTF-8) and XLSX (one worksheet through libxlsxwriter; numbers as
// numbers, null as an empty cell).
//
// Threads: pure functions; any service thread.
#include <string>

#include "core/result.h"
#include "report/report_query.h"

namespace hujiao::report {

std::string toCsv(const ReportTable &table, bool bom);
/// The .xlsx file's bytes. Errors: "internal" when libxlsxwriter fails.
core::Result<std::string> toXlsx(const ReportTable &table);

} // namespace hujiao::report
