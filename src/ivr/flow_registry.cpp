#include "ivr/flow_registry.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hujiao::ivr {

PublishResult FlowRegistry::publish(const nlohmann::json& document) {
  PublishResult out;
  FlowCheck check = checkFlow(document, resolver_);
  if (!check.ok()) {
    out.issues = std::move(check.issues);
    return out;
  }
  std::lock_guard lock(writeMutex_);
  auto before = snapshot();
  int currentVersion = 0;
  if (auto it = before->find(check.flow->id); it != before->end() && !it->second.versions.empty())
    currentVersion = it->second.versions.rbegin()->first;
  int version = check.flow->version;
  if (version == 0) {
    version = currentVersion + 1;
  } else if (version <= currentVersion) {
    out.error = "version " + std::to_string(version) + " of flow '" + check.flow->id +
                "' is not newer than the published version " + std::to_string(currentVersion);
    return out;
  }
  auto flow = std::make_shared<Flow>(*check.flow);
  flow->version = version;
  flow->document["version"] = version;
  std::shared_ptr<const Flow> published = flow;
  auto next = std::make_shared<Catalogue>(*before);
  Entry& entry = (*next)[published->id];
  entry.versions[version] = published;
  entry.current = published;
  catalogue_.store(std::move(next), std::memory_order_release);
  out.flow = std::move(published);
  return out;
}

DirectoryLoadReport FlowRegistry::loadDirectory(const std::string& dir) {
  DirectoryLoadReport report;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".json" || ext == ".yaml" || ext == ".yml")) files.push_back(e.path());
  }
  if (ec) {
    report.failures.emplace_back(dir, "cannot read directory: " + ec.message());
    return report;
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      report.failures.emplace_back(path.string(), "cannot read file");
      continue;
    }
    auto doc = parseDocument(text.str(), path.extension() == ".json" ? DocumentFormat::Json : DocumentFormat::Yaml);
    if (!doc) {
      report.failures.emplace_back(path.string(), doc.error().message);
      continue;
    }
    auto r = publish(*doc);
    if (!r.ok()) {
      report.failures.emplace_back(path.string(), r.error.empty() ? formatIssues(r.issues) : r.error);
      continue;
    }
    report.published.push_back(path.filename().string() + ": " + r.flow->id + " v" + std::to_string(r.flow->version));
  }
  return report;
}

void FlowRegistry::install(std::shared_ptr<const Flow> flow) {
  if (!flow || flow->version <= 0) return;
  std::lock_guard lock(writeMutex_);
  auto next = std::make_shared<Catalogue>(*snapshot());
  Entry& entry = (*next)[flow->id];
  entry.versions[flow->version] = flow;
  entry.current = std::move(flow);
  catalogue_.store(std::move(next), std::memory_order_release);
}

void FlowRegistry::remove(std::string_view flowId) {
  std::lock_guard lock(writeMutex_);
  auto next = std::make_shared<Catalogue>(*snapshot());
  if (auto it = next->find(flowId); it != next->end()) next->erase(it);
  catalogue_.store(std::move(next), std::memory_order_release);
}

std::shared_ptr<const Flow> FlowRegistry::current(std::string_view flowId) const {
  auto snap = snapshot();
  auto it = snap->find(flowId);
  return it == snap->end() ? nullptr : it->second.current;
}

std::shared_ptr<const Flow> FlowRegistry::version(std::string_view flowId, int v) const {
  auto snap = snapshot();
  auto it = snap->find(flowId);
  if (it == snap->end()) return nullptr;
  auto vit = it->second.versions.find(v);
  return vit == it->second.versions.end() ? nullptr : vit->second;
}

std::vector<int> FlowRegistry::versions(std::string_view flowId) const {
  std::vector<int> out;
  auto snap = snapshot();
  if (auto it = snap->find(flowId); it != snap->end())
    for (const auto& [v, f] : it->second.versions) out.push_back(v);
  return out;
}

std::vector<std::string> FlowRegistry::flowIds() const {
  std::vector<std::string> out;
  for (const auto& [id, e] : *snapshot()) out.push_back(id);
  return out;
}

}  // namespace hujiao::ivr
