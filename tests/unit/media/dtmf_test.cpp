#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "media/dtmf.h"

namespace hujiao::media {
namespace {

// DTMF frequencies (Q.23).
void addDigit(std::vector<int16_t>& out, char d, int ms, double lowDbm0, double highDbm0) {
  static const char* keys = "123A456B789C*0#D";
  static const int lows[] = {697, 770, 852, 941};
  static const int highs[] = {1209, 1336, 1477, 1633};
  int idx = static_cast<int>(std::string(keys).find(d));
  double fl = lows[idx / 4], fh = highs[idx % 4];
  auto amp = [](double dbm0) { return 32767.0 * std::pow(10.0, (dbm0 - 3.14) / 20.0); };
  double al = amp(lowDbm0), ah = amp(highDbm0);
  int n = ms * 8;
  for (int i = 0; i < n; ++i) {
    double v = al * std::sin(2 * M_PI * fl * i / 8000) + ah * std::sin(2 * M_PI * fh * i / 8000);
    out.push_back(static_cast<int16_t>(v));
  }
}

void addSilence(std::vector<int16_t>& out, int ms) { out.insert(out.end(), static_cast<size_t>(ms * 8), 0); }

void addNoise(std::vector<int16_t>& v, double dbm0) {
  std::mt19937 rng(7);
  std::normal_distribution<double> g(0, 32767.0 * std::pow(10.0, (dbm0 - 3.14) / 20.0) / std::sqrt(2.0));
  for (auto& s : v) s = static_cast<int16_t>(std::clamp(s + g(rng), -32768.0, 32767.0));
}

std::vector<DtmfDigit> detect(const std::vector<int16_t>& audio) {
  InbandDtmfDetector det;
  std::vector<DtmfDigit> out;
  for (size_t off = 0; off + 160 <= audio.size(); off += 160) {
    DtmfDigit d[4];
    int n = det.process(audio.data() + off, 160, d, 4);
    out.insert(out.end(), d, d + n);
  }
  return out;
}

TEST(InbandDtmf, DetectsEveryDigitOnceWithDuration) {
  std::vector<int16_t> a;
  const std::string digits = "0123456789*#ABCD";
  addSilence(a, 100);
  for (char c : digits) {
    addDigit(a, c, 100, -10, -8);
    addSilence(a, 80);
  }
  auto got = detect(a);
  std::string s;
  for (auto& d : got) s.push_back(d.digit);
  EXPECT_EQ(s, digits);
  for (auto& d : got) EXPECT_NEAR(d.durationMs, 100, 25);
}

TEST(InbandDtmf, SurvivesNoiseAndTwist) {
  std::vector<int16_t> a;
  addSilence(a, 100);
  addDigit(a, '5', 120, -14, -10);  // 4 dB (normal) twist
  addSilence(a, 100);
  addDigit(a, '9', 120, -10, -13);  // 3 dB reverse twist
  addSilence(a, 100);
  addDigit(a, '#', 80, -20, -18);   // quiet
  addSilence(a, 100);
  addNoise(a, -40);  // ~20 dB SNR to the quiet digit
  auto got = detect(a);
  std::string s;
  for (auto& d : got) s.push_back(d.digit);
  EXPECT_EQ(s, "59#");
}

TEST(InbandDtmf, SpeechLikeToneIsNotADigit) {
  std::vector<int16_t> a;
  for (int i = 0; i < 8000; ++i) a.push_back(static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * i / 8000.0)));
  EXPECT_TRUE(detect(a).empty());
}

TEST(InbandDtmf, GeneratorOutputIsDetected) {
  InbandDtmfGenerator gen;
  gen.queue("147", 100);
  std::vector<int16_t> a;
  int16_t f[160];
  while (gen.generate(f, 160)) a.insert(a.end(), f, f + 160);
  addSilence(a, 100);
  auto got = detect(a);
  std::string s;
  for (auto& d : got) s.push_back(d.digit);
  EXPECT_EQ(s, "147");
}

}  // namespace
}  // namespace hujiao::media
