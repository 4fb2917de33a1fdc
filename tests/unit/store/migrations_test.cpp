// Migrations on both backends (idempotent, ordered, other modules' ranges,
// downgrade refused, failures rolled back) and backend-specific opening.
#include <chrono>
#include <filesystem>

#include "core/config.h"
#include "test_support.h"

namespace hujiao::store::test {
namespace {

class MigrationsTest : public StoreTest {
 protected:
  std::vector<int64_t> versions() {
    auto r = s().db().query("SELECT version FROM schema_migrations ORDER BY version");
    std::vector<int64_t> out;
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (r.ok()) {
      for (const auto& row : r->rows) out.push_back(row.i64(0));
    }
    return out;
  }
};

std::vector<Migration> sipMigrations() {
  // Deliberately out of order: the runner sorts by version. 101 depends on 100.
  return {
      {101, "sip registrations", "CREATE TABLE sip_registrations (id TEXT PRIMARY KEY, ext_id TEXT NOT NULL "
                                 "REFERENCES sip_extensions (id));\nCREATE INDEX sip_reg_ext ON sip_registrations (ext_id)",
       ""},
      {100, "sip extensions",
       "CREATE TABLE sip_extensions (id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, flag INTEGER NOT NULL)",
       "CREATE TABLE sip_extensions (id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, flag SMALLINT NOT NULL)"},
  };
}

TEST_P(MigrationsTest, AppliedOnceAndIdempotentOnReopen) {
  EXPECT_EQ(versions(), std::vector<int64_t>{1});
  reopen();
  reopen();
  EXPECT_EQ(versions(), std::vector<int64_t>{1});
  auto roles = s().roles().list(ListQuery{});
  ASSERT_OK(roles);
  EXPECT_EQ(roles->total, 4);  // seeding twice did not duplicate
}

TEST_P(MigrationsTest, OtherModulesMigrationsRunInVersionOrder) {
  reopen(sipMigrations());
  EXPECT_EQ(versions(), (std::vector<int64_t>{1, 100, 101}));
  ASSERT_OK(s().db().exec("INSERT INTO sip_extensions (id, number, flag) VALUES ($1, $2, $3)",
                          {std::string("e1"), std::string("1001"), int64_t{1}}));
  ASSERT_OK(s().db().exec("INSERT INTO sip_registrations (id, ext_id) VALUES ($1, $2)",
                          {std::string("r1"), std::string("e1")}));
  reopen(sipMigrations());
  EXPECT_EQ(versions(), (std::vector<int64_t>{1, 100, 101}));
  auto n = s().db().query("SELECT count(*) FROM sip_registrations");
  ASSERT_OK(n);
  EXPECT_EQ(n->rows[0].i64(0), 1);
}

TEST_P(MigrationsTest, DowngradeIsRefusedWithAClearMessage) {
  reopen(sipMigrations());
  store_->close();
  store_.reset();
  try {
    store_ = openStore(db_->url(), 2);  // an older binary: knows no sip migrations
    FAIL() << "opened a database newer than the binary";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("100"), std::string::npos) << msg;
    EXPECT_NE(msg.find("newer"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Refusing to start"), std::string::npos) << msg;
  }
  store_ = openStore(db_->url(), 2, sipMigrations());  // the right binary still opens it
}

TEST_P(MigrationsTest, BadMigrationSetsAreRejected) {
  std::vector<Migration> dup = {{100, "a", "CREATE TABLE a (x INTEGER)", ""}, {100, "b", "CREATE TABLE b (x INTEGER)", ""}};
  EXPECT_THROW(reopen(dup), std::runtime_error);
  std::vector<Migration> clash = {{1, "mine", "CREATE TABLE a (x INTEGER)", ""}};  // store's own version
  EXPECT_THROW(store_ = openStore(db_->url(), 2, clash), std::runtime_error);
  std::vector<Migration> zero = {{0, "zero", "CREATE TABLE a (x INTEGER)", ""}};
  EXPECT_THROW(store_ = openStore(db_->url(), 2, zero), std::runtime_error);
  store_ = openStore(db_->url(), 2);
}

TEST_P(MigrationsTest, FailedMigrationIsRolledBackAndNotRecorded) {
  std::vector<Migration> broken = {
      {200, "half", "CREATE TABLE media_half (x INTEGER);\nCREATE TABLE media_half (x INTEGER)", ""}};
  store_->close();
  store_.reset();
  try {
    store_ = openStore(db_->url(), 2, broken);
    FAIL() << "a failing migration was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("migration 200"), std::string::npos) << e.what();
  }
  store_ = openStore(db_->url(), 2);
  EXPECT_EQ(versions(), std::vector<int64_t>{1});
  // The first CREATE of the failed migration was rolled back with it.
  EXPECT_OK(s().db().exec("CREATE TABLE media_half (x INTEGER)"));
}

HUJIAO_STORE_BACKENDS(MigrationsTest);

// --- SQLite specifics -------------------------------------------------------

TEST(SqliteStore, OpensInWalWithFullSyncAndCreatesTheDirectory) {
  FreshDb db("sqlite");
  ASSERT_FALSE(std::filesystem::exists(std::filesystem::path(db.sqlitePath()).parent_path()));
  auto store = openStore(db.url(), 2);
  EXPECT_TRUE(std::filesystem::exists(db.sqlitePath()));
  auto mode = store->db().query("PRAGMA journal_mode");
  ASSERT_OK(mode);
  EXPECT_EQ(mode->rows[0].str(0), "wal");
  // Every pooled connection has the settings: ask more times than the pool has connections.
  for (int i = 0; i < 4; ++i) {
    auto sync = store->db().query("PRAGMA synchronous");
    ASSERT_OK(sync);
    EXPECT_EQ(sync->rows[0].i64(0), 2);  // FULL
    auto fk = store->db().query("PRAGMA foreign_keys");
    ASSERT_OK(fk);
    EXPECT_EQ(fk->rows[0].i64(0), 1);
  }
}

TEST(SqliteStore, ConfigSectionDrivesOpen) {
  core::ConfigSchema schema;
  addStoreConfig(schema);
  FreshDb db("sqlite");
  auto config = core::Config::load(schema,
                                   "store:\n  url: \"" + db.url() +
                                       "\"\n  pool_size: 3\n  busy_timeout_ms: 2000\n  sqlite_synchronous: normal\n",
                                   "test.yaml", {});
  EXPECT_EQ(core::Config::defaults(schema).getString("store.url"), "sqlite:var/hujiao.db");
  EXPECT_EQ(core::Config::defaults(schema).getString("store.sqlite_synchronous"), "full");
  auto store = openStore(config);
  auto sync = store->db().query("PRAGMA synchronous");
  ASSERT_OK(sync);
  EXPECT_EQ(sync->rows[0].i64(0), 1);  // NORMAL
  EXPECT_THROW(core::Config::load(schema, "store:\n  sqlite_synchronous: sometimes\n", "bad.yaml", {}),
               core::ConfigError);
}

TEST(SqliteStore, BadUrlsAreRejected) {
  EXPECT_THROW(openStore("mysql://x"), std::runtime_error);
  EXPECT_THROW(openStore("sqlite:"), std::runtime_error);
  EXPECT_THROW(openStore("sqlite:/proc/no/such/dir/x.db"), std::runtime_error);
}

// --- PostgreSQL specifics ---------------------------------------------------

TEST(PostgresStore, UnreachableServerFailsFastWithAClearMessage) {
  StoreOptions o;
  o.url = "postgresql://postgres@127.0.0.1:1/none";
  o.pgConnectTimeoutS = 2;
  auto start = std::chrono::steady_clock::now();
  try {
    (void)openStore(o);
    FAIL() << "opened an unreachable server";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to PostgreSQL"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(PostgresStore, ReconnectsAfterTheConnectionIsKilled) {
  FreshDb db("postgresql");
  auto store = openStore(db.url(), 1);
  auto pid = store->db().query("SELECT pg_backend_pid()");
  ASSERT_OK(pid);
  db.pgAdmin("SELECT pg_terminate_backend(" + pid->rows[0].str(0) + ")");
  // The first use after the kill may report the loss; the next one reconnects.
  auto first = store->users().count();
  if (!first.ok()) {
    EXPECT_EQ(first.error().code, "unavailable") << first.error().message;
  }
  auto second = store->users().count();
  ASSERT_OK(second);
  EXPECT_EQ(*second, 0);
  auto newPid = store->db().query("SELECT pg_backend_pid()");
  ASSERT_OK(newPid);
  EXPECT_NE(newPid->rows[0].str(0), pid->rows[0].str(0));
  store->close();
}

}  // namespace
}  // namespace hujiao::store::test
