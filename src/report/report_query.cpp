// ReportService::run: sums the 15-minute rollups per key and reporting
// interval in SQL, then derives the docs/metrics.md figures from the sums.
#include "report/report_query.h"

#include <algorithm>
#include <functional>
#include <set>

#include "report/rollup.h"

namespace hujiao::report {
namespace {

using core::Result;
using nlohmann::json;
using store::Params;

constexpr int64_t kMinuteUs = 60'000'000;

/// How SQL groups buckets: p = (bucket + shift) / len; start = p * len - shift.
struct Grouping {
  int64_t len = 0;
  int64_t shift = 0;
};

Grouping groupingFor(const ReportRequest &r) {
  const int64_t off = int64_t{r.tzOffsetMinutes} * kMinuteUs;
  if (r.interval == Interval::Month)
    return {kDayUs, off}; // days, folded into months below
  const int64_t anchor = r.interval == Interval::Week ? 4 * kDayUs : 0;
  return {fixedLengthUs(r.interval), off - anchor};
}

/// " AND col IN ($n, ...)" for the id filter.
std::string inList(const std::string &col, const std::vector<std::string> &ids,
                   Params &params) {
  if (ids.empty())
    return {};
  std::string s = " AND " + col + " IN (";
  for (size_t i = 0; i < ids.size(); ++i) {
    params.emplace_back(ids[i]);
    s += (i == 0 ? "$" : ", $") + std::to_string(params.size());
  }
  return s + ")";
}

using PeriodKey = std::pair<std::string, int64_t>; // key, period start (UTC µs)

struct StateTimes {
  std::map<std::string, int64_t> byState;  // state -> µs
  std::map<std::string, int64_t> byReason; // not-ready reason -> µs
};

/// Which rollup buckets of one grain a query reads: a range [from, to) or a
/// list of bucket starts.
struct BucketSet {
  int64_t fromUs = 0;
  int64_t toUs = 0;
  std::vector<int64_t> starts; // non-empty: exactly these buckets
};

std::string bucketCond(const BucketSet &b, Params &params) {
  if (b.starts.empty()) {
    params.emplace_back(b.fromUs);
    params.emplace_back(b.toUs);
    return " AND bucket >= $" + std::to_string(params.size() - 1) +
           " AND bucket < $" + std::to_string(params.size());
  }
  std::string s = " AND bucket IN (";
  for (size_t i = 0; i < b.starts.size(); ++i) {
    params.emplace_back(b.starts[i]);
    s += (i == 0 ? "$" : ", $") + std::to_string(params.size());
  }
  return s + ")";
}

Result<std::map<PeriodKey, IxCounters>> queryIx(store::Db &db,
                                                const ReportRequest &r,
                                                std::string_view dim,
                                                Grain grain,
                                                const BucketSet &buckets) {
  const auto g = groupingFor(r);
  const auto &names = ixColumnNames();
  Params params{g.shift, g.len, std::string(dim),
                int64_t{static_cast<int>(grain)}};
  std::string sql = "SELECT dim_key, (bucket + $1) / $2 AS p";
  for (int c = 0; c < kIxColCount; ++c) {
    const std::string n(names[static_cast<size_t>(c)]);
    sql += c == kMaxWaitUs ? ", MAX(" + n + ")" : ", SUM(" + n + ")";
  }
  sql += " FROM report_ix_rollup WHERE grain = $4 AND dim = $3";
  sql += bucketCond(buckets, params);
  sql += inList("dim_key", r.ids, params);
  sql += " GROUP BY dim_key, p";
  auto rows = db.query(sql, params);
  if (!rows)
    return rows.error();
  std::map<PeriodKey, IxCounters> out;
  for (const auto &row : rows->rows) {
    const int64_t start = periodStart(row.i64(1) * g.len - g.shift, r.interval,
                                      r.tzOffsetMinutes);
    auto [it, inserted] = out.try_emplace(PeriodKey{row.str(0), start});
    if (inserted)
      it->second.fill(0);
    for (int c = 0; c < kIxColCount; ++c) {
      const int64_t v = row.i64(static_cast<size_t>(c) + 2);
      auto &cell = it->second[static_cast<size_t>(c)];
      cell = c == kMaxWaitUs ? std::max(cell, v) : cell + v;
    }
  }
  return out;
}

Result<std::map<PeriodKey, StateTimes>>
queryStates(store::Db &db, const ReportRequest &r, Grain grain,
            const BucketSet &buckets) {
  const auto g = groupingFor(r);
  Params params{g.shift, g.len, int64_t{static_cast<int>(grain)}};
  std::string sql = "SELECT agent_id, (bucket + $1) / $2 AS p, state, reason, "
                    "SUM(dur_us) FROM report_state_rollup WHERE grain = $3";
  sql += bucketCond(buckets, params);
  sql += inList("agent_id", r.ids, params);
  sql += " GROUP BY agent_id, p, state, reason";
  auto rows = db.query(sql, params);
  if (!rows)
    return rows.error();
  std::map<PeriodKey, StateTimes> out;
  for (const auto &row : rows->rows) {
    const int64_t start = periodStart(row.i64(1) * g.len - g.shift, r.interval,
                                      r.tzOffsetMinutes);
    auto &t = out[PeriodKey{row.str(0), start}];
    const std::string state = row.str(2);
    const int64_t us = row.i64(4);
    t.byState[state] += us;
    if (state == "not_ready")
      t.byReason[row.str(3)] += us;
  }
  return out;
}

std::vector<std::pair<Grain, std::pair<int64_t, int64_t>>>
coverPeriods(const ReportRequest &r, int dayOffsetMinutes) {
  // Each reporting period is tiled from its start with the largest rollup
  // bucket that starts there and fits: a day of the configured offset, a UTC
  // day, an aligned 8/4/2-hour block, an hour, a quarter. The UTC blocks nest
  // (24 = 3 x 8), so a day in any other offset of whole hours reads at most
  // about a dozen rows instead of 24 hour rows (a month of 200 agents by day:
  // ~40,000 rows instead of ~150,000), and a quarter-hour offset adds at most
  // three quarter rows per edge. Every block lies inside its period, so the
  // usual (bucket + shift) / len grouping maps it to the right period.
  const int64_t dayOff = int64_t{dayOffsetMinutes} * kMinuteUs;
  std::vector<std::pair<Grain, std::pair<int64_t, int64_t>>> out;
  auto add = [&](Grain g, int64_t a, int64_t b) {
    if (!out.empty() && out.back().first == g && out.back().second.second == a)
      out.back().second.second = b;
    else
      out.push_back({g, {a, b}});
  };
  for (int64_t p = periodStart(r.fromUs, r.interval, r.tzOffsetMinutes);
       p < r.toUs; p = nextPeriodStart(p, r.interval, r.tzOffsetMinutes)) {
    const int64_t e = std::min(
        nextPeriodStart(p, r.interval, r.tzOffsetMinutes), r.toUs);
    int64_t t = std::max(p, r.fromUs);
    while (t < e) {
      Grain pick = Grain::Quarter;
      for (Grain g : kCoverOrder) {
        const int64_t len = grainLengthUs(g);
        const int64_t local = g == Grain::Day ? t + dayOff : t;
        if (((local % len) + len) % len == 0 && t + len <= e) {
          pick = g;
          break;
        }
      }
      const int64_t len = grainLengthUs(pick);
      add(pick, t, t + len);
      t += len;
    }
  }
  return out;
}

/// Runs `query` for every grain of the cover, with a range when the grain's
/// blocks are contiguous and lists of bucket starts (at most 500 per query)
/// otherwise, and merges the results.
template <class Map, class Merge, class Query>
Result<Map> byCover(const ReportRequest &r, int dayOffsetMinutes, Merge merge,
                    Query query) {
  const auto cover = coverPeriods(r, dayOffsetMinutes);
  std::map<Grain, std::vector<std::pair<int64_t, int64_t>>> byGrain;
  for (const auto &[g, range] : cover)
    byGrain[g].push_back(range);
  Map out;
  auto run = [&](Grain g, const BucketSet &b) -> Result<void> {
    auto got = query(g, b);
    if (!got)
      return got.error();
    if (out.empty()) {
      out = std::move(*got);
    } else {
      for (auto &[k, v] : *got)
        merge(out[k], v);
    }
    return {};
  };
  for (const auto &[g, ranges] : byGrain) {
    if (ranges.size() == 1) {
      if (auto ok = run(g, {ranges[0].first, ranges[0].second, {}}); !ok)
        return ok.error();
      continue;
    }
    const int64_t len = grainLengthUs(g);
    BucketSet b;
    for (const auto &[a, e] : ranges) {
      for (int64_t t = a; t < e; t += len) {
        b.starts.push_back(t);
        if (b.starts.size() == 500) {
          if (auto ok = run(g, b); !ok)
            return ok.error();
          b.starts.clear();
        }
      }
    }
    if (!b.starts.empty())
      if (auto ok = run(g, b); !ok)
        return ok.error();
  }
  return out;
}

Result<std::map<PeriodKey, IxCounters>>
queryIxPlanned(store::Db &db, const ReportRequest &r, std::string_view dim,
               int dayOffsetMinutes) {
  using M = std::map<PeriodKey, IxCounters>;
  return byCover<M>(
      r, dayOffsetMinutes,
      [](IxCounters &into, const IxCounters &v) {
        for (int c = 0; c < kIxColCount; ++c) {
          auto &cell = into[static_cast<size_t>(c)];
          cell = c == kMaxWaitUs ? std::max(cell, v[static_cast<size_t>(c)])
                                 : cell + v[static_cast<size_t>(c)];
        }
      },
      [&](Grain g, const BucketSet &b) { return queryIx(db, r, dim, g, b); });
}

Result<std::map<PeriodKey, StateTimes>>
queryStatesPlanned(store::Db &db, const ReportRequest &r,
                   int dayOffsetMinutes) {
  using M = std::map<PeriodKey, StateTimes>;
  return byCover<M>(
      r, dayOffsetMinutes,
      [](StateTimes &into, const StateTimes &v) {
        for (const auto &[k, us] : v.byState)
          into.byState[k] += us;
        for (const auto &[k, us] : v.byReason)
          into.byReason[k] += us;
      },
      [&](Grain g, const BucketSet &b) { return queryStates(db, r, g, b); });
}

// ---- cells -----------------------------------------------------------------

json ratio(int64_t num, int64_t den) {
  if (den <= 0)
    return nullptr;
  return static_cast<double>(num) / static_cast<double>(den);
}
json secs(int64_t us) { return static_cast<double>(us) / 1e6; }
json avgSecs(int64_t sumUs, int64_t n) {
  if (n <= 0)
    return nullptr;
  return static_cast<double>(sumUs) / 1e6 / static_cast<double>(n);
}

/// 90th percentile of abandon waits, interpolated linearly inside the
/// distribution bucket that holds it (the open last bucket answers 300 s).
json abandonP90(const IxCounters &c) {
  const int64_t n = c[kAbandoned];
  if (n <= 0)
    return nullptr;
  const double target = 0.9 * static_cast<double>(n);
  double cum = 0;
  for (int i = 0; i < 8; ++i) {
    const double count = static_cast<double>(c[kAb0 + i]);
    const double lo =
        i == 0 ? 0.0
               : static_cast<double>(
                     kAbandonBucketBoundsS[static_cast<size_t>(i) - 1]);
    if (i == 7)
      return lo;
    const double hi =
        static_cast<double>(kAbandonBucketBoundsS[static_cast<size_t>(i)]);
    if (count > 0 && cum + count >= target)
      return lo + (target - cum) / count * (hi - lo);
    cum += count;
  }
  return nullptr;
}

void queueColumns(std::vector<std::string> &cols) {
  for (const char *n : {"offered",
                        "answered",
                        "abandoned",
                        "short_abandoned",
                        "abandon_rate",
                        "abandon_rate_excl_short",
                        "abandon_0_5",
                        "abandon_5_10",
                        "abandon_10_20",
                        "abandon_20_30",
                        "abandon_30_60",
                        "abandon_60_120",
                        "abandon_120_300",
                        "abandon_300_plus",
                        "abandon_mean_s",
                        "abandon_p90_s",
                        "overflowed",
                        "other_exits",
                        "answered_within_sl",
                        "service_level",
                        "asa_s",
                        "mean_wait_s",
                        "longest_wait_s"}) {
    cols.emplace_back(n);
  }
}

void queueCells(const IxCounters &c, std::vector<json> &row) {
  const int64_t offered = c[kOffered], abandoned = c[kAbandoned],
                shortAb = c[kShortAbandoned];
  row.emplace_back(offered);
  row.emplace_back(c[kAnswered]);
  row.emplace_back(abandoned);
  row.emplace_back(shortAb);
  row.push_back(ratio(abandoned, offered));
  row.push_back(ratio(abandoned - shortAb, offered - shortAb));
  for (int i = 0; i < 8; ++i)
    row.emplace_back(c[kAb0 + i]);
  row.push_back(avgSecs(c[kAbandonWaitUs], abandoned));
  row.push_back(abandonP90(c));
  row.emplace_back(c[kOverflowed]);
  row.emplace_back(c[kOtherExits]);
  row.emplace_back(c[kAnsweredInSl]);
  row.push_back(ratio(c[kAnsweredInSl], offered - shortAb));
  row.push_back(avgSecs(c[kWaitAnsweredUs], c[kAnswered]));
  row.push_back(avgSecs(c[kWaitAnsweredUs] + c[kAbandonWaitUs],
                        c[kAnswered] + abandoned));
  row.push_back(c[kAnswered] > 0 ? secs(c[kMaxWaitUs]) : json(nullptr));
}

void handlingColumns(std::vector<std::string> &cols, bool agent) {
  for (const char *n :
       {"handled", "aht_s", "talk_s", "hold_s", "wrap_up_s", "avg_talk_s",
        "avg_hold_s", "avg_wrap_up_s", "transfers", "transfer_rate",
        "fcr_repeat_rate", "fcr_disposition_rate", "csat_responses",
        "csat_score", "csat_mean", "csat_response_rate"}) {
    cols.emplace_back(n);
  }
  if (!agent)
    cols.emplace_back("callbacks_requested");
  for (const char *n : {"callbacks_done", "offers", "ring_no_answer"})
    cols.emplace_back(n);
}

void handlingCells(const IxCounters &c, std::vector<json> &row, bool agent) {
  const int64_t handled = c[kHandled], answered = c[kAnswered];
  row.emplace_back(handled);
  row.push_back(avgSecs(c[kTalkUs] + c[kHoldUs] + c[kWrapUs], handled));
  row.push_back(secs(c[kTalkUs]));
  row.push_back(secs(c[kHoldUs]));
  row.push_back(secs(c[kWrapUs]));
  row.push_back(avgSecs(c[kTalkUs], handled));
  row.push_back(avgSecs(c[kHoldUs], handled));
  row.push_back(avgSecs(c[kWrapUs], handled));
  row.emplace_back(c[kTransfers]);
  row.push_back(ratio(c[kTransfers], answered));
  row.push_back(ratio(answered - c[kFcrRepeated], answered));
  row.push_back(ratio(c[kDispositionResolved], c[kDispositionKnown]));
  row.emplace_back(c[kCsatResponses]);
  row.push_back(ratio(c[kCsatTop2], c[kCsatResponses]));
  row.push_back(c[kCsatResponses] > 0
                    ? json(static_cast<double>(c[kCsatSum]) /
                           static_cast<double>(c[kCsatResponses]))
                    : json(nullptr));
  row.push_back(ratio(c[kCsatResponses], answered));
  if (!agent)
    row.emplace_back(c[kCallbacksRequested]);
  row.emplace_back(c[kCallbacksDone]);
  row.emplace_back(c[kOffers]);
  row.emplace_back(c[kRingNoAnswer]);
}

void ivrColumns(std::vector<std::string> &cols) {
  for (const char *n :
       {"ivr_entered", "ivr_short_hangups", "ivr_contained", "ivr_containment"})
    cols.emplace_back(n);
}

void ivrCells(const IxCounters &c, std::vector<json> &row) {
  row.emplace_back(c[kIvrEntered]);
  row.emplace_back(c[kIvrShortHangups]);
  row.emplace_back(c[kIvrContained]);
  row.push_back(ratio(c[kIvrContained], c[kIvrEntered] - c[kIvrShortHangups]));
}

int64_t stateUs(const StateTimes &t, const char *s) {
  auto it = t.byState.find(s);
  return it == t.byState.end() ? 0 : it->second;
}

/// logged_in, ready, reserved, busy, wrap_up, not_ready, occupancy,
/// utilisation.
void stateCells(const StateTimes &t, std::vector<json> &row,
                const std::vector<std::string> *reasons) {
  const int64_t ready = stateUs(t, "ready"), reserved = stateUs(t, "reserved"),
                busy = stateUs(t, "busy"), wrap = stateUs(t, "wrap_up"),
                notReady = stateUs(t, "not_ready");
  const int64_t handling = reserved + busy + wrap;
  const int64_t loggedIn = handling + ready + notReady;
  row.push_back(secs(loggedIn));
  row.push_back(secs(ready));
  row.push_back(secs(reserved));
  row.push_back(secs(busy));
  row.push_back(secs(wrap));
  row.push_back(secs(notReady));
  if (reasons != nullptr) {
    for (const auto &reason : *reasons) {
      auto it = t.byReason.find(reason);
      row.push_back(secs(it == t.byReason.end() ? 0 : it->second));
    }
  }
  row.push_back(ratio(handling, handling + ready));
  row.push_back(ratio(handling, loggedIn));
}

Result<void> checkRequest(const ReportRequest &r) {
  auto bad = [](const std::string &m) { return core::makeError("invalid", m); };
  if (r.fromUs <= 0 || r.toUs <= r.fromUs)
    return bad("from must be before to");
  if (r.fromUs < 8 * kDayUs)
    return bad("from must be after 1970-01-09");
  if (r.fromUs % kBucketUs != 0 || r.toUs % kBucketUs != 0) {
    return bad("from and to must fall on a 15-minute boundary (reports are "
               "built from 15-minute buckets)");
  }
  if (r.toUs - r.fromUs > 400 * kDayUs)
    return bad("the range may span at most 400 days");
  if (r.tzOffsetMinutes % 15 != 0 || r.tzOffsetMinutes < -14 * 60 ||
      r.tzOffsetMinutes > 14 * 60) {
    return bad("the time-zone offset must be a multiple of 15 minutes within "
               "-14:00..+14:00");
  }
  return {};
}

std::vector<int64_t> periodsOf(const ReportRequest &r) {
  std::vector<int64_t> out;
  for (int64_t p = periodStart(r.fromUs, r.interval, r.tzOffsetMinutes);
       p < r.toUs; p = nextPeriodStart(p, r.interval, r.tzOffsetMinutes)) {
    out.push_back(p);
  }
  return out;
}

/// The (key, period) cells to emit, in key then time order.
template <class... Maps>
Result<std::vector<PeriodKey>> cellsToEmit(const ReportRequest &r,
                                           const Maps &...maps) {
  std::set<PeriodKey> cells;
  std::set<std::string> keys(r.ids.begin(), r.ids.end());
  (
      [&] {
        for (const auto &[k, v] : maps) {
          cells.insert(k);
          keys.insert(k.first);
        }
      }(),
      ...);
  if (r.fillEmpty) {
    const auto periods = periodsOf(r);
    if (periods.size() * keys.size() > kMaxReportRows) {
      return core::makeError(
          "invalid", "the report would exceed " +
                         std::to_string(kMaxReportRows) +
                         " rows: choose a longer interval or fewer ids");
    }
    for (const auto &k : keys) {
      for (int64_t p : periods)
        cells.insert(PeriodKey{k, p});
    }
  }
  if (cells.size() > kMaxReportRows) {
    return core::makeError("invalid", "the report would exceed " +
                                          std::to_string(kMaxReportRows) +
                                          " rows");
  }
  return std::vector<PeriodKey>(cells.begin(), cells.end());
}

void periodCells(const ReportRequest &r, int64_t start,
                 std::vector<json> &row) {
  std::string utc = formatLocal(start, 0);
  row.emplace_back(utc.substr(0, utc.size() - 6) + "Z");
  row.emplace_back(formatLocal(start, r.tzOffsetMinutes));
}

} // namespace

Result<ReportTable> ReportService::run(const ReportRequest &r) const {
  if (auto c = checkRequest(r); !c)
    return c.error();
  ReportTable t;
  t.name = std::string(toString(r.kind));
  t.columns = {"period_start", "period_start_local"};
  IxCounters zero{};
  zero.fill(0);
  const StateTimes noStates;

  switch (r.kind) {
  case ReportKind::Queues:
  case ReportKind::Dids:
  case ReportKind::Flows: {
    const std::string_view dim =
        r.kind == ReportKind::Queues
            ? kDimQueue
            : (r.kind == ReportKind::Dids ? kDimDid : kDimFlow);
    const bool ivr = r.kind != ReportKind::Queues;
    t.columns.emplace_back(
        r.kind == ReportKind::Queues
            ? "queue_id"
            : (r.kind == ReportKind::Dids ? "did" : "flow_id"));
    queueColumns(t.columns);
    handlingColumns(t.columns, false);
    if (ivr)
      ivrColumns(t.columns);
    auto data = queryIxPlanned(db_, r, dim, dayOffsetMinutes_);
    if (!data)
      return data.error();
    auto cells = cellsToEmit(r, *data);
    if (!cells)
      return cells.error();
    for (const auto &cell : *cells) {
      auto it = data->find(cell);
      const IxCounters &c = it == data->end() ? zero : it->second;
      std::vector<json> row;
      periodCells(r, cell.second, row);
      row.emplace_back(cell.first);
      queueCells(c, row);
      handlingCells(c, row, false);
      if (ivr)
        ivrCells(c, row);
      t.rows.push_back(std::move(row));
    }
    return t;
  }
  case ReportKind::Agents: {
    t.columns.emplace_back("agent_id");
    for (const char *n : {"answered", "answered_within_sl", "asa_s"})
      t.columns.emplace_back(n);
    handlingColumns(t.columns, true);
    for (const char *n :
         {"logged_in_s", "state_ready_s", "state_reserved_s", "state_busy_s",
          "state_wrap_up_s", "state_not_ready_s", "occupancy", "utilisation"}) {
      t.columns.emplace_back(n);
    }
    auto data = queryIxPlanned(db_, r, kDimAgent, dayOffsetMinutes_);
    if (!data)
      return data.error();
    auto states = queryStatesPlanned(db_, r, dayOffsetMinutes_);
    if (!states)
      return states.error();
    auto cells = cellsToEmit(r, *data, *states);
    if (!cells)
      return cells.error();
    for (const auto &cell : *cells) {
      auto it = data->find(cell);
      const IxCounters &c = it == data->end() ? zero : it->second;
      auto st = states->find(cell);
      std::vector<json> row;
      periodCells(r, cell.second, row);
      row.emplace_back(cell.first);
      row.emplace_back(c[kAnswered]);
      row.emplace_back(c[kAnsweredInSl]);
      row.push_back(avgSecs(c[kWaitAnsweredUs], c[kAnswered]));
      handlingCells(c, row, true);
      stateCells(st == states->end() ? noStates : st->second, row, nullptr);
      t.rows.push_back(std::move(row));
    }
    return t;
  }
  case ReportKind::AgentStates: {
    auto states = queryStatesPlanned(db_, r, dayOffsetMinutes_);
    if (!states)
      return states.error();
    std::set<std::string> reasonSet;
    for (const auto &[k, v] : *states) {
      for (const auto &[reason, us] : v.byReason)
        reasonSet.insert(reason);
    }
    const std::vector<std::string> reasons(reasonSet.begin(), reasonSet.end());
    t.columns.emplace_back("agent_id");
    for (const char *n : {"logged_in_s", "ready_s", "reserved_s", "busy_s",
                          "wrap_up_s", "not_ready_s"}) {
      t.columns.emplace_back(n);
    }
    for (const auto &reason : reasons) {
      t.columns.push_back(
          "not_ready_" +
          (reason.empty() ? std::string("unspecified") : reason) + "_s");
    }
    t.columns.emplace_back("occupancy");
    t.columns.emplace_back("utilisation");
    auto cells = cellsToEmit(r, *states);
    if (!cells)
      return cells.error();
    for (const auto &cell : *cells) {
      auto st = states->find(cell);
      std::vector<json> row;
      periodCells(r, cell.second, row);
      row.emplace_back(cell.first);
      stateCells(st == states->end() ? noStates : st->second, row, &reasons);
      t.rows.push_back(std::move(row));
    }
    return t;
  }
  case ReportKind::FlowNodes: {
    const auto g = groupingFor(r);
    Params params{g.shift, g.len, r.fromUs, r.toUs};
    std::string sql = "SELECT flow_id, (bucket + $1) / $2 AS p, exit_node, "
                      "exit, SUM(calls) FROM report_ivr_node_rollup "
                      "WHERE bucket >= $3 AND bucket < $4";
    sql += inList("flow_id", r.ids, params);
    sql += " GROUP BY flow_id, p, exit_node, exit";
    auto rows = db_.query(sql, params);
    if (!rows)
      return rows.error();
    std::map<std::tuple<std::string, int64_t, std::string, std::string>,
             int64_t>
        sums;
    for (const auto &row : rows->rows) {
      const int64_t start = periodStart(row.i64(1) * g.len - g.shift,
                                        r.interval, r.tzOffsetMinutes);
      sums[{row.str(0), start, row.str(2), row.str(3)}] += row.i64(4);
    }
    if (sums.size() > kMaxReportRows)
      return core::makeError("invalid", "the report has too many rows");
    for (const char *n : {"flow_id", "exit_node", "exit", "calls"})
      t.columns.emplace_back(n);
    for (const auto &[k, n] : sums) {
      std::vector<json> row;
      periodCells(r, std::get<1>(k), row);
      row.emplace_back(std::get<0>(k));
      row.emplace_back(std::get<2>(k));
      row.emplace_back(std::get<3>(k));
      row.emplace_back(n);
      t.rows.push_back(std::move(row));
    }
    return t;
  }
  }
  return core::makeError("invalid", "unknown report");
}

} // namespace hujiao::report
