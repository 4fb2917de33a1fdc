#include "media/sdp_negotiation.h"

#include <arpa/inet.h>
#include <strings.h>

#include <algorithm>

namespace hujiao::media {

namespace {

bool iequals(const std::string& a, const char* b) { return strcasecmp(a.c_str(), b) == 0; }

bool isTe(const PayloadFormat& f) { return iequals(f.encoding, "telephone-event"); }

int dynamicPtFor(CodecId id) { return id == CodecId::Opus ? 111 : codecInfo(id).staticPt; }

/// Resolves a format of a remote description to one of our codecs (static PTs
/// may come without an rtpmap, so encoding may be empty).
const CodecInfo* codecOf(const PayloadFormat& f) {
  if (f.encoding.empty()) {
    for (CodecId id : {CodecId::Pcmu, CodecId::Pcma, CodecId::G722, CodecId::G729}) {
      if (codecInfo(id).staticPt == f.payloadType && codecAvailable(id)) return &codecInfo(id);
    }
    return nullptr;
  }
  const CodecInfo* c = codecByName(f.encoding);
  if (!c) return nullptr;
  if (c->id == CodecId::Opus && f.clockRate != 48000) return nullptr;
  if (c->id != CodecId::Opus && f.clockRate != 8000 && f.clockRate != 0) return nullptr;
  return c;
}

bool allowedName(const std::vector<std::string>& codecs, const char* name) {
  return std::any_of(codecs.begin(), codecs.end(), [&](const std::string& c) { return iequals(c, name); });
}

core::Result<void> validate(const MediaDescription& d) {
  if (d.port < 0 || d.port > 65535) return core::Error{"invalid_sdp", "port out of range"};
  if (d.port == 0) return {};
  in6_addr a6{};
  in_addr a4{};
  if (inet_pton(AF_INET, d.address.c_str(), &a4) != 1 && inet_pton(AF_INET6, d.address.c_str(), &a6) != 1) {
    return core::Error{"invalid_sdp", "connection address is not an IP literal: '" + d.address + "'"};
  }
  for (const auto& f : d.formats) {
    if (f.payloadType < 0 || f.payloadType > 127) return core::Error{"invalid_sdp", "payload type out of range"};
  }
  return {};
}

int clampPtime(int p) {
  if (p <= 0) return 20;
  p = std::clamp(p, 10, 60);
  return (p + 5) / 10 * 10;
}

int pickTe(const MediaDescription& d) {
  int fallback = -1;
  for (const auto& f : d.formats) {
    if (!isTe(f)) continue;
    if (f.clockRate == 8000) return f.payloadType;
    if (fallback < 0) fallback = f.payloadType;
  }
  return fallback;
}

}  // namespace

std::vector<std::string> effectiveCodecs(const std::vector<std::string>& allowed,
                                         const std::vector<std::string>& defaults) {
  const auto& src = allowed.empty() ? defaults : allowed;
  std::vector<std::string> out;
  for (const auto& n : src) {
    if (iequals(n, "telephone-event") || codecByName(n)) out.push_back(n);
  }
  return out;
}

Direction answerDirection(Direction offered) {
  switch (offered) {
    case Direction::SendOnly: return Direction::RecvOnly;
    case Direction::RecvOnly: return Direction::SendOnly;
    case Direction::Inactive: return Direction::Inactive;
    case Direction::SendRecv: return Direction::SendRecv;
  }
  return Direction::SendRecv;
}

MediaDescription buildOffer(const std::string& address, int port, const std::vector<std::string>& codecs,
                            int ptimeMs, Direction direction) {
  MediaDescription d;
  d.address = address;
  d.port = port;
  d.ptimeMs = clampPtime(ptimeMs);
  d.direction = direction;
  bool te = false;
  for (const auto& n : codecs) {
    if (iequals(n, "telephone-event")) {
      te = true;
      continue;
    }
    const CodecInfo* c = codecByName(n);
    if (!c) continue;
    d.formats.push_back(PayloadFormat{dynamicPtFor(c->id), c->name, c->sdpClockRate, c->sdpChannels,
                                      c->id == CodecId::Opus ? "useinbandfec=1" : ""});
  }
  if (te) d.formats.push_back(PayloadFormat{101, "telephone-event", 8000, 1, "0-16"});
  return d;
}

core::Result<std::pair<MediaDescription, NegotiatedMedia>> answerOffer(const MediaDescription& offer,
                                                                       const std::string& address, int port,
                                                                       const std::vector<std::string>& codecs) {
  if (auto v = validate(offer); !v) return v.error();
  MediaDescription ans;
  ans.address = address;
  ans.ptimeMs = clampPtime(offer.ptimeMs);
  ans.direction = answerDirection(offer.direction);
  NegotiatedMedia n;
  n.ptimeMs = ans.ptimeMs;
  n.direction = ans.direction;
  n.remoteAddress = offer.address;
  n.remotePort = offer.port;
  if (offer.port == 0) {  // rejected stream: answer with port 0 as RFC 3264 wants
    ans.port = 0;
    n.direction = Direction::Inactive;
    return std::pair{ans, n};
  }
  const PayloadFormat* chosen = nullptr;
  const CodecInfo* info = nullptr;
  for (const auto& f : offer.formats) {
    if (isTe(f)) continue;
    const CodecInfo* c = codecOf(f);
    if (c && allowedName(codecs, c->name)) {
      chosen = &f;
      info = c;
      break;
    }
  }
  if (!chosen) return core::Error{"incompatible_codecs", "no codec in the offer is allowed on this leg"};
  ans.port = port;
  ans.formats.push_back(PayloadFormat{chosen->payloadType, info->name, info->sdpClockRate, info->sdpChannels,
                                      chosen->fmtp});
  n.codec = info->id;
  n.sendPt = n.recvPt = chosen->payloadType;
  if (allowedName(codecs, "telephone-event")) {
    int te = pickTe(offer);
    if (te >= 0) {
      ans.formats.push_back(PayloadFormat{te, "telephone-event", 8000, 1, "0-16"});
      n.sendTePt = n.recvTePt = te;
    }
  }
  return std::pair{ans, n};
}

core::Result<NegotiatedMedia> applyAnswer(const MediaDescription& ours, const MediaDescription& answer) {
  if (auto v = validate(answer); !v) return v.error();
  NegotiatedMedia n;
  n.remoteAddress = answer.address;
  n.remotePort = answer.port;
  n.ptimeMs = clampPtime(answer.ptimeMs);
  n.direction = answerDirection(answer.direction);
  if (answer.port == 0) {
    n.direction = Direction::Inactive;
    return n;
  }
  for (const auto& f : answer.formats) {
    if (isTe(f)) continue;
    const CodecInfo* c = codecOf(f);
    if (!c) continue;
    auto mine = std::find_if(ours.formats.begin(), ours.formats.end(),
                             [&](const PayloadFormat& o) { return codecOf(o) == c; });
    if (mine == ours.formats.end()) continue;
    n.codec = c->id;
    n.sendPt = f.payloadType;
    n.recvPt = mine->payloadType;
    int teAns = pickTe(answer);
    int teOurs = pickTe(ours);
    if (teAns >= 0 && teOurs >= 0) {
      n.sendTePt = teAns;
      n.recvTePt = teOurs;
    }
    return n;
  }
  return core::Error{"incompatible_codecs", "the answer selects no codec we offered"};
}

}  // namespace hujiao::media
