#pragma once
// RecordingService: the one object the call layer and the API use. It ties
// the settings, key ring, files and metadata together.
//
// Flow of one recording (see docs/recording.md):
//   control thread: decide with shouldRecord(); plan() (pure) gives the id and
//     the path to hand to MediaEngine::startRecording(); post begin() to the
//     service thread. Pause/resume: MediaEngine::pause/resumeRecording() and
//     post pause()/resume(). On MediaEvent::RecordingStopped post finish().
//   service thread: begin() inserts the row ("recording"); finish() encrypts
//     the media engine's plaintext WAV/Ogg into the container, records size,
//     SHA-256, duration and key id ("complete") and removes the plaintext.
//   start-up (before calls are accepted): recoverUnfinished().
//
// Threads: plan() is pure and may be called on the control thread. Every
// other method does disk and database I/O: service plane only. Thread-safe
// (no mutable state besides the store's own).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "recording/access.h"
#include "recording/key_ring.h"
#include "recording/playback.h"
#include "recording/quality.h"
#include "recording/recording_config.h"
#include "recording/recordings_repo.h"
#include "recording/retention.h"

namespace hujiao::recording {

struct RecordingPlan {
  std::string id;
  std::string relativePath;  // stored file, relative to recording.dir (".hrec" when encrypted)
  /// Absolute path for MediaEngine::startRecording: the container itself when
  /// encrypting (the recorder seals it while recording: its ".hrec" suffix
  /// selects media::SealedSink), else the plain file.
  std::string mediaPath;
  /// Absolute plaintext path: a writer without live encryption may write the
  /// plain file here instead; finish() then encrypts it and removes it.
  std::string plainPath;
  std::string format;        // "wav" or "opus"
};

struct RecoveryReport {
  std::vector<std::string> recovered;  // row ids now "recovered"
  std::vector<std::string> missing;    // row ids whose file was gone
  std::vector<std::string> errors;
};

struct RotationReport {
  std::vector<std::string> rotated;
  std::vector<std::string> errors;
  bool more = false;
};

class RecordingService {
 public:
  /// ring may be null only when settings.encrypt is false. `dir` is made absolute.
  RecordingService(RecordingSettings settings, std::shared_ptr<const KeyRing> ring, store::Db& db);
  /// Loads the key ring the settings name (start-up; "insecure_key_file" etc.).
  static core::Result<std::shared_ptr<const KeyRing>> loadKeys(const RecordingSettings& settings);

  /// Pure: a new id and its paths, in the date tree of startUs (UTC).
  RecordingPlan plan(int64_t startUs) const;
  /// Inserts the row (status "recording"); meta's call facts are kept, the plan's id/path/format used.
  core::Result<RecordingMeta> begin(const RecordingPlan& plan, RecordingMeta meta);
  core::Result<RecordingMeta> pause(const std::string& id, int64_t atUs);
  core::Result<RecordingMeta> resume(const std::string& id, int64_t atUs);
  /// After RecordingStopped: stores the file (encrypting it) and completes the row. Idempotent.
  core::Result<RecordingMeta> finish(const std::string& id, int64_t endUs);
  /// Start-up: every row still "recording" is recovered from what is on disk.
  RecoveryReport recoverUnfinished();

  /// API: a page of the recordings the viewer may see.
  core::Result<store::Page<RecordingMeta>> search(const Viewer& viewer, RecordingQuery q);
  /// API: the row, if the viewer may see it ("forbidden" otherwise).
  core::Result<RecordingMeta> get(const Viewer& viewer, const std::string& id);
  /// API: a byte source to serve GET .../recordings/{id}/audio with Range.
  /// The caller writes the audit entry ("play"/"download") after this succeeds.
  core::Result<std::unique_ptr<PlaybackSource>> openForPlayback(const Viewer& viewer, const std::string& id);

  /// Retention sweep (service thread, every settings().sweepIntervalS).
  SweepReport sweep(int64_t nowUs, int64_t limit = 1000);
  /// Re-encrypts up to `limit` files not on the active key.
  RotationReport rotateKeys(int64_t limit = 100);

  RecordingsRepo& recordings() { return repo_; }
  QualityRepo& quality() { return quality_; }
  const RecordingSettings& settings() const { return settings_; }
  std::string absolutePath(const std::string& relative) const;

 private:
  core::Result<Completion> store(const RecordingMeta& row, int64_t endUs, bool recovering);

  RecordingSettings settings_;
  std::shared_ptr<const KeyRing> ring_;
  RecordingsRepo repo_;
  QualityRepo quality_;
};

}  // namespace hujiao::recording
