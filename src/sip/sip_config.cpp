#include "sip/sip_config.h"

namespace hujiao::sip {

void addSipConfig(core::ConfigSchema& s) {
  const SipConfig d;
  s.section("sip", "SIP signalling: transports, registrar, authentication, calls");
  s.string("sip", "listen_address", d.listenAddress, "address for UDP/TCP/TLS; * = every IPv4 and IPv6 address");
  s.integer("sip", "port", d.port, 1, 65535, "UDP and TCP port");
  s.integer("sip", "tls_port", d.tlsPort, 1, 65535, "TLS port (used when tls_certificate and tls_key are set)");
  s.string("sip", "tls_certificate", "", "PEM certificate file for TLS; empty = no TLS");
  s.string("sip", "tls_key", "", "PEM private key file for TLS");
  s.string("sip", "realm", d.realm, "digest realm (extension HA1s are computed with it)");
  s.string("sip", "hold_music", d.holdMusic,
           "what a held party hears (anchored media): tone:<name>, a sound file, or empty for silence");
  s.string("sip", "public_host", "", "host:port used in From/Contact of calls we originate; empty = listen address");
  s.stringList("sip", "auth_algorithms", d.authAlgorithms, "digest challenges offered, in preference order (SHA-256, MD5)");
  s.integer("sip", "nonce_ttl", d.nonceTtlS, 10, 86400, "seconds a digest nonce stays valid (then stale=true)");
  s.integer("sip", "register_min_expires", d.registerMinExpiresS, 1, 86400, "shortest registration accepted (423 below)");
  s.integer("sip", "register_max_expires", d.registerMaxExpiresS, 1, 604800, "registrations longer than this are shortened");
  s.integer("sip", "register_default_expires", d.registerDefaultExpiresS, 1, 604800, "expiry when the REGISTER names none");
  s.integer("sip", "max_contacts_default", d.maxContactsDefault, 1, 100, "contacts per extension when the extension sets none");
  s.integer("sip", "auth_fail_threshold", d.authFailThreshold, 1, 1000, "failed authentications from one address that block it");
  s.integer("sip", "auth_fail_window", d.authFailWindowS, 1, 86400, "seconds in which the failures are counted");
  s.integer("sip", "auth_block_duration", d.authBlockS, 1, 604800, "seconds an address stays blocked");
  s.integer("sip", "options_interval", d.optionsIntervalS, 0, 3600, "seconds between OPTIONS keep-alives to contacts; 0 = off");
  s.integer("sip", "options_failures_unreachable", d.optionsFailuresUnreachable, 1, 100, "failed keep-alives that mark a contact unreachable");
  s.integer("sip", "no_answer_timeout", d.noAnswerTimeoutS, 1, 3600, "seconds of ringing before a call fails with 480");
  s.integer("sip", "trunk_timeout", d.trunkTimeoutS, 1, 300, "seconds without a final answer from a trunk before trying the next");
  s.integer("sip", "session_timer", d.sessionTimerS, 0, 86400, "RFC 4028 session interval in seconds; 0 = off");
  s.integer("sip", "min_se", d.minSeS, 90, 86400, "RFC 4028 Min-SE in seconds");
  s.integer("sip", "test_min_se", 0, 0, 89,
            "TEST ONLY: Min-SE below the RFC 4028 floor of 90 s (overrides min_se); 0 = off. Never set in production");
  s.boolean("sip", "media_anchoring", d.mediaAnchoring, "answer every leg's SDP with the media engine (false = relay SDP unchanged)");
  s.integer("sip", "call_limit_default", d.callLimitDefault, 1, 1000, "simultaneous calls per extension when the extension sets none");
  s.string("sip", "user_agent", d.userAgent, "User-Agent / Server header value");
  s.integer("sip", "timer_t1_ms", d.timerT1Ms, 10, 5000, "RFC 3261 timer T1 in milliseconds (retransmissions, transaction lifetime)");
  s.integer("sip", "udp_receive_buffer_kb", d.udpReceiveBufferKb, 64, 262144,
            "SO_RCVBUF of the SIP UDP socket in KB (bursts wait instead of being dropped)");
  s.integer("sip", "overload_delay_ms", d.overloadDelayMs, 0, 60000,
            "queueing delay of received UDP requests (ms) above which new INVITEs get 503 + Retry-After; 0 = off");
}

SipConfig sipConfigFrom(const core::Config& c) {
  SipConfig s;
  s.listenAddress = c.getString("sip.listen_address");
  s.port = static_cast<int>(c.getInt("sip.port"));
  s.tlsPort = static_cast<int>(c.getInt("sip.tls_port"));
  s.tlsCertificate = c.getString("sip.tls_certificate");
  s.tlsKey = c.getString("sip.tls_key");
  s.realm = c.getString("sip.realm");
  s.publicHost = c.getString("sip.public_host");
  s.authAlgorithms = c.getStringList("sip.auth_algorithms");
  s.nonceTtlS = c.getInt("sip.nonce_ttl");
  s.registerMinExpiresS = c.getInt("sip.register_min_expires");
  s.registerMaxExpiresS = c.getInt("sip.register_max_expires");
  s.registerDefaultExpiresS = c.getInt("sip.register_default_expires");
  s.maxContactsDefault = c.getInt("sip.max_contacts_default");
  s.authFailThreshold = c.getInt("sip.auth_fail_threshold");
  s.authFailWindowS = c.getInt("sip.auth_fail_window");
  s.authBlockS = c.getInt("sip.auth_block_duration");
  s.optionsIntervalS = c.getInt("sip.options_interval");
  s.optionsFailuresUnreachable = c.getInt("sip.options_failures_unreachable");
  s.noAnswerTimeoutS = c.getInt("sip.no_answer_timeout");
  s.trunkTimeoutS = c.getInt("sip.trunk_timeout");
  s.sessionTimerS = c.getInt("sip.session_timer");
  s.minSeS = c.getInt("sip.min_se");
  s.testMinSeS = c.getInt("sip.test_min_se");
  s.mediaAnchoring = c.getBool("sip.media_anchoring");
  s.holdMusic = c.getString("sip.hold_music");
  s.callLimitDefault = c.getInt("sip.call_limit_default");
  s.userAgent = c.getString("sip.user_agent");
  s.timerT1Ms = c.getInt("sip.timer_t1_ms");
  s.udpReceiveBufferKb = c.getInt("sip.udp_receive_buffer_kb");
  s.overloadDelayMs = c.getInt("sip.overload_delay_ms");
  return s;
}

}  // namespace hujiao::sip
