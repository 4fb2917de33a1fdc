#pragma once
// Audio codecs behind one interface. The engine's internal audio is 16-bit
// mono PCM in 20 ms frames at 8 kHz (160 samples) for narrowband codecs and at
// 16 kHz (320 samples) for wideband ones (G.722, Opus) when asked for with
// makeCodec(id, 16000): wideband legs that are mixed, recorded or transcoded
// keep their bandwidth. makeCodec(id) gives the 8 kHz variant of every codec
// (G.722 via spandsp's 8 kHz mode, Opus at its 8 kHz API rate).
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
constexpr int kWideRate = 16000;
constexpr int kMaxFrameSamples = 320;  // 20 ms at 16 kHz

/// The rate a leg with this codec is decoded at: 16 kHz for G.722 and Opus, else 8 kHz.
int audioRateFor(CodecId id);
inline int frameSamplesAt(int rate) { return rate / 50; }

class Codec {
 public:
  virtual ~Codec() = default;
  CodecId id() const { return id_; }
  /// PCM rate of encode()/decode()/conceal(): 8000 or 16000.
  int rate() const { return rate_; }
  /// Encodes `samples` (a multiple of 10 ms) of PCM at rate(); returns bytes written (<= cap), -1 on error.
  virtual int encode(const int16_t* pcm, int samples, uint8_t* out, size_t cap) = 0;
  /// Decodes one payload into PCM at rate(); returns samples written (<= cap), -1 on a bad payload.
  virtual int decode(const uint8_t* in, size_t len, int16_t* pcm, int cap) = 0;
  /// Synthesises `samples` of concealment audio for a lost packet (PLC).
  virtual void conceal(int16_t* pcm, int samples) = 0;

 protected:
  explicit Codec(CodecId id, int rate = kSampleRate) : id_(id), rate_(rate) {}

 private:
  CodecId id_;
  int rate_;
};

/// A fresh encoder/decoder pair state for one leg at 8 kHz; nullptr if the codec is unavailable.
std::unique_ptr<Codec> makeCodec(CodecId id);
/// The same at `rate` (8000 or 16000) where the codec is wideband; narrowband codecs
/// stay at 8 kHz whatever is asked (check rate() on the result).
std::unique_ptr<Codec> makeCodec(CodecId id, int rate);

/// G.711 sample conversions (tables; usable on the hot path).
uint8_t linearToUlaw(int16_t s);
uint8_t linearToAlaw(int16_t s);
int16_t ulawToLinear(uint8_t u);
int16_t alawToLinear(uint8_t a);
/// The 256-entry decoding table of PCMU or PCMA (nullptr for other codecs); immutable.
const int16_t* g711DecodeTable(CodecId id);

}  // namespace hujiao::media
