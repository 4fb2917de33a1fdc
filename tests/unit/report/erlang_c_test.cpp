// Erlang B and Erlang C against published tables, plus edge cases and bad input.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "queue_simulation.h"
#include "report/erlang.h"

namespace hujiao::report {
namespace {

// Erlang B by its defining sum, in long double, for small N only: an independent check of
// the recursion.
double erlangBBySum(int n, double a) {
  long double term = 1, sum = 1;
  for (int k = 1; k <= n; ++k) {
    term *= a / k;
    sum += term;
  }
  return static_cast<double>(term / sum);
}

TEST(ErlangB, MatchesPublishedOnePercentTable) {
  // Offered traffic carried at 1% blocking, from the classic Erlang B tables (e.g.
  // Rappaport, "Wireless Communications", appendix "Trunking theory"; the Westbay
  // Erlang calculator manual gives 8.108 E for 15 lines at 1%, erlang.com). The tables
  // round A to 2-3 digits, so B is checked to +-3% of 1%.
  struct Row {
    int lines;
    double erlangs;
  };
  for (const Row& row : {Row{5, 1.36}, Row{10, 4.46}, Row{15, 8.108}, Row{20, 12.03}, Row{50, 37.9}, Row{100, 84.06}}) {
    auto b = erlangB(row.lines, row.erlangs);
    ASSERT_TRUE(b.ok());
    EXPECT_NEAR(*b, 0.01, 0.0003) << row.lines << " lines, " << row.erlangs << " E";
  }
}

TEST(ErlangB, KnownValuesAndDefiningSum) {
  EXPECT_DOUBLE_EQ(*erlangB(0, 3.0), 1.0);
  EXPECT_DOUBLE_EQ(*erlangB(1, 1.0), 0.5);      // a / (1 + a)
  EXPECT_DOUBLE_EQ(*erlangB(2, 1.0), 0.2);      // (1/2) / (1 + 1 + 1/2)
  EXPECT_DOUBLE_EQ(*erlangB(5, 0.0), 0.0);
  for (int n : {1, 3, 10, 30, 80}) {
    for (double a : {0.5, 2.0, 10.0, 45.0, 100.0}) {
      EXPECT_NEAR(*erlangB(n, a), erlangBBySum(n, a), 1e-13) << n << " " << a;
    }
  }
}

TEST(ErlangC, CallCentreHelperWorkedExample) {
  // Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example"
  // (callcentrehelper.com/erlang-c-formula-example-121281.htm): 100 calls per 30 minutes,
  // AHT 180 s, 80% in 20 s. Its table for 11..14 agents (P(wait), SL, ASA, occupancy) is
  // also reproduced by the CRAN package ErlangC's README. 14 agents are needed, 20 with
  // 30% shrinkage.
  struct Row {
    int agents;
    double probWait, serviceLevel, asaS, occupancy;
  };
  const QueueLoad load{100, 1800, 180, {}};
  for (const Row& row : {Row{11, 0.6821182, 0.3896138, 122.78127684408, 0.9090909},
                         Row{12, 0.4493882, 0.640158, 40.4449401868444, 0.8333333},
                         Row{13, 0.2852705, 0.7955948, 17.1162271821896, 0.7692308},
                         Row{14, 0.1741319, 0.88835, 7.83593701177724, 0.7142857}}) {
    auto m = erlangCMetrics(load, row.agents, 20);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_DOUBLE_EQ(m->trafficErlangs, 10.0);
    EXPECT_NEAR(m->probWait, row.probWait, 1e-7) << row.agents;
    EXPECT_NEAR(m->serviceLevel, row.serviceLevel, 1e-6) << row.agents;
    EXPECT_NEAR(m->asaS, row.asaS, 1e-6) << row.agents;
    EXPECT_NEAR(m->occupancy, row.occupancy, 1e-7) << row.agents;
    EXPECT_DOUBLE_EQ(m->probAbandon, 0.0);
    EXPECT_TRUE(m->stable);
  }
  auto s = requiredAgents(load, ServiceTarget{0.8, 20, 0.85, {}, {}, 0});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->agents, 14);
  EXPECT_NEAR(s->metrics.serviceLevel, 0.88835, 1e-5);
  EXPECT_DOUBLE_EQ(*erlangC(14, 10.0), s->metrics.probWait);
}

TEST(ErlangC, MitanExampleAgreesWithTextbookSum) {
  // The Erlang-C walk-through on mitan.co.uk ("The Erlang-C formula"): 360 calls per half
  // hour, 4-minute calls, 55 agents, 15 s target -> 48 E, occupancy 87.3%. The values are
  // checked against the textbook closed form C = (a^N/N! N/(N-a)) / (sum_{k<N} a^k/k! +
  // a^N/N! N/(N-a)) evaluated independently here in long double.
  const double a = 48;
  const int n = 55;
  long double term = 1, sum = 1;
  for (int k = 1; k < n; ++k) {
    term *= a / k;
    sum += term;
  }
  const long double top = term * (a / n) * n / (n - a);
  const double c = static_cast<double>(top / (sum + top));
  auto m = erlangCMetrics(QueueLoad{360, 1800, 240, {}}, n, 15);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->occupancy, 48.0 / 55, 1e-12);
  EXPECT_NEAR(m->probWait, c, 1e-12);
  EXPECT_NEAR(m->serviceLevel, 1 - c * std::exp(-(n - a) * 15 / 240), 1e-12);
  EXPECT_NEAR(m->asaS, c * 240 / (n - a), 1e-9);
  EXPECT_NEAR(m->probWait, 0.2387, 1e-4);  // the closed form's value, to 4 digits
}

