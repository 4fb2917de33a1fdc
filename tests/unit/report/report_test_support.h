#pragma once
// A fresh report database per test on each backend: a temporary SQLite file,
// or a new schema in the throwaway PostgreSQL cluster (ctest fixture
// pg_cluster, URL in $HUJIAO_TEST_PG_DIR/url), with the report migrations.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "report/event_store.h"
#include "store/store.h"

#define ASSERT_OK(r)                                                           \
  ASSERT_TRUE((r).ok()) << (r).error().code << ": " << (r).error().message
#define EXPECT_OK(r)                                                           \
  EXPECT_TRUE((r).ok()) << (r).error().code << ": " << (r).error().message

namespace hujiao::report::test {

class FreshReportDb {
public:
  explicit FreshReportDb(const std::string &backend);
  ~FreshReportDb();
  FreshReportDb(const FreshReportDb &) = delete;
  FreshReportDb &operator=(const FreshReportDb &) = delete;
  const std::string &url() const { return url_; }
  const std::string &dir() const { return dir_; }

private:
  std::string url_;
  std::string dir_; // a private temporary directory (both backends: journals
                    // live there)
  std::string baseUrl_; // postgresql
  std::string schema_;  // postgresql
};

/// Parameterised on the backend name ("sqlite", "postgresql").
class ReportDbTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override;
  void TearDown() override;
  store::Db &db() { return store_->db(); }

  std::unique_ptr<FreshReportDb> fresh_;
  std::unique_ptr<store::Store> store_;
};

std::string backendName(const ::testing::TestParamInfo<std::string> &info);

#define HUJIAO_REPORT_BACKENDS(Suite)                                          \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                    \
                           ::testing::Values("sqlite", "postgresql"),          \
                           ::hujiao::report::test::backendName)

} // namespace hujiao::report::test
