#pragma once
// Typed commands from the control thread to a media worker (through its SPSC ring).
#include <memory>
#include <string>
#include <variant>

#include "media/endpoint.h"
#include "media/playback.h"
#include "media/recorder.h"

namespace hujiao::media::cmd {

struct Attach { std::shared_ptr<Endpoint> ep; };  // shared_ptr only so the variant stays copyable-free simple
struct Remove { EndpointId ep = 0; };
struct Detach { EndpointId ep = 0; };  // hand the endpoint back to control (migration)
struct Configure { EndpointId ep = 0; NegotiatedMedia media; SockAddr remote; bool resetLatch = true; };
struct Bridge { EndpointId a = 0; EndpointId b = 0; };
struct Unbridge { EndpointId ep = 0; };
struct Play { EndpointId ep = 0; std::shared_ptr<const PlaybackPlan> plan; };
struct StopPlay { EndpointId ep = 0; };
struct StartRecording { EndpointId ep = 0; uint64_t recId = 0; std::shared_ptr<const RecOpenInfo> info; };
struct PauseRecording { EndpointId ep = 0; bool pause = true; };
struct StopRecording { EndpointId ep = 0; };
struct DetectDtmf { EndpointId ep = 0; bool on = false; };
struct SendDtmf { EndpointId ep = 0; std::string digits; int durationMs = 100; };
struct ConfCreate { ConferenceId conf = 0; };
struct ConfDestroy { ConferenceId conf = 0; };
struct ConfJoin { ConferenceId conf = 0; EndpointId ep = 0; ConferenceMemberOptions opts; };
struct ConfLeave { EndpointId ep = 0; };
struct SetMuted { EndpointId ep = 0; bool on = false; };
struct SetDeaf { EndpointId ep = 0; bool on = false; };
struct ConfRecord { ConferenceId conf = 0; uint64_t recId = 0; std::shared_ptr<const RecOpenInfo> info; };
struct ConfStopRecord { ConferenceId conf = 0; };
struct Supervise { EndpointId supervisor = 0; EndpointId agent = 0; SuperviseMode mode = SuperviseMode::Listen; };
struct StopSupervise { EndpointId supervisor = 0; };
struct Stats { EndpointId ep = 0; uint64_t requestId = 0; };

using Command = std::variant<std::monostate, Attach, Remove, Detach, Configure, Bridge, Unbridge, Play, StopPlay,
                             StartRecording, PauseRecording, StopRecording, DetectDtmf, SendDtmf, ConfCreate,
                             ConfDestroy, ConfJoin, ConfLeave, SetMuted, SetDeaf, ConfRecord, ConfStopRecord,
                             Supervise, StopSupervise, Stats>;

}  // namespace hujiao::media::cmd
