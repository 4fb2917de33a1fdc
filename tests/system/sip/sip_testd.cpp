// sip_testd: the telephony service on its own, for system tests and the SIP
// benchmark until hujiaod wires it. Opens a SQLite (or PostgreSQL) store,
// seeds extensions/trunks/DIDs/dial rules from a JSON fixture, runs the SIP
// service, and answers commands on stdin with one JSON line each:
//   registrations | blocked | unblock ADDR | calls | cdrs | trunkregs |
//   originate FROM TO | hangup ID | metrics | rss | stall MS (block the control thread) | quit
//   app WORDS... (a CallControl command through the scripted listener, see
//   app_script.h) | appevents (what the listener heard)
// Usage: sip_testd --db URL --fixture FILE [--media] [--app MODE] [--set section.key=value ...]
// --media runs the real media engine (media.* settings apply); --app installs
// the scripted CallAppListener so app calls (DIDs to flows/queues) work.
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app_script.h"
#include "call/telephony_service.h"
#include "core/config.h"
#include "core/core_config.h"
#include "core/event_bus.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/time_format.h"
#include "media/engine.h"
#include "media/media_config.h"
#include "sip/sip_config.h"
#include "store/store.h"

using namespace hujiao;
using nlohmann::json;

namespace {
std::atomic<bool> gStop{false};
void onSignal(int) { gStop = true; }

json bindingJson(const sip::Binding& b) {
  return {{"extension", b.aor},         {"contact", b.contact},       {"registered_contact", b.registeredContact},
          {"expires_us", b.expiresAtUs}, {"source_ip", b.sourceIp},     {"source_port", b.sourcePort},
          {"transport", b.transport},   {"user_agent", b.userAgent},   {"reachable", b.reachable}};
}

json cdrJson(const call::Cdr& c) {
  json legs = json::array();
  for (const auto& l : c.legs) legs.push_back({{"target", l.target}, {"sip_code", l.sipCode}, {"trunk_id", l.trunkId}});
  return {{"id", c.id},
          {"direction", c.direction},
          {"caller", c.callerNumber},
          {"callee", c.calleeNumber},
          {"destination", c.destination},
          {"trunk_id", c.trunkId},
          {"did", c.did},
          {"answered", c.answerUs != 0},
          {"duration_us", c.answerUs ? c.endUs - c.answerUs : 0},
          {"cause", c.hangupCause},
          {"side", c.hangupSide},
          {"sip_code", c.sipCode},
          {"legs", legs}};
}

void seed(call::TelephonyService& svc, const json& f) {
  std::map<std::string, std::string> trunkIds;
  auto existing = svc.listTrunks({1000, 0, "", {}});
  if (existing) {
    for (const auto& t : existing->items) trunkIds[t.name] = t.id;
  }
  for (const auto& e : f.value("extensions", json::array())) {
    call::Extension x;
    x.number = e.at("number").get<std::string>();
    x.password = e.at("password").get<std::string>();
    x.displayName = e.value("display_name", "");
    x.callLimit = e.value("call_limit", 0);
    x.maxContacts = e.value("max_contacts", 0);
    x.dnd = e.value("dnd", false);
    auto r = svc.createExtension(x);
    if (!r && r.error().code != "conflict") std::cerr << "seed extension: " << r.error().message << "\n";
  }
  for (const auto& t : f.value("trunks", json::array())) {
    call::Trunk x;
    x.name = t.at("name").get<std::string>();
    if (trunkIds.count(x.name)) continue;
    x.host = t.at("host").get<std::string>();
    x.port = t.value("port", 5060);
    x.transport = t.value("transport", "udp");
    x.username = t.value("username", "");
    x.password = t.value("password", "");
    x.registerEnabled = t.value("register", false);
    x.registerExpiresS = t.value("register_expires", 600);
    x.inboundAddresses = t.value("inbound_addresses", std::vector<std::string>{});
    x.maxChannels = t.value("max_channels", 0);
    x.callerId = t.value("caller_id", "");
    auto r = svc.createTrunk(x);
    if (r) {
      trunkIds[x.name] = r->id;
    } else {
      std::cerr << "seed trunk: " << r.error().message << "\n";
    }
  }
  auto dids = svc.listDids({1000, 0, "", {}});
  auto rules = svc.listDialRules({1000, 0, "", {}});
  if (dids && dids->total == 0) {
    for (const auto& d : f.value("dids", json::array())) {
      call::Did x;
      x.number = d.at("number").get<std::string>();
      x.targetType = d.value("target_type", "extension");
      x.target = d.at("target").get<std::string>();
      if (d.contains("trunk")) x.trunkId = trunkIds[d["trunk"].get<std::string>()];
      if (auto r = svc.createDid(x); !r) std::cerr << "seed did: " << r.error().message << "\n";
    }
  }
  if (rules && rules->total == 0) {
    for (const auto& d : f.value("dial_rules", json::array())) {
      call::DialRule x;
      x.name = d.at("name").get<std::string>();
      x.priority = d.value("priority", 100);
      x.prefix = d.value("prefix", "");
      x.minLength = d.value("min_length", 0);
      x.maxLength = d.value("max_length", 0);
      x.stripDigits = d.value("strip_digits", 0);
      x.prepend = d.value("prepend", "");
      for (const auto& n : d.value("trunks", std::vector<std::string>{})) x.trunkIds.push_back(trunkIds[n]);
      x.callerIdPolicy = d.value("caller_id_policy", "keep");
      x.callerId = d.value("caller_id", "");
      if (auto r = svc.createDialRule(x); !r) std::cerr << "seed rule: " << r.error().message << "\n";
    }
  }
}

long rssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

json appCommand(call::TelephonyService& svc, testing::ScriptedApp* app, const std::string& line) {
  if (!app) return {{"error", "no --app"}};
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string w;
  in >> w;  // "app"
  while (in >> w) words.push_back(w);
  auto p = std::make_shared<std::promise<json>>();
  auto f = p->get_future();
  svc.controlQueue().post([p, app, words] { p->set_value(app->command(words)); });
  return f.get();
}

json command(call::TelephonyService& svc, core::MetricsRegistry& metrics, testing::ScriptedApp* app,
             const std::string& line) {
  if (line.rfind("app ", 0) == 0) return appCommand(svc, app, line);
  if (line == "appevents") return app ? app->events() : json::array();
  std::istringstream in(line);
  std::string cmd, a, b;
  in >> cmd >> a >> b;
  if (cmd == "registrations") {
    json out = json::array();
    for (const auto& x : svc.registrations(a).get()) out.push_back(bindingJson(x));
    return out;
  }
  if (cmd == "blocked") {
    json out = json::array();
    for (const auto& x : svc.blockedAddresses().get()) out.push_back({{"address", x.address}, {"until_us", x.untilUs}});
    return out;
  }
  if (cmd == "unblock") return {{"unblocked", svc.unblock(a).get()}};
  if (cmd == "calls") {
    json out = json::array();
    for (const auto& c : svc.calls().get()) {
      out.push_back({{"id", c.id}, {"state", c.state}, {"caller", c.callerNumber}, {"callee", c.calleeNumber},
                     {"destination", c.destination}, {"on_hold", c.onHold}, {"legs", c.legs}});
    }
    return out;
  }
  if (cmd == "cdrs") {
    svc.flushWrites();
    call::CdrQuery q;
    q.limit = 1000;
    auto page = svc.listCdrs(q);
    json out = json::array();
    if (page) {
      for (const auto& c : page->items) out.push_back(cdrJson(c));
    }
    return out;
  }
  if (cmd == "trunkregs") {
    json out = json::array();
    for (const auto& t : svc.trunkRegistrations().get()) out.push_back({{"trunk_id", t.trunkId}, {"state", t.state}, {"status", t.lastStatus}});
    return out;
  }
  if (cmd == "originate") {
    auto r = svc.originate(a, b).get();
    if (!r) return {{"error", r.error().code}, {"message", r.error().message}};
    return {{"call_id", *r}};
  }
  if (cmd == "hangup") {
    auto r = svc.hangup(a).get();
    if (!r) return {{"error", r.error().code}};
    return {{"ok", true}};
  }
  if (cmd == "metrics") return {{"text", metrics.renderPrometheus()}};
  if (cmd == "rss") return {{"rss_kb", rssKb()}};
  if (cmd == "stall") {
    // Blocks the control thread for N ms (returns at once): requests pile up
    // in the socket as when the thread is saturated (overload control tests).
    const long ms = std::strtol(a.c_str(), nullptr, 10);
    if (ms <= 0 || ms > 10000) return {{"error", "stall takes 1..10000 ms"}};
    svc.controlQueue().post([ms] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); });
    return {{"ok", true}};
  }
  return {{"error", "unknown command"}};
}
}  // namespace

