#pragma once
// Streaming encryptor: appends plaintext as a recording grows and seals each
// full chunk into the container with one pwrite(), so everything but the
// chunk being filled survives a crash (kill -9 keeps the page cache; set
// syncEachChunk to survive power loss too). No allocation after create().
//
// A writer abandoned without finalize() (crash, kill -9, destructor) leaves a
// container in state Open; recoverContainer() (file_ops.h) turns it into a
// finished one at start-up.
//
// Threads: one thread at a time (the thread that writes the recording: the
// media recorder's writer thread, or a service thread for whole files).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "recording/container_format.h"
#include "recording/key_ring.h"

namespace hujiao::recording {

class ChunkWriter {
 public:
  struct Options {
    uint32_t chunkSize = 8192;  // see chunkSizeFor()
    bool syncEachChunk = false;  // fdatasync after every record
  };

  /// Creates `path` (must not exist; mode 0600; parent directories created)
  /// and writes the header. Code "exists" when the file is already there.
  static core::Result<std::unique_ptr<ChunkWriter>> create(const std::string& path, const Key& key,
                                                           const Options& options);
  ~ChunkWriter();  // without finalize(): closes the file, which stays Open (recoverable)
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  /// Appends plaintext; seals and writes every chunk that fills up.
  core::Result<void> append(const uint8_t* data, size_t n);
  /// Bytes to overlay on the plaintext at [offset, offset + n) when finalizing
  /// (e.g. a WAV header's sizes). n <= 64, inside the first chunk and inside
  /// the final length. Replaces an earlier patch.
  core::Result<void> setHeadPatch(uint16_t offset, const uint8_t* bytes, uint16_t n);
  /// Seals the final chunk (and the patch), marks the header Final, fsyncs
  /// and closes. Returns the plaintext length.
  core::Result<uint64_t> finalize();

  uint64_t length() const { return written_ + fill_; }
  /// Plaintext bytes already sealed on disk (what a crash now would keep).
  uint64_t durableLength() const { return written_; }
  const std::string& path() const { return path_; }

 private:
  ChunkWriter() = default;
  core::Result<void> sealRecord(AadKind kind);
  core::Result<void> fail(const std::string& what);

  std::string path_;
  int fd_ = -1;
  Key key_;
  Options opt_;
  Header header_;
  uint8_t prefix_[kPrefixSize]{};
  GcmContext gcm_;
  std::vector<uint8_t> plain_;   // chunkSize
  std::vector<uint8_t> record_;  // chunkSize + tag
  size_t fill_ = 0;
  uint64_t index_ = 0;  // next record index
  uint64_t written_ = 0;
  std::vector<uint8_t> patch_;
  uint16_t patchOffset_ = 0;
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace hujiao::recording
