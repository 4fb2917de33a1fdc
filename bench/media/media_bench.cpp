// media_bench: N concurrent bridged G.711 calls through the media engine on
// loopback (2 legs x 50 packets/s each way per call), then the same load
// through a bare UDP relay with the same socket count; prints loss, one-way
// delay through the relay (generator send -> generator receive), CPU per call
// and the ratio of packets moved per CPU-second (engine / bare relay).
//
//   media_bench [--calls N] [--workers W] [--seconds S] [--warmup S]
//               [--record] [--gen-sockets G] [--mode both|engine|raw] [--poll-us U]
#include <arpa/inet.h>
#include <poll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "core/log.h"
#include "core/task_queue.h"
#include "load_gen.h"
#include "media/engine.h"
#include "raw_relay.h"

using namespace hujiao;

namespace {

struct Options {
  size_t calls = 1000;
  int workers = 2;
  double seconds = 10;
  double warmup = 2;
  bool record = false;
  int genSockets = 32;
  int pollUs = 0;
  std::string mode = "both";
};

double cpuOf(pthread_t t) {
  clockid_t id;
  if (pthread_getcpuclockid(t, &id) != 0) return 0;
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double processCpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/// Busy CPU-seconds of the whole machine so far (all processes), from /proc/stat.
double machineBusyS() {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return 0;
  unsigned long long v[8] = {};
  int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                      &v[6], &v[7]);
  std::fclose(f);
  if (n != 8) return 0;
  double busy = static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);  // all but idle and iowait
  return busy / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// CPU of the relay threads and packets they relayed, over the whole generator run
/// (so the figures stay right when the generator falls behind on a busy machine).
struct Window {
  double relayCpu = 0;
  double processCpu = 0;
  double machineCpu = 0;  // every process on the machine (others' builds compete for the cores)
  double wallS = 0;
  uint64_t relayed = 0;
};

struct PhaseResult {
  bench::GenResult gen;
  Window win;
};

template <class Counter>
PhaseResult measure(bench::LoadGen& gen, const Options& o, const std::vector<pthread_t>& threads, Counter relayed) {
  auto cpu = [&] {
    double t = 0;
    for (auto th : threads) t += cpuOf(th);
    return t;
  };
  PhaseResult r;
  double c0 = cpu(), p0 = processCpu(), m0 = machineBusyS();
  uint64_t n0 = relayed();
  auto w0 = std::chrono::steady_clock::now();
  r.gen = gen.run(o.warmup, o.seconds);
  r.win.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  r.win.relayCpu = cpu() - c0;
  r.win.processCpu = processCpu() - p0;
  r.win.machineCpu = machineBusyS() - m0;
  r.win.relayed = relayed() - n0;
  return r;
}

void print(const char* name, const Options& o, const PhaseResult& r) {
  double loss = r.gen.sent ? 100.0 * (1.0 - static_cast<double>(r.gen.received) / static_cast<double>(r.gen.sent)) : 0;
  double usPerPacket = r.win.relayed ? 1e6 * r.win.relayCpu / static_cast<double>(r.win.relayed) : 0;
  std::printf("%-8s calls=%zu workers=%d%s  offered=%.0f pkt/s  loss=%.4f%%  delay p50=%.0fus p99=%.0fus max=%.0fus\n",
              name, o.calls, o.workers, (o.record && std::string(name) == "engine") ? " recorded" : "",
              static_cast<double>(o.calls) * 100, std::max(loss, 0.0), r.gen.p50Us, r.gen.p99Us, r.gen.maxUs);
  std::printf("         relay threads: %.2f us CPU per relayed packet = %.0f us CPU per call-second "
              "(%.1f%% of a core for all calls); process CPU %.0f%% of wall %.1fs\n",
              usPerPacket, usPerPacket * 100, usPerPacket * 100 * static_cast<double>(o.calls) / 1e4,
              100 * r.win.processCpu / r.win.wallS, r.win.wallS);
  std::printf("         generator: %.0f%% of a core, lag behind schedule max %.1f ms; other processes used %.0f%% "
              "of a core meanwhile\n",
              r.gen.actualS > 0 ? 100 * r.gen.genCpuS / r.gen.actualS : 0.0, r.gen.maxLagMs,
              std::max(0.0, 100 * (r.win.machineCpu - r.win.processCpu) / r.win.wallS));
}

media::MediaDescription offerFor(int port) {
  media::MediaDescription d;
  d.address = "127.0.0.1";
  d.port = port;
  d.formats = {{0, "PCMU", 8000, 1, ""}, {101, "telephone-event", 8000, 1, "0-16"}};
  return d;
}

PhaseResult runEngine(const Options& o) {
  bench::LoadGen gen(o.genSockets);
  media::MediaConfig cfg;
  cfg.workers = o.workers;
  cfg.bindIpv4 = "127.0.0.1";
  cfg.rtpPortMin = 20000;
  cfg.rtpPortMax = 20000 + static_cast<int>(o.calls) * 4 + 400;
  cfg.rtpTimeoutS = 0;
  cfg.pollIntervalUs = o.pollUs;
  auto dir = std::filesystem::temp_directory_path() / "hujiao_media_bench";
  std::filesystem::remove_all(dir);
  cfg.recordingsDir = dir.string();
  core::TaskQueue control;
  uint64_t events = 0;
  media::MediaEngineImpl engine(cfg, control, [&](const media::MediaEvent&) { ++events; });
  auto pump = [&](int ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{control.fd(), POLLIN, 0};
      ::poll(&p, 1, 5);
      control.runPending();
    }
  };
  std::vector<bench::LegTarget> targets(o.calls * 2);
  for (size_t c = 0; c < o.calls; ++c) {
    auto a = engine.createEndpoint({});
    media::EndpointOptions ob;
    ob.colocateWith = a ? *a : 0;
    auto b = engine.createEndpoint(ob);
    if (!a || !b) {
      std::fprintf(stderr, "createEndpoint failed at call %zu: %s\n", c,
                   (!a ? a.error() : b.error()).message.c_str());
      std::exit(1);
    }
    if (!engine.answerOffer(*a, offerFor(gen.legSocketPort(2 * c))) ||
        !engine.answerOffer(*b, offerFor(gen.legSocketPort(2 * c + 1))) || !engine.bridge(*a, *b)) {
      std::fprintf(stderr, "negotiation failed\n");
      std::exit(1);
    }
    if (o.record) {
      media::RecordingOptions ro;
      ro.path = "call-" + std::to_string(c) + ".wav";
      (void)engine.startRecording(*a, ro);
    }
    for (int k = 0; k < 2; ++k) {
      auto& t = targets[2 * c + static_cast<size_t>(k)].dst;
      t.sin_family = AF_INET;
      t.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      t.sin_port = htons(static_cast<uint16_t>(engine.portOf(k == 0 ? *a : *b)));
    }
    if (c % 500 == 499) pump(1);  // lets the overflow queue drain
  }
  pump(500);
  gen.setTargets(std::move(targets));
  auto engineRelayed = [&] {
    uint64_t n = 0;
    for (int w = 0; w < engine.workerCount(); ++w) n += engine.counters(w).relayed.load();
    return n;
  };
  PhaseResult r = measure(gen, o, engine.workerThreads(), engineRelayed);
  uint64_t relayed = 0, dropped = 0, late = 0, wakeups = 0, rx = 0;
  for (int w = 0; w < engine.workerCount(); ++w) {
    relayed += engine.counters(w).relayed.load();
    dropped += engine.counters(w).dropped.load();
    late += engine.counters(w).lateTicks.load();
    wakeups += engine.counters(w).wakeups.load();
    rx += engine.counters(w).rxPackets.load();
  }
  std::printf("         engine counters: relayed=%lu dropped=%lu late_ticks=%lu packets per wake-up=%.1f\n",
              static_cast<unsigned long>(relayed), static_cast<unsigned long>(dropped),
              static_cast<unsigned long>(late), wakeups ? static_cast<double>(rx) / static_cast<double>(wakeups) : 0.0);
  if (o.record) {
    uintmax_t bytes = 0;
    size_t files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir)) {
      bytes += e.file_size();
      ++files;
    }
    std::printf("         recordings: %zu files, %.1f MB written\n", files, static_cast<double>(bytes) / 1e6);
  }
  return r;
}

