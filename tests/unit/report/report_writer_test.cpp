// EventWriter: batching, timed flush, graceful stop, never blocking the
// appending thread while the database is stuck, overflow to the journal and
// its replay, failed batches journalled and replayed at the next start.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "core/metrics.h"
#include "report/event_writer.h"
#include "report_history.h"
#include "report_test_support.h"

namespace hujiao::report::test {
namespace {

using Clock = std::chrono::steady_clock;

Record offer(int i) {
  InteractionRecord r;
  r.kind = IxKind::Offered;
  r.atUs = at("08:00:00") + i;
  r.interactionId = "w" + std::to_string(i);
  r.queueId = "q1";
  r.agentId = "a" + std::to_string(i % 7);
  return r;
}

EventWriterOptions opts(size_t capacity, size_t maxBatch, int maxDelayMs,
                        std::string journal = "",
                        core::MetricsRegistry *metrics = nullptr) {
  EventWriterOptions o;
  o.capacity = capacity;
  o.maxBatch = maxBatch;
  o.maxDelayMs = maxDelayMs;
  o.journalPath = std::move(journal);
  o.metrics = metrics;
  return o;
}

class ReportWriterTest : public ReportDbTest {
protected:
  int64_t rows() {
    auto n = db().query("SELECT COUNT(*) FROM report_ix_events");
    EXPECT_OK(n);
    return n ? n->rows.at(0).i64(0) : -1;
  }
  int64_t offersInRollup() {
    auto n = db().query(
        "SELECT SUM(offers) FROM report_ix_rollup WHERE grain = 0 AND dim = $1",
        {std::string("queue")});
    EXPECT_OK(n);
    return n ? n->rows.at(0).i64(0) : -1;
  }
  /// Holds the database's write path for `ms` on another thread; returns when
  /// it holds it.
  std::future<void> blockWrites(int ms) {
    auto held = std::make_shared<std::promise<void>>();
    auto fut = held->get_future();
    auto done = std::async(std::launch::async, [this, held, ms] {
      auto r = db().transaction([&](store::Tx &tx) -> core::Result<void> {
        if (GetParam() == "postgresql") {
          if (auto e = tx.exec(
                  "LOCK TABLE report_ix_events IN ACCESS EXCLUSIVE MODE");
              !e)
            return e.error();
        }
        held->set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return {};
      });
      EXPECT_OK(r);
    });
    fut.wait();
    return done;
  }
  std::string journal() { return fresh_->dir() + "/journal/report.jsonl"; }
};

TEST_P(ReportWriterTest, BatchesAndFlush) {
  EventStore es(db());
  core::MetricsRegistry metrics;
  EventWriter w(es, opts(10'000, 100, 50, "", &metrics));
  w.start();
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(w.append(offer(i)));
  w.flush();
  auto st = w.stats();
  EXPECT_EQ(st.appended, 1000u);
  EXPECT_EQ(st.written, 1000u);
  EXPECT_GE(st.batches, 10u); // at most maxBatch records per transaction
  EXPECT_EQ(rows(), 1000);
  EXPECT_EQ(offersInRollup(), 1000);
  const std::string text = metrics.renderPrometheus();
  EXPECT_NE(text.find("report_writer_records_total 1000"), std::string::npos)
      << text;
  EXPECT_NE(text.find("report_writer_batch_seconds_count"), std::string::npos);
  EXPECT_NE(text.find("report_writer_queue_depth"), std::string::npos);
  w.stop();
}

TEST_P(ReportWriterTest, WritesOnTheTimerWithoutFlush) {
  EventStore es(db());
  EventWriter w(es, opts(10'000, 5'000, 50));
  w.start();
  for (int i = 0; i < 5; ++i)
    w.append(offer(i));
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (w.stats().written < 5 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(w.stats().written, 5u);
  EXPECT_EQ(rows(), 5);
  w.stop();
}

TEST_P(ReportWriterTest, StopWritesEverythingQueued) {
  EventStore es(db());
  {
    EventWriter w(es, opts(100'000, 500, 10'000));
    w.start();
    for (int i = 0; i < 3000; ++i)
      w.append(offer(i));
    w.stop();
    EXPECT_EQ(w.stats().written, 3000u);
  }
  EXPECT_EQ(rows(), 3000);
}

TEST_P(ReportWriterTest, InvalidRecordsAreRefusedAndCounted) {
  EventStore es(db());
  EventWriter w(es, {});
  w.start();
  InteractionRecord bad; // no id, no time
  EXPECT_FALSE(w.append(bad));
  AgentStateRecord st;
  st.agentId = "a1";
  st.atUs = at("08:00:00");
  st.fromState = "dancing";
  st.toState = "ready";
  EXPECT_FALSE(w.append(st));
  EXPECT_TRUE(w.append(offer(1)));
  w.flush();
  EXPECT_EQ(w.stats().invalid, 2u);
  EXPECT_EQ(w.stats().written, 1u);
  w.stop();
}

TEST_P(ReportWriterTest,
       AppendNeverWaitsForAStuckDatabaseAndOverflowGoesToTheJournal) {
  EventStore es(db());
  EventWriter w(es, opts(2'000, 200, 20, journal()));
  w.start();
  auto blocker = blockWrites(1500);
  int64_t worstUs = 0;
  for (int i = 0; i < 10'000; ++i) {
    const auto t0 = Clock::now();
    ASSERT_TRUE(w.append(offer(i)));
    worstUs = std::max<int64_t>(
        worstUs,
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0)
            .count());
  }
  auto st = w.stats();
  // The writer is stuck in its first batch: the queue filled up, the rest
  // overflowed to the journal.
  EXPECT_GE(st.maxQueueDepth, 1'000u);
  EXPECT_GT(st.overflow, 5'000u);
  EXPECT_EQ(st.spilled, st.overflow);
  EXPECT_EQ(st.lost, 0u);
  // Generous bound for a loaded CI machine; typical figures are microseconds.
  EXPECT_LT(worstUs, 50'000) << "an append waited " << worstUs << " us";
  blocker.get();
  w.stop(); // drains the queue and replays the journal
  st = w.stats();
  EXPECT_EQ(st.replayed, st.spilled);
  EXPECT_EQ(st.written, 10'000u);
  EXPECT_EQ(rows(), 10'000);
  EXPECT_EQ(offersInRollup(), 10'000);
  EXPECT_FALSE(std::filesystem::exists(journal() + ".replay"));
  EXPECT_EQ(std::filesystem::file_size(journal()), 0u);
}

TEST_P(ReportWriterTest, FailedBatchesAreJournalledAndReplayedAtTheNextStart) {
  {
    EventStore es(db());
    EventWriter w(es, opts(100'000, 100, 20, journal()));
    w.start();
    store_->close(); // every write now fails: "unavailable"
    for (int i = 0; i < 250; ++i)
      w.append(offer(i));
    w.stop();
    auto st = w.stats();
    EXPECT_EQ(st.written, 0u);
    EXPECT_GE(st.failures, 1u);
    EXPECT_EQ(st.spilled, 250u);
    EXPECT_EQ(st.lost, 0u);
  }
  store_ = store::openStore(fresh_->url(), 4, EventStore::migrations());
  EventStore es(db());
  EventWriter w(es, opts(100'000, 100, 200, journal()));
  w.start(); // replays before taking new records
  EXPECT_EQ(w.stats().replayed, 250u);
  EXPECT_EQ(rows(), 250);
  w.stop();
}

TEST_P(ReportWriterTest, WithoutAJournalOverflowIsCountedAsLost) {
  EventStore es(db());
  EventWriter w(es, opts(100, 100, 20));
  w.start();
  auto blocker = blockWrites(600);
  for (int i = 0; i < 1000; ++i)
    w.append(offer(i));
  auto st = w.stats();
  EXPECT_GT(st.lost, 0u);
  EXPECT_EQ(st.lost, st.overflow);
  blocker.get();
  w.stop();
  st = w.stats();
  EXPECT_EQ(static_cast<int64_t>(st.written), rows());
  EXPECT_EQ(st.written + st.lost, 1000u);
}

HUJIAO_REPORT_BACKENDS(ReportWriterTest);

} // namespace
} // namespace hujiao::report::test
