#include "recording/file_ops.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "recording/audio_info.h"
#include "recording/chunk_reader.h"
#include "recording/chunk_writer.h"

namespace hujiao::recording {
namespace {

namespace fs = std::filesystem;

constexpr size_t kHeadBytes = 4096;
constexpr size_t kTailBytes = 65536;

std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

class Sha256 {
 public:
  Sha256() : md_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(md_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(md_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const uint8_t* p, size_t n) { EVP_DigestUpdate(md_, p, n); }
  std::string hexDigest() {
    unsigned char d[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(md_, d, &n);
    return hex(d, 32);
  }

 private:
  EVP_MD_CTX* md_;
};

core::Result<std::string> readRange(const ReadFn& read, uint64_t offset, size_t n) {
  std::string s(n, '\0');
  size_t got = 0;
  while (got < n) {
    auto r = read(offset + got, reinterpret_cast<uint8_t*>(s.data()) + got, n - got);
    if (!r) return r.error();
    if (*r == 0) break;
    got += *r;
  }
  s.resize(got);
  return s;
}

/// Format and duration from the head (already patched) and the tail.
core::Result<void> describe(const std::string& head, const ReadFn& read, uint64_t length, ContentInfo& info) {
  if (looksLikeWav(head)) {
    info.format = "wav";
    if (auto w = parseWav(head)) info.durationMs = wavDurationMs(*w, length);
  } else if (looksLikeOgg(head)) {
    info.format = "opus";
    const uint64_t from = length > kTailBytes ? length - kTailBytes : 0;
    auto tail = readRange(read, from, static_cast<size_t>(length - from));
    if (!tail) return tail.error();
    info.durationMs = oggOpusDurationMs(head, *tail);
  }
  return {};
}

uint64_t fileSize(const std::string& path) {
  std::error_code ec;
  auto n = fs::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

core::Result<void> renameOver(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return core::makeError("io", "cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  }
  return {};
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

ReadFn fdReader(int fd) {
  return [fd](uint64_t off, uint8_t* out, size_t n) -> core::Result<size_t> {
    for (;;) {
      ssize_t r = ::pread(fd, out, n, static_cast<off_t>(off));
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return core::makeError("io", std::string("read failed: ") + std::strerror(errno));
    }
  };
}

}  // namespace

std::string containerPathFor(const std::string& plain) { return plain + ".hrec"; }

core::Result<ContentInfo> writeContainer(const std::string& dst, const Key& key, uint32_t chunkSize, uint64_t length,
                                         const ReadFn& read, bool fixWav) {
  const std::string tmp = dst + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of an earlier interrupted attempt
  auto w = ChunkWriter::create(tmp, key, {chunkSize, false});
  if (!w) return w.error();
  Sha256 sha;
  ContentInfo info;
  // Head first: fix a WAV's sizes before anything is sealed.
  auto head = readRange(read, 0, static_cast<size_t>(std::min<uint64_t>(length, kHeadBytes)));
  if (!head) return head.error();
  if (head->size() < std::min<uint64_t>(length, kHeadBytes)) return core::makeError("io", "source shorter than expected");
  if (auto p = fixWav ? wavSizePatch(*head, length) : std::nullopt) head->replace(p->offset, p->bytes.size(), p->bytes);
  auto* hp = reinterpret_cast<const uint8_t*>(head->data());
  sha.update(hp, head->size());
  if (auto r = (*w)->append(hp, head->size()); !r) return r.error();
  std::vector<uint8_t> buf(1 << 16);
  uint64_t pos = head->size();
  while (pos < length) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), length - pos));
    auto n = read(pos, buf.data(), want);
    if (!n) return n.error();
    if (*n == 0) return core::makeError("io", "source shorter than expected");
    sha.update(buf.data(), *n);
    if (auto r = (*w)->append(buf.data(), *n); !r) return r.error();
    pos += *n;
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  auto fin = (*w)->finalize();
  if (!fin) return fin.error();
  if (auto r = renameOver(tmp, dst); !r) return r.error();
  info.plaintextBytes = length;
  info.sha256 = sha.hexDigest();
  info.keyId = key.id;
  info.storedBytes = fileSize(dst);
  if (auto r = describe(*head, read, length, info); !r) return r.error();
  return info;
}

core::Result<ContentInfo> encryptPlainFile(const std::string& src, const std::string& dst, const Key& key,
                                           uint32_t chunkSize) {
  Fd fd(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int e = errno;
    return core::makeError(e == ENOENT ? "not_found" : "io", "cannot open " + src + ": " + std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::makeError("io", "cannot stat " + src);
  return writeContainer(dst, key, chunkSize, static_cast<uint64_t>(st.st_size), fdReader(fd.get()));
}

core::Result<ContentInfo> inspectPlainFile(const std::string& path, bool repairWavHeader) {
  Fd fd(::open(path.c_str(), (repairWavHeader ? O_RDWR : O_RDONLY) | O_CLOEXEC));
  if (fd.get() < 0) {
    const int e = errno;
    return core::makeError(e == ENOENT ? "not_found" : "io", "cannot open " + path + ": " + std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return core::makeError("io", "cannot stat " + path);
  const uint64_t length = static_cast<uint64_t>(st.st_size);
  ReadFn read = fdReader(fd.get());
  auto head = readRange(read, 0, static_cast<size_t>(std::min<uint64_t>(length, kHeadBytes)));
  if (!head) return head.error();
  if (repairWavHeader) {
    if (auto p = wavSizePatch(*head, length); p && head->compare(p->offset, p->bytes.size(), p->bytes) != 0) {
      if (::pwrite(fd.get(), p->bytes.data(), p->bytes.size(), p->offset) != static_cast<ssize_t>(p->bytes.size()) ||
          ::fsync(fd.get()) != 0) {
        return core::makeError("io", "cannot repair the WAV header of " + path + ": " + std::strerror(errno));
      }
      head->replace(p->offset, p->bytes.size(), p->bytes);
    }
  }
  Sha256 sha;
  std::vector<uint8_t> buf(1 << 16);
  for (uint64_t pos = 0; pos < length;) {
    auto n = read(pos, buf.data(), static_cast<size_t>(std::min<uint64_t>(buf.size(), length - pos)));
    if (!n) return n.error();
    if (*n == 0) break;
    sha.update(buf.data(), *n);
    pos += *n;
  }
  ContentInfo info;
  info.plaintextBytes = length;
  info.storedBytes = length;
  info.sha256 = sha.hexDigest();
  if (auto r = describe(*head, read, length, info); !r) return r.error();
  return info;
}

core::Result<ContentInfo> inspectContainer(const std::string& path, const KeyRing& ring) {
  auto r = ChunkReader::open(path, ring);
  if (!r) return r.error();
  ChunkReader& reader = **r;
  auto sha = reader.verifyAll();
  if (!sha) return sha.error();
  ContentInfo info;
  info.plaintextBytes = reader.length();
  info.storedBytes = fileSize(path);
  info.sha256 = *sha;
  info.keyId = reader.keyId();
  ReadFn read = [&reader](uint64_t off, uint8_t* out, size_t n) { return reader.read(off, out, n); };
  auto head = readRange(read, 0, static_cast<size_t>(std::min<uint64_t>(reader.length(), kHeadBytes)));
  if (!head) return head.error();
  if (auto d = describe(*head, read, reader.length(), info); !d) return d.error();
  return info;
}

core::Result<RecoveryOutcome> recoverContainer(const std::string& path, const KeyRing& ring) {
  auto r = ChunkReader::open(path, ring, ChunkReader::Mode::AllowIncomplete);
  if (!r) return r.error();
  ChunkReader& reader = **r;
  RecoveryOutcome out;
  if (reader.complete()) {
    out.wasComplete = true;
    auto info = inspectContainer(path, ring);
    if (!info) return info.error();
    out.info = *info;
    return out;
  }
  // The longest prefix of chunks that authenticate.
  const uint32_t chunk = reader.chunkSize();
  std::vector<uint8_t> buf(chunk);
  uint64_t kept = 0;
  while (kept < reader.length()) {
    auto n = reader.read(kept, buf.data(), buf.size());
    if (!n || *n == 0) break;
    kept += *n;
    ++out.chunksKept;
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  const uint64_t stored = fileSize(path);
  const uint64_t keptStored = kHeaderSize + out.chunksKept * kTagSize + kept;
  out.bytesDiscarded = stored > keptStored ? stored - keptStored : 0;
  ReadFn read = [&reader](uint64_t off, uint8_t* o, size_t n) { return reader.read(off, o, n); };
  auto info = writeContainer(path, ring.active(), chunk, kept, read);
  if (!info) return info.error();
  out.info = *info;
  return out;
}

core::Result<ContentInfo> reencryptContainer(const std::string& path, const KeyRing& ring) {
  auto r = ChunkReader::open(path, ring);
  if (!r) return r.error();
  ChunkReader& reader = **r;
  auto before = reader.verifyAll();
  if (!before) return before.error();
  if (reader.keyId() == ring.active().id) return inspectContainer(path, ring);
  const std::string staged = path + ".rekey";
  ReadFn read = [&reader](uint64_t off, uint8_t* o, size_t n) { return reader.read(off, o, n); };
  auto info = writeContainer(staged, ring.active(), reader.chunkSize(), reader.length(), read, false);
  if (!info) return info.error();
  auto check = inspectContainer(staged, ring);
  if (!check || check->sha256 != *before) {
    ::unlink(staged.c_str());
    return core::makeError("internal", path + ": the re-encrypted copy does not match the original; left unchanged");
  }
  if (auto m = renameOver(staged, path); !m) return m.error();
  check->storedBytes = fileSize(path);
  return *check;
}

}  // namespace hujiao::recording
