#pragma once
// Random-access decrypting reader over a container: read(offset, len)
// decrypts only the chunks it touches, so HTTP Range requests seek without
// decrypting the whole file. Every chunk is authenticated before its bytes
// are returned.
//
// Error codes (core::Error.code), the same from open() and read():
//   "not_container", "unsupported_version", "corrupt" - not a readable header
//   "unknown_key"  - the file's key id is not in the key ring
//   "wrong_key"    - a key with that id is there but is not the file's key
//   "incomplete"   - the writer never finalized it (crash): recover it first
//   "truncated"    - bytes are missing at the end
//   "tampered"     - a chunk, the header or the patch fails authentication
//   "io"           - the file cannot be read
//
// Threads: one reader per request; not shared between threads.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "recording/container_format.h"
#include "recording/key_ring.h"

namespace hujiao::recording {

class ChunkReader {
 public:
  enum class Mode {
    Finished,         // only a finalized, complete file opens
    AllowIncomplete,  // an Open file (being recorded, or crashed) exposes its sealed chunks
  };

  static core::Result<std::unique_ptr<ChunkReader>> open(const std::string& path, const KeyRing& ring,
                                                         Mode mode = Mode::Finished);
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  /// Plaintext bytes readable.
  uint64_t length() const { return length_; }
  /// True when the file is finalized and its final chunk verified.
  bool complete() const { return complete_; }
  const Header& header() const { return header_; }
  const std::string& keyId() const { return header_.keyId; }
  uint32_t chunkSize() const { return header_.chunkSize; }

  /// Copies up to len plaintext bytes at offset into out; returns how many
  /// (0 at or past the end).
  core::Result<size_t> read(uint64_t offset, uint8_t* out, size_t len);
  core::Result<std::string> readString(uint64_t offset, size_t len);
  /// Reads and authenticates every chunk; returns the plaintext SHA-256 (hex).
  core::Result<std::string> verifyAll();

 private:
  ChunkReader() = default;
  core::Result<void> loadChunk(uint64_t index);
  uint64_t chunkCount() const;

  std::string path_;
  int fd_ = -1;
  Key key_;
  Header header_;
  uint8_t prefix_[kPrefixSize]{};
  GcmContext gcm_;
  uint64_t length_ = 0;
  bool complete_ = false;
  uint64_t finalIndex_ = UINT64_MAX;  // index of the verified final record, if any
  std::vector<uint8_t> patch_;       // decrypted head patch
  std::vector<uint8_t> cipher_;
  std::vector<uint8_t> plain_;
  uint64_t cached_ = UINT64_MAX;
  size_t cachedLen_ = 0;
};

/// Opens a container and reads it whole (small files, tests, tools).
core::Result<std::string> decryptFile(const std::string& path, const KeyRing& ring,
                                      ChunkReader::Mode mode = ChunkReader::Mode::Finished);

}  // namespace hujiao::recording