PhaseResult runRaw(const Options& o) {
  bench::LoadGen gen(o.genSockets);
  std::vector<sockaddr_in> legDst(o.calls * 2);
  for (size_t l = 0; l < legDst.size(); ++l) {
    legDst[l].sin_family = AF_INET;
    legDst[l].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    legDst[l].sin_port = htons(static_cast<uint16_t>(gen.legSocketPort(l)));
  }
  bench::RawRelay relay(o.calls, o.workers, legDst, o.pollUs);
  std::vector<bench::LegTarget> targets(legDst.size());
  for (size_t l = 0; l < legDst.size(); ++l) targets[l].dst = relay.legTarget(l);
  gen.setTargets(std::move(targets));
  return measure(gen, o, relay.threads(), [&] { return relay.relayed(); });
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--calls") o.calls = std::stoul(next());
    else if (a == "--workers") o.workers = std::stoi(next());
    else if (a == "--seconds") o.seconds = std::stod(next());
    else if (a == "--warmup") o.warmup = std::stod(next());
    else if (a == "--record") o.record = true;
    else if (a == "--gen-sockets") o.genSockets = std::stoi(next());
    else if (a == "--mode") o.mode = next();
    else if (a == "--poll-us") o.pollUs = std::stoi(next());
    else {
      std::fprintf(stderr, "usage: %s [--calls N] [--workers W] [--seconds S] [--warmup S] [--record] "
                           "[--gen-sockets G] [--mode both|engine|raw] [--poll-us U]\n", argv[0]);
      return 2;
    }
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  core::initLogging({"warn", {}, "text", ""});
  std::printf("media_bench: %zu bridged G.711 calls, %d relay threads, %u cores, generator: 1 thread, %d sockets\n",
              o.calls, o.workers, std::thread::hardware_concurrency(), o.genSockets);
  PhaseResult eng, raw;
  bool doEngine = o.mode != "raw", doRaw = o.mode != "engine";
  if (doEngine) {
    eng = runEngine(o);
    print("engine", o, eng);
  }
  if (doRaw) {
    raw = runRaw(o);
    print("raw", o, raw);
  }
  if (doEngine && doRaw && eng.win.relayCpu > 0 && raw.win.relayCpu > 0) {
    double engRate = static_cast<double>(eng.win.relayed) / eng.win.relayCpu;
    double rawRate = static_cast<double>(raw.win.relayed) / raw.win.relayCpu;
    std::printf("ratio    engine moves %.0f pkt per CPU-second, bare relay %.0f: engine = %.1f%% of raw relay rate\n",
                engRate, rawRate, 100 * engRate / rawRate);
  }
  return 0;
}
