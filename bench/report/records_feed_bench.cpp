// The report feed as the daemon runs it: a simulated control loop (20 ms
// ticks, like the switch's) publishes ACD-shaped events on the EventBus at a
// given rate; RecordsService's subscriber hands them to its feed thread, which
// makes report records and appends them to the batched writer (one
// transaction per batch). Prints what the control thread paid (publish time,
// tick lag, its task queue's depth) and whether the store kept up (feed and
// writer queue depths, records written, overflow/lost). Not a test.
//
// report: records_feed_bench [--seconds 600] [--rate 2000] [--pg-url URL]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "center/records_service.h"
#include "core/core_config.h"

using namespace hujiao;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  int seconds = 60;
  int rate = 2000;  // report records per second (events ~ records)
  std::string pgUrl;
};

double msSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

void run(const Args& a, const std::string& backend, const std::string& url, const std::string& dir) {
  core::ConfigSchema schema;
  core::addCoreConfig(schema);
  center::RecordsService::addConfig(schema);
  auto config = core::Config::load(
      schema, "node:\n  data_dir: " + dir + "/var\nrecording:\n  encrypt: false\n  dir: " + dir + "/rec\n",
      "bench.yaml", {});
  auto store = store::openStore(url, 4, center::RecordsService::migrations());
  core::EventBus bus;
  core::TaskQueue control;
  center::CenterContext ctx;
  ctx.config = &config;
  ctx.store = store.get();
  ctx.events = &bus;
  ctx.clock = &core::SystemClock::instance();
  ctx.control = &control;
  center::RecordsService svc(ctx);

  const int perTick = std::max(1, a.rate / 50);
  std::vector<int64_t> publishNs;
  publishNs.reserve(static_cast<size_t>(a.rate) * static_cast<size_t>(a.seconds) + 1024);
  double worstLagMs = 0;
  size_t worstControlDepth = 0, worstFeed = 0, worstWriter = 0;
  uint64_t events = 0, ix = 0;
  const int64_t base = core::SystemClock::instance().nowUs();
  const auto t0 = Clock::now();
  auto tick = t0;
  int lastPrint = -1;
  while (Clock::now() - t0 < std::chrono::seconds(a.seconds)) {
    tick += std::chrono::milliseconds(20);
    std::this_thread::sleep_until(tick);
    worstLagMs = std::max(worstLagMs, std::chrono::duration<double, std::milli>(Clock::now() - tick).count());
    worstControlDepth = std::max(worstControlDepth, control.depth());
    control.runPending();
    const int64_t now = base + static_cast<int64_t>(msSince(t0) * 1000);
    for (int i = 0; i < perTick; ++i, ++events) {
      // One interaction = queued, offered, answered, ended, and two agent states.
      const int step = static_cast<int>(events % 6);
      if (step == 0) ++ix;
      const std::string id = "i" + std::to_string(ix);
      const std::string agent = "a" + std::to_string(ix % 200);
      nlohmann::json d = {{"interaction_id", id}, {"queue_id", "q" + std::to_string(ix % 20)},
                          {"call_id", "c" + std::to_string(ix)}, {"agent_id", agent}};
      std::string type;
      switch (step) {
        case 0: type = "interaction.queued"; break;
        case 1: type = "interaction.offered"; break;
        case 2: type = "interaction.answered"; break;
        case 3:
          type = "agent.state";
          d = {{"agent_id", agent}, {"state", "busy"}, {"previous", "reserved"}};
          break;
        case 4: type = "interaction.ended"; break;
        default:
          type = "agent.state";
          d = {{"agent_id", agent}, {"state", "ready"}, {"previous", "busy"}};
      }
      const auto s = Clock::now();
      bus.publish(core::Event{type, now, std::move(d), ""});
      publishNs.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - s).count());
    }
    worstFeed = std::max(worstFeed, svc.feedDepth());
    worstWriter = std::max(worstWriter, svc.writerStats().queueDepth);
    const int sec = static_cast<int>(msSince(t0) / 1000);
    if (sec != lastPrint && sec % 60 == 0) {
      lastPrint = sec;
      auto st = svc.writerStats();
      std::printf("  [%s] t=%4ds events=%llu written=%llu feed_queue=%zu writer_queue=%zu max_batch_ms=%.1f\n",
                  backend.c_str(), sec, static_cast<unsigned long long>(events),
                  static_cast<unsigned long long>(st.written), svc.feedDepth(), st.queueDepth,
                  st.maxBatchUs / 1000.0);
      std::fflush(stdout);
    }
  }
  const double runS = msSince(t0) / 1000;
  const auto f0 = Clock::now();
  svc.flush();
  const double flushMs = msSince(f0);
  auto st = svc.writerStats();
  std::sort(publishNs.begin(), publishNs.end());
  auto pct = [&](double q) { return publishNs[static_cast<size_t>(q * (publishNs.size() - 1))] / 1000.0; };
  std::printf(
      "feed %-10s: %llu events in %.1f s (%.0f/s) -> %llu records written, overflow %llu, lost %llu, failures %llu\n"
      "  control thread: publish us p50 %.2f p99 %.2f p99.9 %.2f max %.1f; worst tick lag %.2f ms; "
      "control queue max depth %zu\n"
      "  feed queue max depth %zu; writer queue max depth %zu; batches %llu, batch max %.1f ms; final flush %.1f ms\n",
      backend.c_str(), static_cast<unsigned long long>(events), runS, events / runS,
      static_cast<unsigned long long>(st.written), static_cast<unsigned long long>(st.overflow),
      static_cast<unsigned long long>(st.lost), static_cast<unsigned long long>(st.failures), pct(0.5), pct(0.99),
      pct(0.999), pct(1.0), worstLagMs, worstControlDepth, worstFeed, std::max(worstWriter, st.maxQueueDepth),
      static_cast<unsigned long long>(st.batches), st.maxBatchUs / 1000.0, flushMs);
  std::fflush(stdout);
  svc.stop();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--seconds") a.seconds = std::atoi(argv[i + 1]);
    else if (k == "--rate") a.rate = std::atoi(argv[i + 1]);
    else if (k == "--pg-url") a.pgUrl = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: records_feed_bench [--seconds N] [--rate N] [--pg-url URL]\n");
      return 2;
    }
  }
  if (a.pgUrl.empty())
    if (const char* dir = std::getenv("HUJIAO_TEST_PG_DIR")) {
      std::ifstream in(std::string(dir) + "/url");
      std::getline(in, a.pgUrl);
    }
  const std::string dir = (std::filesystem::temp_directory_path() / "hujiao-feed-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  run(a, "sqlite", "sqlite:" + dir + "/bench.db", dir + "/s");
  if (!a.pgUrl.empty()) {
    run(a, "postgresql", a.pgUrl, dir + "/p");
  } else {
    std::printf("postgresql: skipped (no --pg-url and no $HUJIAO_TEST_PG_DIR/url)\n");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
