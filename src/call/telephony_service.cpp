#include "call/telephony_service.h"

#include "call/store_writer.h"
#include "call/switch.h"
#include "core/log.h"
#include "sip/stack.h"

namespace hujiao::call {

class SipStackHolder {
 public:
  SipStackHolder(const sip::SipConfig& c, sip::StackListener& l, core::TaskQueue& q) : stack(c, l, q) {}
  sip::SipStack stack;
};

TelephonyService::TelephonyService(const sip::SipConfig& config, store::Db& db, TelephonyOptions options)
    : config_(config), options_(std::move(options)), store_(db) {
  if (!options_.clock) options_.clock = &core::SystemClock::instance();
  writer_ = std::make_unique<StoreWriter>(store_);
  SwitchDeps d;
  d.config = config_;
  d.clock = options_.clock;
  d.events = options_.events;
  d.metrics = options_.metrics;
  d.media = options_.media;
  d.writer = writer_.get();
  d.cdrSink = options_.cdrSink;
  switch_ = std::make_unique<Switch>(std::move(d));
  if (options_.metrics) {
    options_.metrics->callbackGauge("hujiao_control_queue_depth", "Tasks waiting for the control thread",
                                    [this] { return static_cast<double>(control_.depth()); });
    options_.metrics->callbackGauge("hujiao_store_writer_pending", "Telephony writes waiting for the store",
                                    [this] { return static_cast<double>(writer_->pending()); });
  }
}

TelephonyService::~TelephonyService() {
  stop();
  // The switch owns handles of the stack: destroy it first.
  switch_.reset();
  stack_.reset();
  writer_.reset();
}

void TelephonyService::setMedia(media::MediaEngine* media, std::function<void()> bindToControlThread) {
  options_.media = media;
  bindMedia_ = std::move(bindToControlThread);
  switch_->setMedia(media);
}

void TelephonyService::setApp(std::function<void(CallControl&)> attach, std::function<void()> tick) {
  appAttach_ = std::move(attach);
  appTick_ = std::move(tick);
}

std::vector<store::Migration> TelephonyService::migrations() { return TelephonyStore::migrations(); }

core::Result<void> TelephonyService::start() {
  auto snap = store_.loadSnapshot(options_.clock->nowUs());
  if (!snap) return snap.error();
  stack_ = std::make_unique<SipStackHolder>(config_, *switch_, control_);
  if (auto r = stack_->stack.start(); !r) return r;
  switch_->setExtensions(snap->extensions);
  switch_->setTrunks(snap->trunks);  // before attach(): trunk REGISTERs start on the control thread
  switch_->attach(&stack_->stack);
  switch_->setDids(snap->dids);
  switch_->setDialRules(snap->rules);
  switch_->restoreRegistrations(snap->registrations);
  switch_->restoreBlocks(snap->blocks);
  writer_->start();
  core::logger("sip")->info("telephony loaded: {} extensions, {} trunks, {} DIDs, {} dial rules, {} registrations",
                            snap->extensions.size(), snap->trunks.size(), snap->dids.size(), snap->rules.size(),
                            snap->registrations.size());
  return {};
}

void TelephonyService::run() {
  running_ = true;
  if (bindMedia_) bindMedia_();
  Switch* sw = switch_.get();
  if (appAttach_) appAttach_(*sw);
  control_.post([sw] { sw->begin(); });
  auto appTick = appTick_;
  // 20 ms: IVR and ACD timers ride on this tick.
  stack_->stack.runLoop(
      [sw, appTick] {
        sw->tick();
        if (appTick) appTick();
      },
      20);
  running_ = false;
}

core::Result<void> TelephonyService::startThread() {
  if (auto r = start(); !r) return r;
  thread_ = std::thread([this] { run(); });
  return {};
}

void TelephonyService::stop() {
  if (stack_) stack_->stack.stop();
  if (thread_.joinable()) thread_.join();
  if (writer_) writer_->stop();
}

void TelephonyService::flushWrites() { writer_->flush(); }

void TelephonyService::postMediaEvent(const media::MediaEvent& e) {
  Switch* sw = switch_.get();
  control_.post([sw, e] { sw->onMediaEvent(e); });
}

template <class T, class F>
std::future<T> TelephonyService::ask(F fn) {
  auto p = std::make_shared<std::promise<T>>();
  auto f = p->get_future();
  Switch* sw = switch_.get();
  control_.post([p, sw, fn = std::move(fn)]() mutable { p->set_value(fn(*sw)); });
  return f;
}

// ---------------------------------------------------------------- reloads

void TelephonyService::reloadExtensions() {
  auto all = store_.allExtensions();
  if (!all) return;
  Switch* sw = switch_.get();
  control_.post([sw, v = std::move(*all)] { sw->setExtensions(v); });
}
void TelephonyService::reloadTrunks() {
  auto all = store_.allTrunks();
  if (!all) return;
  Switch* sw = switch_.get();
  control_.post([sw, v = std::move(*all)] { sw->setTrunks(v); });
}
void TelephonyService::reloadDids() {
  auto all = store_.allDids();
  if (!all) return;
  Switch* sw = switch_.get();
  control_.post([sw, v = std::move(*all)] { sw->setDids(v); });
}
void TelephonyService::reloadDialRules() {
  auto all = store_.allDialRules();
  if (!all) return;
  Switch* sw = switch_.get();
  control_.post([sw, v = std::move(*all)] { sw->setDialRules(v); });
}

// ---------------------------------------------------------------- CRUD

core::Result<Extension> TelephonyService::createExtension(const Extension& e) {
  if (auto v = validateExtension(e, true); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.createExtension(e, config_.realm);
  if (r) reloadExtensions();
  return r;
}
core::Result<Extension> TelephonyService::getExtension(const std::string& id) { return store_.getExtension(id); }
core::Result<Extension> TelephonyService::updateExtension(const Extension& e) {
  if (auto v = validateExtension(e, false); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.updateExtension(e, config_.realm);
  if (r) reloadExtensions();
  return r;
}
core::Result<void> TelephonyService::deleteExtension(const std::string& id) {
  std::lock_guard lock(reloadMu_);
  auto r = store_.removeExtension(id);
  if (r) reloadExtensions();
  return r;
}
core::Result<store::Page<Extension>> TelephonyService::listExtensions(const ListFilter& f) {
  return store_.listExtensions(f);
}

core::Result<Trunk> TelephonyService::createTrunk(const Trunk& t) {
  if (auto v = validateTrunk(t); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.createTrunk(t);
  if (r) reloadTrunks();
  return r;
}
core::Result<Trunk> TelephonyService::getTrunk(const std::string& id) { return store_.getTrunk(id); }
core::Result<Trunk> TelephonyService::updateTrunk(const Trunk& t) {
  if (auto v = validateTrunk(t); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.updateTrunk(t);
  if (r) reloadTrunks();
  return r;
}
core::Result<void> TelephonyService::deleteTrunk(const std::string& id) {
  std::lock_guard lock(reloadMu_);
  auto r = store_.removeTrunk(id);
  if (r) reloadTrunks();
  return r;
}
core::Result<store::Page<Trunk>> TelephonyService::listTrunks(const ListFilter& f) { return store_.listTrunks(f); }

core::Result<Did> TelephonyService::createDid(const Did& d) {
  if (auto v = validateDid(d); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.createDid(d);
  if (r) reloadDids();
  return r;
}
core::Result<Did> TelephonyService::getDid(const std::string& id) { return store_.getDid(id); }
core::Result<Did> TelephonyService::updateDid(const Did& d) {
  if (auto v = validateDid(d); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.updateDid(d);
  if (r) reloadDids();
  return r;
}
core::Result<void> TelephonyService::deleteDid(const std::string& id) {
  std::lock_guard lock(reloadMu_);
  auto r = store_.removeDid(id);
  if (r) reloadDids();
  return r;
}
core::Result<store::Page<Did>> TelephonyService::listDids(const ListFilter& f) { return store_.listDids(f); }

core::Result<DialRule> TelephonyService::createDialRule(const DialRule& d) {
  if (auto v = validateDialRule(d); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.createDialRule(d);
  if (r) reloadDialRules();
  return r;
}
core::Result<DialRule> TelephonyService::getDialRule(const std::string& id) { return store_.getDialRule(id); }
core::Result<DialRule> TelephonyService::updateDialRule(const DialRule& d) {
  if (auto v = validateDialRule(d); !v) return v.error();
  std::lock_guard lock(reloadMu_);
  auto r = store_.updateDialRule(d);
  if (r) reloadDialRules();
  return r;
}
core::Result<void> TelephonyService::deleteDialRule(const std::string& id) {
  std::lock_guard lock(reloadMu_);
  auto r = store_.removeDialRule(id);
  if (r) reloadDialRules();
  return r;
}
core::Result<store::Page<DialRule>> TelephonyService::listDialRules(const ListFilter& f) {
  return store_.listDialRules(f);
}

core::Result<store::Page<Cdr>> TelephonyService::listCdrs(const CdrQuery& q) { return store_.listCdrs(q); }

// ---------------------------------------------------------------- live state

std::future<std::vector<sip::Binding>> TelephonyService::registrations(const std::string& extension) {
  return ask<std::vector<sip::Binding>>([extension](Switch& s) { return s.registrations(extension); });
}
std::future<std::vector<sip::BlockedAddress>> TelephonyService::blockedAddresses() {
  return ask<std::vector<sip::BlockedAddress>>([](Switch& s) { return s.blocked(); });
}
std::future<bool> TelephonyService::unblock(const std::string& address) {
  return ask<bool>([address](Switch& s) { return s.unblock(address); });
}
std::future<std::vector<CallSnapshot>> TelephonyService::calls() {
  return ask<std::vector<CallSnapshot>>([](Switch& s) { return s.calls(); });
}
std::future<std::vector<TrunkRegistration>> TelephonyService::trunkRegistrations() {
  return ask<std::vector<TrunkRegistration>>([](Switch& s) { return s.trunkRegistrations(); });
}
std::future<core::Result<std::string>> TelephonyService::originate(const std::string& from, const std::string& to) {
  return ask<core::Result<std::string>>([from, to](Switch& s) { return s.originate(from, to); });
}
std::future<core::Result<void>> TelephonyService::hangup(const std::string& callId) {
  return ask<core::Result<void>>([callId](Switch& s) { return s.hangup(callId); });
}

}  // namespace hujiao::call
