// The "sip" config section: RFC 4028's 90 s Min-SE floor holds for real
// configs; only the test-only key goes below it; overload control keys.
#include <gtest/gtest.h>

#include "core/config.h"
#include "sip/sip_config.h"

namespace hujiao::sip {
namespace {

core::ConfigSchema schema() {
  core::ConfigSchema s;
  addSipConfig(s);
  return s;
}

TEST(SipConfig, DefaultsKeepTheRfc4028Floor) {
  const auto s = schema();
  const SipConfig c = sipConfigFrom(core::Config::defaults(s));
  EXPECT_EQ(c.minSeS, 90);
  EXPECT_EQ(c.testMinSeS, 0);
  EXPECT_EQ(effectiveMinSe(c), 90);
  EXPECT_GT(c.overloadDelayMs, 0);
  EXPECT_LT(c.overloadDelayMs, 500);  // below T1: refuse before clients retransmit
  EXPECT_GE(c.udpReceiveBufferKb, 1024);
}

TEST(SipConfig, MinSeBelow90IsRejected) {
  const auto s = schema();
  EXPECT_THROW(core::Config::load(s, "sip:\n  min_se: 30\n", "t.yaml", {}), core::ConfigError);
}

TEST(SipConfig, TestOnlyKeyLowersMinSe) {
  const auto s = schema();
  const SipConfig c = sipConfigFrom(core::Config::load(s, "sip:\n  test_min_se: 20\n", "t.yaml", {}));
  EXPECT_EQ(c.minSeS, 90);
  EXPECT_EQ(effectiveMinSe(c), 20);
  EXPECT_THROW(core::Config::load(s, "sip:\n  test_min_se: 90\n", "t.yaml", {}), core::ConfigError);
}

TEST(SipConfig, OverloadControlCanBeTurnedOff) {
  const auto s = schema();
  const SipConfig c = sipConfigFrom(core::Config::load(s, "sip:\n  overload_delay_ms: 0\n", "t.yaml", {}));
  EXPECT_EQ(c.overloadDelayMs, 0);
}

}  // namespace
}  // namespace hujiao::sip
