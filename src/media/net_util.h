#pragma once
// Socket and address helpers for the media plane (control thread, start-up).
#include <string>

#include "core/result.h"
#include "media/endpoint.h"

namespace hujiao::media {

/// Parses an IP literal + port; error "invalid_address".
core::Result<SockAddr> makeSockAddr(const std::string& ip, int port);
/// A non-blocking UDP socket bound to ip:port; -1 on failure (errno set).
int bindUdp(const std::string& ip, int port, bool ipv6, int bufferBytes);
/// The address to put in SDP: `advertise` if set, else `bind` unless it is a
/// wildcard, else the first non-loopback interface address, else loopback.
std::string pickAdvertiseAddress(const std::string& advertise, const std::string& bind, bool ipv6);

/// Even ports in [min, max): RTP on p, RTCP on p+1. Round-robin so that a
/// freed port is not reused at once (late packets of the old call).
class PortAllocator {
 public:
  PortAllocator(int min, int max);
  /// Binds both sockets; returns the RTP port or an error when the range is exhausted.
  core::Result<int> allocate(const std::string& ip, bool ipv6, int bufferBytes, int& rtpFd, int& rtcpFd);
  void release(int port);
  size_t inUse() const { return inUse_; }

 private:
  int min_, count_;
  std::vector<bool> used_;
  size_t cursor_ = 0;
  size_t inUse_ = 0;
};

}  // namespace hujiao::media
