#include "acd/types.h"

#include <array>
#include <utility>

namespace hujiao::acd {

namespace {
template <class E, std::size_t N>
std::string_view name(const std::array<std::string_view, N> &names, E e) {
  const auto i = static_cast<std::size_t>(e);
  return i < N ? names[i] : std::string_view("unknown");
}
template <class E, std::size_t N>
std::optional<E> parse(const std::array<std::string_view, N> &names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kChannels{"voice", "chat", "email", "sms"};
constexpr std::array<std::string_view, 6> kStates{"logged_out", "ready", "not_ready", "reserved", "busy", "wrap_up"};
constexpr std::array<std::string_view, 8> kStrategies{
    "longest_idle", "fewest_interactions", "least_talk_time", "round_robin",
    "ring_all",     "best_skill",          "linear",          "random"};
constexpr std::array<std::string_view, 5> kOverflowKinds{"none", "queue", "flow", "voicemail", "external"};
constexpr std::array<std::string_view, 4> kOverflowReasons{"max_wait", "max_length", "join_empty", "leave_empty"};
constexpr std::array<std::string_view, 5> kCancelReasons{"answered_elsewhere", "abandoned", "ring_timeout", "moved",
                                                         "agent_logged_out"};
constexpr std::array<std::string_view, 7> kInteractionEvents{"queued",      "answered", "ended",     "abandoned",
                                                             "transferred", "moved",    "overflowed"};
constexpr std::array<std::string_view, 3> kEmptyRules{"ignore", "no_agent_logged_in", "no_agent_ready"};
}  // namespace

std::string_view toString(Channel c) { return name(kChannels, c); }
std::string_view toString(AgentState s) { return name(kStates, s); }
std::string_view toString(Strategy s) { return name(kStrategies, s); }
std::string_view toString(OverflowKind k) { return name(kOverflowKinds, k); }
std::string_view toString(OverflowReason r) { return name(kOverflowReasons, r); }
std::string_view toString(CancelReason r) { return name(kCancelReasons, r); }
std::string_view toString(InteractionEvent e) { return name(kInteractionEvents, e); }
std::optional<Channel> channelFromString(std::string_view s) { return parse<Channel>(kChannels, s); }
std::optional<Strategy> strategyFromString(std::string_view s) { return parse<Strategy>(kStrategies, s); }
std::optional<OverflowKind> overflowKindFromString(std::string_view s) {
  return parse<OverflowKind>(kOverflowKinds, s);
}
std::optional<EmptyRule> emptyRuleFromString(std::string_view s) { return parse<EmptyRule>(kEmptyRules, s); }

}  // namespace hujiao::acd
