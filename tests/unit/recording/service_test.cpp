// The service end to end on both backends: a recording planned, written by
// "the media engine" (a plaintext WAV), finished into an encrypted file,
// played back with ranges under the access rule; start-up recovery of
// interrupted recordings; key rotation of stored files.
#include <filesystem>

#include "rec_test_support.h"
#include "recording/audio_info.h"
#include "recording/chunk_reader.h"
#include "recording/chunk_writer.h"
#include "recording/file_ops.h"
#include "recording/service.h"

namespace hujiao::recording::test {
namespace {

constexpr int64_t kT0 = 1'714'570'000'000'000;  // 2024-05-01T13:26:40Z

class ServiceTest : public RecStoreTest {
 protected:
  void SetUp() override {
    RecStoreTest::SetUp();
    keys_ = std::make_shared<const KeyRing>(ring({"k1"}));
  }
  RecordingSettings settings(bool encrypt = true) {
    RecordingSettings s;
    s.dir = dir_.path();
    s.encrypt = encrypt;
    s.chunkBytes = 8192;
    return s;
  }
  RecordingMeta facts(const std::string& call, const std::string& agent) {
    RecordingMeta m;
    m.callId = call;
    m.agentId = agent;
    m.departmentId = "d1";
    m.queueId = "q1";
    m.customerNumber = "13800001111";
    m.direction = "inbound";
    m.startUs = kT0;
    m.reason = "all";
    return m;
  }
  std::string readAll(PlaybackSource& src) {
    std::string out(static_cast<size_t>(src.length()), '\0');
    auto n = src.read(0, reinterpret_cast<uint8_t*>(out.data()), out.size());
    EXPECT_OK(n);
    return out;
  }
  TempDir dir_;
  std::shared_ptr<const KeyRing> keys_;
};

TEST_P(ServiceTest, PlanFinishAndPlayBack) {
  RecordingService svc(settings(), keys_, db());
  RecordingPlan plan = svc.plan(kT0);
  EXPECT_EQ(plan.relativePath, "2024/05/01/" + plan.id + ".wav.hrec");
  EXPECT_EQ(plan.plainPath, dir_.path() + "/2024/05/01/" + plan.id + ".wav");
  EXPECT_EQ(plan.mediaPath, dir_.path() + "/2024/05/01/" + plan.id + ".wav.hrec");  // sealed while recording
  auto row = svc.begin(plan, facts("call-1", "agent-1"));
  ASSERT_OK(row);
  EXPECT_EQ(row->status, "recording");
  ASSERT_OK(svc.pause(plan.id, kT0 + 5'000'000));
  ASSERT_OK(svc.resume(plan.id, kT0 + 8'000'000));
  const std::string wav = stereoWav(4000);  // what the media engine leaves
  writeFile(plan.plainPath, wav);
  auto plainInfo = inspectPlainFile(plan.plainPath, false);
  ASSERT_OK(plainInfo);
  auto done = svc.finish(plan.id, kT0 + 7'000'000 + 4'000'000);
  ASSERT_OK(done);
  EXPECT_EQ(done->status, "complete");
  EXPECT_EQ(done->durationMs, 4000);
  EXPECT_EQ(done->keyId, "k1");
  EXPECT_EQ(done->sha256, plainInfo->sha256);
  EXPECT_EQ(done->sizeBytes, static_cast<int64_t>(std::filesystem::file_size(svc.absolutePath(done->path))));
  EXPECT_FALSE(std::filesystem::exists(plan.plainPath)) << "the plaintext must not stay on disk";
  ASSERT_OK(svc.finish(plan.id, 0));  // idempotent

  Viewer agent{"agent-1", "self", {}};
  auto src = svc.openForPlayback(agent, plan.id);
  ASSERT_OK(src);
  EXPECT_EQ((*src)->contentType(), "audio/wav");
  EXPECT_EQ((*src)->length(), wav.size());
  auto range = parseRangeHeader("bytes=50000-50999", (*src)->length());
  ASSERT_OK(range);
  std::string part(1000, '\0');
  auto n = (*src)->read(range->first, reinterpret_cast<uint8_t*>(part.data()), part.size());
  ASSERT_OK(n);
  EXPECT_EQ(part, wav.substr(50000, 1000));
  EXPECT_EQ(readAll(**src), wav);
  EXPECT_CODE(svc.openForPlayback(Viewer{"agent-2", "self", {}}, plan.id), "forbidden");
  EXPECT_OK(svc.openForPlayback(Viewer{"sup", "department", {"d1"}}, plan.id));
  auto found = svc.search(Viewer{"agent-2", "self", {}}, RecordingQuery{});
  ASSERT_OK(found);
  EXPECT_EQ(found->total, 0);
  EXPECT_EQ(svc.search(agent, RecordingQuery{})->total, 1);
}

TEST_P(ServiceTest, StartUpRecoveryOfInterruptedRecordings) {
  RecordingService svc(settings(), keys_, db());
  // a) the media engine wrote a plaintext WAV and the process died: header sizes stale.
  RecordingPlan a = svc.plan(kT0);
  ASSERT_OK(svc.begin(a, facts("call-a", "agent-1")));
  writeFile(a.plainPath, stereoWav(3000, 0));
  // b) encrypted while recording (a live ChunkWriter) and the process died.
  RecordingPlan b = svc.plan(kT0);
  ASSERT_OK(svc.begin(b, facts("call-b", "agent-1")));
  {
    auto w = ChunkWriter::create(svc.absolutePath(b.relativePath), keys_->active(), {8192, false});
    ASSERT_OK(w);
    const std::string live = stereoWav(5000, 0);
    ASSERT_OK((*w)->append(reinterpret_cast<const uint8_t*>(live.data()), live.size()));
  }
  // c) nothing reached the disk.
  RecordingPlan c = svc.plan(kT0);
  ASSERT_OK(svc.begin(c, facts("call-c", "agent-1")));

  RecoveryReport rep = svc.recoverUnfinished();
  EXPECT_TRUE(rep.errors.empty()) << rep.errors.front();
  EXPECT_EQ(rep.recovered.size(), 2u);
  ASSERT_EQ(rep.missing.size(), 1u);
  EXPECT_EQ(rep.missing[0], c.id);

  auto ra = svc.recordings().get(a.id);
  ASSERT_OK(ra);
  EXPECT_EQ(ra->status, "recovered");
  EXPECT_EQ(ra->durationMs, 3000);
  EXPECT_FALSE(std::filesystem::exists(a.plainPath));
  auto pa = decryptFile(svc.absolutePath(ra->path), *keys_);
  ASSERT_OK(pa);
  auto sa = sndOpen(*pa);
  ASSERT_TRUE(sa.ok) << sa.error;
  EXPECT_EQ(sa.frames, 24000);

  auto rb = svc.recordings().get(b.id);
  ASSERT_OK(rb);
  EXPECT_EQ(rb->status, "recovered");
  EXPECT_GE(rb->durationMs, 5000 - 256);  // at most one 8 KiB chunk (256 ms) lost
  auto pb = decryptFile(svc.absolutePath(rb->path), *keys_);
  ASSERT_OK(pb);
  auto sb = sndOpen(*pb);
  ASSERT_TRUE(sb.ok) << sb.error;
  EXPECT_EQ(sb.frames * 1000 / 8000, rb->durationMs);
  EXPECT_EQ(svc.recordings().get(c.id)->status, "missing");
  EXPECT_CODE(svc.openForPlayback(Viewer{"a", "all", {}}, c.id), "gone");
  // Nothing left to recover.
  EXPECT_TRUE(svc.recoverUnfinished().recovered.empty());
}

TEST_P(ServiceTest, KeyRotationReencryptsStoredFiles) {
  auto oldRing = std::make_shared<const KeyRing>(ring({"old"}));
  RecordingService before(settings(), oldRing, db());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    RecordingPlan p = before.plan(kT0);
    ASSERT_OK(before.begin(p, facts("call-" + std::to_string(i), "agent-1")));
    writeFile(p.plainPath, stereoWav(1000 + i * 100));
    ASSERT_OK(before.finish(p.id, 0));
    ids.push_back(p.id);
  }
  auto rotated = KeyRing::fromKeys({*oldRing->find("old"), generateKey("new")}, "new");
  ASSERT_OK(rotated);
  auto newRing = std::make_shared<const KeyRing>(std::move(*rotated));
  RecordingService after(settings(), newRing, db());
  Viewer auditor{"aud", "all", {}};
  auto stillOld = after.openForPlayback(auditor, ids[0]);  // old files stay readable
  ASSERT_OK(stillOld);
  auto first = after.rotateKeys(2);
  EXPECT_TRUE(first.errors.empty()) << first.errors.front();
  EXPECT_EQ(first.rotated.size(), 2u);
  EXPECT_TRUE(first.more);
  auto second = after.rotateKeys(2);
  EXPECT_EQ(second.rotated.size(), 1u);
  EXPECT_FALSE(second.more);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto row = after.recordings().get(ids[i]);
    ASSERT_OK(row);
    EXPECT_EQ(row->keyId, "new");
    auto info = inspectContainer(after.absolutePath(row->path), *newRing);
    ASSERT_OK(info);
    EXPECT_EQ(info->sha256, row->sha256);  // same audio, new key
    EXPECT_EQ(info->keyId, "new");
    auto src = after.openForPlayback(auditor, ids[i]);
    ASSERT_OK(src);
    EXPECT_EQ(readAll(**src), stereoWav(1000 + static_cast<int>(i) * 100));
  }
  EXPECT_TRUE(after.rotateKeys(10).rotated.empty());
  // Once rotated, the old key alone no longer opens them.
  RecordingService oldOnly(settings(), oldRing, db());
  EXPECT_CODE(oldOnly.openForPlayback(auditor, ids[0]), "unknown_key");
}

TEST_P(ServiceTest, UnencryptedStorage) {
  RecordingService svc(settings(false), nullptr, db());
  RecordingPlan p = svc.plan(kT0);
  EXPECT_EQ(p.relativePath, "2024/05/01/" + p.id + ".wav");
  ASSERT_OK(svc.begin(p, facts("call-p", "agent-1")));
  writeFile(p.plainPath, stereoWav(1500, 0));  // a stale header is repaired
  auto done = svc.finish(p.id, 0);
  ASSERT_OK(done);
  EXPECT_EQ(done->keyId, "");
  EXPECT_EQ(done->durationMs, 1500);
  auto src = svc.openForPlayback(Viewer{"agent-1", "self", {}}, p.id);
  ASSERT_OK(src);
  EXPECT_EQ(readAll(**src), stereoWav(1500));
}

HUJIAO_REC_BACKENDS(ServiceTest);

}  // namespace
}  // namespace hujiao::recording::test
