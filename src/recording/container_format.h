#pragma once
// The encrypted recording container, version 1 (layout in docs/recording.md).
//
//   header (256 bytes) | record 0 | record 1 | ... | final record
//   record = AES-256-GCM ciphertext of one plaintext chunk | 16-byte tag
//
// Every record but the last holds exactly chunkSize plaintext bytes; the
// final record holds 0..chunkSize-1 bytes, so a file cut at a record boundary
// can never pass for a finished one. Record i sits at
// kHeaderSize + i * (chunkSize + kTagSize): the reader seeks without an index.
//
// Nonce of record i = baseNonce XOR (big-endian i in bytes 4..11); the head
// patch (see below) uses domain byte 0 = 1 so no nonce repeats under one key.
// AAD = the header's immutable first 80 bytes | BE64 index | kind byte, kind
// 0 = more chunks follow, 1 = final, 2 = final and a head patch exists, 3 =
// the head patch itself (plus its offset, length and the total length). So a
// moved, dropped, reordered or spliced record, or a changed header field,
// fails its tag.
//
// A key check value (HMAC-SHA-256 of a fixed label under the key, 16 bytes)
// tells "wrong key" apart from "tampered": GCM alone cannot.
//
// The head patch: up to 64 bytes overlaid on the start of the plaintext at
// finalize (a WAV header's sizes are only known at the end, and chunk 0 was
// sealed long before; resealing it under its nonce would break GCM).
//
// Threads: pure helpers; GcmContext is owned by one thread at a time.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "recording/key_ring.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;  // NOLINT: OpenSSL's own forward declaration

namespace hujiao::recording {

inline constexpr char kMagic[8] = {'H', 'U', 'J', 'I', 'A', 'R', 'E', 'C'};
inline constexpr uint16_t kFormatVersion = 1;
inline constexpr size_t kHeaderSize = 256;
inline constexpr size_t kPrefixSize = 80;  // immutable, bound into every AAD
inline constexpr size_t kTagSize = 16;
inline constexpr size_t kNonceSize = 12;
inline constexpr size_t kMaxPatch = 64;
inline constexpr uint32_t kMinChunk = 512;
inline constexpr uint32_t kMaxChunk = 4u << 20;
/// File name suffix of containers.
inline constexpr std::string_view kContainerSuffix = ".hrec";

enum class ContainerState : uint32_t { Open = 0, Final = 1 };

enum class AadKind : uint8_t { Chunk = 0, Final = 1, FinalWithPatch = 2, Patch = 3 };

struct Header {
  uint32_t chunkSize = 16384;
  std::array<uint8_t, kNonceSize> baseNonce{};
  std::string keyId;
  std::array<uint8_t, 16> keyCheck{};
  // Mutable part, written at finalize:
  ContainerState state = ContainerState::Open;
  uint16_t patchOffset = 0;
  uint16_t patchLength = 0;  // 0 = no patch
  uint64_t plaintextLength = 0;  // meaningful when state == Final
  std::array<uint8_t, kMaxPatch> patchCipher{};
  std::array<uint8_t, kTagSize> patchTag{};
};

/// Serialises the header (kHeaderSize bytes).
void encodeHeader(const Header& h, uint8_t* out);
/// Parses and checks magic, version, chunk size, key id. Codes:
/// "not_container", "unsupported_version", "corrupt" (impossible fields).
core::Result<Header> decodeHeader(const uint8_t* in, size_t n);

std::array<uint8_t, kNonceSize> recordNonce(const Header& h, uint64_t index, uint8_t domain = 0);
/// AAD for a record or the patch: prefix | BE64 index | kind [| patch extras].
size_t buildAad(const uint8_t* prefix, uint64_t index, AadKind kind, uint8_t* out, uint16_t patchOffset = 0,
                uint16_t patchLength = 0, uint64_t totalLength = 0);
inline constexpr size_t kMaxAad = kPrefixSize + 8 + 1 + 12;

/// HMAC-SHA-256(key, "hujiao-recording-key-check-v1"), first 16 bytes. It
/// depends on the key alone, so a damaged header field shows up as a failing
/// chunk ("tampered"), and only a different key as "wrong_key". (It tells
/// nothing about the key; it does link files under one key, as the key id does.)
std::array<uint8_t, 16> keyCheckValue(const Key& key);

/// Byte offset of record i in the file.
inline uint64_t recordOffset(const Header& h, uint64_t i) {
  return kHeaderSize + i * (static_cast<uint64_t>(h.chunkSize) + kTagSize);
}

/// A reusable AES-256-GCM context: no allocation per record.
class GcmContext {
 public:
  GcmContext();
  ~GcmContext();
  GcmContext(const GcmContext&) = delete;
  GcmContext& operator=(const GcmContext&) = delete;
  bool seal(const Key& key, const uint8_t* nonce, const uint8_t* aad, size_t aadLen, const uint8_t* in, size_t n,
            uint8_t* out, uint8_t* tag);
  /// False when the tag does not verify (out is then garbage: do not use it).
  bool open(const Key& key, const uint8_t* nonce, const uint8_t* aad, size_t aadLen, const uint8_t* in, size_t n,
            const uint8_t* tag, uint8_t* out);

 private:
  EVP_CIPHER_CTX* ctx_;
};

/// Chunk size giving about half a second of audio at this byte rate (power of
/// two within [kMinChunk, kMaxChunk]): a crash loses at most that much.
uint32_t chunkSizeFor(uint64_t bytesPerSecond);

}  // namespace hujiao::recording
