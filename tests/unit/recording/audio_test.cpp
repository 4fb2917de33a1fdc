// WAV/Ogg helpers and HTTP Range parsing.
#include "rec_test_support.h"
#include "recording/audio_info.h"
#include "recording/playback.h"

namespace hujiao::recording::test {
namespace {

TEST(AudioInfo, ParsesAndRepairsAWavHeader) {
  const std::string wav = stereoWav(1000, 0);  // stale header: data size 0
  auto w = parseWav(wav);
  ASSERT_OK(w);
  EXPECT_EQ(w->channels, 2);
  EXPECT_EQ(w->sampleRate, 8000);
  EXPECT_EQ(w->blockAlign, 4);
  EXPECT_EQ(w->dataOffset, 44u);
  EXPECT_EQ(w->dataBytes, 0u);
  EXPECT_EQ(wavDurationMs(*w, wav.size()), 1000);
  auto p = wavSizePatch(wav, wav.size() + 3);  // a partial frame at the end is not counted
  ASSERT_TRUE(p.has_value());
  std::string fixed = wav;
  fixed.replace(p->offset, p->bytes.size(), p->bytes);
  EXPECT_EQ(fixed.substr(0, 44), wavHeader(2, 8000, 16, 32000));
  EXPECT_FALSE(wavSizePatch("OggS....", 100).has_value());
  EXPECT_CODE(parseWav("RIFF\x10\0\0\0WAVEdata"), "invalid");
}

TEST(AudioInfo, OggOpusDurationFromTheLastGranule) {
  std::string head = "OggS" + std::string(24, '\0') + "OpusHead" + std::string(2, '\0');
  head += std::string("\x38\x01", 2);  // pre-skip 312
  std::string tail = std::string(100, 'z') + "OggS" + std::string(1, '\0') + std::string(1, '\x04');
  const uint64_t granule = 312 + 48000 * 3 + 480;  // 3.01 s
  for (int i = 0; i < 8; ++i) tail += static_cast<char>((granule >> (8 * i)) & 0xff);
  tail += std::string(20, '\0');
  EXPECT_EQ(oggOpusDurationMs(head, tail), 3010);
  EXPECT_EQ(oggOpusDurationMs(head, "no pages here"), -1);
}

TEST(RangeHeader, ParsesTheFormsBrowsersSend) {
  auto all = parseRangeHeader("", 1000);
  ASSERT_OK(all);
  EXPECT_FALSE(all->partial);
  EXPECT_EQ(all->last, 999u);
  auto open = parseRangeHeader("bytes=0-", 1000);
  ASSERT_OK(open);
  EXPECT_TRUE(open->partial);
  EXPECT_EQ(open->first, 0u);
  EXPECT_EQ(open->last, 999u);
  auto mid = parseRangeHeader("bytes=100-199", 1000);
  ASSERT_OK(mid);
  EXPECT_EQ(contentRange(*mid, 1000), "bytes 100-199/1000");
  auto past = parseRangeHeader("bytes=900-5000", 1000);
  ASSERT_OK(past);
  EXPECT_EQ(past->last, 999u);
  auto suffix = parseRangeHeader("bytes=-300", 1000);
  ASSERT_OK(suffix);
  EXPECT_EQ(suffix->first, 700u);
  auto bigSuffix = parseRangeHeader("bytes=-3000", 1000);
  ASSERT_OK(bigSuffix);
  EXPECT_EQ(bigSuffix->first, 0u);
  EXPECT_CODE(parseRangeHeader("bytes=1000-", 1000), "range_not_satisfiable");
  EXPECT_CODE(parseRangeHeader("bytes=5-2", 1000), "invalid");
  EXPECT_CODE(parseRangeHeader("bytes=0-1,5-6", 1000), "invalid");
  EXPECT_CODE(parseRangeHeader("items=0-1", 1000), "invalid");
  EXPECT_CODE(parseRangeHeader("bytes=x-1", 1000), "invalid");
}

}  // namespace
}  // namespace hujiao::recording::test
