#pragma once
// EventWriter: takes report records from the control thread without ever
// making it wait, and stores them on its own thread in batches (one
// transaction per batch, every `maxDelayMs` or `maxBatch` records).
//
// Acknowledged = committed to the database by the writer, or appended and
// fsync'ed to the local journal file when the database refused the batch.
// Only acknowledged records survive a crash; flush() and stop() wait until
// everything queued before them is acknowledged (stop() is the graceful
// shutdown: nothing queued is lost).
//
// append() never blocks: a short critical section pushes onto a bounded
// vector. When the queue is full the record is counted as an overflow and
// written straight to the journal (one write(2) to the page cache, no fsync;
// the last resort when the writer is stuck); only if that fails too (no
// journal configured, disk error) is it lost, and counted as lost. The
// journal is replayed into the database at start() and whenever the database
// accepts writes again (at-least-once: a crash between a replayed batch's
// commit and the journal's rewrite can count that batch twice).
//
// Threads: append() from any thread (the control thread in production);
// start(), flush(), stop() and stats() from the owner; the writer thread is
// internal.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics.h"
#include "report/event_store.h"
#include "report/events.h"

namespace hujiao::report {

struct EventWriterOptions {
  size_t capacity = 100'000; // records queued in memory before append() spills
  size_t maxBatch = 2'000;   // records per transaction
  int maxDelayMs = 200;      // a batch is written at least this often
  std::string journalPath;   // "" = no journal (overflow and failed batches are
                             // lost, counted)
  int replayEveryMs = 5'000; // how often a non-empty journal is retried
  core::MetricsRegistry *metrics = nullptr; // optional; must outlive the writer
};

struct EventWriterStats {
  uint64_t appended = 0; // accepted by append() into the queue
  uint64_t invalid = 0;  // refused by append() (validate() failed)
  uint64_t written = 0;  // committed to the database (replayed ones included)
  uint64_t overflow = 0; // did not fit the queue
  uint64_t spilled = 0;  // written to the journal (overflow or failed batch)
  uint64_t lost = 0;     // neither stored nor journalled
  uint64_t replayed = 0; // journal records later committed
  uint64_t failures = 0; // failed database batches
  uint64_t batches = 0;
  size_t queueDepth = 0;
  size_t maxQueueDepth = 0;
  int64_t lastBatchUs = 0;
  int64_t maxBatchUs = 0;
};

class EventWriter {
public:
  EventWriter(EventStore &store, EventWriterOptions options);
  ~EventWriter();
  EventWriter(const EventWriter &) = delete;
  EventWriter &operator=(const EventWriter &) = delete;

  /// Replays the journal (if any), then starts the writer thread.
  void start();
  /// Queues a record. Returns false only for an invalid record (counted,
  /// logged at most once a second). Never blocks, never does I/O unless the
  /// queue is full (then one write(2) to the journal).
  bool append(Record record);
  /// Blocks until every record appended before the call is acknowledged.
  void flush();
  /// Writes everything queued, then ends the thread. Idempotent.
  void stop();
  EventWriterStats stats() const;

private:
  void run();
  void writeBatch(std::vector<Record> &batch);
  /// Appends records to the journal; fsync when `sync`. Returns false on error.
  bool journal(const std::vector<Record> &records, bool sync);
  /// Moves the journal aside and stores it; keeps what could not be stored.
  void replayJournal();

  EventStore &store_;
  EventWriterOptions options_;

  mutable std::mutex mu_; // guards queue_, appendSeq_, the flags
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<Record> queue_;
  uint64_t appendSeq_ = 0; // records accepted into the queue so far
  uint64_t doneSeq_ = 0;   // of those, acknowledged or lost
  bool stopping_ = false;
  bool flushRequested_ = false;
  std::thread thread_;

  std::mutex
      journalMu_; // guards the journal file (append-side spill vs. writer)
  int journalFd_ = -1;
  std::atomic<bool> journalDirty_{false};

  std::atomic<uint64_t> invalid_{0}, written_{0}, overflow_{0}, spilled_{0},
      lost_{0}, replayed_{0}, failures_{0}, batches_{0};
  std::atomic<size_t> maxDepth_{0};
  std::atomic<int64_t> lastBatchUs_{0}, maxBatchUs_{0};
  std::atomic<int64_t> lastInvalidLogUs_{0};

  core::Gauge *depthGauge_ = nullptr;
  core::Histogram *batchHist_ = nullptr;
  core::Counter *writtenCounter_ = nullptr;
  core::Counter *overflowCounter_ = nullptr;
  core::Counter *spilledCounter_ = nullptr;
  core::Counter *lostCounter_ = nullptr;
  core::Counter *failureCounter_ = nullptr;
  core::Counter *invalidCounter_ = nullptr;
};

} // namespace hujiao::report