int main(int argc, char** argv) {
  std::string dbUrl = "sqlite:sip_testd.db";
  std::string fixture;
  std::vector<std::pair<std::string, std::string>> sets;
  bool withMedia = false;
  std::string appMode;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--media") {
      withMedia = true;
    } else if (arg == "--app" && i + 1 < argc) {
      appMode = argv[++i];
    } else if (arg == "--db" && i + 1 < argc) {
      dbUrl = argv[++i];
    } else if (arg == "--fixture" && i + 1 < argc) {
      fixture = argv[++i];
    } else if (arg == "--set" && i + 1 < argc) {
      std::string kv = argv[++i];
      auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--set needs key=value\n";
        return 2;
      }
      sets.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else {
      std::cerr << "usage: sip_testd --db URL --fixture FILE [--media] [--app MODE] [--set section.key=value ...]\n";
      return 2;
    }
  }
  core::ConfigSchema schema;
  core::addCoreConfig(schema);
  sip::addSipConfig(schema);
  media::addMediaConfig(schema);
  core::Config config = core::Config::defaults(schema);
  try {
    for (const auto& [k, v] : sets) {
      auto dot = k.find('.');
      const core::ConfigKey* key = dot == std::string::npos ? nullptr : schema.find(k.substr(0, dot), k.substr(dot + 1));
      if (!key) throw core::ConfigError("unknown key " + k);
      switch (key->type) {
        case core::ConfigType::Bool: config.set(k, v == "true" || v == "1"); break;
        case core::ConfigType::Int: config.set(k, static_cast<int64_t>(std::stoll(v))); break;
        case core::ConfigType::StringList: {
          std::vector<std::string> list;
          std::stringstream ss(v);
          std::string item;
          while (std::getline(ss, item, ',')) list.push_back(item);
          config.set(k, list);
          break;
        }
        default: config.set(k, v);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "config: " << e.what() << "\n";
    return 2;
  }
  core::LogOptions lo = core::logOptionsFrom(config);
  core::initLogging(lo);
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<store::Store> store;
  try {
    store = store::openStore(dbUrl, 4, call::TelephonyService::migrations());
  } catch (const std::exception& e) {
    std::cerr << "store: " << e.what() << "\n";
    return 1;
  }
  core::EventBus bus;
  core::MetricsRegistry metrics;
  std::atomic<uint64_t> events{0};
  auto sub = bus.subscribe([&](const core::EventPtr&) { ++events; });
  call::TelephonyOptions opts;
  opts.events = &bus;
  opts.metrics = &metrics;
  auto svc = std::make_unique<call::TelephonyService>(sip::sipConfigFrom(config), store->db(), opts);
  std::unique_ptr<media::MediaEngineImpl> engine;
  if (withMedia) {
    call::TelephonyService* t = svc.get();
    try {
      engine = std::make_unique<media::MediaEngineImpl>(media::mediaConfigFrom(config), svc->controlQueue(),
                                                        [t](const media::MediaEvent& e) { t->postMediaEvent(e); });
    } catch (const std::exception& e) {
      std::cerr << "media: " << e.what() << "\n";
      return 1;
    }
    engine->registerMetrics(metrics);
    media::MediaEngineImpl* m = engine.get();
    svc->setMedia(m, [m] { m->bindToCurrentThread(); });
  }
  std::unique_ptr<testing::ScriptedApp> app;
  if (!appMode.empty()) {
    app = std::make_unique<testing::ScriptedApp>(appMode);
    testing::ScriptedApp* a = app.get();
    svc->setApp([a](call::CallControl& cc) { a->attach(cc); }, nullptr);
  }
  if (!fixture.empty()) {
    std::ifstream f(fixture);
    json j = json::parse(f, nullptr, false);
    if (j.is_discarded()) {
      std::cerr << "fixture is not JSON: " << fixture << "\n";
      return 2;
    }
    seed(*svc, j);
  }
  if (auto r = svc->startThread(); !r) {
    std::cerr << "start: " << r.error().message << "\n";
    return 1;
  }
  std::cout << "READY" << std::endl;
  std::string line;
  std::string buf;
  while (!gStop) {
    pollfd p{0, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::read(0, chunk, sizeof chunk);
    if (n <= 0) break;
    buf.append(chunk, static_cast<size_t>(n));
    size_t nl;
    bool quit = false;
    while ((nl = buf.find('\n')) != std::string::npos) {
      line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line == "quit") {
        quit = true;
        break;
      }
      if (line.empty()) continue;
      std::cout << command(*svc, metrics, app.get(), line).dump() << std::endl;
    }
    if (quit) break;
  }
  svc->stop();
  svc->setMedia(nullptr);
  engine.reset();
  svc.reset();
  store->close();
  return 0;
}
