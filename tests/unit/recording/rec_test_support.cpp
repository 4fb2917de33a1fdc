#include "rec_test_support.h"

#include <libpq-fe.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "recording/audio_info.h"
#include "recording/recordings_repo.h"

namespace hujiao::recording::test {
namespace {

std::string randomHex(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "0123456789abcdef"[rng() % 16];
  return s;
}

std::string pgBaseUrl() {
  const char* dir = std::getenv("HUJIAO_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error("HUJIAO_TEST_PG_DIR is not set: run these tests with ctest (fixture pg_cluster)");
  }
  std::string url;
  std::ifstream in(std::string(dir) + "/url");
  std::getline(in, url);
  if (url.empty()) throw std::runtime_error(std::string("no PostgreSQL test cluster URL in ") + dir + "/url");
  return url;
}

void pgExec(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test cluster: " + msg);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error(sql + ": " + msg);
}

struct MemFile {
  const std::string* data;
  sf_count_t pos;
};
sf_count_t vLen(void* u) { return static_cast<sf_count_t>(static_cast<MemFile*>(u)->data->size()); }
sf_count_t vSeek(sf_count_t off, int whence, void* u) {
  auto* m = static_cast<MemFile*>(u);
  sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : static_cast<sf_count_t>(m->data->size());
  m->pos = base + off;
  return m->pos;
}
sf_count_t vRead(void* ptr, sf_count_t n, void* u) {
  auto* m = static_cast<MemFile*>(u);
  const sf_count_t size = static_cast<sf_count_t>(m->data->size());
  if (m->pos >= size) return 0;
  const sf_count_t k = std::min(n, size - m->pos);
  std::memcpy(ptr, m->data->data() + m->pos, static_cast<size_t>(k));
  m->pos += k;
  return k;
}
sf_count_t vWrite(const void*, sf_count_t, void*) { return 0; }
sf_count_t vTell(void* u) { return static_cast<MemFile*>(u)->pos; }

}  // namespace

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "hujiao-rec-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string stereoPcm(int ms) {
  const int frames = 8 * ms;
  std::string pcm(static_cast<size_t>(frames) * 4, '\0');
  for (int i = 0; i < frames; ++i) {
    const auto l = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * i / 8000.0));
    const auto r = static_cast<int16_t>(6000 * std::sin(2 * M_PI * 660 * i / 8000.0));
    std::memcpy(pcm.data() + i * 4, &l, 2);
    std::memcpy(pcm.data() + i * 4 + 2, &r, 2);
  }
  return pcm;
}

std::string stereoWav(int ms, int64_t dataSizeInHeader) {
  std::string pcm = stereoPcm(ms);
  const uint32_t size = dataSizeInHeader < 0 ? static_cast<uint32_t>(pcm.size()) : static_cast<uint32_t>(dataSizeInHeader);
  return wavHeader(2, 8000, 16, size) + pcm;
}

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

KeyRing ring(const std::vector<std::string>& ids, const std::string& active) {
  std::vector<Key> keys;
  for (const auto& id : ids) keys.push_back(generateKey(id));
  auto r = KeyRing::fromKeys(std::move(keys), active);
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

KeyRing otherRing(const std::vector<std::string>& ids) { return ring(ids); }

SndInfo sndOpen(const std::string& wav) {
  SndInfo out;
  MemFile mf{&wav, 0};
  SF_VIRTUAL_IO io{vLen, vSeek, vRead, vWrite, vTell};
  SF_INFO info{};
  SNDFILE* f = sf_open_virtual(&io, SFM_READ, &info, &mf);
  if (f == nullptr) {
    out.error = sf_strerror(nullptr);
    return out;
  }
  out.channels = info.channels;
  out.sampleRate = info.samplerate;
  std::vector<short> buf(4096 * static_cast<size_t>(std::max(1, info.channels)));
  double sl = 0, sr = 0;
  sf_count_t n = 0;
  while ((n = sf_readf_short(f, buf.data(), 4096)) > 0) {
    for (sf_count_t i = 0; i < n; ++i) {
      sl += std::pow(buf[static_cast<size_t>(i * info.channels)], 2);
      if (info.channels > 1) sr += std::pow(buf[static_cast<size_t>(i * info.channels + 1)], 2);
    }
    out.frames += n;
  }
  sf_close(f);
  if (out.frames > 0) {
    out.rmsLeft = std::sqrt(sl / static_cast<double>(out.frames));
    out.rmsRight = std::sqrt(sr / static_cast<double>(out.frames));
  }
  out.ok = true;
  return out;
}

FreshDb::FreshDb(const std::string& backend) {
  if (backend == "sqlite") {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hujiao-recdb-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    url_ = "sqlite:" + dir_ + "/test.db";
  } else {
    baseUrl_ = pgBaseUrl();
    schema_ = "rec_" + randomHex(16);
    pgExec(baseUrl_, "CREATE SCHEMA " + schema_);
    url_ = baseUrl_ + "?options=-csearch_path%3D" + schema_;
  }
}

FreshDb::~FreshDb() {
  try {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) pgExec(baseUrl_, "DROP SCHEMA " + schema_ + " CASCADE");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cleaning the test database failed: " << e.what();
  }
}

void RecStoreTest::SetUp() {
  fresh_ = std::make_unique<FreshDb>(GetParam());
  store_ = store::openStore(fresh_->url(), 4, recordingMigrations());
}

void RecStoreTest::TearDown() {
  if (store_) store_->close();
  store_.reset();
  fresh_.reset();
}

std::string backendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace hujiao::recording::test
