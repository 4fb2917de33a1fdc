#pragma once
// A fresh database per test on each backend: a temporary SQLite file, or a
// new schema in the throwaway PostgreSQL cluster (ctest fixture pg_cluster,
// URL in $HUJIAO_TEST_PG_DIR/url).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/store.h"

/// Asserts a Result is ok, printing its error otherwise.
#define ASSERT_OK(r) ASSERT_TRUE((r).ok()) << (r).error().code << ": " << (r).error().message
#define EXPECT_OK(r) EXPECT_TRUE((r).ok()) << (r).error().code << ": " << (r).error().message
/// Asserts a Result failed with the given error code.
#define EXPECT_CODE(r, c)                  \
  do {                                     \
    auto&& res_ = (r);                     \
    ASSERT_FALSE(res_.ok()) << "expected " << (c); \
    EXPECT_EQ(res_.error().code, (c)) << res_.error().message; \
  } while (0)

namespace hujiao::store::test {

/// A fresh, empty database: its URL, removed on destruction.
class FreshDb {
 public:
  explicit FreshDb(const std::string& backend);
  ~FreshDb();
  FreshDb(const FreshDb&) = delete;
  FreshDb& operator=(const FreshDb&) = delete;
  const std::string& url() const { return url_; }
  const std::string& sqlitePath() const { return path_; }
  /// Runs one SQL statement outside the store (PostgreSQL only; the test's
  /// own connection, e.g. to kill a store connection).
  std::string pgAdmin(const std::string& sql) const;

 private:
  std::string backend_;
  std::string url_;
  std::string dir_;     // sqlite
  std::string path_;    // sqlite
  std::string baseUrl_; // postgresql
  std::string schema_;  // postgresql
};

/// Parameterised on the backend name ("sqlite", "postgresql").
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  bool pg() const { return GetParam() == "postgresql"; }
  /// Closes the store and opens the same database again.
  void reopen(const std::vector<Migration>& migrations = {});
  Store& s() { return *store_; }

  std::unique_ptr<FreshDb> db_;
  std::unique_ptr<Store> store_;
};

std::string backendName(const ::testing::TestParamInfo<std::string>& info);

#define HUJIAO_STORE_BACKENDS(Suite) \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values("sqlite", "postgresql"), \
                           ::hujiao::store::test::backendName)

}  // namespace hujiao::store::test
