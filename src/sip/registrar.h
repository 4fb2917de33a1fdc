#pragma once
// Registrar bindings (RFC 3261 section 10.3) without any SIP stack: the
// control thread feeds it a parsed REGISTER and gets the response status, the
// current bindings and the changes to persist.
//
// Threads: control thread only.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hujiao::sip {

struct Binding {
  std::string aor;                // extension number
  std::string contact;            // where we send requests (observed source for UDP/TCP)
  std::string registeredContact;  // the Contact URI as the UA sent it (binding key)
  std::string callId;
  uint32_t cseq = 0;
  int64_t registeredAtUs = 0;  // wall clock
  int64_t expiresAtUs = 0;
  std::string sourceIp;
  int sourcePort = 0;
  std::string transport;  // "udp", "tcp", "tls"
  std::string userAgent;
  bool reachable = true;
  int optionsFailures = 0;
};

struct RegisterContact {
  std::string uri;
  int64_t expires = -1;  // the ;expires param, -1 = none
};

struct RegisterRequest {
  std::string aor;
  std::vector<RegisterContact> contacts;  // empty + !star = a fetch of the bindings
  bool star = false;
  int64_t expiresHeader = -1;  // -1 = no Expires header
  std::string callId;
  uint32_t cseq = 0;
  std::string sourceIp;
  int sourcePort = 0;
  std::string transport;
  std::string userAgent;
  int64_t maxContacts = 5;
};

struct RegisterOutcome {
  int status = 200;
  std::string phrase = "OK";
  int64_t minExpires = 0;          // for 423
  std::vector<Binding> bindings;   // after the change (for the 200's Contact list)
  std::vector<Binding> upserted;   // to persist
  std::vector<Binding> removed;    // to delete from the store
};

struct RegistrarLimits {
  int64_t minExpiresS = 60;
  int64_t maxExpiresS = 3600;
  int64_t defaultExpiresS = 600;
};

/// Replaces the host:port of a SIP URI with the observed source (NAT), keeps
/// user and parameters and sets ;transport for TCP/TLS. IPv6 gets brackets.
std::string rewriteContactHost(const std::string& uri, const std::string& ip, int port, const std::string& transport);

class Registrar {
 public:
  explicit Registrar(RegistrarLimits limits) : limits_(limits) {}

  RegisterOutcome apply(const RegisterRequest& r, int64_t nowUs);
  /// Live, reachable-or-not bindings of an AOR.
  std::vector<Binding> bindings(const std::string& aor, int64_t nowUs) const;
  std::vector<Binding> all(int64_t nowUs) const;
  /// Removes expired bindings and returns them.
  std::vector<Binding> expire(int64_t nowUs);
  /// Loads a binding from the store at start.
  void restore(const Binding& b);
  /// Keep-alive result for a contact; returns the binding if its reachability changed.
  std::optional<Binding> keepAliveResult(const std::string& aor, const std::string& registeredContact, bool ok,
                                         int failuresUnreachable);
  size_t size() const;

 private:
  RegistrarLimits limits_;
  std::map<std::string, std::vector<Binding>> byAor_;
};

}  // namespace hujiao::sip