TEST(ErlangC, AgreesWithSimulation) {
  const QueueLoad load{100, 1800, 180, {}};
  auto m = erlangCMetrics(load, 12, 20);
  ASSERT_TRUE(m.ok());
  const auto sim = testing::simulateQueue(100.0 / 1800, 180, 0, 12, 20, 0, 400000, 7);
  EXPECT_NEAR(sim.probWait, m->probWait, 0.02);
  EXPECT_NEAR(sim.serviceLevel, m->serviceLevel, 0.02);
  EXPECT_NEAR(sim.asaS, m->asaS, 0.08 * m->asaS);
  EXPECT_NEAR(sim.occupancy, m->occupancy, 0.01);
}

TEST(ErlangC, MetricsImproveWithEveryAgent) {
  const QueueLoad load{420, 1800, 300, {}};
  double lastSl = 0, lastAsa = 1e300;
  for (int n = 71; n < 110; ++n) {
    auto m = erlangCMetrics(load, n, 30);
    ASSERT_TRUE(m.ok());
    EXPECT_GE(m->serviceLevel, lastSl);
    EXPECT_LE(m->asaS, lastAsa);
    lastSl = m->serviceLevel;
    lastAsa = m->asaS;
  }
}

TEST(ErlangC, ZeroCallsNeedNoAgents) {
  const QueueLoad load{0, 1800, 180, {}};
  auto s = requiredAgents(load, ServiceTarget{});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->agents, 0);
  EXPECT_DOUBLE_EQ(s->metrics.serviceLevel, 1.0);
  EXPECT_DOUBLE_EQ(s->metrics.occupancy, 0.0);
  auto m = erlangCMetrics(load, 3, 20);
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->probWait, 0.0);
  EXPECT_DOUBLE_EQ(*erlangC(3, 0.0), 0.0);
}

TEST(ErlangC, OverloadedQueueIsReportedUnstable) {
  auto m = erlangCMetrics(QueueLoad{100, 1800, 180, {}}, 10, 20);  // 10 agents for 10 E
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->stable);
  EXPECT_DOUBLE_EQ(m->probWait, 1.0);
  EXPECT_DOUBLE_EQ(m->serviceLevel, 0.0);
  EXPECT_TRUE(std::isinf(m->asaS));
  EXPECT_DOUBLE_EQ(*erlangC(10, 10.0), 1.0);
}

TEST(ErlangC, TinyIntervalsAndFractionalCalls) {
  // 0.5 calls in a 1-second interval is 1,800 calls an hour: 90 E at AHT 180 s.
  auto s = requiredAgents(QueueLoad{0.5, 1, 180, {}}, ServiceTarget{0.8, 20, 1, {}, {}, 0});
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->metrics.trafficErlangs, 90, 1e-9);
  auto same = requiredAgents(QueueLoad{900, 1800, 180, {}}, ServiceTarget{0.8, 20, 1, {}, {}, 0});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(s->agents, same->agents);
  // A trickle: 0.2 calls in 15 minutes still needs one agent.
  auto trickle = requiredAgents(QueueLoad{0.2, 900, 240, {}}, ServiceTarget{0.8, 20, 1, {}, {}, 0});
  ASSERT_TRUE(trickle.ok());
  EXPECT_EQ(trickle->agents, 1);
}

