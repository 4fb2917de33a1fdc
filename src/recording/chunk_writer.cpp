#include "recording/chunk_writer.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace hujiao::recording {
namespace {

bool pwriteAll(int fd, const uint8_t* p, size_t n, uint64_t off) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
    off += static_cast<uint64_t>(w);
  }
  return true;
}

void syncDir(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  int d = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d >= 0) {
    ::fsync(d);
    ::close(d);
  }
}

}  // namespace

core::Result<std::unique_ptr<ChunkWriter>> ChunkWriter::create(const std::string& path, const Key& key,
                                                               const Options& options) {
  if (options.chunkSize < kMinChunk || options.chunkSize > kMaxChunk) {
    return core::makeError("invalid", "chunk size must be within 512 bytes .. 4 MiB");
  }
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return core::makeError("io", "cannot create directory " + parent.string() + ": " + ec.message());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int e = errno;
    return core::makeError(e == EEXIST ? "exists" : "io", "cannot create " + path + ": " + std::strerror(e));
  }
  std::unique_ptr<ChunkWriter> w(new ChunkWriter());
  w->path_ = path;
  w->fd_ = fd;
  w->key_ = key;
  w->opt_ = options;
  w->header_.chunkSize = options.chunkSize;
  w->header_.keyId = key.id;
  if (RAND_bytes(w->header_.baseNonce.data(), static_cast<int>(kNonceSize)) != 1) {
    return core::makeError("internal", "no randomness for the nonce");
  }
  w->header_.keyCheck = keyCheckValue(key);
  uint8_t hdr[kHeaderSize];
  encodeHeader(w->header_, hdr);
  std::memcpy(w->prefix_, hdr, kPrefixSize);
  w->plain_.assign(options.chunkSize, 0);
  w->record_.assign(options.chunkSize + kTagSize, 0);
  if (!pwriteAll(fd, hdr, kHeaderSize, 0)) return w->fail("writing the header").error();
  return w;
}

ChunkWriter::~ChunkWriter() {
  if (fd_ >= 0) ::close(fd_);
  std::fill(plain_.begin(), plain_.end(), 0);
}

core::Result<void> ChunkWriter::fail(const std::string& what) {
  failed_ = true;
  return core::makeError("io", path_ + ": " + what + ": " + std::strerror(errno));
}

core::Result<void> ChunkWriter::sealRecord(AadKind kind) {
  uint8_t aad[kMaxAad];
  const size_t aadLen = buildAad(prefix_, index_, kind, aad);
  const auto nonce = recordNonce(header_, index_);
  if (!gcm_.seal(key_, nonce.data(), aad, aadLen, plain_.data(), fill_, record_.data(), record_.data() + fill_)) {
    failed_ = true;
    return core::makeError("internal", "AES-GCM encryption failed");
  }
  if (!pwriteAll(fd_, record_.data(), fill_ + kTagSize, recordOffset(header_, index_))) return fail("writing a chunk");
  if (opt_.syncEachChunk && ::fdatasync(fd_) != 0) return fail("fdatasync");
  ++index_;
  written_ += fill_;
  fill_ = 0;
  return {};
}

core::Result<void> ChunkWriter::append(const uint8_t* data, size_t n) {
  if (failed_ || finished_) return core::makeError("invalid", path_ + ": writer is " + (finished_ ? "finished" : "failed"));
  while (n > 0) {
    const size_t take = std::min(n, plain_.size() - fill_);
    std::memcpy(plain_.data() + fill_, data, take);
    fill_ += take;
    data += take;
    n -= take;
    if (fill_ == plain_.size()) {
      auto r = sealRecord(AadKind::Chunk);
      if (!r) return r;
    }
  }
  return {};
}

core::Result<void> ChunkWriter::setHeadPatch(uint16_t offset, const uint8_t* bytes, uint16_t n) {
  if (n > kMaxPatch || static_cast<size_t>(offset) + n > header_.chunkSize) {
    return core::makeError("invalid", "head patch must be at most 64 bytes inside the first chunk");
  }
  patch_.assign(bytes, bytes + n);
  patchOffset_ = offset;
  return {};
}

core::Result<uint64_t> ChunkWriter::finalize() {
  if (failed_ || finished_) return core::makeError("invalid", path_ + ": writer is " + (finished_ ? "finished" : "failed"));
  const uint64_t total = length();
  const bool hasPatch = !patch_.empty();
  if (hasPatch && patchOffset_ + patch_.size() > total) {
    return core::makeError("invalid", "head patch reaches past the end of the recording");
  }
  bool patchRecord = false;
  if (hasPatch) {
    if (index_ == 0) {
      std::memcpy(plain_.data() + patchOffset_, patch_.data(), patch_.size());  // chunk 0 is still in memory
    } else {
      patchRecord = true;
      header_.patchOffset = patchOffset_;
      header_.patchLength = static_cast<uint16_t>(patch_.size());
      uint8_t aad[kMaxAad];
      const size_t aadLen =
          buildAad(prefix_, 0, AadKind::Patch, aad, header_.patchOffset, header_.patchLength, total);
      const auto nonce = recordNonce(header_, 0, 1);
      if (!gcm_.seal(key_, nonce.data(), aad, aadLen, patch_.data(), patch_.size(), header_.patchCipher.data(),
                     header_.patchTag.data())) {
        failed_ = true;
        return core::makeError("internal", "AES-GCM encryption failed");
      }
    }
  }
  auto r = sealRecord(patchRecord ? AadKind::FinalWithPatch : AadKind::Final);
  if (!r) return r.error();
  if (::fdatasync(fd_) != 0) return fail("fdatasync").error();
  header_.state = ContainerState::Final;
  header_.plaintextLength = total;
  uint8_t hdr[kHeaderSize];
  encodeHeader(header_, hdr);
  if (!pwriteAll(fd_, hdr, kHeaderSize, 0)) return fail("writing the header").error();
  if (::fsync(fd_) != 0) return fail("fsync").error();
  ::close(fd_);
  fd_ = -1;
  syncDir(path_);
  finished_ = true;
  return total;
}

}  // namespace hujiao::recording
