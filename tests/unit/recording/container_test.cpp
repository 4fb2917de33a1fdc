// The encrypted container: round trip with random access, and every way a
// file can be wrong (wrong key, unknown key, flipped byte, truncation,
// appended bytes, spliced chunks) reported as what it is.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "rec_test_support.h"
#include "recording/audio_info.h"
#include "recording/chunk_reader.h"
#include "recording/chunk_writer.h"
#include "recording/container_format.h"
#include "recording/file_ops.h"

namespace hujiao::recording::test {
namespace {

using Mode = ChunkReader::Mode;

class ContainerTest : public ::testing::Test {
 protected:
  TempDir tmp_;
  KeyRing ring_ = ring({"k1"});
  /// Encrypts `plain` with a live writer in uneven pieces (like 20 ms frames).
  std::string encrypt(const std::string& plain, uint32_t chunk = 1024, const std::string& name = "a.wav.hrec") {
    const std::string path = tmp_.file(name);
    auto w = ChunkWriter::create(path, ring_.active(), {chunk, false});
    EXPECT_OK(w);
    size_t pos = 0;
    std::mt19937 rng(7);
    while (pos < plain.size()) {
      const size_t n = std::min<size_t>(plain.size() - pos, 1 + rng() % 700);
      EXPECT_OK((*w)->append(reinterpret_cast<const uint8_t*>(plain.data()) + pos, n));
      pos += n;
    }
    auto fin = (*w)->finalize();
    EXPECT_OK(fin);
    EXPECT_EQ(*fin, plain.size());
    return path;
  }
  void flipByte(const std::string& path, uint64_t offset) {
    std::string data = readFile(path);
    ASSERT_LT(offset, data.size());
    data[offset] = static_cast<char>(data[offset] ^ 0x01);
    writeFile(path, data);
  }
};

TEST_F(ContainerTest, RandomAccessReadsEqualThePlaintext) {
  const std::string wav = stereoWav(3000);  // 96,044 bytes over 94 chunks of 1 KiB
  const std::string path = encrypt(wav);
  auto r = ChunkReader::open(path, ring_);
  ASSERT_OK(r);
  ChunkReader& reader = **r;
  EXPECT_TRUE(reader.complete());
  EXPECT_EQ(reader.length(), wav.size());
  EXPECT_EQ(reader.keyId(), "k1");
  std::mt19937_64 rng(42);
  for (int i = 0; i < 400; ++i) {
    uint64_t off = rng() % (wav.size() + 100);
    size_t len = rng() % 5000;
    if (i % 10 == 0) len = rng() % 3;  // tiny reads
    if (i % 17 == 0) off = (rng() % 94) * 1024 - (rng() % 2);  // around chunk boundaries
    auto got = reader.readString(off, len);
    ASSERT_OK(got);
    const std::string want = off < wav.size() ? wav.substr(off, len) : "";
    ASSERT_EQ(*got, want) << "offset " << off << " length " << len;
  }
  auto all = decryptFile(path, ring_);
  ASSERT_OK(all);
  EXPECT_EQ(*all, wav);
  // The ciphertext does not contain the plaintext.
  EXPECT_EQ(readFile(path).find(wav.substr(1000, 64)), std::string::npos);
}

TEST_F(ContainerTest, LengthsAroundChunkBoundaries) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1023}, size_t{1024}, size_t{1025}, size_t{2048}, size_t{5000}}) {
    std::string plain(n, '\0');
    for (size_t i = 0; i < n; ++i) plain[i] = static_cast<char>(i * 31 + 7);
    const std::string path = encrypt(plain, 1024, "len" + std::to_string(n) + ".hrec");
    auto got = decryptFile(path, ring_);
    ASSERT_OK(got);
    EXPECT_EQ(*got, plain) << n;
    // Records: full chunks + a final one of 0..1023 bytes, each with a 16-byte tag.
    EXPECT_EQ(std::filesystem::file_size(path), kHeaderSize + n + 16 * (n / 1024 + 1)) << n;
  }
}

