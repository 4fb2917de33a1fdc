// Report event store benchmark; prints figures (not a test).
//
//   report_bench [--backend sqlite|postgresql|both] [--pg-url URL]
//                [--seconds 60] [--rate 2000] [--records 5000000]
//                [--skip-writer] [--skip-query] [--dir DIR] [--reuse]
//                [--pg-schema report_bench_query] [--pg-load copy|writer]
//
// 1. Writer: a "control thread" appends --rate records/s for --seconds through
//    EventWriter (batched transactions on the writer thread); prints the worst
//    and p99.9 append latency, the control loop's worst lag, the writer queue
//    depth and the batch times.
// 2. Query: loads --records generated records spread over one month, then
//    times one-month interval reports over them (best/median/worst of 3).
//    SQLite: EventStore::write in 20,000-record transactions into DIR/query.db.
//    PostgreSQL: the product's migrations create the schema --pg-schema; with
//    --pg-load copy (default) the rows the writer produced in DIR/query.db are
//    COPYed in row for row (pg_copy.h), with --pg-load writer EventStore::write
//    loads them (~45 min at 5 M on the shared machine). Both query data sets
//    are kept; --reuse skips loading when they hold data.
// PostgreSQL: --pg-url, else $HUJIAO_TEST_PG_DIR/url
// (scripts/pg-test-cluster.sh start DIR); the writer's schema is dropped.
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/time_format.h"
#include "pg_copy.h"
#include "report/event_store.h"
#include "report/event_writer.h"
#include "report/report_query.h"
#include "store/store.h"

using namespace hujiao;
using report::Record;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string backend = "both";
  std::string pgUrl;
  int seconds = 60;
  int rate = 2000;
  int64_t records = 5'000'000;
  bool writer = true;
  bool query = true;
  std::string dir;
  bool reuse = false;  // keep the loaded query data (DIR/query.db, PG schema) and skip loading
  std::string pgSchema = "report_bench_query"; // PG query data: kept after the run
  std::string pgLoad = "copy"; // copy: COPY DIR/query.db's rows; writer: EventStore::write
};

double msSince(SteadyClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t0)
      .count();
}

bool pgExec(const std::string &url, const std::string &sql) {
  PGconn *c = PQconnectdb(url.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PGresult *r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
      std::fprintf(stderr, "%s: %s\n", sql.c_str(), PQresultErrorMessage(r));
    PQclear(r);
  } else {
    std::fprintf(stderr, "cannot connect to %s: %s\n", url.c_str(),
                 PQerrorMessage(c));
  }
  PQfinish(c);
  return ok;
}

/// A stream of realistic records: each interaction enters, is offered and
/// answered (80%) or abandons (15%) or overflows (5%); answered ones end with
/// talk/hold/wrap-up and a survey now and then; agents change state around
/// them; IVR paths before the queue.
class Generator {
public:
  Generator(int64_t startUs, int64_t spanUs, int64_t count)
      : start_(startUs),
        step_(std::max<int64_t>(1, spanUs / std::max<int64_t>(1, count))),
        rng_(42) {}

