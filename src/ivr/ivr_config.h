#pragma once
// The "ivr" configuration section. Read at start-up / reload (any thread that
// owns the Config).
#include <map>
#include <string>

#include "ivr/blacklist.h"

namespace hujiao::core {
class ConfigSchema;
class Config;
}  // namespace hujiao::core

namespace hujiao::ivr {

void addIvrConfig(core::ConfigSchema& schema);
BlacklistPolicy blacklistPolicyFrom(const core::Config& config);
/// Directory of flow files loaded at start (empty = none).
std::string flowsDirFrom(const core::Config& config);

/// How the call layer carries out the flows (ivr.tts_voices, ivr.http_threads, ...).
struct IvrRuntimeOptions {
  std::map<std::string, std::string> ttsVoices{{"zh", "cmn"}, {"en", "en"}};  // flow language -> espeak-ng voice
  int httpThreads = 4;
  std::string voicemailDir = "voicemail";  // relative to media.recordings_dir
};
IvrRuntimeOptions runtimeOptionsFrom(const core::Config& config);

}  // namespace hujiao::ivr