TEST_F(ContainerTest, HeadPatchFixesTheWavHeaderAtFinalize) {
  // A live recording writes its WAV header with size 0 first, like the media engine.
  const std::string pcm = stereoPcm(2000);
  const std::string head = wavHeader(2, 8000, 16, 0);
  const std::string path = tmp_.file("live.wav.hrec");
  auto w = ChunkWriter::create(path, ring_.active(), {1024, false});
  ASSERT_OK(w);
  ASSERT_OK((*w)->append(reinterpret_cast<const uint8_t*>(head.data()), head.size()));
  ASSERT_OK((*w)->append(reinterpret_cast<const uint8_t*>(pcm.data()), pcm.size()));
  auto patch = wavSizePatch(head, head.size() + pcm.size());
  ASSERT_TRUE(patch.has_value());
  ASSERT_OK((*w)->setHeadPatch(patch->offset, reinterpret_cast<const uint8_t*>(patch->bytes.data()),
                               static_cast<uint16_t>(patch->bytes.size())));
  ASSERT_OK((*w)->finalize());
  auto got = decryptFile(path, ring_);
  ASSERT_OK(got);
  EXPECT_EQ(*got, wavHeader(2, 8000, 16, static_cast<uint32_t>(pcm.size())) + pcm);
  auto snd = sndOpen(*got);
  ASSERT_TRUE(snd.ok) << snd.error;
  EXPECT_EQ(snd.frames, 16000);
  // The patch is authenticated: flipping a byte of it is tampering.
  flipByte(path, 96);
  EXPECT_CODE(ChunkReader::open(path, ring_), "tampered");
}

TEST_F(ContainerTest, WrongKeyAndUnknownKeyAreToldApartFromTampering) {
  const std::string path = encrypt(stereoWav(500));
  KeyRing sameIdOtherBytes = otherRing({"k1"});
  EXPECT_CODE(ChunkReader::open(path, sameIdOtherBytes), "wrong_key");
  KeyRing otherIds = ring({"k2"});
  EXPECT_CODE(ChunkReader::open(path, otherIds), "unknown_key");
  EXPECT_CODE(ChunkReader::open(path, sameIdOtherBytes, Mode::AllowIncomplete), "wrong_key");
}

TEST_F(ContainerTest, AFlippedByteAnywhereIsReportedAsTampered) {
  const std::string wav = stereoWav(1000);  // 32,044 bytes: 31 full chunks + final
  const std::string orig = encrypt(wav);
  const std::string path = tmp_.file("victim.hrec");
  const uint64_t rec = 1024 + 16;
  // ciphertext of chunk 3, the tag of chunk 5, the final chunk, the base nonce, the chunk size field.
  for (uint64_t off : {kHeaderSize + 3 * rec + 100, kHeaderSize + 5 * rec + 1024 + 3, kHeaderSize + 31 * rec + 5,
                       uint64_t{16}, uint64_t{13}}) {
    std::filesystem::copy_file(orig, path, std::filesystem::copy_options::overwrite_existing);
    flipByte(path, off);
    auto r = ChunkReader::open(path, ring_);
    if (!r) {
      // Header fields are in every AAD: the final chunk, checked at open, fails.
      EXPECT_TRUE(r.error().code == "tampered" || r.error().code == "corrupt")
          << off << ": " << r.error().code;
      continue;
    }
    auto all = (*r)->verifyAll();
    ASSERT_FALSE(all.ok()) << "flip at " << off << " not detected";
    EXPECT_EQ(all.error().code, "tampered") << off << ": " << all.error().message;
    // Reading an untouched chunk still works: damage is confined to its chunk.
    if (off > kHeaderSize + 2 * rec) {
      auto first = (*r)->readString(0, 1024);
      ASSERT_OK(first);
      EXPECT_EQ(*first, wav.substr(0, 1024));
    }
  }
}

TEST_F(ContainerTest, ReorderedOrSwappedChunksAreDetected) {
  const std::string path = encrypt(stereoWav(500));
  std::string data = readFile(path);
  const size_t rec = 1024 + 16;
  std::string a = data.substr(kHeaderSize + 2 * rec, rec);
  std::string b = data.substr(kHeaderSize + 3 * rec, rec);
  data.replace(kHeaderSize + 2 * rec, rec, b);
  data.replace(kHeaderSize + 3 * rec, rec, a);
  writeFile(path, data);
  auto r = ChunkReader::open(path, ring_);
  ASSERT_OK(r);
  EXPECT_CODE((*r)->readString(2 * 1024, 10), "tampered");
  // A chunk from another file under the same key does not fit either.
  const std::string other = encrypt(stereoWav(500), 1024, "other.hrec");
  std::string od = readFile(other);
  std::string mine = readFile(path);
  mine.replace(kHeaderSize, rec, od.substr(kHeaderSize, rec));
  writeFile(path, mine);
  auto r2 = ChunkReader::open(path, ring_);
  ASSERT_OK(r2);
  EXPECT_CODE((*r2)->readString(0, 10), "tampered");
}

