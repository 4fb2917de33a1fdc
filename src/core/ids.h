#pragma once
// Opaque, globally unique, time-ordered identifiers (ULID layout: 48-bit
// millisecond time + 80 random bits, Crockford base32, 26 characters). Time
// order makes them usable as pagination cursors; globally unique ids keep the
// planned multi-node mode possible.
#include <string>

namespace hujiao::core {

std::string newId();
/// Same layout for a given millisecond time (tests, imports).
std::string newIdAt(int64_t unixMs);
/// True for a string that newId() could have produced.
bool isValidId(std::string_view id);

}  // namespace hujiao::core
