#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "media/codec.h"
#include "media/jitter_buffer.h"

namespace hujiao::media {
namespace {

// Packet k carries a constant level so the output order is visible.
std::vector<uint8_t> packet(int k) { return std::vector<uint8_t>(160, linearToUlaw(static_cast<int16_t>(1000 + 100 * k))); }

int levelOf(const int16_t* f) { return (f[80] - 1000 + 50) / 100; }

struct Fixture {
  JitterBuffer jb{20, 200, 40};
  std::unique_ptr<Codec> codec = makeCodec(CodecId::Pcmu);
  void put(int k, int64_t arrivalMs) {
    auto p = packet(k);
    jb.put(static_cast<uint16_t>(100 + k), static_cast<uint32_t>(k * 160), p.data(), p.size(), arrivalMs * 1000, 8);
  }
  int16_t last[160] = {};
  int get() {
    jb.get(*codec, last);
    return levelOf(last);
  }
  double meanAbs() const {
    double s = 0;
    for (int16_t v : last) s += std::abs(v);
    return s / 160;
  }
};

TEST(JitterBuffer, ReordersPackets) {
  Fixture f;
  f.put(0, 0);
  f.put(2, 20);
  f.put(1, 25);
  f.put(3, 60);
  std::vector<int> out;
  for (int i = 0; i < 4; ++i) out.push_back(f.get());
  EXPECT_EQ(out, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(f.jb.stats().concealed, 0u);
}

TEST(JitterBuffer, ConcealsALostPacket) {
  Fixture f;
  for (int k = 0; k < 8; ++k) {
    if (k != 3) f.put(k, k * 20);
  }
  std::vector<int> out;
  for (int i = 0; i < 8; ++i) {
    out.push_back(f.get());
    if (i == 3) {
      EXPECT_GT(f.meanAbs(), 500);
    }  // PLC continues the signal rather than inserting silence
  }
  EXPECT_EQ(out[2], 2);
  EXPECT_EQ(out[4], 4);
  EXPECT_EQ(f.jb.stats().concealed, 1u);
}

TEST(JitterBuffer, DropsLatePacketsAndGrowsAfterUnderrun) {
  Fixture f;
  f.put(0, 0);
  f.put(1, 20);
  EXPECT_EQ(f.get(), 0);
  EXPECT_EQ(f.get(), 1);
  int before = f.jb.targetMs();
  f.get();  // nothing buffered: underrun
  EXPECT_EQ(f.jb.stats().underruns, 1u);
  EXPECT_GT(f.jb.targetMs(), before);
  f.put(1, 80);  // a duplicate of an already played packet
  f.put(5, 100);
  f.put(6, 120);
  f.put(7, 140);
  f.put(8, 160);
  int v = f.get();
  EXPECT_EQ(v, 5);
}

TEST(JitterBuffer, StaysBounded) {
  JitterBuffer jb(20, 100, 40);
  auto codec = makeCodec(CodecId::Pcmu);
  auto p = packet(1);
  for (int k = 0; k < 20; ++k) jb.put(static_cast<uint16_t>(k), static_cast<uint32_t>(k * 160), p.data(), p.size(), 0, 8);
  int16_t fr[160];
  for (int i = 0; i < 5; ++i) jb.get(*codec, fr);
  EXPECT_LE(jb.bufferedMs(), 120);
}

}  // namespace
}  // namespace hujiao::media
