#pragma once
// Key ring: the AES-256 keys recordings are encrypted with, read from a key
// file of lines `id:base64key` (32-byte keys; `#` comments and blank lines
// allowed). The active key encrypts new files; every other key stays for
// reading older files until they are re-encrypted (rotation: append a new
// line, make it active, run rotateKeys()).
//
// Threads: load at start-up or reload on any thread; a loaded KeyRing is
// immutable and may be shared between threads (pass by shared_ptr<const>).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace hujiao::recording {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kMaxKeyIdLength = 32;

/// One key. The bytes are wiped when the Key is destroyed.
struct Key {
  Key() = default;
  Key(const Key&) = default;
  Key& operator=(const Key&) = default;
  ~Key();
  std::string id;  // 1..32 of [A-Za-z0-9._-]
  std::array<uint8_t, kKeyBytes> bytes{};
};

class KeyRing {
 public:
  /// Reads and parses the key file. Refuses (code "insecure_key_file") a file
  /// that others may read or anyone but the owner may write (mode & 0027), or
  /// that is not a regular file. activeKeyId "" = the last key of the file.
  static core::Result<KeyRing> loadFile(const std::string& path, const std::string& activeKeyId);
  /// Parses key-file text (no permission check). Errors name the line.
  static core::Result<KeyRing> parse(const std::string& text, const std::string& activeKeyId,
                                     const std::string& sourceName = "key file");
  /// A ring made of given keys (tests, tools).
  static core::Result<KeyRing> fromKeys(std::vector<Key> keys, const std::string& activeKeyId);

  const Key& active() const { return keys_.at(active_); }
  /// nullptr when the id is unknown.
  const Key* find(const std::string& id) const;
  const std::vector<Key>& keys() const { return keys_; }

 private:
  std::vector<Key> keys_;
  size_t active_ = 0;
};

/// A fresh random key (OpenSSL RAND_bytes) with this id, and its key-file line.
Key generateKey(const std::string& id);
std::string keyFileLine(const Key& key);

}  // namespace hujiao::recording
