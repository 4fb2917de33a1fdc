#include "sip/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace hujiao::sip {
namespace {

std::string toHex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

void skipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
}

}  // namespace

std::optional<DigestAlgorithm> parseDigestAlgorithm(std::string_view name) {
  if (name.empty() || iequals(name, "MD5")) return DigestAlgorithm::Md5;
  if (iequals(name, "SHA-256")) return DigestAlgorithm::Sha256;
  return std::nullopt;
}

const char* digestAlgorithmName(DigestAlgorithm alg) { return alg == DigestAlgorithm::Md5 ? "MD5" : "SHA-256"; }

std::string digestHex(DigestAlgorithm alg, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* type = alg == DigestAlgorithm::Md5 ? EVP_md5() : EVP_sha256();
  if (EVP_Digest(data.data(), data.size(), md, &len, type, nullptr) != 1) return {};
  return toHex(md, len);
}

std::string digestHa1(DigestAlgorithm alg, std::string_view user, std::string_view realm,
                      std::string_view password) {
  std::string a1;
  a1.reserve(user.size() + realm.size() + password.size() + 2);
  a1.append(user).append(":").append(realm).append(":").append(password);
  return digestHex(alg, a1);
}

std::optional<DigestCredentials> parseDigestCredentials(std::string_view h) {
  size_t i = 0;
  skipSpace(h, i);
  if (h.size() - i < 6 || !iequals(h.substr(i, 6), "Digest")) return std::nullopt;
  i += 6;
  DigestCredentials c;
  bool any = false;
  while (i < h.size()) {
    skipSpace(h, i);
    if (i < h.size() && h[i] == ',') {
      ++i;
      continue;
    }
    size_t k0 = i;
    while (i < h.size() && h[i] != '=' && h[i] != ',' && h[i] != ' ') ++i;
    std::string_view key = h.substr(k0, i - k0);
    skipSpace(h, i);
    if (i >= h.size() || h[i] != '=') {
      if (key.empty()) return std::nullopt;
      continue;  // a bare token: ignore
    }
    ++i;
    skipSpace(h, i);
    std::string value;
    if (i < h.size() && h[i] == '"') {
      ++i;
      bool closed = false;
      while (i < h.size()) {
        char ch = h[i++];
        if (ch == '\\' && i < h.size()) {
          value.push_back(h[i++]);
        } else if (ch == '"') {
          closed = true;
          break;
        } else {
          value.push_back(ch);
        }
      }
      if (!closed) return std::nullopt;
    } else {
      size_t v0 = i;
      while (i < h.size() && h[i] != ',' && h[i] != ' ' && h[i] != '\t') ++i;
      value = std::string(h.substr(v0, i - v0));
    }
    if (value.size() > 1024) return std::nullopt;
    any = true;
    if (iequals(key, "username")) c.username = value;
    else if (iequals(key, "realm")) c.realm = value;
    else if (iequals(key, "nonce")) c.nonce = value;
    else if (iequals(key, "uri")) c.uri = value;
    else if (iequals(key, "response")) c.response = value;
    else if (iequals(key, "algorithm")) c.algorithm = value;
    else if (iequals(key, "cnonce")) c.cnonce = value;
    else if (iequals(key, "nc")) c.nc = value;
    else if (iequals(key, "qop")) c.qop = value;
    else if (iequals(key, "opaque")) c.opaque = value;
  }
  if (!any || c.username.empty() || c.nonce.empty() || c.uri.empty() || c.response.empty()) return std::nullopt;
  return c;
}

std::string digestExpectedResponse(DigestAlgorithm alg, std::string_view ha1, std::string_view method,
                                   const DigestCredentials& c) {
  std::string a2;
  a2.append(method).append(":").append(c.uri);
  const std::string ha2 = digestHex(alg, a2);
  std::string kd(ha1);
  kd.append(":").append(c.nonce).append(":");
  if (!c.qop.empty()) kd.append(c.nc).append(":").append(c.cnonce).append(":").append(c.qop).append(":");
  kd.append(ha2);
  return digestHex(alg, kd);
}

std::string digestChallenge(DigestAlgorithm alg, std::string_view realm, std::string_view nonce, bool stale) {
  std::string s = "Digest realm=\"";
  s.append(realm).append("\", nonce=\"").append(nonce).append("\", algorithm=");
  s.append(digestAlgorithmName(alg)).append(", qop=\"auth\"");
  if (stale) s.append(", stale=true");
  return s;
}

NonceManager::NonceManager(int64_t ttlUs) : ttlUs_(ttlUs) {
  unsigned char buf[32];
  if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
  secret_ = std::string(reinterpret_cast<char*>(buf), sizeof buf);
}

NonceManager::NonceManager(int64_t ttlUs, std::string secret) : ttlUs_(ttlUs), secret_(std::move(secret)) {}

std::string NonceManager::mac(uint64_t t) const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  unsigned char msg[8];
  for (int i = 0; i < 8; ++i) msg[i] = static_cast<unsigned char>(t >> (56 - 8 * i));
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), msg, sizeof msg, md, &len);
  return toHex(md, 16);  // 128 bits is plenty for a nonce MAC
}

std::string NonceManager::issue(int64_t monoUs) const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(monoUs));
  return std::string(buf) + "." + mac(static_cast<uint64_t>(monoUs));
}

NonceManager::Check NonceManager::check(std::string_view nonce, int64_t monoUs) const {
  if (nonce.size() != 16 + 1 + 32 || nonce[16] != '.') return Check::Invalid;
  uint64_t t = 0;
  for (size_t i = 0; i < 16; ++i) {
    char ch = nonce[i];
    int v = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
    if (v < 0) return Check::Invalid;
    t = (t << 4) | static_cast<uint64_t>(v);
  }
  if (mac(t) != nonce.substr(17)) return Check::Invalid;
  const int64_t issued = static_cast<int64_t>(t);
  if (issued > monoUs || monoUs - issued > ttlUs_) return Check::Stale;
  return Check::Valid;
}

}  // namespace hujiao::sip
