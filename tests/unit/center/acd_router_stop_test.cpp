// AppRouter during shutdown phase 1 (ContactCenter::drain): new app calls are
// refused, the calls in progress and their hand-overs go on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "center/app_router.h"

namespace hujiao::center {
namespace {

call::AppCallInfo callInfo(const std::string& id, const std::string& type, const std::string& target) {
  call::AppCallInfo info;
  info.callId = id;
  info.targetType = type;
  info.target = target;
  return info;
}

TEST(AppRouterStop, ANotAcceptingRouterRefusesNewCallsOnly) {
  AppRouter router;
  std::vector<std::string> started;
  AppCallHandler handler;
  router.addTarget("flow", [&](const call::AppCallInfo& info) {
    started.push_back(info.callId + ":" + info.target);
    router.own(info.callId, &handler);
    return true;
  });
  router.addTarget("queue", [&](const call::AppCallInfo& info) {
    started.push_back(info.callId + ":" + info.target);
    router.own(info.callId, &handler);
    return true;
  });
  ASSERT_TRUE(router.accepting());
  ASSERT_TRUE(router.onAppCall(callInfo("c1", "queue", "service")));
  router.setAccepting(false);
  EXPECT_FALSE(router.onAppCall(callInfo("c2", "flow", "main")));
  EXPECT_EQ(router.info("c2"), nullptr);
  // The call in progress still moves on (queue overflow to a flow).
  router.own("c1", nullptr);
  EXPECT_TRUE(router.handOver("c1", "flow", "after-hours"));
  EXPECT_EQ(router.owner("c1"), &handler);
  EXPECT_EQ(started, (std::vector<std::string>{"c1:service", "c1:after-hours"}));
  router.onAppCallEnded("c1", "normal", "caller");
  EXPECT_EQ(router.liveCalls(), 0u);
}

}  // namespace
}  // namespace hujiao::center
