#pragma once
// Worker-side state of one RTP endpoint. Created on the control thread (socket
// bound, nothing shared yet), then owned by exactly one media worker; moved
// between workers only through the control thread (bridge/conference
// colocation). Buffers that the hot path needs are allocated when a feature
// is switched on, never per packet.
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "media/codec.h"
#include "media/dtmf.h"
#include "media/jitter_buffer.h"
#include "media/media_api.h"
#include "media/playback.h"
#include "media/recorder.h"
#include "media/rate_convert.h"
#include "media/record_lane.h"
#include "media/rtcp.h"
#include "media/sdp_negotiation.h"

namespace hujiao::media {

struct Conference;

struct SockAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  bool valid() const { return len != 0; }
  bool same(const sockaddr_storage& o, socklen_t olen) const;
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&ss); }
};

/// Decoded-audio state, allocated only for endpoints that mix, play, record,
/// transcode or detect in-band DTMF. Frames are 20 ms at the leg's own rate:
/// 16 kHz for wideband codecs (G.722, Opus), else 8 kHz.
struct EndpointAudio {
  std::unique_ptr<Codec> codec;
  std::unique_ptr<JitterBuffer> jb;
  int rate = kSampleRate;     // codec->rate()
  int frame = kFrameSamples;  // samples per 20 ms at `rate`
  int16_t rxFrame[kMaxFrameSamples] = {};
  int16_t txFrame[kMaxFrameSamples] = {};
  bool txValid = false;
  int16_t txAccum[kMaxFrameSamples * 4] = {};
  int txAccumLen = 0;
  // rxFrame at the other rate (8 <-> 16 kHz), made once per tick when a consumer at
  // that rate asks (a narrowband bridge peer, a mix, in-band DTMF detection).
  int16_t rxOther[kMaxFrameSamples] = {};
  uint64_t rxOtherTick = 0;
  std::unique_ptr<RateConverter> rxConv;   // rate -> other
  std::unique_ptr<RateConverter> txConv;   // other -> rate (8 kHz prompts/tones on a wideband leg, a mix at the other rate)
  std::unique_ptr<RateConverter> recConv;  // what the leg hears -> the recording's rate, when they differ
  int16_t scratch[kMaxFrameSamples] = {};  // a conference mix at the other rate, before txConv
};

struct Endpoint {
  EndpointId id = 0;
  std::string callId;
  int rtpFd = -1;
  int rtcpFd = -1;
  int port = 0;
  bool ipv6 = false;
  uint32_t slot = 0;
  uint32_t gen = 0;

  // Negotiated media (Configure command).
  bool configured = false;
  NegotiatedMedia media;
  int rtpRate = 8000;  // RTP timestamp units per second
  SockAddr sdpRemote;
  SockAddr sendAddr;
  SockAddr rtcpAddr;
  bool rtcpLatched = false;

  // Symmetric RTP latching.
  bool latched = false;
  SockAddr candidate;
  uint32_t candidateSsrc = 0;
  int candidateCount = 0;
  int64_t lastRxUs = 0;
  bool timedOut = false;

  // Statistics and RTCP.
  RxStats rx;
  RemoteReport remote;
  TxCounters txc;
  bool sentSinceReport = false;
  int64_t nextRtcpUs = 0;
  uint64_t droppedPackets = 0;  // unknown PT, not RTP, hijack attempts

  // Outgoing stream.
  uint32_t txSsrc = 0;
  uint16_t txSeq = 0;
  uint32_t txTs = 0;
  int64_t lastTxUs = 0;
  // Relay mapping (this endpoint sends what relayFrom receives).
  uint32_t relayInSsrc = 0;
  uint16_t seqDelta = 0;
  uint32_t tsDelta = 0;
  bool relayRestart = true;

  // Topology (pointers to endpoints on the same worker).
  Endpoint* bridgePeer = nullptr;
  Endpoint* relayFrom = nullptr;  // derived: relay without decoding
  std::array<Endpoint*, 3> mix{};  // derived: decoded sources summed into our output
  int mixCount = 0;
  Conference* conf = nullptr;
  bool muted = false;
  bool deaf = false;
  Endpoint* supervisor = nullptr;   // on an agent: who supervises it
  Endpoint* supervising = nullptr;  // on a supervisor: the agent
  SuperviseMode superviseMode = SuperviseMode::Listen;

  // DTMF.
  bool dtmfEvents = false;
  Rfc4733Receiver teRx;
  std::unique_ptr<InbandDtmfDetector> dtmfRx;
  Rfc4733Sender teTx;
  uint32_t teTs = 0;
  std::unique_ptr<InbandDtmfGenerator> dtmfTx;

  std::unique_ptr<Playback> playback;
  std::unique_ptr<Recording> recording;

  // Derived each time the topology changes.
  bool needRx = false;
  bool recRx = false;  // decoded for a recording (its own or the peer's); needRx covers it too
  // Recording-only G.711 leg: decoded on arrival into this ring instead of the jitter
  // buffer (record_lane.h). laneOff: the peer sent something the lane refuses.
  std::unique_ptr<RecordLane> lane;
  bool laneOff = false;
  std::unique_ptr<EndpointAudio> audio;

  bool canReceive() const {
    return configured && (media.direction == Direction::SendRecv || media.direction == Direction::RecvOnly);
  }
  bool canSend() const {
    return configured && sendAddr.valid() &&
           (media.direction == Direction::SendRecv || media.direction == Direction::SendOnly);
  }
  /// Tick-driven output (player, DTMF) takes the place of relayed packets.
  bool txOverride() const { return playback || teTx.busy() || dtmfTx; }
};

}  // namespace hujiao::media
