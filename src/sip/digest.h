#pragma once
// SIP digest authentication (RFC 3261 / RFC 7616 / RFC 8760): hashing with
// MD5 and SHA-256, parsing Authorization headers, building challenges, and
// stateless nonces (HMAC of a timestamp) that expire and are reported stale.
//
// Threads: pure functions; a NonceManager is used by the control thread only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hujiao::sip {

enum class DigestAlgorithm { Md5, Sha256 };

/// "MD5" / "SHA-256" (case-insensitive; "" = MD5 as RFC 2617 says).
std::optional<DigestAlgorithm> parseDigestAlgorithm(std::string_view name);
const char* digestAlgorithmName(DigestAlgorithm alg);

/// Lower-case hex of the algorithm's hash of `data`.
std::string digestHex(DigestAlgorithm alg, std::string_view data);
/// H(username:realm:password) -- what the store keeps instead of the password.
std::string digestHa1(DigestAlgorithm alg, std::string_view user, std::string_view realm,
                      std::string_view password);

struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string algorithm;  // as sent; "" = MD5
  std::string cnonce;
  std::string nc;
  std::string qop;
  std::string opaque;
};

/// Parses `Digest k=v, k="v", ...`. nullopt for another scheme or a header
/// missing username/realm/nonce/uri/response (bad input never throws).
std::optional<DigestCredentials> parseDigestCredentials(std::string_view header);

/// The response the client should have computed, from the stored HA1.
std::string digestExpectedResponse(DigestAlgorithm alg, std::string_view ha1, std::string_view method,
                                   const DigestCredentials& c);

/// `Digest realm="..", nonce="..", algorithm=.., qop="auth"[, stale=true]`.
std::string digestChallenge(DigestAlgorithm alg, std::string_view realm, std::string_view nonce, bool stale);

/// Stateless nonces: hex(issue time µs) + "." + hex(HMAC-SHA256(secret, time)).
class NonceManager {
 public:
  enum class Check { Valid, Stale, Invalid };
  /// A random secret is drawn per process, so nonces don't survive a restart
  /// (clients get stale=true and retry transparently).
  explicit NonceManager(int64_t ttlUs);
  NonceManager(int64_t ttlUs, std::string secret);
  std::string issue(int64_t monoUs) const;
  Check check(std::string_view nonce, int64_t monoUs) const;

 private:
  std::string mac(uint64_t t) const;
  int64_t ttlUs_;
  std::string secret_;
};

}  // namespace hujiao::sip
