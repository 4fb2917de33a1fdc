// The ACD routing core alone at contact-center scale: 10,000 agents in 500
// queues (five queues each, three tiers, eight strategies), 50 skills with
// four skill profiles per queue, 100,000 waiting interactions. Prints
// routing decisions per second, decision latency percentiles and memory per
// waiting interaction (live heap bytes counted by a global operator new, and
// RSS). Wall-clock and thread-CPU figures are both printed: on a shared
// machine the CPU ones are the fair measure.
//
//   acd_bench [--agents N] [--queues N] [--waiting N] [--cycles N] [--phase
//   all|ready|steady|arrival]
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "acd/acd.h"
#include "acd/timer.h"
#include "core/clock.h"

// ---- live heap bytes, as malloc sees them ----
namespace {
std::size_t g_liveBytes = 0;
}
void *operator new(std::size_t n) {
  void *p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  g_liveBytes += malloc_usable_size(p);
  return p;
}
void operator delete(void *p) noexcept {
  if (!p) return;
  g_liveBytes -= malloc_usable_size(p);
  std::free(p);
}
void operator delete(void *p, std::size_t) noexcept { operator delete(p); }

namespace {
using namespace hujiao;
using WallClock = std::chrono::steady_clock;

double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

long rssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

void check(const core::Result<void> &r, const char *what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s %s\n", what, r.error().code.c_str(), r.error().message.c_str());
    std::exit(1);
  }
}

/// Records offers so the driver can answer them.
struct Offers final : acd::AcdListener {
  std::vector<std::pair<std::string, std::string>> list;  // (interaction, agent)
  uint64_t count = 0;
  void onOffer(const acd::Interaction &ix, acd::AgentRef a, int64_t) override {
    ++count;
    list.emplace_back(ix.id, a.id);
  }
  void onCallbackNow(const acd::Interaction &ix, acd::AgentRef a, int64_t t) override { onOffer(ix, a, t); }
};

struct Latencies {
  std::vector<uint32_t> ns;
  double wallSeconds = 0;
  void add(WallClock::time_point s, WallClock::time_point e) {
    const auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(e - s).count();
    ns.push_back(uint32_t(d));
    wallSeconds += double(d) / 1e9;
  }
  void print(const char *what) {
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) {
      return ns.empty() ? 0.0 : ns[std::min(ns.size() - 1, std::size_t(q * double(ns.size())))] / 1e3;
    };
    std::printf(
        "  %-34s n=%zu p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 "
        "%.1f us, max %.1f us; %.0f/s back to back\n",
        what, ns.size(), at(0.5), at(0.9), at(0.99), at(0.999), ns.empty() ? 0.0 : ns.back() / 1e3,
        wallSeconds > 0 ? double(ns.size()) / wallSeconds : 0.0);
  }
};

struct Setup {
  int agents, queues, waiting, cycles;
  int skills = 50;
  int queuesPerAgent = 5;
};

std::string skillOf(const Setup &s, int q, int k) { return "s" + std::to_string((q + 7 * k) % s.skills); }

/// Queues and agents (logged in, not ready). allMatch: every agent has level 5
/// in its queues' skills (so every profile of its queues matches).
void build(acd::Acd &acd, const Setup &s, std::mt19937 &rng, bool ringAll, bool allMatch) {
  for (int q = 0; q < s.queues; ++q) {
    acd::QueueConfig c;
    c.id = "q" + std::to_string(q);
    int strat = q % 8;
    if (!ringAll && strat == int(acd::Strategy::RingAll)) strat = int(acd::Strategy::LongestIdle);
    c.strategy = static_cast<acd::Strategy>(strat);
    c.maxWaitUs = 3600LL * 1'000'000;
    c.overflowTarget = {acd::OverflowKind::Voicemail, "vm"};
    c.announceEveryUs = 60LL * 1'000'000;
    c.ringTimeoutUs = 30LL * 1'000'000;
    check(acd.upsertQueue(c), "queue");
  }
  for (int a = 0; a < s.agents; ++a) {
    acd::AgentConfig c;
    c.id = "agent" + std::to_string(a);
    c.device = std::to_string(1000 + a);
    c.capacity = {1, 0, 0, 0};
    std::vector<int> qs;
    for (int k = 0; k < s.queuesPerAgent; ++k) qs.push_back(int(rng() % unsigned(s.queues)));
    for (int q : qs)
      for (int k = 0; k < 2; ++k) c.skills.push_back({skillOf(s, q, k), allMatch ? 5 : int(1 + rng() % 5)});
    check(acd.upsertAgent(c), "agent");
    for (int q : qs) check(acd.setMembership({c.id, "q" + std::to_string(q), int(rng() % 3), -1}), "member");
    check(acd.login(c.id), "login");
  }
}

