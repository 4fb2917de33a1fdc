#include "sip/sdp.h"

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include <cstdlib>
#include <memory>

namespace hujiao::sip {
namespace {

struct ParserDeleter {
  void operator()(sdp_parser_t* p) const { sdp_parser_free(p); }
};

media::Direction fromMode(unsigned mode) {
  switch (mode) {
    case sdp_inactive: return media::Direction::Inactive;
    case sdp_sendonly: return media::Direction::SendOnly;
    case sdp_recvonly: return media::Direction::RecvOnly;
    default: return media::Direction::SendRecv;
  }
}

const char* directionAttr(media::Direction d) {
  switch (d) {
    case media::Direction::SendOnly: return "sendonly";
    case media::Direction::RecvOnly: return "recvonly";
    case media::Direction::Inactive: return "inactive";
    default: return "sendrecv";
  }
}

}  // namespace

core::Result<media::MediaDescription> parseSdp(std::string_view body) {
  if (body.empty() || body.size() > 65536) return core::makeError("bad_sdp", "empty or oversized SDP");
  std::unique_ptr<sdp_parser_t, ParserDeleter> p(
      sdp_parse(nullptr, body.data(), static_cast<issize_t>(body.size()), sdp_f_mode_0000));
  sdp_session_t* s = p ? sdp_session(p.get()) : nullptr;
  if (!s) {
    const char* err = p ? sdp_parsing_error(p.get()) : "parser allocation failed";
    return core::makeError("bad_sdp", std::string("SDP does not parse: ") + (err ? err : "?"));
  }
  for (sdp_media_t* m = s->sdp_media; m; m = m->m_next) {
    if (m->m_type != sdp_media_audio) continue;
    media::MediaDescription d;
    sdp_connection_t* c = m->m_connections ? m->m_connections : s->sdp_connection;
    if (!c || !c->c_address) return core::makeError("bad_sdp", "audio stream without c= address");
    d.address = c->c_address;
    d.port = static_cast<int>(m->m_port);
    for (sdp_rtpmap_t* rm = m->m_rtpmaps; rm; rm = rm->rm_next) {
      media::PayloadFormat f;
      f.payloadType = static_cast<int>(rm->rm_pt);
      f.encoding = rm->rm_encoding ? rm->rm_encoding : "";
      f.clockRate = static_cast<int>(rm->rm_rate);
      f.channels = rm->rm_params ? std::atoi(rm->rm_params) : 1;
      if (f.channels <= 0) f.channels = 1;
      f.fmtp = rm->rm_fmtp ? rm->rm_fmtp : "";
      d.formats.push_back(std::move(f));
    }
    if (sdp_attribute_t* a = sdp_attribute_find(m->m_attributes, "ptime"); a && a->a_value) {
      int pt = std::atoi(a->a_value);
      if (pt > 0 && pt <= 200) d.ptimeMs = pt;
    }
    d.direction = fromMode(m->m_mode);
    if (d.formats.empty() && d.port != 0) return core::makeError("bad_sdp", "audio stream without formats");
    return d;
  }
  return core::makeError("bad_sdp", "no audio stream");
}

std::string formatSdp(const media::MediaDescription& d, uint64_t sessionId, uint64_t version,
                      std::string_view userName) {
  const bool v6 = d.address.find(':') != std::string::npos;
  const char* ipv = v6 ? "IP6" : "IP4";
  std::string s = "v=0\r\no=";
  s.append(userName).append(" ").append(std::to_string(sessionId)).append(" ").append(std::to_string(version));
  s.append(" IN ").append(ipv).append(" ").append(d.address).append("\r\ns=-\r\nc=IN ");
  s.append(ipv).append(" ").append(d.address).append("\r\nt=0 0\r\nm=audio ").append(std::to_string(d.port));
  s.append(" RTP/AVP");
  for (const auto& f : d.formats) s.append(" ").append(std::to_string(f.payloadType));
  s.append("\r\n");
  for (const auto& f : d.formats) {
    s.append("a=rtpmap:").append(std::to_string(f.payloadType)).append(" ").append(f.encoding).append("/");
    s.append(std::to_string(f.clockRate));
    if (f.channels > 1) s.append("/").append(std::to_string(f.channels));
    s.append("\r\n");
    if (!f.fmtp.empty()) s.append("a=fmtp:").append(std::to_string(f.payloadType)).append(" ").append(f.fmtp).append("\r\n");
  }
  s.append("a=ptime:").append(std::to_string(d.ptimeMs)).append("\r\na=").append(directionAttr(d.direction)).append("\r\n");
  return s;
}

media::Direction sdpDirection(std::string_view body) {
  auto d = parseSdp(body);
  return d ? d->direction : media::Direction::SendRecv;
}

}  // namespace hujiao::sip
