#pragma once
// Password hashing (Argon2id, libargon2) and bearer tokens (32 random bytes,
// base64url; only their SHA-256 is stored). Any thread; hashing takes tens of
// milliseconds by design, so it runs on the service plane only.
#include <cstdint>
#include <string>

#include "core/result.h"

namespace hujiao::api {

/// OWASP's Argon2id recommendation: m=19 MiB, t=2, p=1.
struct PasswordParams {
  uint32_t iterations = 2;
  uint32_t memoryKiB = 19 * 1024;
  uint32_t parallelism = 1;
};

/// PHC-encoded "$argon2id$v=19$m=...,t=...,p=...$salt$hash" with a 16-byte random salt.
core::Result<std::string> hashPassword(const std::string& password, const PasswordParams& params);
/// Constant-time verification against an encoded hash (false on a malformed hash).
bool verifyPassword(const std::string& password, const std::string& encoded);

/// n cryptographically random bytes.
std::string randomBytes(size_t n);
/// RFC 4648 §5 without padding.
std::string base64Url(const std::string& bytes);
/// A new bearer token: 32 random bytes, base64url (43 characters).
std::string newToken();
/// Lower-case hex SHA-256 (what the sessions table stores).
std::string sha256Hex(const std::string& data);
/// A readable random password (generated admin password).
std::string generatePassword(size_t length = 20);

}  // namespace hujiao::api
