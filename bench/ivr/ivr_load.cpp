// ivr_load: places calls at a fixed rate into an IVR DID over SIP/UDP (as a
// trunk: no auth) and measures, per call, the time from the 200 OK to the
// first RTP packet and to the first non-silent one (the first prompt packet).
// Each call holds for --hold-ms, then sends BYE. Single-threaded epoll loop.
//
//   ivr_load --sip 127.0.0.1:5060 --did 4001 --cps 500 --seconds 10 [--hold-ms 1500]
//
// Prints attempted/answered/failed calls, the achieved rate and latency
// percentiles; exit code 0 when every call was answered.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Call {
  int index = 0;
  std::string callId;
  std::string tag;
  int rtpFd = -1;
  int rtpPort = 0;
  Clock::time_point invited, answered, firstRtp, firstVoice, byeAt, retransmitAt;
  int retransmits = 0;
  std::string inviteMsg;
  bool gotResponse = false, gotAnswer = false, gotRtp = false, gotVoice = false, byeSent = false, done = false, failed = false;
  std::string toHeader, contactUri;
};

std::string header(const std::string& msg, const std::string& name) {
  size_t pos = 0;
  while ((pos = msg.find("\r\n", pos)) != std::string::npos) {
    pos += 2;
    if (msg.compare(pos, name.size(), name) == 0 && msg.size() > pos + name.size() && msg[pos + name.size()] == ':') {
      size_t start = pos + name.size() + 1;
      while (start < msg.size() && msg[start] == ' ') ++start;
      size_t end = msg.find("\r\n", start);
      return msg.substr(start, end - start);
    }
  }
  return "";
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5));
  return v[i];
}

