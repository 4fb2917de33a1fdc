#include "test_support.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace hujiao::store::test {
namespace {

std::string randomHex(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += digits[rng() % 16];
  return s;
}

std::string pgBaseUrl() {
  const char* dir = std::getenv("HUJIAO_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "HUJIAO_TEST_PG_DIR is not set: run these tests with ctest (fixture pg_cluster), or start a cluster with "
        "scripts/pg-test-cluster.sh start DIR and export HUJIAO_TEST_PG_DIR=DIR");
  }
  std::ifstream in(std::string(dir) + "/url");
  std::string url;
  std::getline(in, url);
  if (url.empty()) throw std::runtime_error(std::string("no PostgreSQL test cluster URL in ") + dir + "/url");
  return url;
}

std::string pgExec(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test cluster " + url + ": " + msg);
  }
  PGresult* r = PQexec(c, sql.c_str());
  std::string out;
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error(sql + ": " + msg);
  }
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(c);
  return out;
}

}  // namespace

FreshDb::FreshDb(const std::string& backend) : backend_(backend) {
  if (backend == "sqlite") {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hujiao-store-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    path_ = dir_ + "/sub/dir/test.db";  // parent directories are created by the store
    url_ = "sqlite:" + path_;
  } else {
    baseUrl_ = pgBaseUrl();
    schema_ = "t_" + randomHex(16);
    pgExec(baseUrl_, "CREATE SCHEMA " + schema_);
    // Every connection of the store works inside that schema only.
    url_ = baseUrl_ + "?options=-csearch_path%3D" + schema_;
  }
}

FreshDb::~FreshDb() {
  try {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) pgExec(baseUrl_, "DROP SCHEMA " + schema_ + " CASCADE");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cleaning the test database failed: " << e.what();
  }
}

std::string FreshDb::pgAdmin(const std::string& sql) const { return pgExec(baseUrl_, sql); }

void StoreTest::SetUp() {
  db_ = std::make_unique<FreshDb>(GetParam());
  store_ = openStore(db_->url(), 4);
}

void StoreTest::TearDown() {
  if (store_) store_->close();
  store_.reset();
  db_.reset();
}

void StoreTest::reopen(const std::vector<Migration>& migrations) {
  store_->close();
  store_.reset();
  store_ = openStore(db_->url(), 4, migrations);
}

std::string backendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace hujiao::store::test
