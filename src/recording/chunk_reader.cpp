#include "recording/chunk_reader.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hujiao::recording {
namespace {

/// Reads exactly n bytes at off; returns bytes read (short at end of file) or -1.
ssize_t preadAll(int fd, uint8_t* p, size_t n, uint64_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, p + got, n - got, static_cast<off_t>(off + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

}  // namespace

ChunkReader::~ChunkReader() {
  if (fd_ >= 0) ::close(fd_);
  if (!plain_.empty()) OPENSSL_cleanse(plain_.data(), plain_.size());
}

core::Result<std::unique_ptr<ChunkReader>> ChunkReader::open(const std::string& path, const KeyRing& ring,
                                                             Mode mode) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    return core::makeError(e == ENOENT ? "not_found" : "io", "cannot open " + path + ": " + std::strerror(e));
  }
  std::unique_ptr<ChunkReader> r(new ChunkReader());
  r->fd_ = fd;
  r->path_ = path;
  uint8_t hdr[kHeaderSize];
  const ssize_t got = preadAll(fd, hdr, kHeaderSize, 0);
  if (got < 0) return core::makeError("io", "cannot read " + path + ": " + std::strerror(errno));
  auto h = decodeHeader(hdr, static_cast<size_t>(got));
  if (!h) return core::makeError(h.error().code, path + ": " + h.error().message);
  r->header_ = *h;
  std::memcpy(r->prefix_, hdr, kPrefixSize);
  const Key* key = ring.find(h->keyId);
  if (key == nullptr) {
    return core::makeError("unknown_key", path + ": encrypted with key '" + h->keyId + "', which is not in the key ring");
  }
  if (CRYPTO_memcmp(keyCheckValue(*key).data(), h->keyCheck.data(), 16) != 0) {
    return core::makeError("wrong_key", path + ": the key ring's key '" + h->keyId +
                                            "' is not the key this file was encrypted with");
  }
  r->key_ = *key;
  const uint64_t chunk = h->chunkSize;
  const uint64_t recSize = chunk + kTagSize;
  r->cipher_.assign(recSize, 0);
  r->plain_.assign(chunk, 0);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return core::makeError("io", "cannot stat " + path);
  const uint64_t fileSize = static_cast<uint64_t>(st.st_size);
  const uint64_t body = fileSize - kHeaderSize;  // >= 0: the header was read whole

  if (h->state == ContainerState::Final) {
    const uint64_t len = h->plaintextLength;
    const uint64_t last = len / chunk;
    const uint64_t expected = recordOffset(*h, last) + (len % chunk) + kTagSize;
    if (fileSize < expected) {
      return core::makeError("truncated", path + ": " + std::to_string(expected - fileSize) +
                                              " bytes are missing at the end of the file");
    }
    if (fileSize > expected) {
      return core::makeError("tampered", path + ": " + std::to_string(fileSize - expected) +
                                             " unexpected bytes after the final chunk");
    }
    r->length_ = len;
    r->finalIndex_ = last;
    if (h->patchLength > 0) {
      if (last == 0 || h->patchOffset + h->patchLength > len) {
        return core::makeError("tampered", path + ": the header's head patch does not fit the file");
      }
      uint8_t aad[kMaxAad];
      const size_t aadLen = buildAad(r->prefix_, 0, AadKind::Patch, aad, h->patchOffset, h->patchLength, len);
      const auto nonce = recordNonce(*h, 0, 1);
      r->patch_.assign(h->patchLength, 0);
      if (!r->gcm_.open(*key, nonce.data(), aad, aadLen, h->patchCipher.data(), h->patchLength, h->patchTag.data(),
                        r->patch_.data())) {
        return core::makeError("tampered", path + ": the header's head patch fails authentication");
      }
    }
    auto f = r->loadChunk(last);  // authenticates the end (and so the length)
    if (!f) return f.error();
    r->complete_ = true;
    return r;
  }

  if (mode == Mode::Finished) {
    return core::makeError("incomplete", path + ": the recording was never finalized (interrupted); recover it first");
  }
  // Open: every full record is a sealed non-final chunk; a trailing shorter
  // one may be a final chunk whose header update was lost.
  const uint64_t full = body / recSize;
  const uint64_t rem = body % recSize;
  r->length_ = full * chunk;
  if (rem >= kTagSize) {
    r->finalIndex_ = full;
    r->length_ += rem - kTagSize;
    if (!r->loadChunk(full)) {  // not a valid final record: a torn write, ignore it
      r->finalIndex_ = UINT64_MAX;
      r->length_ = full * chunk;
    }
  }
  return r;
}

