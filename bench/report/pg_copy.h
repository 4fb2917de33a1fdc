// Bulk copy of the report tables from a SQLite store into a PostgreSQL schema
// (libpq COPY), for report_bench: loading 5 M records through the writer into
// PostgreSQL takes ~45 min on the shared machine, copying the rows the same
// writer produced in SQLite takes minutes. Called from report_bench's main
// thread only.
#pragma once

#include <cstdint>
#include <string>

namespace hujiao::bench {

/// Copies every `report_%` table of the SQLite file `sqlitePath` row for row
/// (same columns, same values, `seq` included) into the same-named tables of
/// `pgUrl`, which must already hold the product's schema (migrations applied)
/// and be empty; then moves each BIGSERIAL sequence past the copied `seq`s.
/// Returns the rows copied, or -1 after printing why to stderr.
int64_t copySqliteToPg(const std::string &sqlitePath, const std::string &pgUrl);

} // namespace hujiao::bench