  /// Appends about 8 records of one interaction to out; returns how many.
  size_t next(std::vector<Record> &out) {
    const size_t before = out.size();
    const int64_t t = start_ + now_;
    const int n = seq_++;
    const std::string id = "ix" + std::to_string(n);
    const std::string queue = "q" + std::to_string(n % 20);
    const std::string agent = "a" + std::to_string(rng_() % 200);
    const std::string did = "8000" + std::to_string(n % 50);
    const std::string flow = "flow" + std::to_string(n % 10);
    const std::string customer = "+8613" + std::to_string(rng_() % 500'000);
    auto ix = [&](report::IxKind k, int64_t at) {
      report::InteractionRecord r;
      r.kind = k;
      r.atUs = at;
      r.interactionId = id;
      r.queueId = queue;
      r.did = did;
      r.flowId = flow;
      r.customerKey = customer;
      return r;
    };
    report::IvrPathRecord p;
    p.atUs = t;
    p.enteredAtUs = t - 30'000'000;
    p.callId = "c" + id;
    p.interactionId = id;
    p.flowId = flow;
    p.did = did;
    p.exit = report::IvrExit::Queue;
    p.exitNode = "menu";
    out.emplace_back(p);
    out.emplace_back(ix(report::IxKind::Entered, t));
    const int64_t wait = static_cast<int64_t>(rng_() % 90) * 1'000'000;
    const int roll = static_cast<int>(rng_() % 100);
    if (roll < 80) {
      auto o = ix(report::IxKind::Offered, t + wait - 2'000'000);
      o.agentId = agent;
      out.emplace_back(o);
      auto a = ix(report::IxKind::Answered, t + wait);
      a.agentId = agent;
      a.waitUs = wait;
      out.emplace_back(a);
      auto e = ix(report::IxKind::Ended, t + wait + 200'000'000);
      e.agentId = agent;
      e.answeredAtUs = t + wait;
      e.talkUs = 150'000'000;
      e.holdUs = 20'000'000;
      e.wrapUpUs = 30'000'000;
      e.resolved = static_cast<int>(rng_() % 2);
      out.emplace_back(e);
      report::AgentStateRecord s1;
      s1.atUs = t + wait;
      s1.agentId = agent;
      s1.fromState = "ready";
      s1.toState = "busy";
      s1.previousForUs = 60'000'000;
      out.emplace_back(s1);
      report::AgentStateRecord s2 = s1;
      s2.atUs = t + wait + 170'000'000;
      s2.fromState = "busy";
      s2.toState = "wrap_up";
      s2.previousForUs = 170'000'000;
      out.emplace_back(s2);
      if (roll < 20) {
        auto sv = ix(report::IxKind::Survey, t + wait + 260'000'000);
        sv.agentId = agent;
        sv.answeredAtUs = t + wait;
        sv.score = 1 + static_cast<int>(rng_() % 5);
        out.emplace_back(sv);
      }
    } else if (roll < 95) {
      auto a = ix(report::IxKind::Abandoned, t + wait);
      a.waitUs = wait;
      out.emplace_back(a);
    } else {
      auto o = ix(report::IxKind::Overflowed, t + wait);
      o.waitUs = wait;
      o.target = "queue:q0";
      out.emplace_back(o);
    }
    now_ += step_ * static_cast<int64_t>(out.size() - before);
    return out.size() - before;
  }

private:
  int64_t start_;
  int64_t step_;
  int64_t now_ = 0;
  int seq_ = 0;
  std::mt19937_64 rng_;
};

struct Db {
  std::unique_ptr<store::Store> store;
  std::string schemaBase; // pg: base URL to drop the schema
  std::string url;        // pg: URL with search_path set to the schema
  std::string schema;
  bool keep = false; // the query schema stays for --reuse
  ~Db() {
    if (store)
      store->close();
    if (!schema.empty() && !keep)
      pgExec(schemaBase, "SET client_min_messages = warning; DROP SCHEMA " +
                             schema + " CASCADE");
  }
};

std::unique_ptr<Db> openDb(const Args &a, const std::string &backend,
                           const std::string &name) {
  auto d = std::make_unique<Db>();
  if (backend == "sqlite") {
    std::string path = a.dir + "/" + name + ".db";
    if (!a.reuse) {
      std::filesystem::remove(path);
      std::filesystem::remove(path + "-wal");
    }
    store::StoreOptions o;
    o.url = "sqlite:" + path;
    o.poolSize = 4;
    o.sqliteSynchronous =
        "normal"; // the WAL default for production deployments
    d->store = store::openStore(o, report::EventStore::migrations());
  } else {
    d->schemaBase = a.pgUrl;
    if (name == "query") {
      d->schema = a.pgSchema;
      d->keep = true;
      if (!a.reuse && !pgExec(a.pgUrl, "SET client_min_messages = warning; "
                                       "DROP SCHEMA IF EXISTS " +
                                           d->schema + " CASCADE"))
        return nullptr;
      if (!pgExec(a.pgUrl, "SET client_min_messages = warning; "
                              "CREATE SCHEMA IF NOT EXISTS " + d->schema))
        return nullptr;
    } else {
      d->schema = "bench_" + name + "_" + std::to_string(getpid());
      if (!pgExec(a.pgUrl, "CREATE SCHEMA " + d->schema))
        return nullptr;
    }
    std::string sep = a.pgUrl.find('?') == std::string::npos ? "?" : "&";
    d->url = a.pgUrl + sep + "options=-csearch_path%3D" + d->schema;
    // The product's migrations create (or, reused, bring up to date) the
    // tables and indexes the queries run on.
    d->store = store::openStore(d->url, 4, report::EventStore::migrations());
  }
  return d;
}

void writerBench(const Args &a, const std::string &backend) {
  auto d = openDb(a, backend, "writer");
  if (!d)
    return;
  report::EventStore es(d->store->db());
  report::EventWriter w(
      es, {.capacity = 100'000,
           .maxBatch = 2'000,
           .maxDelayMs = 200,
           .journalPath = a.dir + "/writer-" + backend + ".jsonl"});
  w.start();
  Generator gen(*core::parseIso8601("2026-03-02T00:00:00Z"),
                int64_t{a.seconds} * 1'000'000, int64_t{a.rate} * a.seconds);
  // The control loop: a 1 ms tick appending rate/1000 records per tick on
  // average.
  std::vector<Record> pending;
  std::vector<int64_t> lat;
  lat.reserve(static_cast<size_t>(a.rate) * static_cast<size_t>(a.seconds) +
              16);
  const auto t0 = SteadyClock::now();
  auto tick = t0;
  double worstLagMs = 0;
  size_t depthMax = 0, appended = 0;
  int64_t lastReport = 0;
  while (SteadyClock::now() - t0 < std::chrono::seconds(a.seconds)) {
    tick += std::chrono::milliseconds(1);
    std::this_thread::sleep_until(tick);
    worstLagMs = std::max(worstLagMs, std::chrono::duration<double, std::milli>(
                                          SteadyClock::now() - tick)
                                          .count());
    const double elapsed =
        std::chrono::duration<double>(SteadyClock::now() - t0).count();
    const auto due = static_cast<size_t>(elapsed * a.rate);
    while (appended < due) {
      if (pending.empty()) {
        gen.next(pending);
        std::reverse(pending.begin(), pending.end());
      }
      Record r = std::move(pending.back());
      pending.pop_back();
      const auto s = SteadyClock::now();
      w.append(std::move(r));
      lat.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        SteadyClock::now() - s)
                        .count());
      ++appended;
    }
    const auto sec = static_cast<int64_t>(elapsed);
    if (sec != lastReport && sec % 10 == 0) {
      lastReport = sec;
      auto st = w.stats();
      depthMax = std::max(depthMax, st.queueDepth);
      std::printf("  [%s] t=%3llds appended=%zu written=%llu queue=%zu "
                  "max_batch_ms=%.1f\n",
                  backend.c_str(), static_cast<long long>(sec), appended,
                  static_cast<unsigned long long>(st.written), st.queueDepth,
                  st.maxBatchUs / 1000.0);
      std::fflush(stdout);
    }
  }
  const double runS =
      std::chrono::duration<double>(SteadyClock::now() - t0).count();
  const auto stopT = SteadyClock::now();
  w.stop();
  const double stopMs = msSince(stopT);
  auto st = w.stats();
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double q) {
    return lat.empty()
               ? 0.0
               : lat[static_cast<size_t>(q * (lat.size() - 1))] / 1000.0;
  };
  std::printf("writer %-10s: %zu records in %.1f s (%.0f/s); written %llu, "
              "overflow %llu, lost %llu, failures %llu\n"
              "  append latency us: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.1f\n"
              "  control loop worst lag %.2f ms; writer queue max depth %zu; "
              "batches %llu, batch max %.1f ms, last %.1f ms;"
              " stop (final flush) %.1f ms\n",
              backend.c_str(), appended, runS, appended / runS,
              static_cast<unsigned long long>(st.written),
              static_cast<unsigned long long>(st.overflow),
              static_cast<unsigned long long>(st.lost),
              static_cast<unsigned long long>(st.failures), pct(0.5), pct(0.99),
              pct(0.999), pct(1.0), worstLagMs,
              std::max(depthMax, st.maxQueueDepth),
              static_cast<unsigned long long>(st.batches),
              st.maxBatchUs / 1000.0, st.lastBatchUs / 1000.0, stopMs);
  std::fflush(stdout);
}

