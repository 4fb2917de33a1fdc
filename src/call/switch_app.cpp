// Switch: CallControl for app calls (src/center drives IVR flows and ACD queues
// through it). Stubs until the app-call work lands: every command answers
// not_supported, and DIDs with app targets are still refused in switch_calls.cpp.
#include "call/switch.h"
#include "call/switch_internal.h"

namespace hujiao::call {

namespace {
core::Error notYet() { return core::makeError("not_supported", "app calls are not implemented yet"); }
}  // namespace

core::Result<void> Switch::answer(const std::string&) { return notYet(); }
core::Result<void> Switch::earlyMedia(const std::string&) { return notYet(); }
core::Result<void> Switch::play(const std::string&, const media::PlayRequest&) { return notYet(); }
core::Result<void> Switch::stopPlay(const std::string&) { return notYet(); }
core::Result<void> Switch::detectDigits(const std::string&, bool) { return notYet(); }
core::Result<void> Switch::startRecording(const std::string&, const media::RecordingOptions&) { return notYet(); }
core::Result<void> Switch::pauseRecording(const std::string&) { return notYet(); }
core::Result<void> Switch::resumeRecording(const std::string&) { return notYet(); }
core::Result<void> Switch::stopRecording(const std::string&) { return notYet(); }
core::Result<uint64_t> Switch::connect(const std::string&, const ConnectRequest&) { return notYet(); }
core::Result<void> Switch::disconnect(const std::string&, uint64_t) { return notYet(); }
core::Result<void> Switch::hold(const std::string&, bool, const media::PlayRequest&) { return notYet(); }
core::Result<void> Switch::sendDigits(const std::string&, const std::string&) { return notYet(); }
core::Result<uint64_t> Switch::consult(const std::string&, const ConnectRequest&, const media::PlayRequest&) {
  return notYet();
}
core::Result<void> Switch::completeConsult(const std::string&, bool, bool) { return notYet(); }
core::Result<uint64_t> Switch::supervise(const std::string&, const std::string&, media::SuperviseMode) {
  return notYet();
}
core::Result<void> Switch::setSuperviseMode(uint64_t, media::SuperviseMode) { return notYet(); }
core::Result<void> Switch::stopSupervising(uint64_t) { return notYet(); }

}  // namespace hujiao::call
