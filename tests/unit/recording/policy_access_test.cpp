// The record/never-record decision, agent desktop controls, the access rule
// and the config section.
#include "core/config.h"
#include "rec_test_support.h"
#include "recording/access.h"
#include "recording/policy.h"
#include "recording/recording_config.h"

namespace hujiao::recording::test {
namespace {

CallFacts call(std::string dir, std::string queue, std::string agent, std::string number, std::string did = "") {
  CallFacts f;
  f.direction = std::move(dir);
  f.queueId = std::move(queue);
  f.agentId = std::move(agent);
  f.customerNumber = std::move(number);
  f.did = std::move(did);
  return f;
}

TEST(Policy, RecordAllButNeverListsWin) {
  RecordingPolicy p;
  p.neverNumbers = {"+86 138-0000-1111", "400*"};
  p.neverAgents = {"ceo"};
  EXPECT_EQ(shouldRecord(call("inbound", "q1", "a1", "10086"), p).reason, "all");
  EXPECT_TRUE(shouldRecord(call("inbound", "q1", "a1", "10086"), p).record);
  auto n = shouldRecord(call("inbound", "q1", "a1", "8613800001111"), p);
  EXPECT_FALSE(n.record);
  EXPECT_EQ(n.reason, "never_number");
  EXPECT_EQ(shouldRecord(call("outbound", "", "a1", "4008123456"), p).reason, "never_number");  // prefix
  EXPECT_TRUE(shouldRecord(call("outbound", "", "a1", "14008123456"), p).record);  // not a prefix match
  EXPECT_EQ(shouldRecord(call("inbound", "q1", "ceo", "10086"), p).reason, "never_agent");
  // Even an on-demand request cannot record a never-listed number.
  CallFacts f = call("inbound", "q1", "a1", "+86 13800001111");
  f.agentRequested = true;
  EXPECT_FALSE(shouldRecord(f, p).record);
}

TEST(Policy, SelectedByQueueAgentDirectionOrDid) {
  RecordingPolicy p;
  p.mode = RecordingPolicy::Mode::Selected;
  p.queues = {"sales"};
  p.agents = {"trainee"};
  p.directions = {"outbound"};
  p.dids = {"+86 400 800 1234"};
  EXPECT_EQ(shouldRecord(call("inbound", "sales", "a1", "1"), p).reason, "queue");
  EXPECT_EQ(shouldRecord(call("inbound", "support", "trainee", "1"), p).reason, "agent");
  EXPECT_EQ(shouldRecord(call("outbound", "", "a1", "1"), p).reason, "direction");
  EXPECT_EQ(shouldRecord(call("inbound", "support", "a1", "1", "864008001234"), p).reason, "did");
  auto no = shouldRecord(call("inbound", "support", "a1", "1", "864008009999"), p);
  EXPECT_FALSE(no.record);
  EXPECT_EQ(no.reason, "not_selected");
  CallFacts onDemand = call("inbound", "support", "a1", "1");
  onDemand.agentRequested = true;
  EXPECT_EQ(shouldRecord(onDemand, p).reason, "on_demand");
  p.allowOnDemand = false;
  EXPECT_EQ(shouldRecord(onDemand, p).reason, "on_demand_disabled");
  EXPECT_FALSE(shouldRecord(onDemand, p).record);
  p.mode = RecordingPolicy::Mode::None;
  EXPECT_EQ(shouldRecord(call("inbound", "sales", "a1", "1"), p).reason, "disabled");
}

TEST(Policy, RetentionPerQueue) {
  RecordingPolicy p;
  p.retentionDays = 90;
  p.retentionByQueue = {{"vip", 365}, {"legal", 0}};
  EXPECT_EQ(retentionDaysFor("vip", p), 365);
  EXPECT_EQ(retentionDaysFor("legal", p), 0);
  EXPECT_EQ(retentionDaysFor("other", p), 90);
  EXPECT_EQ(retentionDaysFor("", p), 90);
  EXPECT_EQ(shouldRecord(call("inbound", "vip", "a", "1"), p).retentionDays, 365);
}

TEST(Policy, AgentDesktopActions) {
  RecordingPolicy p;
  p.mode = RecordingPolicy::Mode::Selected;
  CallFacts f = call("inbound", "support", "a1", "10086");
  EXPECT_OK(checkAgentAction(AgentAction::Start, f, p, false, false));
  EXPECT_CODE(checkAgentAction(AgentAction::Start, f, p, true, false), "conflict");
  EXPECT_OK(checkAgentAction(AgentAction::Pause, f, p, true, false));
  EXPECT_CODE(checkAgentAction(AgentAction::Pause, f, p, true, true), "conflict");
  EXPECT_OK(checkAgentAction(AgentAction::Resume, f, p, true, true));
  EXPECT_CODE(checkAgentAction(AgentAction::Resume, f, p, false, false), "conflict");
  EXPECT_OK(checkAgentAction(AgentAction::Stop, f, p, true, false));  // an on-demand recording may be stopped
  p.queues = {"support"};
  EXPECT_CODE(checkAgentAction(AgentAction::Stop, f, p, true, false), "forbidden");  // policy recordings may not
  p.allowAgentPause = false;
  EXPECT_CODE(checkAgentAction(AgentAction::Pause, f, p, true, false), "forbidden");
  p.neverNumbers = {"10086"};
  p.queues.clear();
  EXPECT_CODE(checkAgentAction(AgentAction::Start, f, p, false, false), "forbidden");
}

TEST(Access, AgentsOwnSupervisorsDepartmentsAuditorsAll) {
  RecordingMeta r;
  r.agentId = "agent-1";
  r.departmentId = "sales-east";
  Viewer agent{"agent-1", "self", {}};
  Viewer otherAgent{"agent-2", "self", {}};
  Viewer supervisor{"sup-1", "department", {"sales", "sales-east", "sales-west"}};
  Viewer otherSupervisor{"sup-2", "department", {"support"}};
  Viewer auditor{"aud-1", "all", {}};
  Viewer unknownScope{"agent-2", "weird", {"sales-east"}};
  EXPECT_TRUE(canAccessRecording(agent, r));
  EXPECT_FALSE(canAccessRecording(otherAgent, r));
  EXPECT_TRUE(canAccessRecording(supervisor, r));
  EXPECT_FALSE(canAccessRecording(otherSupervisor, r));
  EXPECT_TRUE(canAccessRecording(auditor, r));
  EXPECT_FALSE(canAccessRecording(unknownScope, r));  // fails safe to "self"
  RecordingMeta own = r;
  own.agentId = "sup-2";
  EXPECT_TRUE(canAccessRecording(otherSupervisor, own));  // a supervisor's own call
  RecordingMeta noDept = r;
  noDept.departmentId = "";
  EXPECT_FALSE(canAccessRecording(supervisor, noDept));
  EXPECT_TRUE(canAccessRecording(auditor, noDept));
  Viewer anonymous{"", "self", {}};
  RecordingMeta ivrOnly;
  EXPECT_FALSE(canAccessRecording(anonymous, ivrOnly));  // "" agent is nobody's

  RecordingQuery q;
  applyVisibility(supervisor, q);
  EXPECT_EQ(q.selfAgentId, "sup-1");
  EXPECT_EQ(q.departmentIds.size(), 3u);
  applyVisibility(auditor, q);
  EXPECT_TRUE(q.selfAgentId.empty());
  EXPECT_TRUE(q.departmentIds.empty());
  applyVisibility(anonymous, q);
  EXPECT_TRUE(q.nothingVisible);
}

TEST(RecordingConfig, SectionDefaultsAndValidation) {
  core::ConfigSchema schema;
  addRecordingConfig(schema);
  auto cfg = core::Config::load(schema,
                                "recording:\n  key_file: /etc/hujiao/rec.keys\n  mode: selected\n  queues: [sales]\n"
                                "  retention_days: 30\n  retention_by_queue: {vip: '400'}\n",
                                "test.yaml", {});
  auto s = recordingSettingsFrom(cfg);
  ASSERT_OK(s);
  EXPECT_TRUE(s->encrypt);
  EXPECT_EQ(s->format, "wav");
  EXPECT_EQ(s->chunkBytes, 8192u);  // about a quarter second of WAV stereo
  EXPECT_EQ(s->policy.mode, RecordingPolicy::Mode::Selected);
  EXPECT_EQ(s->policy.queues.count("sales"), 1u);
  EXPECT_EQ(s->policy.retentionDays, 30);
  EXPECT_EQ(s->policy.retentionByQueue.at("vip"), 400);
  auto noKey = core::Config::defaults(schema);
  EXPECT_CODE(recordingSettingsFrom(noKey), "invalid");  // encrypt on, no key file
  auto badRet = core::Config::load(
      schema, "recording:\n  encrypt: false\n  retention_by_queue: {vip: forever}\n", "t.yaml", {});
  EXPECT_CODE(recordingSettingsFrom(badRet), "invalid");
}

}  // namespace
}  // namespace hujiao::recording::test
