#include <gtest/gtest.h>
#include <sndfile.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "media/recorder.h"

namespace hujiao::media {
namespace {

namespace fs = std::filesystem;

struct Events {
  std::mutex mu;
  std::vector<MediaEvent> list;
  EventPoster poster() {
    return [this](MediaEvent e) {
      std::lock_guard l(mu);
      list.push_back(std::move(e));
    };
  }
  bool waitFor(MediaEvent::Type t) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard l(mu);
        for (auto& e : list) {
          if (e.type == t) return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

fs::path tempDir() {
  auto d = fs::temp_directory_path() / ("hujiao_rec_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

TEST(Recorder, PauseResumeGivesStereoWavOfTheRightLength) {
  Events ev;
  auto dir = tempDir();
  std::string path = (dir / "sub" / "call.wav").string();
  {
    RecorderHub hub(1, 500, ev.poster());
    auto info = std::make_shared<RecOpenInfo>();
    info->path = path;
    info->requestId = 9;
    info->endpoint = 3;
    Recording rec(hub.channel(0), 1, info, 500);
    std::vector<int16_t> left(160, 1000), right(160, -2000);
    for (int i = 0; i < 50; ++i) rec.write(left.data(), right.data(), 160);  // 1 s
    rec.setPaused(true);
    for (int i = 0; i < 25; ++i) rec.write(left.data(), right.data(), 160);  // dropped
    rec.setPaused(false);
    for (int i = 0; i < 25; ++i) rec.write(left.data(), right.data(), 160);  // 0.5 s
  }
  ASSERT_TRUE(ev.waitFor(MediaEvent::Type::RecordingStopped));
  {
    std::lock_guard l(ev.mu);
    auto& e = ev.list.back();
    EXPECT_EQ(e.requestId, 9u);
    EXPECT_EQ(e.recordedMs, 1500);
    EXPECT_EQ(e.detail, path);
  }
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.samplerate, 8000);
  EXPECT_EQ(info.frames, 12000);
  std::vector<int16_t> s(2 * 10);
  sf_readf_short(f, s.data(), 10);
  sf_close(f);
  EXPECT_EQ(s[0], 1000);
  EXPECT_EQ(s[1], -2000);
  fs::remove_all(dir);
}

TEST(Recorder, FileIsPlayableWhileStillRecording) {
  // What a kill -9 would leave: after each block the header already matches the data.
  Events ev;
  auto dir = tempDir();
  std::string path = (dir / "live.wav").string();
  RecorderHub hub(1, 200, ev.poster());
  auto info = std::make_shared<RecOpenInfo>();
  info->path = path;
  auto rec = std::make_unique<Recording>(hub.channel(0), 2, info, 200);
  std::vector<int16_t> a(160, 500);
  for (int i = 0; i < 30; ++i) rec->write(a.data(), a.data(), 160);  // 600 ms = 3 blocks
  sf_count_t frames = 0;
  for (int i = 0; i < 100 && frames < 4800; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    SF_INFO si{};
    if (SNDFILE* f = sf_open(path.c_str(), SFM_READ, &si)) {
      frames = si.frames;
      sf_close(f);
    }
  }
  EXPECT_EQ(frames, 4800);
  rec.reset();
  fs::remove_all(dir);
}

TEST(Recorder, UnwritablePathReportsAnError) {
  Events ev;
  {
    RecorderHub hub(1, 500, ev.poster());
    auto info = std::make_shared<RecOpenInfo>();
    info->path = "/proc/definitely/not/here.wav";
    Recording rec(hub.channel(0), 3, info, 500);
  }
  EXPECT_TRUE(ev.waitFor(MediaEvent::Type::Error));
}

}  // namespace
}  // namespace hujiao::media
