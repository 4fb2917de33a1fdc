#pragma once
// UTC ISO 8601 in the API, UTC microseconds in storage (ARCHITECTURE.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hujiao::core {

/// "2026-11-23T10:36:37.123456Z" (microseconds kept; trailing zeros kept for a fixed width).
std::string formatIso8601(int64_t unixUs);
/// Accepts "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)" and "YYYY-MM-DD" (midnight UTC).
std::optional<int64_t> parseIso8601(std::string_view text);

}  // namespace hujiao::core
