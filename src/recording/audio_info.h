#pragma once
// Just enough of WAV and Ogg/Opus to describe a recording (duration) and to
// repair a WAV header whose sizes were written before the end was known.
//
// Threads: pure functions; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hujiao::recording {

struct WavInfo {
  int channels = 0;
  int sampleRate = 0;
  int bitsPerSample = 0;
  int blockAlign = 0;        // bytes per frame
  uint64_t dataOffset = 0;   // first byte of the samples
  uint64_t dataBytes = 0;    // as the header says (may be stale)
};

/// Parses RIFF/WAVE up to the "data" chunk. `head` holds the file's first bytes.
core::Result<WavInfo> parseWav(std::string_view head);
bool looksLikeWav(std::string_view head);
bool looksLikeOgg(std::string_view head);

/// A canonical 44-byte PCM WAV header.
std::string wavHeader(int channels, int sampleRate, int bitsPerSample, uint32_t dataBytes);

/// The header bytes [4, dataOffset) rewritten so that the RIFF and data sizes
/// match a file of totalLength bytes (whole frames only). nullopt when the
/// head is not a WAV or its data chunk starts past byte 68 (patch limit).
struct HeadPatch {
  uint16_t offset = 0;
  std::string bytes;
};
std::optional<HeadPatch> wavSizePatch(std::string_view head, uint64_t totalLength);

/// Milliseconds of audio in a WAV of totalLength bytes (whole frames).
int64_t wavDurationMs(const WavInfo& w, uint64_t totalLength);
/// Ogg/Opus: duration from the last page's granule position in `tail` (the
/// file's last bytes) and the OpusHead pre-skip in `head`; -1 if not found.
int64_t oggOpusDurationMs(std::string_view head, std::string_view tail);

}  // namespace hujiao::recording