TEST(ErlangC, HugeTrafficIsFastAndFinite) {
  // 5,000 Erlangs: factorials would overflow at 171; the recursion does not care.
  const auto t0 = std::chrono::steady_clock::now();
  auto s = requiredAgents(QueueLoad{50000, 1800, 180, {}}, ServiceTarget{0.8, 20, 1, {}, {}, 0});
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->metrics.trafficErlangs, 5000, 1e-9);
  EXPECT_GT(s->agents, 5000);
  EXPECT_LT(s->agents, 5100);  // square-root staffing: a + O(sqrt(a))
  EXPECT_GE(s->metrics.serviceLevel, 0.8);
  EXPECT_TRUE(std::isfinite(s->metrics.asaS));
  auto below = erlangCMetrics(QueueLoad{50000, 1800, 180, {}}, s->agents - 1, 20);
  ASSERT_TRUE(below.ok());
  EXPECT_LT(below->serviceLevel, 0.8);
  EXPECT_LT(elapsed, std::chrono::milliseconds(200));
  auto b = erlangB(100000, 99000.0);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(std::isfinite(*b));
  EXPECT_GT(*b, 0.0);
}

TEST(ErlangC, OccupancyCapAndAsaTargetAddAgents) {
  const QueueLoad load{100, 1800, 180, {}};
  auto capped = requiredAgents(load, ServiceTarget{0.8, 20, 0.65, {}, {}, 0});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->agents, 16);  // 10 / 0.65 = 15.4
  EXPECT_LE(capped->metrics.occupancy, 0.65);
  auto asa = requiredAgents(load, ServiceTarget{0.8, 20, 1, 5.0, {}, 0});
  ASSERT_TRUE(asa.ok());
  EXPECT_EQ(asa->agents, 15);  // 14 agents give ASA 7.8 s
  EXPECT_LE(asa->metrics.asaS, 5.0);
}

TEST(ErlangC, BadInputIsAnError) {
  const ServiceTarget ok{};
  EXPECT_EQ(erlangB(-1, 1.0).error().code, "invalid");
  EXPECT_EQ(erlangB(3, -1.0).error().code, "invalid");
  EXPECT_EQ(erlangB(3, std::nan("")).error().code, "invalid");
  EXPECT_EQ(erlangCMetrics(QueueLoad{-5, 1800, 180, {}}, 3, 20).error().code, "invalid");
  EXPECT_EQ(erlangCMetrics(QueueLoad{5, 0, 180, {}}, 3, 20).error().code, "invalid");
  EXPECT_EQ(erlangCMetrics(QueueLoad{5, 1800, 0, {}}, 3, 20).error().code, "invalid");
  EXPECT_EQ(erlangCMetrics(QueueLoad{5, 1800, 180, {}}, 3, -1).error().code, "invalid");
  EXPECT_EQ(erlangCMetrics(QueueLoad{5, 1800, INFINITY, {}}, 3, 20).error().code, "invalid");
  EXPECT_EQ(requiredAgents(QueueLoad{1e9, 1, 1000, {}}, ok).error().code, "invalid");  // 1e12 Erlangs
  auto badTarget = [](double sl) { return ServiceTarget{sl, 20, 1, {}, {}, 0}; };
  for (double sl : {0.0, 1.0, 80.0, -0.5}) {
    auto r = requiredAgents(QueueLoad{100, 1800, 180, {}}, badTarget(sl));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "invalid");
    EXPECT_NE(r.error().message.find("service_level"), std::string::npos);
  }
  EXPECT_FALSE(requiredAgents(QueueLoad{100, 1800, 180, {}}, ServiceTarget{0.8, 20, 0, {}, {}, 0}).ok());
  EXPECT_FALSE(requiredAgents(QueueLoad{100, 1800, 180, {}}, ServiceTarget{0.8, 20, 1, -3.0, {}, 0}).ok());
}

}  // namespace
}  // namespace hujiao::report
