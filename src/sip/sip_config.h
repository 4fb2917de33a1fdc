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
  bool mediaAnchoring = true;
  int64_t callLimitDefault = 2;
  std::string userAgent = "hujiao";
  int64_t timerT1Ms = 500;  // RFC 3261 T1; INVITE transactions live 64*T1 after a final answer
};

/// Adds the "sip" section.
void addSipConfig(core::ConfigSchema& schema);
/// Reads the "sip" section of a loaded config.
SipConfig sipConfigFrom(const core::Config& config);

}  // namespace hujiao::sip
