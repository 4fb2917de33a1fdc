#include "report/event_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/log.h"

namespace hujiao::report {
namespace {

int64_t monoUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int openJournal(const std::string &path) {
  return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

bool writeAll(int fd, const std::string &text) {
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

void maxInto(std::atomic<size_t> &a, size_t v) {
  size_t cur = a.load(std::memory_order_relaxed);
  while (v > cur &&
         !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

} // namespace

EventWriter::EventWriter(EventStore &store, EventWriterOptions options)
    : store_(store), options_(std::move(options)) {
  if (options_.maxBatch == 0)
    options_.maxBatch = 1;
  if (options_.capacity < options_.maxBatch)
    options_.capacity = options_.maxBatch;
  queue_.reserve(std::min<size_t>(options_.capacity, 4 * options_.maxBatch));
  if (!options_.journalPath.empty()) {
    std::filesystem::path p(options_.journalPath);
    std::error_code ec;
    if (p.has_parent_path())
      std::filesystem::create_directories(p.parent_path(), ec);
    journalFd_ = openJournal(options_.journalPath);
    if (journalFd_ < 0) {
      throw std::runtime_error("report: cannot open journal " +
                               options_.journalPath + ": " +
                               std::strerror(errno));
    }
    struct stat st {};
    bool pending = ::fstat(journalFd_, &st) == 0 && st.st_size > 0;
    pending = pending ||
              std::filesystem::exists(options_.journalPath + ".replay", ec);
    journalDirty_ = pending;
  }
  if (auto *m = options_.metrics) {
    depthGauge_ =
        &m->gauge("report_writer_queue_depth",
                  "Report records queued for the writer (at its last wake-up)");
    batchHist_ = &m->histogram("report_writer_batch_seconds",
                               "Time to store one batch of report records",
                               core::MetricsRegistry::latencyBuckets());
    writtenCounter_ = &m->counter("report_writer_records_total",
                                  "Report records committed to the database");
    overflowCounter_ = &m->counter("report_writer_overflow_total",
                                   "Report records that did not fit the queue");
    spilledCounter_ =
        &m->counter("report_writer_spilled_total",
                    "Report records written to the local journal");
    lostCounter_ = &m->counter("report_writer_lost_total",
                               "Report records neither stored nor journalled");
    failureCounter_ = &m->counter("report_writer_failures_total",
                                  "Report batches the database refused");
    invalidCounter_ = &m->counter("report_writer_invalid_total",
                                  "Malformed report records refused");
  }
}

EventWriter::~EventWriter() {
  stop();
  if (journalFd_ >= 0)
    ::close(journalFd_);
}

void EventWriter::start() {
  if (thread_.joinable())
    return;
  if (journalDirty_)
    replayJournal();
  thread_ = std::thread([this] { run(); });
}

bool EventWriter::append(Record record) {
  if (std::string why = validate(record); !why.empty()) {
    invalid_.fetch_add(1, std::memory_order_relaxed);
    if (invalidCounter_ != nullptr)
      invalidCounter_->inc();
    int64_t now = monoUs();
    int64_t last = lastInvalidLogUs_.load(std::memory_order_relaxed);
    if (now - last > 1'000'000 &&
        lastInvalidLogUs_.compare_exchange_strong(last, now)) {
      core::logger("report")->warn("invalid report record refused: {}", why);
    }
    return false;
  }
  size_t depth = 0;
  bool full = false;
  {
    std::lock_guard lk(mu_);
    if (queue_.size() >= options_.capacity) {
      full = true;
    } else {
      queue_.push_back(std::move(record));
      ++appendSeq_;
      depth = queue_.size();
    }
  }
  if (full) {
    overflow_.fetch_add(1, std::memory_order_relaxed);
    if (overflowCounter_ != nullptr)
      overflowCounter_->inc();
    std::vector<Record> one;
    one.push_back(std::move(record));
    if (journal(one, false)) {
      spilled_.fetch_add(1, std::memory_order_relaxed);
      if (spilledCounter_ != nullptr)
        spilledCounter_->inc();
      journalDirty_ = true;
    } else {
      lost_.fetch_add(1, std::memory_order_relaxed);
      if (lostCounter_ != nullptr)
        lostCounter_->inc();
    }
    return true;
  }
  maxInto(maxDepth_, depth);
  // Wake the writer only when a batch is full; otherwise its timer does.
  if (depth == options_.maxBatch)
    wake_.notify_one();
  return true;
}

void EventWriter::flush() {
  std::unique_lock lk(mu_);
  const uint64_t target = appendSeq_;
  if (doneSeq_ >= target)
    return;
  if (!thread_.joinable()) {
    // No thread (not started / stopped): write on the caller's thread.
    std::vector<Record> batch;
    batch.swap(queue_);
    lk.unlock();
    writeBatch(batch);
    lk.lock();
    doneSeq_ += batch.size();
    done_.notify_all();
    return;
  }
  flushRequested_ = true;
  wake_.notify_one();
  done_.wait(lk, [&] { return doneSeq_ >= target; });
}

void EventWriter::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable())
    thread_.join();
  flush(); // anything appended after the thread ended (or when it never
           // started)
}

EventWriterStats EventWriter::stats() const {
  EventWriterStats s;
  {
    std::lock_guard lk(mu_);
    s.appended = appendSeq_;
    s.queueDepth = queue_.size();
  }
  s.invalid = invalid_;
  s.written = written_;
  s.overflow = overflow_;
  s.spilled = spilled_;
  s.lost = lost_;
  s.replayed = replayed_;
  s.failures = failures_;
  s.batches = batches_;
  s.maxQueueDepth = maxDepth_;
  s.lastBatchUs = lastBatchUs_;
  s.maxBatchUs = maxBatchUs_;
  return s;
}

void EventWriter::run() {
  std::vector<Record> batch;
  batch.reserve(std::min<size_t>(options_.capacity, 4 * options_.maxBatch));
  int64_t lastReplay = monoUs();
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lk(mu_);
      wake_.wait_for(lk, std::chrono::milliseconds(options_.maxDelayMs), [&] {
        return stopping_ || flushRequested_ ||
               queue_.size() >= options_.maxBatch;
      });
      batch.swap(queue_);
      flushRequested_ = false;
      stopping = stopping_;
    }
    if (depthGauge_ != nullptr)
      depthGauge_->set(static_cast<double>(batch.size()));
    const uint64_t failuresBefore = failures_;
    size_t i = 0;
    while (i < batch.size()) {
      size_t n = std::min(options_.maxBatch, batch.size() - i);
      if (n == batch.size()) {
        writeBatch(batch);
      } else {
        std::vector<Record> chunk(
            std::make_move_iterator(batch.begin() + static_cast<ptrdiff_t>(i)),
            std::make_move_iterator(batch.begin() +
                                    static_cast<ptrdiff_t>(i + n)));
        writeBatch(chunk);
      }
      {
        std::lock_guard lk(mu_);
        doneSeq_ += n;
      }
      done_.notify_all();
      i += n;
    }
    const bool empty = batch.empty();
    batch.clear();
    if (journalDirty_ && failures_ == failuresBefore &&
        (stopping ||
         monoUs() - lastReplay >= int64_t{options_.replayEveryMs} * 1000)) {
      lastReplay = monoUs();
      replayJournal();
    }
    if (stopping && empty) {
      std::lock_guard lk(mu_);
      if (queue_.empty())
        break;
    }
  }
}

void EventWriter::writeBatch(std::vector<Record> &batch) {
  if (batch.empty())
    return;
  const int64_t t0 = monoUs();
  auto r = store_.write(batch);
  const int64_t dt = monoUs() - t0;
  lastBatchUs_ = dt;
  if (dt > maxBatchUs_)
    maxBatchUs_ = dt;
  batches_.fetch_add(1, std::memory_order_relaxed);
  if (batchHist_ != nullptr)
    batchHist_->observe(static_cast<double>(dt) / 1e6);
  if (r) {
    written_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (writtenCounter_ != nullptr)
      writtenCounter_->inc(batch.size());
    return;
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  if (failureCounter_ != nullptr)
    failureCounter_->inc();
  core::logger("report")->error("report batch of {} records not stored: {}: {}",
                                batch.size(), r.error().code,
                                r.error().message);
  if (journal(batch, true)) {
    spilled_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (spilledCounter_ != nullptr)
      spilledCounter_->inc(batch.size());
    journalDirty_ = true;
  } else {
    lost_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (lostCounter_ != nullptr)
      lostCounter_->inc(batch.size());
    core::logger("report")->error(
        "{} report records lost (no journal or journal write failed)",
        batch.size());
  }
}

bool EventWriter::journal(const std::vector<Record> &records, bool sync) {
  if (options_.journalPath.empty())
    return false;
  std::string text;
  for (const auto &r : records) {
    text += toJson(r).dump();
    text += '\n';
  }
  int fd = -1;
  {
    std::lock_guard lk(journalMu_);
    if (journalFd_ < 0 || !writeAll(journalFd_, text))
      return false;
    fd = journalFd_;
  }
  // fsync outside the lock so an overflowing append() never waits for the disk.
  // Only the writer thread replaces the fd (replayJournal), so it is still
  // open.
  return !sync || ::fdatasync(fd) == 0;
}

void EventWriter::replayJournal() {
  if (options_.journalPath.empty())
    return;
  const std::string replayPath = options_.journalPath + ".replay";
  auto log = core::logger("report");
  for (int round = 0; round < 2; ++round) {
    std::error_code ec;
    if (!std::filesystem::exists(replayPath, ec)) {
      std::lock_guard lk(journalMu_);
      struct stat st {};
      if (journalFd_ < 0 || ::fstat(journalFd_, &st) != 0 || st.st_size == 0)
        break;
      // Move the journal aside; appends go to a fresh file from now on.
      if (::rename(options_.journalPath.c_str(), replayPath.c_str()) != 0)
        return;
      ::close(journalFd_);
      journalFd_ = openJournal(options_.journalPath);
    }
    std::vector<Record> records;
    size_t bad = 0;
    {
      std::ifstream in(replayPath);
      std::string line;
      while (std::getline(in, line)) {
        if (line.empty())
          continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        auto rec = recordFromJson(j);
        // A torn last line (crash mid-write) or garbage is skipped.
        if (rec && validate(*rec).empty()) {
          records.push_back(std::move(*rec));
        } else {
          ++bad;
        }
      }
    }
    if (bad > 0)
      log->warn("report journal: {} unreadable lines skipped", bad);
    size_t i = 0;
    while (i < records.size()) {
      size_t n = std::min(options_.maxBatch, records.size() - i);
      std::vector<Record> chunk(records.begin() + static_cast<ptrdiff_t>(i),
                                records.begin() +
                                    static_cast<ptrdiff_t>(i + n));
      if (auto r = store_.write(chunk); !r) {
        // Keep the rest for later; what was stored is not replayed again.
        const std::string tmp = replayPath + ".tmp";
        {
          std::ofstream out(tmp, std::ios::trunc);
          for (size_t k = i; k < records.size(); ++k)
            out << toJson(records[k]).dump() << '\n';
        }
        ::rename(tmp.c_str(), replayPath.c_str());
        log->warn("report journal replay stopped after {} records: {}", i,
                  r.error().message);
        return;
      }
      replayed_.fetch_add(n, std::memory_order_relaxed);
      written_.fetch_add(n, std::memory_order_relaxed);
      if (writtenCounter_ != nullptr)
        writtenCounter_->inc(n);
      i += n;
    }
    std::filesystem::remove(replayPath, ec);
    if (!records.empty())
      log->info("report journal: {} records replayed into the database",
                records.size());
  }
  std::lock_guard lk(journalMu_);
  struct stat st {};
  journalDirty_ =
      journalFd_ >= 0 && ::fstat(journalFd_, &st) == 0 && st.st_size > 0;
}

} // namespace hujiao::report
