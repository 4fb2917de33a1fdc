#include "call/telephony_store.h"

#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "call/store_writer.h"
#include "sip/digest.h"
#include "store/store.h"

using namespace hujiao;
using namespace hujiao::call;

namespace {

void pgExec(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
}

/// Every test runs on SQLite and on PostgreSQL (a fresh schema in the
/// throwaway cluster of the ctest fixture pg_cluster).
class TelephonyStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url;
    if (GetParam() == "sqlite") {
      path_ = std::filesystem::temp_directory_path() /
              ("hujiao-call-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()) + ".db");
      url = "sqlite:" + path_.string();
    } else {
      const char* dir = std::getenv("HUJIAO_TEST_PG_DIR");
      ASSERT_NE(dir, nullptr) << "HUJIAO_TEST_PG_DIR is not set (ctest fixture pg_cluster)";
      std::ifstream f(std::string(dir) + "/url");
      std::getline(f, baseUrl_);
      ASSERT_FALSE(baseUrl_.empty()) << "no PostgreSQL test cluster URL in " << dir;
      schema_ = "calltest_" + std::to_string(::getpid()) + "_" + std::to_string(std::random_device{}() % 1000000);
      pgExec(baseUrl_, "CREATE SCHEMA " + schema_);
      url = baseUrl_ + "?options=-csearch_path%3D" + schema_;
    }
    store_ = store::openStore(url, 2, TelephonyStore::migrations());
    ts_ = std::make_unique<TelephonyStore>(store_->db());
  }
  void TearDown() override {
    ts_.reset();
    if (store_) store_->close();
    store_.reset();
    if (!path_.empty()) std::filesystem::remove(path_);
    if (!schema_.empty()) pgExec(baseUrl_, "DROP SCHEMA " + schema_ + " CASCADE");
  }
  std::filesystem::path path_;
  std::string baseUrl_;
  std::string schema_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TelephonyStore> ts_;
};
}  // namespace

TEST_P(TelephonyStoreTest, ExtensionsKeepHa1NotPassword) {
  Extension e;
  e.number = "100";
  e.password = "secret100";
  e.displayName = "Alice";
  e.allowedCodecs = {"PCMU", "opus"};
  auto created = ts_->createExtension(e, "hujiao");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(created->password.empty());
  EXPECT_EQ(created->ha1Md5, sip::digestHa1(sip::DigestAlgorithm::Md5, "100", "hujiao", "secret100"));
  auto got = ts_->getExtension(created->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->ha1Sha256, sip::digestHa1(sip::DigestAlgorithm::Sha256, "100", "hujiao", "secret100"));
  EXPECT_EQ(got->allowedCodecs, (std::vector<std::string>{"PCMU", "opus"}));
  auto dup = ts_->createExtension(e, "hujiao");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "conflict");
  // Update without password keeps the HA1s; a number change needs one.
  got->displayName = "Alice B";
  auto upd = ts_->updateExtension(*got, "hujiao");
  ASSERT_TRUE(upd);
  EXPECT_EQ(upd->ha1Md5, created->ha1Md5);
  got->number = "101";
  EXPECT_FALSE(ts_->updateExtension(*got, "hujiao"));
  auto page = ts_->listExtensions({50, 0, "alice", {}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 1);
  EXPECT_TRUE(ts_->removeExtension(created->id));
  EXPECT_EQ(ts_->getExtension(created->id).error().code, "not_found");
}

TEST_P(TelephonyStoreTest, TrunksDidsRulesRoundTrip) {
  Trunk t;
  t.name = "carrier";
  t.host = "127.0.0.1";
  t.port = 5090;
  t.inboundAddresses = {"127.0.0.1", "::1"};
  auto tr = ts_->createTrunk(t);
  ASSERT_TRUE(tr);
  Did d;
  d.number = "5551000";
  d.target = "100";
  ASSERT_TRUE(ts_->createDid(d));
  DialRule r;
  r.name = "out";
  r.prefix = "0";
  r.trunkIds = {tr->id};
  ASSERT_TRUE(ts_->createDialRule(r));
  auto snap = ts_->loadSnapshot(0);
  ASSERT_TRUE(snap);
  ASSERT_EQ(snap->trunks.size(), 1u);
  EXPECT_EQ(snap->trunks[0].inboundAddresses.size(), 2u);
  EXPECT_EQ(snap->dids[0].targetType, "extension");
  EXPECT_EQ(snap->rules[0].trunkIds[0], tr->id);
}

TEST_P(TelephonyStoreTest, WriterPersistsRegistrationsBlocksAndCdrs) {
  StoreWriter w(*ts_);
  w.start();
  sip::Binding b;
  b.aor = "100";
  b.registeredContact = "sip:100@10.0.0.1";
  b.contact = "sip:100@1.2.3.4:5060";
  b.expiresAtUs = 2'000'000;
  w.upsertRegistrations({b});
  sip::Binding gone = b;
  gone.registeredContact = "sip:100@10.0.0.2";
  w.upsertRegistrations({gone});
  w.deleteRegistrations({gone});
  w.upsertBlock({"6.6.6.6", 1, 5'000'000, 5});
  Cdr c;
  c.id = "call1";
  c.callerNumber = "100";
  c.calleeNumber = "200";
  c.startUs = 1000;
  c.hangupCause = "normal";
  c.legs.push_back({"sip:200@h", "", 200, 1, 2, 3});
  w.insertCdr(c);
  w.flush();
  auto snap = ts_->loadSnapshot(1'000'000);
  ASSERT_TRUE(snap);
  ASSERT_EQ(snap->registrations.size(), 1u);
  EXPECT_EQ(snap->registrations[0].contact, "sip:100@1.2.3.4:5060");
  ASSERT_EQ(snap->blocks.size(), 1u);
  EXPECT_TRUE(ts_->loadSnapshot(3'000'000)->registrations.empty());  // expired rows are not loaded
  CdrQuery q;
  q.number = "200";
  auto page = ts_->listCdrs(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].legs.size(), 1u);
  EXPECT_EQ(page->items[0].legs[0].sipCode, 200);
  q.number = "300";
  EXPECT_EQ(ts_->listCdrs(q)->total, 0);
  w.stop();
  EXPECT_EQ(w.failures(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, TelephonyStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });
