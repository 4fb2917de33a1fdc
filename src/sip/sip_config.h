#pragma once
// The "sip" configuration section and its typed view.
//
// Threads: addSipConfig() at start-up; SipConfig is a plain value, copied to
// the control thread once.
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"

namespace hujiao::sip {

struct SipConfig {
  std::string listenAddress = "*";  // "*" = every IPv4 and IPv6 address
  int port = 5060;                  // UDP and TCP
  int tlsPort = 5061;
  std::string tlsCertificate;  // PEM file; TLS is enabled when both are set
  std::string tlsKey;
  std::string realm = "hujiao";
  std::string publicHost;  // host put in From/Contact of calls we originate; "" = listen address
  std::vector<std::string> authAlgorithms = {"SHA-256", "MD5"};  // challenge order
  int64_t nonceTtlS = 300;
  int64_t registerMinExpiresS = 60;
  int64_t registerMaxExpiresS = 3600;
  int64_t registerDefaultExpiresS = 600;
  int64_t maxContactsDefault = 5;
  int64_t authFailThreshold = 5;
  int64_t authFailWindowS = 60;
  int64_t authBlockS = 600;
  int64_t optionsIntervalS = 30;  // 0 = no keep-alive
  int64_t optionsFailuresUnreachable = 2;
  int64_t noAnswerTimeoutS = 30;
  int64_t trunkTimeoutS = 8;  // no final answer from a trunk in time: fail over
  int64_t sessionTimerS = 1800;  // 0 = off
  int64_t minSeS = 90;
  // TEST ONLY (sip.test_min_se): a Min-SE below RFC 4028's 90 s floor, so the
  // session-timer tests take seconds instead of minutes. 0 = off (min_se applies).
  int64_t testMinSeS = 0;
  bool mediaAnchoring = true;
  // What the other party hears while a phone holds the call (re-INVITE
  // sendonly/inactive; anchored media only): "tone:<name>", a sound file
  // (relative to media.sounds_dir), or "" for silence.
  std::string holdMusic = "tone:call_waiting";
  int64_t callLimitDefault = 2;
  std::string userAgent = "hujiao";
  int64_t timerT1Ms = 500;  // RFC 3261 T1; INVITE transactions live 64*T1 after a final answer
  // UDP receive buffer: a burst waits in the kernel instead of being dropped
  // (a drop costs a 500 ms retransmission and snowballs under load).
  int64_t udpReceiveBufferKb = 8192;
  // Overload control: when the oldest unread UDP datagram has waited this long,
  // new INVITEs get 503 + Retry-After at once instead of the stack falling
  // further behind. 0 = off.
  int64_t overloadDelayMs = 400;
};

/// Adds the "sip" section.
void addSipConfig(core::ConfigSchema& schema);
/// The Min-SE the stack enforces: min_se, or test_min_se when that is set.
inline int64_t effectiveMinSe(const SipConfig& c) { return c.testMinSeS > 0 ? c.testMinSeS : c.minSeS; }
/// Reads the "sip" section of a loaded config.
SipConfig sipConfigFrom(const core::Config& config);

}  // namespace hujiao::sip
