// Erlang A (M/M/N+M): Poisson arrivals at rate lambda, exponential handling at rate mu,
// N agents, FCFS queue, each waiting caller abandons at rate theta = 1/patience.
//
// With x = N mu / theta, y = lambda / theta, E = ErlangB(N, lambda/mu) and
// A(x, y) = sum_j y^j / prod_{i<=j}(x + i) (Mandelbaum-Zeltyn notation) the birth-death
// chain gives, for an arrival (PASTA):
//   P(W > 0)             = A E / (1 + (A - 1) E)
//   P(served | W > 0)    = (1/rho) (1 - 1/A),            rho = lambda / (N mu)
// and the offered wait V (the wait a caller would have with infinite patience) has, given
// V > 0, a density proportional to exp(lambda H(t) - N mu t), H(t) = (1 - e^-theta t)/theta
// (Baccelli-Hebuterne 1981). Substituting s = y e^-theta t turns its integrals into
// incomplete gamma functions, all expressible through A again:
//   P(V > t | W > 0)           = e^{-N mu t + y - y'} A(x, y') / A(x, y),       y' = y e^-theta t
//   P(served, V > t | W > 0)   = (1/rho) e^{-N mu t + y - y'} (A(x, y') - 1) / A(x, y)
// A caller is served iff patience > V. ASA integrates the second line over t.
// docs/metrics.md has the derivation outline and references.
#include <boost/math/policies/policy.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/log1p.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "report/erlang_detail.h"

namespace hujiao::report::detail {
namespace {

// Report failures as NaN instead of throwing; every caller checks finiteness.
using NoThrow = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>,
    boost::math::policies::pole_error<boost::math::policies::errno_on_error>>;

constexpr double kInf = std::numeric_limits<double>::infinity();

// log(z^x e^-z / Gamma(x + 1)), the prefix of the regularised P(x, z). For large x the
// naive x log z - z - lgamma(x + 1) cancels catastrophically (three terms of 1e11 giving
// a result of order 1), so use x * log1pmx((z - x)/x) plus Stirling's series instead.
double logGammaPrefix(double x, double z) {
  if (x < 10) return x * std::log(z) - z - std::lgamma(x + 1);
  const double d = (z - x) / x;
  const double lead = d > -1 ? x * boost::math::log1pmx(d, NoThrow()) : -kInf;
  const double inv = 1 / x;
  const double inv2 = inv * inv;
  const double stirling = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
  return lead - 0.5 * std::log(2 * std::numbers::pi * x) - stirling;
}

// log(A(x, z) - 1) = log(z / (x + 1)) + log A(x + 1, z); -inf for z = 0.
double logAMinusOne(double x, double z) {
  if (z <= 0) return -kInf;
  return std::log(z) - std::log1p(x) + logAFunction(x + 1, z);
}

// Terms of e^{-N mu t + y(1 - e^-theta t)} shared by g and h below, in log form.
struct WaitTail {
  double nMu;    // N mu
  double theta;  // 1 / patience
  double y;      // lambda / theta
  double x;      // N mu / theta
  double logA;   // log A(x, y)
  double invRho; // N mu / lambda

