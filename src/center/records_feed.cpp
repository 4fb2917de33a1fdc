#include "center/records_feed.h"

#include <algorithm>

namespace hujiao::center {
namespace {

using nlohmann::json;
using report::InteractionRecord;
using report::IxKind;

std::string str(const json& d, const char* key) {
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool startsWith(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

/// The customer's number of an interaction event: customer.number, else "".
std::string customerNumber(const json& d) {
  auto it = d.find("customer");
  if (it != d.end() && it->is_object()) return str(*it, "number");
  return str(d, "customer_number");
}

report::IvrExit ivrExit(const std::string& reason) {
  // ivr.ended's exit_reason (src/ivr/session.cpp) onto the store's exits
  // (docs/reports.md, "IVR containment"): self-service done (completed, a
  // voicemail left) is contained; a caller who hung up in a menu is not.
  if (reason == "completed" || reason == "voicemail") return report::IvrExit::Completed;
  if (reason == "queued" || reason == "queue") return report::IvrExit::Queue;
  if (reason == "agent") return report::IvrExit::Agent;
  if (reason == "extension") return report::IvrExit::Extension;
  if (reason == "transferred" || reason == "external") return report::IvrExit::External;
  if (reason == "error" || reason == "runaway") return report::IvrExit::Error;
  return report::IvrExit::Hangup;  // hangup_in_ivr and anything unknown
}

/// A path given as the IVR's record ({steps: [{node}], exit: {node}}), an
/// array of node ids (or of {node: ...}), or text.
std::string pathText(const json& p, std::string& last) {
  if (p.is_object()) {
    auto steps = p.find("steps");
    std::string out = steps != p.end() ? pathText(*steps, last) : std::string();
    auto exit = p.find("exit");
    if (exit != p.end() && exit->is_object() && !str(*exit, "node").empty()) last = str(*exit, "node");
    return out;
  }
  if (p.is_string()) {
    std::string s = p.get<std::string>();
    auto comma = s.rfind(',');
    last = comma == std::string::npos ? s : s.substr(comma + 1);
    return s;
  }
  std::string out;
  if (!p.is_array()) return out;
  for (const auto& n : p) {
    std::string id = n.is_string() ? n.get<std::string>() : n.is_object() ? str(n, "node") : std::string();
    if (id.empty()) continue;
    if (!out.empty()) out += ',';
    out += id;
    last = id;
  }
  return out;
}

}  // namespace

int64_t durationField(const json& d, const std::string& name) {
  auto s = d.find(name + "_s");
  if (s != d.end() && s->is_number()) return static_cast<int64_t>(s->get<double>() * 1e6);
  auto ms = d.find(name + "_ms");
  if (ms != d.end() && ms->is_number()) return ms->get<int64_t>() * 1000;
  auto us = d.find(name + "_us");
  if (us != d.end() && us->is_number()) return us->get<int64_t>();
  return -1;
}

bool RecordsFeed::wanted(const std::string& t) {
  return startsWith(t, "call.") || startsWith(t, "interaction.") || t == "agent.state" || t == "ivr.ended" ||
         t == "queue.stats";
}

std::vector<report::Record> RecordsFeed::map(const core::Event& e) {
  std::vector<report::Record> out;
  if (!e.data.is_object() || e.tsUs <= 0) return out;
  if (startsWith(e.type, "call.")) {
    mapCall(e, out);
  } else if (e.type == "ivr.ended") {
    mapIvr(e, out);
  } else if (e.type == "agent.state") {
    mapAgent(e, out);
  } else if (startsWith(e.type, "interaction.")) {
    mapInteraction(e, out);
  }
  // queue.stats is real-time only: the historical figures come from the
  // interaction records, so the two agree once an interval closes.
  return out;
}

std::vector<report::Record> RecordsFeed::expire(int64_t cutoffUs) {
  std::erase_if(calls_, [&](const auto& kv) { return kv.second.seenUs < cutoffUs; });
  std::erase_if(ix_, [&](const auto& kv) { return kv.second.seenUs < cutoffUs; });
  std::vector<report::Record> out;
  std::erase_if(pendingEnds_, [&](auto& kv) {
    if (kv.second.record.atUs >= cutoffUs) return false;
    out.push_back(std::move(kv.second.record));
    return true;
  });
  return out;
}

void RecordsFeed::mapCall(const core::Event& e, std::vector<report::Record>& out) {
  const std::string id = str(e.data, "call_id");
  if (id.empty()) return;
  if (e.type == "call.ended") {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    for (const auto& ixId : it->second.interactions) {
      report::CdrRefRecord r;
      r.atUs = e.tsUs;
      r.interactionId = ixId;
      r.cdrId = id;
      r.role = "inbound";
      out.push_back(std::move(r));
    }
    calls_.erase(it);
    return;
  }
  CallInfo& c = calls_[id];
  c.seenUs = e.tsUs;
  if (c.createdUs == 0) c.createdUs = e.tsUs;
  if (auto did = str(e.data, "did"); !did.empty()) c.did = did;
  if (auto caller = str(e.data, "caller"); !caller.empty()) c.callerNumber = caller;
}

void RecordsFeed::mapIvr(const core::Event& e, std::vector<report::Record>& out) {
  report::IvrPathRecord r;
  r.atUs = e.tsUs;
  r.callId = str(e.data, "call_id");
  r.flowId = str(e.data, "flow_id");
  if (r.callId.empty() || r.flowId.empty()) return;
  auto c = calls_.find(r.callId);
  if (c != calls_.end()) {
    c->second.flowId = r.flowId;
    c->second.seenUs = e.tsUs;
    r.did = c->second.did;
  }
  if (auto did = str(e.data, "did"); !did.empty()) r.did = did;
  // When it entered the flow: the event's own field, else the call's creation.
  int64_t entered = 0;
  if (auto it = e.data.find("started_us"); it != e.data.end() && it->is_number()) entered = it->get<int64_t>();
  if (auto p = e.data.find("path"); entered <= 0 && p != e.data.end() && p->is_object()) {
    auto it = p->find("started_at_us");
    if (it != p->end() && it->is_number()) entered = it->get<int64_t>();
  }
  if (entered <= 0) {
    int64_t dur = durationField(e.data, "duration");
    if (dur >= 0) entered = e.tsUs - dur;
  }
  if (entered <= 0 && c != calls_.end()) entered = c->second.createdUs;
  r.enteredAtUs = entered > 0 && entered <= e.tsUs ? entered : e.tsUs;
  r.exit = ivrExit(str(e.data, "exit_reason"));
  if (auto p = e.data.find("path"); p != e.data.end()) r.path = pathText(*p, r.exitNode);
  if (auto n = str(e.data, "exit_node"); !n.empty()) r.exitNode = n;
  if (auto hc = e.data.find("hangup_contained"); hc != e.data.end() && hc->is_boolean()) r.hangupContained = *hc;
  r.interactionId = str(e.data, "interaction_id");
  out.push_back(std::move(r));
}

void RecordsFeed::mapAgent(const core::Event& e, std::vector<report::Record>& out) {
  report::AgentStateRecord r;
  r.atUs = e.tsUs;
  r.agentId = str(e.data, "agent_id");
  r.toState = str(e.data, "state");
  r.toReason = str(e.data, "reason");
  r.fromState = str(e.data, "previous");
  if (r.agentId.empty() || r.toState.empty()) return;
  AgentInfo& a = agents_[r.agentId];
  if (r.fromState.empty()) r.fromState = a.state.empty() ? "logged_out" : a.state;
  // The previous state's span: from our memory of when it began, else nothing
  // (the first change seen after a restart cannot know it).
  if (!a.state.empty() && a.state == r.fromState && a.sinceUs > 0 && a.sinceUs <= e.tsUs) {
    r.previousForUs = e.tsUs - a.sinceUs;
    r.fromReason = a.reason;
  }
  a.state = r.toState;
  a.reason = r.toReason;
  a.sinceUs = e.tsUs;
  const std::string agentId = r.agentId, from = r.fromState, to = r.toState;
  const int64_t span = r.previousForUs;
  out.push_back(std::move(r));
  // The agent's last interaction is written once its wrap-up is known.
  auto p = pendingEnds_.find(agentId);
  if (p == pendingEnds_.end()) return;
  if (to == "wrap_up" && !p->second.inWrapUp) {
    p->second.inWrapUp = true;
    return;
  }
  if (from == "wrap_up" && p->second.inWrapUp) p->second.record.wrapUpUs = span;
  out.push_back(std::move(p->second.record));
  pendingEnds_.erase(p);
}

RecordsFeed::IxInfo& RecordsFeed::interaction(const core::Event& e, InteractionRecord& r) {
  r.atUs = e.tsUs;
  r.interactionId = str(e.data, "interaction_id");
  if (auto ch = str(e.data, "channel"); !ch.empty()) r.channel = ch;
  IxInfo& ix = ix_[r.interactionId];
  ix.seenUs = e.tsUs;
  if (auto q = str(e.data, "queue_id"); !q.empty()) ix.queueId = q;
  if (auto a = str(e.data, "agent_id"); !a.empty()) ix.agentId = a;
  if (auto c = str(e.data, "call_id"); !c.empty() && c != ix.callId) {
    ix.callId = c;
    auto call = calls_.find(c);
    if (call != calls_.end()) {
      auto& list = call->second.interactions;
      if (std::find(list.begin(), list.end(), r.interactionId) == list.end()) list.push_back(r.interactionId);
    }
  }
  if (auto n = customerNumber(e.data); !n.empty()) ix.customerKey = n;
  if (auto k = str(e.data, "customer_id"); !k.empty()) ix.customerKey = k;
  if (ix.customerKey.empty() && !ix.callId.empty()) {
    auto call = calls_.find(ix.callId);
    if (call != calls_.end()) ix.customerKey = call->second.callerNumber;
  }
  if (int64_t sl = durationField(e.data, "service_level"); sl > 0) ix.serviceLevelUs = sl;
  r.queueId = ix.queueId;
  r.customerKey = ix.customerKey;
  if (!ix.callId.empty()) {
    auto call = calls_.find(ix.callId);
    if (call != calls_.end()) {
      r.did = call->second.did;
      r.flowId = call->second.flowId;
    }
  }
  if (auto did = str(e.data, "did"); !did.empty()) r.did = did;
  if (auto f = str(e.data, "flow_id"); !f.empty()) r.flowId = f;
  return ix;
}

void RecordsFeed::mapInteraction(const core::Event& e, std::vector<report::Record>& out) {
  const std::string kind = e.type.substr(std::string_view("interaction.").size());
  if (str(e.data, "interaction_id").empty()) return;
  InteractionRecord r;
  IxInfo& ix = interaction(e, r);
  const int64_t wait = durationField(e.data, "wait");
  auto waitSince = [&] { return wait >= 0 ? wait : ix.queuedUs > 0 ? std::max<int64_t>(0, e.tsUs - ix.queuedUs) : 0; };
  const std::string id = r.interactionId;
  if (kind == "queued") {
    if (ix.queuedUs == 0) ix.queuedUs = e.tsUs;
    r.kind = IxKind::Entered;
  } else if (kind == "offered") {
    r.kind = IxKind::Offered;
    r.agentId = ix.agentId;
  } else if (kind == "ring_no_answer") {
    r.kind = IxKind::RingNoAnswer;
    r.agentId = ix.agentId;
    r.reason = "no_answer";
  } else if (kind == "answered") {
    r.kind = IxKind::Answered;
    r.agentId = ix.agentId;
    r.waitUs = waitSince();
    r.serviceLevelUs = ix.serviceLevelUs;
    ix.answeredUs = e.tsUs;
  } else if (kind == "abandoned") {
    r.kind = IxKind::Abandoned;
    r.waitUs = waitSince();
    if (int64_t sa = durationField(e.data, "short_abandon"); sa >= 0) r.shortAbandonUs = sa;
    ix.closed = true;
  } else if (kind == "overflowed") {
    r.kind = IxKind::Overflowed;
    r.waitUs = waitSince();
    r.target = str(e.data, "target_type").empty() ? str(e.data, "target")
                                                   : str(e.data, "target_type") + ":" + str(e.data, "target");
    ix.closed = true;
  } else if (kind == "transferred") {
    r.kind = IxKind::Transferred;
    r.agentId = ix.agentId;
    r.answeredAtUs = ix.answeredUs;
    r.target = str(e.data, "target_type").empty() ? str(e.data, "target")
                                                   : str(e.data, "target_type") + ":" + str(e.data, "target");
  } else if (kind == "held") {
    if (ix.holdSinceUs == 0) ix.holdSinceUs = e.tsUs;
    return;
  } else if (kind == "resumed") {
    if (ix.holdSinceUs > 0) ix.holdUs += std::max<int64_t>(0, e.tsUs - ix.holdSinceUs);
    ix.holdSinceUs = 0;
    return;
  } else if (kind == "disposition") {
    const std::string disp = str(e.data, "disposition");
    for (auto& [agent, pending] : pendingEnds_)
      if (pending.record.interactionId == id && !disp.empty()) pending.record.resolved = disp == "resolved" ? 1 : 0;
    return;
  } else if (kind == "callback") {
    r.kind = IxKind::CallbackRequested;
    ix.closed = true;
  } else if (kind == "ended") {
    if (ix.answeredUs > 0) {
      r.kind = IxKind::Ended;
      r.agentId = ix.agentId;
      r.answeredAtUs = ix.answeredUs;
      if (ix.holdSinceUs > 0) ix.holdUs += std::max<int64_t>(0, e.tsUs - ix.holdSinceUs);
      int64_t hold = durationField(e.data, "hold");
      if (hold < 0) hold = ix.holdUs;
      const int64_t wrap = durationField(e.data, "wrap_up");
      int64_t talk = durationField(e.data, "talk");
      r.holdUs = std::max<int64_t>(0, hold);
      r.wrapUpUs = std::max<int64_t>(0, wrap);
      // Without a talk time: answered until the end, less hold (and a wrap-up given with it).
      if (talk < 0) talk = std::max<int64_t>(0, e.tsUs - ix.answeredUs - r.holdUs - r.wrapUpUs);
      r.talkUs = talk;
      if (auto res = e.data.find("resolved"); res != e.data.end() && res->is_boolean()) r.resolved = *res ? 1 : 0;
      if (auto d = str(e.data, "disposition"); !d.empty()) r.resolved = d == "resolved" ? 1 : 0;
      ix_.erase(id);
      if (wrap >= 0 || r.agentId.empty()) {
        out.push_back(std::move(r));  // complete already
        return;
      }
      // Wait for the agent's wrap-up (agent.state) and disposition; a
      // previous one still waiting is written as it is.
      const std::string agent = r.agentId;
      auto& slot = pendingEnds_[agent];
      if (!slot.record.interactionId.empty()) out.push_back(std::move(slot.record));
      AgentInfo& a = agents_[agent];
      slot = PendingEnd{std::move(r), a.state == "wrap_up"};
      return;
    }
    if (!ix.closed) {
      r.kind = IxKind::Exited;
      r.waitUs = waitSince();
      r.reason = str(e.data, "reason").empty() ? "disconnect" : str(e.data, "reason");
      out.push_back(std::move(r));
    }
    ix_.erase(id);
    return;
  } else {
    return;  // interaction.moved and others: nothing for the store
  }
  out.push_back(std::move(r));
}

}  // namespace hujiao::center
