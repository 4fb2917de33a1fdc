#pragma once
// Internal: how expressions and templates see a session's data.
//   caller, called, call_id, language, flow   the call and where it is
//   customer.<attr>                           CRM attributes (e.g. customer.vip_level)
//   <variable>[.<field>...]                   flow variables (http results may be objects)
#include "ivr/expr.h"
#include "ivr/session.h"

namespace hujiao::ivr {

class IvrSession::VarScope final : public ivr::Scope {
 public:
  explicit VarScope(const IvrSession& s) : s_(s) {}
  Value lookup(std::string_view name) const override {
    if (name == "caller") return s_.ctx_.caller;
    if (name == "called") return s_.ctx_.called;
    if (name == "call_id") return s_.ctx_.callId;
    if (name == "language") return s_.language_;
    if (name == "flow") return s_.flow_->id;
    if (name.substr(0, 9) == "customer.") return JsonScope(s_.ctx_.customer).lookup(name.substr(9));
    return JsonScope(s_.vars_).lookup(name);
  }

 private:
  const IvrSession& s_;
};

}  // namespace hujiao::ivr
