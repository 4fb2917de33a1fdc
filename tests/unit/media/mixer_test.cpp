#include <gtest/gtest.h>

#include <vector>

#include "media/mixer.h"

namespace hujiao::media {
namespace {

std::vector<int16_t> constant(int16_t v) { return std::vector<int16_t>(kFrameSamples, v); }

TEST(Mixer, EachHearsAllButHimself) {
  auto a = constant(1000), b = constant(2000), c = constant(4000);
  MixInput in[3] = {{a.data(), true}, {b.data(), true}, {c.data(), true}};
  std::vector<int16_t> oa(160), ob(160), oc(160), total(160);
  int16_t* out[3] = {oa.data(), ob.data(), oc.data()};
  EXPECT_EQ(mixFrame(in, 3, 3, out, total.data(), nullptr), 3);
  EXPECT_EQ(oa[0], 6000);
  EXPECT_EQ(ob[0], 5000);
  EXPECT_EQ(oc[0], 3000);
  EXPECT_EQ(total[0], 7000);
}

TEST(Mixer, ClipsInsteadOfWrapping) {
  auto a = constant(30000), b = constant(30000), c = constant(-30000), d = constant(-30000);
  MixInput in[4] = {{a.data(), true}, {b.data(), true}, {c.data(), false}, {d.data(), false}};
  std::vector<int16_t> oc(160), total(160);
  int16_t* out[4] = {nullptr, nullptr, oc.data(), nullptr};
  mixFrame(in, 4, 4, out, total.data(), nullptr);
  EXPECT_EQ(total[5], 32767);
  EXPECT_EQ(oc[5], 32767);  // muted members still hear
}

TEST(Mixer, OnlyLoudestSpeakersAndMuteAndSilence) {
  auto quiet = constant(10), l1 = constant(100), l2 = constant(200), l3 = constant(300);
  MixInput in[4] = {{quiet.data(), true}, {l1.data(), true}, {l2.data(), true}, {l3.data(), true}};
  std::vector<int16_t> o0(160), total(160);
  int16_t* out[4] = {o0.data(), nullptr, nullptr, nullptr};
  EXPECT_EQ(mixFrame(in, 4, 2, out, total.data(), nullptr), 2);
  EXPECT_EQ(total[0], 500);  // l2 + l3; l1 dropped, quiet is below the speech threshold
  EXPECT_EQ(o0[0], 500);
  in[3].canSpeak = false;    // mute the loudest
  mixFrame(in, 4, 2, out, total.data(), nullptr);
  EXPECT_EQ(total[0], 300);
}

TEST(Mixer, ExtraToneReachesEveryone) {
  auto a = constant(1000);
  auto tone = constant(50);
  MixInput in[2] = {{a.data(), true}, {nullptr, true}};
  std::vector<int16_t> oa(160), ob(160);
  int16_t* out[2] = {oa.data(), ob.data()};
  mixFrame(in, 2, 3, out, nullptr, tone.data());
  EXPECT_EQ(oa[0], 50);
  EXPECT_EQ(ob[0], 1050);
}

TEST(Mixer, Level) {
  auto a = constant(-300);
  EXPECT_EQ(frameLevel(a.data(), 160), 300);
}

}  // namespace
}  // namespace hujiao::media
