// Erlang B and C, input validation and the required-agents search.
#include "report/erlang.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "report/erlang_detail.h"

namespace hujiao::report {
namespace {

using core::Error;
using core::makeError;
using core::Result;

constexpr double kInf = std::numeric_limits<double>::infinity();
// Bounds that keep every computation fast (O(agents)) and every intermediate finite.
constexpr double kMaxTraffic = 1e6;     // Erlangs
constexpr int kMaxAgents = 10'000'000;
constexpr double kMaxSeconds = 1e7;     // any duration, about 115 days
constexpr double kMaxPatienceOverAht = 1e6;

bool finiteIn(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

Error invalid(const std::string& message) { return makeError("invalid", message); }

Result<void> validateDurations(double answerWithinS, double shortAbandonS) {
  if (!finiteIn(answerWithinS, 0, kMaxSeconds)) return invalid("answer_within_s must be a number of seconds >= 0");
  if (!finiteIn(shortAbandonS, 0, kMaxSeconds)) return invalid("short_abandon_s must be a number of seconds >= 0");
  return {};
}

Result<void> validateAgents(int agents) {
  if (agents < 0 || agents > kMaxAgents) return invalid("agents must be between 0 and " + std::to_string(kMaxAgents));
  return {};
}

double trafficOf(const QueueLoad& load) { return load.calls / load.intervalS * load.ahtS; }

double erlangBRecursion(int agents, double a) {
  double b = 1;
  for (int n = 1; n <= agents; ++n) b = detail::erlangBStep(b, n, a);
  return b;
}

bool meets(const QueueMetrics& m, const ServiceTarget& target) {
  constexpr double kSlack = 1e-12;  // rounding must not cost an agent when SL equals the target
  if (m.serviceLevel + kSlack < target.serviceLevel) return false;
  if (m.occupancy > target.maxOccupancy + kSlack) return false;
  if (target.maxAsaS && !(m.asaS <= *target.maxAsaS + kSlack)) return false;
  if (target.maxAbandonRate && m.probAbandon > *target.maxAbandonRate + kSlack) return false;
  return true;
}

// Beyond this many agents the target is deemed unreachable; far above what any
// SL < 1 target needs (square-root staffing: a + beta sqrt(a) with beta < 5).
int searchLimit(double a, const ServiceTarget& target) {
  const double bound = a / target.maxOccupancy + 30 * std::sqrt(a) + 1000;
  return static_cast<int>(std::min<double>(kMaxAgents, std::ceil(bound)));
}

Error unreachable() {
  return makeError("target_unreachable", "no staffing level meets the service target; relax the target");
}

// Erlang C: SL, ASA and occupancy all improve with every added agent, so walk up from
// the smallest stable (and occupancy-feasible) staffing, one Erlang B step per agent.
Result<Staffing> requiredErlangC(const QueueLoad& load, const ServiceTarget& target, double a) {
  const int limit = searchLimit(a, target);
  int start = static_cast<int>(std::floor(a)) + 1;
  start = std::max(start, static_cast<int>(std::ceil(a / target.maxOccupancy - 1e-9)));
  double b = erlangBRecursion(start, a);
  for (int n = start; n <= limit; ++n) {
    if (n > start) b = detail::erlangBStep(b, n, a);
    QueueMetrics m = detail::erlangCWithB(load, n, b, target.answerWithinS);
    if (meets(m, target)) return Staffing{n, m};
  }
  return unreachable();
}

// Erlang A: metrics cost more per agent count, so search (SL, ASA and abandonment improve
// monotonically with agents): grow an upper bound from the offered load, then bisect.
Result<Staffing> requiredErlangA(const QueueLoad& load, const ServiceTarget& target, double a) {
  const int limit = searchLimit(a, target);
  std::vector<double> bs{1.0};  // bs[n] = ErlangB(n, a), extended on demand
  auto bAt = [&](int n) {
    while (static_cast<int>(bs.size()) <= n) {
      const int k = static_cast<int>(bs.size());
      bs.push_back(detail::erlangBStep(bs.back(), k, a));
    }
    return bs[static_cast<size_t>(n)];
  };
  const bool needAsa = target.maxAsaS.has_value();
  // The ASA integral is the costly part: compute it only for counts that pass the rest.
  ServiceTarget withoutAsa = target;
  withoutAsa.maxAsaS.reset();
  auto ok = [&](int n) {
    const double b = bAt(n);
    if (!meets(detail::erlangAWithB(load, n, b, target.answerWithinS, target.shortAbandonS, false), withoutAsa)) {
      return false;
    }
    return !needAsa ||
           meets(detail::erlangAWithB(load, n, b, target.answerWithinS, target.shortAbandonS, true), target);
  };
  int bad = 0;  // 0 agents answer nobody: never meets a target > 0
  int good = std::max(1, static_cast<int>(std::ceil(a)));
  int step = std::max(1, static_cast<int>(std::ceil(std::sqrt(a))));
  while (!ok(good)) {
    if (good >= limit) return unreachable();
    bad = good;
    good = std::min(limit, good + step);
    step *= 2;
  }
  while (good - bad > 1) {
    const int mid = bad + (good - bad) / 2;
    (ok(mid) ? good : bad) = mid;
  }
  QueueMetrics m = detail::erlangAWithB(load, good, bAt(good), target.answerWithinS, target.shortAbandonS, true);
  return Staffing{good, m};
}

}  // namespace

Result<void> validate(const QueueLoad& load) {
  if (!finiteIn(load.calls, 0, 1e9)) return invalid("calls must be a number >= 0");
  if (!(load.intervalS > 0) || !finiteIn(load.intervalS, 0, kMaxSeconds)) {
    return invalid("interval length must be a number of seconds > 0");
  }
  if (!(load.ahtS > 0) || !finiteIn(load.ahtS, 0, kMaxSeconds)) return invalid("aht_s must be a number of seconds > 0");
  if (load.patienceS) {
    const double p = *load.patienceS;
    if (!(p > 0) || !std::isfinite(p)) return invalid("patience_s must be a number of seconds > 0");
    if (p / load.ahtS > kMaxPatienceOverAht) {
      return invalid("patience_s is over a million times aht_s; omit it to use Erlang C (no abandonment)");
    }
  }
  if (trafficOf(load) > kMaxTraffic) return invalid("offered traffic exceeds 1,000,000 Erlangs");
  return {};
}

Result<void> validate(const ServiceTarget& target) {
  if (!(target.serviceLevel > 0 && target.serviceLevel < 1)) {
    return invalid("service_level must be a fraction strictly between 0 and 1 (0.8 for 80%)");
  }
  if (!(target.maxOccupancy > 0 && target.maxOccupancy <= 1)) return invalid("max_occupancy must be in (0, 1]");
  if (target.maxAsaS && !(*target.maxAsaS > 0 && std::isfinite(*target.maxAsaS))) {
    return invalid("max_asa_s must be a number of seconds > 0");
  }
  if (target.maxAbandonRate && !(*target.maxAbandonRate > 0 && *target.maxAbandonRate < 1)) {
    return invalid("max_abandon_rate must be a fraction strictly between 0 and 1");
  }
  return validateDurations(target.answerWithinS, target.shortAbandonS);
}

Result<double> erlangB(int agents, double trafficErlangs) {
  if (auto v = validateAgents(agents); !v) return v.error();
  if (!finiteIn(trafficErlangs, 0, kMaxTraffic)) return invalid("traffic must be between 0 and 1,000,000 Erlangs");
  return erlangBRecursion(agents, trafficErlangs);
}

Result<double> erlangC(int agents, double trafficErlangs) {
  auto b = erlangB(agents, trafficErlangs);
  if (!b) return b.error();
  if (trafficErlangs == 0) return 0.0;
  if (agents <= trafficErlangs) return 1.0;
  const double n = agents;
  return n * *b / (n - trafficErlangs * (1 - *b));
}

namespace detail {

QueueMetrics erlangCWithB(const QueueLoad& load, int agents, double erlangB, double answerWithinS) {
  QueueMetrics m;
  m.agents = agents;
  const double a = trafficOf(load);
  m.trafficErlangs = a;
  if (!(a > 0)) return m;
  const double n = agents;
  if (n <= a) {
    m.probWait = 1;
    m.serviceLevel = 0;
    m.asaS = kInf;
    m.meanWaitS = kInf;
    m.occupancy = agents > 0 ? 1 : 0;
    m.stable = false;
    return m;
  }
  const double c = n * erlangB / (n - a * (1 - erlangB));
  m.probWait = c;
  m.serviceLevel = 1 - c * std::exp(-(n - a) * answerWithinS / load.ahtS);
  m.asaS = c * load.ahtS / (n - a);
  m.meanWaitS = m.asaS;
  m.occupancy = a / n;
  return m;
}

}  // namespace detail

Result<QueueMetrics> erlangCMetrics(const QueueLoad& load, int agents, double answerWithinS, double shortAbandonS) {
  if (auto v = validate(load); !v) return v.error();
  if (auto v = validateAgents(agents); !v) return v.error();
  if (auto v = validateDurations(answerWithinS, shortAbandonS); !v) return v.error();
  return detail::erlangCWithB(load, agents, erlangBRecursion(agents, trafficOf(load)), answerWithinS);
}

Result<QueueMetrics> erlangAMetrics(const QueueLoad& load, int agents, double answerWithinS, double shortAbandonS) {
  if (!load.patienceS) return invalid("Erlang A needs patience_s");
  if (auto v = validate(load); !v) return v.error();
  if (auto v = validateAgents(agents); !v) return v.error();
  if (auto v = validateDurations(answerWithinS, shortAbandonS); !v) return v.error();
  try {
    return detail::erlangAWithB(load, agents, erlangBRecursion(agents, trafficOf(load)), answerWithinS,
                                shortAbandonS, true);
  } catch (const std::exception& e) {  // Boost quadrature reports evaluation failures by throwing
    return makeError("internal", std::string("Erlang A evaluation failed: ") + e.what());
  }
}

Result<QueueMetrics> queueMetrics(const QueueLoad& load, int agents, double answerWithinS, double shortAbandonS) {
  return load.patienceS ? erlangAMetrics(load, agents, answerWithinS, shortAbandonS)
                        : erlangCMetrics(load, agents, answerWithinS, shortAbandonS);
}

Result<Staffing> requiredAgents(const QueueLoad& load, const ServiceTarget& target) {
  if (auto v = validate(load); !v) return v.error();
  if (auto v = validate(target); !v) return v.error();
  const double a = trafficOf(load);
  if (!(a > 0)) {
    QueueMetrics m;
    return Staffing{0, m};
  }
  if (!load.patienceS) return requiredErlangC(load, target, a);
  try {
    return requiredErlangA(load, target, a);
  } catch (const std::exception& e) {
    return makeError("internal", std::string("Erlang A evaluation failed: ") + e.what());
  }
}

}  // namespace hujiao::report
