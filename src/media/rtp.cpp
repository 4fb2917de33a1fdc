#include "media/rtp.h"

namespace hujiao::media {

namespace {
inline uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t rd32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
         p[3];
}
inline void wr16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void wr32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
}  // namespace

std::optional<RtpHeader> parseRtp(const uint8_t* d, size_t len) {
  if (len < 12 || (d[0] >> 6) != 2) return std::nullopt;
  if (looksLikeRtcp(d, len)) return std::nullopt;
  RtpHeader h;
  size_t cc = d[0] & 0x0f;
  h.marker = (d[1] & 0x80) != 0;
  h.payloadType = d[1] & 0x7f;
  h.seq = rd16(d + 2);
  h.timestamp = rd32(d + 4);
  h.ssrc = rd32(d + 8);
  size_t off = 12 + 4 * cc;
  if (off > len) return std::nullopt;
  if (d[0] & 0x10) {  // header extension
    if (off + 4 > len) return std::nullopt;
    size_t words = rd16(d + off + 2);
    off += 4 + 4 * words;
    if (off > len) return std::nullopt;
  }
  size_t end = len;
  if (d[0] & 0x20) {  // padding
    size_t pad = d[len - 1];
    if (pad == 0 || off + pad > len) return std::nullopt;
    end -= pad;
  }
  h.headerLen = off;
  h.payloadLen = end - off;
  return h;
}

void writeRtpHeader(uint8_t* out, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  out[0] = 0x80;
  out[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (pt & 0x7f));
  wr16(out + 2, seq);
  wr32(out + 4, ts);
  wr32(out + 8, ssrc);
}

void rewriteRtp(uint8_t* pkt, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  pkt[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (pt & 0x7f));
  wr16(pkt + 2, seq);
  wr32(pkt + 4, ts);
  wr32(pkt + 8, ssrc);
}

std::optional<TelephoneEvent> parseTelephoneEvent(const uint8_t* p, size_t len) {
  if (len < 4) return std::nullopt;
  TelephoneEvent ev;
  ev.event = p[0];
  ev.end = (p[1] & 0x80) != 0;
  ev.volume = p[1] & 0x3f;
  ev.duration = rd16(p + 2);
  return ev;
}

void writeTelephoneEvent(uint8_t* out, const TelephoneEvent& ev) {
  out[0] = ev.event;
  out[1] = static_cast<uint8_t>((ev.end ? 0x80 : 0) | (ev.volume & 0x3f));
  wr16(out + 2, ev.duration);
}

char dtmfEventToChar(int e) {
  static const char kMap[] = "0123456789*#ABCD";
  return (e >= 0 && e < 16) ? kMap[e] : 0;
}

int dtmfCharToEvent(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  switch (c) {
    case '*': return 10;
    case '#': return 11;
    case 'A': case 'a': return 12;
    case 'B': case 'b': return 13;
    case 'C': case 'c': return 14;
    case 'D': case 'd': return 15;
    default: return -1;
  }
}

}  // namespace hujiao::media
