#include "recording/recording_config.h"

#include <charconv>

#include "recording/container_format.h"

namespace hujiao::recording {
namespace {

std::set<std::string> toSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace

void addRecordingConfig(core::ConfigSchema& s) {
  s.section("recording", "Call recordings: storage, encryption at rest, policy, retention");
  s.string("recording", "dir", "var/recordings", "Directory of recordings (date tree YYYY/MM/DD below it)");
  s.boolean("recording", "encrypt", true, "Encrypt recordings at rest (AES-256-GCM)");
  s.string("recording", "key_file", "",
           "Key file: lines 'id:base64-of-32-bytes'; must not be readable by others (chmod 600)");
  s.string("recording", "active_key_id", "", "Key id for new recordings; empty = the key file's last key");
  s.string("recording", "format", "wav", "File format of new recordings", {"wav", "opus"});
  s.integer("recording", "chunk_bytes", 0, 0, 4 << 20,
            "Encryption chunk size (0 = about half a second of audio: what a crash may lose)");
  s.string("recording", "mode", "none",
           "Which calls are recorded (none by default: recording needs the callers' consent in many places; "
           "a policy PUT through the API replaces this)",
           {"all", "selected", "none"}, true);
  s.stringList("recording", "queues", {}, "mode selected: record calls through these queue ids", true);
  s.stringList("recording", "agents", {}, "mode selected: record calls of these agent (user) ids", true);
  s.stringList("recording", "directions", {}, "mode selected: record these directions (inbound, outbound, internal)",
               true);
  s.stringList("recording", "dids", {}, "mode selected: record calls to these DIDs", true);
  s.stringList("recording", "never_numbers", {}, "Never record calls with these numbers (trailing * = prefix)", true);
  s.stringList("recording", "never_agents", {}, "Never record calls of these agent (user) ids", true);
  s.boolean("recording", "allow_on_demand", true, "Agents may start a recording the policy does not make", true);
  s.boolean("recording", "allow_agent_pause", true, "Agents may pause and resume a recording", true);
  s.integer("recording", "retention_days", 365, 0, 36500, "Delete recordings older than this (0 = keep forever)",
            true);
  s.stringMap("recording", "retention_by_queue", {}, "Per-queue retention in days: queue id -> days (0 = forever)",
              true);
  s.integer("recording", "sweep_interval_s", 3600, 60, 86400, "How often the retention sweeper runs", true);
}

uint32_t defaultChunkBytes(const std::string& format) {
  return chunkSizeFor(format == "opus" ? 4000 : 32000);
}

core::Result<RecordingSettings> recordingSettingsFrom(const core::Config& c, const std::string& defaultKeyFile) {
  RecordingSettings s;
  s.dir = c.getString("recording.dir");
  s.encrypt = c.getBool("recording.encrypt");
  s.keyFile = c.getString("recording.key_file");
  if (s.keyFile.empty()) s.keyFile = defaultKeyFile;
  s.activeKeyId = c.getString("recording.active_key_id");
  s.format = c.getString("recording.format");
  const int64_t chunk = c.getInt("recording.chunk_bytes");
  if (chunk != 0 && (chunk < kMinChunk || chunk > kMaxChunk)) {
    return core::makeError("invalid", "recording.chunk_bytes must be 0 or 512..4194304");
  }
  s.chunkBytes = chunk == 0 ? defaultChunkBytes(s.format) : static_cast<uint32_t>(chunk);
  s.sweepIntervalS = c.getInt("recording.sweep_interval_s");
  if (s.dir.empty()) return core::makeError("invalid", "recording.dir must not be empty");
  if (s.encrypt && s.keyFile.empty()) {
    return core::makeError("invalid", "recording.encrypt is on but recording.key_file is empty");
  }
  RecordingPolicy& p = s.policy;
  const std::string mode = c.getString("recording.mode");
  p.mode = mode == "none" ? RecordingPolicy::Mode::None
                          : (mode == "selected" ? RecordingPolicy::Mode::Selected : RecordingPolicy::Mode::All);
  p.queues = toSet(c.getStringList("recording.queues"));
  p.agents = toSet(c.getStringList("recording.agents"));
  p.directions = toSet(c.getStringList("recording.directions"));
  for (const auto& d : p.directions) {
    if (d != "inbound" && d != "outbound" && d != "internal") {
      return core::makeError("invalid", "recording.directions: '" + d + "' is not inbound, outbound or internal");
    }
  }
  p.dids = toSet(c.getStringList("recording.dids"));
  p.neverNumbers = c.getStringList("recording.never_numbers");
  p.neverAgents = toSet(c.getStringList("recording.never_agents"));
  p.allowOnDemand = c.getBool("recording.allow_on_demand");
  p.allowAgentPause = c.getBool("recording.allow_agent_pause");
  p.retentionDays = static_cast<int>(c.getInt("recording.retention_days"));
  for (const auto& [queue, days] : c.getStringMap("recording.retention_by_queue")) {
    int v = -1;
    auto [ptr, ec] = std::from_chars(days.data(), days.data() + days.size(), v);
    if (ec != std::errc() || ptr != days.data() + days.size() || v < 0 || v > 36500) {
      return core::makeError("invalid", "recording.retention_by_queue." + queue + ": '" + days +
                                            "' is not a number of days (0..36500)");
    }
    p.retentionByQueue[queue] = v;
  }
  return s;
}

}  // namespace hujiao::recording
