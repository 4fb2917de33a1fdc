#include "media/codec.h"

#include <opus/opus.h>
#include <spandsp.h>
#ifdef HUJIAO_HAVE_BCG729
extern "C" {  // bcg729's headers have no C++ guards
#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
}
#endif

#include <algorithm>
#include <array>
#include <cstring>
#include <strings.h>

#include "media/plc.h"

namespace hujiao::media {

namespace {

const CodecInfo kCodecs[] = {
    {CodecId::Pcmu, "PCMU", 0, 8000, 1, 1},  {CodecId::Pcma, "PCMA", 8, 8000, 1, 1},
    {CodecId::G722, "G722", 9, 8000, 1, 1},  {CodecId::Opus, "opus", -1, 48000, 2, 6},
    {CodecId::G729, "G729", 18, 8000, 1, 1},
};

struct G711Tables {
  std::array<int16_t, 256> ulawDec{};
  std::array<int16_t, 256> alawDec{};
  std::array<uint8_t, 16384> ulawEnc{};  // indexed by sample >> 2 (14 bits is all G.711 keeps)
  std::array<uint8_t, 16384> alawEnc{};
  G711Tables() {
    for (int i = 0; i < 256; ++i) {
      ulawDec[i] = ulaw_to_linear(static_cast<uint8_t>(i));
      alawDec[i] = alaw_to_linear(static_cast<uint8_t>(i));
    }
    for (int i = 0; i < 16384; ++i) {
      int v = (i & 0x2000) ? (i - 16384) * 4 : i * 4;  // the 14-bit index as a signed sample
      auto s = static_cast<int16_t>(v);
      ulawEnc[i] = linear_to_ulaw(s);
      alawEnc[i] = linear_to_alaw(s);
    }
  }
};

const G711Tables& tables() {
  static const G711Tables t;
  return t;
}

inline size_t encIndex(int16_t s) { return static_cast<size_t>((static_cast<uint16_t>(s) >> 2) & 0x3fff); }

/// Shared PLC for codecs without their own (our G.711 Appendix I style concealment, plc.h).
class PlcCodec : public Codec {
 protected:
  explicit PlcCodec(CodecId id, int rate = kSampleRate) : Codec(id, rate), plc_(rate) {}
  void remember(int16_t* pcm, int n) { plc_.good(pcm, n); }

 public:
  void conceal(int16_t* pcm, int samples) override { plc_.conceal(pcm, samples); }

 private:
  Plc plc_;
};

class G711Codec final : public PlcCodec {
 public:
  explicit G711Codec(CodecId id) : PlcCodec(id), ulaw_(id == CodecId::Pcmu), t_(tables()) {}
  int encode(const int16_t* pcm, int samples, uint8_t* out, size_t cap) override {
    int n = std::min(samples, static_cast<int>(cap));
    const auto& enc = ulaw_ ? t_.ulawEnc : t_.alawEnc;
    for (int i = 0; i < n; ++i) out[i] = enc[encIndex(pcm[i])];
    return n;
  }
  int decode(const uint8_t* in, size_t len, int16_t* pcm, int cap) override {
    int n = std::min(static_cast<int>(len), cap);
    const auto& dec = ulaw_ ? t_.ulawDec : t_.alawDec;
    for (int i = 0; i < n; ++i) pcm[i] = dec[in[i]];
    remember(pcm, n);
    return n;
  }

 private:
  bool ulaw_;
  const G711Tables& t_;
};

class G722Codec final : public PlcCodec {
 public:
  explicit G722Codec(int rate)
      : PlcCodec(CodecId::G722, rate),
        enc_(g722_encode_init(nullptr, 64000, rate == kWideRate ? 0 : G722_SAMPLE_RATE_8000)),
        dec_(g722_decode_init(nullptr, 64000, rate == kWideRate ? 0 : G722_SAMPLE_RATE_8000)) {}
  ~G722Codec() override {
    g722_encode_free(enc_);
    g722_decode_free(dec_);
  }
  int encode(const int16_t* pcm, int samples, uint8_t* out, size_t cap) override {
    // 64 kbit/s: one byte per 8 kHz sample, or per two 16 kHz samples.
    if (static_cast<size_t>(rate() == kWideRate ? samples / 2 : samples) > cap) return -1;
    return g722_encode(enc_, out, pcm, samples);
  }
  int decode(const uint8_t* in, size_t len, int16_t* pcm, int cap) override {
    if (static_cast<int>(rate() == kWideRate ? 2 * len : len) > cap) return -1;
    int n = g722_decode(dec_, pcm, in, static_cast<int>(len));
    if (n > 0) remember(pcm, n);
    return n;
  }

