#pragma once
// Shared helpers of the recording tests: temporary directories, generated
// stereo WAV audio, key rings, libsndfile checks, and a fresh database per
// test on each backend (a temporary SQLite file, or a new schema in the
// throwaway PostgreSQL cluster whose URL is in $HUJIAO_TEST_PG_DIR/url).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "recording/key_ring.h"
#include "store/store.h"

#define ASSERT_OK(r) ASSERT_TRUE((r).ok()) << (r).error().code << ": " << (r).error().message
#define EXPECT_OK(r) EXPECT_TRUE((r).ok()) << (r).error().code << ": " << (r).error().message
#define EXPECT_CODE(r, c)                                        \
  do {                                                           \
    auto&& res_ = (r);                                           \
    ASSERT_FALSE(res_.ok()) << "expected " << (c);               \
    EXPECT_EQ(res_.error().code, (c)) << res_.error().message;   \
  } while (0)

namespace hujiao::recording::test {

/// A temporary directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// 8 kHz 16-bit stereo WAV: left a 440 Hz tone, right 660 Hz, `ms` long.
/// dataSizeInHeader < 0: the true size; otherwise written as given (a stale header).
std::string stereoWav(int ms, int64_t dataSizeInHeader = -1);
/// Just the samples of stereoWav (no header).
std::string stereoPcm(int ms);

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& data);

KeyRing ring(const std::vector<std::string>& ids, const std::string& active = "");
/// Same ids, other bytes: a "wrong key" ring.
KeyRing otherRing(const std::vector<std::string>& ids);

struct SndInfo {
  bool ok = false;
  std::string error;
  int channels = 0;
  int sampleRate = 0;
  int64_t frames = 0;
  double rmsLeft = 0, rmsRight = 0;
};
/// Opens WAV bytes with libsndfile (what a player would do) and reads every frame.
SndInfo sndOpen(const std::string& wavBytes);

/// A fresh database per test: its URL, removed on destruction.
class FreshDb {
 public:
  explicit FreshDb(const std::string& backend);
  ~FreshDb();
  FreshDb(const FreshDb&) = delete;
  FreshDb& operator=(const FreshDb&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string dir_, url_, baseUrl_, schema_;
};

/// Parameterised on "sqlite" / "postgresql"; opens a store with the recording migrations.
class RecStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  store::Db& db() { return store_->db(); }
  std::unique_ptr<FreshDb> fresh_;
  std::unique_ptr<store::Store> store_;
};

std::string backendName(const ::testing::TestParamInfo<std::string>& info);

#define HUJIAO_REC_BACKENDS(Suite)                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values("sqlite", "postgresql"), \
                           ::hujiao::recording::test::backendName)

}  // namespace hujiao::recording::test
