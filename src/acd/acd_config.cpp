#include "acd/acd_config.h"

#include <cstdint>

#include "core/config.h"

namespace hujiao::acd {

void addAcdConfig(core::ConfigSchema &s) {
  const AcdOptions d;
  s.section("acd",
            "Automatic call distribution: routing core options (queues "
            "and agents live in the database)");
  s.integer("acd", "stats_interval_ms", d.statsIntervalUs / 1000, 0, 3'600'000,
            "Queue statistics events are sent at most this often per queue; 0 "
            "= never (snapshots only)",
            true);
  s.integer("acd", "random_seed", static_cast<int64_t>(d.randomSeed), 0, INT64_MAX,
            "Seed of the Random routing strategy (0 = from the clock at start-up)");
  s.stringList("acd", "not_ready_reasons", d.notReadyReasons,
               "Reason codes an agent may give for not ready (rna, rejected, "
               "device_error are set by the ACD)",
               true);
  s.integer("acd", "state_history", static_cast<int64_t>(d.stateHistory), 0, 1000,
            "Agent state changes kept in memory per agent for snapshots (all "
            "are emitted as events)");
}

AcdOptions acdOptionsFrom(const core::Config &c) {
  AcdOptions o;
  o.statsIntervalUs = c.getInt("acd.stats_interval_ms") * 1000;
  const int64_t seed = c.getInt("acd.random_seed");
  o.randomSeed =
      seed != 0 ? static_cast<uint64_t>(seed) : static_cast<uint64_t>(core::SystemClock::instance().monoUs());
  o.notReadyReasons = c.getStringList("acd.not_ready_reasons");
  o.stateHistory = static_cast<std::size_t>(c.getInt("acd.state_history"));
  return o;
}

}  // namespace hujiao::acd
