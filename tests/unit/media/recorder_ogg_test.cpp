// Opus-in-Ogg recording: the file the recorder's writer thread produces is read
// back with libogg (page CRCs, OpusHead/OpusTags per RFC 7845) and every audio
// packet is decoded with libopus; the decoded length and both channels' levels
// must match what was recorded.
#include <gtest/gtest.h>
#include <ogg/ogg.h>
#include <opus/opus.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "media/recorder.h"

namespace hujiao::media {
namespace {

namespace fs = std::filesystem;

struct OggRead {
  int pages = 0;
  int badPages = 0;  // CRC failures / holes
  std::vector<std::vector<unsigned char>> packets;
  int64_t lastGranule = -1;
  bool eos = false;
};

OggRead readOgg(const std::string& path) {
  OggRead r;
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ogg_sync_state sync;
  ogg_sync_init(&sync);
  char* buf = ogg_sync_buffer(&sync, static_cast<long>(bytes.size()));
  std::memcpy(buf, bytes.data(), bytes.size());
  ogg_sync_wrote(&sync, static_cast<long>(bytes.size()));
  ogg_stream_state stream;
  bool haveStream = false;
  ogg_page page;
  for (;;) {
    int rc = ogg_sync_pageout(&sync, &page);
    if (rc == 0) break;
    if (rc < 0) {
      ++r.badPages;
      continue;
    }
    ++r.pages;
    if (!haveStream) {
      ogg_stream_init(&stream, ogg_page_serialno(&page));
      haveStream = true;
    }
    if (ogg_stream_pagein(&stream, &page) != 0) ++r.badPages;
    if (ogg_page_granulepos(&page) >= 0) r.lastGranule = ogg_page_granulepos(&page);
    if (ogg_page_eos(&page)) r.eos = true;
    ogg_packet pkt;
    while (ogg_stream_packetout(&stream, &pkt) == 1) {
      r.packets.emplace_back(pkt.packet, pkt.packet + pkt.bytes);
    }
  }
  if (haveStream) ogg_stream_clear(&stream);
  ogg_sync_clear(&sync);
  return r;
}

TEST(RecorderOgg, OpusFileDecodesToTheRecordedAudio) {
  auto dir = fs::temp_directory_path() / ("hujiao_ogg_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "call.opus").string();
  std::mutex mu;
  std::vector<MediaEvent> events;
  {
    RecorderHub hub(1, 200, [&](MediaEvent e) {
      std::lock_guard l(mu);
      events.push_back(std::move(e));
    });
    RecOpenInfo oi;
    oi.path = path;
    oi.format = RecordingFormat::OggOpus;
    oi.channels = 2;
    Recording rec(hub.channel(0), 1, std::make_shared<const RecOpenInfo>(oi), 200);
    // Channel 0: 400 Hz at -12 dBFS; channel 1: 1 kHz, 12 dB quieter. 1 s, a paused
    // 0.5 s (not recorded), then 0.5 s more: 1.5 s in the file.
    std::vector<int16_t> a(160), b(160);
    int n = 0;
    auto frame = [&] {
      for (int i = 0; i < 160; ++i, ++n) {
        a[static_cast<size_t>(i)] = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 400 * n / 8000.0));
        b[static_cast<size_t>(i)] = static_cast<int16_t>(2000 * std::sin(2 * M_PI * 1000 * n / 8000.0));
      }
    };
    for (int i = 0; i < 50; ++i) {
      frame();
      rec.write(a.data(), b.data(), 160);
    }
    rec.setPaused(true);
    for (int i = 0; i < 25; ++i) rec.write(a.data(), b.data(), 160);
    rec.setPaused(false);
    for (int i = 0; i < 25; ++i) {
      frame();
      rec.write(a.data(), b.data(), 160);
    }
  }  // hub destructor: everything written and the stream finished
  {
    std::lock_guard l(mu);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().type, MediaEvent::Type::RecordingStopped);
    EXPECT_EQ(events.back().recordedMs, 1500);
  }

  OggRead r = readOgg(path);
  EXPECT_EQ(r.badPages, 0);
  EXPECT_TRUE(r.eos);
  ASSERT_GE(r.packets.size(), 3u);
  // RFC 7845 identification header.
  const auto& head = r.packets[0];
  ASSERT_GE(head.size(), 19u);
  EXPECT_EQ(std::memcmp(head.data(), "OpusHead", 8), 0);
  EXPECT_EQ(head[8], 1);   // version
  EXPECT_EQ(head[9], 2);   // channels
  int preSkip = head[10] | head[11] << 8;
  uint32_t inputRate = head[12] | head[13] << 8 | head[14] << 16 | static_cast<uint32_t>(head[15]) << 24;
  EXPECT_EQ(inputRate, 8000u);
  EXPECT_EQ(head[18], 0);  // mapping family 0 (mono/stereo)
  EXPECT_EQ(std::memcmp(r.packets[1].data(), "OpusTags", 8), 0);

  // Decode every audio packet; granule positions count 48 kHz samples incl. pre-skip.
  int err = 0;
  OpusDecoder* dec = opus_decoder_create(48000, 2, &err);
  ASSERT_EQ(err, OPUS_OK);
  std::vector<int16_t> pcm;
  std::vector<int16_t> buf(5760 * 2);
  for (size_t i = 2; i < r.packets.size(); ++i) {
    int got = opus_decode(dec, r.packets[i].data(), static_cast<opus_int32>(r.packets[i].size()), buf.data(), 5760, 0);
    ASSERT_GT(got, 0) << "packet " << i;
    pcm.insert(pcm.end(), buf.begin(), buf.begin() + 2 * got);
  }
  opus_decoder_destroy(dec);
  int64_t playable = r.lastGranule - preSkip;  // what a player outputs
  EXPECT_EQ(playable, 72000);                  // 1.5 s at 48 kHz
  ASSERT_GE(static_cast<int64_t>(pcm.size() / 2), r.lastGranule);

  // Levels of both channels over the steady middle part: ~-12 dBFS and 12 dB below.
  double e0 = 0, e1 = 0;
  int64_t from = preSkip + 4800, to = preSkip + 48000;  // 0.1 s .. 0.9 s
  for (int64_t s = from; s < to; ++s) {
    e0 += std::pow(pcm[static_cast<size_t>(2 * s)], 2);
    e1 += std::pow(pcm[static_cast<size_t>(2 * s + 1)], 2);
  }
  double rms0 = std::sqrt(e0 / static_cast<double>(to - from));
  double rms1 = std::sqrt(e1 / static_cast<double>(to - from));
  EXPECT_NEAR(rms0, 8000 / std::sqrt(2.0), 8000 / std::sqrt(2.0) * 0.25);
  EXPECT_NEAR(rms1, 2000 / std::sqrt(2.0), 2000 / std::sqrt(2.0) * 0.35);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hujiao::media
