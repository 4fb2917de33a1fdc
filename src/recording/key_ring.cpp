#include "recording/key_ring.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace hujiao::recording {
namespace {

core::Error err(const std::string& code, const std::string& msg) { return core::makeError(code, msg); }

bool validId(const std::string& id) {
  if (id.empty() || id.size() > kMaxKeyIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

/// Strict base64 (standard alphabet, padded) to bytes; false on bad input.
bool decodeBase64(const std::string& in, std::vector<uint8_t>& out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  out.assign(in.size() / 4 * 3, 0);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return true;
}

}  // namespace

Key::~Key() { OPENSSL_cleanse(bytes.data(), bytes.size()); }

core::Result<KeyRing> KeyRing::fromKeys(std::vector<Key> keys, const std::string& activeKeyId) {
  if (keys.empty()) return err("invalid", "the key ring has no key");
  std::set<std::string> seen;
  for (const auto& k : keys) {
    if (!validId(k.id)) return err("invalid", "key id '" + k.id + "' must be 1-32 of A-Z a-z 0-9 . _ -");
    if (!seen.insert(k.id).second) return err("invalid", "key id '" + k.id + "' appears twice");
  }
  KeyRing ring;
  ring.keys_ = std::move(keys);
  if (activeKeyId.empty()) {
    ring.active_ = ring.keys_.size() - 1;
  } else {
    bool found = false;
    for (size_t i = 0; i < ring.keys_.size(); ++i) {
      if (ring.keys_[i].id == activeKeyId) {
        ring.active_ = i;
        found = true;
      }
    }
    if (!found) return err("invalid", "the active key id '" + activeKeyId + "' is not in the key ring");
  }
  return ring;
}

core::Result<KeyRing> KeyRing::parse(const std::string& text, const std::string& activeKeyId,
                                     const std::string& sourceName) {
  std::vector<Key> keys;
  std::istringstream in(text);
  std::string line;
  int lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = sourceName + ":" + std::to_string(lineNo) + ": ";
    auto colon = line.find(':');
    if (colon == std::string::npos) return err("invalid", where + "expected 'id:base64key'");
    Key k;
    k.id = trim(line.substr(0, colon));
    if (!validId(k.id)) return err("invalid", where + "key id must be 1-32 of A-Z a-z 0-9 . _ -");
    std::vector<uint8_t> raw;
    if (!decodeBase64(trim(line.substr(colon + 1)), raw)) return err("invalid", where + "the key is not valid base64");
    if (raw.size() != kKeyBytes) {
      const size_t got = raw.size();
      OPENSSL_cleanse(raw.data(), raw.size());
      return err("invalid", where + "the key must be 32 bytes, got " + std::to_string(got));
    }
    std::memcpy(k.bytes.data(), raw.data(), kKeyBytes);
    OPENSSL_cleanse(raw.data(), raw.size());
    keys.push_back(std::move(k));
  }
  if (keys.empty()) return err("invalid", sourceName + ": no key in the file");
  return fromKeys(std::move(keys), activeKeyId);
}

core::Result<KeyRing> KeyRing::loadFile(const std::string& path, const std::string& activeKeyId) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return err("not_found", "recording key file " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return err("insecure_key_file", "recording key file " + path + " is not a regular file");
  if ((st.st_mode & 0027) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return err("insecure_key_file", "recording key file " + path + " has mode " + mode +
                                        ": others may read it or group may write it; run chmod 600 " + path);
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return err("io", "cannot read recording key file " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  auto ring = parse(text, activeKeyId, path);
  OPENSSL_cleanse(text.data(), text.size());
  return ring;
}

const Key* KeyRing::find(const std::string& id) const {
  for (const auto& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

Key generateKey(const std::string& id) {
  Key k;
  k.id = id;
  if (RAND_bytes(k.bytes.data(), static_cast<int>(k.bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // no entropy: nothing safe to do
  }
  return k;
}

std::string keyFileLine(const Key& key) {
  std::string b64(4 * ((kKeyBytes + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), key.bytes.data(),
                                static_cast<int>(key.bytes.size()));
  b64.resize(static_cast<size_t>(n));
  return key.id + ":" + b64;
}

}  // namespace hujiao::recording
