#include "pg_copy.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cinttypes>
#include <cstdio>
#include <vector>

namespace hujiao::bench {
namespace {

bool run(PGconn *c, const std::string &sql) {
  PGresult *r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok)
    std::fprintf(stderr, "%s: %s\n", sql.c_str(), PQresultErrorMessage(r));
  PQclear(r);
  return ok;
}

/// COPY text format: backslash, tab, newline and carriage return escaped.
void appendText(std::string &out, const unsigned char *s, int n) {
  for (int i = 0; i < n; ++i) {
    const char ch = static_cast<char>(s[i]);
    switch (ch) {
    case '\\': out += "\\\\"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    default: out += ch;
    }
  }
}

int64_t copyTable(sqlite3 *db, PGconn *pg, const std::string &table) {
  sqlite3_stmt *st = nullptr;
  if (sqlite3_prepare_v2(db, ("SELECT * FROM " + table).c_str(), -1, &st,
                         nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite %s: %s\n", table.c_str(), sqlite3_errmsg(db));
    return -1;
  }
  const int ncol = sqlite3_column_count(st);
  std::string cols;
  bool hasSeq = false;
  for (int i = 0; i < ncol; ++i) {
    const std::string name = sqlite3_column_name(st, i);
    hasSeq = hasSeq || name == "seq";
    cols += (i ? "," : "") + name;
  }
  {
    PGresult *r =
        PQexec(pg, ("COPY " + table + " (" + cols + ") FROM STDIN").c_str());
    const bool copying = PQresultStatus(r) == PGRES_COPY_IN;
    if (!copying)
      std::fprintf(stderr, "COPY %s: %s\n", table.c_str(),
                   PQresultErrorMessage(r));
    PQclear(r);
    if (!copying) {
      sqlite3_finalize(st);
      return -1;
    }
  }
  int64_t rows = 0;
  std::string buf;
  buf.reserve(1 << 21);
  bool ok = true;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int i = 0; i < ncol; ++i) {
      if (i)
        buf += '\t';
      switch (sqlite3_column_type(st, i)) {
      case SQLITE_NULL: buf += "\\N"; break;
      case SQLITE_INTEGER:
        buf += std::to_string(sqlite3_column_int64(st, i));
        break;
      case SQLITE_FLOAT: {
        char d[40];
        std::snprintf(d, sizeof d, "%.17g", sqlite3_column_double(st, i));
        buf += d;
        break;
      }
      default:
        appendText(buf, sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
      }
    }
    buf += '\n';
    ++rows;
    if (buf.size() > (1u << 20)) {
      ok = PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) == 1;
      buf.clear();
      if (!ok)
        break;
    }
  }
  if (rc != SQLITE_DONE && ok) {
    std::fprintf(stderr, "sqlite %s: %s\n", table.c_str(), sqlite3_errmsg(db));
    ok = false;
  }
  sqlite3_finalize(st);
  if (ok && !buf.empty())
    ok = PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) == 1;
  PQputCopyEnd(pg, ok ? nullptr : "report_bench: copy aborted");
  while (PGresult *r = PQgetResult(pg)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      std::fprintf(stderr, "COPY %s: %s\n", table.c_str(),
                   PQresultErrorMessage(r));
      ok = false;
    }
    PQclear(r);
  }
  if (ok && hasSeq)
    ok = run(pg, "SELECT setval(pg_get_serial_sequence('" + table +
                     "', 'seq'), COALESCE(MAX(seq), 0) + 1, false) FROM " +
                     table);
  return ok ? rows : -1;
}

} // namespace

int64_t copySqliteToPg(const std::string &sqlitePath, const std::string &pgUrl) {
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(sqlitePath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s: %s\n", sqlitePath.c_str(),
                 sqlite3_errmsg(db));
    sqlite3_close(db);
    return -1;
  }
  std::vector<std::string> tables;
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                     "name LIKE 'report\\_%' ESCAPE '\\' ORDER BY name",
                     -1, &st, nullptr);
  while (st && sqlite3_step(st) == SQLITE_ROW)
    tables.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  PGconn *pg = PQconnectdb(pgUrl.c_str());
  int64_t total = 0;
  if (PQstatus(pg) != CONNECTION_OK) {
    std::fprintf(stderr, "cannot connect: %s\n", PQerrorMessage(pg));
    total = -1;
  } else if (!run(pg, "SET synchronous_commit = off")) {
    total = -1;
  }
  for (const auto &t : tables) {
    if (total < 0)
      break;
    const int64_t n = copyTable(db, pg, t);
    if (n < 0) {
      total = -1;
      break;
    }
    std::printf("  [postgresql] copied %-24s %10" PRId64 " rows\n", t.c_str(), n);
    std::fflush(stdout);
    total += n;
  }
  PQfinish(pg);
  sqlite3_close(db);
  return total;
}

} // namespace hujiao::bench