void queryBench(const Args &a, const std::string &backend) {
  auto d = openDb(a, backend, "query");
  if (!d)
    return;
  // The centre reports in UTC+08:00: day rollups are kept in that offset.
  constexpr int kTz = 480;
  report::EventStore es(d->store->db(),
                        {.fcrRepeatWindowUs = 7LL * 24 * 3600 * 1'000'000,
                         .dayOffsetMinutes = kTz});
  const int64_t from = *core::parseIso8601("2026-03-01T00:00:00Z");
  const int64_t to = *core::parseIso8601("2026-04-01T00:00:00Z");
  // Spread over the month, leaving the last hours for the records' tails.
  Generator gen(from, to - from - 6LL * 3600 * 1'000'000, a.records);
  const auto t0 = SteadyClock::now();
  int64_t total = 0;
  bool loaded = false;
  if (a.reuse) {
    auto n = d->store->db().query("SELECT COUNT(*) FROM report_ix_events");
    if (n && !n->empty() && n->rows[0].i64(0) > 0) {
      total = a.records;
      loaded = true;
      std::printf("  [%s] reusing the stored records (%lld interaction events)\n",
                  backend.c_str(), static_cast<long long>(n->rows[0].i64(0)));
    }
  }
  if (!loaded && backend == "postgresql" && a.pgLoad == "copy") {
    // The rows the product's writer produced in DIR/query.db (same --records,
    // same generator), copied row for row into the tables the product's
    // migrations created: minutes instead of the writer's ~45 min at 5 M.
    const std::string src = a.dir + "/query.db";
    if (!std::filesystem::exists(src)) {
      std::fprintf(stderr, "--pg-load copy needs %s (run --backend sqlite or "
                           "both first, or use --pg-load writer)\n", src.c_str());
      return;
    }
    std::printf("  [%s] copying the writer's rows from %s\n", backend.c_str(),
                src.c_str());
    if (bench::copySqliteToPg(src, d->url) < 0)
      return;
    total = a.records;
  }
  std::vector<Record> batch;
  batch.reserve(20'100);
  while (total < a.records) {
    batch.clear();
    while (batch.size() < 20'000 &&
           total + static_cast<int64_t>(batch.size()) < a.records)
      gen.next(batch);
    if (auto r = es.write(batch); !r) {
      std::fprintf(stderr, "load failed: %s\n", r.error().message.c_str());
      return;
    }
    total += static_cast<int64_t>(batch.size());
    if (total % 1'000'000 < 20'008) {
      std::printf("  [%s] loaded %lld records, %.0f/s\n", backend.c_str(),
                  static_cast<long long>(total), total / (msSince(t0) / 1000));
      std::fflush(stdout);
    }
  }
  const double loadS = msSince(t0) / 1000;
  if (backend == "postgresql")
    (void)d->store->db().exec("ANALYZE");
  else
    (void)d->store->db().exec("ANALYZE");
  auto rollupRows =
      d->store->db().query("SELECT COUNT(*) FROM report_ix_rollup");
  auto stateRows =
      d->store->db().query("SELECT COUNT(*) FROM report_state_rollup");
  std::printf(
      "load %-10s: %lld records %s %.1f s (%.0f records/s); rollup rows: ix "
      "%lld, agent states %lld\n",
      backend.c_str(), static_cast<long long>(total),
      loaded ? "reused, opened in" : "in", loadS, total / loadS,
      rollupRows ? static_cast<long long>(rollupRows->rows[0].i64(0)) : -1LL,
      stateRows ? static_cast<long long>(stateRows->rows[0].i64(0)) : -1LL);
  report::ReportService svc(d->store->db(), kTz);
  struct Q {
    const char *label;
    report::ReportKind kind;
    report::Interval interval;
    std::vector<std::string> ids;
    int tz = kTz;
  };
  // Day rollups serve day/week/month in the store's offset; any other offset
  // tiles each period with UTC-day, 8/4/2-hour, hour and 15-minute rows
  // (coverPeriods); 15/30-minute intervals read quarter-hour rows.
  const std::vector<Q> queries = {
      {"queues  day   (20)  day rows ",
       report::ReportKind::Queues,
       report::Interval::Day,
       {}},
      {"queues  month (20)  day rows ",
       report::ReportKind::Queues,
       report::Interval::Month,
       {}},
      {"queues  60m   (20)  hour rows",
       report::ReportKind::Queues,
       report::Interval::Hour,
       {}},
      {"queues  15m   (1)   15m rows ",
       report::ReportKind::Queues,
       report::Interval::Min15,
       {"q3"}},
      {"agents  day   (200) day rows ",
       report::ReportKind::Agents,
       report::Interval::Day,
       {}},
      {"agents  month (200) day rows ",
       report::ReportKind::Agents,
       report::Interval::Month,
       {}},
      {"states  day   (200) day rows ",
       report::ReportKind::AgentStates,
       report::Interval::Day,
       {}},
      {"dids    day   (50)  day rows ",
       report::ReportKind::Dids,
       report::Interval::Day,
       {}},
      {"flows   week  (10)  day rows ",
       report::ReportKind::Flows,
       report::Interval::Week,
       {}},
      {"queues  day UTC(20) UTC tiles",
       report::ReportKind::Queues,
       report::Interval::Day,
       {},
       0},
      {"agents  day UTC(200)UTC tiles",
       report::ReportKind::Agents,
       report::Interval::Day,
       {},
       0},
      {"states  day UTC(200)UTC tiles",
       report::ReportKind::AgentStates,
       report::Interval::Day,
       {},
       0},
      {"agents  month+0545(200) tiles",
       report::ReportKind::Agents,
       report::Interval::Month,
       {},
       345},
      // The rest of the month grid: every kind by month and by day in the
      // configured offset, UTC and a quarter-hour offset (+05:45).
      {"states  month (200) day rows ", report::ReportKind::AgentStates,
       report::Interval::Month, {}},
      {"queues  month UTC(20) tiles  ", report::ReportKind::Queues,
       report::Interval::Month, {}, 0},
      {"agents  month UTC(200) tiles ", report::ReportKind::Agents,
       report::Interval::Month, {}, 0},
      {"states  month UTC(200) tiles ", report::ReportKind::AgentStates,
       report::Interval::Month, {}, 0},
      {"queues  month+0545(20) tiles ", report::ReportKind::Queues,
       report::Interval::Month, {}, 345},
      {"states  month+0545(200) tiles", report::ReportKind::AgentStates,
       report::Interval::Month, {}, 345},
      {"queues  day+0545 (20)  tiles ", report::ReportKind::Queues,
       report::Interval::Day, {}, 345},
      {"agents  day+0545 (200) tiles ", report::ReportKind::Agents,
       report::Interval::Day, {}, 345},
      {"states  day+0545 (200) tiles ", report::ReportKind::AgentStates,
       report::Interval::Day, {}, 345},
  };
  for (const auto &q : queries) {
    report::ReportRequest r;
    r.kind = q.kind;
    r.fromUs = from;
    r.toUs = to;
    r.interval = q.interval;
    r.tzOffsetMinutes = q.tz;
    r.fromUs -= int64_t{q.tz} * 60'000'000; // the local month
    r.toUs -= int64_t{q.tz} * 60'000'000;
    r.ids = q.ids;
    std::vector<double> times;
    size_t rows = 0;
    for (int i = 0; i < 3; ++i) {
      const auto s = SteadyClock::now();
      auto t = svc.run(r);
      times.push_back(msSince(s));
      if (!t) {
        std::fprintf(stderr, "query failed: %s\n", t.error().message.c_str());
        return;
      }
      rows = t->rows.size();
    }
    std::sort(times.begin(), times.end());
    std::printf("query %-10s %s: %6zu rows, best %7.1f ms, median %7.1f ms, "
                "worst %7.1f ms\n",
                backend.c_str(), q.label, rows, times[0], times[1], times[2]);
    std::fflush(stdout);
  }
}

} // namespace