 private:
  g722_encode_state_t* enc_;
  g722_decode_state_t* dec_;
};

class OpusCodec final : public Codec {
 public:
  explicit OpusCodec(int rate) : Codec(CodecId::Opus, rate) {
    int err = 0;
    enc_ = opus_encoder_create(rate, 1, OPUS_APPLICATION_VOIP, &err);
    dec_ = opus_decoder_create(rate, 1, &err);
    if (enc_) {
      opus_encoder_ctl(enc_, OPUS_SET_BITRATE(24000));
      opus_encoder_ctl(enc_, OPUS_SET_COMPLEXITY(5));
      opus_encoder_ctl(enc_, OPUS_SET_INBAND_FEC(1));
      opus_encoder_ctl(enc_, OPUS_SET_PACKET_LOSS_PERC(5));
    }
  }
  ~OpusCodec() override {
    if (enc_) opus_encoder_destroy(enc_);
    if (dec_) opus_decoder_destroy(dec_);
  }
  bool ok() const { return enc_ && dec_; }
  int encode(const int16_t* pcm, int samples, uint8_t* out, size_t cap) override {
    int n = opus_encode(enc_, pcm, samples, out, static_cast<opus_int32>(cap));
    return n < 0 ? -1 : n;
  }
  int decode(const uint8_t* in, size_t len, int16_t* pcm, int cap) override {
    int n = opus_decode(dec_, in, static_cast<opus_int32>(len), pcm, cap, 0);
    return n < 0 ? -1 : n;
  }
  void conceal(int16_t* pcm, int samples) override {
    if (opus_decode(dec_, nullptr, 0, pcm, samples, 0) < 0) std::memset(pcm, 0, sizeof(int16_t) * samples);
  }

 private:
  OpusEncoder* enc_ = nullptr;
  OpusDecoder* dec_ = nullptr;
};

#ifdef HUJIAO_HAVE_BCG729
class G729Codec final : public Codec {
 public:
  G729Codec() : Codec(CodecId::G729), enc_(initBcg729EncoderChannel(0)), dec_(initBcg729DecoderChannel()) {}
  ~G729Codec() override {
    closeBcg729EncoderChannel(enc_);
    closeBcg729DecoderChannel(dec_);
  }
  int encode(const int16_t* pcm, int samples, uint8_t* out, size_t cap) override {
    int written = 0;
    for (int off = 0; off + 80 <= samples; off += 80) {
      if (static_cast<size_t>(written + 10) > cap) return -1;
      uint8_t len = 0;
      bcg729Encoder(enc_, pcm + off, out + written, &len);
      written += len;
    }
    return written;
  }
  int decode(const uint8_t* in, size_t len, int16_t* pcm, int cap) override {
    int n = 0;
    size_t off = 0;
    while (off < len) {
      if (n + 80 > cap) return -1;
      size_t frame = (len - off >= 10) ? 10 : 2;  // 2-byte SID (Annex B) frames
      if (off + frame > len) return -1;
      bcg729Decoder(dec_, in + off, static_cast<uint8_t>(frame), 0, frame == 2 ? 1 : 0, 0, pcm + n);
      off += frame;
      n += 80;
    }
    return n;
  }
  void conceal(int16_t* pcm, int samples) override {
    uint8_t dummy[10] = {};
    for (int off = 0; off + 80 <= samples; off += 80) bcg729Decoder(dec_, dummy, 10, 1, 0, 0, pcm + off);
  }

 private:
  bcg729EncoderChannelContextStruct* enc_;
  bcg729DecoderChannelContextStruct* dec_;
};
#endif

}  // namespace

const CodecInfo& codecInfo(CodecId id) { return kCodecs[static_cast<int>(id)]; }

const CodecInfo* codecByName(std::string_view name) {
  for (const auto& c : kCodecs) {
    if (name.size() == std::strlen(c.name) && strncasecmp(name.data(), c.name, name.size()) == 0) {
      return codecAvailable(c.id) ? &c : nullptr;
    }
  }
  return nullptr;
}

bool codecAvailable(CodecId id) {
#ifdef HUJIAO_HAVE_BCG729
  (void)id;
  return true;
#else
  return id != CodecId::G729;
#endif
}

int audioRateFor(CodecId id) { return id == CodecId::G722 || id == CodecId::Opus ? kWideRate : kSampleRate; }

std::unique_ptr<Codec> makeCodec(CodecId id) { return makeCodec(id, kSampleRate); }

std::unique_ptr<Codec> makeCodec(CodecId id, int rate) {
  rate = rate == kWideRate ? kWideRate : kSampleRate;
  switch (id) {
    case CodecId::Pcmu:
    case CodecId::Pcma:
      return std::make_unique<G711Codec>(id);
    case CodecId::G722:
      return std::make_unique<G722Codec>(rate);
    case CodecId::Opus: {
      auto c = std::make_unique<OpusCodec>(rate);
      if (!c->ok()) return nullptr;
      return c;
    }
    case CodecId::G729:
#ifdef HUJIAO_HAVE_BCG729
      return std::make_unique<G729Codec>();
#else
      return nullptr;
#endif
  }
  return nullptr;
}

uint8_t linearToUlaw(int16_t s) { return tables().ulawEnc[encIndex(s)]; }
uint8_t linearToAlaw(int16_t s) { return tables().alawEnc[encIndex(s)]; }
int16_t ulawToLinear(uint8_t u) { return tables().ulawDec[u]; }
int16_t alawToLinear(uint8_t a) { return tables().alawDec[a]; }
const int16_t* g711DecodeTable(CodecId id) {
  if (id == CodecId::Pcmu) return tables().ulawDec.data();
  if (id == CodecId::Pcma) return tables().alawDec.data();
  return nullptr;
}

}  // namespace hujiao::media
