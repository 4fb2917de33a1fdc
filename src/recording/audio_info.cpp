#include "recording/audio_info.h"

#include <cstring>

namespace hujiao::recording {
namespace {

uint32_t le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | (static_cast<uint32_t>(u[1]) << 8) | (static_cast<uint32_t>(u[2]) << 16) |
         (static_cast<uint32_t>(u[3]) << 24);
}
uint16_t le16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] | (u[1] << 8));
}
void put32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

bool looksLikeWav(std::string_view h) {
  return h.size() >= 12 && h.substr(0, 4) == "RIFF" && h.substr(8, 4) == "WAVE";
}

bool looksLikeOgg(std::string_view h) { return h.size() >= 4 && h.substr(0, 4) == "OggS"; }

core::Result<WavInfo> parseWav(std::string_view h) {
  if (!looksLikeWav(h)) return core::makeError("invalid", "not a RIFF/WAVE file");
  WavInfo w;
  bool haveFmt = false;
  size_t pos = 12;
  while (pos + 8 <= h.size()) {
    const std::string_view id = h.substr(pos, 4);
    const uint32_t size = le32(h.data() + pos + 4);
    if (id == "fmt ") {
      if (size < 16 || pos + 8 + 16 > h.size()) return core::makeError("invalid", "WAV fmt chunk too short");
      const char* f = h.data() + pos + 8;
      w.channels = le16(f + 2);
      w.sampleRate = static_cast<int>(le32(f + 4));
      w.blockAlign = le16(f + 12);
      w.bitsPerSample = le16(f + 14);
      haveFmt = true;
    } else if (id == "data") {
      if (!haveFmt || w.blockAlign <= 0 || w.sampleRate <= 0) {
        return core::makeError("invalid", "WAV data chunk before a valid fmt chunk");
      }
      w.dataOffset = pos + 8;
      w.dataBytes = size;
      return w;
    }
    pos += 8 + size + (size & 1);
  }
  return core::makeError("invalid", "no WAV data chunk in the first bytes");
}

std::string wavHeader(int channels, int sampleRate, int bitsPerSample, uint32_t dataBytes) {
  std::string h(44, '\0');
  const int blockAlign = channels * bitsPerSample / 8;
  std::memcpy(h.data(), "RIFF", 4);
  put32(h.data() + 4, 36 + dataBytes);
  std::memcpy(h.data() + 8, "WAVEfmt ", 8);
  put32(h.data() + 16, 16);
  h[20] = 1;  // PCM
  h[22] = static_cast<char>(channels);
  put32(h.data() + 24, static_cast<uint32_t>(sampleRate));
  put32(h.data() + 28, static_cast<uint32_t>(sampleRate * blockAlign));
  h[32] = static_cast<char>(blockAlign);
  h[34] = static_cast<char>(bitsPerSample);
  std::memcpy(h.data() + 36, "data", 4);
  put32(h.data() + 40, dataBytes);
  return h;
}

std::optional<HeadPatch> wavSizePatch(std::string_view head, uint64_t totalLength) {
  auto w = parseWav(head);
  if (!w || w->dataOffset > 68 || totalLength < w->dataOffset) return std::nullopt;
  uint64_t data = (totalLength - w->dataOffset) / static_cast<uint64_t>(w->blockAlign) *
                  static_cast<uint64_t>(w->blockAlign);
  if (data > 0xFFFFFFFFull - 64) data = (0xFFFFFFFFull - 64) / w->blockAlign * w->blockAlign;
  HeadPatch p;
  p.offset = 4;
  p.bytes.assign(head.substr(4, w->dataOffset - 4));
  put32(p.bytes.data(), static_cast<uint32_t>(w->dataOffset - 8 + data));
  put32(p.bytes.data() + (w->dataOffset - 8), static_cast<uint32_t>(data));
  return p;
}

int64_t wavDurationMs(const WavInfo& w, uint64_t totalLength) {
  if (totalLength <= w.dataOffset || w.blockAlign <= 0 || w.sampleRate <= 0) return 0;
  const uint64_t frames = (totalLength - w.dataOffset) / static_cast<uint64_t>(w.blockAlign);
  return static_cast<int64_t>(frames * 1000 / static_cast<uint64_t>(w.sampleRate));
}

int64_t oggOpusDurationMs(std::string_view head, std::string_view tail) {
  uint64_t preSkip = 0;
  const auto oh = head.find("OpusHead");
  if (oh != std::string_view::npos && oh + 12 <= head.size()) preSkip = le16(head.data() + oh + 10);
  // The last page header: "OggS", version 0, then the 64-bit granule position.
  size_t from = tail.size();
  while (from > 0) {
    const size_t pos = tail.rfind("OggS", from - 1);
    if (pos == std::string_view::npos) break;
    from = pos;
    if (pos + 14 > tail.size() || tail[pos + 4] != 0) continue;
    const uint64_t granule = static_cast<uint64_t>(le32(tail.data() + pos + 6)) |
                             (static_cast<uint64_t>(le32(tail.data() + pos + 10)) << 32);
    if (granule == UINT64_MAX) continue;  // a page where no packet ends
    return granule > preSkip ? static_cast<int64_t>((granule - preSkip) / 48) : 0;
  }
  return -1;
}

}  // namespace hujiao::recording
