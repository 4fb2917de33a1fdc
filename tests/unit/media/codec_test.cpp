#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "media/codec.h"

namespace hujiao::media {
namespace {

std::vector<int16_t> sine(int freq, int samples, double amp) {
  std::vector<int16_t> v(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) v[static_cast<size_t>(i)] = static_cast<int16_t>(amp * std::sin(2 * M_PI * freq * i / 8000.0));
  return v;
}

/// Signal-to-noise ratio in dB of `out` against `ref`, searching the codec delay.
double snrDb(const std::vector<int16_t>& ref, const std::vector<int16_t>& out, int maxDelay) {
  double best = -100;
  for (int d = 0; d <= maxDelay; ++d) {
    double sig = 0, err = 0;
    for (size_t i = 800; i + static_cast<size_t>(d) < out.size() && i < ref.size(); ++i) {
      double r = ref[i];
      double e = out[i + static_cast<size_t>(d)] - r;
      sig += r * r;
      err += e * e;
    }
    if (err > 0) best = std::max(best, 10 * std::log10(sig / err));
  }
  return best;
}

std::vector<int16_t> roundTrip(CodecId id, const std::vector<int16_t>& in) {
  auto c = makeCodec(id);
  EXPECT_TRUE(c);
  std::vector<int16_t> out;
  uint8_t buf[1500];
  int16_t pcm[960];
  for (size_t off = 0; off + kFrameSamples <= in.size(); off += kFrameSamples) {
    int n = c->encode(in.data() + off, kFrameSamples, buf, sizeof buf);
    EXPECT_GT(n, 0);
    int m = c->decode(buf, static_cast<size_t>(n), pcm, 960);
    EXPECT_EQ(m, kFrameSamples);
    out.insert(out.end(), pcm, pcm + m);
  }
  return out;
}

TEST(Codec, G711ByteSizesAndSnr) {
  auto in = sine(1000, 8000, 10000);
  for (CodecId id : {CodecId::Pcmu, CodecId::Pcma}) {
    auto c = makeCodec(id);
    uint8_t buf[200];
    EXPECT_EQ(c->encode(in.data(), 160, buf, sizeof buf), 160);
    auto out = roundTrip(id, in);
    EXPECT_GT(snrDb(in, out, 0), 30) << codecInfo(id).name;  // G.711 gives ~38 dB on a loud tone
  }
}

TEST(Codec, G711KnownValues) {
  EXPECT_EQ(linearToUlaw(0), 0xff);
  EXPECT_EQ(linearToAlaw(0), 0xd5);
  for (int v : {-32768, -1000, -1, 0, 1, 1000, 32767}) {
    auto s = static_cast<int16_t>(v);
    EXPECT_NEAR(ulawToLinear(linearToUlaw(s)), v, std::max(8.0, std::abs(v) * 0.07));
    EXPECT_NEAR(alawToLinear(linearToAlaw(s)), v, std::max(16.0, std::abs(v) * 0.07));
  }
}

TEST(Codec, G722RoundTrip) {
  auto in = sine(700, 8000, 8000);
  auto out = roundTrip(CodecId::G722, in);
  EXPECT_GT(snrDb(in, out, 80), 10);
}

TEST(Codec, OpusRoundTrip) {
  auto in = sine(440, 16000, 8000);
  auto out = roundTrip(CodecId::Opus, in);
  EXPECT_GT(snrDb(in, out, 200), 6);
}

TEST(Codec, G729RoundTripWhenBuilt) {
  if (!codecAvailable(CodecId::G729)) GTEST_SKIP() << "bcg729 not built in";
  auto c = makeCodec(CodecId::G729);
  auto in = sine(500, 8000, 8000);
  uint8_t buf[64];
  EXPECT_EQ(c->encode(in.data(), 160, buf, sizeof buf), 20);  // 2 x 10-byte frames
  auto out = roundTrip(CodecId::G729, in);
  double e = 0;
  for (size_t i = 1600; i < out.size(); ++i) e += std::abs(out[i]);
  EXPECT_GT(e / static_cast<double>(out.size() - 1600), 1000);  // a vocoder: check energy, not waveform
}

TEST(Codec, ConcealmentContinuesTheSignal) {
  auto c = makeCodec(CodecId::Pcmu);
  auto in = sine(400, 800, 8000);
  uint8_t buf[200];
  int16_t pcm[200];
  for (int f = 0; f < 4; ++f) {
    c->encode(in.data() + f * 160, 160, buf, sizeof buf);
    c->decode(buf, 160, pcm, 200);
  }
  c->conceal(pcm, 160);
  double e = 0;
  for (int i = 0; i < 160; ++i) e += std::abs(pcm[i]);
  EXPECT_GT(e / 160, 1000);  // not silence
}

TEST(Codec, LookupByName) {
  EXPECT_EQ(codecByName("pcmu")->id, CodecId::Pcmu);
  EXPECT_EQ(codecByName("OPUS")->sdpClockRate, 48000);
  EXPECT_EQ(codecByName("GSM"), nullptr);
}

}  // namespace
}  // namespace hujiao::media
