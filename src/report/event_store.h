#pragma once
// EventStore: the append-only report tables and their interval rollups.
// write() stores a batch of records in ONE transaction: the raw rows (multi-row
// INSERTs) and the rollup counters they change (multi-row UPSERTs), so the
// rollups always agree with the raw events. Portable SQL over store::Db;
// schema in migrations() (versions 600-699).
//
// Threads: write() from one thread at a time (the EventWriter's thread, or a
// bulk loader); it keeps per-agent state between batches. Service plane only:
// it does database round trips.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "report/events.h"
#include "report/rollup.h"
#include "store/db.h"

namespace hujiao::report {

struct EventStoreOptions {
  /// Repeat-contact FCR: a new contact of the same customer in the same
  /// queue within this window means the earlier one was not resolved.
  int64_t fcrRepeatWindowUs = 7LL * 24 * 3600 * 1'000'000;
  /// UTC offset (minutes, a multiple of 15) of the day rollups: day, week and
  /// month reports in this offset read one row per key and day. Changing it
  /// later only makes such reports fall back to hourly rows for older days
  /// (correct, slower): ReportService must be given the same value.
  int dayOffsetMinutes = 0;
};

class EventStore {
public:
  explicit EventStore(store::Db &db, EventStoreOptions options = {});

  /// The report schema (pass to store::openStore).
  static std::vector<store::Migration> migrations();

  /// Stores the records (already validated) in one transaction. On failure
  /// nothing is stored and the per-agent memory is left as before.
  core::Result<void> write(const std::vector<Record> &records);

private:
  core::Result<void> writeRaw(store::Tx &tx,
                              const std::vector<Record> &records);
  core::Result<void> writeRollups(store::Tx &tx, const RollupBatch &batch);
  core::Result<void> applyFcr(store::Tx &tx, const std::vector<Record> &records,
                              RollupBatch &batch);

  store::Db &db_;
  EventStoreOptions options_;
  bool pg_ = false;
  /// agent -> (state, reason) of its last change: supplies fromReason when a
  /// producer leaves it empty.
  std::map<std::string, std::pair<std::string, std::string>> lastState_;
};

} // namespace hujiao::report
