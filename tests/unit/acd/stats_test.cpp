// Statistics, announcements and estimated waits, on the virtual clock.
#include "acd_fixture.h"

namespace hujiao::acd::testing {
namespace {

TEST_F(AcdTest, QueueStatisticsServiceLevelAsaAhtAndAbandons) {
  QueueConfig q = queue("q");
  q.serviceLevelUs = 20 * kSec;
  q.wrapUpUs = 10 * kSec;
  addQueue(q);
  addAgent("a1");
  addAgent("a2");
  member("a1", "q");
  member("a2", "q");
  loginReady("a1");
  enqueue("x1", "q");
  enqueue("x2", "q");
  enqueue("x3", "q");
  advance(5);
  answer("x1", "a1");  // waited 5 s: within the 20 s service level
  advance(25);
  ASSERT_TRUE(acd_.abandon("x3").ok());  // waited 30 s
  loginReady("a2");
  answer("x2", "a2");  // waited 30 s: outside
  auto s = acd_.queueStats("q").value();
  EXPECT_EQ(s.offered, 3u);
  EXPECT_EQ(s.answered, 2u);
  EXPECT_EQ(s.abandoned, 1u);
  EXPECT_EQ(s.answeredWithinSl, 1u);
  EXPECT_NEAR(s.serviceLevelPct, 100.0 / 3, 1e-9);
  EXPECT_EQ(s.asaUs, (5 + 30) * kSec / 2);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(s.agentsByState[static_cast<int>(AgentState::Busy)], 2u);
  advance(60);
  end("x1");  // talk 85 s, then 10 s wrap-up
  end("x2");  // talk 60 s
  s = acd_.queueStats("q").value();
  EXPECT_EQ(s.agentsByState[static_cast<int>(AgentState::WrapUp)], 2u);
  EXPECT_EQ(s.ahtUs, 0);  // handle time counts once wrap-up is over
  advance(10);
  s = acd_.queueStats("q").value();
  EXPECT_EQ(s.ahtUs, ((85 + 10) + (60 + 10)) * kSec / 2);
  EXPECT_EQ(s.agentsByState[static_cast<int>(AgentState::Ready)], 2u);
}

TEST_F(AcdTest, WaitingAndLongestWait) {
  addQueue(queue("q"));
  enqueue("x1", "q");
  advance(40);
  enqueue("x2", "q", 5);
  advance(2);
  auto s = acd_.queueStats("q").value();
  EXPECT_EQ(s.waiting, 2u);
  EXPECT_EQ(s.longestWaitUs, 42 * kSec);  // by age, whatever the priority
  ASSERT_TRUE(acd_.abandon("x1").ok());
  EXPECT_EQ(acd_.queueStats("q").value().longestWaitUs, 2 * kSec);
}

TEST_F(AcdTest, AgentStatisticsTalkHoldWrapUpAndOccupancy) {
  QueueConfig q = queue("q");
  q.wrapUpUs = 20 * kSec;
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  advance(40);  // ready 40 s
  enqueue("x1", "q");
  advance(10);  // reserved 10 s
  answer("x1", "a1");
  advance(30);
  ASSERT_TRUE(acd_.setHold("x1", true).ok());
  advance(20);
  ASSERT_TRUE(acd_.setHold("x1", false).ok());
  advance(30);  // busy 80 s: talk 60 + hold 20
  end("x1");
  advance(20);  // wrap-up 20 s
  const auto s = acd_.agentStats("a1").value();
  EXPECT_EQ(s.interactions, 1u);
  EXPECT_EQ(s.offered, 1u);
  EXPECT_EQ(s.talkUs, 60 * kSec);
  EXPECT_EQ(s.holdUs, 20 * kSec);
  EXPECT_EQ(s.wrapUpUs, 20 * kSec);
  EXPECT_EQ(s.timeInStateUs[static_cast<int>(AgentState::Busy)], 80 * kSec);
  EXPECT_EQ(s.state, AgentState::Ready);
  // (10 + 80 + 20) / (40 + 10 + 80 + 20)
  EXPECT_NEAR(s.occupancyPct, 100.0 * 110 / 150, 1e-9);
  EXPECT_EQ(acd_.queueStats("q").value().ahtUs,
            100 * kSec);  // talk + hold + wrap-up
}

TEST_F(AcdTest, EstimatedWaitFollowsRecentHandlingTimes) {
  QueueConfig q = queue("q");
  q.defaultAhtUs = 100 * kSec;
  q.ahtAlpha = 0.5;
  q.announceEveryUs = 30 * kSec;
  q.ringTimeoutUs = 600 * kSec;
  addQueue(q);
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x1", "q");
  enqueue("w1", "q");                                                     // a1 ringing: w1 waits
  EXPECT_EQ(acd_.position("w1").value(), std::make_pair(1, 100 * kSec));  // no history yet: the default
  EXPECT_TRUE(rec_.announces.empty());  // the first announcement comes after one interval
  advance(30);
  ASSERT_EQ(rec_.announces.size(), 1u);
  EXPECT_EQ(rec_.announces[0].ix, "w1");
  EXPECT_EQ(rec_.announces[0].position, 1);
  EXPECT_EQ(rec_.announces[0].ewtUs, 100 * kSec);
  handle("x1", "a1", 40);  // handle time sample: 40 s
  EXPECT_EQ(acd_.queueStats("q").value().ahtEstimateUs, 40 * kSec);
  enqueue("w2", "q");
  enqueue("w3", "q");
  // w1 rings a1 now; w2 is first, w3 second; one agent serving.
  EXPECT_EQ(acd_.position("w3").value(), std::make_pair(2, 80 * kSec));
  handle("w1", "a1", 80);  // 0.5 * 80 + 0.5 * 40 = 60 s
  EXPECT_EQ(acd_.queueStats("q").value().ahtEstimateUs, 60 * kSec);
  // A second agent serving the queue halves the estimate.
  addAgent("a2");
  member("a2", "q");
  loginReady("a2");  // takes w3 at once
  enqueue("w4", "q");
  enqueue("w5", "q");
  EXPECT_EQ(acd_.position("w5").value(), std::make_pair(2, 60 * kSec));
  // Announcements repeat every 30 s for those still waiting.
  rec_.announces.clear();
  advance(30);
  ASSERT_EQ(rec_.announces.size(), 2u);
  EXPECT_EQ(rec_.announces[0].ix, "w4");
  EXPECT_EQ(rec_.announces[0].position, 1);
  EXPECT_EQ(rec_.announces[1].ewtUs, 60 * kSec);
  advance(30);
  EXPECT_EQ(rec_.announces.size(), 4u);
}

TEST_F(AcdTest, EstimatedWaitUnknownWithoutAgents) {
  addQueue(queue("q"));
  enqueue("x1", "q");
  EXPECT_EQ(acd_.position("x1").value(), std::make_pair(1, int64_t{-1}));
}

TEST_F(AcdTest, QueueStatsEventsAreCoalesced) {
  addQueue(queue("q"));
  advance(1);
  rec_.clear();
  for (int i = 0; i < 10; ++i) enqueue("x" + std::to_string(i), "q");
  EXPECT_TRUE(rec_.stats.empty());
  advance(1);
  ASSERT_EQ(rec_.stats.size(), 1u);
  EXPECT_EQ(rec_.stats[0].waiting, 10u);
  advance(5);
  EXPECT_EQ(rec_.stats.size(), 1u);  // nothing changed, nothing sent
  EXPECT_EQ(timers_.pending(), 0u);  // and no idle timer left armed
}

TEST_F(AcdTest, DailyResetClearsTodayCounters) {
  addQueue(queue("q"));
  addAgent("a1");
  member("a1", "q");
  loginReady("a1");
  enqueue("x1", "q");
  handle("x1", "a1", 10);
  enqueue("x2", "q");
  acd_.resetDailyStats();
  const auto q = acd_.queueStats("q").value();
  EXPECT_EQ(q.offered, 0u);
  EXPECT_EQ(q.answered, 0u);
  EXPECT_EQ(q.waiting, 1u);               // x2 (ringing): live state, not a counter
  EXPECT_EQ(q.ahtEstimateUs, 10 * kSec);  // estimates keep their history
  const auto a = acd_.agentStats("a1").value();
  EXPECT_EQ(a.interactions, 0u);
  EXPECT_EQ(a.talkUs, 0);
  EXPECT_EQ(a.state, AgentState::Reserved);
}

}  // namespace
}  // namespace hujiao::acd::testing
