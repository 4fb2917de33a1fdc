// Score forms and scores on both backends: validation, totals, frozen forms,
// agents reading their scores, aggregates per agent and period.
#include "rec_test_support.h"
#include "recording/access.h"
#include "recording/quality.h"
#include "recording/recordings_repo.h"

namespace hujiao::recording::test {
namespace {

constexpr int64_t kT0 = 1'714'521'600'000'000;  // 2024-05-01T00:00:00Z
constexpr int64_t kDay = 86'400'000'000;

ScoreForm standardForm() {
  ScoreForm f;
  f.name = "Inbound service";
  f.criteria = {{"greeting", "Greeting", "Company name and own name", 20, 5},
                {"solution", "Solved the problem", "", 50, 10},
                {"compliance", "Read the disclosure", "", 30, 1}};
  return f;
}

TEST(ScoreForms, Validation) {
  EXPECT_OK(validateForm(standardForm()));
  ScoreForm f = standardForm();
  f.criteria[0].weight = 25;  // sums to 105
  auto sum = validateForm(f);
  EXPECT_CODE(sum, "invalid");
  EXPECT_NE(sum.error().message.find("105.00"), std::string::npos) << sum.error().message;
  f = standardForm();
  f.criteria[1].id = "greeting";
  EXPECT_CODE(validateForm(f), "invalid");
  f = standardForm();
  f.criteria[2].maxPoints = 0;
  EXPECT_CODE(validateForm(f), "invalid");
  f = standardForm();
  f.criteria[2].weight = -30;
  EXPECT_CODE(validateForm(f), "invalid");
  f = standardForm();
  f.name = "";
  EXPECT_CODE(validateForm(f), "invalid");
  f.name = "x";
  f.criteria.clear();
  EXPECT_CODE(validateForm(f), "invalid");
  // Thirds: 33.33 + 33.33 + 33.34 is within the tolerance.
  f.criteria = {{"a", "A", "", 33.33, 3}, {"b", "B", "", 33.33, 3}, {"c", "C", "", 33.34, 3}};
  EXPECT_OK(validateForm(f));
}

TEST(ScoreForms, Totals) {
  const ScoreForm f = standardForm();
  auto t = computeTotal(f, {{"greeting", 4, ""}, {"solution", 7, "slow"}, {"compliance", 1, ""}});
  ASSERT_OK(t);
  EXPECT_DOUBLE_EQ(*t, 20.0 * 4 / 5 + 50.0 * 7 / 10 + 30);  // 81
  EXPECT_CODE(computeTotal(f, {{"greeting", 6, ""}, {"solution", 7, ""}, {"compliance", 1, ""}}), "invalid");
  EXPECT_CODE(computeTotal(f, {{"greeting", -1, ""}, {"solution", 7, ""}, {"compliance", 1, ""}}), "invalid");
  EXPECT_CODE(computeTotal(f, {{"greeting", 4, ""}, {"solution", 7, ""}}), "invalid");  // missing
  EXPECT_CODE(computeTotal(f, {{"greeting", 4, ""}, {"greeting", 4, ""}, {"solution", 7, ""}, {"compliance", 1, ""}}),
              "invalid");
  EXPECT_CODE(computeTotal(f, {{"greeting", 4, ""}, {"solution", 7, ""}, {"compliance", 1, ""}, {"x", 1, ""}}),
              "invalid");
}

class QualityTest : public RecStoreTest {
 protected:
  std::string recording(const std::string& agent, const std::string& dept, int64_t start,
                        const std::string& status = "complete") {
    RecordingsRepo repo(db());
    RecordingMeta m;
    m.callId = "call-" + std::to_string(start);
    m.agentId = agent;
    m.departmentId = dept;
    m.startUs = start;
    m.path = "x.wav";
    auto c = repo.create(m);
    EXPECT_OK(c);
    if (status != "recording") {
      Completion done;
      done.status = status;
      done.path = "x.wav";
      EXPECT_OK(repo.complete(c->id, done));
    }
    return c->id;
  }
};

TEST_P(QualityTest, ScoreReadAggregate) {
  QualityRepo qa(db());
  auto form = qa.createForm(standardForm());
  ASSERT_OK(form);
  EXPECT_CODE(qa.createForm(standardForm()), "conflict");  // same name
  ScoreForm bad = standardForm();
  bad.name = "other";
  bad.criteria[0].weight = 1;
  EXPECT_CODE(qa.createForm(bad), "invalid");

  const std::string r1 = recording("agent-1", "d1", kT0);
  const std::string r2 = recording("agent-1", "d1", kT0 + 2 * kDay);
  const std::string r3 = recording("agent-2", "d2", kT0 + kDay);
  const std::string r4 = recording("agent-1", "d1", kT0 + 40 * kDay);
  const std::string live = recording("agent-1", "d1", kT0, "recording");

  Score s;
  s.recordingId = r1;
  s.formId = form->id;
  s.supervisorId = "sup-1";
  s.items = {{"greeting", 5, ""}, {"solution", 10, "great"}, {"compliance", 1, ""}};
  s.comment = "model call";
  auto s1 = qa.addScore(s);
  ASSERT_OK(s1);
  EXPECT_DOUBLE_EQ(s1->total, 100);
  EXPECT_EQ(s1->agentId, "agent-1");
  EXPECT_EQ(s1->departmentId, "d1");
  EXPECT_EQ(s1->recordingStartUs, kT0);
  EXPECT_CODE(qa.addScore(s), "conflict");  // same supervisor, form, recording
  s.supervisorId = "sup-2";  // a second opinion (calibration) is fine
  s.items = {{"greeting", 3, ""}, {"solution", 5, ""}, {"compliance", 0, "missed the disclosure"}};
  auto s2 = qa.addScore(s);
  ASSERT_OK(s2);
  EXPECT_DOUBLE_EQ(s2->total, 37);  // 12 + 25 + 0
  s.recordingId = r2;
  s.supervisorId = "sup-1";
  s.items = {{"greeting", 4, ""}, {"solution", 6, ""}, {"compliance", 1, ""}};
  ASSERT_OK(qa.addScore(s));  // 16 + 30 + 30 = 76
  s.recordingId = r3;
  s.items = {{"greeting", 1, ""}, {"solution", 1, ""}, {"compliance", 1, ""}};
  ASSERT_OK(qa.addScore(s));  // 4 + 5 + 30 = 39
  s.recordingId = r4;
  s.items = {{"greeting", 5, ""}, {"solution", 0, ""}, {"compliance", 0, ""}};
  ASSERT_OK(qa.addScore(s));  // 20, outside the period below
  s.recordingId = live;
  EXPECT_CODE(qa.addScore(s), "invalid");  // still recording
  s.recordingId = r1;
  s.supervisorId = "agent-1";
  EXPECT_CODE(qa.addScore(s), "invalid");  // one's own recording
  s.recordingId = "nope";
  s.supervisorId = "sup-3";
  EXPECT_CODE(qa.addScore(s), "not_found");
  s.recordingId = r1;
  s.items = {{"greeting", 9, ""}, {"solution", 1, ""}, {"compliance", 1, ""}};
  EXPECT_CODE(qa.addScore(s), "invalid");

  // The form is frozen now; deactivating is still allowed.
  ScoreForm changed = *form;
  changed.criteria[0].maxPoints = 10;
  EXPECT_CODE(qa.updateForm(changed), "conflict");
  ScoreForm off = *form;
  off.active = false;
  ASSERT_OK(qa.updateForm(off));
  EXPECT_EQ(qa.listForms(true)->size(), 0u);
  EXPECT_EQ(qa.listForms(false)->size(), 1u);
  s.formId = form->id;
  s.recordingId = r3;
  s.supervisorId = "sup-9";
  s.items = {{"greeting", 1, ""}, {"solution", 1, ""}, {"compliance", 1, ""}};
  EXPECT_CODE(qa.addScore(s), "invalid");  // inactive form

  // Only the scoring supervisor may revise a score.
  EXPECT_CODE(qa.updateScore(s2->id, "sup-1", s2->items, ""), "forbidden");
  auto rev = qa.updateScore(s2->id, "sup-2", {{"greeting", 3, ""}, {"solution", 5, ""}, {"compliance", 1, ""}}, "ok");
  ASSERT_OK(rev);
  EXPECT_DOUBLE_EQ(rev->total, 67);

  // An agent reads their own scores (the API applies canSeeAgentData to each).
  ScoreQuery mine;
  mine.agentId = "agent-1";
  auto page = qa.listScores(mine);
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 4);
  EXPECT_EQ(page->items.front().recordingId, r4);  // newest call first
  for (const auto& x : page->items) EXPECT_TRUE(canSeeAgentData(Viewer{"agent-1", "self", {}}, x.agentId, x.departmentId));
  EXPECT_EQ(qa.scoresForRecording(r1)->size(), 2u);
  auto got = qa.getScore(s1->id);
  ASSERT_OK(got);
  EXPECT_EQ(got->items[1].comment, "great");
  EXPECT_EQ(got->comment, "model call");

  // May 2024, days 1..30: agent-1 has 100, 67, 76; agent-2 has 39.
  ScoreQuery period;
  period.fromUs = kT0;
  period.toUs = kT0 + 30 * kDay;
  auto agg = qa.aggregateByAgent(period);
  ASSERT_OK(agg);
  ASSERT_EQ(agg->size(), 2u);
  EXPECT_EQ((*agg)[0].agentId, "agent-1");
  EXPECT_EQ((*agg)[0].count, 3);
  EXPECT_NEAR((*agg)[0].average, (100 + 67 + 76) / 3.0, 0.01);
  EXPECT_DOUBLE_EQ((*agg)[0].min, 67);
  EXPECT_DOUBLE_EQ((*agg)[0].max, 100);
  EXPECT_EQ((*agg)[1].agentId, "agent-2");
  EXPECT_DOUBLE_EQ((*agg)[1].average, 39);
  period.departmentIds = {"d2"};  // a supervisor of d2
  EXPECT_EQ(qa.aggregateByAgent(period)->size(), 1u);
}

HUJIAO_REC_BACKENDS(QualityTest);

}  // namespace
}  // namespace hujiao::recording::test
