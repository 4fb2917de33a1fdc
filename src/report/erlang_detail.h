#pragma once
// Internals shared by erlang.cpp (Erlang B/C, staffing search) and erlang_a.cpp
// (Erlang A). Not part of the module's interface; the unit tests use it to check the
// special function against its defining series.
#include "report/erlang.h"

namespace hujiao::report::detail {

/// Erlang B recursion step: B(n) from B(n-1) for offered load a (B(0) = 1).
inline double erlangBStep(double previous, int n, double a) {
  const double t = a * previous;
  return t / (n + t);
}

/// log A(x, z) with A(x, z) = sum_{j>=0} z^j / prod_{i=1..j} (x + i) = x e^z z^-x gamma(x, z),
/// for x > 0, z >= 0. Finite for any such input (A may be astronomically large).
double logAFunction(double x, double z);

/// Erlang C metrics for `agents`, given B = ErlangB(agents, a) already computed.
/// Inputs are validated by the caller.
QueueMetrics erlangCWithB(const QueueLoad& load, int agents, double erlangB, double answerWithinS);

/// Erlang A metrics for `agents`, given B = ErlangB(agents, a). `withAsa` false skips the
/// numerical ASA integral (asaS is then left 0) for searches that do not need it.
/// Inputs are validated by the caller (load.patienceS set).
QueueMetrics erlangAWithB(const QueueLoad& load, int agents, double erlangB, double answerWithinS,
                          double shortAbandonS, bool withAsa);

}  // namespace hujiao::report::detail
