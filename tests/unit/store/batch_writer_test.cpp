// store::BatchWriter on both backends: order, batching of consecutive
// messages into one store call, flush/stop, database errors, exceptions,
// the bounded queue, and that push() never waits for the database.
#include "store/batch_writer.h"

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>

#include "test_support.h"

namespace hujiao::store::test {
namespace {

struct Put {
  std::string id;
  int64_t n = 0;
};
struct Note {
  std::string text;
};
using Msg = std::variant<Put, Note>;

class BatchWriterTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_OK(s().db().exec("CREATE TABLE bw (id TEXT PRIMARY KEY, n BIGINT, seq BIGINT)"));
    ASSERT_OK(s().db().exec("CREATE TABLE bw_note (seq BIGINT PRIMARY KEY, text TEXT)"));
  }

  // Consecutive Puts go to the database as one execBatch (one transaction);
  // each batch records its size so that tests see the grouping.
  BatchWriter<Msg>::WriteFn writeFn() {
    return [this](std::vector<Msg>& batch, BatchWriterCore& core) {
      if (gate_) gate_->wait();
      size_t i = 0;
      while (i < batch.size()) {
        if (auto* note = std::get_if<Note>(&batch[i])) {
          if (note->text == "throw") throw std::runtime_error("boom");
          core.check(s().db().exec("INSERT INTO bw_note (seq, text) VALUES ($1, $2)", {seq_++, note->text}), "note");
          ++i;
          continue;
        }
        std::vector<Params> rows;
        for (; i < batch.size() && std::holds_alternative<Put>(batch[i]); ++i) {
          auto& p = std::get<Put>(batch[i]);
          rows.push_back({p.id, p.n, seq_++});
        }
        groups_.push_back(rows.size());
        core.check(s().db().execBatch("INSERT INTO bw (id, n, seq) VALUES ($1, $2, $3)", rows), "puts", rows.size());
      }
    };
  }

  int64_t count(const char* table) {
    auto r = s().db().query(std::string("SELECT count(*) FROM ") + table);
    return r ? r->rows[0].i64(0) : -1;
  }

  int64_t seq_ = 0;
  std::vector<size_t> groups_;               // writer thread; read after flush()
  std::shared_future<void>* gate_ = nullptr;  // holds the writer inside a write
};

TEST_P(BatchWriterTest, WritesInOrderAndBatchesWhatQueuedMeanwhile) {
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  gate_ = &gate;
  BatchWriter<Msg> w({.module = "store", .name = "test writer"}, writeFn());
  w.start();
  w.push(Put{"first", 1});
  // Wait until the writer has taken it (and sits in the gate).
  for (int i = 0; i < 5000 && w.pending() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(w.pending(), 0u);
  // The writer is held inside its first batch (a slow database): pushes
  // meanwhile return at once and queue up.
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(w.push(Put{"p" + std::to_string(i), i}));
  w.push(Note{"middle"});
  for (int i = 200; i < 300; ++i) w.push(Put{"p" + std::to_string(i), i});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_GE(w.pending(), 300u);
  open.set_value();
  w.flush();
  EXPECT_EQ(w.pending(), 0u);
  EXPECT_EQ(count("bw"), 301);
  EXPECT_EQ(count("bw_note"), 1);
  EXPECT_EQ(w.written(), 302u);
  EXPECT_EQ(w.failures(), 0u);
  // One write for "first", then one for everything queued behind it.
  EXPECT_EQ(w.batches(), 2u);
  ASSERT_EQ(groups_.size(), 3u);
  EXPECT_EQ(groups_[0], 1u);
  EXPECT_EQ(groups_[1], 200u);
  EXPECT_EQ(groups_[2], 100u);
  // Order is kept: the note sits between p199 and p200.
  auto note = s().db().query("SELECT seq FROM bw_note");
  ASSERT_OK(note);
  auto p199 = s().db().query("SELECT seq FROM bw WHERE id = 'p199'");
  auto p200 = s().db().query("SELECT seq FROM bw WHERE id = 'p200'");
  ASSERT_OK(p199);
  ASSERT_OK(p200);
  EXPECT_EQ(p199->rows[0].i64(0) + 1, note->rows[0].i64(0));
  EXPECT_EQ(note->rows[0].i64(0) + 1, p200->rows[0].i64(0));
}

TEST_P(BatchWriterTest, StopWritesEverythingQueuedIncludingBeforeStart) {
  BatchWriter<Msg> w({}, writeFn());
  for (int i = 0; i < 50; ++i) w.push(Put{"q" + std::to_string(i), i});
  EXPECT_EQ(w.pending(), 50u);
  w.flush();  // not started: returns at once
  EXPECT_EQ(count("bw"), 0);
  w.start();
  for (int i = 50; i < 100; ++i) w.push(Put{"q" + std::to_string(i), i});
  w.stop();
  EXPECT_FALSE(w.running());
  EXPECT_EQ(count("bw"), 100);
  EXPECT_EQ(w.written(), 100u);
  // Started again after a stop, it writes again.
  w.start();
  w.push(Note{"again"});
  w.stop();
  EXPECT_EQ(count("bw_note"), 1);
}

TEST_P(BatchWriterTest, DatabaseErrorIsCountedAndTheWriterGoesOn) {
  BatchWriter<Msg> w({}, writeFn());
  w.start();
  w.push(Put{"dup", 1});
  w.flush();
  // Hold the writer inside a write so that the next four messages queue up
  // and are written as one batch (without the gate the writer may wake
  // between two pushes, and x1 would be written on its own).
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  gate_ = &gate;
  w.push(Note{"held"});
  for (int i = 0; i < 5000 && w.pending() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(w.pending(), 0u);
  // Consecutive puts that violate the primary key fail as a whole (one
  // transaction); the messages after them are written.
  w.push(Put{"x1", 1});
  w.push(Put{"dup", 2});
  w.push(Note{"after"});
  w.push(Put{"x2", 2});
  open.set_value();
  w.flush();
  EXPECT_EQ(w.failures(), 1u);
  EXPECT_EQ(count("bw"), 2);  // dup (first) and x2
  EXPECT_EQ(count("bw_note"), 2);
  EXPECT_EQ(w.written(), 4u);  // dup, held, after, x2
}

TEST_P(BatchWriterTest, AnExceptionDoesNotKillTheThread) {
  BatchWriter<Msg> w({}, writeFn());
  w.start();
  w.push(Note{"throw"});
  w.flush();
  EXPECT_EQ(w.failures(), 1u);
  w.push(Put{"alive", 1});
  w.flush();
  EXPECT_EQ(count("bw"), 1);
  EXPECT_TRUE(w.running());
}

TEST_P(BatchWriterTest, BoundedQueueDropsInsteadOfWaiting) {
  BatchWriter<Msg> w({.module = "store", .name = "bounded", .maxQueue = 3}, writeFn());
  EXPECT_TRUE(w.push(Put{"a", 1}));
  EXPECT_TRUE(w.push(Put{"b", 2}));
  EXPECT_TRUE(w.push(Put{"c", 3}));
  EXPECT_FALSE(w.push(Put{"d", 4}));
  EXPECT_FALSE(w.push(Put{"e", 5}));
  EXPECT_EQ(w.dropped(), 2u);
  EXPECT_EQ(w.pending(), 3u);
  w.start();
  w.flush();
  EXPECT_TRUE(w.push(Put{"f", 6}));  // room again once written
  w.stop();
  EXPECT_EQ(count("bw"), 4);
}

HUJIAO_STORE_BACKENDS(BatchWriterTest);

}  // namespace
}  // namespace hujiao::store::test