int main(int argc, char **argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--backend")
      a.backend = val();
    else if (k == "--pg-url")
      a.pgUrl = val();
    else if (k == "--seconds")
      a.seconds = std::atoi(val().c_str());
    else if (k == "--rate")
      a.rate = std::atoi(val().c_str());
    else if (k == "--records")
      a.records = std::atoll(val().c_str());
    else if (k == "--skip-writer")
      a.writer = false;
    else if (k == "--skip-query")
      a.query = false;
    else if (k == "--dir")
      a.dir = val();
    else if (k == "--reuse")
      a.reuse = true;
    else if (k == "--pg-schema")
      a.pgSchema = val();
    else if (k == "--pg-load")
      a.pgLoad = val();
    else {
      std::fprintf(stderr,
                   "usage: report_bench [--backend sqlite|postgresql|both] "
                   "[--pg-url URL] [--seconds N] "
                   "[--rate N] [--records N] [--skip-writer] [--skip-query] "
                   "[--dir DIR] [--reuse] [--pg-schema NAME] "
                   "[--pg-load copy|writer]\n");
      return 2;
    }
  }
  if (a.pgLoad != "copy" && a.pgLoad != "writer") {
    std::fprintf(stderr, "--pg-load must be copy or writer\n");
    return 2;
  }
  if (a.seconds <= 0 || a.rate <= 0 || a.records <= 0) {
    std::fprintf(stderr, "--seconds, --rate and --records must be positive\n");
    return 2;
  }
  std::string tmpDir;
  if (a.dir.empty()) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "hujiao-report-bench-XXXXXX")
            .string();
    if (mkdtemp(tmpl.data()) == nullptr)
      return 1;
    a.dir = tmpDir = tmpl;
  }
  if (a.pgUrl.empty()) {
    if (const char *dir = std::getenv("HUJIAO_TEST_PG_DIR")) {
      std::ifstream in(std::string(dir) + "/url");
      std::getline(in, a.pgUrl);
    }
  }
  std::vector<std::string> backends;
  if (a.backend == "sqlite" || a.backend == "both")
    backends.push_back("sqlite");
  if (a.backend == "postgresql" || a.backend == "both") {
    if (a.pgUrl.empty()) {
      std::printf(
          "postgresql: skipped (no --pg-url and no $HUJIAO_TEST_PG_DIR/url)\n");
    } else {
      backends.push_back("postgresql");
    }
  }
  try {
    for (const auto &b : backends) {
      if (a.writer)
        writerBench(a, b);
      if (a.query)
        queryBench(a, b);
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "report_bench: %s\n", e.what());
    return 1;
  }
  if (!tmpDir.empty())
    std::filesystem::remove_all(tmpDir);
  return 0;
}