bool silent(const unsigned char* payload, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    unsigned char b = payload[i] & 0x7F;  // PCMU: 0x7F/0xFF is zero, 0x7E/0xFE the next step
    if (b < 0x7A) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sipHost = "127.0.0.1", did = "4001";
  int sipPort = 5060, seconds = 10, holdMs = 1500;
  double cps = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--sip") {
      sipHost = v.substr(0, v.find(':'));
      sipPort = std::atoi(v.substr(v.find(':') + 1).c_str());
    } else if (k == "--did") did = v;
    else if (k == "--cps") cps = std::atof(v.c_str());
    else if (k == "--seconds") seconds = std::atoi(v.c_str());
    else if (k == "--hold-ms") holdMs = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  int sip = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
  bind(sip, reinterpret_cast<sockaddr*>(&local), sizeof local);
  int big = 8 << 20;
  setsockopt(sip, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  socklen_t len = sizeof local;
  getsockname(sip, reinterpret_cast<sockaddr*>(&local), &len);
  const int sipLocalPort = ntohs(local.sin_port);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(sipPort));
  inet_pton(AF_INET, sipHost.c_str(), &server.sin_addr);

  int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = sip;
  epoll_ctl(ep, EPOLL_CTL_ADD, sip, &ev);

  const int total = static_cast<int>(cps * seconds);
  std::vector<Call> calls(total);
  std::unordered_map<std::string, int> byCallId;
  std::unordered_map<int, int> byFd;
  auto send = [&](const std::string& m) {
    sendto(sip, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&server), sizeof server);
  };
  const std::string me = "127.0.0.1:" + std::to_string(sipLocalPort);
  const std::string target = "sip:" + did + "@" + sipHost + ":" + std::to_string(sipPort);

  auto invite = [&](Call& c) {
    c.rtpFd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in a = local;
    a.sin_port = 0;
    bind(c.rtpFd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t l = sizeof a;
    getsockname(c.rtpFd, reinterpret_cast<sockaddr*>(&a), &l);
    c.rtpPort = ntohs(a.sin_port);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = c.rtpFd;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.rtpFd, &e);
    byFd[c.rtpFd] = c.index;
    c.callId = "ivrload-" + std::to_string(getpid()) + "-" + std::to_string(c.index);
    c.tag = "t" + std::to_string(c.index);
    byCallId[c.callId] = c.index;
    std::string sdp = "v=0\r\no=load 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " +
                      std::to_string(c.rtpPort) +
                      " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
                      "a=fmtp:101 0-16\r\n";
    std::string caller = "139" + std::to_string(10000000 + c.index);
    std::string m = "INVITE " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP " + me + ";branch=z9hG4bK-i" + c.tag +
                    "\r\nFrom: <sip:" + caller + "@127.0.0.1>;tag=" + c.tag + "\r\nTo: <" + target +
                    ">\r\nCall-ID: " + c.callId + "\r\nCSeq: 1 INVITE\r\nContact: <sip:" + caller + "@" + me +
                    ">\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: " +
                    std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
    c.invited = Clock::now();
    c.retransmitAt = c.invited + std::chrono::milliseconds(500);  // RFC 3261 timer A (T1)
    c.inviteMsg = m;
    send(m);
  };
  auto inDialog = [&](Call& c, const char* method, int cseq) {
    std::string uri = c.contactUri.empty() ? target : c.contactUri;
    std::string caller = "139" + std::to_string(10000000 + c.index);
    std::string m = std::string(method) + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP " + me + ";branch=z9hG4bK-" +
                    method + c.tag + "\r\nFrom: <sip:" + caller + "@127.0.0.1>;tag=" + c.tag + "\r\nTo: " +
                    c.toHeader + "\r\nCall-ID: " + c.callId + "\r\nCSeq: " + std::to_string(cseq) + " " + method +
                    "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    send(m);
  };

  const auto start = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / cps);
  int next = 0, finished = 0, retransmissions = 0;
  struct Timer {
    Clock::time_point at;
    int index;
    bool bye;
    bool operator>(const Timer& o) const { return at > o.at; }
  };
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers;
  std::map<int, int> finalCodes;
  std::vector<char> buf(65536);
  epoll_event events[256];
  auto deadline = start + std::chrono::seconds(seconds) + std::chrono::milliseconds(holdMs) + std::chrono::seconds(10);
  while (finished < total && Clock::now() < deadline) {
    auto now = Clock::now();
    while (next < total && now >= start + std::chrono::duration_cast<Clock::duration>(interval * next)) {
      calls[next].index = next;
      invite(calls[next]);
      timers.push(Timer{calls[next].retransmitAt, next, false});
      ++next;
    }
    // Timers in a heap: scanning every call each millisecond would take the CPU the daemon needs.
    while (!timers.empty() && timers.top().at <= now) {
      const Timer t = timers.top();
      timers.pop();
      Call& c = calls[t.index];
      if (!t.bye && !c.gotResponse && !c.done && c.retransmits < 6) {
        // A UA over UDP retransmits an INVITE nobody answered (timer A doubles).
        ++c.retransmits;
        ++retransmissions;
        c.retransmitAt = now + std::chrono::milliseconds(500 << c.retransmits);
        timers.push(Timer{c.retransmitAt, c.index, false});
        send(c.inviteMsg);
      } else if (t.bye && c.gotAnswer && !c.byeSent) {
        c.byeSent = true;
        inDialog(c, "BYE", 2);
      }
    }
    int n = epoll_wait(ep, events, 256, 1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      for (;;) {
        sockaddr_in from{};
        socklen_t fl = sizeof from;
        ssize_t r = recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (r <= 0) break;
        auto t = Clock::now();
        if (fd != sip) {
          auto it = byFd.find(fd);
          if (it == byFd.end() || r < 12) continue;
          Call& c = calls[it->second];
          if (!c.gotRtp) {
            c.gotRtp = true;
            c.firstRtp = t;
          }
          auto* p = reinterpret_cast<unsigned char*>(buf.data());
          if (!c.gotVoice && (p[1] & 0x7F) == 0 && !silent(p + 12, static_cast<size_t>(r - 12))) {
            c.gotVoice = true;
            c.firstVoice = t;
            // Measured: stop reading this call's RTP (the socket's buffer fills and the kernel drops the rest),
            // so the load generator does not compete with the daemon for the CPU.
            epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
            break;
          }
          continue;
        }
        std::string msg(buf.data(), static_cast<size_t>(r));
        std::string callId = header(msg, "Call-ID");
        auto it = byCallId.find(callId);
        if (msg.rfind("SIP/2.0 ", 0) != 0) {
          // A request from the server (BYE, OPTIONS...): answer 200.
          std::string resp = "SIP/2.0 200 OK\r\nVia: " + header(msg, "Via") + "\r\nFrom: " + header(msg, "From") +
                             "\r\nTo: " + header(msg, "To") + "\r\nCall-ID: " + callId + "\r\nCSeq: " +
                             header(msg, "CSeq") + "\r\nContent-Length: 0\r\n\r\n";
          sendto(sip, resp.data(), resp.size(), 0, reinterpret_cast<sockaddr*>(&from), fl);
          if (it != byCallId.end() && msg.rfind("BYE", 0) == 0 && !calls[it->second].done) {
            calls[it->second].done = true;
            calls[it->second].byeSent = true;
            ++finished;
          }
          continue;
        }
        if (it == byCallId.end()) continue;
        Call& c = calls[it->second];
        int code = std::atoi(msg.c_str() + 8);
        std::string cseq = header(msg, "CSeq");
        if (cseq.find("INVITE") != std::string::npos) {
          c.gotResponse = true;
          if (code >= 200 && !c.gotAnswer && !c.done) ++finalCodes[code];
          if (code == 200 && !c.gotAnswer) {
            c.gotAnswer = true;
            c.answered = t;
            c.byeAt = t + std::chrono::milliseconds(holdMs);
            timers.push(Timer{c.byeAt, c.index, true});
            c.toHeader = header(msg, "To");
            std::string contact = header(msg, "Contact");
            auto lt = contact.find('<'), gt = contact.find('>');
            if (lt != std::string::npos && gt != std::string::npos) c.contactUri = contact.substr(lt + 1, gt - lt - 1);
            inDialog(c, "ACK", 1);
          } else if (code >= 300 && !c.done) {
            c.failed = true;
            c.done = true;
            ++finished;
          }
        } else if (cseq.find("BYE") != std::string::npos && !c.done) {
          c.done = true;
          ++finished;
        }
      }
    }
  }
  const double elapsed = ms(Clock::now() - start) / 1000.0;
  int answered = 0, failed = 0, rtp = 0, voice = 0, within = 0;
  std::vector<double> setup, toRtp, toVoice;
  double lastInvite = total > 0 ? ms(calls[total - 1].invited - start) / 1000.0 : 0;
  for (const auto& c : calls) {
    if (c.gotAnswer) {
      ++answered;
      setup.push_back(ms(c.answered - c.invited));
    }
    if (c.failed || (!c.gotAnswer && c.index < next)) ++failed;
    if (c.gotAnswer && c.gotRtp) {
      ++rtp;
      toRtp.push_back(ms(c.firstRtp - c.answered));
    }
    if (c.gotAnswer && c.gotVoice) {
      ++voice;
      double d = ms(c.firstVoice - c.answered);
      toVoice.push_back(d);
      if (d <= 200) ++within;
    }
    if (c.rtpFd >= 0) close(c.rtpFd);
  }
  std::printf("ivr_load: %d calls offered at %.0f/s over %.2f s (achieved %.1f calls/s), run %.1f s\n", next, cps,
              lastInvite, lastInvite > 0 ? (next - 1) / lastInvite : 0.0, elapsed);
  std::printf("  answered %d, failed %d, heard RTP %d, heard a prompt %d; INVITE retransmissions %d\n", answered,
              failed, rtp, voice, retransmissions);
  std::printf("  final responses:");
  for (const auto& [code, count] : finalCodes) std::printf(" %d x%d", code, count);
  std::printf("\n");
  std::printf("  INVITE -> 200 OK ms: p50 %.1f p95 %.1f p99 %.1f max %.1f\n", pct(setup, 50), pct(setup, 95),
              pct(setup, 99), pct(setup, 100));
  std::printf("  200 OK -> first RTP ms: p50 %.1f p95 %.1f p99 %.1f max %.1f\n", pct(toRtp, 50), pct(toRtp, 95),
              pct(toRtp, 99), pct(toRtp, 100));
  std::printf("  200 OK -> first prompt packet ms: p50 %.1f p95 %.1f p99 %.1f max %.1f\n", pct(toVoice, 50),
              pct(toVoice, 95), pct(toVoice, 99), pct(toVoice, 100));
  std::printf("  calls hearing the prompt within 200 ms of the 200 OK: %d of %d (%.1f%%)\n", within, next,
              next ? 100.0 * within / next : 0.0);
  close(sip);
  close(ep);
  return answered == next && within == next ? 0 : 1;
}
