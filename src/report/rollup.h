#pragma once
// Interval rollups: how records turn into additive 15-minute bucket counters
// (the attribution rules of docs/metrics.md), aggregated in memory for one
// batch before the store upserts them. Every reporting interval (15/30/60
// minutes, day, week, month in a time zone whose offset is a multiple of 15
// minutes) is a union of these UTC buckets, so reports only sum them.
//
// Threads: a RollupBatch belongs to the thread that fills it (the writer).
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "report/events.h"

namespace hujiao::report {

inline constexpr int64_t kBucketUs = 15LL * 60 * 1'000'000;

/// Start of the 15-minute UTC bucket holding t (t >= 0).
inline int64_t bucketOf(int64_t tUs) { return tUs - (tUs % kBucketUs); }

/// Rollup grains: every rollup row exists at several granularities so that
/// long reports sum few rows. Quarter: 15-minute UTC buckets (any offset, any
/// interval); Hour: UTC hours; Day: days in the store's configured offset;
/// Hours2/4/8 and UtcDay: UTC-aligned blocks (0-2, 2-4 ...; 0-8, 8-16, 16-24;
/// whole UTC days) that nest in each other, so a period in any other offset
/// is tiled with few rows (report_query.cpp coverPeriods). The grain numbers
/// are stored: never renumber them.
enum class Grain : int { Quarter = 0, Hour = 1, Day = 2, Hours2 = 3, Hours4 = 4, Hours8 = 5, UtcDay = 6 };
inline constexpr int64_t kHourUs = 4 * kBucketUs;
inline constexpr int64_t kDayUs = 24 * kHourUs;
/// Every grain the writer keeps.
inline constexpr std::array<Grain, 7> kAllGrains = {Grain::Quarter, Grain::Hour,   Grain::Day,   Grain::Hours2,
                                                    Grain::Hours4,  Grain::Hours8, Grain::UtcDay};
/// Largest first: the order in which a period is tiled.
inline constexpr std::array<Grain, 7> kCoverOrder = {Grain::Day,    Grain::UtcDay, Grain::Hours8, Grain::Hours4,
                                                     Grain::Hours2, Grain::Hour,   Grain::Quarter};
inline constexpr int64_t grainLengthUs(Grain g) {
  switch (g) {
    case Grain::Quarter: return kBucketUs;
    case Grain::Hour: return kHourUs;
    case Grain::Hours2: return 2 * kHourUs;
    case Grain::Hours4: return 4 * kHourUs;
    case Grain::Hours8: return 8 * kHourUs;
    case Grain::Day:
    case Grain::UtcDay: return kDayUs;
  }
  return kBucketUs;
}
/// Start of the grain's bucket holding the 15-minute bucket b.
inline int64_t grainBucket(int64_t b, Grain g, int dayOffsetMinutes) {
  if (g == Grain::Day) {
    const int64_t off = int64_t{dayOffsetMinutes} * 60'000'000;
    const int64_t local = b + off;
    return local - (local % kDayUs) - off;
  }
  return b - (b % grainLengthUs(g));
}

/// Columns of report_ix_rollup, in order. All are sums except MaxWaitUs (max).
enum IxCol : int {
  kOffered, // answered + abandoned + overflowed + other exits
  kAnswered,
  kAnsweredInSl, // wait <= the queue's threshold T
  kWaitAnsweredUs,
  kMaxWaitUs, // longest wait of an answered interaction (MAX)
  kAbandoned,
  kShortAbandoned, // wait <= the short-abandon threshold
  kAbandonWaitUs,
  kAb0, // abandon wait buckets: [0,5] (5,10] (10,20] (20,30] (30,60] (60,120]
        // (120,300] (300,inf) s
  kAb1,
  kAb2,
  kAb3,
  kAb4,
  kAb5,
  kAb6,
  kAb7,
  kOverflowed,
  kOtherExits,
  kOffers, // offers to agents (rings)
  kRingNoAnswer,
  kHandled, // Ended records of answered interactions (AHT denominator)
  kTalkUs,
  kHoldUs,
  kWrapUs,
  kTransfers,
  kCallbacksRequested,
  kCallbacksDone,
  kFcrRepeated, // answered interactions followed by a repeat contact within the
                // window
  kDispositionKnown,
  kDispositionResolved,
  kCsatResponses,
  kCsatSum,
  kCsatTop2,
  kIvrEntered,
  kIvrShortHangups,
  kIvrContained,
  kIxColCount
};

/// SQL column names, indexed by IxCol.
const std::array<std::string_view, kIxColCount> &ixColumnNames();
/// Upper bounds (seconds) of the abandon wait buckets kAb0..kAb6; kAb7 is open.
inline constexpr std::array<int64_t, 7> kAbandonBucketBoundsS = {
    5, 10, 20, 30, 60, 120, 300};

using IxCounters = std::array<int64_t, kIxColCount>;

/// Rollup dimensions.
inline constexpr std::string_view kDimQueue = "queue";
inline constexpr std::string_view kDimAgent = "agent";
inline constexpr std::string_view kDimDid = "did";
inline constexpr std::string_view kDimFlow = "flow";

/// The dimension keys an earlier answered interaction had (for a repeat
/// contact found later).
struct ContactDims {
  std::string queueId;
  std::string agentId;
  std::string did;
  std::string flowId;
  int64_t answeredAtUs = 0;
};

class RollupBatch {
public:
  using IxKey =
      std::tuple<std::string, std::string, int64_t>; // dim, key, bucket
  using StateKey = std::tuple<std::string, int64_t, std::string,
                              std::string>; // agent, bucket, state, reason
  using NodeKey = std::tuple<std::string, int64_t, std::string,
                             std::string>; // flow, bucket, node, exit

  void addInteraction(const InteractionRecord &r);
  /// The span [atUs - previousForUs, atUs) of fromState, split at buckets.
  /// fromReason is the reason to book it under (already resolved).
  void addAgentState(const AgentStateRecord &r, const std::string &fromReason);
  void addIvrPath(const IvrPathRecord &r);
  /// An earlier answered interaction turned out not to be resolved at first
  /// contact.
  void addRepeatContact(const ContactDims &earlier);

  const std::map<IxKey, IxCounters> &ix() const { return ix_; }
  const std::map<StateKey, int64_t> &states() const { return states_; }
  const std::map<NodeKey, int64_t> &nodes() const { return nodes_; }
  bool empty() const {
    return ix_.empty() && states_.empty() && nodes_.empty();
  }
  void clear();

private:
  IxCounters &at(std::string_view dim, const std::string &key, int64_t bucket);
  /// Applies fn to the counters of every non-empty dimension (agent only when
  /// withAgent).
  template <class Fn>
  void each(const InteractionRecord &r, int64_t bucket, bool withAgent, Fn fn);

  std::map<IxKey, IxCounters> ix_;
  std::map<StateKey, int64_t> states_;
  std::map<NodeKey, int64_t> nodes_;
};

} // namespace hujiao::report
