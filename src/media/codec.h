#pragma once
// Audio codecs behind one interface. The engine's internal audio is 16-bit
// mono PCM at 8 kHz in 20 ms frames (160 samples); every codec takes and
// gives that rate (G.722 via spandsp's 8 kHz mode, Opus at its 8 kHz API rate),
// so a codec object is all a leg needs to transcode.
//
// Threads: a Codec instance belongs to one media worker. The static tables and
// codecInfo() are immutable and usable from any thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace hujiao::media {

enum class CodecId { Pcmu, Pcma, G722, Opus, G729 };

struct CodecInfo {
  CodecId id;
  const char* name;    // SDP encoding name
  int staticPt;        // -1 = dynamic
  int sdpClockRate;    // rtpmap clock rate
  int sdpChannels;     // rtpmap channels (opus: 2)
  int rtpUnitsPerSample;  // RTP timestamp units per 8 kHz sample (opus: 6)
};

const CodecInfo& codecInfo(CodecId id);
/// By SDP encoding name (case-insensitive); nullptr if unknown or not built in.
const CodecInfo* codecByName(std::string_view name);
bool codecAvailable(CodecId id);

constexpr int kSampleRate = 8000;
constexpr int kFrameSamples = 160;  // 20 ms at 8 kHz

class Codec {
 public:
  virtual ~Codec() = default;
  CodecId id() const { return id_; }
  /// Encodes `samples` (a multiple of 80) of 8 kHz PCM; returns bytes written (<= cap), -1 on error.
  virtual int encode(const int16_t* pcm, int samples, uint8_t* out, size_t cap) = 0;
  /// Decodes one payload into 8 kHz PCM; returns samples written (<= cap), -1 on a bad payload.
  virtual int decode(const uint8_t* in, size_t len, int16_t* pcm, int cap) = 0;
  /// Synthesises `samples` of concealment audio for a lost packet (PLC).
  virtual void conceal(int16_t* pcm, int samples) = 0;

 protected:
  explicit Codec(CodecId id) : id_(id) {}

 private:
  CodecId id_;
};

/// A fresh encoder/decoder pair state for one leg; nullptr if the codec is unavailable.
std::unique_ptr<Codec> makeCodec(CodecId id);

/// G.711 sample conversions (tables; usable on the hot path).
uint8_t linearToUlaw(int16_t s);
uint8_t linearToAlaw(int16_t s);
int16_t ulawToLinear(uint8_t u);
int16_t alawToLinear(uint8_t a);

}  // namespace hujiao::media
