// G.711 packet-loss concealment (src/media/plc.h): pitch-period repetition,
// fade to silence, cross-fade on recovery, and through the G.711 codec.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "media/codec.h"
#include "media/plc.h"

namespace hujiao::media {
namespace {

/// A voiced-speech-like periodic signal: 125 Hz fundamental (period 64 samples) with harmonics.
int16_t voiced(int i) {
  double t = i / 8000.0;
  double v = 6000 * std::sin(2 * M_PI * 125 * t) + 3000 * std::sin(2 * M_PI * 250 * t + 0.5) +
             1500 * std::sin(2 * M_PI * 375 * t + 1.0);
  return static_cast<int16_t>(v);
}

std::vector<int16_t> frame(int first, int n = kFrameSamples) {
  std::vector<int16_t> f(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) f[static_cast<size_t>(i)] = voiced(first + i);
  return f;
}

double energy(const int16_t* p, int n) {
  double e = 0;
  for (int i = 0; i < n; ++i) e += static_cast<double>(p[i]) * p[i];
  return e / n;
}

double snrDb(const int16_t* ref, const int16_t* out, int n) {
  double sig = 0, err = 0;
  for (int i = 0; i < n; ++i) {
    sig += static_cast<double>(ref[i]) * ref[i];
    double e = static_cast<double>(out[i]) - ref[i];
    err += e * e;
  }
  return err == 0 ? 100 : 10 * std::log10(sig / err);
}

void feed(Plc& plc, int frames) {
  for (int f = 0; f < frames; ++f) {
    auto g = frame(f * kFrameSamples);
    plc.good(g.data(), kFrameSamples);
  }
}

TEST(Plc, FindsThePitchAndContinuesTheWaveform) {
  Plc plc;
  feed(plc, 10);
  int16_t out[kFrameSamples];
  plc.conceal(out, kFrameSamples);
  EXPECT_EQ(plc.pitch() % 64, 0) << "pitch " << plc.pitch();  // the period or a multiple of it
  // The first 10 ms are at full level and follow the real signal closely.
  auto truth = frame(10 * kFrameSamples);
  EXPECT_GT(snrDb(truth.data(), out, 80), 20.0);
  // No click at the start of the concealment: the first synthetic sample is where the real one would be.
  EXPECT_LT(std::abs(out[0] - truth[0]), 300) << out[0] << " vs " << truth[0];
  // Nor anywhere in the frame (period wraps): no step steeper than the signal's own (< 1650 per sample).
  for (int i = 1; i < kFrameSamples; ++i) EXPECT_LT(std::abs(out[i] - out[i - 1]), 1700) << i;
}

TEST(Plc, FadesToSilenceAfter60Ms) {
  Plc plc;
  feed(plc, 10);
  double full = energy(frame(0).data(), kFrameSamples);
  std::vector<double> e;
  for (int f = 0; f < 5; ++f) {
    int16_t out[kFrameSamples];
    plc.conceal(out, kFrameSamples);
    e.push_back(energy(out, kFrameSamples));
  }
  EXPECT_GT(e[0], 0.6 * full);  // 0-20 ms: full for 10 ms, then fading
  EXPECT_LT(e[1], e[0]);        // 20-40 ms quieter
  EXPECT_LT(e[2], e[1]);        // 40-60 ms quieter still
  EXPECT_EQ(e[3], 0.0);         // silent from 60 ms
  EXPECT_EQ(e[4], 0.0);
  EXPECT_EQ(plc.erasedSamples(), 5 * kFrameSamples);
}

TEST(Plc, RecoveryCrossFadesWithoutAClickAndKeepsTheRealTail) {
  Plc plc;
  feed(plc, 10);
  int16_t lost[kFrameSamples];
  plc.conceal(lost, kFrameSamples);
  auto real = frame(11 * kFrameSamples);
  std::vector<int16_t> got = real;
  plc.good(got.data(), kFrameSamples);
  EXPECT_EQ(plc.erasedSamples(), 0);
  // The boundary step is small (a cross-fade, not a jump to an unrelated sample)...
  EXPECT_LT(std::abs(got[0] - lost[kFrameSamples - 1]), 2500);
  // ...and after the fade (at most 10 ms) the frame is the real audio, untouched.
  for (int i = 80; i < kFrameSamples; ++i) EXPECT_EQ(got[static_cast<size_t>(i)], real[static_cast<size_t>(i)]);
}

TEST(Plc, RecoveryAfterLongLossRampsUpFromSilence) {
  Plc plc;
  feed(plc, 10);
  int16_t out[kFrameSamples];
  for (int f = 0; f < 4; ++f) plc.conceal(out, kFrameSamples);  // 80 ms: now silent
  auto real = frame(14 * kFrameSamples);
  std::vector<int16_t> got = real;
  plc.good(got.data(), kFrameSamples);
  EXPECT_LT(std::abs(got[0]), std::abs(real[0]) / 2 + 50);  // starts near silence
  EXPECT_EQ(got[kFrameSamples - 1], real[kFrameSamples - 1]);
}

TEST(Plc, SilenceAndNoHistoryGiveSilence) {
  Plc fresh;
  int16_t out[kFrameSamples];
  fresh.conceal(out, kFrameSamples);
  for (int16_t s : out) EXPECT_EQ(s, 0);
  Plc quiet;
  std::vector<int16_t> zeros(kFrameSamples, 0);
  for (int f = 0; f < 5; ++f) quiet.good(zeros.data(), kFrameSamples);
  quiet.conceal(out, kFrameSamples);
  for (int16_t s : out) EXPECT_EQ(s, 0);
}

TEST(Plc, OddFrameSizesAndWidebandRate) {
  // 10 ms packets, 30 ms packets, and a 16 kHz instance: nothing out of range, still periodic output.
  Plc plc(16000);
  for (int f = 0; f < 20; ++f) {
    std::vector<int16_t> g(160);
    for (int i = 0; i < 160; ++i) g[static_cast<size_t>(i)] = voiced((f * 160 + i) / 2);  // 125 Hz at 16 kHz
    plc.good(g.data(), 160);
  }
  int16_t out[480];
  plc.conceal(out, 480);
  EXPECT_EQ(plc.pitch() % 128, 0) << plc.pitch();
  EXPECT_GT(energy(out, 160), 1e6);
  Plc small;
  std::vector<int16_t> g = frame(0, 80);
  small.good(g.data(), 80);
  small.conceal(out, 240);
  small.good(g.data(), 80);
}

TEST(Plc, G711CodecConcealsALostPacket) {
  for (CodecId id : {CodecId::Pcmu, CodecId::Pcma}) {
    auto c = makeCodec(id);
    uint8_t buf[kFrameSamples];
    int16_t pcm[kFrameSamples];
    for (int f = 0; f < 10; ++f) {
      auto g = frame(f * kFrameSamples);
      ASSERT_EQ(c->encode(g.data(), kFrameSamples, buf, sizeof buf), kFrameSamples);
      ASSERT_EQ(c->decode(buf, kFrameSamples, pcm, kFrameSamples), kFrameSamples);
    }
    c->conceal(pcm, kFrameSamples);
    auto truth = frame(10 * kFrameSamples);
    EXPECT_GT(snrDb(truth.data(), pcm, 80), 15.0) << codecInfo(id).name;
  }
}

}  // namespace
}  // namespace hujiao::media
