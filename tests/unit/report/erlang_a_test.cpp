// Erlang A (M/M/N+M) against a discrete-event simulation, its Erlang C limit, and its
// special function against the defining series.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "queue_simulation.h"
#include "report/erlang.h"
#include "report/erlang_detail.h"

namespace hujiao::report {
namespace {

// A(x, z) = sum_j z^j / prod_{i<=j}(x + i), summed directly (long double, scaled) and logged.
double logABySeries(double x, double z) {
  long double term = 1, sum = 1;
  long double logScale = 0;
  for (long j = 1; j < 50'000'000; ++j) {
    term *= z / (x + j);
    sum += term;
    if (sum > 1e300L) {  // rescale so that growing terms (z > x) cannot overflow
      logScale += std::log(sum);
      term /= sum;
      sum = 1;
    }
    if (term < 1e-19L * sum && x + j > z) break;
  }
  return static_cast<double>(logScale + std::log(sum));
}

TEST(ErlangA, SpecialFunctionMatchesDefiningSeries) {
  // Covers both branches of logAFunction (Boost's gamma_p and the series) and its
  // boundary, light and heavy load, and x from 0.1 to a million.
  for (double x : {0.1, 1.0, 7.5, 40.0, 300.0, 5000.0, 1e6}) {
    for (double ratio : {0.001, 0.05, 0.3, 0.8, 0.97, 1.0, 1.05, 1.5, 3.0}) {
      const double z = x * ratio;
      const double expected = logABySeries(x, z);
      EXPECT_NEAR(report::detail::logAFunction(x, z), expected, 1e-9 * std::max(1.0, std::abs(expected)))
          << "x=" << x << " z=" << z;
    }
  }
  EXPECT_DOUBLE_EQ(report::detail::logAFunction(12.0, 0.0), 0.0);
}

struct SimCase {
  double callsPer30Min, ahtS, patienceS;
  int agents;
};

class ErlangAVsSimulation : public ::testing::TestWithParam<SimCase> {};

TEST_P(ErlangAVsSimulation, AgreesWithinSamplingError) {
  const SimCase& c = GetParam();
  const double answerWithin = 20, shortAbandon = 5;
  auto m = erlangAMetrics(QueueLoad{c.callsPer30Min, 1800, c.ahtS, c.patienceS}, c.agents, answerWithin, shortAbandon);
  ASSERT_TRUE(m.ok()) << m.error().message;
  // 300,000 callers: standard errors of the probabilities are below 0.002 (queue
  // correlation included), so 0.012 is a wide margin that still catches formula slips.
  const auto sim = testing::simulateQueue(c.callsPer30Min / 1800, c.ahtS, c.patienceS, c.agents, answerWithin,
                                          shortAbandon, 300000, 1234 + c.agents);
  EXPECT_NEAR(sim.probWait, m->probWait, 0.012);
  EXPECT_NEAR(sim.probAbandon, m->probAbandon, 0.012);
  EXPECT_NEAR(sim.probShortAbandon, m->probShortAbandon, 0.006);
  EXPECT_NEAR(sim.serviceLevel, m->serviceLevel, 0.012);
  EXPECT_NEAR(sim.occupancy, m->occupancy, 0.012);
  EXPECT_NEAR(sim.asaS, m->asaS, 0.06 * m->asaS + 0.3);
  EXPECT_NEAR(sim.meanWaitS, m->meanWaitS, 0.06 * m->meanWaitS + 0.3);
}

INSTANTIATE_TEST_SUITE_P(Cases, ErlangAVsSimulation,
                         ::testing::Values(SimCase{100, 180, 120, 12},    // the classic example, impatient callers
                                           SimCase{100, 180, 600, 11},    // near critical load
                                           SimCase{100, 180, 60, 8},      // overloaded: 8 agents for 10 E
                                           SimCase{600, 240, 180, 82},    // 80 E, quality-and-efficiency regime
                                           SimCase{20, 300, 30, 3}));     // small queue, very impatient

TEST(ErlangA, LongPatienceIsErlangC) {
  const QueueLoad c{100, 1800, 180, {}};
  for (int n : {11, 12, 14, 20}) {
    auto erlangCResult = erlangCMetrics(c, n, 20);
    auto erlangAResult = erlangAMetrics(QueueLoad{100, 1800, 180, 1e8}, n, 20);
    ASSERT_TRUE(erlangCResult.ok());
    ASSERT_TRUE(erlangAResult.ok()) << erlangAResult.error().message;
    EXPECT_NEAR(erlangAResult->probWait, erlangCResult->probWait, 1e-5) << n;
    EXPECT_NEAR(erlangAResult->serviceLevel, erlangCResult->serviceLevel, 1e-5) << n;
    EXPECT_NEAR(erlangAResult->asaS, erlangCResult->asaS, 1e-4 * erlangCResult->asaS) << n;
    EXPECT_NEAR(erlangAResult->occupancy, erlangCResult->occupancy, 1e-5) << n;
    EXPECT_LT(erlangAResult->probAbandon, 1e-5) << n;
  }
  // And the approach is monotone: more patience, more waiting.
  double lastWait = 0;
  for (double patience : {10.0, 60.0, 600.0, 6000.0, 60000.0}) {
    auto m = erlangAMetrics(QueueLoad{100, 1800, 180, patience}, 12, 20);
    ASSERT_TRUE(m.ok());
    EXPECT_GT(m->probWait, lastWait);
    lastWait = m->probWait;
  }
}

TEST(ErlangA, ServiceLevelRisesWithAgents) {
  const QueueLoad load{600, 1800, 240, 90};
  double lastSl = -1, lastAbandon = 2;
  for (int n = 1; n <= 110; ++n) {
    auto m = erlangAMetrics(load, n, 20);
    ASSERT_TRUE(m.ok());
    EXPECT_GE(m->serviceLevel, lastSl - 1e-12) << n;
    EXPECT_LE(m->probAbandon, lastAbandon + 1e-12) << n;
    lastSl = m->serviceLevel;
    lastAbandon = m->probAbandon;
  }
}

TEST(ErlangA, AbandonmentNeedsFewerAgentsThanErlangC) {
  const ServiceTarget target{0.8, 20, 1, {}, {}, 0};
  auto c = requiredAgents(QueueLoad{100, 1800, 180, {}}, target);
  auto a = requiredAgents(QueueLoad{100, 1800, 180, 120.0}, target);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(c->agents, 14);
  EXPECT_LE(a->agents, c->agents);
  EXPECT_GE(a->metrics.serviceLevel, 0.8);
  auto fewer = erlangAMetrics(QueueLoad{100, 1800, 180, 120.0}, a->agents - 1, 20);
  ASSERT_TRUE(fewer.ok());
  EXPECT_LT(fewer->serviceLevel, 0.8);
}

TEST(ErlangA, AbandonTargetAddsAgents) {
  const QueueLoad load{100, 1800, 180, 120.0};
  auto plain = requiredAgents(load, ServiceTarget{0.8, 20, 1, {}, {}, 0});
  auto strict = requiredAgents(load, ServiceTarget{0.8, 20, 1, {}, 0.002, 0});
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(strict.ok());
  EXPECT_GT(strict->agents, plain->agents);
  EXPECT_LE(strict->metrics.probAbandon, 0.002);
}

TEST(ErlangA, ShortAbandonsLeaveTheDenominator) {
  const QueueLoad load{100, 1800, 180, 60.0};
  auto all = erlangAMetrics(load, 10, 20, 0);
  auto excluding = erlangAMetrics(load, 10, 20, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_TRUE(excluding.ok());
  EXPECT_DOUBLE_EQ(all->probShortAbandon, 0.0);
  EXPECT_GT(excluding->probShortAbandon, 0.0);
  EXPECT_LT(excluding->probShortAbandon, excluding->probAbandon);
  EXPECT_NEAR(excluding->serviceLevel * (1 - excluding->probShortAbandon), all->serviceLevel, 1e-12);
}

TEST(ErlangA, NoAgentsMeansEveryoneAbandons) {
  auto m = erlangAMetrics(QueueLoad{100, 1800, 180, 60.0}, 0, 20);
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->probAbandon, 1.0);
  EXPECT_DOUBLE_EQ(m->serviceLevel, 0.0);
  EXPECT_DOUBLE_EQ(m->meanWaitS, 60.0);
  EXPECT_FALSE(m->stable);
}

TEST(ErlangA, HugeTrafficIsFastAndFinite) {
  const auto t0 = std::chrono::steady_clock::now();
  auto s = requiredAgents(QueueLoad{50000, 1800, 180, 300.0}, ServiceTarget{0.8, 20, 1, 15.0, {}, 5});
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_GT(s->agents, 4500);
  EXPECT_LT(s->agents, 5100);
  EXPECT_GE(s->metrics.serviceLevel, 0.8);
  EXPECT_LE(s->metrics.asaS, 15.0);
  for (double v : {s->metrics.probWait, s->metrics.asaS, s->metrics.meanWaitS, s->metrics.probAbandon,
                   s->metrics.occupancy}) {
    EXPECT_TRUE(std::isfinite(v));
  }
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));
  // Deep overload stays finite too: 5,000 E on 3,000 agents.
  auto over = erlangAMetrics(QueueLoad{50000, 1800, 180, 300.0}, 3000, 20);
  ASSERT_TRUE(over.ok());
  EXPECT_NEAR(over->occupancy, 1.0, 0.01);
  EXPECT_NEAR(over->probAbandon, 0.4, 0.01);  // 2,000 of 5,000 E cannot be carried
  EXPECT_TRUE(std::isfinite(over->asaS));
}

TEST(ErlangA, BadInputIsAnError) {
  EXPECT_EQ(erlangAMetrics(QueueLoad{100, 1800, 180, {}}, 10, 20).error().code, "invalid");
  EXPECT_EQ(erlangAMetrics(QueueLoad{100, 1800, 180, 0.0}, 10, 20).error().code, "invalid");
  EXPECT_EQ(erlangAMetrics(QueueLoad{100, 1800, 180, -4.0}, 10, 20).error().code, "invalid");
  EXPECT_EQ(erlangAMetrics(QueueLoad{100, 1800, 180, NAN}, 10, 20).error().code, "invalid");
  EXPECT_EQ(erlangAMetrics(QueueLoad{100, 1800, 180, 1e12}, 10, 20).error().code, "invalid");
  EXPECT_EQ(erlangAMetrics(QueueLoad{100, 1800, 180, 60.0}, 10, 20, -1).error().code, "invalid");
  auto r = requiredAgents(QueueLoad{100, 1800, 180, 60.0}, ServiceTarget{0.8, 20, 1, {}, 1.5, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("max_abandon_rate"), std::string::npos);
}

}  // namespace
}  // namespace hujiao::report
