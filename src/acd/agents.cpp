// Acd agents: presence (login, ready, not ready, logout, forced), the derived
// state with its history and per-queue counts, slots and wrap-up.
#include <algorithm>

#include "acd/acd.h"

namespace hujiao::acd {

using detail::AgentRec;
using detail::InteractionRec;
using detail::kNone;
using detail::QueueRec;

namespace {
core::Error err(const char *code, std::string message) { return core::makeError(code, std::move(message)); }

// Reasons the ACD itself sets; always accepted from a supervisor too.
bool systemReason(const std::string &r) {
  return r == "rna" || r == "rejected" || r == "device_error" || r == "login" || r == "forced";
}
}  // namespace

#define HUJIAO_ACD_ENTER()       \
  if (busy_) return reentrant(); \
  Scope scope_(*this)

core::Result<void> Acd::login(const std::string &agentId, const std::string &device) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  AgentRec &a = agents_[ai];
  if (a.presence != Presence::LoggedOut) {
    if (device.empty() || device == a.cfg.device) return {};
    return err("already_logged_in", "agent " + agentId + " is logged in on " + a.cfg.device);
  }
  if (!device.empty()) a.cfg.device = device;
  return setPresence(ai, Presence::NotReady, "login", false);
}

core::Result<void> Acd::logout(const std::string &agentId) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  if (!agents_[ai].work.empty())
    return err("agent_busy", "agent " + agentId + " has interactions in progress; finish them or force the logout");
  return setPresence(ai, Presence::LoggedOut, {}, false);
}

core::Result<void> Acd::ready(const std::string &agentId) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  if (agents_[ai].presence == Presence::LoggedOut) return err("not_logged_in", "agent " + agentId + " is logged out");
  return setPresence(ai, Presence::Ready, {}, false);
}

core::Result<void> Acd::notReady(const std::string &agentId, const std::string &reason) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  if (agents_[ai].presence == Presence::LoggedOut) return err("not_logged_in", "agent " + agentId + " is logged out");
  const auto &reasons = options_.notReadyReasons;
  if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end())
    return err("invalid_reason", "not-ready reason '" + reason + "' is not configured");
  return setPresence(ai, Presence::NotReady, reason, false);
}

core::Result<void> Acd::endWrapUp(const std::string &agentId) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  std::vector<uint32_t> serials;
  for (const auto &w : agents_[ai].work)
    if (w.phase == Phase::WrapUp) serials.push_back(w.serial);
  if (serials.empty()) return err("not_in_wrap_up", "agent " + agentId + " has no wrap-up in progress");
  for (uint32_t s : serials) finishWrapUp(ai, s);
  return {};
}

core::Result<void> Acd::forceState(const std::string &agentId, Presence presence, const std::string &reason) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  AgentRec &a = agents_[ai];
  switch (presence) {
    case Presence::Ready:
      if (a.presence == Presence::LoggedOut) return err("not_logged_in", "agent " + agentId + " is logged out");
      return setPresence(ai, Presence::Ready, {}, true);
    case Presence::NotReady: {
      if (a.presence == Presence::LoggedOut) return err("not_logged_in", "agent " + agentId + " is logged out");
      const std::string r = reason.empty() ? std::string("forced") : reason;
      const auto &reasons = options_.notReadyReasons;
      if (!systemReason(r) && std::find(reasons.begin(), reasons.end(), r) == reasons.end())
        return err("invalid_reason", "not-ready reason '" + r + "' is not configured");
      return setPresence(ai, Presence::NotReady, r, true);
    }
    case Presence::LoggedOut: {
      // Ringing offers go back to their queues (keeping their place); calls
      // in progress continue and end normally.
      std::vector<uint32_t> ringing;
      for (const auto &w : a.work)
        if (w.phase == Phase::Ringing) ringing.push_back(w.ix);
      for (uint32_t ix : ringing) {
        InteractionRec &r = ixs_[ix];
        std::erase(r.offers, ai);
        for (std::size_t i = 0; i < agents_[ai].work.size(); ++i)
          if (agents_[ai].work[i].ix == ix && agents_[ai].work[i].phase == Phase::Ringing) {
            releaseSlot(ai, i);
            break;
          }
        listener_.onCancelOffer(r.pub, ref(agents_[ai]), CancelReason::AgentLoggedOut);
      }
      auto res = setPresence(ai, Presence::LoggedOut, {}, true);
      for (uint32_t ix : ringing)
        if (ixs_[ix].state == IxState::Offered && ixs_[ix].offers.empty()) waitAgain(ix);
      return res;
    }
  }
  return err("invalid_argument", "unknown presence");
}

