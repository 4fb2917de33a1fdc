#pragma once
// The "recording" config section and the settings read from it.
//
// Threads: build the schema and read settings at start-up or reload (any one
// thread); RecordingSettings is a plain value afterwards.
#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/result.h"
#include "recording/policy.h"

namespace hujiao::recording {

void addRecordingConfig(core::ConfigSchema& schema);

struct RecordingSettings {
  std::string dir = "var/recordings";  // files under dir/YYYY/MM/DD/
  bool encrypt = true;
  std::string keyFile;      // required when encrypt
  std::string activeKeyId;  // "" = the key file's last key
  std::string format = "wav";  // "wav" (stereo PCM) or "opus"
  uint32_t chunkBytes = 0;     // 0 = from the format's byte rate (about half a second)
  int64_t sweepIntervalS = 3600;
  RecordingPolicy policy;
};

/// Reads the section; "invalid" for inconsistent values (encrypt without a
/// key file, a non-numeric retention override, ...).
/// defaultKeyFile: used when recording.key_file is empty (the daemon passes a
/// key file it created under node.data_dir on first start).
core::Result<RecordingSettings> recordingSettingsFrom(const core::Config& config, const std::string& defaultKeyFile = "");

/// Chunk size for a format when chunkBytes is 0 (WAV stereo 8 kHz 16-bit is
/// 32000 B/s; Opus at the media engine's bitrate about 4000 B/s).
uint32_t defaultChunkBytes(const std::string& format);

}  // namespace hujiao::recording
