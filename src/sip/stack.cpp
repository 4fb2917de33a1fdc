#include "sip/stack.h"

#include "sip/replaces.h"
#include "sip/tcp_sweep.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_tag_io.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/url.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "core/log.h"

namespace hujiao::sip {

const char* transportName(Transport t) {
  switch (t) {
    case Transport::Tcp: return "tcp";
    case Transport::Tls: return "tls";
    default: return "udp";
  }
}

namespace {

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

/// A short-lived home for url_as_string and friends.
struct TempHome {
  su_home_t home[1] = {SU_HOME_INIT(home)};
  ~TempHome() { su_home_deinit(home); }
};

std::string urlString(su_home_t* home, const url_t* u) {
  if (!u) return {};
  char* s = url_as_string(home, u);
  return str(s);
}

std::string hostPort(const url_t* u) {
  if (!u || !u->url_host) return {};
  std::string h = u->url_host;
  if (u->url_port) h += std::string(":") + u->url_port;
  return h;
}

NameAddr nameAddr(su_home_t* home, const sip_addr_t* a) {
  NameAddr n;
  if (!a) return n;
  n.display = str(a->a_display);
  // Strip surrounding quotes of a quoted display name.
  if (n.display.size() >= 2 && n.display.front() == '"' && n.display.back() == '"') {
    n.display = n.display.substr(1, n.display.size() - 2);
  }
  n.uri = urlString(home, a->a_url);
  n.user = str(a->a_url->url_user);
  n.host = hostPort(a->a_url);
  n.tag = str(a->a_tag);
  return n;
}

std::string authHeader(const msg_auth_t* au) {
  if (!au || !au->au_scheme) return {};
  std::string s = au->au_scheme;
  bool first = true;
  for (const msg_param_t* p = au->au_params; p && *p; ++p) {
    s += first ? " " : ", ";
    s += *p;
    first = false;
  }
  return s;
}

std::string paramValue(const msg_param_t* params, const char* name) {
  const size_t n = std::strlen(name);
  for (const msg_param_t* p = params; p && *p; ++p) {
    if (strncasecmp(*p, name, n) == 0 && (*p)[n] == '=') {
      std::string v = *p + n + 1;
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return {};
}

std::string methodOf(nua_event_t e) {
  switch (e) {
    case nua_r_invite: return "INVITE";
    case nua_r_bye: return "BYE";
    case nua_r_cancel: return "CANCEL";
    case nua_r_options: return "OPTIONS";
    case nua_r_register:
    case nua_r_unregister: return "REGISTER";
    case nua_r_refer: return "REFER";
    case nua_r_info: return "INFO";
    case nua_r_notify: return "NOTIFY";
    case nua_r_update: return "UPDATE";
    case nua_r_prack: return "PRACK";
    case nua_r_message: return "MESSAGE";
    default: return nua_event_name(e);
  }
}

void setReplaces(const std::optional<ReplacesSpec>& spec, SipRequest& r) {
  r.hasReplaces = true;
  if (!spec) return;  // malformed: the fields stay empty, the listener answers 400
  r.replacesCallId = spec->callId;
  r.replacesToTag = spec->toTag;
  r.replacesFromTag = spec->fromTag;
  r.replacesEarlyOnly = spec->earlyOnly;
}

}  // namespace

struct SipStack::Impl {
  SipConfig config;
  StackListener& listener;
  core::TaskQueue& control;
  std::shared_ptr<spdlog::logger> log = core::logger("sip");
  su_root_t* root = nullptr;
  nua_t* nua = nullptr;
  su_timer_t* tickTimer = nullptr;
  // Closes TCP/TLS connections sofia stalled after a parse error (see tcp_sweep.h).
  su_timer_t* sweepTimer = nullptr;
  std::unique_ptr<TcpCloseWaitSweeper> sweeper;
  std::function<void()> tick;
  std::unordered_map<HandleId, nua_handle_t*> handles;
  struct Credentials {
    std::string user;
    std::string password;
    int attempts = 0;
  };
  std::unordered_map<HandleId, Credentials> credentials;
  // Handles we asked to BYE: a BYE answer on any other handle is one nua sent
  // on its own (RFC 4028: the peer never refreshed the session).
  std::unordered_set<HandleId> byeSent;
  HandleId nextId = 1;
  nua_handle_t* currentNh = nullptr;  // the handle of the event being delivered
  bool shutdownDone = false;
  bool loopDone = false;  // after runLoop(): handles are destroyed by ~SipStack (which owns the root again)
  std::string certDir;
  // Overload control: our UDP sockets and the queueing delay above which new INVITEs get 503.
  std::vector<int> udpFds;
  int64_t delayLimitUs = 0;  // 0 = off
  uint64_t overloadRejects = 0;
  uint64_t overloadEpisode = 0;  // refused since the delay last went over the limit
  std::minstd_rand random{std::random_device{}()};

  Impl(const SipConfig& c, StackListener& l, core::TaskQueue& q) : config(c), listener(l), control(q) {}

  nua_handle_t* find(HandleId h) const {
    auto it = handles.find(h);
    return it == handles.end() ? nullptr : it->second;
  }

  HandleId bind(nua_handle_t* nh) {
    const HandleId id = nextId++;
    handles.emplace(id, nh);
    nua_handle_bind(nh, reinterpret_cast<nua_hmagic_t*>(static_cast<uintptr_t>(id)));
    return id;
  }

  static void onEvent(nua_event_t event, int status, char const* phrase, nua_t* nua, nua_magic_t* magic,
                      nua_handle_t* nh, nua_hmagic_t* hmagic, sip_t const* sip, tagi_t tags[]) {
    static_cast<Impl*>(static_cast<void*>(magic))->handle(event, status, phrase, nua, nh, hmagic, sip, tags);
  }

  void fillRequest(SipRequest& r, su_home_t* home, nua_t* nua, sip_t const* sip) {
    if (sip->sip_request) {
      r.method = str(sip->sip_request->rq_method_name);
      r.requestUri = urlString(home, sip->sip_request->rq_url);
      r.ruriUser = str(sip->sip_request->rq_url->url_user);
      r.ruriHost = hostPort(sip->sip_request->rq_url);
    }
    r.from = nameAddr(home, sip->sip_from);
    r.to = nameAddr(home, sip->sip_to);
    if (sip->sip_call_id) r.callId = str(sip->sip_call_id->i_id);
    if (sip->sip_cseq) r.cseq = sip->sip_cseq->cs_seq;
    for (const sip_contact_t* m = sip->sip_contact; m; m = m->m_next) {
      if (m->m_url->url_type == url_any && !m->m_url->url_host) {
        r.contactStar = true;
        continue;
      }
      ContactHeader c;
      c.uri = urlString(home, m->m_url);
      if (m->m_expires) c.expires = std::strtoll(m->m_expires, nullptr, 10);
      r.contacts.push_back(std::move(c));
    }
    if (sip->sip_expires) r.expires = static_cast<int64_t>(sip->sip_expires->ex_delta);
    r.authorization = sip->sip_authorization ? authHeader(sip->sip_authorization)
                                             : authHeader(sip->sip_proxy_authorization);
    if (sip->sip_content_type) r.contentType = str(sip->sip_content_type->c_type);
    if (sip->sip_payload && sip->sip_payload->pl_data) {
      r.body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    }
    if (sip->sip_user_agent) r.userAgent = str(sip->sip_user_agent->g_string);
    if (sip->sip_refer_to) {
      r.referTo = urlString(home, sip->sip_refer_to->r_url);
      if (const char* hdrs = sip->sip_refer_to->r_url->url_headers) {
        std::string h = hdrs;
        auto pos = h.find("Replaces=");
        if (pos != std::string::npos) {
          std::string v = h.substr(pos + 9);
          v = v.substr(0, v.find('&'));
          setReplaces(parseReplaces(unescapeUriHeader(v)), r);
        }
      }
    }
    if (sip->sip_referred_by) r.referredBy = urlString(home, sip->sip_referred_by->b_url);
    if (sip->sip_replaces) {
      const sip_replaces_t* rp = sip->sip_replaces;
      std::optional<ReplacesSpec> spec;
      if (rp->rp_call_id && rp->rp_to_tag && rp->rp_from_tag) {
        spec = ReplacesSpec{str(rp->rp_call_id), str(rp->rp_to_tag), str(rp->rp_from_tag), rp->rp_early_only != 0};
      }
      setReplaces(spec, r);
    }
    if (sip->sip_event) r.event = str(sip->sip_event->o_type);
    if (sip->sip_via && sip->sip_via->v_protocol) {
      const std::string p = sip->sip_via->v_protocol;
      if (p.find("TLS") != std::string::npos) r.transport = Transport::Tls;
      else if (p.find("TCP") != std::string::npos) r.transport = Transport::Tcp;
    }
    if (msg_t* m = nua_current_request(nua)) {
      if (su_addrinfo_t* ai = msg_addrinfo(m); ai && ai->ai_addr) {
        char buf[INET6_ADDRSTRLEN] = {0};
        if (ai->ai_addr->sa_family == AF_INET6) {
          auto* a6 = reinterpret_cast<sockaddr_in6*>(ai->ai_addr);
          inet_ntop(AF_INET6, &a6->sin6_addr, buf, sizeof buf);
          r.sourcePort = ntohs(a6->sin6_port);
        } else {
          auto* a4 = reinterpret_cast<sockaddr_in*>(ai->ai_addr);
          inet_ntop(AF_INET, &a4->sin_addr, buf, sizeof buf);
          r.sourcePort = ntohs(a4->sin_port);
        }
        r.sourceIp = buf;
      }
    }
  }

  void handle(nua_event_t event, int status, char const* phrase, nua_t* nua_, nua_handle_t* nh,
              nua_hmagic_t* hmagic, sip_t const* sip, tagi_t tags[]) {
    HandleId id = static_cast<HandleId>(reinterpret_cast<uintptr_t>(hmagic));
    currentNh = nh;
    struct Reset {
      nua_handle_t*& p;
      ~Reset() { p = nullptr; }
    } reset{currentNh};

    switch (event) {
      case nua_r_shutdown:
        if (status >= 200) shutdownDone = true;
        return;
      case nua_i_state: {
        int cs = -1;
        tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
        if (cs == nua_callstate_terminated && id != 0) listener.onTerminated(id);
        return;
      }
      case nua_i_cancel:
        if (id != 0) listener.onCancel(id);
        return;
      case nua_i_ack:
        if (id != 0) listener.onAck(id);
        return;
      case nua_i_error:
        log->warn("nua error {} {}", status, str(phrase));
        return;
      default:
        break;
    }

    if (nua_event_is_incoming_request(event) || event == nua_i_bye || event == nua_i_refer ||
        event == nua_i_notify || event == nua_i_info || event == nua_i_update || event == nua_i_register ||
        event == nua_i_options || event == nua_i_method || event == nua_i_message || event == nua_i_subscribe ||
        event == nua_i_publish || event == nua_i_prack) {
      if (!sip) return;
      if (id == 0) {
        // A request on a handle nua created for it.
        if (status >= 200 || event == nua_i_prack) {
          // nua answered it itself (OPTIONS 200, MESSAGE 403...): nothing to keep.
          nua_handle_destroy(nh);
          return;
        }
        if (event != nua_i_invite && event != nua_i_register) {
          nua_respond(nh, SIP_405_METHOD_NOT_ALLOWED, NUTAG_WITH_THIS(nua_), TAG_END());
          nua_handle_destroy(nh);
          return;
        }
        if (event == nua_i_invite && refuseNewCall(sip)) {
          nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, NUTAG_WITH_THIS(nua_), SIPTAG_RETRY_AFTER_STR("2"), TAG_END());
          nua_handle_destroy(nh);
          return;
        }
        id = bind(nh);
        TempHome home;
        SipRequest r;
        r.handle = id;
        fillRequest(r, home.home, nua_, sip);
        listener.onIncomingRequest(r);
        return;
      }
      if (event == nua_i_options || event == nua_i_prack) return;
      TempHome home;
      SipRequest r;
      r.handle = id;
      fillRequest(r, home.home, nua_, sip);
      r.alreadyAnswered = status >= 200;
      listener.onDialogRequest(r);
      return;
    }

    if (id == 0) return;  // a response on a handle we no longer know
    SipResponse resp;
    resp.handle = id;
    resp.method = methodOf(event);
    resp.status = status;
    resp.phrase = str(phrase);
    if (event == nua_r_bye && status >= 200) resp.byStack = byeSent.erase(id) == 0;
    if (status >= 200 && status < 300) {
      // Accepted: the next challenge (a registration refresh, a re-INVITE) gets fresh attempts.
      if (auto c = credentials.find(id); c != credentials.end()) c->second.attempts = 0;
    }
    if ((status == 401 || status == 407) && sip && maybeAuthenticate(id, nh, sip)) return;
    if (sip) {
      if (sip->sip_content_type) resp.contentType = str(sip->sip_content_type->c_type);
      if (sip->sip_payload && sip->sip_payload->pl_data) {
        resp.body.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
      }
      if (sip->sip_to) resp.toTag = str(sip->sip_to->a_tag);
    }
    listener.onResponse(resp);
  }

  bool maybeAuthenticate(HandleId id, nua_handle_t* nh, sip_t const* sip) {
    auto it = credentials.find(id);
    if (it == credentials.end() || it->second.user.empty() || it->second.attempts >= 2) return false;
    const msg_auth_t* ch = sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
    if (!ch) return false;
    const std::string realm = paramValue(ch->au_params, "realm");
    ++it->second.attempts;
    const std::string auth =
        std::string(ch->au_scheme) + ":\"" + realm + "\":" + it->second.user + ":" + it->second.password;
    nua_authenticate(nh, NUTAG_AUTH(auth.c_str()), TAG_END());
    return true;
  }

  /// Finds the UDP sockets tport bound to our port (sofia does not expose them)
  /// and turns on kernel receive timestamps, so the age of the oldest unread
  /// datagram can be read with MSG_PEEK (sofia's recvmsg ignores the cmsg).
  void findUdpSockets() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) return;
    int rcvbuf = 0;
    while (dirent* e = ::readdir(dir)) {
      const int fd = std::atoi(e->d_name);
      if (fd <= 2 || fd == ::dirfd(dir)) continue;
      int type = 0;
      socklen_t len = sizeof type;
      if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_DGRAM) continue;
      sockaddr_storage ss{};
      socklen_t sl = sizeof ss;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl) != 0) continue;
      int port = -1;
      if (ss.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
      if (ss.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
      if (port != config.port) continue;
      const int on = 1;
      if (config.overloadDelayMs > 0 && ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0) {
        udpFds.push_back(fd);
      }
      int rb = 0;
      len = sizeof rb;
      if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, &len) == 0) rcvbuf = rcvbuf == 0 ? rb : std::min(rcvbuf, rb);
    }
    ::closedir(dir);
    if (!udpFds.empty()) delayLimitUs = config.overloadDelayMs * 1000;
    log->info("SIP UDP receive buffer {} KB; overload control at {} ms of queueing", rcvbuf / 1024,
              delayLimitUs / 1000);
  }

  /// How long the oldest received, not yet read datagram has waited (0 = none waits).
  int64_t queueDelayUs() const {
    int64_t worst = 0;
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    for (int fd : udpFds) {
      char byte = 0;
      iovec iov{&byte, 1};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
      msghdr m{};
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      m.msg_control = control;
      m.msg_controllen = sizeof control;
      if (::recvmsg(fd, &m, MSG_PEEK | MSG_DONTWAIT) < 0) continue;  // nothing waits
      for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        const int64_t age = (now.tv_sec - ts.tv_sec) * 1000000 + (now.tv_nsec - ts.tv_nsec) / 1000;
        worst = std::max(worst, age);
      }
    }
    return worst;
  }

  /// Overload control (checked per new INVITE): when requests wait this long
  /// unread, the stack answers late, clients retransmit (T1 = 500 ms) and the
  /// extra work snowballs. New calls are refused at once with a probability that
  /// grows from 0 at the limit to 1 at twice the limit (a short hiccup costs a
  /// few calls, not all); one that already answered our challenge is kept until
  /// twice the limit, so the work already spent on it is not wasted.
  bool refuseNewCall(sip_t const* sip) {
    if (delayLimitUs <= 0) return false;
    const int64_t delay = queueDelayUs();
    if (delay <= delayLimitUs) {
      if (overloadEpisode > 0) {
        log->warn("SIP overload over: {} new calls were refused with 503", overloadEpisode);
        overloadEpisode = 0;
      }
      return false;
    }
    const bool credentials = sip->sip_proxy_authorization || sip->sip_authorization;
    if (delay <= 2 * delayLimitUs) {
      if (credentials) return false;
      std::uniform_int_distribution<int64_t> excess(0, delayLimitUs - 1);
      if (excess(random) >= delay - delayLimitUs) return false;
    }
    if (overloadEpisode++ == 0) {
      log->warn("SIP overload: requests wait {} ms unread; refusing new calls with 503", delay / 1000);
    }
    ++overloadRejects;
    return true;
  }

  static int onQueue(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
    static_cast<Impl*>(static_cast<void*>(arg))->control.runPending();
    return 0;
  }

  static void onSweep(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    auto* self = static_cast<Impl*>(static_cast<void*>(arg));
    if (const int n = self->sweeper->sweep(); n > 0)
      self->log->info("closed {} SIP TCP connection(s) left half-closed after a malformed message", n);
  }

  static void onTick(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    auto* self = static_cast<Impl*>(static_cast<void*>(arg));
    if (self->tick) self->tick();
  }

  core::Result<void> prepareTls() {
    if (config.tlsCertificate.empty() || config.tlsKey.empty()) return {};
    // sofia reads "agent.pem" (key + certificate) from a directory.
    char tmpl[] = "/tmp/hujiao-sip-tls-XXXXXX";
    if (!mkdtemp(tmpl)) return core::makeError("sip_tls", "cannot create a directory for the TLS key");
    certDir = tmpl;
    std::ifstream key(config.tlsKey), cert(config.tlsCertificate);
    if (!key || !cert) return core::makeError("sip_tls", "cannot read sip.tls_key or sip.tls_certificate");
    std::ofstream out(certDir + "/agent.pem");
    out << key.rdbuf() << "\n" << cert.rdbuf() << "\n";
    out.close();
    ::chmod((certDir + "/agent.pem").c_str(), 0600);
    return {};
  }
};

