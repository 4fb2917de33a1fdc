#pragma once
// Queueing models for staffing: Erlang B (M/M/N/N), Erlang C (M/M/N, callers wait
// forever) and Erlang A (M/M/N+M, callers abandon after an exponential patience;
// Palm 1946, Garnett-Mandelbaum-Reiman 2002, Mandelbaum-Zeltyn 2007).
//
// Threads: pure functions without shared state; any thread may call them. The cost is
// O(agents) for the Erlang B recursion plus, for Erlang A, a few incomplete-gamma
// evaluations (and a numerical integral for ASA): call them from the service plane, not
// from the control thread.
//
// Numerics: no factorial or power is ever formed. Erlang B uses the stable recursion
// B(n) = a B(n-1) / (n + a B(n-1)); Erlang C is derived from B; Erlang A works in log
// space on A(x, y) = x e^y y^-x gamma(x, y) (lower incomplete gamma), so thousands of
// Erlangs stay fast and finite. docs/metrics.md gives the formulas and their sources.
#include <optional>

#include "core/result.h"

namespace hujiao::report {

/// One interval's forecast for one queue.
struct QueueLoad {
  double calls = 0;                  ///< calls offered in the interval (>= 0, may be fractional)
  double intervalS = 1800;           ///< interval length in seconds (> 0)
  double ahtS = 0;                   ///< average handle time (talk + hold + wrap-up), seconds (> 0)
  std::optional<double> patienceS;   ///< mean caller patience (> 0): set -> Erlang A, unset -> Erlang C
};

/// What "good enough" means for the interval.
struct ServiceTarget {
  double serviceLevel = 0.8;           ///< fraction of calls answered within answerWithinS, in (0, 1)
  double answerWithinS = 20;           ///< service-level threshold T (>= 0)
  double maxOccupancy = 1.0;           ///< upper bound on agent occupancy, in (0, 1]
  std::optional<double> maxAsaS;       ///< optional upper bound on ASA (> 0)
  std::optional<double> maxAbandonRate;///< optional upper bound on P(abandon), in (0, 1) (Erlang A)
  /// Calls abandoned within this many seconds are "short abandons" and leave the
  /// service-level denominator (docs/metrics.md); 0 keeps every offered call in it.
  double shortAbandonS = 0;
};

/// Steady-state performance of one queue staffed with `agents`.
struct QueueMetrics {
  int agents = 0;
  double trafficErlangs = 0;   ///< offered load a = lambda * AHT
  double probWait = 0;         ///< P(an arriving call is not answered at once)
  /// answered within T / (offered - short abandons); 1 when nothing is offered.
  double serviceLevel = 1;
  double asaS = 0;             ///< mean wait of answered calls (Average Speed of Answer)
  double meanWaitS = 0;        ///< mean time in queue of every call, abandoned ones included
  double occupancy = 0;        ///< carried load / agents: fraction of staffed time spent handling
  double probAbandon = 0;      ///< P(caller hangs up before an answer); 0 under Erlang C
  double probShortAbandon = 0; ///< P(caller hangs up within shortAbandonS)
  /// False when an Erlang C queue is overloaded (agents <= traffic): the queue grows
  /// without bound, probWait = 1, serviceLevel = 0, asaS and meanWaitS are +infinity.
  bool stable = true;
};

/// Result of a required-agents search.
struct Staffing {
  int agents = 0;        ///< smallest agent count meeting every part of the target
  QueueMetrics metrics;  ///< the queue's performance with that many agents
};

/// Erlang B blocking probability for `agents` servers and `trafficErlangs` offered load.
core::Result<double> erlangB(int agents, double trafficErlangs);

/// Erlang C probability of waiting; 1 when agents <= trafficErlangs (unstable queue).
core::Result<double> erlangC(int agents, double trafficErlangs);

/// Erlang C (M/M/N) performance of `load` with `agents` agents; load.patienceS is ignored.
core::Result<QueueMetrics> erlangCMetrics(const QueueLoad& load, int agents, double answerWithinS,
                                          double shortAbandonS = 0);

/// Erlang A (M/M/N+M) performance; load.patienceS must be set.
core::Result<QueueMetrics> erlangAMetrics(const QueueLoad& load, int agents, double answerWithinS,
                                          double shortAbandonS = 0);

/// Erlang A when load.patienceS is set, Erlang C otherwise.
core::Result<QueueMetrics> queueMetrics(const QueueLoad& load, int agents, double answerWithinS,
                                        double shortAbandonS = 0);

/// The fewest agents meeting `target` (Erlang A when load.patienceS is set, else Erlang C).
/// Zero calls need zero agents. Error "invalid" for bad input, "target_unreachable" when
/// no staffing up to a generous bound meets the target.
core::Result<Staffing> requiredAgents(const QueueLoad& load, const ServiceTarget& target);

/// Input checks shared by every entry point: Error "invalid" naming the field, or ok.
core::Result<void> validate(const QueueLoad& load);
core::Result<void> validate(const ServiceTarget& target);

}  // namespace hujiao::report
