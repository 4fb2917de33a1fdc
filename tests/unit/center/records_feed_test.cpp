// RecordsFeed: domain events as the switch, ACD and IVR publish them become
// the report store's records with waits, talk times, DIDs and flows filled in.
#include <gtest/gtest.h>

#include "center/records_feed.h"

namespace hujiao::center {
namespace {

using nlohmann::json;
constexpr int64_t kT0 = 1'780'000'000'000'000;  // some UTC µs
constexpr int64_t kS = 1'000'000;

core::Event ev(const std::string& type, int64_t t, json data) { return core::Event{type, t, std::move(data), ""}; }

template <class T>
const T& only(const std::vector<report::Record>& rs) {
  EXPECT_EQ(rs.size(), 1u);
  return std::get<T>(rs.at(0));
}

TEST(RecordsFeed, QueueCallFromEntryToEnd) {
  RecordsFeed f;
  EXPECT_TRUE(f.map(ev("call.created", kT0, {{"call_id", "c1"}, {"did", "4000"}, {"caller", "13900001111"}})).empty());
  // The IVR's own path record (src/ivr/path_record.cpp).
  auto ivr = f.map(ev("ivr.ended", kT0 + 20 * kS,
                      {{"call_id", "c1"},
                       {"flow_id", "f1"},
                       {"exit_reason", "agent"},
                       {"path",
                        {{"started_at_us", kT0 + kS},
                         {"steps", {{{"node", "n1"}}, {{"node", "n2"}}, {{"node", "q"}}}},
                         {"exit", {{"reason", "agent"}, {"node", "q"}}}}}}));
  const auto& p = only<report::IvrPathRecord>(ivr);
  EXPECT_EQ(p.did, "4000");
  EXPECT_EQ(p.enteredAtUs, kT0 + kS);
  EXPECT_EQ(p.exit, report::IvrExit::Agent);
  EXPECT_EQ(p.exitNode, "q");
  EXPECT_EQ(p.path, "n1,n2,q");
  EXPECT_EQ(report::validate(ivr[0]), "");

  auto q = f.map(ev("interaction.queued", kT0 + 20 * kS, {{"interaction_id", "i1"}, {"queue_id", "sales"},
                                                           {"call_id", "c1"}, {"customer", {{"number", "139"}}}}));
  EXPECT_EQ(only<report::InteractionRecord>(q).kind, report::IxKind::Entered);
  f.map(ev("interaction.offered", kT0 + 25 * kS, {{"interaction_id", "i1"}, {"agent_id", "a1"}, {"call_id", "c1"}}));
  auto rna = f.map(ev("interaction.ring_no_answer", kT0 + 40 * kS, {{"interaction_id", "i1"}, {"agent_id", "a1"}}));
  EXPECT_EQ(only<report::InteractionRecord>(rna).agentId, "a1");
  f.map(ev("interaction.offered", kT0 + 41 * kS, {{"interaction_id", "i1"}, {"agent_id", "a2"}}));
  auto ans = f.map(ev("interaction.answered", kT0 + 50 * kS, {{"interaction_id", "i1"}, {"agent_id", "a2"}}));
  const auto& a = only<report::InteractionRecord>(ans);
  EXPECT_EQ(a.kind, report::IxKind::Answered);
  EXPECT_EQ(a.waitUs, 30 * kS);  // queued at +20 s, answered at +50 s
  EXPECT_EQ(a.agentId, "a2");
  EXPECT_EQ(a.queueId, "sales");
  EXPECT_EQ(a.did, "4000");
  EXPECT_EQ(a.flowId, "f1");
  EXPECT_EQ(a.customerKey, "139");
  auto end = f.map(ev("interaction.ended", kT0 + 200 * kS,
                      {{"interaction_id", "i1"}, {"hold_s", 10}, {"wrap_up_s", 20}, {"resolved", true}}));
  const auto& e = only<report::InteractionRecord>(end);
  EXPECT_EQ(e.kind, report::IxKind::Ended);
  EXPECT_EQ(e.answeredAtUs, kT0 + 50 * kS);
  EXPECT_EQ(e.talkUs, 120 * kS);  // 150 s answered - 10 hold - 20 wrap-up
  EXPECT_EQ(e.holdUs, 10 * kS);
  EXPECT_EQ(e.wrapUpUs, 20 * kS);
  EXPECT_EQ(e.resolved, 1);
  EXPECT_EQ(report::validate(end[0]), "");
  auto cdr = f.map(ev("call.ended", kT0 + 190 * kS, {{"call_id", "c1"}, {"cause", "normal"}}));
  const auto& c = only<report::CdrRefRecord>(cdr);
  EXPECT_EQ(c.interactionId, "i1");
  EXPECT_EQ(c.cdrId, "c1");
  EXPECT_EQ(f.liveInteractions(), 0u);
  EXPECT_EQ(f.liveCalls(), 0u);
}

TEST(RecordsFeed, HandledInteractionWaitsForWrapUpAndDisposition) {
  RecordsFeed f;
  f.map(ev("agent.state", kT0, {{"agent_id", "a1"}, {"state", "busy"}, {"previous", "reserved"}}));
  f.map(ev("interaction.queued", kT0, {{"interaction_id", "i9"}, {"queue_id", "q"}}));
  f.map(ev("interaction.answered", kT0 + 50 * kS, {{"interaction_id", "i9"}, {"agent_id", "a1"}}));
  f.map(ev("interaction.held", kT0 + 60 * kS, {{"interaction_id", "i9"}}));
  f.map(ev("interaction.resumed", kT0 + 75 * kS, {{"interaction_id", "i9"}}));
  EXPECT_TRUE(f.map(ev("interaction.ended", kT0 + 200 * kS, {{"interaction_id", "i9"}, {"agent_id", "a1"}})).empty());
  auto toWrap = f.map(ev("agent.state", kT0 + 200 * kS, {{"agent_id", "a1"}, {"state", "wrap_up"}, {"previous", "busy"}}));
  EXPECT_EQ(toWrap.size(), 1u);  // only the state change
  EXPECT_TRUE(f.map(ev("interaction.disposition", kT0 + 215 * kS,
                       {{"interaction_id", "i9"}, {"agent_id", "a1"}, {"disposition", "resolved"}}))
                  .empty());
  auto ready = f.map(ev("agent.state", kT0 + 230 * kS, {{"agent_id", "a1"}, {"state", "ready"}, {"previous", "wrap_up"}}));
  ASSERT_EQ(ready.size(), 2u);
  const auto& e = std::get<report::InteractionRecord>(ready[1]);
  EXPECT_EQ(e.kind, report::IxKind::Ended);
  EXPECT_EQ(e.answeredAtUs, kT0 + 50 * kS);
  EXPECT_EQ(e.holdUs, 15 * kS);
  EXPECT_EQ(e.talkUs, 135 * kS);  // 150 s connected - 15 s hold
  EXPECT_EQ(e.wrapUpUs, 30 * kS);
  EXPECT_EQ(e.resolved, 1);
  // Without a wrap-up the next state change releases it; shutdown releases the rest.
  f.map(ev("interaction.queued", kT0, {{"interaction_id", "i10"}, {"queue_id", "q"}}));
  f.map(ev("interaction.answered", kT0 + 300 * kS, {{"interaction_id", "i10"}, {"agent_id", "a1"}}));
  f.map(ev("interaction.ended", kT0 + 360 * kS, {{"interaction_id", "i10"}, {"agent_id", "a1"}}));
  auto left = f.expire(INT64_MAX);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(std::get<report::InteractionRecord>(left[0]).talkUs, 60 * kS);
}

TEST(RecordsFeed, AbandonAndExplicitFields) {
  RecordsFeed f;
  f.map(ev("interaction.queued", kT0, {{"interaction_id", "i2"}, {"queue_id", "q"}}));
  auto ab = f.map(ev("interaction.abandoned", kT0 + 7 * kS, {{"interaction_id", "i2"}}));
  const auto& r = only<report::InteractionRecord>(ab);
  EXPECT_EQ(r.kind, report::IxKind::Abandoned);
  EXPECT_EQ(r.waitUs, 7 * kS);
  // An abandoned interaction's end adds nothing.
  EXPECT_TRUE(f.map(ev("interaction.ended", kT0 + 8 * kS, {{"interaction_id", "i2"}})).empty());
  // A producer's own wait wins over the computed one.
  f.map(ev("interaction.queued", kT0, {{"interaction_id", "i3"}, {"queue_id", "q"}}));
  auto a = f.map(ev("interaction.answered", kT0 + 9 * kS,
                    {{"interaction_id", "i3"}, {"agent_id", "a"}, {"wait_ms", 4000}, {"service_level_s", 30}}));
  EXPECT_EQ(only<report::InteractionRecord>(a).waitUs, 4 * kS);
  EXPECT_EQ(only<report::InteractionRecord>(a).serviceLevelUs, 30 * kS);
}

TEST(RecordsFeed, UnansweredEndIsAnExit) {
  RecordsFeed f;
  f.map(ev("interaction.queued", kT0, {{"interaction_id", "i4"}, {"queue_id", "q"}}));
  auto x = f.map(ev("interaction.ended", kT0 + 60 * kS, {{"interaction_id", "i4"}, {"reason", "timeout"}}));
  const auto& r = only<report::InteractionRecord>(x);
  EXPECT_EQ(r.kind, report::IxKind::Exited);
  EXPECT_EQ(r.reason, "timeout");
  EXPECT_EQ(r.waitUs, 60 * kS);
}

TEST(RecordsFeed, AgentStatesCarryTheirSpans) {
  RecordsFeed f;
  auto first = f.map(ev("agent.state", kT0, {{"agent_id", "a1"}, {"state", "ready"}, {"previous", "logged_out"}}));
  EXPECT_EQ(only<report::AgentStateRecord>(first).previousForUs, 0);
  auto nr = f.map(ev("agent.state", kT0 + 90 * kS,
                     {{"agent_id", "a1"}, {"state", "not_ready"}, {"reason", "lunch"}, {"previous", "ready"}}));
  EXPECT_EQ(only<report::AgentStateRecord>(nr).previousForUs, 90 * kS);
  auto back = f.map(ev("agent.state", kT0 + 150 * kS, {{"agent_id", "a1"}, {"state", "ready"}}));
  const auto& b = only<report::AgentStateRecord>(back);
  EXPECT_EQ(b.fromState, "not_ready");
  EXPECT_EQ(b.fromReason, "lunch");
  EXPECT_EQ(b.previousForUs, 60 * kS);
  EXPECT_EQ(report::validate(back[0]), "");
}

TEST(RecordsFeed, IgnoresWhatItCannotUse) {
  RecordsFeed f;
  EXPECT_FALSE(RecordsFeed::wanted("audit"));
  EXPECT_TRUE(RecordsFeed::wanted("interaction.offered"));
  EXPECT_TRUE(f.map(ev("interaction.answered", kT0, {{"agent_id", "a"}})).empty());  // no id
  EXPECT_TRUE(f.map(ev("agent.state", kT0, {{"state", "ready"}})).empty());
  EXPECT_TRUE(f.map(ev("ivr.ended", kT0, {{"call_id", "c"}})).empty());
  EXPECT_TRUE(f.map(ev("queue.stats", kT0, {{"queue_id", "q"}})).empty());
  EXPECT_TRUE(f.map(ev("call.ended", kT0, json::array())).empty());
  f.map(ev("interaction.queued", kT0, {{"interaction_id", "old"}}));
  f.expire(kT0 + 1);
  EXPECT_EQ(f.liveInteractions(), 0u);
}

}  // namespace
}  // namespace hujiao::center
