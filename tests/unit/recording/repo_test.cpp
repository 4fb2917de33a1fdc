// Recording metadata on both backends: create, pause/resume intervals,
// completion, search filters, pagination, visibility, retention sweeper.
#include <filesystem>

#include "rec_test_support.h"
#include "recording/access.h"
#include "recording/recordings_repo.h"
#include "recording/retention.h"

namespace hujiao::recording::test {
namespace {

constexpr int64_t kDay = 86'400'000'000;
constexpr int64_t kT0 = 1'714'521'600'000'000;  // 2024-05-01T00:00:00Z

class RepoTest : public RecStoreTest {
 protected:
  RecordingMeta make(const std::string& call, int64_t start, const std::string& agent, const std::string& queue,
                     const std::string& number, const std::string& dept = "d1") {
    RecordingMeta m;
    m.callId = call;
    m.legs = {call + "-a", call + "-b"};
    m.agentId = agent;
    m.departmentId = dept;
    m.queueId = queue;
    m.customerNumber = number;
    m.direction = "inbound";
    m.did = "4008001234";
    m.reason = "all";
    m.startUs = start;
    m.path = "2024/05/01/" + call + ".wav.hrec";
    return m;
  }
  RecordingMeta add(const RecordingMeta& m, int64_t durationMs, const std::string& status = "complete") {
    RecordingsRepo repo(db());
    auto c = repo.create(m);
    EXPECT_OK(c);
    if (status != "recording") {
      Completion done;
      done.status = status;
      done.endUs = m.startUs + durationMs * 1000;
      done.durationMs = durationMs;
      done.sizeBytes = durationMs * 32;
      done.sha256 = std::string(64, 'a');
      done.keyId = "k1";
      done.path = m.path;
      EXPECT_OK(repo.complete(c->id, done));
    }
    return *c;
  }
};

TEST_P(RepoTest, CreatePauseResumeComplete) {
  RecordingsRepo repo(db());
  auto c = repo.create(make("call-1", kT0, "agent-1", "q1", "13800001111"));
  ASSERT_OK(c);
  EXPECT_EQ(c->status, "recording");
  EXPECT_EQ(c->id.size(), 26u);
  ASSERT_OK(repo.pause(c->id, kT0 + 10'000'000));
  EXPECT_CODE(repo.pause(c->id, kT0 + 11'000'000), "conflict");
  ASSERT_OK(repo.resume(c->id, kT0 + 25'000'000));
  EXPECT_CODE(repo.resume(c->id, kT0 + 26'000'000), "conflict");
  ASSERT_OK(repo.pause(c->id, kT0 + 40'000'000));  // left open: completion closes it
  Completion done;
  done.endUs = kT0 + 60'000'000;
  done.durationMs = 35'000;
  done.sizeBytes = 1'120'044;
  done.sha256 = std::string(64, 'f');
  done.keyId = "k1";
  done.path = c->path;
  ASSERT_OK(repo.complete(c->id, done));
  auto g = repo.get(c->id);
  ASSERT_OK(g);
  EXPECT_EQ(g->status, "complete");
  EXPECT_EQ(g->legs, (std::vector<std::string>{"call-1-a", "call-1-b"}));
  ASSERT_EQ(g->pauses.size(), 2u);
  EXPECT_EQ(g->pauses[0].startUs, kT0 + 10'000'000);
  EXPECT_EQ(g->pauses[0].endUs, kT0 + 25'000'000);
  EXPECT_EQ(g->pauses[1].endUs, kT0 + 60'000'000);
  EXPECT_EQ(pausedMs(g->pauses, g->endUs), 35'000);
  EXPECT_EQ(g->durationMs, 35'000);
  EXPECT_EQ(g->sha256, std::string(64, 'f'));
  EXPECT_CODE(repo.pause(c->id, kT0 + 70'000'000), "invalid");  // ended
  EXPECT_CODE(repo.get("nope"), "not_found");
  EXPECT_CODE(repo.create(RecordingMeta{}), "invalid");
  auto byCall = repo.listByCall("call-1");
  ASSERT_OK(byCall);
  EXPECT_EQ(byCall->size(), 1u);
}

TEST_P(RepoTest, SearchFiltersAndPaginates) {
  for (int i = 0; i < 12; ++i) {
    add(make("c" + std::to_string(i), kT0 + i * 3'600'000'000LL, i % 2 ? "agent-1" : "agent-2", i % 3 ? "q1" : "q2",
             "1380000" + std::to_string(1000 + i), i < 6 ? "d1" : "d2"),
        (i + 1) * 10'000);
  }
  RecordingsRepo repo(db());
  RecordingQuery q;
  q.limit = 5;
  auto p1 = repo.search(q);
  ASSERT_OK(p1);
  EXPECT_EQ(p1->total, 12);
  ASSERT_EQ(p1->items.size(), 5u);
  EXPECT_EQ(p1->items[0].callId, "c11");  // newest first
  q.offset = 10;
  auto p3 = repo.search(q);
  ASSERT_OK(p3);
  ASSERT_EQ(p3->items.size(), 2u);
  EXPECT_EQ(p3->items[1].callId, "c0");

  RecordingQuery f;
  f.agentId = "agent-1";
  f.queueId = "q1";
  auto a = repo.search(f);
  ASSERT_OK(a);
  EXPECT_EQ(a->total, 4);  // odd i not divisible by 3: 1, 5, 7, 11
  f = {};
  f.fromUs = kT0 + 3 * 3'600'000'000LL;
  f.toUs = kT0 + 6 * 3'600'000'000LL;
  EXPECT_EQ(repo.search(f)->total, 3);
  f = {};
  f.number = "1380000100";  // substring: c0..c9
  EXPECT_EQ(repo.search(f)->total, 10);
  f.number = "1011";
  EXPECT_EQ(repo.search(f)->total, 1);
  f = {};
  f.minDurationMs = 50'000;
  f.maxDurationMs = 80'000;
  EXPECT_EQ(repo.search(f)->total, 4);
  f = {};
  f.number = "100%";  // LIKE metacharacters are literal
  EXPECT_EQ(repo.search(f)->total, 0);
  f = {};
  f.limit = 0;
  EXPECT_CODE(repo.search(f), "invalid");

  // Visibility: an agent sees only theirs, a supervisor of d2 the d2 ones and their own.
  RecordingQuery v;
  applyVisibility(Viewer{"agent-1", "self", {}}, v);
  EXPECT_EQ(repo.search(v)->total, 6);
  applyVisibility(Viewer{"agent-2", "department", {"d2"}}, v);
  EXPECT_EQ(repo.search(v)->total, 9);  // 6 in d2 + agent-2's 3 in d1
  applyVisibility(Viewer{"aud", "all", {}}, v);
  EXPECT_EQ(repo.search(v)->total, 12);
  applyVisibility(Viewer{"", "self", {}}, v);
  EXPECT_EQ(repo.search(v)->total, 0);
}

TEST_P(RepoTest, RetentionSweeperDeletesFilesAndMarksRows) {
  TempDir dir;
  const int64_t now = kT0 + 400 * kDay;
  RecordingPolicy p;
  p.retentionDays = 90;
  p.retentionByQueue = {{"vip", 365}, {"legal", 0}};
  struct Case {
    std::string call, queue;
    int ageDays;
    bool expectDeleted;
  };
  std::vector<Case> cases = {{"old-default", "q1", 100, true}, {"young-default", "q1", 30, false},
                             {"old-vip", "vip", 300, false},   {"ancient-vip", "vip", 390, true},
                             {"old-legal", "legal", 399, false}, {"no-queue", "", 91, true}};
  std::map<std::string, std::string> ids;
  for (const auto& c : cases) {
    auto m = make(c.call, now - c.ageDays * kDay, "agent-1", c.queue, "1");
    auto r = add(m, 1000);
    ids[c.call] = r.id;
    writeFile(dir.file(m.path), "audio of " + c.call);
  }
  auto held = add(make("held", now - 200 * kDay, "agent-1", "q1", "1"), 1000);
  RecordingsRepo repo(db());
  ASSERT_OK(repo.setLegalHold(held.id, true));
  add(make("still-recording", now - 200 * kDay, "agent-1", "q1", "1"), 0, "recording");
  // A row whose file is already gone (a crash between unlink and update) is finished.
  auto gone = add(make("gone", now - 200 * kDay, "agent-1", "q1", "1"), 1000);

  SweepReport rep = sweepRetention(repo, p, dir.path(), now);
  EXPECT_TRUE(rep.errors.empty()) << rep.errors.front();
  std::set<std::string> deleted;
  for (const auto& d : rep.deleted) deleted.insert(d.id);
  EXPECT_EQ(deleted.size(), 4u);
  for (const auto& c : cases) {
    EXPECT_EQ(deleted.count(ids[c.call]) == 1, c.expectDeleted) << c.call;
    EXPECT_EQ(std::filesystem::exists(dir.file("2024/05/01/" + c.call + ".wav.hrec")), !c.expectDeleted) << c.call;
    auto row = repo.get(ids[c.call]);
    ASSERT_OK(row);
    EXPECT_EQ(row->status == "deleted", c.expectDeleted) << c.call;
    if (c.expectDeleted) {
      EXPECT_EQ(row->deletedUs, now);
    }
  }
  EXPECT_EQ(deleted.count(gone.id), 1u);
  EXPECT_EQ(repo.get(held.id)->status, "complete");
  // Deleted rows are out of searches unless asked for.
  RecordingQuery q;
  EXPECT_EQ(repo.search(q)->total, 5);
  q.statuses = {"deleted"};
  EXPECT_EQ(repo.search(q)->total, 4);
  // Nothing left to do: a second sweep deletes nothing.
  EXPECT_TRUE(sweepRetention(repo, p, dir.path(), now).deleted.empty());
  // The limit is honoured and reported.
  RecordingPolicy oneDay;
  oneDay.retentionDays = 1;
  auto more = sweepRetention(repo, oneDay, dir.path(), now, 2);
  EXPECT_EQ(more.deleted.size(), 2u);
  EXPECT_TRUE(more.more);
}

TEST_P(RepoTest, PathsOutsideTheDirectoryAreRefused) {
  EXPECT_CODE(resolveRecordingPath("/var/rec", "../etc/passwd"), "invalid");
  EXPECT_CODE(resolveRecordingPath("/var/rec", "/etc/passwd"), "invalid");
  EXPECT_EQ(*resolveRecordingPath("/var/rec", "2024/05/01/x.wav"), "/var/rec/2024/05/01/x.wav");
}

HUJIAO_REC_BACKENDS(RepoTest);

}  // namespace
}  // namespace hujiao::recording::test
