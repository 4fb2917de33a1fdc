// The SQL layer on both backends: placeholders, types, transactions, error
// mapping, concurrency, closing.
#include <atomic>
#include <thread>

#include "test_support.h"

namespace hujiao::store::test {
namespace {

class DbTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_OK(s().db().exec("CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, s TEXT)"));
    ASSERT_OK(s().db().exec("CREATE TABLE child (id TEXT PRIMARY KEY, t_id TEXT NOT NULL REFERENCES t (id))"));
  }
};

TEST_P(DbTest, PlaceholdersAndTypesRoundTrip) {
  Db& db = s().db();
  ASSERT_OK(db.exec("INSERT INTO t (id, n, x, s) VALUES ($1, $2, $3, $4)",
                    {std::string("a"), int64_t{9'007'199'254'740'993}, 2.5, std::string("h\xc3\xa9 'quoted'")}));
  ASSERT_OK(db.exec("INSERT INTO t (id, n, x, s) VALUES ($1, $2, $3, $4)",
                    {std::string("b"), nullptr, nullptr, nullptr}));
  auto rows = db.query("SELECT id, n, x, s FROM t WHERE id = $1 OR id = $2 ORDER BY id", {std::string("a"),
                                                                                           std::string("b")});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  ASSERT_EQ(rows->columns.size(), 4u);
  EXPECT_EQ(rows->columns[1], "n");
  const Row& a = rows->rows[0];
  EXPECT_EQ(a.str(0), "a");
  EXPECT_EQ(a.i64(1), 9'007'199'254'740'993);
  EXPECT_DOUBLE_EQ(a.f64(2), 2.5);
  EXPECT_EQ(a.str(3), "h\xc3\xa9 'quoted'");
  EXPECT_EQ(a.str(1), "9007199254740993");
  const Row& b = rows->rows[1];
  EXPECT_TRUE(b.isNull(1));
  EXPECT_EQ(b.i64(1), 0);
  EXPECT_EQ(b.str(3), "");
  // A placeholder used twice binds one value.
  auto twice = db.query("SELECT count(*) FROM t WHERE id = $1 OR s = $1", {std::string("a")});
  ASSERT_OK(twice);
  EXPECT_EQ(twice->rows[0].i64(0), 1);
}

TEST_P(DbTest, ExecReturnsChangedRows) {
  Db& db = s().db();
  auto n = db.execBatch("INSERT INTO t (id, n) VALUES ($1, $2)",
                        {{std::string("a"), int64_t{1}}, {std::string("b"), int64_t{2}}, {std::string("c"), int64_t{3}}});
  ASSERT_OK(n);
  EXPECT_EQ(*n, 3);
  auto up = db.exec("UPDATE t SET n = n + 10 WHERE n >= $1", {int64_t{2}});
  ASSERT_OK(up);
  EXPECT_EQ(*up, 2);
  auto none = db.exec("DELETE FROM t WHERE id = $1", {std::string("zzz")});
  ASSERT_OK(none);
  EXPECT_EQ(*none, 0);
}

TEST_P(DbTest, ErrorsAreMappedToCodes) {
  Db& db = s().db();
  ASSERT_OK(db.exec("INSERT INTO t (id) VALUES ($1)", {std::string("a")}));
  EXPECT_CODE(db.exec("INSERT INTO t (id) VALUES ($1)", {std::string("a")}), "conflict");
  EXPECT_CODE(db.exec("INSERT INTO child (id, t_id) VALUES ($1, $2)", {std::string("c"), std::string("nope")}),
              "invalid");
  EXPECT_CODE(db.exec("INSERT INTO child (id, t_id) VALUES ($1, NULL)", {std::string("c")}), "invalid");
  EXPECT_CODE(db.query("SELEC nonsense"), "internal");
  EXPECT_CODE(db.query("SELECT id FROM t WHERE id = $1", {}), "internal");
  // The pool is still healthy after errors.
  auto ok = db.query("SELECT count(*) FROM t");
  ASSERT_OK(ok);
  EXPECT_EQ(ok->rows[0].i64(0), 1);
}

TEST_P(DbTest, TransactionCommitsOrRollsBack) {
  Db& db = s().db();
  auto failed = db.transaction([](Tx& tx) -> Result<void> {
    if (auto r = tx.exec("INSERT INTO t (id) VALUES ($1)", {std::string("x")}); !r) return r.error();
    return core::makeError("invalid", "changed my mind");
  });
  EXPECT_CODE(failed, "invalid");
  EXPECT_THROW((void)db.transaction([](Tx& tx) -> Result<void> {
    (void)tx.exec("INSERT INTO t (id) VALUES ($1)", {std::string("y")});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  // A statement error that the function ignores must not be committed half-way.
  auto ignored = db.transaction([](Tx& tx) -> Result<void> {
    (void)tx.exec("INSERT INTO t (id) VALUES ($1)", {std::string("z")});
    (void)tx.exec("INSERT INTO child (id, t_id) VALUES ($1, $2)", {std::string("c"), std::string("missing")});
    return {};
  });
  if (pg()) {
    EXPECT_FALSE(ignored.ok());  // PostgreSQL aborts the transaction at the first error
  }
  auto good = db.transaction([](Tx& tx) -> Result<void> {
    if (auto r = tx.exec("INSERT INTO t (id) VALUES ($1)", {std::string("w")}); !r) return r.error();
    auto seen = tx.query("SELECT count(*) FROM t WHERE id = $1", {std::string("w")});
    if (!seen) return seen.error();
    if (seen->rows[0].i64(0) != 1) return core::makeError("internal", "own write not visible");
    return {};
  });
  ASSERT_OK(good);
  auto ids = db.query("SELECT id FROM t WHERE id IN ($1, $2, $3) ORDER BY id",
                      {std::string("w"), std::string("x"), std::string("y")});
  ASSERT_OK(ids);
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ(ids->rows[0].str(0), "w");
}

TEST_P(DbTest, ConcurrentWritersFromFourThreadsAllSucceed) {
  Db& db = s().db();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 60;
  std::atomic<int> failures{0};
  std::string firstError;
  std::mutex errMu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        Result<void> r;
        if (i % 2 == 0) {
          auto e = db.exec("INSERT INTO t (id, n) VALUES ($1, $2)", {id, int64_t{i}});
          if (!e) r = e.error();
        } else {
          // Read-then-write transactions are the ones that deadlock or fail
          // with SQLITE_BUSY when writers are not serialised.
          r = db.transaction([&](Tx& tx) -> Result<void> {
            auto c = tx.query("SELECT count(*) FROM t");
            if (!c) return c.error();
            auto e = tx.exec("INSERT INTO t (id, n) VALUES ($1, $2)", {id, c->rows[0].i64(0)});
            if (!e) return e.error();
            return {};
          });
        }
        if (!r) {
          ++failures;
          std::lock_guard lk(errMu);
          if (firstError.empty()) firstError = r.error().code + ": " + r.error().message;
        }
        // Readers run beside the writers.
        (void)db.query("SELECT count(*) FROM t WHERE n >= $1", {int64_t{0}});
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0) << firstError;
  auto n = db.query("SELECT count(*) FROM t");
  ASSERT_OK(n);
  EXPECT_EQ(n->rows[0].i64(0), kThreads * kPerThread);
}

TEST_P(DbTest, PingAndClose) {
  EXPECT_OK(s().ping());
  s().close();
  s().close();  // idempotent
  EXPECT_CODE(s().ping(), "unavailable");
  EXPECT_CODE(s().users().count(), "unavailable");
}

TEST_P(DbTest, DialectMatchesBackend) {
  EXPECT_EQ(s().db().dialect(), GetParam());
  EXPECT_EQ(s().backend(), GetParam());
}

// The API caches reads keyed on this number: every kind of write must move it,
// reads must not (or the cache would never hit).
TEST_P(DbTest, WriteGenerationMovesOnEveryWriteAndNotOnReads) {
  Db& db = s().db();
  auto gen = [&] {
    auto g = db.writeGeneration();
    EXPECT_TRUE(g.has_value());
    return g.value_or(0);
  };
  uint64_t g0 = gen();
  ASSERT_OK(db.query("SELECT count(*) FROM t"));
  ASSERT_OK(s().users().list(ListQuery{}));
  ASSERT_OK(s().ping());
  EXPECT_EQ(gen(), g0) << "reads must not count as writes";

  ASSERT_OK(db.exec("INSERT INTO t (id, n) VALUES ($1, $2)", {std::string("a"), int64_t{1}}));
  uint64_t g1 = gen();
  EXPECT_GT(g1, g0) << "autocommit exec";
  ASSERT_OK(db.query("UPDATE t SET n = 2 WHERE id = $1 RETURNING n", {std::string("a")}));
  uint64_t g2 = gen();
  EXPECT_GT(g2, g1) << "a write through query()";
  ASSERT_OK(db.transaction([](Tx& tx) -> core::Result<void> {
    auto r = tx.exec("UPDATE t SET n = 3 WHERE id = $1", {std::string("a")});
    if (!r) return r.error();
    return {};
  }));
  uint64_t g3 = gen();
  EXPECT_GT(g3, g2) << "transaction";
  EXPECT_FALSE(db.transaction([](Tx&) -> core::Result<void> { return core::makeError("invalid", "no"); }).ok());
  uint64_t g4 = gen();
  EXPECT_GT(g4, g3) << "a rolled-back transaction counts too (conservative)";
  ASSERT_OK(db.execBatch("INSERT INTO t (id, n) VALUES ($1, $2)", {{std::string("b"), int64_t{1}}}));
  uint64_t g5 = gen();
  EXPECT_GT(g5, g4) << "execBatch";
  EXPECT_FALSE(db.exec("INSERT INTO t (id, n) VALUES ($1, $2)", {std::string("a"), int64_t{1}}).ok());
  uint64_t g6 = gen();
  EXPECT_GT(g6, g5) << "a failed write counts too";
  // Repository writes go through the same Db.
  User u;
  u.username = "gen";
  u.passwordHash = "x";
  auto created = s().users().create(u);
  ASSERT_OK(created);
  uint64_t g7 = gen();
  EXPECT_GT(g7, g6);
  ASSERT_OK(s().users().recordLoginSuccess(created->id, 1));
  EXPECT_GT(gen(), g7);
}

HUJIAO_STORE_BACKENDS(DbTest);

}  // namespace
}  // namespace hujiao::store::test
