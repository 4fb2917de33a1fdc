// A recording process killed with SIGKILL mid-stream: every sealed chunk is
// still decryptable, and start-up recovery makes a finished file that plays
// as a WAV missing at most its last chunk (well under a second).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "rec_test_support.h"
#include "recording/audio_info.h"
#include "recording/chunk_reader.h"
#include "recording/chunk_writer.h"
#include "recording/container_format.h"
#include "recording/file_ops.h"
#include "recording/recording_config.h"

namespace hujiao::recording::test {
namespace {

constexpr int kFrameBytes = 640;  // 20 ms of 8 kHz stereo 16-bit

/// In a child process: write a WAV header (sizes 0, as a live recorder does)
/// and `ms` of audio in 20 ms frames through a ChunkWriter, then SIGKILL itself.
void recordAndDie(const std::string& path, const Key& key, uint32_t chunk, int ms, const std::string& tornTail) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto w = ChunkWriter::create(path, key, {chunk, false});
    if (!w) ::_exit(3);
    const std::string head = wavHeader(2, 8000, 16, 0);
    if (!(*w)->append(reinterpret_cast<const uint8_t*>(head.data()), head.size())) ::_exit(4);
    const std::string pcm = stereoPcm(ms);
    for (size_t pos = 0; pos < pcm.size(); pos += kFrameBytes) {
      const size_t n = std::min<size_t>(kFrameBytes, pcm.size() - pos);
      if (!(*w)->append(reinterpret_cast<const uint8_t*>(pcm.data()) + pos, n)) ::_exit(5);
    }
    if (!tornTail.empty()) {
      // A record only partly written when the process died.
      FILE* f = std::fopen(path.c_str(), "ab");
      std::fwrite(tornTail.data(), 1, tornTail.size(), f);
      std::fclose(f);
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(6);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
}

class CrashRecoveryTest : public ::testing::TestWithParam<std::string> {
 protected:
  TempDir tmp_;
  KeyRing ring_ = ring({"k1"});
};

TEST_P(CrashRecoveryTest, KilledRecorderLeavesAPlayableFileMissingAtMostOneChunk) {
  const uint32_t chunk = defaultChunkBytes("wav");  // what recording.chunk_bytes = 0 gives
  ASSERT_LE(chunk, 32000u) << "a chunk must hold at most one second of WAV stereo audio";
  const std::string path = tmp_.file("2024/05/01/call.wav.hrec");
  const int ms = 7310;
  recordAndDie(path, ring_.active(), chunk, ms, GetParam() == "torn" ? std::string(700, 'x') : "");
  const uint64_t written = 44 + static_cast<uint64_t>(ms) * 32;

  // Not finalized: the normal reader refuses, naming why.
  EXPECT_CODE(ChunkReader::open(path, ring_), "incomplete");
  // The sealed chunks are readable even before recovery.
  auto live = ChunkReader::open(path, ring_, ChunkReader::Mode::AllowIncomplete);
  ASSERT_OK(live);
  EXPECT_GE((*live)->length() + chunk, written);
  live->reset();

  auto rec = recoverContainer(path, ring_);
  ASSERT_OK(rec);
  EXPECT_FALSE(rec->wasComplete);
  EXPECT_EQ(rec->chunksKept, written / chunk);
  if (GetParam() == "torn") {
    EXPECT_EQ(rec->bytesDiscarded, 700u);
  }
  EXPECT_EQ(rec->info.format, "wav");
  const uint64_t lost = written - rec->info.plaintextBytes;
  EXPECT_LT(lost, chunk);
  EXPECT_LE(ms - rec->info.durationMs, 1000);
  EXPECT_EQ(rec->info.durationMs, static_cast<int64_t>((rec->info.plaintextBytes - 44) / 32));

  // Now a finished file: opens normally, authenticates, plays.
  auto plain = decryptFile(path, ring_);
  ASSERT_OK(plain);
  EXPECT_EQ(plain->size(), rec->info.plaintextBytes);
  auto snd = sndOpen(*plain);
  ASSERT_TRUE(snd.ok) << snd.error;
  EXPECT_EQ(snd.channels, 2);
  EXPECT_EQ(snd.sampleRate, 8000);
  EXPECT_EQ(snd.frames, static_cast<int64_t>((rec->info.plaintextBytes - 44) / 4));
  EXPECT_GE(snd.frames, ms * 8 - 8000);  // at most one second missing
  EXPECT_GT(snd.rmsLeft, 1000);
  EXPECT_GT(snd.rmsRight, 1000);
  // The audio is the audio that was recorded.
  EXPECT_EQ(plain->substr(44), stereoPcm(ms).substr(0, plain->size() - 44));
  // Recovery is idempotent.
  auto again = recoverContainer(path, ring_);
  ASSERT_OK(again);
  EXPECT_TRUE(again->wasComplete);
  EXPECT_EQ(again->info.sha256, rec->info.sha256);
}

INSTANTIATE_TEST_SUITE_P(Crash, CrashRecoveryTest, ::testing::Values("clean", "torn"));

TEST(CrashRecovery, AFinalChunkWrittenJustBeforeTheCrashIsKept) {
  // The final record reached the disk, the header update did not.
  TempDir tmp;
  KeyRing r = ring({"k"});
  const std::string wav = stereoWav(1000);
  const std::string path = tmp.file("f.hrec");
  {
    auto w = ChunkWriter::create(path, r.active(), {1024, false});
    ASSERT_OK(w);
    ASSERT_OK((*w)->append(reinterpret_cast<const uint8_t*>(wav.data()), wav.size()));
    ASSERT_OK((*w)->finalize());
  }
  std::string data = readFile(path);
  std::memset(data.data() + 80, 0, 16);  // state Open, length 0: as before finalize wrote the header
  writeFile(path, data);
  auto rec = recoverContainer(path, r);
  ASSERT_OK(rec);
  EXPECT_EQ(rec->info.plaintextBytes, wav.size());
  auto plain = decryptFile(path, r);
  ASSERT_OK(plain);
  EXPECT_EQ(*plain, wav);
}

}  // namespace
}  // namespace hujiao::recording::test
