#include "recording/service.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "core/ids.h"
#include "core/log.h"
#include "recording/chunk_reader.h"
#include "recording/container_format.h"
#include "recording/file_ops.h"

namespace hujiao::recording {
namespace {

namespace fs = std::filesystem;

bool exists(const std::string& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

std::string stripSuffix(const std::string& p) {
  const std::string_view suf = kContainerSuffix;
  if (p.size() > suf.size() && p.compare(p.size() - suf.size(), suf.size(), suf) == 0) {
    return p.substr(0, p.size() - suf.size());
  }
  return p;
}

}  // namespace

RecordingService::RecordingService(RecordingSettings settings, std::shared_ptr<const KeyRing> ring, store::Db& db)
    : settings_(std::move(settings)), ring_(std::move(ring)), repo_(db), quality_(db) {
  std::error_code ec;
  auto abs = fs::absolute(settings_.dir, ec);
  if (!ec) settings_.dir = abs.lexically_normal().string();
  if (settings_.encrypt && !ring_) throw std::invalid_argument("recording: encryption is on but no key ring was given");
}

core::Result<std::shared_ptr<const KeyRing>> RecordingService::loadKeys(const RecordingSettings& s) {
  auto ring = KeyRing::loadFile(s.keyFile, s.activeKeyId);
  if (!ring) return ring.error();
  return std::make_shared<const KeyRing>(std::move(*ring));
}

std::string RecordingService::absolutePath(const std::string& relative) const { return settings_.dir + "/" + relative; }

RecordingPlan RecordingService::plan(int64_t startUs) const {
  RecordingPlan p;
  p.id = core::newId();
  p.format = settings_.format;
  const std::time_t t = static_cast<std::time_t>(startUs / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char day[48];
  std::snprintf(day, sizeof day, "%04d/%02d/%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  const std::string plain = std::string(day) + "/" + p.id + (p.format == "opus" ? ".opus" : ".wav");
  p.relativePath = settings_.encrypt ? containerPathFor(plain) : plain;
  p.plainPath = absolutePath(plain);
  p.mediaPath = absolutePath(p.relativePath);
  return p;
}

core::Result<RecordingMeta> RecordingService::begin(const RecordingPlan& plan, RecordingMeta meta) {
  meta.id = plan.id;
  meta.path = plan.relativePath;
  meta.format = plan.format;
  meta.status = "recording";
  meta.keyId = settings_.encrypt ? ring_->active().id : "";
  return repo_.create(std::move(meta));
}

core::Result<RecordingMeta> RecordingService::pause(const std::string& id, int64_t atUs) { return repo_.pause(id, atUs); }
core::Result<RecordingMeta> RecordingService::resume(const std::string& id, int64_t atUs) {
  return repo_.resume(id, atUs);
}

core::Result<Completion> RecordingService::store(const RecordingMeta& row, int64_t endUs, bool recovering) {
  auto stored = resolveRecordingPath(settings_.dir, row.path);
  if (!stored) return stored.error();
  const std::string plain = stripSuffix(*stored);
  const bool encrypted = plain != *stored;
  Completion c;
  c.status = recovering ? "recovered" : "complete";
  c.path = row.path;
  ContentInfo info;
  if (encrypted) {
    if (!ring_) return core::makeError("unknown_key", "recording " + row.id + " is encrypted and no key ring is loaded");
    if (exists(plain)) {
      // The media engine wrote plaintext (its header fixed after every block, so a crash left a playable file).
      auto r = encryptPlainFile(plain, *stored, ring_->active(), settings_.chunkBytes);
      if (!r) return r.error();
      info = *r;
    } else if (exists(*stored)) {
      // Encrypted while recording (a live ChunkWriter): finalize or recover it.
      auto r = recoverContainer(*stored, *ring_);
      if (!r) return r.error();
      info = r->info;
      if (r->wasComplete && !recovering) c.status = "complete";
    } else {
      c.status = "missing";
      c.endUs = endUs;
      return c;
    }
  } else {
    if (!exists(plain)) {
      c.status = "missing";
      c.endUs = endUs;
      return c;
    }
    auto r = inspectPlainFile(plain, true);
    if (!r) return r.error();
    info = *r;
  }
  c.durationMs = std::max<int64_t>(0, info.durationMs);
  c.sizeBytes = static_cast<int64_t>(info.storedBytes);
  c.sha256 = info.sha256;
  c.keyId = info.keyId;
  c.endUs = endUs != 0 ? endUs : row.startUs + c.durationMs * 1000 + pausedMs(row.pauses, row.startUs) * 1000;
  return c;
}

core::Result<RecordingMeta> RecordingService::finish(const std::string& id, int64_t endUs) {
  auto row = repo_.get(id);
  if (!row) return row.error();
  if (row->status != "recording") return row;  // already finished (idempotent)
  auto c = store(*row, endUs, false);
  if (!c) return c.error();
  if (auto r = repo_.complete(id, *c); !r) return r.error();
  auto plainPath = stripSuffix(absolutePath(row->path));
  if (plainPath != absolutePath(row->path)) ::unlink(plainPath.c_str());  // the encrypted copy is recorded
  if (c->status == "missing") core::logger("recording")->error("recording {}: no file found at {}", id, row->path);
  return repo_.get(id);
}

RecoveryReport RecordingService::recoverUnfinished() {
  auto log = core::logger("recording");
  RecoveryReport rep;
  for (;;) {
    auto rows = repo_.listByStatus("recording", 100);
    if (!rows) {
      rep.errors.push_back(rows.error().message);
      return rep;
    }
    size_t progressed = 0;
    for (const auto& row : *rows) {
      auto c = store(row, 0, true);
      if (!c) {
        rep.errors.push_back(row.id + ": " + c.error().code + ": " + c.error().message);
        log->error("recovery of recording {} failed: {}", row.id, c.error().message);
        continue;
      }
      if (auto r = repo_.complete(row.id, *c); !r) {
        rep.errors.push_back(row.id + ": " + r.error().message);
        continue;
      }
      ++progressed;
      const std::string abs = absolutePath(row.path);
      if (stripSuffix(abs) != abs) ::unlink(stripSuffix(abs).c_str());
      (c->status == "missing" ? rep.missing : rep.recovered).push_back(row.id);
      log->warn("recording {} of call {} was interrupted: {} ({} ms, {} bytes)", row.id, row.callId, c->status,
                c->durationMs, c->sizeBytes);
    }
    if (rows->size() < 100 || progressed == 0) break;
  }
  return rep;
}

core::Result<store::Page<RecordingMeta>> RecordingService::search(const Viewer& viewer, RecordingQuery q) {
  applyVisibility(viewer, q);
  return repo_.search(q);
}

core::Result<RecordingMeta> RecordingService::get(const Viewer& viewer, const std::string& id) {
  auto row = repo_.get(id);
  if (!row) return row.error();
  if (!canAccessRecording(viewer, *row)) return core::makeError("forbidden", "you may not access this recording");
  return row;
}

core::Result<std::unique_ptr<PlaybackSource>> RecordingService::openForPlayback(const Viewer& viewer,
                                                                                const std::string& id) {
  auto row = get(viewer, id);
  if (!row) return row.error();
  return openPlaybackSource(*row, settings_.dir, ring_.get());
}

SweepReport RecordingService::sweep(int64_t nowUs, int64_t limit) {
  return sweepRetention(repo_, settings_.policy, settings_.dir, nowUs, limit);
}

RotationReport RecordingService::rotateKeys(int64_t limit) {
  RotationReport rep;
  if (!ring_) return rep;
  auto log = core::logger("recording");
  auto rows = repo_.notOnKey(ring_->active().id, limit);
  if (!rows) {
    rep.errors.push_back(rows.error().message);
    return rep;
  }
  rep.more = static_cast<int64_t>(rows->size()) == limit;
  for (const auto& row : *rows) {
    auto path = resolveRecordingPath(settings_.dir, row.path);
    if (!path) {
      rep.errors.push_back(row.id + ": " + path.error().message);
      continue;
    }
    auto info = reencryptContainer(*path, *ring_);
    if (!info) {
      rep.errors.push_back(row.id + ": " + info.error().code + ": " + info.error().message);
      log->error("key rotation of recording {} failed: {}", row.id, info.error().message);
      continue;
    }
    if (!row.sha256.empty() && info->sha256 != row.sha256) {
      rep.errors.push_back(row.id + ": content SHA-256 differs from the recorded one");
      log->error("key rotation: recording {} decrypts to a different SHA-256 than recorded", row.id);
      continue;
    }
    if (auto r = repo_.updateStorage(row.id, info->keyId, static_cast<int64_t>(info->storedBytes)); !r) {
      rep.errors.push_back(row.id + ": " + r.error().message);
      continue;
    }
    rep.rotated.push_back(row.id);
    log->info("recording {} re-encrypted from key {} to {}", row.id, row.keyId, info->keyId);
  }
  return rep;
}

}  // namespace hujiao::recording