  double exponent(double t) const { return -nMu * t - y * std::expm1(-theta * t); }
  double shrunkY(double t) const { return y * std::exp(-theta * t); }
  // g(t) = P(V > t | W > 0)
  double waitBeyond(double t) const {
    if (t <= 0) return 1;
    return std::exp(exponent(t) + logAFunction(x, shrunkY(t)) - logA);
  }
  // h(t) = P(served, V > t | W > 0)
  double servedBeyond(double t) const {
    const double e = t <= 0 ? 0 : exponent(t);
    return invRho * std::exp(e + logAMinusOne(x, shrunkY(t)) - logA);
  }
};

// Integral of h over [0, inf): geometric panels (width doubling from the fastest time
// scale) with adaptive Gauss-Kronrod in each, until h has decayed to nothing.
double integrateServedBeyond(const WaitTail& tail) {
  const double h0 = tail.servedBeyond(0);
  if (!(h0 > 0)) return 0;
  const double width0 = 1 / (tail.nMu + tail.theta);
  double total = 0;
  double left = 0;
  double width = width0;
  for (int panel = 0; panel < 200; ++panel) {
    const double right = left + width;
    const double part = boost::math::quadrature::gauss_kronrod<double, 15>::integrate(
        [&tail](double t) { return tail.servedBeyond(t); }, left, right, 12, 1e-10);
    total += part;
    if (tail.servedBeyond(right) <= 1e-14 * h0 && part <= 1e-14 * total) break;
    left = right;
    width *= 2;
  }
  return total;
}

}  // namespace

double logAFunction(double x, double z) {
  if (!(z > 0)) return 0;
  const double logPrefix = logGammaPrefix(x, z);
  // Right of the gamma mode P(x, z) is at least ~0.5; left of it, Boost is accurate as long
  // as P does not underflow (P >= prefix). Otherwise the defining series converges fast:
  // its ratio z/(x + j) < 1 shrinks, and a prefix below e^-700 means z is far below x.
  if (z >= x || logPrefix > -700) {
    const double p = boost::math::gamma_p(x, z, NoThrow());
    if (std::isfinite(p) && p > 0) return std::log(p) - logPrefix;
  }
  double sum = 1;
  double term = 1;
  for (long j = 1; j < 100000000L; ++j) {
    term *= z / (x + static_cast<double>(j));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return std::log(sum);
}

QueueMetrics erlangAWithB(const QueueLoad& load, int agents, double erlangB, double answerWithinS,
                          double shortAbandonS, bool withAsa) {
  QueueMetrics m;
  m.agents = agents;
  const double lambda = load.calls / load.intervalS;
  const double a = lambda * load.ahtS;
  m.trafficErlangs = a;
  if (!(lambda > 0)) return m;  // nothing offered: nobody waits, SL is 1 by convention
  const double patience = *load.patienceS;
  const double theta = 1 / patience;
  if (agents == 0) {
    // Everyone waits until they give up; nobody is answered.
    m.probWait = 1;
    m.probAbandon = 1;
    m.probShortAbandon = -std::expm1(-theta * shortAbandonS);
    m.serviceLevel = 0;
    m.meanWaitS = patience;
    m.asaS = kInf;
    m.stable = false;
    return m;
  }
  const double mu = 1 / load.ahtS;
  WaitTail tail{};
  tail.nMu = agents * mu;
  tail.theta = theta;
  tail.y = lambda * patience;
  tail.x = agents * (patience / load.ahtS);
  tail.logA = logAFunction(tail.x, tail.y);
  tail.invRho = tail.nMu / lambda;

  // P(W > 0) = 1 / (1 + (1 - E) / (E A)), in logs so that tiny E or huge A stay exact.
  const double r = std::log1p(-erlangB) - std::log(erlangB) - tail.logA;
  const double pWait = erlangB > 0 ? 1 / (1 + std::exp(r)) : 0;
  const double servedGivenWait = std::min(1.0, tail.invRho * -std::expm1(-tail.logA));
  const double abandonGivenWait = std::max(0.0, 1 - servedGivenWait);
  m.probWait = pWait;
  m.probAbandon = pWait * abandonGivenWait;

  const double servedLateGivenWait = tail.servedBeyond(answerWithinS);
  const double answeredInTime = (1 - pWait) + pWait * std::max(0.0, servedGivenWait - servedLateGivenWait);
  if (shortAbandonS > 0) {
    // Abandons with wait <= s: callers with V <= s who gave up before V, plus callers with
    // V > s whose patience ran out before s.
    const double g = tail.waitBeyond(shortAbandonS);
    const double h = tail.servedBeyond(shortAbandonS);
    const double early = 1 - std::exp(-theta * shortAbandonS) * g - servedGivenWait + h;
    m.probShortAbandon = std::clamp(pWait * early, 0.0, m.probAbandon);
  }
  const double denominator = 1 - m.probShortAbandon;
  m.serviceLevel = denominator > 0 ? std::clamp(answeredInTime / denominator, 0.0, 1.0) : 1.0;

  // Little's law on the abandonment stream: lambda P(ab) = theta E[queue] = theta lambda E[W].
  m.meanWaitS = m.probAbandon * patience;
  const double served = 1 - m.probAbandon;
  m.occupancy = std::min(1.0, a * served / agents);
  if (withAsa) {
    const double waitServed = pWait * integrateServedBeyond(tail);  // E[V; served]
    m.asaS = served > 0 ? waitServed / served : kInf;
  }
  return m;
}

}  // namespace hujiao::report::detail
