// The ACD routing core alone at contact-center scale: 10,000 agents in 500
// queues (five queues each, three tiers, eight strategies), 50 skills with
// four skill profiles per queue, 100,000 waiting interactions. Prints
// routing decisions per second, decision latency percentiles and memory per
// waiting interaction. See README.md for what each figure means.
//
// Honesty rules kept here:
// - A decision is an offer the core made (an interaction reserved for an
//   agent, with the index updates and listener calls it causes), counted in
//   the listener, never inferred.
// - Ids are 26 characters like core::newId(), so they live on the heap as in
//   production. Requests are built outside the timed windows; everything the
//   core does (and the listener's copy of the offer) is inside.
// - Rates are given per wall second and per thread-CPU second (the load-
//   independent one on a shared machine).
// - Memory per waiting interaction is the live-heap delta seen by a global
//   operator new (malloc_usable_size, so allocator rounding counts) and the
//   RSS delta, while 100k interactions are enqueued; requests are built
//   inside that window so what they hand to the core is counted.
//
//   acd_bench [--agents N] [--queues N] [--waiting N] [--cycles N]
//             [--phase all|ready|steady|arrival] [--trace FILE]
// --trace writes every offer (interaction, agent) in order: two builds of the
// core given the same arguments must write the same file (same decisions).
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
// noinline: once inlined into a sized delete, GCC 12 flags the free() as a
// new/free mismatch (-Wmismatched-new-delete) although both sides are ours.
__attribute__((noinline)) void operator delete(void *p) noexcept {
  if (!p) return;
  g_liveBytes -= malloc_usable_size(p);
  std::free(p);
}
__attribute__((noinline)) void operator delete(void *p, std::size_t) noexcept { operator delete(p); }

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

/// A 26-character id (the length of core::newId()), unique per (tag, n).
std::string longId(char tag, uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "01JDQ7%c%019llu", tag, static_cast<unsigned long long>(n));
  return std::string(buf, 26);
}

/// Records offers (a ring of reused strings) so the driver can answer them;
/// copying the ids is what a real call layer does too, so it stays timed.
std::FILE *g_trace = nullptr;  // --trace FILE: every offer, to compare builds

struct Offers final : acd::AcdListener {
  struct Entry {
    std::string ix, agent;
  };
  std::vector<Entry> ring = std::vector<Entry>(1 << 15);
  std::size_t head = 0, tail = 0;  // [head, tail) modulo ring.size()
  uint64_t count = 0;
  std::size_t size() const { return tail - head; }
  void onOffer(const acd::Interaction &ix, acd::AgentRef a, int64_t) override {
    ++count;
    if (size() == ring.size()) {
      std::fprintf(stderr, "offer ring full\n");
      std::exit(1);
    }
    Entry &e = ring[tail++ % ring.size()];
    e.ix.assign(ix.id);
    e.agent.assign(a.id);
    if (g_trace) std::fprintf(g_trace, "%s %s\n", ix.id.c_str(), a.id.c_str());
  }
  void onCallbackNow(const acd::Interaction &ix, acd::AgentRef a, int64_t t) override { onOffer(ix, a, t); }
  const Entry &front() const { return ring[head % ring.size()]; }
  const Entry &back() const { return ring[(tail - 1) % ring.size()]; }
};

struct Latencies {
  std::vector<uint32_t> ns;
  void add(WallClock::time_point s, WallClock::time_point e) {
    ns.push_back(uint32_t(std::chrono::duration_cast<std::chrono::nanoseconds>(e - s).count()));
  }
  void print(const char *what) {
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) {
      return ns.empty() ? 0.0 : ns[std::min(ns.size() - 1, std::size_t(q * double(ns.size())))] / 1e3;
    };
    double sum = 0;
    for (uint32_t v : ns) sum += v;
    std::printf("  %-30s n=%zu p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us; mean %.2f us\n",
                what, ns.size(), at(0.5), at(0.9), at(0.99), at(0.999), ns.empty() ? 0.0 : ns.back() / 1e3,
                ns.empty() ? 0.0 : sum / double(ns.size()) / 1e3);
  }
};

