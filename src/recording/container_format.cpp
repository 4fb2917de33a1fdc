#include "recording/container_format.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <new>

namespace hujiao::recording {
namespace {

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t get32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint64_t get64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
void putBe64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

}  // namespace

void encodeHeader(const Header& h, uint8_t* out) {
  std::memset(out, 0, kHeaderSize);
  std::memcpy(out, kMagic, 8);
  put16(out + 8, kFormatVersion);
  put32(out + 12, h.chunkSize);
  std::memcpy(out + 16, h.baseNonce.data(), kNonceSize);
  std::memcpy(out + 32, h.keyId.data(), std::min(h.keyId.size(), kMaxKeyIdLength));
  std::memcpy(out + 64, h.keyCheck.data(), 16);
  put32(out + 80, static_cast<uint32_t>(h.state));
  put16(out + 84, h.patchOffset);
  put16(out + 86, h.patchLength);
  put64(out + 88, h.plaintextLength);
  std::memcpy(out + 96, h.patchCipher.data(), kMaxPatch);
  std::memcpy(out + 160, h.patchTag.data(), kTagSize);
}

core::Result<Header> decodeHeader(const uint8_t* in, size_t n) {
  if (n < kHeaderSize || std::memcmp(in, kMagic, 8) != 0) {
    return core::makeError("not_container", "not an encrypted recording (bad magic or short header)");
  }
  const uint16_t version = get16(in + 8);
  if (version != kFormatVersion) {
    return core::makeError("unsupported_version", "recording container version " + std::to_string(version) +
                                                      " is not supported (this build reads version 1)");
  }
  Header h;
  h.chunkSize = get32(in + 12);
  if (h.chunkSize < kMinChunk || h.chunkSize > kMaxChunk) {
    return core::makeError("corrupt", "recording header: chunk size " + std::to_string(h.chunkSize) + " out of range");
  }
  std::memcpy(h.baseNonce.data(), in + 16, kNonceSize);
  size_t idLen = 0;
  while (idLen < kMaxKeyIdLength && in[32 + idLen] != 0) ++idLen;
  h.keyId.assign(reinterpret_cast<const char*>(in + 32), idLen);
  if (h.keyId.empty()) return core::makeError("corrupt", "recording header: empty key id");
  std::memcpy(h.keyCheck.data(), in + 64, 16);
  const uint32_t state = get32(in + 80);
  if (state > 1) return core::makeError("corrupt", "recording header: unknown state " + std::to_string(state));
  h.state = static_cast<ContainerState>(state);
  h.patchOffset = get16(in + 84);
  h.patchLength = get16(in + 86);
  if (h.patchLength > kMaxPatch || h.patchOffset + h.patchLength > h.chunkSize) {
    return core::makeError("corrupt", "recording header: head patch out of range");
  }
  h.plaintextLength = get64(in + 88);
  std::memcpy(h.patchCipher.data(), in + 96, kMaxPatch);
  std::memcpy(h.patchTag.data(), in + 160, kTagSize);
  return h;
}

std::array<uint8_t, kNonceSize> recordNonce(const Header& h, uint64_t index, uint8_t domain) {
  std::array<uint8_t, kNonceSize> n = h.baseNonce;
  uint8_t be[8];
  putBe64(be, index);
  for (int i = 0; i < 8; ++i) n[4 + static_cast<size_t>(i)] ^= be[i];
  n[0] ^= domain;
  return n;
}

size_t buildAad(const uint8_t* prefix, uint64_t index, AadKind kind, uint8_t* out, uint16_t patchOffset,
                uint16_t patchLength, uint64_t totalLength) {
  std::memcpy(out, prefix, kPrefixSize);
  putBe64(out + kPrefixSize, index);
  out[kPrefixSize + 8] = static_cast<uint8_t>(kind);
  size_t n = kPrefixSize + 9;
  if (kind == AadKind::Patch) {
    put16(out + n, patchOffset);
    put16(out + n + 2, patchLength);
    put64(out + n + 4, totalLength);
    n += 12;
  }
  return n;
}

std::array<uint8_t, 16> keyCheckValue(const Key& key) {
  static constexpr std::string_view kLabel = "hujiao-recording-key-check-v1";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  HMAC(EVP_sha256(), key.bytes.data(), static_cast<int>(key.bytes.size()),
       reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(), mac, &macLen);
  std::array<uint8_t, 16> out{};
  std::memcpy(out.data(), mac, 16);
  return out;
}

GcmContext::GcmContext() : ctx_(EVP_CIPHER_CTX_new()) {
  if (ctx_ == nullptr) throw std::bad_alloc();
}

GcmContext::~GcmContext() { EVP_CIPHER_CTX_free(ctx_); }

bool GcmContext::seal(const Key& key, const uint8_t* nonce, const uint8_t* aad, size_t aadLen, const uint8_t* in,
                      size_t n, uint8_t* out, uint8_t* tag) {
  int len = 0;
  if (EVP_EncryptInit_ex(ctx_, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize), nullptr) != 1) return false;
  if (EVP_EncryptInit_ex(ctx_, nullptr, nullptr, key.bytes.data(), nonce) != 1) return false;
  if (EVP_EncryptUpdate(ctx_, nullptr, &len, aad, static_cast<int>(aadLen)) != 1) return false;
  if (n > 0 && EVP_EncryptUpdate(ctx_, out, &len, in, static_cast<int>(n)) != 1) return false;
  if (EVP_EncryptFinal_ex(ctx_, out + (n > 0 ? len : 0), &len) != 1) return false;
  return EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag) == 1;
}

bool GcmContext::open(const Key& key, const uint8_t* nonce, const uint8_t* aad, size_t aadLen, const uint8_t* in,
                      size_t n, const uint8_t* tag, uint8_t* out) {
  int len = 0;
  if (EVP_DecryptInit_ex(ctx_, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize), nullptr) != 1) return false;
  if (EVP_DecryptInit_ex(ctx_, nullptr, nullptr, key.bytes.data(), nonce) != 1) return false;
  if (EVP_DecryptUpdate(ctx_, nullptr, &len, aad, static_cast<int>(aadLen)) != 1) return false;
  if (n > 0 && EVP_DecryptUpdate(ctx_, out, &len, in, static_cast<int>(n)) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), const_cast<uint8_t*>(tag)) != 1) {
    return false;
  }
  return EVP_DecryptFinal_ex(ctx_, out + (n > 0 ? len : 0), &len) == 1;
}

uint32_t chunkSizeFor(uint64_t bytesPerSecond) {
  uint32_t c = kMinChunk;
  while (c < kMaxChunk && static_cast<uint64_t>(c) * 2 <= bytesPerSecond / 2) c *= 2;
  return c;
}

}  // namespace hujiao::recording