/// A voice interaction in a random queue with one of four skill profiles;
/// one in twenty is a VIP.
acd::EnqueueRequest request(const Setup &s, std::mt19937 &rng, std::string id) {
  acd::EnqueueRequest r;
  r.id = std::move(id);
  const int q = int(rng() % unsigned(s.queues));
  r.queueId = "q" + std::to_string(q);
  r.customer.number = "+86138" + std::to_string(10'000'000 + rng() % 89'999'999);
  r.priority = rng() % 20 == 0 ? 5 : 0;
  switch (rng() % 4) {
    case 0:
      break;
    case 1:
      r.skills = {{skillOf(s, q, 0), 1}};
      break;
    case 2:
      r.skills = {{skillOf(s, q, 0), 3}};
      break;
    default:
      r.skills = {{skillOf(s, q, 0), 1}, {skillOf(s, q, 1), 2}};
      break;
  }
  return r;
}

acd::AcdOptions options() {
  acd::AcdOptions o;
  o.randomSeed = 1;
  return o;
}

// Memory per waiting interaction, then agents going ready pick from the
// 100k waiting (agent-side decisions).
void phaseMemoryAndReady(const Setup &s) {
  core::VirtualClock clock;
  acd::TimerHeap timers;
  Offers out;
  acd::Acd acd(clock, timers, out, options());
  std::mt19937 rng(1);
  build(acd, s, rng, true, false);
  std::vector<acd::EnqueueRequest> reqs;
  reqs.reserve(std::size_t(s.waiting));
  for (int i = 0; i < s.waiting; ++i) reqs.push_back(request(s, rng, "ix" + std::to_string(i)));
  malloc_trim(0);
  const std::size_t bytes0 = g_liveBytes;
  const long rss0 = rssKb();
  for (auto &r : reqs) check(acd.enqueue(std::move(r)), "enqueue");
  const std::size_t bytes1 = g_liveBytes;
  const long rss1 = rssKb();
  std::printf(
      "memory: %zu waiting; %.0f bytes per waiting interaction (live "
      "heap: record, ids, skills, indexes, "
      "timers), %.0f bytes by RSS\n",
      acd.waitingCount(), double(bytes1 - bytes0) / s.waiting, double(rss1 - rss0) * 1024.0 / s.waiting);
  Latencies lat;
  const double cpu0 = cpuSeconds();
  for (int a = 0; a < s.agents; ++a) {
    const uint64_t before = out.count;
    const auto t = WallClock::now();
    check(acd.ready("agent" + std::to_string(a)), "ready");
    const auto e = WallClock::now();
    if (out.count > before) lat.add(t, e);
  }
  std::printf(
      "ready: %zu agents became ready and each took an interaction "
      "from the %d waiting (%.2f s CPU)\n",
      lat.ns.size(), s.waiting, cpuSeconds() - cpu0);
  lat.print("agent ready -> offer");
}

