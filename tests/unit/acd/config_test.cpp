#include "core/config.h"

#include <gtest/gtest.h>

#include "acd/acd_config.h"

namespace hujiao::acd {
namespace {

TEST(AcdConfig, DefaultsAndYamlOverrides) {
  core::ConfigSchema schema;
  addAcdConfig(schema);
  const AcdOptions d = acdOptionsFrom(core::Config::defaults(schema));
  EXPECT_EQ(d.statsIntervalUs, 1'000'000);
  EXPECT_EQ(d.notReadyReasons, (std::vector<std::string>{"break", "lunch", "training", "meeting"}));
  const auto c = core::Config::load(schema,
                                    "acd:\n  stats_interval_ms: 250\n  random_seed: 9\n"
                                    "  not_ready_reasons: [break, coaching]\n",
                                    "test.yaml", {});
  const AcdOptions o = acdOptionsFrom(c);
  EXPECT_EQ(o.statsIntervalUs, 250'000);
  EXPECT_EQ(o.randomSeed, 9u);
  EXPECT_EQ(o.notReadyReasons, (std::vector<std::string>{"break", "coaching"}));
  EXPECT_THROW(core::Config::load(schema, "acd:\n  stats_interval_ms: -1\n", "bad.yaml", {}), core::ConfigError);
}

}  // namespace
}  // namespace hujiao::acd
