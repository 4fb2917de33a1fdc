// RecordLane: the recording-only receive path of a G.711 leg (record_lane.h).
#include "media/record_lane.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace hujiao::media {
namespace {

// A 20 ms PCMU payload whose every byte is `b` (decodes to a constant sample).
std::vector<uint8_t> payload(uint8_t b) { return std::vector<uint8_t>(kFrameSamples, b); }

struct LaneTest : ::testing::Test {
  const int16_t* table = g711DecodeTable(CodecId::Pcmu);
  RecordLane lane{table};
  int16_t out[kFrameSamples] = {};
  void put(uint32_t ts, uint8_t b) {
    auto p = payload(b);
    ASSERT_TRUE(lane.put(ts, p.data(), p.size()));
  }
  // The next frame: its (constant) sample, or 0 for silence; `got` tells received.
  int16_t next(bool& got) {
    got = lane.get(out);
    for (int i = 1; i < kFrameSamples; ++i) EXPECT_EQ(out[i], out[0]);
    return out[0];
  }
};

TEST_F(LaneTest, DecodesThroughTheG711TableAfterTheFixedDelay) {
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(g711DecodeTable(CodecId::Opus), nullptr);
  EXPECT_EQ(table[0x10], ulawToLinear(0x10));
  bool got = true;
  put(1000, 0x10);  // lands kDelay frames after the next tick
  for (int i = 0; i < RecordLane::kDelay; ++i) {
    EXPECT_EQ(next(got), 0);
    EXPECT_FALSE(got);
  }
  EXPECT_EQ(next(got), ulawToLinear(0x10));
  EXPECT_TRUE(got);
}

TEST_F(LaneTest, PlacesReorderedPacketsByTimestampAndLeavesLossSilent) {
  put(0, 0x10);
  put(320, 0x30);  // the packet at 160 is lost; 320 arrives before 480 ...
  put(640, 0x40);
  put(480, 0x20);  // ... and 480 late but still in time
  bool got = false;
  for (int i = 0; i < RecordLane::kDelay; ++i) next(got);
  EXPECT_EQ(next(got), ulawToLinear(0x10));
  EXPECT_EQ(next(got), 0);
  EXPECT_FALSE(got);
  EXPECT_EQ(next(got), ulawToLinear(0x30));
  EXPECT_EQ(next(got), ulawToLinear(0x20));
  EXPECT_EQ(next(got), ulawToLinear(0x40));
  EXPECT_EQ(lane.resyncs(), 1u);
}

TEST_F(LaneTest, DropsALatePacketAndResyncsAfterARunOfThem) {
  put(0, 0x10);
  bool got = false;
  for (int i = 0; i < RecordLane::kDelay + 1; ++i) next(got);  // frame 0 played
  put(0, 0x11);  // a duplicate of a played frame: dropped
  EXPECT_EQ(lane.lateDropped(), 1u);
  EXPECT_EQ(lane.resyncs(), 1u);
  // The sender's clock fell behind: a second late one in a row re-anchors the timeline.
  put(0, 0x11);
  EXPECT_EQ(lane.resyncs(), 2u);
  EXPECT_EQ(lane.lateDropped(), 2u);
  for (int i = 0; i < RecordLane::kDelay; ++i) next(got);
  EXPECT_EQ(next(got), ulawToLinear(0x11));
}

TEST_F(LaneTest, ATimestampJumpStartsANewTimeline) {
  put(0, 0x10);
  put(5'000'000, 0x50);  // new stream (re-INVITE, other SSRC): far ahead of the ring
  bool got = false;
  for (int i = 0; i < RecordLane::kDelay; ++i) next(got);
  EXPECT_EQ(next(got), ulawToLinear(0x50));
  EXPECT_EQ(lane.resyncs(), 2u);
  put(5'000'000 + 7, 0x60);  // off the 160-sample grid: re-anchored too
  EXPECT_EQ(lane.resyncs(), 3u);
}

TEST_F(LaneTest, RefusesPacketsThatAreNot20ms) {
  std::vector<uint8_t> p10(80, 0x10), p30(240, 0x10);
  EXPECT_FALSE(lane.put(0, p10.data(), p10.size()));
  EXPECT_FALSE(lane.put(0, p30.data(), p30.size()));
  bool got = true;
  EXPECT_EQ(next(got), 0);
  EXPECT_FALSE(got);
}

}  // namespace
}  // namespace hujiao::media
