// AcdService: construction, configuration, loading from the store, the demo
// data, the control-thread hooks (attach/tick/stop) and the API's
// configuration methods.
#include "center/acd_service.h"

#include <ctime>

#include "acd/acd_config.h"
#include "call/telephony_service.h"
#include "center/acd_json.h"
#include "core/ids.h"

namespace hujiao::center {

namespace {

core::Error unavailable(const std::string& why) { return core::makeError("unavailable", why); }

// Demo agents (src/api/seed.cpp users) and their extensions: each agent gets
// the extension that carries his name in seedTelephonyDemo.
struct DemoAgent {
  const char* username;
  const char* extension;
};
constexpr DemoAgent kDemoAgents[] = {{"agent1001", "1001"}, {"agent1002", "1002"}, {"agent2001", "1004"}};

}  // namespace

void AcdService::addConfig(core::ConfigSchema& s) {
  acd::addAcdConfig(s);
  s.string("acd", "default_moh", "tone:ringback",
           "What waiting callers hear when the queue sets no music: tone:<name> or a sound file path");
  s.stringMap("acd", "dispositions",
              {{"resolved", "已解决 Resolved"},
               {"follow_up", "需跟进 Follow-up"},
               {"transferred", "已转接 Transferred"},
               {"no_answer", "无应答 No answer"}},
              "Disposition codes agents pick at wrap-up (code: label)");
  s.integer("acd", "agent_stats_interval_ms", 5000, 0, 3'600'000,
            "agent.stats events for logged-in agents this often; 0 = never");
  s.integer("acd", "webhook_timeout_ms", 5000, 100, 60'000, "Timeout of one webhook delivery");
  s.integer("acd", "callback_attempts", 3, 1, 10,
            "Calls placed to a callback customer who does not answer before the callback is given up");
  s.integer("acd", "callback_retry_s", 120, 1, 86'400, "Wait before calling an unanswered callback customer again");
  s.integer("acd", "webhook_max_attempts", 5, 1, 20, "Webhook delivery attempts before giving up");
  s.integer("acd", "webhook_backoff_ms", 1000, 10, 600'000, "First webhook retry delay (doubles, at most 60 s)");
}

std::vector<store::Migration> AcdService::migrations() { return AcdStore::migrations(); }

AcdService::AcdService(CenterContext& ctx)
    : ctx_(ctx), log_(core::logger("acd")), store_(ctx.store->db()), writer_(store_) {
  ctx_.queues = this;
  WebhookOptions wo;
  if (ctx_.config) {
    options_ = acd::acdOptionsFrom(*ctx_.config);
    defaultMoh_ = ctx_.config->getString("acd.default_moh");
    for (const auto& [k, v] : ctx_.config->getStringMap("acd.dispositions")) dispositions_.emplace_back(k, v);
    agentStatsIntervalUs_ = ctx_.config->getInt("acd.agent_stats_interval_ms") * 1000;
    callbackAttempts_ = static_cast<int>(ctx_.config->getInt("acd.callback_attempts"));
    callbackRetryUs_ = ctx_.config->getInt("acd.callback_retry_s") * 1'000'000;
    wo.timeoutMs = static_cast<int>(ctx_.config->getInt("acd.webhook_timeout_ms"));
    wo.maxAttempts = static_cast<int>(ctx_.config->getInt("acd.webhook_max_attempts"));
    wo.backoffMs = static_cast<int>(ctx_.config->getInt("acd.webhook_backoff_ms"));
    demo_ = ctx_.config->getBool("node.demo_data");
  } else {
    defaultMoh_ = "tone:ringback";
  }
  notReadyReasons_ = options_.notReadyReasons;
  core::Clock& clock = ctx_.clock ? *ctx_.clock : core::SystemClock::instance();
  webhooks_ = std::make_unique<AcdWebhooks>(clock, wo);
  if (demo_) seedDemo();
  loadFromStore();
  writer_.start();
}

AcdService::~AcdService() {
  callEvents_.reset();
  // The Acd cancels its timers in its destructor; it must go before timers_.
  acd_.reset();
  writer_.stop();
}

void AcdService::seedDemo() {
  // Main thread at start-up: idempotent, nothing is replaced once it exists.
  auto q = store_.getQueue("service");
  if (!q && q.error().code == "not_found") {
    QueueSettings s;
    s.id = "service";
    s.name = "客服热线";
    s.strategy = "longest_idle";
    s.ringTimeoutS = 15;
    s.wrapUpS = 5;
    s.announceEveryS = 30;
    s.maxWaitS = 600;
    store::ListQuery lq;
    lq.search = "客服一部";
    if (auto deps = ctx_.store->departments().list(lq))
      for (const auto& d : deps->items)
        if (d.name == "客服一部") s.departmentId = d.id;
    if (auto saved = store_.saveQueue(s); !saved) log_->warn("demo queue not created: {}", saved.error().message);
  }
  int position = 0;
  for (const auto& d : kDemoAgents) {
    auto u = ctx_.store->users().getByUsername(d.username);
    if (!u) continue;
    if (auto a = store_.getAgent(u->id); !a && a.error().code == "not_found") {
      AgentSettings s;
      s.userId = u->id;
      s.extension = d.extension;
      s.skills = {{"general", 5}};
      if (auto saved = store_.saveAgent(s); !saved) log_->warn("demo agent not created: {}", saved.error().message);
      (void)store_.saveMember({"service", u->id, 0, position});
    }
    ++position;
  }
}

void AcdService::loadFromStore() {
  auto qs = store_.listQueues();
  if (!qs) throw std::runtime_error("acd: cannot load queues: " + qs.error().message);
  initialQueues_ = std::move(*qs);
  auto ms = store_.listMembers();
  if (!ms) throw std::runtime_error("acd: cannot load queue members: " + ms.error().message);
  initialMembers_ = std::move(*ms);
  auto as = store_.listAgents();
  if (!as) throw std::runtime_error("acd: cannot load agents: " + as.error().message);
  for (auto& a : *as) {
    auto u = ctx_.store->users().get(a.userId);
    if (!u) continue;  // the user was deleted: not an agent any more
    initialAgents_.push_back(AgentInfo{std::move(a), u->username, u->displayName, u->departmentId});
  }
  if (auto hooks = store_.listWebhooks()) webhooks_->setHooks(std::move(*hooks));
}

void AcdService::attach() {
  core::Clock& clock = ctx_.clock ? *ctx_.clock : core::SystemClock::instance();
  acd::AcdListener& self = *this;  // private base: converted here, where it is accessible
  acd_ = std::make_unique<acd::Acd>(clock, timers_, self, options_);
  for (const auto& q : initialQueues_) applyQueue(q);
  for (const auto& a : initialAgents_) (void)applyAgent(a);
  for (const auto& m : initialMembers_)
    if (auto r = applyMember(m); !r) log_->warn("membership {} in {}: {}", m.agentId, m.queueId, r.error().message);
  initialQueues_.clear();
  initialMembers_.clear();
  initialAgents_.clear();
  watchSwitchCalls();
  if (ctx_.router) ctx_.router->addTarget("queue", [this](const call::AppCallInfo& info) { return startFromDid(info); });
  if (!originator_ && ctx_.telephony) {
    call::TelephonyService* tel = ctx_.telephony;
    originator_ = [tel](const std::string& from, const std::string& to) { return tel->originate(from, to); };
  }
  // Callbacks are app calls (CallControl::originate): their end comes as onCallEnded.
  if (demo_ && ctx_.telephony) {
    call::TelephonyService* tel = ctx_.telephony;
    writer_.job([tel, log = log_](AcdStore&) {
      call::Did did;
      did.number = "4002";
      did.targetType = "queue";
      did.target = "service";
      did.description = "Demo: the service hotline queue (客服热线)";
      auto r = tel->createDid(did);
      if (!r && r.error().code != "conflict") log->warn("demo DID 4002 not created: {}", r.error().message);
    });
  }
  runDeferred();
}

void AcdService::tick() {
  if (!acd_) return;
  const int64_t now = (ctx_.clock ? *ctx_.clock : core::SystemClock::instance()).monoUs();
  timers_.runDue(now);
  runDeferred();
  retryPendingOffers();
  pollCallbacks();
  webhooks_->poll();
  agentStatsTick();
  dailyResetTick();
  runDeferred();
}

void AcdService::stop() {
  callEvents_.reset();
  writer_.flush();
}

void AcdService::runDeferred() {
  if (runningDeferred_) return;
  runningDeferred_ = true;
  while (!deferred_.empty()) {
    auto fn = std::move(deferred_.front());
    deferred_.pop_front();
    fn();
  }
  runningDeferred_ = false;
}

void AcdService::agentStatsTick() {
  if (agentStatsIntervalUs_ <= 0 || !ctx_.events) return;
  const int64_t now = (ctx_.clock ? *ctx_.clock : core::SystemClock::instance()).monoUs();
  if (now - lastAgentStatsMono_ < agentStatsIntervalUs_) return;
  lastAgentStatsMono_ = now;
  for (const auto& [id, info] : agents_) {
    auto s = acd_->agentStats(id);
    if (!s || s->state == acd::AgentState::LoggedOut) continue;
    publish("agent.stats", statsJson(*s), info.departmentId);
  }
}

void AcdService::dailyResetTick() {
  const int64_t nowUs = (ctx_.clock ? *ctx_.clock : core::SystemClock::instance()).nowUs();
  std::time_t t = static_cast<std::time_t>(nowUs / 1'000'000);
  std::tm local{};
  localtime_r(&t, &local);
  if (lastDay_ >= 0 && local.tm_yday != lastDay_) acd_->resetDailyStats();
  lastDay_ = local.tm_yday;
}

template <class T>
core::Result<T> AcdService::onControl(std::function<core::Result<T>()> fn) {
  if (!ctx_.control) return unavailable("the contact center is not running on this node");
  auto promise = std::make_shared<std::promise<core::Result<T>>>();
  auto future = promise->get_future();
  ctx_.control->post([this, promise, fn = std::move(fn)] {
    if (!acd_) {
      promise->set_value(unavailable("the ACD is not attached yet"));
      return;
    }
    core::Result<T> r = fn();
    runDeferred();
    promise->set_value(std::move(r));
  });
  if (future.wait_for(controlTimeout_) != std::future_status::ready)
    return unavailable("the control thread did not answer in time");
  return future.get();
}

// ---- configuration (control thread) ----

void AcdService::applyQueue(const QueueSettings& q) {
  queues_[q.id] = q;
  if (auto r = acd_->upsertQueue(toAcdConfig(q)); !r) log_->warn("queue {}: {}", q.id, r.error().message);
}

core::Result<void> AcdService::removeQueueNow(const std::string& id) {
  if (!queues_.count(id)) return core::makeError("not_found", "queue " + id + " not found");
  if (auto r = acd_->removeQueue(id); !r && r.error().code != "unknown_queue")
    return core::makeError("invalid_state", r.error().message);
  queues_.erase(id);
  return {};
}

core::Result<void> AcdService::applyMember(const MemberSettings& m) {
  return acd_->setMembership(acd::Membership{m.agentId, m.queueId, m.level, m.position});
}

core::Result<void> AcdService::removeMemberNow(const std::string& queueId, const std::string& agentId) {
  auto r = acd_->removeMembership(agentId, queueId);
  if (!r && r.error().code != "not_member" && r.error().code != "unknown_agent" && r.error().code != "unknown_queue")
    return r;
  return {};
}

core::Result<void> AcdService::applyAgent(const AgentInfo& a) {
  agents_[a.settings.userId] = a;
  acd::AgentConfig c;
  c.id = a.settings.userId;
  c.device = a.settings.extension;
  c.name = a.displayName;
  for (const auto& [s, l] : a.settings.skills) c.skills.push_back({s, l});
  c.capacity = a.settings.capacity;
  return acd_->upsertAgent(c);
}

// ---- API: configuration (pool threads) ----

core::Result<QueueSettings> AcdService::saveQueue(QueueSettings q, bool create) {
  if (auto v = validateQueue(q); !v) return v.error();
  if (create) {
    if (auto existing = store_.getQueue(q.id); existing)
      return core::makeError("conflict", "queue " + q.id + " already exists");
    q.createdUs = 0;
  }
  auto saved = store_.saveQueue(q);
  if (!saved) return saved.error();
  QueueSettings copy = *saved;
  auto applied = onControl<bool>([this, copy]() -> core::Result<bool> {
    applyQueue(copy);
    return true;
  });
  if (!applied) return applied.error();
  return saved;
}

core::Result<void> AcdService::deleteQueue(const std::string& id) {
  if (auto existing = store_.getQueue(id); !existing) return existing.error();
  if (ctx_.control) {
    auto removed = onControl<bool>([this, id]() -> core::Result<bool> {
      if (auto r = removeQueueNow(id); !r && r.error().code != "not_found") return r.error();
      return true;
    });
    if (!removed) return removed.error();
  }
  return store_.deleteQueue(id);
}

core::Result<void> AcdService::saveMember(const MemberSettings& m) {
  if (auto q = store_.getQueue(m.queueId); !q) return q.error();
  if (auto a = store_.getAgent(m.agentId); !a)
    return core::makeError(a.error().code == "not_found" ? "invalid_field" : a.error().code,
                           "user " + m.agentId + " is not an agent (give him an extension first)");
  if (auto r = store_.saveMember(m); !r) return r;
  auto applied = onControl<bool>([this, m]() -> core::Result<bool> {
    if (auto r = applyMember(m); !r) return r.error();
    return true;
  });
  if (!applied) return applied.error();
  return {};
}

core::Result<void> AcdService::deleteMember(const std::string& queueId, const std::string& agentId) {
  if (auto r = store_.deleteMember(queueId, agentId); !r) return r;
  auto applied = onControl<bool>([this, queueId, agentId]() -> core::Result<bool> {
    if (auto r = removeMemberNow(queueId, agentId); !r) return r.error();
    return true;
  });
  if (!applied) return applied.error();
  return {};
}

core::Result<AgentSettings> AcdService::saveAgent(const AgentSettings& a) {
  auto u = ctx_.store->users().get(a.userId);
  if (!u) return u.error();
  auto saved = store_.saveAgent(a);
  if (!saved) return saved.error();
  AgentInfo info{*saved, u->username, u->displayName, u->departmentId};
  auto applied = onControl<bool>([this, info]() -> core::Result<bool> {
    if (auto r = applyAgent(info); !r) return r.error();
    return true;
  });
  if (!applied) return applied.error();
  return saved;
}

core::Result<Webhook> AcdService::createWebhook(Webhook w) {
  auto created = store_.createWebhook(std::move(w));
  if (!created) return created.error();
  if (auto all = store_.listWebhooks()) webhooks_->setHooks(std::move(*all));
  return created;
}

core::Result<void> AcdService::deleteWebhook(const std::string& id) {
  if (auto r = store_.deleteWebhook(id); !r) return r;
  if (auto all = store_.listWebhooks()) webhooks_->setHooks(std::move(*all));
  return {};
}

// ---- API: live state (pool threads) ----

core::Result<std::vector<AgentView>> AcdService::agents() {
  return onControl<std::vector<AgentView>>([this]() -> core::Result<std::vector<AgentView>> { return agentsNow(); });
}

core::Result<std::vector<InteractionView>> AcdService::interactions() {
  return onControl<std::vector<InteractionView>>(
      [this]() -> core::Result<std::vector<InteractionView>> { return interactionsNow(); });
}

core::Result<std::vector<QueueStatsView>> AcdService::queueStats() {
  return onControl<std::vector<QueueStatsView>>(
      [this]() -> core::Result<std::vector<QueueStatsView>> { return queueStatsNow(); });
}

core::Result<acd::AgentStats> AcdService::agentStats(const std::string& agentId) {
  return onControl<acd::AgentStats>([this, agentId]() -> core::Result<acd::AgentStats> {
    auto s = acd_->agentStats(agentId);
    if (!s) return core::makeError("not_found", "agent " + agentId + " not found");
    return *s;
  });
}

core::Result<nlohmann::json> AcdService::act(const CtiAction& action) {
  return onControl<nlohmann::json>([this, action]() -> core::Result<nlohmann::json> {
    return action.kind == "mute" ? muteNow(action) : actNow(action);
  });
}

core::Result<std::string> AcdService::dial(const std::string& agentId, const std::string& number) {
  if (number.empty()) return core::makeError("invalid_field", "number: is required");
  if (!ctx_.telephony) return unavailable("telephony is not running on this node");
  auto device = onControl<std::string>([this, agentId]() -> core::Result<std::string> {
    auto it = agents_.find(agentId);
    if (it == agents_.end()) return core::makeError("not_found", "agent " + agentId + " not found");
    if (auto d = loginDevices_.find(agentId); d != loginDevices_.end()) return d->second;
    if (it->second.settings.extension.empty())
      return core::makeError("invalid_state", "agent " + agentId + " has no extension");
    return it->second.settings.extension;
  });
  if (!device) return device.error();
  auto f = ctx_.telephony->originate(*device, number);
  if (f.wait_for(controlTimeout_) != std::future_status::ready)
    return unavailable("the control thread did not answer in time");
  auto id = f.get();
  // His own outbound call: no queue call for him until it ends (a call that
  // is over already is remembered by onSwitchCall and not marked).
  if (id && ctx_.control)
    ctx_.control->post([this, agentId, callId = *id] {
      markOtherCall(agentId, callId);
      runDeferred();
    });
  return id;
}

core::Result<InteractionView> AcdService::findInteraction(const std::string& interactionId) {
  return onControl<InteractionView>([this, interactionId]() -> core::Result<InteractionView> {
    for (auto& v : interactionsNow())
      if (v.id == interactionId) return v;
    return core::makeError("not_found", "interaction " + interactionId + " not found");
  });
}

}  // namespace hujiao::center
