#pragma once
// RTP (RFC 3550) fixed header and RFC 4733 telephone-event payloads: parsing
// and writing in place, no allocation. Pure functions, any thread.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace hujiao::media {

struct RtpHeader {
  uint8_t payloadType = 0;
  bool marker = false;
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  size_t headerLen = 12;   // incl. CSRCs and extension
  size_t payloadLen = 0;   // excl. padding
};

/// Parses a packet; nullopt if it is not valid RTP v2 (too short, bad padding/extension).
std::optional<RtpHeader> parseRtp(const uint8_t* data, size_t len);
/// Writes a 12-byte header (no CSRC/extension) at `out`.
void writeRtpHeader(uint8_t* out, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc);
/// Rewrites SSRC/seq/timestamp/PT/marker of a packet in place (relay).
void rewriteRtp(uint8_t* pkt, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc);

/// RTCP packets have PT 200..204 in the second byte (RFC 5761 demux rule).
inline bool looksLikeRtcp(const uint8_t* d, size_t len) { return len >= 8 && d[1] >= 200 && d[1] <= 204; }

/// RFC 4733 telephone-event payload.
struct TelephoneEvent {
  uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 A-D
  bool end = false;
  uint8_t volume = 0;  // -dBm0
  uint16_t duration = 0;  // timestamp units
};
std::optional<TelephoneEvent> parseTelephoneEvent(const uint8_t* payload, size_t len);
void writeTelephoneEvent(uint8_t* out, const TelephoneEvent& ev);
/// Event code <-> DTMF character; 0 / -1 when not a DTMF event/character.
char dtmfEventToChar(int event);
int dtmfCharToEvent(char c);

/// Sequence-number arithmetic (RFC 1982 style): true when a is newer than b.
inline bool seqNewer(uint16_t a, uint16_t b) { return static_cast<int16_t>(static_cast<uint16_t>(a - b)) > 0; }

}  // namespace hujiao::media
