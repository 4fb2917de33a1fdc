#pragma once
// N-party mixing: the loudest few speakers are summed once; each member hears
// the sum minus his own voice, saturated to 16 bits. Pure function plus the
// worker-side Conference record.
#include <cstdint>
#include <memory>
#include <vector>

#include "media/codec.h"
#include "media/media_api.h"

namespace hujiao::media {

struct MixInput {
  const int16_t* pcm = nullptr;  // one frame, or nullptr = silent
  bool canSpeak = true;          // false when muted
};

/// Mixes one frame. out[i] (may be null = deaf, skipped) gets the mix minus input i.
/// `total` (may be null) gets the full mix, e.g. for the conference recording.
/// `extra` (may be null) is added to every output and the total (join/leave tones).
/// Returns how many speakers were mixed.
/// `samples` per frame: 160 (8 kHz) or 320 (16 kHz, a conference with wideband members).
int mixFrame(const MixInput* in, int n, int maxSpeakers, int16_t* const* out, int16_t* total, const int16_t* extra,
             int samples = kFrameSamples);

/// Mean absolute amplitude of a frame (the speaker-selection energy).
int frameLevel(const int16_t* pcm, int samples);

struct Endpoint;
class Recording;
class ToneGenerator;
class RateConverter;

/// Worker-owned conference state.
struct Conference {
  ConferenceId id = 0;
  std::vector<Endpoint*> members;
  std::unique_ptr<Recording> recording;
  std::unique_ptr<ToneGenerator> beep;
  int beepLeft = 0;  // samples (8 kHz) of join/leave tone still to play
  int rate = kSampleRate;  // mixing rate: 16 kHz as soon as one member is wideband
  std::unique_ptr<RateConverter> beepConv;  // 8 kHz tone -> 16 kHz mix
  std::unique_ptr<RateConverter> recConv;   // mix -> the recording's rate, when they differ
  Conference();
  ~Conference();
};

}  // namespace hujiao::media
