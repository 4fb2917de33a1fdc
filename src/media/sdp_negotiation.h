#pragma once
// SDP offer/answer (RFC 3264) on MediaDescription: codec intersection in
// preference order, telephone-event, ptime, direction. Pure functions, any thread.
#include <string>
#include <vector>

#include "core/result.h"
#include "media/codec.h"
#include "media/media_api.h"

namespace hujiao::media {

/// What an endpoint needs to send and receive after negotiation.
struct NegotiatedMedia {
  CodecId codec = CodecId::Pcmu;
  int sendPt = 0;       // PT we send the codec with
  int recvPt = 0;       // PT we accept it with (ours from the offer; usually == sendPt)
  int sendTePt = -1;    // telephone-event PT to send with; -1 = not negotiated (in-band DTMF)
  int recvTePt = -1;
  int ptimeMs = 20;
  Direction direction = Direction::SendRecv;  // ours
  std::string remoteAddress;
  int remotePort = 0;  // 0 = stream rejected
};

/// The codec names an endpoint may use: `allowed` filtered by what is built in
/// (telephone-event kept); empty `allowed` = `defaults`.
std::vector<std::string> effectiveCodecs(const std::vector<std::string>& allowed,
                                         const std::vector<std::string>& defaults);

/// Our offer: one format per allowed codec with its usual PT, plus telephone-event.
MediaDescription buildOffer(const std::string& address, int port, const std::vector<std::string>& codecs,
                            int ptimeMs, Direction direction = Direction::SendRecv);

/// Answers a remote offer. Codec choice follows the offerer's order; error
/// "incompatible_codecs" when nothing matches, "invalid_sdp" on a bad description.
core::Result<std::pair<MediaDescription, NegotiatedMedia>> answerOffer(const MediaDescription& remoteOffer,
                                                                       const std::string& address, int port,
                                                                       const std::vector<std::string>& codecs);

/// Applies the remote answer to our offer.
core::Result<NegotiatedMedia> applyAnswer(const MediaDescription& ourOffer, const MediaDescription& remoteAnswer);

/// The direction an answerer takes for an offered one.
Direction answerDirection(Direction offered);

}  // namespace hujiao::media