SipStack::SipStack(const SipConfig& config, StackListener& listener, core::TaskQueue& control)
    : impl_(std::make_unique<Impl>(config, listener, control)) {}

SipStack::~SipStack() {
  auto& s = *impl_;
  if (s.root) su_root_obtain(s.root);
  if (s.nua) {
    for (auto& [id, nh] : s.handles) nua_handle_destroy(nh);
    s.handles.clear();
    nua_destroy(s.nua);
  }
  if (s.tickTimer) su_timer_destroy(s.tickTimer);
  if (s.sweepTimer) su_timer_destroy(s.sweepTimer);
  if (s.root) su_root_destroy(s.root);
  if (!s.certDir.empty()) {
    ::unlink((s.certDir + "/agent.pem").c_str());
    ::rmdir(s.certDir.c_str());
  }
}

core::Result<void> SipStack::start() {
  auto& s = *impl_;
  static std::atomic<bool> suInit{false};
  if (!suInit.exchange(true)) su_init();
  s.root = su_root_create(nullptr);
  if (!s.root) return core::makeError("sip_bind", "su_root_create failed");
  su_root_threading(s.root, 0);
  std::string host = s.config.listenAddress;
  if (host != "*" && host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  const std::string url = "sip:" + host + ":" + std::to_string(s.config.port);
  // On failure the root is destroyed here: it is still held by this thread, and
  // ~SipStack's su_root_obtain() would wait on it forever.
  auto fail = [&s](core::Error e) -> core::Result<void> {
    su_root_destroy(s.root);
    s.root = nullptr;
    return e;
  };
  if (auto tls = s.prepareTls(); !tls) return fail(tls.error());
  const std::string sipsUrl = "sips:" + host + ":" + std::to_string(s.config.tlsPort);
  const bool tls = !s.certDir.empty();
  s.nua = nua_create(s.root, &Impl::onEvent, reinterpret_cast<nua_magic_t*>(impl_.get()), NUTAG_URL(url.c_str()),
                     TPTAG_UDP_RMEM(static_cast<unsigned>(s.config.udpReceiveBufferKb * 1024)),
                     TAG_IF(tls, NUTAG_SIPS_URL(sipsUrl.c_str())), TAG_IF(tls, NUTAG_CERTIFICATE_DIR(s.certDir.c_str())),
                     TAG_END());
  if (!s.nua)
    return fail(core::makeError("sip_bind", "cannot bind SIP transports on " + url + (tls ? " / " + sipsUrl : "")));
  // Per-call cost: nua's automatic 100 Trying is off (the switch sends its own
  // when it accepts an INVITE, nta sends one after 200 ms if nothing else went
  // out, and a challenged INVITE needs none); 100rel is not offered (the B2BUA
  // relays no PRACKs between legs, and reliable 18x would add a transaction per call).
  nua_set_params(s.nua, NUTAG_AUTO100(0), NUTAG_SUPPORTED("timer"),
                 NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOALERT(0), NUTAG_AUTOANSWER(0), NUTAG_AUTOACK(1),
                 NUTAG_ENABLEINVITE(1), NUTAG_ENABLEMESSAGE(0), NUTAG_APPL_METHOD("REGISTER"),
                 NUTAG_APPL_METHOD("INFO"), NUTAG_APPL_METHOD("UPDATE"),
                 NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY, INFO, UPDATE, REGISTER"),
                 NUTAG_SESSION_TIMER(static_cast<unsigned>(s.config.sessionTimerS)),
                 NUTAG_MIN_SE(static_cast<unsigned>(effectiveMinSe(s.config))), NUTAG_UPDATE_REFRESH(1),
                 NUTAG_USER_AGENT(s.config.userAgent.c_str()), SIPTAG_SERVER_STR(s.config.userAgent.c_str()),
                 NUTAG_OUTBOUND("no-options-keepalive no-validate natify"), NTATAG_SERVER_RPORT(1),
                 NTATAG_CLIENT_RPORT(1), NTATAG_UDP_MTU(65535),
                 NTATAG_SIP_T1(static_cast<unsigned>(s.config.timerT1Ms)), TAG_END());
  s.findUdpSockets();
  s.log->info("SIP listening on {}{}", url, tls ? " and " + sipsUrl : "");
  // runLoop() may run on another thread: hand the root over.
  su_root_release(s.root);
  return {};
}

void SipStack::runLoop(std::function<void()> tick, int tickMs) {
  auto& s = *impl_;
  su_root_obtain(s.root);
  s.tick = std::move(tick);
  su_wait_t wait[1];
  su_wait_create(wait, s.control.fd(), SU_WAIT_IN);
  const int idx = su_root_register(s.root, wait, &Impl::onQueue, reinterpret_cast<su_wakeup_arg_t*>(impl_.get()), 0);
  s.tickTimer = su_timer_create(su_root_task(s.root), tickMs);
  su_timer_set_for_ever(s.tickTimer, &Impl::onTick, reinterpret_cast<su_timer_arg_t*>(impl_.get()));
  // A socket is shut down once it was in CLOSE-WAIT at two sweeps: after 2..4 s.
  std::vector<int> tcpPorts{s.config.port};
  if (!s.certDir.empty()) tcpPorts.push_back(s.config.tlsPort);
  s.sweeper = std::make_unique<TcpCloseWaitSweeper>(std::move(tcpPorts));
  s.sweepTimer = su_timer_create(su_root_task(s.root), 2000);
  su_timer_set_for_ever(s.sweepTimer, &Impl::onSweep, reinterpret_cast<su_timer_arg_t*>(impl_.get()));
  s.control.runPending();
  su_root_run(s.root);
  // Orderly shutdown: let nua answer/terminate what it can for up to 2 s.
  su_timer_reset(s.tickTimer);
  su_timer_reset(s.sweepTimer);
  nua_shutdown(s.nua);
  for (int i = 0; i < 200 && !s.shutdownDone; ++i) su_root_step(s.root, 10);
  if (!s.shutdownDone) {
    // Something still waits on the network (say an un-REGISTER to a carrier that
    // is gone, which only times out after 64*T1): drop every handle, then nua can
    // finish. Otherwise nua_destroy() refuses to run and leaks the whole stack.
    s.log->warn("SIP shutdown: {} dialogs did not end in time; dropping them", s.handles.size());
    for (auto& [id, nh] : s.handles) {
      nua_handle_bind(nh, nullptr);
      nua_handle_destroy(nh);
    }
    s.handles.clear();
    s.credentials.clear();
    s.byeSent.clear();
    nua_shutdown(s.nua);
    for (int i = 0; i < 200 && !s.shutdownDone; ++i) su_root_step(s.root, 10);
  }
  if (idx >= 0) su_root_deregister(s.root, idx);
  s.loopDone = true;
  su_root_release(s.root);
}

void SipStack::stop() {
  Impl* s = impl_.get();
  s->control.post([s] { su_root_break(s->root); });
}

/// nua keeps the phrase pointer until its stack runs the response, so phrases
/// must outlive the call: interned (bounded), else the standard phrase.
static const char* stablePhrase(int status, const std::string& phrase) {
  static std::unordered_map<std::string, std::unique_ptr<std::string>> interned;
  if (!phrase.empty()) {
    auto it = interned.find(phrase);
    if (it != interned.end()) return it->second->c_str();
    if (interned.size() < 256 && phrase.size() < 64) {
      auto& slot = interned[phrase];
      slot = std::make_unique<std::string>(phrase);
      return slot->c_str();
    }
  }
  const char* std = sip_status_phrase(status);
  return std ? std : "Unknown";
}

void SipStack::respond(HandleId h, int status, const std::string& phrase, const MessageParts& p) {
  auto& s = *impl_;
  nua_handle_t* nh = s.find(h);
  if (!nh) return;
  const bool current = nh == s.currentNh;
  nua_respond(nh, status, stablePhrase(status, phrase), TAG_IF(current, NUTAG_WITH_THIS(s.nua)),
              TAG_IF(!p.headers.empty(), SIPTAG_HEADER_STR(p.headers.c_str())),
              TAG_IF(!p.contentType.empty(), SIPTAG_CONTENT_TYPE_STR(p.contentType.c_str())),
              TAG_IF(!p.body.empty(), SIPTAG_PAYLOAD_STR(p.body.c_str())), TAG_END());
}

HandleId SipStack::createDialog(const OutgoingDialog& d) {
  auto& s = *impl_;
  nua_handle_t* nh = nua_handle(s.nua, nullptr, SIPTAG_FROM_STR(d.from.c_str()), SIPTAG_TO_STR(d.to.c_str()),
                                TAG_IF(!d.callId.empty(), SIPTAG_CALL_ID_STR(d.callId.c_str())),
                                TAG_IF(!d.contactUser.empty(), NUTAG_M_USERNAME(d.contactUser.c_str())),
                                TAG_IF(d.manualAck, NUTAG_AUTOACK(0)), TAG_END());
  if (!nh) return 0;
  const HandleId id = s.bind(nh);
  if (!d.authUser.empty()) s.credentials[id] = {d.authUser, d.authPassword, 0};
  return id;
}

void SipStack::invite(HandleId h, const std::string& requestUri, const MessageParts& p) {
  auto& s = *impl_;
  nua_handle_t* nh = s.find(h);
  if (!nh) return;
  nua_invite(nh, TAG_IF(!requestUri.empty(), NUTAG_URL(requestUri.c_str())),
             TAG_IF(!p.headers.empty(), SIPTAG_HEADER_STR(p.headers.c_str())),
             TAG_IF(!p.contentType.empty(), SIPTAG_CONTENT_TYPE_STR(p.contentType.c_str())),
             TAG_IF(!p.body.empty(), SIPTAG_PAYLOAD_STR(p.body.c_str())), TAG_END());
}

void SipStack::ack(HandleId h, const MessageParts& p) {
  nua_handle_t* nh = impl_->find(h);
  if (!nh) return;
  nua_ack(nh, TAG_IF(!p.contentType.empty(), SIPTAG_CONTENT_TYPE_STR(p.contentType.c_str())),
          TAG_IF(!p.body.empty(), SIPTAG_PAYLOAD_STR(p.body.c_str())), TAG_END());
}

void SipStack::cancel(HandleId h, const std::string& reason) {
  if (nua_handle_t* nh = impl_->find(h)) nua_cancel(nh, TAG_IF(!reason.empty(), SIPTAG_REASON_STR(reason.c_str())), TAG_END());
}

void SipStack::bye(HandleId h) {
  if (nua_handle_t* nh = impl_->find(h)) {
    impl_->byeSent.insert(h);
    nua_bye(nh, TAG_END());
  }
}

void SipStack::info(HandleId h, const MessageParts& p) {
  nua_handle_t* nh = impl_->find(h);
  if (!nh) return;
  nua_info(nh, TAG_IF(!p.headers.empty(), SIPTAG_HEADER_STR(p.headers.c_str())),
           TAG_IF(!p.contentType.empty(), SIPTAG_CONTENT_TYPE_STR(p.contentType.c_str())),
           TAG_IF(!p.body.empty(), SIPTAG_PAYLOAD_STR(p.body.c_str())), TAG_END());
}

void SipStack::refer(HandleId h, const std::string& referTo) {
  if (nua_handle_t* nh = impl_->find(h)) nua_refer(nh, SIPTAG_REFER_TO_STR(referTo.c_str()), TAG_END());
}

void SipStack::notifyRefer(HandleId h, const std::string& sipfrag, bool final) {
  nua_handle_t* nh = impl_->find(h);
  if (!nh) return;
  nua_notify(nh, NUTAG_SUBSTATE(final ? nua_substate_terminated : nua_substate_active),
             SIPTAG_EVENT_STR("refer"), SIPTAG_CONTENT_TYPE_STR("message/sipfrag;version=2.0"),
             SIPTAG_PAYLOAD_STR(sipfrag.c_str()), TAG_END());
}

HandleId SipStack::options(const std::string& requestUri, const std::string& from) {
  auto& s = *impl_;
  nua_handle_t* nh = nua_handle(s.nua, nullptr, SIPTAG_FROM_STR(from.c_str()), SIPTAG_TO_STR(requestUri.c_str()), TAG_END());
  if (!nh) return 0;
  const HandleId id = s.bind(nh);
  nua_options(nh, NUTAG_URL(requestUri.c_str()), TAG_END());
  return id;
}

void SipStack::registerTo(HandleId h, const std::string& registrarUri, int64_t expiresS) {
  nua_handle_t* nh = impl_->find(h);
  if (!nh) return;
  impl_->credentials[h].attempts = 0;
  const std::string exp = std::to_string(expiresS);
  nua_register(nh, NUTAG_REGISTRAR(registrarUri.c_str()), SIPTAG_EXPIRES_STR(exp.c_str()), TAG_END());
}

void SipStack::unregister(HandleId h) {
  if (nua_handle_t* nh = impl_->find(h)) nua_unregister(nh, TAG_END());
}

void SipStack::release(HandleId h) {
  auto& s = *impl_;
  auto it = s.handles.find(h);
  if (it == s.handles.end() || s.loopDone) return;
  nua_handle_bind(it->second, nullptr);
  nua_handle_destroy(it->second);
  s.handles.erase(it);
  s.credentials.erase(h);
  s.byeSent.erase(h);
}

SipStack::DialogTags SipStack::dialogTags(HandleId h) const {
  DialogTags t;
  nua_handle_t* nh = impl_->find(h);
  if (!nh) return t;
  // nua keeps no tags on a server dialog's handle (nua_handle_local is empty);
  // its leg does: the Replaces nua would give the peer for this dialog names
  // our tag as from-tag and the peer's as to-tag. (Runs inline: we are the
  // root's own thread.)
  su_home_t home[1] = {SU_HOME_INIT(home)};
  if (sip_replaces_t* rp = nua_handle_make_replaces(nh, home, 0)) {
    if (rp->rp_from_tag) t.local = rp->rp_from_tag;
    if (rp->rp_to_tag) t.remote = rp->rp_to_tag;
  }
  su_home_deinit(home);
  return t;
}

size_t SipStack::handleCount() const { return impl_->handles.size(); }

uint64_t SipStack::overloadRejects() const { return impl_->overloadRejects; }

std::string SipStack::localHostPort() const {
  const auto& c = impl_->config;
  if (!c.publicHost.empty()) return c.publicHost;
  std::string host = c.listenAddress == "*" || c.listenAddress == "0.0.0.0" ? "127.0.0.1" : c.listenAddress;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return host + ":" + std::to_string(c.port);
}

}  // namespace hujiao::sip
