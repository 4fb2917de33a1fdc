#include "ivr/ivr_config.h"

#include "core/config.h"

namespace hujiao::ivr {

void addIvrConfig(core::ConfigSchema& s) {
  s.section("ivr", "IVR flows and the blacklist");
  s.string("ivr", "flows_dir", "", "Directory of flow files (*.json, *.yaml) published at start; empty = none");
  s.string("ivr", "blacklist_action", "reject", "What happens to a blacklisted caller", {"reject", "flow"}, true);
  s.integer("ivr", "blacklist_sip_code", 603, 400, 699, "SIP response code for rejected blacklisted callers", true);
  s.string("ivr", "blacklist_flow", "", "Flow id for blacklisted callers when blacklist_action is 'flow'", {}, true);
  IvrRuntimeOptions d;
  s.stringMap("ivr", "tts_voices", d.ttsVoices, "espeak-ng voice per flow language (zh -> cmn, en -> en)");
  s.integer("ivr", "http_threads", d.httpThreads, 1, 64, "Worker threads for the flows' HTTP look-ups");
  s.string("ivr", "voicemail_dir", d.voicemailDir, "Voicemail files, relative to media.recordings_dir");
  // Kept so existing configs still load: digit detection is always on for IVR calls
  // (RFC 4733 when the caller negotiated telephone-event, in-band tones otherwise).
  s.boolean("ivr", "inband_dtmf", true,
            "Deprecated, no effect: IVR calls always detect digits (RFC 4733 when negotiated, else in-band tones)");
}

BlacklistPolicy blacklistPolicyFrom(const core::Config& c) {
  BlacklistPolicy p;
  p.action = c.getString("ivr.blacklist_action") == "flow" ? BlacklistPolicy::Action::Flow
                                                           : BlacklistPolicy::Action::Reject;
  p.sipCode = static_cast<int>(c.getInt("ivr.blacklist_sip_code"));
  p.flowId = c.getString("ivr.blacklist_flow");
  return p;
}

std::string flowsDirFrom(const core::Config& c) { return c.getString("ivr.flows_dir"); }

IvrRuntimeOptions runtimeOptionsFrom(const core::Config& c) {
  IvrRuntimeOptions o;
  o.ttsVoices = c.getStringMap("ivr.tts_voices");
  o.httpThreads = static_cast<int>(c.getInt("ivr.http_threads"));
  o.voicemailDir = c.getString("ivr.voicemail_dir");
  return o;
}

}  // namespace hujiao::ivr
