#include "report_test_support.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace hujiao::report::test {
namespace {

std::string randomHex(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const char *digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += digits[rng() % 16];
  return s;
}

std::string pgBaseUrl() {
  const char *dir = std::getenv("HUJIAO_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "HUJIAO_TEST_PG_DIR is not set: run with ctest (fixture pg_cluster)");
  }
  std::ifstream in(std::string(dir) + "/url");
  std::string url;
  std::getline(in, url);
  if (url.empty())
    throw std::runtime_error(std::string("no PostgreSQL test cluster URL in ") +
                             dir + "/url");
  return url;
}

void pgExec(const std::string &url, const std::string &sql) {
  PGconn *c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test cluster: " + msg);
  }
  PGresult *r = PQexec(c, sql.c_str());
  auto st = PQresultStatus(r);
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error(sql + ": " + msg);
}

} // namespace

FreshReportDb::FreshReportDb(const std::string &backend) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "hujiao-report-XXXXXX")
          .string();
  if (mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (backend == "sqlite") {
    url_ = "sqlite:" + dir_ + "/report.db";
  } else {
    baseUrl_ = pgBaseUrl();
    schema_ = "r_" + randomHex(16);
    pgExec(baseUrl_, "CREATE SCHEMA " + schema_);
    url_ = baseUrl_ + "?options=-csearch_path%3D" + schema_;
  }
}

FreshReportDb::~FreshReportDb() {
  try {
    std::filesystem::remove_all(dir_);
    if (!schema_.empty())
      pgExec(baseUrl_, "DROP SCHEMA " + schema_ + " CASCADE");
  } catch (const std::exception &e) {
    ADD_FAILURE() << "cleaning the test database failed: " << e.what();
  }
}

void ReportDbTest::SetUp() {
  fresh_ = std::make_unique<FreshReportDb>(GetParam());
  store_ = store::openStore(fresh_->url(), 4, EventStore::migrations());
}

void ReportDbTest::TearDown() {
  if (store_)
    store_->close();
  store_.reset();
  fresh_.reset();
}

std::string backendName(const ::testing::TestParamInfo<std::string> &info) {
  return info.param;
}

} // namespace hujiao::report::test