TEST_F(ContainerTest, TruncationIsDetected) {
  const std::string wav = stereoWav(1000);
  const std::string orig = encrypt(wav);
  const uint64_t size = std::filesystem::file_size(orig);
  const std::string path = tmp_.file("cut.hrec");
  for (uint64_t cut : {uint64_t{1}, uint64_t{17}, uint64_t{1040}, uint64_t{5000}}) {
    std::filesystem::copy_file(orig, path, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(path, size - cut);
    EXPECT_CODE(ChunkReader::open(path, ring_), "truncated");
    EXPECT_CODE(decryptFile(path, ring_), "truncated");
  }
  // Bytes appended after the final chunk are not silently ignored.
  std::filesystem::copy_file(orig, path, std::filesystem::copy_options::overwrite_existing);
  writeFile(path, readFile(orig) + "extra");
  EXPECT_CODE(ChunkReader::open(path, ring_), "tampered");
  // Lowering the header's length to hide a truncation breaks the final chunk's tag.
  std::string data = readFile(orig);
  data.resize(kHeaderSize + 10 * (1024 + 16) + 500 + 16);
  const uint64_t fake = 10 * 1024 + 500;
  for (int i = 0; i < 8; ++i) data[88 + static_cast<size_t>(i)] = static_cast<char>((fake >> (8 * i)) & 0xff);
  writeFile(path, data);
  auto r = ChunkReader::open(path, ring_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "tampered");
}

TEST_F(ContainerTest, NotAContainerAndUnfinishedFilesAreNamed) {
  const std::string path = tmp_.file("plain.wav");
  writeFile(path, stereoWav(100));
  EXPECT_CODE(ChunkReader::open(path, ring_), "not_container");
  EXPECT_CODE(ChunkReader::open(tmp_.file("absent.hrec"), ring_), "not_found");
  const std::string open = tmp_.file("open.hrec");
  {
    auto w = ChunkWriter::create(open, ring_.active(), {1024, false});
    ASSERT_OK(w);
    const std::string pcm = stereoPcm(100);
    ASSERT_OK((*w)->append(reinterpret_cast<const uint8_t*>(pcm.data()), pcm.size()));
    EXPECT_EQ((*w)->durableLength(), 3072u);
  }  // destroyed without finalize
  EXPECT_CODE(ChunkReader::open(open, ring_), "incomplete");
  auto live = ChunkReader::open(open, ring_, Mode::AllowIncomplete);
  ASSERT_OK(live);
  EXPECT_FALSE((*live)->complete());
  EXPECT_EQ((*live)->length(), 3072u);
  EXPECT_CODE(ChunkWriter::create(open, ring_.active(), {1024, false}), "exists");
}

TEST_F(ContainerTest, ReencryptMovesAFileToTheActiveKey) {
  KeyRing old = ring({"old"});
  const std::string wav = stereoWav(800);
  const std::string src = tmp_.file("src.wav");
  writeFile(src, wav);
  const std::string path = tmp_.file("r.wav.hrec");
  auto enc = encryptPlainFile(src, path, old.active(), 1024);
  ASSERT_OK(enc);
  EXPECT_EQ(enc->keyId, "old");
  // The ring after rotation: the old key kept for reading, a new active key.
  auto rotated = KeyRing::fromKeys({*old.find("old"), generateKey("new")}, "new");
  ASSERT_OK(rotated);
  auto before = inspectContainer(path, *rotated);  // old files stay readable
  ASSERT_OK(before);
  EXPECT_EQ(before->keyId, "old");
  auto after = reencryptContainer(path, *rotated);
  ASSERT_OK(after);
  EXPECT_EQ(after->keyId, "new");
  EXPECT_EQ(after->sha256, enc->sha256);
  auto reader = ChunkReader::open(path, *rotated);
  ASSERT_OK(reader);
  EXPECT_EQ((*reader)->keyId(), "new");
  // The old key alone can no longer read it.
  EXPECT_CODE(ChunkReader::open(path, old), "unknown_key");
  auto plain = decryptFile(path, *rotated);
  ASSERT_OK(plain);
  EXPECT_EQ(*plain, wav);
}

TEST_F(ContainerTest, EncryptPlainFileDescribesTheContent) {
  const std::string src = tmp_.file("in.wav");
  writeFile(src, stereoWav(2500));
  auto info = encryptPlainFile(src, tmp_.file("in.wav.hrec"), ring_.active(), 8192);
  ASSERT_OK(info);
  EXPECT_EQ(info->format, "wav");
  EXPECT_EQ(info->durationMs, 2500);
  EXPECT_EQ(info->plaintextBytes, 44u + 80000u);
  EXPECT_EQ(info->sha256.size(), 64u);
  auto plainInfo = inspectPlainFile(src, false);
  ASSERT_OK(plainInfo);
  EXPECT_EQ(plainInfo->sha256, info->sha256);  // the hash is of the audio file, whatever wraps it
}

}  // namespace
}  // namespace hujiao::recording::test
