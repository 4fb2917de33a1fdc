// IvrService: construction, flows (store + registry), the control-thread hooks.
// Blacklist, notices and call records: ivr_service_lists.cpp.
#include "center/ivr_service.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "center/app_router.h"
#include "center/http_client.h"
#include "center/ivr_calls.h"
#include "center/ivr_notices.h"
#include "core/log.h"
#include "ivr/demo_flow.h"

namespace hujiao::center {

void IvrService::addConfig(core::ConfigSchema& schema) { ivr::addIvrConfig(schema); }

std::vector<store::Migration> IvrService::migrations() { return IvrStore::migrations(); }

namespace {

std::string configString(const core::Config* c, const std::string& key, const std::string& def) {
  if (!c) return def;
  try {
    return c->getString(key);
  } catch (const std::exception&) {
    return def;  // a schema without that section (unit tests)
  }
}

bool configBool(const core::Config* c, const std::string& key) {
  if (!c) return false;
  try {
    return c->getBool(key);
  } catch (const std::exception&) {
    return false;
  }
}

core::Error invalidFlow(const std::string& message) { return core::makeError("invalid_flow", message); }

}  // namespace

IvrService::IvrService(CenterContext& ctx)
    : ctx_(ctx), store_(ctx.store->db()), writer_(store_), log_(core::logger("ivr")) {
  if (ctx_.config) {
    options_ = ivr::runtimeOptionsFrom(*ctx_.config);
    flowsDir_ = ivr::flowsDirFrom(*ctx_.config);
    blacklist_.setPolicy(ivr::blacklistPolicyFrom(*ctx_.config));
  }
  recordingsDir_ = configString(ctx_.config, "media.recordings_dir", "");
  std::string sounds = configString(ctx_.config, "media.sounds_dir", "");
  if (!sounds.empty()) prompts_ = std::make_unique<ivr::DirectoryPromptResolver>(sounds);
  notices_ = std::make_unique<IvrNoticeBoard>();
  writer_.start();
  if (configBool(ctx_.config, "node.demo_data")) seedDemo();
  loadPublished();
  if (!flowsDir_.empty()) (void)reloadFlowsDir();
  if (auto r = reloadBlacklist(); !r) log_->error("blacklist not loaded: {}", r.error().message);
  if (auto r = reloadNotices(); !r) log_->error("notices not loaded: {}", r.error().message);
}

IvrService::~IvrService() {
  calls_.reset();
  http_.reset();
  writer_.stop();
}

void IvrService::stop() {
  // The control thread has stopped: no call writes any more.
  writer_.stop();
}

// ---- start-up ----

void IvrService::seedDemo() {
  auto now = ctx_.clock ? ctx_.clock->nowUs() : core::SystemClock::instance().nowUs();
  auto existing = store_.getFlow("demo");
  if (!existing && existing.error().code == "not_found") {
    auto doc = ivr::parseDocument(ivr::demoFlowYaml(), ivr::DocumentFormat::Yaml);
    if (!doc) {
      log_->error("demo flow does not parse: {}", doc.error().message);
      return;
    }
    auto v = store_.addVersion("demo", doc->value("name", "Demo hotline"), doc->value("description", ""), *doc,
                               "demo", true, now);
    if (v) (void)store_.setPublished("demo", v->version, now);
    else log_->error("demo flow not stored: {}", v.error().message);
  }
  if (auto r = store_.ensureNotice("emergency", now); !r) log_->warn("demo notice: {}", r.error().message);
}

std::shared_ptr<const ivr::Flow> IvrService::checkStored(const FlowVersionRow& row,
                                                         std::vector<ivr::Issue>& issues) const {
  auto doc = nlohmann::json::parse(row.document, nullptr, false);
  if (doc.is_discarded()) {
    issues.push_back(ivr::Issue{"", "", "bad_document", "the stored document is not JSON"});
    return nullptr;
  }
  auto check = ivr::checkFlow(doc, prompts_.get());
  if (!check.ok()) {
    issues = std::move(check.issues);
    return nullptr;
  }
  auto flow = std::make_shared<ivr::Flow>(*check.flow);
  flow->version = row.version;
  flow->document["version"] = row.version;
  return flow;
}

void IvrService::loadPublished() {
  auto rows = store_.publishedVersions();
  if (!rows) {
    log_->error("flows not loaded: {}", rows.error().message);
    return;
  }
  for (const auto& row : *rows) {
    std::vector<ivr::Issue> issues;
    auto flow = checkStored(row, issues);
    if (!flow) {
      // E.g. a prompt file removed since: the flow stays unpublished until fixed.
      log_->error("flow {} v{} is no longer valid, not loaded: {}", row.flowId, row.version,
                  ivr::formatIssues(issues));
      continue;
    }
    registry_.install(std::move(flow));
  }
}

// ---- flows ----

core::Result<store::Page<FlowRow>> IvrService::listFlows(int64_t limit, int64_t offset, const std::string& search) {
  return store_.listFlows(limit, offset, search);
}

core::Result<FlowDetail> IvrService::getFlow(const std::string& id) {
  FlowDetail d;
  auto f = store_.getFlow(id);
  if (!f) return f.error();
  d.flow = *f;
  auto v = store_.version(id, f->latestVersion);
  if (!v) return v.error();
  d.document = nlohmann::json::parse(v->document, nullptr, false);
  auto vs = store_.versions(id);
  if (!vs) return vs.error();
  d.versions = std::move(*vs);
  return d;
}

std::vector<ivr::Issue> IvrService::validateFlow(const nlohmann::json& document) const {
  nlohmann::json doc = document;
  if (doc.is_object()) doc.erase("version");
  return ivr::checkFlow(doc, prompts_.get()).issues;
}

core::Result<FlowRow> IvrService::saveFlow(const std::string& id, const std::string& name,
                                           const std::string& description, nlohmann::json document,
                                           const std::string& user, FlowProblems& problems) {
  if (!document.is_object()) {
    problems.issues.push_back(ivr::Issue{"", "", "bad_document", "a flow document is an object"});
    return invalidFlow("the flow document is not valid");
  }
  document.erase("version");  // versions are numbered by the store
  if (!id.empty()) {
    if (!document.contains("id")) document["id"] = id;
    if (!document["id"].is_string() || document["id"].get<std::string>() != id)
      return core::makeError("invalid_field", "document id must be '" + id + "' (the flow in the URL)");
  }
  if (!name.empty()) document["name"] = name;
  if (!description.empty()) document["description"] = description;
  auto check = ivr::checkFlow(document, prompts_.get());
  if (!check.ok()) {
    problems.issues = std::move(check.issues);
    return invalidFlow("the flow document is not valid");
  }
  const std::string flowId = check.flow->id;
  std::lock_guard lock(flowsMu_);
  auto now = ctx_.clock->nowUs();
  auto v = store_.addVersion(flowId, document.value("name", ""), document.value("description", ""), document, user,
                             id.empty(), now);
  if (!v) return v.error();
  return store_.getFlow(flowId);
}

core::Result<FlowRow> IvrService::publishFlow(const std::string& id, int version, FlowProblems& problems) {
  std::lock_guard lock(flowsMu_);
  auto row = store_.version(id, version);
  if (!row) return row.error();
  auto flow = checkStored(*row, problems.issues);
  if (!flow) return invalidFlow("version " + std::to_string(version) + " is not valid; the running version stays");
  // Store first: if it fails, nothing changed for new calls either.
  if (auto r = store_.setPublished(id, version, ctx_.clock->nowUs()); !r) return r.error();
  registry_.install(std::move(flow));
  log_->info("flow {} v{} published", id, version);
  return store_.getFlow(id);
}

core::Result<void> IvrService::deleteFlow(const std::string& id) {
  std::lock_guard lock(flowsMu_);
  if (auto r = store_.deleteFlow(id); !r) return r;
  registry_.remove(id);
  return {};
}

std::vector<FlowFileReport> IvrService::reloadFlowsDir() {
  std::vector<FlowFileReport> out;
  if (flowsDir_.empty()) return out;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(flowsDir_, ec)) {
    auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".json" || ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  if (ec) {
    FlowFileReport r;
    r.file = flowsDir_;
    r.status = "invalid";
    r.issues.push_back(ivr::Issue{"", "", "bad_document", "cannot read the directory: " + ec.message()});
    log_->error("ivr.flows_dir {}: {}", flowsDir_, ec.message());
    out.push_back(std::move(r));
    return out;
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    FlowFileReport rep;
    rep.file = path.filename().string();
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto doc = ivr::parseDocument(text.str(),
                                  path.extension() == ".json" ? ivr::DocumentFormat::Json : ivr::DocumentFormat::Yaml);
    if (!doc) {
      rep.status = "invalid";
      rep.issues.push_back(ivr::Issue{"", "", "bad_document", doc.error().message});
    } else {
      doc->erase("version");
      auto check = ivr::checkFlow(*doc, prompts_.get());
      if (!check.ok()) {
        rep.status = "invalid";
        rep.flowId = doc->value("id", "");
        rep.issues = std::move(check.issues);
      } else {
        rep.flowId = check.flow->id;
        std::lock_guard lock(flowsMu_);
        auto now = ctx_.clock->nowUs();
        auto existing = store_.getFlow(rep.flowId);
        bool same = false;
        if (existing) {
          if (auto latest = store_.version(rep.flowId, existing->latestVersion)) {
            auto stored = nlohmann::json::parse(latest->document, nullptr, false);
            if (stored.is_object()) stored.erase("version");
            same = stored == *doc;
          }
        }
        if (same && existing->publishedVersion == existing->latestVersion) {
          rep.status = "unchanged";
          rep.version = existing->latestVersion;
        } else {
          int version = existing ? existing->latestVersion : 0;
          if (!same) {
            auto v = store_.addVersion(rep.flowId, doc->value("name", ""), doc->value("description", ""), *doc,
                                       "flows_dir:" + rep.file, !existing, now);
            if (!v) {
              rep.status = "invalid";
              rep.issues.push_back(ivr::Issue{"", "", "store", v.error().message});
            } else {
              version = v->version;
            }
          }
          if (rep.status.empty()) {
            auto flow = std::make_shared<ivr::Flow>(*check.flow);
            flow->version = version;
            flow->document["version"] = version;
            if (auto r = store_.setPublished(rep.flowId, version, now); !r) {
              rep.status = "invalid";
              rep.issues.push_back(ivr::Issue{"", "", "store", r.error().message});
            } else {
              registry_.install(std::move(flow));
              rep.status = "published";
              rep.version = version;
            }
          }
        }
      }
    }
    if (rep.status == "invalid") {
      for (const auto& i : rep.issues)
        log_->error("ivr.flows_dir: {}: node '{}': {}{}{}: {}", rep.file, i.node, i.field, i.field.empty() ? "" : ": ",
                    i.code, i.message);
    } else {
      log_->info("ivr.flows_dir: {}: flow {} v{} {}", rep.file, rep.flowId, rep.version, rep.status);
    }
    out.push_back(std::move(rep));
  }
  return out;
}

// ---- control thread ----

void IvrService::attach() {
  if (!ctx_.calls || !ctx_.router) return;
  http_ = std::make_unique<HttpClient>(options_.httpThreads);
  IvrCallsDeps d;
  d.calls = ctx_.calls;
  d.router = ctx_.router;
  d.queues = ctx_.queues;
  d.clock = ctx_.clock;
  d.events = ctx_.events;
  d.metrics = ctx_.metrics;
  d.flows = &registry_;
  d.notices = notices_.get();
  d.sink = &writer_;
  HttpClient* http = http_.get();
  d.http = [http](HttpCall call, HttpClient::Done done) { http->submit(std::move(call), std::move(done)); };
  d.options = options_;
  calls_ = std::make_unique<IvrCalls>(std::move(d));
  ctx_.router->addTarget("flow", [this](const call::AppCallInfo& info) { return startCall(info); });
  ctx_.router->setScreener([this](const call::AppCallInfo& info) {
    call::ScreenDecision decision;
    auto hit = blacklist_.lookup(info.callerNumber, ctx_.clock->nowUs());
    if (!hit) return decision;
    if (hit->policy.action == ivr::BlacklistPolicy::Action::Flow && !hit->policy.flowId.empty()) {
      decision.kind = call::ScreenDecision::Kind::Flow;
      decision.flowId = hit->policy.flowId;
    } else {
      decision.kind = call::ScreenDecision::Kind::Reject;
      decision.sipCode = hit->policy.sipCode;
    }
    log_->info("call {} from blacklisted {} ({}): {}", info.callId, info.callerNumber, hit->entry.reason,
               decision.kind == call::ScreenDecision::Kind::Flow ? "to flow " + decision.flowId
                                                                 : "rejected " + std::to_string(decision.sipCode));
    return decision;
  });
}

bool IvrService::startCall(const call::AppCallInfo& info) {
  auto flow = registry_.current(info.target);
  if (!flow) {
    log_->warn("call {}: flow '{}' is not published", info.callId, info.target);
    return false;
  }
  return calls_->start(info, std::move(flow));
}

void IvrService::tick() {
  if (calls_) calls_->tick();
}

}  // namespace hujiao::center