// Steady state with 100k waiting: the oldest ringing offer is answered and
// ended; the freed agent is routed at once to the best waiting interaction
// of its queues (a decision); a new interaction arrives to keep 100k waiting.
void phaseSteady(const Setup &s) {
  core::VirtualClock clock;
  acd::TimerHeap timers;
  Offers out;
  acd::Acd acd(clock, timers, out, options());
  std::mt19937 rng(2);
  build(acd, s, rng, true, false);
  int next = 0;
  for (int i = 0; i < s.waiting; ++i) check(acd.enqueue(request(s, rng, "w" + std::to_string(next++))), "enqueue");
  for (int a = 0; a < s.agents; ++a) check(acd.ready("agent" + std::to_string(a)), "ready");
  Latencies decide, enq, ans;
  std::size_t head = 0;
  const uint64_t offers0 = out.count;
  const double cpu0 = cpuSeconds();
  const auto t0 = WallClock::now();
  for (int c = 0; c < s.cycles && head < out.list.size(); ++c) {
    const auto [ix, agent] = out.list[head++];
    auto t = WallClock::now();
    check(acd.agentAnswered(ix, agent), "answer");
    auto e = WallClock::now();
    ans.add(t, e);
    const uint64_t before = out.count;
    t = WallClock::now();
    check(acd.interactionEnded(ix), "end");
    e = WallClock::now();
    if (out.count > before) decide.add(t, e);
    auto r = request(s, rng, "w" + std::to_string(next++));
    t = WallClock::now();
    check(acd.enqueue(std::move(r)), "enqueue");
    e = WallClock::now();
    enq.add(t, e);
    if ((c & 1023) == 0) {
      advanceClock(clock, timers, 1000);  // time passes: due timers run
      if (head > (1u << 16)) {
        out.list.erase(out.list.begin(), out.list.begin() + std::ptrdiff_t(head));
        head = 0;
      }
    }
  }
  const double wall = std::chrono::duration<double>(WallClock::now() - t0).count();
  const double cpu = cpuSeconds() - cpu0;
  const uint64_t decisions = out.count - offers0;
  std::printf(
      "steady (%d waiting): %llu cycles of answer + end (-> decision) "
      "+ new arrival in %.2f s wall / %.2f s "
      "CPU => %.0f decisions/s wall, %.0f per CPU-second, whole cycles "
      "included\n",
      s.waiting, static_cast<unsigned long long>(decisions), wall, cpu, double(decisions) / wall,
      double(decisions) / cpu);
  decide.print("end -> next offer (decision)");
  ans.print("answer");
  enq.print("enqueue (waits)");
  std::printf("  still waiting at the end: %zu\n", acd.waitingCount());
}

// Idle agents: every arrival is routed at once (interaction-side decisions);
// the agent answers and ends, and is free again.
void phaseArrival(const Setup &s) {
  core::VirtualClock clock;
  acd::TimerHeap timers;
  Offers out;
  acd::Acd acd(clock, timers, out, options());
  std::mt19937 rng(3);
  build(acd, s, rng, false, true);
  for (int a = 0; a < s.agents; ++a) check(acd.ready("agent" + std::to_string(a)), "ready");
  Latencies decide, rest;
  const double cpu0 = cpuSeconds();
  const auto t0 = WallClock::now();
  uint64_t routed = 0;
  for (int c = 0; c < s.cycles; ++c) {
    auto r = request(s, rng, "i" + std::to_string(c));
    const uint64_t before = out.count;
    auto t = WallClock::now();
    check(acd.enqueue(std::move(r)), "enqueue");
    auto e = WallClock::now();
    if (out.count == before) continue;
    ++routed;
    decide.add(t, e);
    const auto [ix, agent] = out.list.back();
    t = WallClock::now();
    check(acd.agentAnswered(ix, agent), "answer");
    check(acd.interactionEnded(ix), "end");
    e = WallClock::now();
    rest.add(t, e);
    if (out.list.size() > 4096) out.list.clear();
    if ((c & 1023) == 0) advanceClock(clock, timers, 1000);
  }
  const double wall = std::chrono::duration<double>(WallClock::now() - t0).count();
  const double cpu = cpuSeconds() - cpu0;
  std::printf(
      "arrival (idle agents): %llu of %d arrivals routed at once in "
      "%.2f s wall / %.2f s CPU => %.0f "
      "decisions/s wall, %.0f per CPU-second, answer + end included\n",
      static_cast<unsigned long long>(routed), s.cycles, wall, cpu, double(routed) / wall, double(routed) / cpu);
  decide.print("enqueue -> offer (decision)");
  rest.print("answer + end (agent back)");
}

int argInt(int argc, char **argv, const char *name, int def) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return def;
}
std::string argStr(int argc, char **argv, const char *name, const char *def) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return def;
}
}  // namespace

int main(int argc, char **argv) {
  Setup s{argInt(argc, argv, "--agents", 10'000), argInt(argc, argv, "--queues", 500),
          argInt(argc, argv, "--waiting", 100'000), argInt(argc, argv, "--cycles", 1'000'000)};
  const std::string phase = argStr(argc, argv, "--phase", "all");
  std::printf(
      "acd_bench: %d agents (%d queues each, tiers 0-2), %d queues (8 "
      "strategies), %d skills, 4 skill "
      "profiles per queue, %d waiting, %d cycles\n",
      s.agents, s.queuesPerAgent, s.queues, s.skills, s.waiting, s.cycles);
  if (phase == "all" || phase == "ready") phaseMemoryAndReady(s);
  if (phase == "all" || phase == "steady") phaseSteady(s);
  if (phase == "all" || phase == "arrival") phaseArrival(s);
  return 0;
}