uint64_t ChunkReader::chunkCount() const {
  if (finalIndex_ != UINT64_MAX) return finalIndex_ + 1;
  return length_ / header_.chunkSize;
}

core::Result<void> ChunkReader::loadChunk(uint64_t index) {
  if (cached_ == index) return {};
  const uint64_t chunk = header_.chunkSize;
  const bool isFinal = index == finalIndex_;
  const size_t n = isFinal ? static_cast<size_t>(length_ - index * chunk) : static_cast<size_t>(chunk);
  const ssize_t got = preadAll(fd_, cipher_.data(), n + kTagSize, recordOffset(header_, index));
  if (got < 0) return core::makeError("io", path_ + ": read failed: " + std::strerror(errno));
  if (static_cast<size_t>(got) < n + kTagSize) {
    return core::makeError("truncated", path_ + ": chunk " + std::to_string(index) + " is cut short");
  }
  AadKind kind = AadKind::Chunk;
  if (isFinal) kind = header_.patchLength > 0 && header_.state == ContainerState::Final ? AadKind::FinalWithPatch
                                                                                         : AadKind::Final;
  uint8_t aad[kMaxAad];
  size_t aadLen = buildAad(prefix_, index, kind, aad);
  const auto nonce = recordNonce(header_, index);
  cached_ = UINT64_MAX;
  bool ok = gcm_.open(key_, nonce.data(), aad, aadLen, cipher_.data(), n, cipher_.data() + n, plain_.data());
  if (!ok && isFinal && header_.state == ContainerState::Open) {
    // Crash after the final record but before the header: it may carry a patch we never got.
    aadLen = buildAad(prefix_, index, AadKind::FinalWithPatch, aad);
    ok = gcm_.open(key_, nonce.data(), aad, aadLen, cipher_.data(), n, cipher_.data() + n, plain_.data());
  }
  if (!ok) {
    if (isFinal && header_.state == ContainerState::Final) {
      // Could the "final" record be a full chunk cut short? Then bytes are missing, else altered.
      return core::makeError("tampered", path_ + ": the final chunk (" + std::to_string(index) +
                                             ") fails authentication: the file was altered or cut");
    }
    return core::makeError("tampered", path_ + ": chunk " + std::to_string(index) + " fails authentication");
  }
  if (index == 0 && !patch_.empty()) std::memcpy(plain_.data() + header_.patchOffset, patch_.data(), patch_.size());
  cached_ = index;
  cachedLen_ = n;
  return {};
}

core::Result<size_t> ChunkReader::read(uint64_t offset, uint8_t* out, size_t len) {
  if (offset >= length_) return size_t{0};
  len = static_cast<size_t>(std::min<uint64_t>(len, length_ - offset));
  size_t done = 0;
  const uint64_t chunk = header_.chunkSize;
  while (done < len) {
    const uint64_t pos = offset + done;
    const uint64_t index = pos / chunk;
    auto r = loadChunk(index);
    if (!r) return r.error();
    const size_t within = static_cast<size_t>(pos - index * chunk);
    const size_t take = std::min(len - done, cachedLen_ - within);
    std::memcpy(out + done, plain_.data() + within, take);
    done += take;
  }
  return done;
}

core::Result<std::string> ChunkReader::readString(uint64_t offset, size_t len) {
  std::string s(static_cast<size_t>(std::min<uint64_t>(len, offset < length_ ? length_ - offset : 0)), '\0');
  auto r = read(offset, reinterpret_cast<uint8_t*>(s.data()), s.size());
  if (!r) return r.error();
  s.resize(*r);
  return s;
}

core::Result<std::string> ChunkReader::verifyAll() {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  const uint64_t n = chunkCount();
  for (uint64_t i = 0; i < n; ++i) {
    auto r = loadChunk(i);
    if (!r) {
      EVP_MD_CTX_free(md);
      return r.error();
    }
    EVP_DigestUpdate(md, plain_.data(), cachedLen_);
  }
  unsigned char digest[32];
  unsigned int dlen = 0;
  EVP_DigestFinal_ex(md, digest, &dlen);
  EVP_MD_CTX_free(md);
  return hex(digest, 32);
}

core::Result<std::string> decryptFile(const std::string& path, const KeyRing& ring, ChunkReader::Mode mode) {
  auto r = ChunkReader::open(path, ring, mode);
  if (!r) return r.error();
  return (*r)->readString(0, static_cast<size_t>((*r)->length()));
}

}  // namespace hujiao::recording
