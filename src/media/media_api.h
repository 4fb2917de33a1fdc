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

namespace hujiao::core {
class ConfigSchema;
class Config;
class TaskQueue;
}  // namespace hujiao::core

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
  /// Optional: put the endpoint on the same media worker as this one (e.g. the
  /// other leg of a call about to be bridged) so bridge() needs no migration.
  EndpointId colocateWith = 0;
};

using ConferenceId = uint64_t;  // 0 is never a valid id

/// One item of a playback. Files and TTS are loaded/synthesised off the control
/// and media threads (media prep thread) and cached; tones are generated live.
struct PlayItem {
  enum class Kind { File, Tone, Tts, Silence };
  Kind kind = Kind::File;
  std::string path;   // File: WAV (any rate/channels libsndfile reads); relative to media.sounds_dir
  std::string tone;   // Tone: "ringback", "busy", "congestion", "call_waiting", "dial"
  std::string tonePlan;  // Tone: "cn" or "na"; empty = media.tone_plan
  std::string text;   // Tts
  std::string voice;  // Tts: espeak-ng voice ("cmn", "zh", "en", "en-us"...); empty = media.tts_voice
  int durationMs = 0;  // Tone/Silence: 0 = tone plays until stopped (silence: required)
};

struct PlayRequest {
  uint64_t requestId = 0;      // echoed in PlaybackDone
  std::vector<PlayItem> items;  // played in order
  int loops = 1;                // 0 = loop forever (music on hold) until stopPlay
  bool stopOnDtmf = false;      // barge-in: any digit (RFC 4733 or in-band) stops it
};

enum class RecordingFormat { WavStereo, WavMono, OggOpus };

struct RecordingOptions {
  uint64_t requestId = 0;  // echoed in RecordingStopped
  /// File path; relative paths are under media.recordings_dir. Directories are created.
  std::string path;
  /// WavStereo/OggOpus: channel 0 = the endpoint's party, channel 1 = what it hears.
  RecordingFormat format = RecordingFormat::WavStereo;
};

struct ConferenceMemberOptions {
  bool muted = false;  // heard by none
  bool deaf = false;   // hears nothing
  bool joinTone = true;  // play the join tone to everyone
};

/// Supervisor modes on a bridged call (agent <-> customer).
enum class SuperviseMode { Listen, Whisper, Barge };

/// Per-leg quality, from our receive side and the peer's RTCP reports.
struct StreamQuality {
  uint64_t packetsReceived = 0;
  uint64_t packetsSent = 0;
  uint64_t packetsLost = 0;      // what we expected and did not receive
  double lossPercent = 0;        // ours (receive side)
  double jitterMs = 0;           // RFC 3550 interarrival jitter, ours
  double remoteLossPercent = -1;  // from the peer's RTCP RR; -1 = no report yet
  double remoteJitterMs = -1;
  double rttMs = -1;              // from RTCP SR/RR (LSR/DLSR); -1 = unknown
  double mos = 0;                 // E-model (G.107 simplified) estimate, 1..4.5
  std::string codec;
};


/// Events from the media plane, delivered on the control thread.
struct MediaEvent {
  enum class Type { DtmfDigit, PlaybackDone, RtpTimeout, RecordingStopped, Error, Stats, RtpResumed };
  Type type = Type::Error;
  EndpointId endpoint = 0;
  char digit = 0;           // DtmfDigit
  int durationMs = 0;       // DtmfDigit
  uint64_t requestId = 0;   // PlaybackDone / RecordingStopped: the id given with the command
  std::string detail;       // Error text, recording path, ...
  /// PlaybackDone: "completed", "stopped", "dtmf" (barge-in), "replaced", "error".
  std::string reason;
  int64_t recordedMs = 0;    // RecordingStopped: audio length written
  std::optional<StreamQuality> quality;  // Stats
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

  // ---- Added by the media engine (defaults keep older fakes compiling). ----
  /// Plays to the endpoint, replacing (PlaybackDone "replaced") any current playback.
  virtual core::Result<void> play(EndpointId, const PlayRequest&) { return notSupported(); }
  /// Stops the playback; PlaybackDone "stopped" follows if one was running.
  virtual void stopPlay(EndpointId) {}
  virtual core::Result<void> startRecording(EndpointId, const RecordingOptions&) { return notSupported(); }
  virtual core::Result<void> pauseRecording(EndpointId) { return notSupported(); }
  virtual core::Result<void> resumeRecording(EndpointId) { return notSupported(); }
  /// RecordingStopped (detail = path, recordedMs) follows once the file is closed.
  virtual core::Result<void> stopRecording(EndpointId) { return notSupported(); }
  /// DtmfDigit events on/off. RFC 4733 is parsed, in-band detection runs only while on.
  virtual core::Result<void> detectDtmf(EndpointId, bool) { return notSupported(); }
  /// Sends digits (0-9*#A-D): RFC 4733 when negotiated, else in-band tones.
  virtual core::Result<void> sendDtmf(EndpointId, const std::string&, int /*durationMs*/ = 100) {
    return notSupported();
  }
  virtual core::Result<ConferenceId> createConference(const std::string& /*name*/) {
    return core::Error{"not_supported", "not supported"};
  }
  /// Remaining members leave (unmixed, silent); a running conference recording stops.
  virtual void destroyConference(ConferenceId) {}
  virtual core::Result<void> joinConference(ConferenceId, EndpointId, const ConferenceMemberOptions&) {
    return notSupported();
  }
  virtual core::Result<void> leaveConference(EndpointId) { return notSupported(); }
  virtual core::Result<void> setMuted(EndpointId, bool) { return notSupported(); }
  virtual core::Result<void> setDeaf(EndpointId, bool) { return notSupported(); }
  /// The mixer's own recording (mono mix); events carry endpoint 0 and the request id.
  virtual core::Result<void> recordConference(ConferenceId, const RecordingOptions&) { return notSupported(); }
  virtual core::Result<void> stopConferenceRecording(ConferenceId) { return notSupported(); }
  /// `supervisor` joins the bridged call of `agent` in the given mode (call again to change it).
  virtual core::Result<void> supervise(EndpointId /*supervisor*/, EndpointId /*agent*/, SuperviseMode) {
    return notSupported();
  }
  virtual core::Result<void> stopSupervising(EndpointId /*supervisor*/) { return notSupported(); }
  /// A Stats event with `requestId` follows (store its quality with the call).
  virtual core::Result<void> requestStats(EndpointId, uint64_t /*requestId*/) { return notSupported(); }

 protected:
  static core::Result<void> notSupported() { return core::Error{"not_supported", "not supported by this engine"}; }
};

/// Adds the "media" config section.
void addMediaConfig(core::ConfigSchema& schema);

/// The real engine: starts its worker, prep and writer threads. Events are posted to
/// `control` and delivered to `sink` when the control thread runs the queue.
/// Throws std::runtime_error at start-up on bad configuration (e.g. empty port range).
std::unique_ptr<MediaEngine> createMediaEngine(const core::Config& config, core::TaskQueue& control,
                                               MediaEventSink sink);

}  // namespace hujiao::media
