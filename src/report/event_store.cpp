#include "report/event_store.h"

#include <algorithm>
#include <optional>
#include <set>

namespace hujiao::report {
namespace {

using core::Result;
using store::Params;
using store::Value;

std::string rollupColumnsDdl() {
  std::string s;
  for (auto name : ixColumnNames())
    s += "  " + std::string(name) + " BIGINT NOT NULL DEFAULT 0,\n";
  return s;
}

std::string schemaSql(bool pg) {
  const std::string seq =
      pg ? "seq BIGSERIAL PRIMARY KEY" : "seq INTEGER PRIMARY KEY";
  return
      // Raw, append-only facts.
      "CREATE TABLE report_ix_events (\n  " + seq +
      ",\n  at_us BIGINT NOT NULL, kind TEXT NOT NULL, interaction_id TEXT NOT "
      "NULL, channel TEXT NOT NULL,\n"
      "  queue_id TEXT NOT NULL, agent_id TEXT NOT NULL, did TEXT NOT NULL, "
      "flow_id TEXT NOT NULL,\n"
      "  customer_key TEXT NOT NULL, wait_us BIGINT NOT NULL, answered_at_us "
      "BIGINT NOT NULL,\n"
      "  talk_us BIGINT NOT NULL, hold_us BIGINT NOT NULL, wrap_us BIGINT NOT "
      "NULL, sl_us BIGINT NOT NULL,\n"
      "  short_abandon_us BIGINT NOT NULL, target TEXT NOT NULL, reason TEXT "
      "NOT NULL,\n"
      "  resolved INTEGER NOT NULL, score INTEGER NOT NULL);\n"
      "CREATE INDEX report_ix_events_at ON report_ix_events (at_us);\n"
      "CREATE INDEX report_ix_events_ix ON report_ix_events (interaction_id);\n"
      "CREATE TABLE report_agent_events (\n  " +
      seq +
      ",\n  at_us BIGINT NOT NULL, agent_id TEXT NOT NULL, from_state TEXT NOT "
      "NULL, from_reason TEXT NOT NULL,\n"
      "  to_state TEXT NOT NULL, to_reason TEXT NOT NULL, previous_for_us "
      "BIGINT NOT NULL);\n"
      "CREATE INDEX report_agent_events_agent ON report_agent_events "
      "(agent_id, at_us);\n"
      "CREATE TABLE report_cdr_refs (\n  " +
      seq +
      ",\n  at_us BIGINT NOT NULL, interaction_id TEXT NOT NULL, cdr_id TEXT "
      "NOT NULL, role TEXT NOT NULL);\n"
      "CREATE INDEX report_cdr_refs_ix ON report_cdr_refs (interaction_id);\n"
      "CREATE INDEX report_cdr_refs_cdr ON report_cdr_refs (cdr_id);\n"
      "CREATE TABLE report_ivr_paths (\n  " +
      seq +
      ",\n  at_us BIGINT NOT NULL, call_id TEXT NOT NULL, interaction_id TEXT "
      "NOT NULL, flow_id TEXT NOT NULL,\n"
      "  did TEXT NOT NULL, entered_at_us BIGINT NOT NULL, exit TEXT NOT NULL, "
      "exit_node TEXT NOT NULL,\n"
      "  path TEXT NOT NULL, hangup_contained INTEGER NOT NULL, "
      "short_hangup_us BIGINT NOT NULL);\n"
      "CREATE INDEX report_ivr_paths_flow ON report_ivr_paths (flow_id, "
      "at_us);\n"
      "CREATE INDEX report_ivr_paths_call ON report_ivr_paths (call_id);\n"
      // 15-minute rollups, maintained in the same transaction as the raw rows.
      // grain: 0 = 15 minutes, 1 = hour, 2 = day, 3..6 UTC blocks (see rollup.h).
      "CREATE TABLE report_ix_rollup (\n  grain INTEGER NOT NULL, dim TEXT NOT "
      "NULL, dim_key TEXT NOT NULL,\n"
      "  bucket BIGINT NOT NULL,\n" +
      rollupColumnsDdl() +
      "  PRIMARY KEY (grain, dim, dim_key, bucket));\n"
      "CREATE INDEX report_ix_rollup_bucket ON report_ix_rollup (grain, dim, "
      "bucket);\n"
      "CREATE TABLE report_state_rollup (\n  grain INTEGER NOT NULL, agent_id "
      "TEXT NOT NULL, bucket BIGINT NOT NULL,\n"
      "  state TEXT NOT NULL, reason TEXT NOT NULL, dur_us BIGINT NOT NULL,\n"
      "  PRIMARY KEY (grain, agent_id, bucket, state, reason));\n"
      "CREATE INDEX report_state_rollup_bucket ON report_state_rollup (grain, "
      "bucket);\n"
      "CREATE TABLE report_ivr_node_rollup (\n  flow_id TEXT NOT NULL, bucket "
      "BIGINT NOT NULL, exit_node TEXT NOT NULL,\n"
      "  exit TEXT NOT NULL, calls BIGINT NOT NULL,\n  PRIMARY KEY (flow_id, "
      "bucket, exit_node, exit));\n"
      // The last answered contact per customer and queue (repeat-contact FCR).
      "CREATE TABLE report_fcr_last (\n  customer_key TEXT NOT NULL, queue_id "
      "TEXT NOT NULL,\n"
      "  interaction_id TEXT NOT NULL, answered_at_us BIGINT NOT NULL, "
      "agent_id TEXT NOT NULL, did TEXT NOT NULL,\n"
      "  flow_id TEXT NOT NULL, repeated INTEGER NOT NULL,\n  PRIMARY KEY "
      "(customer_key, queue_id));\n";
}

/// Parameters per statement. The SQLite layer looks each "$N" up by name
/// (linear in the statement's parameter count), so its statements stay small;
/// PostgreSQL gains from big ones (fewer round trips).
size_t maxParams(bool pg) { return pg ? 8192 : 64; }

/// Rows per statement: a power of two (so that each table has only a few
/// statement texts in the prepared-statement caches), at most 256.
size_t rowsPerStatement(bool pg, size_t ncols) {
  size_t n = 256;
  while (n > 1 && n * ncols > maxParams(pg))
    n /= 2;
  return n;
}

/// Runs `head VALUES (...),(...) tail` over rows, chunked.
Result<void> insertRows(store::Tx &tx, bool pg, const std::string &head,
                        const std::string &tail, size_t ncols,
                        std::vector<Params> &rows) {
  size_t i = 0;
  const size_t maxRows = rowsPerStatement(pg, ncols);
  while (i < rows.size()) {
    size_t n = maxRows;
    while (n > rows.size() - i)
      n /= 2;
    std::string sql = head + " VALUES ";
    Params params;
    params.reserve(n * ncols);
    int p = 1;
    for (size_t r = 0; r < n; ++r) {
      sql += r == 0 ? "(" : ",(";
      for (size_t c = 0; c < ncols; ++c) {
        sql += (c == 0 ? "$" : ",$") + std::to_string(p++);
      }
      sql += ")";
      for (auto &v : rows[i + r])
        params.push_back(std::move(v));
    }
    sql += tail;
    if (auto e = tx.exec(sql, params); !e)
      return e.error();
    i += n;
  }
  return {};
}

Value str(const std::string &s) { return Value(s); }

} // namespace

EventStore::EventStore(store::Db &db, EventStoreOptions options)
    : db_(db), options_(options), pg_(db.dialect() == "postgresql") {}

namespace {

/// Migration 601: the UTC block grains (2, 4, 8 hours, UTC day) of the rows
/// written before they existed, summed from the hour rows (every record has
/// one), in one statement per grain and table.
std::string blockGrainsSql() {
  const auto &names = ixColumnNames();
  std::string cols, sums;
  for (int c = 0; c < kIxColCount; ++c) {
    const std::string n(names[static_cast<size_t>(c)]);
    cols += ", " + n;
    sums += (c == kMaxWaitUs ? ", MAX(" : ", SUM(") + n + ")";
  }
  std::string sql;
  for (Grain g : {Grain::Hours2, Grain::Hours4, Grain::Hours8, Grain::UtcDay}) {
    const std::string grain = std::to_string(static_cast<int>(g));
    const std::string len = std::to_string(grainLengthUs(g));
    sql += "INSERT INTO report_ix_rollup (grain, dim, dim_key, bucket" + cols +
           ") SELECT " + grain + ", dim, dim_key, bucket - bucket % " + len +
           sums + " FROM report_ix_rollup WHERE grain = 1 GROUP BY dim, dim_key, bucket - bucket % " + len +
           ";\n";
    sql += "INSERT INTO report_state_rollup (grain, agent_id, bucket, state, reason, dur_us) SELECT " + grain +
           ", agent_id, bucket - bucket % " + len +
           ", state, reason, SUM(dur_us) FROM report_state_rollup WHERE grain = 1 GROUP BY agent_id, bucket - "
           "bucket % " + len + ", state, reason;\n";
  }
  return sql;
}

} // namespace

std::vector<store::Migration> EventStore::migrations() {
  return {store::Migration{600, "report event store and rollups",
                           schemaSql(false), schemaSql(true)},
          store::Migration{601, "report rollups in 2/4/8-hour and UTC-day blocks",
                           blockGrainsSql(), ""}};
}

Result<void> EventStore::write(const std::vector<Record> &records) {
  if (records.empty())
    return {};
  // Agent-state reasons are resolved against a copy, committed on success.
  auto lastState = lastState_;
  RollupBatch batch;
  for (const auto &rec : records) {
    if (const auto *x = std::get_if<InteractionRecord>(&rec)) {
      batch.addInteraction(*x);
    } else if (const auto *a = std::get_if<AgentStateRecord>(&rec)) {
      std::string reason = a->fromReason;
      if (reason.empty()) {
        auto it = lastState.find(a->agentId);
        if (it != lastState.end() && it->second.first == a->fromState)
          reason = it->second.second;
      }
      batch.addAgentState(*a, reason);
      lastState[a->agentId] = {a->toState, a->toReason};
    } else if (const auto *v = std::get_if<IvrPathRecord>(&rec)) {
      batch.addIvrPath(*v);
    }
  }
  auto r = db_.transaction([&](store::Tx &tx) -> Result<void> {
    if (auto e = writeRaw(tx, records); !e)
      return e;
    if (auto e = applyFcr(tx, records, batch); !e)
      return e;
    return writeRollups(tx, batch);
  });
  if (!r)
    return r;
  lastState_ = std::move(lastState);
  return {};
}

Result<void> EventStore::writeRaw(store::Tx &tx,
                                  const std::vector<Record> &records) {
  std::vector<Params> ix, agent, cdr, ivr;
  for (const auto &rec : records) {
    if (const auto *x = std::get_if<InteractionRecord>(&rec)) {
      ix.push_back(Params{x->atUs,
                          std::string(toString(x->kind)),
                          str(x->interactionId),
                          str(x->channel),
                          str(x->queueId),
                          str(x->agentId),
                          str(x->did),
                          str(x->flowId),
                          str(x->customerKey),
                          x->waitUs,
                          x->answeredAtUs,
                          x->talkUs,
                          x->holdUs,
                          x->wrapUpUs,
                          x->serviceLevelUs,
                          x->shortAbandonUs,
                          str(x->target),
                          str(x->reason),
                          int64_t{x->resolved},
                          int64_t{x->score}});
    } else if (const auto *a = std::get_if<AgentStateRecord>(&rec)) {
      agent.push_back(Params{a->atUs, str(a->agentId), str(a->fromState),
                             str(a->fromReason), str(a->toState),
                             str(a->toReason), a->previousForUs});
    } else if (const auto *c = std::get_if<CdrRefRecord>(&rec)) {
      cdr.push_back(
          Params{c->atUs, str(c->interactionId), str(c->cdrId), str(c->role)});
    } else {
      const auto &v = std::get<IvrPathRecord>(rec);
      ivr.push_back(Params{v.atUs, str(v.callId), str(v.interactionId),
                           str(v.flowId), str(v.did), v.enteredAtUs,
                           std::string(toString(v.exit)), str(v.exitNode),
                           str(v.path), int64_t{v.hangupContained ? 1 : 0},
                           v.shortHangupUs});
    }
  }
  if (auto e = insertRows(tx, pg_,
                          "INSERT INTO report_ix_events (at_us, kind, "
                          "interaction_id, channel, queue_id, agent_id, "
                          "did, flow_id, customer_key, wait_us, "
                          "answered_at_us, talk_us, hold_us, wrap_us, sl_us, "
                          "short_abandon_us, target, reason, resolved, score)",
                          "", 20, ix);
      !e) {
    return e;
  }
  if (auto e = insertRows(tx, pg_,
                          "INSERT INTO report_agent_events (at_us, agent_id, "
                          "from_state, from_reason, to_state, "
                          "to_reason, previous_for_us)",
                          "", 7, agent);
      !e) {
    return e;
  }
  if (auto e = insertRows(
          tx, pg_,
          "INSERT INTO report_cdr_refs (at_us, interaction_id, cdr_id, role)",
          "", 4, cdr);
      !e) {
    return e;
  }
  return insertRows(tx, pg_,
                    "INSERT INTO report_ivr_paths (at_us, call_id, "
                    "interaction_id, flow_id, did, entered_at_us, exit, "
                    "exit_node, path, hangup_contained, short_hangup_us)",
                    "", 11, ivr);
}

Result<void> EventStore::applyFcr(store::Tx &tx,
                                  const std::vector<Record> &records,
                                  RollupBatch &batch) {
  struct Last {
    std::string interactionId;
    ContactDims dims;
    bool repeated = false;
    bool dirty = false;
  };
  // (customer, queue) -> last answered contact; nullopt = none stored.
  std::map<std::pair<std::string, std::string>, std::optional<Last>> seen;
  // Load the stored last contacts of every customer entering a queue in this
  // batch, a few hundred customers per query (one round trip, not one per
  // record).
  std::set<std::pair<std::string, std::string>> wanted;
  for (const auto &rec : records) {
    const auto *x = std::get_if<InteractionRecord>(&rec);
    if (x != nullptr && x->kind == IxKind::Entered && !x->customerKey.empty() &&
        !x->queueId.empty()) {
      wanted.emplace(x->customerKey, x->queueId);
    }
  }
  std::vector<std::string> customers;
  for (const auto &[c, q] : wanted) {
    if (customers.empty() || customers.back() != c)
      customers.push_back(c);
  }
  const size_t perQuery =
      rowsPerStatement(pg_, 1); // a power of two: few distinct statement texts
  for (size_t i = 0; i < customers.size();) {
    size_t n = perQuery;
    while (n > customers.size() - i)
      n /= 2;
    std::string sql = "SELECT customer_key, queue_id, interaction_id, "
                      "answered_at_us, agent_id, did, flow_id, repeated "
                      "FROM report_fcr_last WHERE customer_key IN (";
    Params params;
    for (size_t k = 0; k < n; ++k) {
      sql += (k == 0 ? "$" : ", $") + std::to_string(k + 1);
      params.emplace_back(customers[i + k]);
    }
    sql += ")";
    auto rows = tx.query(sql, params);
    if (!rows)
      return rows.error();
    for (const auto &row : rows->rows) {
      auto key = std::make_pair(row.str(0), row.str(1));
      if (wanted.count(key) == 0)
        continue;
      seen[key] = Last{row.str(2),
                       ContactDims{key.second, row.str(4), row.str(5),
                                   row.str(6), row.i64(3)},
                       row.i64(7) != 0, false};
    }
    i += n;
  }
  for (const auto &rec : records) {
    const auto *x = std::get_if<InteractionRecord>(&rec);
    if (x == nullptr || x->customerKey.empty() || x->queueId.empty())
      continue;
    if (x->kind == IxKind::Entered) {
      auto &last = seen[std::make_pair(x->customerKey, x->queueId)];
      if (last && !last->repeated && last->interactionId != x->interactionId &&
          x->atUs - last->dims.answeredAtUs <= options_.fcrRepeatWindowUs &&
          x->atUs >= last->dims.answeredAtUs) {
        batch.addRepeatContact(last->dims);
        last->repeated = true;
        last->dirty = true;
      }
    } else if (x->kind == IxKind::Answered) {
      auto key = std::make_pair(x->customerKey, x->queueId);
      seen[key] =
          Last{x->interactionId,
               ContactDims{x->queueId, x->agentId, x->did, x->flowId, x->atUs},
               false, true};
    }
  }
  std::vector<Params> rows;
  for (auto &[key, last] : seen) {
    if (!last || !last->dirty)
      continue;
    rows.push_back(Params{key.first, key.second, last->interactionId,
                          last->dims.answeredAtUs, last->dims.agentId,
                          last->dims.did, last->dims.flowId,
                          int64_t{last->repeated ? 1 : 0}});
  }
  return insertRows(tx, pg_,
                    "INSERT INTO report_fcr_last (customer_key, queue_id, "
                    "interaction_id, answered_at_us, agent_id, "
                    "did, flow_id, repeated)",
                    " ON CONFLICT (customer_key, queue_id) DO UPDATE SET "
                    "interaction_id = excluded.interaction_id, "
                    "answered_at_us = excluded.answered_at_us, agent_id = "
                    "excluded.agent_id, did = excluded.did, "
                    "flow_id = excluded.flow_id, repeated = excluded.repeated",
                    8, rows);
}

Result<void> EventStore::writeRollups(store::Tx &tx, const RollupBatch &batch) {
  const auto &names = ixColumnNames();
  std::string head =
      "INSERT INTO report_ix_rollup (grain, dim, dim_key, bucket";
  std::string tail =
      " ON CONFLICT (grain, dim, dim_key, bucket) DO UPDATE SET ";
  for (int c = 0; c < kIxColCount; ++c) {
    const std::string n(names[static_cast<size_t>(c)]);
    head += ", " + n;
    if (c > 0)
      tail += ", ";
    if (c == kMaxWaitUs) {
      tail += n + (pg_ ? " = GREATEST(" : " = MAX(") + "report_ix_rollup." + n +
              ", excluded." + n + ")";
    } else {
      tail += n + " = report_ix_rollup." + n + " + excluded." + n;
    }
  }
  head += ")";
  std::vector<Params> rows;
  for (Grain g : kAllGrains) {
    // Coarser grains are sums of the batch's quarter-hour cells.
    std::map<RollupBatch::IxKey, IxCounters> cells;
    for (const auto &[key, counters] : batch.ix()) {
      RollupBatch::IxKey k{
          std::get<0>(key), std::get<1>(key),
          grainBucket(std::get<2>(key), g, options_.dayOffsetMinutes)};
      auto [it, inserted] = cells.try_emplace(std::move(k), counters);
      if (inserted)
        continue;
      for (int c = 0; c < kIxColCount; ++c) {
        auto &cell = it->second[static_cast<size_t>(c)];
        const int64_t v = counters[static_cast<size_t>(c)];
        cell = c == kMaxWaitUs ? std::max(cell, v) : cell + v;
      }
    }
    for (const auto &[key, counters] : cells) {
      Params p{int64_t{static_cast<int>(g)}, std::get<0>(key), std::get<1>(key),
               std::get<2>(key)};
      p.reserve(4 + kIxColCount);
      for (int64_t v : counters)
        p.emplace_back(v);
      rows.push_back(std::move(p));
    }
  }
  if (auto e = insertRows(tx, pg_, head, tail, 4 + kIxColCount, rows); !e)
    return e;

  rows.clear();
  for (Grain g : kAllGrains) {
    std::map<RollupBatch::StateKey, int64_t> cells;
    for (const auto &[key, us] : batch.states()) {
      cells[{std::get<0>(key),
             grainBucket(std::get<1>(key), g, options_.dayOffsetMinutes),
             std::get<2>(key), std::get<3>(key)}] += us;
    }
    for (const auto &[key, us] : cells) {
      rows.push_back(Params{int64_t{static_cast<int>(g)}, std::get<0>(key),
                            std::get<1>(key), std::get<2>(key),
                            std::get<3>(key), us});
    }
  }
  if (auto e = insertRows(tx, pg_,
                          "INSERT INTO report_state_rollup (grain, agent_id, "
                          "bucket, state, reason, dur_us)",
                          " ON CONFLICT (grain, agent_id, bucket, state, "
                          "reason) DO UPDATE SET dur_us = "
                          "report_state_rollup.dur_us + excluded.dur_us",
                          6, rows);
      !e) {
    return e;
  }
  rows.clear();
  for (const auto &[key, n] : batch.nodes()) {
    rows.push_back(Params{std::get<0>(key), std::get<1>(key), std::get<2>(key),
                          std::get<3>(key), n});
  }
  return insertRows(
      tx, pg_,
      "INSERT INTO report_ivr_node_rollup (flow_id, bucket, exit_node, exit, "
      "calls)",
      " ON CONFLICT (flow_id, bucket, exit_node, exit) DO UPDATE SET calls = "
      "report_ivr_node_rollup.calls + excluded.calls",
      5, rows);
}

} // namespace hujiao::report
