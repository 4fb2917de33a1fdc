#include "core/ids.h"

#include <chrono>
#include <mutex>
#include <cstdint>
#include <random>

namespace hujiao::core {
namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

uint64_t randomBits() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}
}  // namespace

// Ids made in the same millisecond must still sort in creation order (lists
// page by id), so, as in ULID's monotonic mode, the random part of the previous
// id is incremented instead of drawn again.
std::string newIdAt(int64_t unixMs) {
  static std::mutex mu;
  static int64_t lastMs = -1;
  static uint64_t lastHi = 0;  // 16 significant bits
  static uint64_t lastLo = 0;  // 64 bits
  uint64_t hi = 0;
  uint64_t lo = 0;
  {
    std::lock_guard lock(mu);
    if (unixMs == lastMs) {
      lastLo += 1;
      if (lastLo == 0) lastHi = (lastHi + 1) & 0xFFFFU;
    } else {
      lastMs = unixMs;
      lastHi = randomBits() & 0x7FFFU;  // top bit clear leaves room to increment
      lastLo = randomBits();
    }
    hi = lastHi;
    lo = lastLo;
  }
  std::string out(26, '0');
  auto t = static_cast<uint64_t>(unixMs);
  for (int i = 9; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kAlphabet[t & 31U];
    t >>= 5U;
  }
  for (int i = 25; i >= 10; --i) {
    out[static_cast<size_t>(i)] = kAlphabet[lo & 31U];
    lo = (lo >> 5U) | ((hi & 31U) << 59U);
    hi >>= 5U;
  }
  return out;
}

std::string newId() {
  using namespace std::chrono;
  return newIdAt(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

bool isValidId(std::string_view id) {
  if (id.size() != 26) return false;
  for (char c : id) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
    if (!ok) return false;
  }
  return true;
}

}  // namespace hujiao::core
