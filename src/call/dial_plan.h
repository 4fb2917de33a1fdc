#pragma once
// Pure routing decisions: dial-plan rule matching and number rewriting,
// caller-ID policy, DID lookup, and validation of the configuration records.
//
// Threads: pure functions; DialPlan/DidTable are owned by the control thread.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "call/telephony_types.h"
#include "core/result.h"

namespace hujiao::call {

struct OutboundRoute {
  const DialRule* rule = nullptr;
  std::string number;  // after strip/prepend
};

class DialPlan {
 public:
  void setRules(std::vector<DialRule> rules);
  /// The first rule by (priority, longest prefix, id) matching the dialed number.
  std::optional<OutboundRoute> route(const std::string& dialed) const;
  const std::vector<DialRule>& rules() const { return rules_; }

 private:
  std::vector<DialRule> rules_;
};

/// strip, then prepend.
std::string rewriteNumber(const DialRule& rule, const std::string& dialed);
/// Caller number presented towards a trunk.
std::string callerIdFor(const DialRule& rule, const Trunk& trunk, const std::string& callerNumber);

class DidTable {
 public:
  void setDids(const std::vector<Did>& dids);
  /// A DID for the number restricted to this trunk wins over one for any trunk.
  const Did* find(const std::string& number, const std::string& trunkId) const;
  /// For calls from extensions: the DID for any trunk, else the one with the smallest id.
  const Did* findAny(const std::string& number) const;

 private:
  std::unordered_multimap<std::string, Did> byNumber_;
};

/// True for a dialable number / SIP user: 1..32 of [0-9A-Za-z*#+._-].
bool isValidNumber(const std::string& s);

core::Result<void> validateExtension(const Extension& e, bool requirePassword);
core::Result<void> validateTrunk(const Trunk& t);
core::Result<void> validateDid(const Did& d);
core::Result<void> validateDialRule(const DialRule& r);

}  // namespace hujiao::call
