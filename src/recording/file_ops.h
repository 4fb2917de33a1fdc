#pragma once
// Whole-file operations on recordings: encrypt a finished plaintext file,
// describe a file (length, SHA-256 of the plaintext, duration), recover a
// container whose writer died, re-encrypt a container under the active key.
//
// Each operation that produces a container writes `<dst>.tmp`, fsyncs it and
// renames it over `<dst>`, so a crash in the middle leaves the old file.
//
// Threads: blocking disk I/O: service plane (a recording service thread),
// never the control thread or a media worker.
#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"
#include "recording/key_ring.h"

namespace hujiao::recording {

struct ContentInfo {
  uint64_t plaintextBytes = 0;
  uint64_t storedBytes = 0;  // size of the file on disk
  std::string sha256;        // hex SHA-256 of the plaintext (see docs/recording.md for why)
  int64_t durationMs = -1;   // -1 = unknown
  std::string keyId;         // "" = stored unencrypted
  std::string format;        // "wav", "opus" or "" (unknown)
};

/// Reads up to n plaintext bytes at offset.
using ReadFn = std::function<core::Result<size_t>(uint64_t offset, uint8_t* out, size_t n)>;

/// Writes a finished container at dst from a plaintext source of `length`
/// bytes. With fixWav, a WAV's RIFF/data sizes are set to match `length`.
core::Result<ContentInfo> writeContainer(const std::string& dst, const Key& key, uint32_t chunkSize, uint64_t length,
                                         const ReadFn& read, bool fixWav = true);

/// Encrypts the plaintext file src into the container dst (src is kept: the
/// caller removes it once the metadata row says where the recording is).
core::Result<ContentInfo> encryptPlainFile(const std::string& src, const std::string& dst, const Key& key,
                                           uint32_t chunkSize);

/// Length, SHA-256, duration of an unencrypted recording; a WAV whose header
/// sizes are stale (crash) is repaired in place first.
core::Result<ContentInfo> inspectPlainFile(const std::string& path, bool repairWavHeader = true);

/// Authenticates every chunk of a finished container and describes it.
core::Result<ContentInfo> inspectContainer(const std::string& path, const KeyRing& ring);

struct RecoveryOutcome {
  ContentInfo info;
  bool wasComplete = false;       // it was already finalized: nothing done
  uint64_t chunksKept = 0;
  uint64_t bytesDiscarded = 0;    // container bytes after the last good chunk
};

/// Start-up recovery of a container left Open by a crash: keeps the longest
/// prefix of chunks that authenticate, fixes a WAV header's sizes, and
/// rewrites it as a finished container under the ring's active key.
core::Result<RecoveryOutcome> recoverContainer(const std::string& path, const KeyRing& ring);

/// Rewrites a finished container under the ring's active key (rotation).
/// Verifies the new file decrypts to the same SHA-256 before replacing.
/// Returns the new file's description; unchanged files are left alone.
core::Result<ContentInfo> reencryptContainer(const std::string& path, const KeyRing& ring);

/// The stored path of an encrypted recording whose plaintext name is `plain`.
std::string containerPathFor(const std::string& plain);

}  // namespace hujiao::recording
