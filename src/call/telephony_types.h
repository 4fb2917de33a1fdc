#pragma once
// Telephony records shared by the store, the control thread and the facade:
// extensions, trunks, DIDs, dial-plan rules, CDRs, live-call snapshots.
//
// Threads: plain values, copied between threads.
#include <cstdint>
#include <string>
#include <vector>

namespace hujiao::call {

/// A SIP account. The password is never stored: only the digest HA1s for the
/// realm it was set with (MD5 and SHA-256), so changing sip.realm needs new passwords.
struct Extension {
  std::string id;
  std::string number;  // the SIP user name and dialable number
  std::string displayName;
  std::string departmentId;
  std::string password;  // input only (create/update); never read back
  std::string realm;
  std::string ha1Md5;
  std::string ha1Sha256;
  int64_t maxContacts = 0;  // 0 = sip.max_contacts_default
  int64_t callLimit = 0;    // 0 = sip.call_limit_default
  std::vector<std::string> allowedCodecs;  // empty = media default
  bool dnd = false;
  bool enabled = true;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

/// A SIP peer (gateway / carrier).
struct Trunk {
  std::string id;
  std::string name;
  std::string host;  // IP or host name of the peer
  int64_t port = 5060;
  std::string transport = "udp";  // udp | tcp | tls
  std::string username;  // credentials we use towards the peer (and that the peer may use towards us)
  std::string password;
  bool registerEnabled = false;  // send REGISTER to the peer
  int64_t registerExpiresS = 600;
  std::vector<std::string> inboundAddresses;  // source IPs accepted as this trunk (empty = host)
  int64_t maxChannels = 0;  // 0 = unlimited
  std::string callerId;  // default caller number towards this trunk ("" = keep)
  bool enabled = true;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

/// A number reached from outside, routed to a target. targetType is a string so
/// that later modules add "flow", "queue" without a schema change.
struct Did {
  std::string id;
  std::string number;
  std::string targetType = "extension";
  std::string target;   // extension number, flow id, queue id ...
  std::string trunkId;  // "" = from any trunk
  std::string description;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

/// Outbound routing: numbers starting with `prefix` (and length within bounds)
/// go out through `trunkIds` in order (failover), after rewriting.
struct DialRule {
  std::string id;
  std::string name;
  int64_t priority = 100;  // lower first; then the longest prefix
  std::string prefix;      // "" = any number
  int64_t minLength = 0;
  int64_t maxLength = 0;   // 0 = no limit
  int64_t stripDigits = 0;  // digits removed from the front
  std::string prepend;      // then prepended
  std::vector<std::string> trunkIds;
  std::string callerIdPolicy = "keep";  // keep | fixed | trunk
  std::string callerId;                 // for "fixed"
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

struct CdrLeg {
  std::string target;  // extension contact, trunk number ...
  std::string trunkId;
  int sipCode = 0;
  int64_t startUs = 0;
  int64_t answerUs = 0;
  int64_t endUs = 0;
};

/// One record per call, written when the call ends.
struct Cdr {
  std::string id;  // the call id
  std::string direction;  // internal | inbound | outbound
  std::string callerNumber;
  std::string callerName;
  std::string calleeNumber;  // as dialed
  std::string destination;   // what answered (extension number / rewritten number)
  std::string trunkId;
  std::string did;
  std::string departmentId;
  int64_t startUs = 0;
  int64_t answerUs = 0;  // 0 = never answered
  int64_t endUs = 0;
  std::string hangupCause;  // normal | cancelled | busy | no_answer | rejected | unavailable | failed | transferred
  std::string hangupSide;   // caller | callee | system
  int sipCode = 0;          // final status sent to the caller (200 when answered)
  std::vector<CdrLeg> legs;
};

struct CdrQuery {
  int64_t limit = 50;
  int64_t offset = 0;
  int64_t fromUs = 0;  // start time window, 0 = open
  int64_t toUs = 0;
  std::string number;     // caller or callee equals
  std::string direction;  // "" = any
  std::string hangupCause;
  std::string trunkId;
  std::vector<std::string> departmentIds;  // empty = any
};

/// A live call, as the facade lists it.
struct CallSnapshot {
  std::string id;
  std::string state;  // routing | ringing | answered | ending
  std::string direction;
  std::string callerNumber;
  std::string callerName;
  std::string calleeNumber;
  std::string destination;
  std::string trunkId;
  std::string departmentId;
  int64_t startUs = 0;
  int64_t answerUs = 0;
  int legs = 0;
  bool onHold = false;
};

/// Outbound registration state towards a trunk.
struct TrunkRegistration {
  std::string trunkId;
  std::string state;  // registering | registered | failed | off
  int lastStatus = 0;
};

}  // namespace hujiao::call
