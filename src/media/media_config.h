#pragma once
// The "media" config section as a plain struct (read once at start-up; the
// engine copies it to every thread that needs it).
#include <string>
#include <vector>

namespace hujiao::core {
class Config;
}

namespace hujiao::media {

struct MediaConfig {
  int rtpPortMin = 20000;  // even; RTP on even ports, RTCP on the next odd one
  int rtpPortMax = 39999;
  int workers = 0;  // 0 = one per core
  int ptimeMs = 20;
  int rtpTimeoutS = 60;  // 0 = never
  int jitterMinMs = 20;
  int jitterMaxMs = 200;
  int jitterInitMs = 40;
  std::string bindIpv4 = "0.0.0.0";
  std::string bindIpv6 = "::";
  std::string advertiseIpv4;  // SDP c= address; empty = bind address, or the first non-loopback one
  std::string advertiseIpv6;
  std::vector<std::string> codecs = {"PCMU", "PCMA", "G722", "opus", "G729", "telephone-event"};
  bool symmetricRtp = true;
  int relatchPackets = 5;       // consecutive packets a new source must send...
  int relatchSilenceMs = 1000;  // ...after the latched one went silent this long
  std::string recordingsDir = "var/recordings";
  std::string ttsCacheDir = "var/tts-cache";
  std::string soundsDir = "sounds";
  std::string tonePlan = "cn";  // "cn" or "na"
  std::string ttsVoice = "cmn";
  int conferenceSpeakers = 3;
  int rtcpIntervalS = 5;
  int recorderFlushMs = 500;  // a kill -9 loses at most about this much audio
  int socketBufferKb = 256;
  // Interrupt coalescing: a worker that found pollBusyEvents ready sockets in one
  // wake-up sleeps until pollIntervalUs after that wake-up before looking again, so
  // packets are read in larger batches. Adds up to pollIntervalUs of relay delay.
  // Off by default: on the 2-core VM of bench/media it saved no CPU (the kernel's
  // per-packet UDP work dominates, and a busy worker already finds ~20-30 ready
  // sockets per wake-up) while p99 delay grew by ~1 ms. 0 = event-driven.
  int pollIntervalUs = 0;
  int pollBusyEvents = 16;
};

MediaConfig mediaConfigFrom(const core::Config& config);

}  // namespace hujiao::media
