#pragma once
// Closes SIP TCP/TLS connections that sofia-sip stopped reading.
//
// Why: when a message on a stream connection fails to parse, tport marks the
// connection receive-closed and stalls it (tport_parse -> tport_stall: it no
// longer polls for input). A peer's FIN arriving after that is never read, so
// the socket sits in CLOSE-WAIT until nta's idle timer (TPTAG_IDLE, 30 min,
// and only once no transaction references it) -- effectively until restart.
// Sofia exposes neither its secondary transports' sockets nor an ordered walk
// of them, so this sweep finds the process's TCP sockets on the SIP ports that
// have stayed in CLOSE-WAIT across two sweeps and shuts them down both ways:
// the kernel then reports HUP, which tport does watch even while stalled, and
// tport closes and frees the connection itself (tport_hup_event -> tport_close).
// A connection in CLOSE-WAIT that sofia still reads is closed by sofia within
// one poll, so it never survives two sweeps.
// Cost: the sweep runs on the control thread, so its usual pass only reads the
// kernel's TCP tables (/proc/self/net/tcp{,6}: a few lines, the TCP sockets of
// this network namespace; no disk). Only when a CLOSE-WAIT socket sits on a SIP
// port does it walk /proc/self/fd (tens of thousands of RTP sockets under load)
// to find the descriptor.
//
// Threads: constructed, sweep() called and destroyed on the SIP stack thread.
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace hujiao::sip {

class TcpCloseWaitSweeper {
 public:
  explicit TcpCloseWaitSweeper(std::vector<int> ports) : ports_(std::move(ports)) {}
  /// One pass; returns how many sockets it shut down.
  int sweep();

 private:
  std::vector<int> ports_;
  std::set<uint64_t> seen_;  // socket inodes in CLOSE-WAIT on a SIP port at the last sweep
};

}  // namespace hujiao::sip
