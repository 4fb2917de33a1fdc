#include "media/media_config.h"

#include "core/config.h"
#include "media/media_api.h"

namespace hujiao::media {

void addMediaConfig(core::ConfigSchema& s) {
  MediaConfig d;
  s.section("media", "Media plane: RTP endpoints, codecs, players, recorder, conferences");
  s.integer("media", "rtp_port_min", d.rtpPortMin, 1024, 65534, "First RTP port (even; RTCP uses port+1)");
  s.integer("media", "rtp_port_max", d.rtpPortMax, 1025, 65535, "Last RTP port");
  s.integer("media", "workers", d.workers, 0, 256, "Media worker threads; 0 = one per core");
  s.integer("media", "ptime", d.ptimeMs, 10, 60, "Packet time we offer, ms (10-60 accepted from peers)");
  s.integer("media", "rtp_timeout_s", d.rtpTimeoutS, 0, 3600,
            "Report RtpTimeout after this many seconds without RTP on an active stream; 0 = never");
  s.integer("media", "jitter_min_ms", d.jitterMinMs, 0, 1000, "Adaptive jitter buffer: smallest target delay");
  s.integer("media", "jitter_max_ms", d.jitterMaxMs, 20, 2000, "Adaptive jitter buffer: largest delay");
  s.integer("media", "jitter_init_ms", d.jitterInitMs, 0, 1000, "Adaptive jitter buffer: initial target delay");
  s.string("media", "bind_ipv4", d.bindIpv4, "IPv4 address RTP sockets bind to");
  s.string("media", "bind_ipv6", d.bindIpv6, "IPv6 address RTP sockets bind to");
  s.string("media", "advertise_ipv4", d.advertiseIpv4,
           "IPv4 address put in SDP; empty = the bind address, or the first non-loopback interface");
  s.string("media", "advertise_ipv6", d.advertiseIpv6, "IPv6 address put in SDP; empty = as for IPv4");
  s.stringList("media", "codecs", d.codecs,
               "Codecs offered, in preference order (PCMU, PCMA, G722, opus, G729, telephone-event)");
  s.boolean("media", "symmetric_rtp", d.symmetricRtp, "Send RTP to where the peer's RTP comes from (NAT)");
  s.integer("media", "relatch_packets", d.relatchPackets, 1, 1000,
            "A new RTP source is latched after this many consecutive packets...");
  s.integer("media", "relatch_silence_ms", d.relatchSilenceMs, 0, 60000,
            "...and only when the latched source has been silent this long (anti-hijack)");
  s.string("media", "recordings_dir", d.recordingsDir, "Directory for relative recording paths");
  s.string("media", "tts_cache_dir", d.ttsCacheDir, "Cache of synthesised speech (by hash of text+voice)");
  s.string("media", "sounds_dir", d.soundsDir, "Directory for relative prompt file paths");
  s.string("media", "tone_plan", d.tonePlan, "Default call-progress tone plan", {"cn", "na"});
  s.string("media", "tts_voice", d.ttsVoice, "Default espeak-ng voice (cmn = Mandarin, en = English)");
  s.integer("media", "conference_speakers", d.conferenceSpeakers, 1, 16,
            "Conference mixes the loudest this many speakers");
  s.integer("media", "rtcp_interval_s", d.rtcpIntervalS, 1, 60, "RTCP report interval, seconds");
  s.integer("media", "recorder_flush_ms", d.recorderFlushMs, 100, 1000,
            "Recorder writes + fixes the file header this often (bounds loss on a crash)");
  s.integer("media", "socket_buffer_kb", d.socketBufferKb, 16, 8192, "SO_RCVBUF/SO_SNDBUF per RTP socket");
  s.integer("media", "poll_interval_us", d.pollIntervalUs, 0, 10000,
            "Under load a worker reads its sockets at most this often (batching; bounds the added delay); "
            "0 = wake on every packet");
  s.integer("media", "poll_busy_events", d.pollBusyEvents, 1, 100000,
            "A wake-up with at least this many ready sockets switches the worker to paced polling");
}

MediaConfig mediaConfigFrom(const core::Config& c) {
  MediaConfig m;
  m.rtpPortMin = static_cast<int>(c.getInt("media.rtp_port_min"));
  m.rtpPortMax = static_cast<int>(c.getInt("media.rtp_port_max"));
  m.workers = static_cast<int>(c.getInt("media.workers"));
  m.ptimeMs = static_cast<int>(c.getInt("media.ptime"));
  m.rtpTimeoutS = static_cast<int>(c.getInt("media.rtp_timeout_s"));
  m.jitterMinMs = static_cast<int>(c.getInt("media.jitter_min_ms"));
  m.jitterMaxMs = static_cast<int>(c.getInt("media.jitter_max_ms"));
  m.jitterInitMs = static_cast<int>(c.getInt("media.jitter_init_ms"));
  m.bindIpv4 = c.getString("media.bind_ipv4");
  m.bindIpv6 = c.getString("media.bind_ipv6");
  m.advertiseIpv4 = c.getString("media.advertise_ipv4");
  m.advertiseIpv6 = c.getString("media.advertise_ipv6");
  m.codecs = c.getStringList("media.codecs");
  m.symmetricRtp = c.getBool("media.symmetric_rtp");
  m.relatchPackets = static_cast<int>(c.getInt("media.relatch_packets"));
  m.relatchSilenceMs = static_cast<int>(c.getInt("media.relatch_silence_ms"));
  m.recordingsDir = c.getString("media.recordings_dir");
  m.ttsCacheDir = c.getString("media.tts_cache_dir");
  m.soundsDir = c.getString("media.sounds_dir");
  m.tonePlan = c.getString("media.tone_plan");
  m.ttsVoice = c.getString("media.tts_voice");
  m.conferenceSpeakers = static_cast<int>(c.getInt("media.conference_speakers"));
  m.rtcpIntervalS = static_cast<int>(c.getInt("media.rtcp_interval_s"));
  m.recorderFlushMs = static_cast<int>(c.getInt("media.recorder_flush_ms"));
  m.socketBufferKb = static_cast<int>(c.getInt("media.socket_buffer_kb"));
  m.pollIntervalUs = static_cast<int>(c.getInt("media.poll_interval_us"));
  m.pollBusyEvents = static_cast<int>(c.getInt("media.poll_busy_events"));
  return m;
}

}  // namespace hujiao::media
