#include "media/net_util.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <unistd.h>

#include <cerrno>

namespace hujiao::media {

core::Result<SockAddr> makeSockAddr(const std::string& ip, int port) {
  SockAddr a;
  if (port < 0 || port > 65535) return core::Error{"invalid_address", "port out of range"};
  auto* a4 = reinterpret_cast<sockaddr_in*>(&a.ss);
  auto* a6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
  if (inet_pton(AF_INET, ip.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(port));
    a.len = sizeof(sockaddr_in);
    return a;
  }
  if (inet_pton(AF_INET6, ip.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(port));
    a.len = sizeof(sockaddr_in6);
    return a;
  }
  return core::Error{"invalid_address", "not an IP address: '" + ip + "'"};
}

int bindUdp(const std::string& ip, int port, bool ipv6, int bufferBytes) {
  auto addr = makeSockAddr(ip, port);
  if (!addr || (addr->ss.ss_family == AF_INET6) != ipv6) {
    errno = EINVAL;
    return -1;
  }
  int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  if (ipv6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferBytes, sizeof bufferBytes);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufferBytes, sizeof bufferBytes);
  int tos = 0xb8;  // DSCP EF for voice
  if (ipv6) setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
  else setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  if (::bind(fd, addr->sa(), addr->len) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

std::string pickAdvertiseAddress(const std::string& advertise, const std::string& bind, bool ipv6) {
  if (!advertise.empty()) return advertise;
  if (bind != "0.0.0.0" && bind != "::" && !bind.empty()) return bind;
  std::string found;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs* i = list; i && found.empty(); i = i->ifa_next) {
      if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP)) continue;
      char buf[INET6_ADDRSTRLEN] = {};
      if (!ipv6 && i->ifa_addr->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
        found = buf;
      } else if (ipv6 && i->ifa_addr->sa_family == AF_INET6) {
        auto* a6 = reinterpret_cast<sockaddr_in6*>(i->ifa_addr);
        if (IN6_IS_ADDR_LINKLOCAL(&a6->sin6_addr)) continue;
        inet_ntop(AF_INET6, &a6->sin6_addr, buf, sizeof buf);
        found = buf;
      }
    }
    freeifaddrs(list);
  }
  if (!found.empty()) return found;
  return ipv6 ? "::1" : "127.0.0.1";
}

PortAllocator::PortAllocator(int min, int max)
    : min_(min + (min % 2)), count_(std::max(0, (max - (min + (min % 2))) / 2)), used_(static_cast<size_t>(count_)) {}

core::Result<int> PortAllocator::allocate(const std::string& ip, bool ipv6, int bufferBytes, int& rtpFd,
                                          int& rtcpFd) {
  for (int tries = 0; tries < count_; ++tries) {
    size_t i = cursor_;
    cursor_ = (cursor_ + 1) % static_cast<size_t>(count_);
    if (used_[i]) continue;
    int port = min_ + 2 * static_cast<int>(i);
    int a = bindUdp(ip, port, ipv6, bufferBytes);
    if (a < 0) continue;  // taken by another process
    int b = bindUdp(ip, port + 1, ipv6, bufferBytes);
    if (b < 0) {
      ::close(a);
      continue;
    }
    used_[i] = true;
    ++inUse_;
    rtpFd = a;
    rtcpFd = b;
    return port;
  }
  return core::Error{"no_ports", "RTP port range exhausted"};
}

void PortAllocator::release(int port) {
  int i = (port - min_) / 2;
  if (i >= 0 && i < count_ && used_[static_cast<size_t>(i)]) {
    used_[static_cast<size_t>(i)] = false;
    --inUse_;
  }
}

}  // namespace hujiao::media