core::Result<void> Acd::setPresence(uint32_t ai, Presence p, const std::string &reason, bool /*forced*/) {
  AgentRec &a = agents_[ai];
  const Presence old = a.presence;
  a.presence = p;
  a.reason = p == Presence::NotReady ? reason : std::string();
  if (old != p) {
    const int delta = (p == Presence::Ready ? 1 : 0) - (old == Presence::Ready ? 1 : 0);
    for (const auto &m : a.queues) {
      QueueRec &q = queues_[m.queue];
      q.presenceReady = static_cast<uint32_t>(static_cast<int>(q.presenceReady) + delta);
      if (delta < 0 && q.cfg.leaveEmpty != EmptyRule::Ignore && !q.emptyCheck) {
        q.emptyCheck = true;
        pendingEmptyChecks_.push_back(m.queue);
      }
      markDirty(q);
    }
    if (p == Presence::Ready && a.work.empty()) a.idleSinceMono = clock_.monoUs();
  }
  reindexAgent(ai);
  updateAgentState(ai);
  if (p == Presence::LoggedOut) {
    // Logging out also counts as emptying for NoAgentLoggedIn rules.
    for (const auto &m : a.queues) {
      QueueRec &q = queues_[m.queue];
      if (q.cfg.leaveEmpty != EmptyRule::Ignore && !q.emptyCheck) {
        q.emptyCheck = true;
        pendingEmptyChecks_.push_back(m.queue);
      }
    }
  }
  if (p == Presence::Ready) routeAgent(ai);
  return {};
}

void Acd::updateAgentState(uint32_t ai) {
  AgentRec &a = agents_[ai];
  bool ringing = false, connected = false, wrapping = false;
  for (const auto &w : a.work) {
    ringing |= w.phase == Phase::Ringing;
    connected |= w.phase == Phase::Connected;
    wrapping |= w.phase == Phase::WrapUp;
  }
  // A call the ACD did not offer shows as busy while the agent is logged in.
  connected |= !a.elsewhere.empty() && a.presence != Presence::LoggedOut;
  AgentState s;
  if (ringing)
    s = AgentState::Reserved;
  else if (connected)
    s = AgentState::Busy;
  else if (wrapping)
    s = AgentState::WrapUp;
  else if (a.presence == Presence::Ready)
    s = AgentState::Ready;
  else if (a.presence == Presence::NotReady)
    s = AgentState::NotReady;
  else
    s = AgentState::LoggedOut;
  static const std::string kNoReason;
  const std::string &reason = s == AgentState::NotReady ? a.reason : kNoReason;  // no copy
  if (s == a.state && reason == a.shownReason) return;
  const int64_t nowMono = clock_.monoUs();
  const int64_t nowWall = clock_.nowUs();
  const AgentState from = a.state;
  a.timeInState[static_cast<std::size_t>(from)] += nowMono - a.tisMarkMono;
  a.tisMarkMono = nowMono;
  if (s != from) {
    for (const auto &m : a.queues) {
      QueueRec &q = queues_[m.queue];
      --q.agentsByState[static_cast<std::size_t>(from)];
      ++q.agentsByState[static_cast<std::size_t>(s)];
      markDirty(q);
    }
  }
  // A member reused for every change: assigning keeps the strings' buffers.
  AgentStateChange &change = change_;
  change.agentId = a.cfg.id;
  change.device = a.cfg.device;
  change.from = from;
  change.to = s;
  change.reason = reason;
  change.atUs = nowWall;
  change.previousForUs = nowMono - a.stateSinceMono;
  a.state = s;
  a.shownReason = reason;
  a.stateSinceMono = nowMono;
  a.stateSinceWall = nowWall;
  if (options_.stateHistory > 0) {
    if (a.history.size() < options_.stateHistory) {
      a.history.push_back(StateRecord{s, reason, nowWall});
    } else {
      StateRecord &rec = a.history[a.historyNext];  // assigned in place: keeps the reason's buffer
      rec.state = s;
      rec.reason = reason;
      rec.atUs = nowWall;
      a.historyNext = (a.historyNext + 1) % a.history.size();
    }
  }
  listener_.onAgentStateChanged(change);
}