/// Wall and thread-CPU time of the timed windows only.
struct Meter {
  double wall = 0, cpu = 0;
  WallClock::time_point w0;
  double c0 = 0;
  void start() {
    c0 = cpuSeconds();
    w0 = WallClock::now();
  }
  void stop() {
    wall += std::chrono::duration<double>(WallClock::now() - w0).count();
    cpu += cpuSeconds() - c0;
  }
};

struct Setup {
  int agents, queues, waiting, cycles;
  int skills = 50;
  int queuesPerAgent = 5;
};

std::string skillOf(const Setup &s, int q, int k) { return "s" + std::to_string((q + 7 * k) % s.skills); }

std::vector<std::string> agentIds(const Setup &s) {
  std::vector<std::string> ids;
  for (int a = 0; a < s.agents; ++a) ids.push_back(longId('a', uint64_t(a)));
  return ids;
}

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
  const auto ids = agentIds(s);
  for (int a = 0; a < s.agents; ++a) {
    acd::AgentConfig c;
    c.id = ids[std::size_t(a)];
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

constexpr int kChunk = 1 << 15;  // requests built per untimed pause

void printRate(const char *what, uint64_t decisions, const Meter &m) {
  std::printf("  %s: %llu decisions in %.2f s wall / %.2f s CPU => %.0f decisions/s wall, %.0f per CPU-second\n",
              what, static_cast<unsigned long long>(decisions), m.wall, m.cpu, double(decisions) / m.wall,
              double(decisions) / m.cpu);
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
  malloc_trim(0);
  const std::size_t bytes0 = g_liveBytes;
  const long rss0 = rssKb();
  for (int i = 0; i < s.waiting; ++i) check(acd.enqueue(request(s, rng, longId('i', uint64_t(i)))), "enqueue");
  const std::size_t bytes1 = g_liveBytes;
  const long rss1 = rssKb();
  std::printf(
      "memory: %zu waiting; %.0f bytes per waiting interaction by live heap (record, 26-char id, skills, "
      "bucket entry, id index, timers, allocator rounding), %.0f bytes by RSS delta\n",
      acd.waitingCount(), double(bytes1 - bytes0) / s.waiting, double(rss1 - rss0) * 1024.0 / s.waiting);
  const auto ids = agentIds(s);
  Latencies lat;
  Meter m;
  m.start();
  for (int a = 0; a < s.agents; ++a) {
    const uint64_t before = out.count;
    const auto t = WallClock::now();
    check(acd.ready(ids[std::size_t(a)]), "ready");
    const auto e = WallClock::now();
    if (out.count > before) lat.add(t, e);
  }
  m.stop();
  std::printf("ready: %d agents became ready, each took the best of the %d waiting in its queues\n", s.agents,
              s.waiting);
  printRate("ready -> offer", out.count, m);
  lat.print("ready() giving an offer");
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
  uint64_t next = 0;
  for (int i = 0; i < s.waiting; ++i) check(acd.enqueue(request(s, rng, longId('w', next++))), "enqueue");
  for (const auto &id : agentIds(s)) check(acd.ready(id), "ready");
  Latencies decide;
  Meter m;
  const uint64_t offers0 = out.count;
  std::vector<acd::EnqueueRequest> chunk;
  std::string ix, agent;
  for (int done = 0; done < s.cycles && out.size() > 0;) {
    const int n = std::min(kChunk, s.cycles - done);
    chunk.clear();
    for (int i = 0; i < n; ++i) chunk.push_back(request(s, rng, longId('w', next++)));
    m.start();
    for (int i = 0; i < n && out.size() > 0; ++i, ++done) {
      ix = out.front().ix;
      agent = out.front().agent;
      ++out.head;
      check(acd.agentAnswered(ix, agent), "answer");
      const uint64_t before = out.count;
      const auto t = WallClock::now();
      check(acd.interactionEnded(ix), "end");
      const auto e = WallClock::now();
      if (out.count > before) decide.add(t, e);
      check(acd.enqueue(std::move(chunk[std::size_t(i)])), "enqueue");
      if ((done & 1023) == 0) advanceClock(clock, timers, 1000);  // time passes: due timers run
    }
    m.stop();
  }
  const uint64_t decisions = out.count - offers0;
  std::printf("steady (%d waiting, all agents busy): cycles of answer + end (-> decision) + a new arrival\n",
              s.waiting);
  printRate("whole cycles", decisions, m);
  decide.print("end() giving the next offer");
  std::printf("  still waiting at the end: %zu\n", acd.waitingCount());
}

// Idle agents: every arrival is routed at once (interaction-side decisions,
// with the index updates of the agent taken and, after answer + end, of the
// agent coming back).
void phaseArrival(const Setup &s) {
  core::VirtualClock clock;
  acd::TimerHeap timers;
  Offers out;
  acd::Acd acd(clock, timers, out, options());
  std::mt19937 rng(3);
  build(acd, s, rng, false, true);
  for (const auto &id : agentIds(s)) check(acd.ready(id), "ready");
  Latencies decide, rest;
  Meter m;
  uint64_t routed = 0;
  std::vector<acd::EnqueueRequest> chunk;
  std::string ix, agent;
  for (int done = 0; done < s.cycles;) {
    const int n = std::min(kChunk, s.cycles - done);
    chunk.clear();
    for (int i = 0; i < n; ++i) chunk.push_back(request(s, rng, longId('r', uint64_t(done + i))));
    m.start();
    for (int i = 0; i < n; ++i, ++done) {
      const uint64_t before = out.count;
      auto t = WallClock::now();
      check(acd.enqueue(std::move(chunk[std::size_t(i)])), "enqueue");
      auto e = WallClock::now();
      if (out.count == before) continue;
      ++routed;
      decide.add(t, e);
      ix = out.back().ix;
      agent = out.back().agent;
      out.head = out.tail;
      t = WallClock::now();
      check(acd.agentAnswered(ix, agent), "answer");
      check(acd.interactionEnded(ix), "end");
      e = WallClock::now();
      rest.add(t, e);
      if ((done & 1023) == 0) advanceClock(clock, timers, 1000);
    }
    m.stop();
  }
  std::printf("arrival (idle agents): %llu of %d arrivals routed at once; cycles of enqueue (-> decision) + answer "
              "+ end\n",
              static_cast<unsigned long long>(routed), s.cycles);
  printRate("whole cycles", routed, m);
  decide.print("enqueue() giving an offer");
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
  const std::string trace = argStr(argc, argv, "--trace", "");
  if (!trace.empty() && !(g_trace = std::fopen(trace.c_str(), "w"))) {
    std::fprintf(stderr, "cannot write %s\n", trace.c_str());
    return 2;
  }
  if (s.agents <= 0 || s.queues <= 0 || s.waiting < 0 || s.cycles < 0 ||
      (phase != "all" && phase != "ready" && phase != "steady" && phase != "arrival")) {
    std::fprintf(stderr, "usage: acd_bench [--agents N] [--queues N] [--waiting N] [--cycles N] "
                         "[--phase all|ready|steady|arrival] [--trace FILE]\n");
    return 2;
  }
  std::printf(
      "acd_bench: %d agents (%d queues each, tiers 0-2), %d queues (8 strategies), %d skills, 4 skill profiles "
      "per queue, %d waiting, %d cycles\n",
      s.agents, s.queuesPerAgent, s.queues, s.skills, s.waiting, s.cycles);
  if (phase == "all" || phase == "ready") phaseMemoryAndReady(s);
  if (phase == "all" || phase == "steady") phaseSteady(s);
  if (phase == "all" || phase == "arrival") phaseArrival(s);
  if (g_trace) std::fclose(g_trace);
  return 0;
}
