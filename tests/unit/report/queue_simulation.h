#pragma once
// A short discrete-event simulation of the M/M/N+M queue (FCFS, exponential patience),
// used to check the Erlang A formulas independently of their derivation.
//
// Callers are taken in arrival order. With a min-heap of the agents' next free times,
// a caller's offered wait is V = max(0, earliest free time - arrival); the caller is
// answered iff patience > V and then takes that agent, otherwise leaves without
// occupying anyone. This is exactly FCFS with abandonment, without an event list.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <random>
#include <vector>

namespace hujiao::report::testing {

struct SimulationResult {
  double serviceLevel = 0;     // answered within T / (offered - abandoned within shortAbandonS)
  double probWait = 0;         // share of callers with V > 0
  double probAbandon = 0;
  double probShortAbandon = 0;
  double asaS = 0;             // mean wait of answered callers
  double meanWaitS = 0;        // mean time in queue of all callers
  double occupancy = 0;        // busy agent time / (agents * horizon)
};

/// patienceS <= 0 means infinite patience (M/M/N). The first `warmup` callers are run
/// but not counted, so the queue starts from a typical state.
inline SimulationResult simulateQueue(double lambda, double ahtS, double patienceS, int agents, double answerWithinS,
                                      double shortAbandonS, int callers, uint64_t seed, int warmup = 20000) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> interArrival(lambda);
  std::exponential_distribution<double> service(1 / ahtS);
  std::exponential_distribution<double> patience(patienceS > 0 ? 1 / patienceS : 1.0);
  std::priority_queue<double, std::vector<double>, std::greater<>> freeAt;
  for (int i = 0; i < agents; ++i) freeAt.push(0.0);

  double now = 0;
  double startCount = 0;
  long counted = 0, waited = 0, abandoned = 0, shortAbandoned = 0, answeredInTime = 0, answered = 0;
  double answeredWait = 0, totalWait = 0, busy = 0;
  for (int i = 0; i < warmup + callers; ++i) {
    now += interArrival(rng);
    const bool count = i >= warmup;
    if (i == warmup) startCount = now;
    const double earliest = freeAt.top();
    const double v = std::max(0.0, earliest - now);
    const double tau = patienceS > 0 ? patience(rng) : std::numeric_limits<double>::infinity();
    const double s = service(rng);
    const bool served = tau > v;
    if (served) {
      freeAt.pop();
      freeAt.push(now + v + s);
    }
    if (!count) continue;
    ++counted;
    if (v > 0) ++waited;
    if (served) {
      ++answered;
      answeredWait += v;
      totalWait += v;
      busy += s;
      if (v <= answerWithinS) ++answeredInTime;
    } else {
      ++abandoned;
      totalWait += tau;
      if (tau <= shortAbandonS) ++shortAbandoned;
    }
  }
  SimulationResult r;
  const double n = static_cast<double>(counted);
  r.serviceLevel = answeredInTime / (n - static_cast<double>(shortAbandoned));
  r.probWait = waited / n;
  r.probAbandon = abandoned / n;
  r.probShortAbandon = shortAbandoned / n;
  r.asaS = answered > 0 ? answeredWait / static_cast<double>(answered) : 0;
  r.meanWaitS = totalWait / n;
  r.occupancy = busy / (agents * (now - startCount));
  return r;
}

}  // namespace hujiao::report::testing
