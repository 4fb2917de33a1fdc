// The media recorder encrypting while it records (issue 7): a ".hrec" path is
// written through center::ChunkSink (recording::ChunkWriter), so the file on
// disk is a container from the first byte on, decrypts to a stereo WAV of the
// recorded length, and a process killed with SIGKILL mid-recording leaves a
// container that start-up recovery turns into a playable file missing at most
// its last second.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "center/records_sink.h"
#include "media/recorder.h"
#include "recording/chunk_reader.h"
#include "recording/file_ops.h"
#include "rec_test_support.h"

namespace hujiao::recording {
namespace {

using namespace test;
namespace fs = std::filesystem;

struct Events {
  std::mutex mu;
  std::vector<media::MediaEvent> list;
  media::EventPoster poster() {
    return [this](media::MediaEvent e) {
      std::lock_guard l(mu);
      list.push_back(std::move(e));
    };
  }
  bool waitStopped() {
    for (int i = 0; i < 300; ++i) {
      {
        std::lock_guard l(mu);
        for (auto& e : list)
          if (e.type == media::MediaEvent::Type::RecordingStopped) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

/// 20 ms frames: left 440 Hz, right 1 kHz.
void writeSeconds(media::Recording& rec, int seconds, int& n) {
  std::vector<int16_t> l(160), r(160);
  for (int f = 0; f < seconds * 50; ++f) {
    for (int i = 0; i < 160; ++i, ++n) {
      l[static_cast<size_t>(i)] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * n / 8000.0));
      r[static_cast<size_t>(i)] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 1000 * n / 8000.0));
    }
    rec.write(l.data(), r.data(), 160);
  }
}

std::string decryptAll(const std::string& path, const KeyRing& keys) {
  auto r = ChunkReader::open(path, keys);
  if (!r) return "error: " + r.error().code;
  std::string out((*r)->length(), '\0');
  auto got = (*r)->read(0, reinterpret_cast<uint8_t*>(out.data()), out.size());
  if (!got) return "error: " + got.error().code;
  out.resize(*got);
  return out;
}

class SealedRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChunkWriter::Options opt;
    opt.chunkSize = 8192;  // a quarter second of 8 kHz stereo
    media::setSealedSinkFactory(center::sealedSinkFactory(keys_.active(), opt));
  }
  void TearDown() override { media::setSealedSinkFactory({}); }
  TempDir dir_;
  KeyRing keys_ = ring({"k1"});
};

TEST_F(SealedRecorderTest, NoPlaintextOnDiskAndTheFileDecryptsToTheRecording) {
  Events ev;
  const std::string path = dir_.path() + "/2026/03/01/rec.wav.hrec";
  {
    media::RecorderHub hub(1, 200, ev.poster());
    auto info = std::make_shared<media::RecOpenInfo>();
    info->path = path;
    info->requestId = 7;
    media::Recording rec(hub.channel(0), 1, info, 200);
    int n = 0;
    writeSeconds(rec, 2, n);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // While recording: a container, sealed chunks only, no plain WAV anywhere.
    const std::string raw = readFile(path);
    ASSERT_GE(raw.size(), 256u + 8192u);
    EXPECT_EQ(raw.substr(0, 8), "HUJIAREC");
    EXPECT_EQ(raw.find("RIFF"), std::string::npos);
    EXPECT_EQ(raw.find("WAVEfmt"), std::string::npos);
    for (const auto& e : fs::recursive_directory_iterator(dir_.path()))
      EXPECT_TRUE(e.is_directory() || e.path().string() == path) << e.path();
    writeSeconds(rec, 1, n);
  }  // the Recording closes, the hub's writer finalizes, then the hub stops
  ASSERT_TRUE(ev.waitStopped());
  const std::string wav = decryptAll(path, keys_);
  ASSERT_EQ(wav.substr(0, 4), "RIFF") << wav.substr(0, 20);
  auto snd = sndOpen(wav);
  ASSERT_TRUE(snd.ok) << snd.error;
  EXPECT_EQ(snd.channels, 2);
  EXPECT_EQ(snd.sampleRate, 8000);
  EXPECT_EQ(snd.frames, 3 * 8000);  // the WAV sizes were patched at finalize
  EXPECT_GT(snd.rmsLeft, 3000);
  EXPECT_GT(snd.rmsRight, 3000);
  // A finished container needs no recovery.
  auto rec = recoverContainer(path, keys_);
  ASSERT_OK(rec);
  EXPECT_TRUE(rec->wasComplete);
  EXPECT_EQ(rec->info.durationMs, 3000);
}

TEST_F(SealedRecorderTest, WithoutAFactoryTheRecordingFailsInsteadOfWritingPlaintext) {
  media::setSealedSinkFactory({});
  Events ev;
  const std::string path = dir_.path() + "/x.wav.hrec";
  {
    media::RecorderHub hub(1, 200, ev.poster());
    auto info = std::make_shared<media::RecOpenInfo>();
    info->path = path;
    media::Recording rec(hub.channel(0), 1, info, 200);
    int n = 0;
    writeSeconds(rec, 1, n);
  }
  std::lock_guard l(ev.mu);
  bool error = false;
  for (auto& e : ev.list) error = error || e.type == media::MediaEvent::Type::Error;
  EXPECT_TRUE(error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir_.path() + "/x.wav"));
}

TEST_F(SealedRecorderTest, Kill9MidRecordingLeavesARecoverableFileMissingLessThanASecond) {
  const std::string path = dir_.path() + "/killed.wav.hrec";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child records 3 s in real time (as calls do) and is killed mid-recording.
    Events ev;
    media::RecorderHub hub(1, 200, ev.poster());
    auto info = std::make_shared<media::RecOpenInfo>();
    info->path = path;
    auto* rec = new media::Recording(hub.channel(0), 1, info, 200);
    int n = 0;
    for (int s = 0; s < 30; ++s) {
      std::vector<int16_t> l(160), r(160);
      for (int f = 0; f < 5; ++f) {  // 100 ms
        for (int i = 0; i < 160; ++i, ++n) {
          l[static_cast<size_t>(i)] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * n / 8000.0));
          r[static_cast<size_t>(i)] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 1000 * n / 8000.0));
        }
        rec->write(l.data(), r.data(), 160);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  const std::string raw = readFile(path);
  ASSERT_EQ(raw.substr(0, 8), "HUJIAREC");
  EXPECT_EQ(raw.find("RIFF"), std::string::npos);
  auto rec = recoverContainer(path, keys_);
  ASSERT_OK(rec);
  EXPECT_FALSE(rec->wasComplete);
  EXPECT_GE(rec->info.durationMs, 2000) << "lost more than a second";
  EXPECT_LE(rec->info.durationMs, 3000);
  const std::string wav = decryptAll(path, keys_);
  auto snd = sndOpen(wav);
  ASSERT_TRUE(snd.ok) << snd.error;
  EXPECT_EQ(snd.channels, 2);
  EXPECT_EQ(snd.frames * 1000 / 8000, rec->info.durationMs);
  EXPECT_GT(snd.rmsLeft, 3000);
  EXPECT_GT(snd.rmsRight, 3000);
}

}  // namespace
}  // namespace hujiao::recording
