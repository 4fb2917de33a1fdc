// The recording policy as the API reads and writes it, stored on both
// backends (migration 1002), and the agent/queue learned after a recording
// began (RecordingsRepo::setCallFacts).
#include <gtest/gtest.h>

#include "rec_test_support.h"
#include "recording/policy_store.h"
#include "recording/recordings_repo.h"

namespace hujiao::recording::test {
namespace {

using nlohmann::json;

TEST(PolicyJson, RoundTripAndValidation) {
  RecordingPolicy p;
  ASSERT_OK(applyPolicyJson(json{{"mode", "selected"},
                                 {"queues", {"sales"}},
                                 {"dids", {"+86 400-800"}},
                                 {"never_numbers", {"139*"}},
                                 {"retention_days", 30},
                                 {"retention_by_queue", {{"vip", 400}}}},
                            p));
  EXPECT_EQ(p.mode, RecordingPolicy::Mode::Selected);
  EXPECT_EQ(p.dids.count("86400800"), 1u);  // normalised like the policy compares them
  json j = toJson(p);
  EXPECT_EQ(j["mode"], "selected");
  EXPECT_EQ(j["retention_by_queue"]["vip"], 400);
  RecordingPolicy back;
  ASSERT_OK(applyPolicyJson(j, back));
  EXPECT_EQ(toJson(back), j);
  // A partial body changes only what it names; a bad one changes nothing.
  ASSERT_OK(applyPolicyJson(json{{"allow_on_demand", false}}, back));
  EXPECT_FALSE(back.allowOnDemand);
  EXPECT_EQ(back.queues.count("sales"), 1u);
  for (const json& bad : {json{{"mode", "most"}}, json{{"directions", {"sideways"}}}, json{{"retention_days", -1}},
                          json{{"never_numbers", {"abc"}}}, json{{"queues", "sales"}}, json{{"bogus", 1}},
                          json::array()}) {
    RecordingPolicy q = back;
    auto r = applyPolicyJson(bad, q);
    EXPECT_FALSE(r) << bad.dump();
    if (!r) {
      EXPECT_EQ(r.error().code, "invalid");
    }
    EXPECT_EQ(toJson(q), toJson(back)) << bad.dump();
  }
}

class PolicyStoreTest : public RecStoreTest {};

TEST_P(PolicyStoreTest, StoredPolicyReplacesTheConfigs) {
  PolicyStore ps(db());
  auto none = ps.load();
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  RecordingPolicy p;
  p.mode = RecordingPolicy::Mode::None;
  p.neverAgents = {"u9"};
  ASSERT_OK(ps.save(p, "admin", 1000));
  p.mode = RecordingPolicy::Mode::All;
  ASSERT_OK(ps.save(p, "boss", 2000));
  auto got = ps.load();
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->policy.mode, RecordingPolicy::Mode::All);
  EXPECT_EQ((*got)->policy.neverAgents.count("u9"), 1u);
  EXPECT_EQ((*got)->updatedBy, "boss");
  EXPECT_EQ((*got)->updatedUs, 2000);
}

TEST_P(PolicyStoreTest, CallFactsLearnedLater) {
  RecordingsRepo repo(db());
  RecordingMeta m;
  m.callId = "c1";
  m.departmentId = "d0";
  m.startUs = 1'700'000'000'000'000;
  m.path = "2023/11/14/x.wav.hrec";
  auto c = repo.create(m);
  ASSERT_OK(c);
  ASSERT_OK(repo.setCallFacts(c->id, "a7", "", "sales"));
  auto got = repo.get(c->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->agentId, "a7");
  EXPECT_EQ(got->departmentId, "d0");  // empty values keep the row's
  EXPECT_EQ(got->queueId, "sales");
  EXPECT_EQ(repo.setCallFacts("nope", "a", "", "").error().code, "not_found");
}

HUJIAO_REC_BACKENDS(PolicyStoreTest);

}  // namespace
}  // namespace hujiao::recording::test