core::Result<void> Acd::busyElsewhere(const std::string &agentId, const std::string &workId, Channel channel) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  if (workId.empty()) return err("invalid_argument", "a call outside the ACD needs an id");
  AgentRec &a = agents_[ai];
  for (const auto &e : a.elsewhere)
    if (e.first == workId) return err("already_busy", "agent " + agentId + " is on " + workId + " already");
  a.elsewhere.emplace_back(workId, channel);
  ++a.used[static_cast<std::size_t>(channel)];
  reindexAgent(ai);  // a full channel leaves the available-agent indexes
  updateAgentState(ai);
  return {};
}

core::Result<void> Acd::releaseElsewhere(const std::string &agentId, const std::string &workId) {
  HUJIAO_ACD_ENTER();
  const uint32_t ai = findAgent(agentId);
  if (ai == kNone) return err("unknown_agent", "no agent " + agentId);
  AgentRec &a = agents_[ai];
  auto it = std::find_if(a.elsewhere.begin(), a.elsewhere.end(),
                         [&workId](const auto &e) { return e.first == workId; });
  if (it == a.elsewhere.end()) return err("unknown_work", "agent " + agentId + " is not on " + workId);
  --a.used[static_cast<std::size_t>(it->second)];
  a.elsewhere.erase(it);
  // idleSinceMono stays: the agent takes back his place in idle order. Route
  // first, as after wrap-up: an offer re-indexes and updates the state itself.
  if (routeAgent(ai)) return {};
  reindexAgent(ai);
  updateAgentState(ai);
  return {};
}

detail::Assignment *Acd::findWork(AgentRec &a, uint32_t ix) {
  for (auto &w : a.work)
    if (w.ix == ix) return &w;
  return nullptr;
}

void Acd::releaseSlot(uint32_t ai, std::size_t i) {
  AgentRec &a = agents_[ai];
  --a.used[static_cast<std::size_t>(a.work[i].channel)];
  a.work.erase(a.work.begin() + static_cast<std::ptrdiff_t>(i));
}

void Acd::finishWrapUp(uint32_t ai, uint32_t serial) {
  AgentRec &a = agents_[ai];
  auto it = std::find_if(a.work.begin(), a.work.end(), [serial](const detail::Assignment &w) {
    return w.serial == serial && w.phase == Phase::WrapUp;
  });
  if (it == a.work.end()) return;
  const int64_t now = clock_.monoUs();
  const int64_t wrap = now - it->phaseSinceMono;
  a.wrapUs += wrap;
  timers_.cancel(it->timer);
  QueueRec &q = queues_[it->queue];
  if (q.live && q.gen == it->queueGen) {
    const int64_t handle = it->talkUs + it->holdUs + wrap;
    ++q.handled;
    q.handleSumUs += handle;
    if (!q.ahtSeeded) {
      q.ahtEwmaUs = static_cast<double>(handle);
      q.ahtSeeded = true;
    } else {
      q.ahtEwmaUs = q.cfg.ahtAlpha * static_cast<double>(handle) + (1 - q.cfg.ahtAlpha) * q.ahtEwmaUs;
    }
    markDirty(q);
  }
  releaseSlot(ai, static_cast<std::size_t>(it - a.work.begin()));
  if (a.work.empty()) a.idleSinceMono = now;
  // Route first: an agent who gets the next interaction at once never enters
  // the available-agent indexes (no index work) and goes from wrap-up
  // straight to reserved; offer() has then re-indexed it and updated its
  // state already.
  if (routeAgent(ai)) return;
  reindexAgent(ai);
  updateAgentState(ai);
}

}  // namespace hujiao::acd
