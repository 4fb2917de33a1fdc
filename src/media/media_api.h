#pragma once
// The media plane as the call layer sees it (CONTRACT between src/call and
// src/media; extend it, don't break it).
//
// Threads: every MediaEngine method is called on the CONTROL thread and never
// blocks: it validates, updates control-side bookkeeping, and posts a command to
// the worker that owns the endpoint. Results that need the worker come back as
// MediaEvents, delivered on the control thread through the sink given at
// construction. No sofia header here: src/sip converts its SDP to and from
// MediaDescription.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace hujiao::media {

using EndpointId = uint64_t;  // 0 is never a valid id

enum class Direction { SendRecv, SendOnly, RecvOnly, Inactive };

/// One payload format of an m=audio line (rtpmap/fmtp).
struct PayloadFormat {
  int payloadType = 0;
  std::string encoding;  // "PCMU", "PCMA", "G722", "opus", "G729", "telephone-event"
  int clockRate = 8000;
  int channels = 1;
  std::string fmtp;  // e.g. "0-16" for telephone-event
};

/// The audio part of an SDP body (one m=audio line), as the media plane needs it.
struct MediaDescription {
  std::string address;  // c= address (IPv4 or IPv6 literal)
  int port = 0;         // 0 = stream rejected/disabled
  std::vector<PayloadFormat> formats;  // in preference order
  int ptimeMs = 20;
  Direction direction = Direction::SendRecv;
};

struct EndpointOptions {
  std::string callId;  // for logs and recordings
  bool ipv6 = false;
  /// Codecs this leg may use, by encoding name, in preference order; empty = engine default.
  std::vector<std::string> allowedCodecs;
};

/// Events from the media plane, delivered on the control thread.
struct MediaEvent {
  enum class Type { DtmfDigit, PlaybackDone, RtpTimeout, RecordingStopped, Error };
  Type type = Type::Error;
  EndpointId endpoint = 0;
  char digit = 0;           // DtmfDigit
  int durationMs = 0;       // DtmfDigit
  uint64_t requestId = 0;   // PlaybackDone / RecordingStopped: the id given with the command
  std::string detail;       // Error text, recording path, ...
};

using MediaEventSink = std::function<void(const MediaEvent&)>;

class MediaEngine {
 public:
  virtual ~MediaEngine() = default;

  /// Allocates an RTP/RTCP port pair and hands the endpoint to a worker.
  virtual core::Result<EndpointId> createEndpoint(const EndpointOptions& options) = 0;
  /// Our SDP offer for an outbound leg (local address/port, allowed codecs + telephone-event).
  virtual core::Result<MediaDescription> localOffer(EndpointId ep) = 0;
  /// Negotiates against the remote offer and returns our answer; starts sending to the remote.
  virtual core::Result<MediaDescription> answerOffer(EndpointId ep, const MediaDescription& remoteOffer) = 0;
  /// Applies the remote answer to our earlier localOffer().
  virtual core::Result<void> applyAnswer(EndpointId ep, const MediaDescription& remoteAnswer) = 0;
  /// Releases the ports; pending playbacks/recordings end without events.
  virtual void destroyEndpoint(EndpointId ep) = 0;

  /// Relay audio between two endpoints (without decoding when codecs match).
  virtual core::Result<void> bridge(EndpointId a, EndpointId b) = 0;
  virtual void unbridge(EndpointId ep) = 0;
};

}  // namespace hujiao::media
