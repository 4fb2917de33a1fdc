#pragma once
// SDP <-> media::MediaDescription (the audio stream only). Parsing uses
// sofia's SDP parser; generation is plain text.
//
// Threads: pure functions (control thread in practice).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "media/media_api.h"

namespace hujiao::sip {

/// The first m=audio stream of an SDP body. Error "bad_sdp" when the body does
/// not parse or has no audio stream.
core::Result<media::MediaDescription> parseSdp(std::string_view body);

/// A complete SDP body for one audio stream. `sessionId`/`version` go to o=.
std::string formatSdp(const media::MediaDescription& d, uint64_t sessionId, uint64_t version,
                      std::string_view userName = "hujiao");

/// The direction of the first audio stream of a raw body (SendRecv if unknown);
/// used by pass-through mode to report hold state without rewriting the SDP.
media::Direction sdpDirection(std::string_view body);

}  // namespace hujiao::sip
