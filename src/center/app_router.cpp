#include "center/app_router.h"

namespace hujiao::center {

AppRouter::AppRouter() : log_(core::logger("center")) {}

void AppRouter::addTarget(const std::string& targetType, Starter starter) {
  starters_[targetType] = std::move(starter);
}

void AppRouter::own(const std::string& callId, AppCallHandler* handler) {
  if (auto it = calls_.find(callId); it != calls_.end()) it->second.owner = handler;
}

AppCallHandler* AppRouter::owner(const std::string& callId) const {
  auto it = calls_.find(callId);
  return it == calls_.end() ? nullptr : it->second.owner;
}

const call::AppCallInfo* AppRouter::info(const std::string& callId) const {
  auto it = calls_.find(callId);
  return it == calls_.end() ? nullptr : &it->second.info;
}

void AppRouter::adopt(const call::AppCallInfo& info, AppCallHandler* handler) {
  calls_[info.callId] = Live{info, handler};
}

bool AppRouter::handOver(const std::string& callId, const std::string& targetType, const std::string& target) {
  auto it = calls_.find(callId);
  if (it == calls_.end()) return false;
  auto s = starters_.find(targetType);
  if (s == starters_.end()) {
    log_->warn("call {}: cannot hand over to target type '{}'", callId, targetType);
    it->second.owner = nullptr;
    return false;
  }
  const call::AppCallInfo before = it->second.info;
  it->second.owner = nullptr;
  it->second.info.targetType = targetType;
  it->second.info.target = target;
  const call::AppCallInfo info = it->second.info;  // the starter may erase or rehash
  const bool ok = s->second(info);
  if (!ok) {
    if (auto again = calls_.find(callId); again != calls_.end()) {
      again->second.info = before;
      again->second.owner = nullptr;
    }
    log_->warn("call {}: {} {} refused the hand-over", callId, targetType, target);
  }
  return ok;
}

bool AppRouter::onAppCall(const call::AppCallInfo& info) {
  if (!accepting_) {
    log_->info("call {}: refused, the contact center is stopping", info.callId);
    return false;
  }
  auto s = starters_.find(info.targetType);
  if (s == starters_.end()) {
    log_->warn("call {}: no service serves target type '{}'", info.callId, info.targetType);
    return false;
  }
  calls_[info.callId] = Live{info, nullptr};
  if (!s->second(info)) {
    calls_.erase(info.callId);
    return false;
  }
  return true;
}

call::ScreenDecision AppRouter::screenInbound(const call::AppCallInfo& info) {
  return screener_ ? screener_(info) : call::ScreenDecision{};
}

void AppRouter::onCallAnswered(const call::AnsweredCall& call) {
  for (auto& h : answeredHooks_) h(call);
}

void AppRouter::onAppDigit(const std::string& callId, char digit, int durationMs) {
  if (auto* h = owner(callId)) h->onDigit(callId, digit, durationMs);
}

void AppRouter::onAppPlaybackDone(const std::string& callId, uint64_t requestId, const std::string& reason) {
  if (auto* h = owner(callId)) h->onPlaybackDone(callId, requestId, reason);
}

void AppRouter::onAppRecordingStopped(const std::string& callId, uint64_t requestId, const std::string& path,
                                      int64_t recordedMs) {
  if (auto* h = owner(callId)) h->onRecordingStopped(callId, requestId, path, recordedMs);
  for (auto& hook : recordingHooks_) hook(callId, requestId, path, recordedMs);
}

void AppRouter::onSupervisionEnded(const std::string& callId, uint64_t supervisionId, const std::string& cause) {
  if (auto* h = owner(callId)) h->onSupervisionEnded(callId, supervisionId, cause);
  for (auto& hook : supervisionHooks_) hook(callId, supervisionId, cause);
}

void AppRouter::onOriginateResult(const std::string& callId, const call::OriginateResult& result) {
  if (auto* h = owner(callId)) h->onOriginateResult(callId, result);
}

void AppRouter::onConnectResult(const std::string& callId, uint64_t connectId, const call::ConnectResult& result) {
  if (auto* h = owner(callId)) h->onConnectResult(callId, connectId, result);
}

void AppRouter::onConnectedPartyGone(const std::string& callId, uint64_t connectId, const std::string& cause) {
  if (auto* h = owner(callId)) h->onConnectedPartyGone(callId, connectId, cause);
}

void AppRouter::onAppCallEnded(const std::string& callId, const std::string& cause, const std::string& side) {
  auto it = calls_.find(callId);
  if (it == calls_.end()) return;
  AppCallHandler* h = it->second.owner;
  // The handler may look the call up while it cleans up; forget it afterwards.
  if (h) h->onCallEnded(callId, cause, side);
  calls_.erase(callId);
}

}  // namespace hujiao::center
