#include <gtest/gtest.h>

#include "core/event_bus.h"
#include "core/metrics.h"

using namespace hujiao::core;

TEST(Metrics, RendersPrometheusText) {
  MetricsRegistry m;
  m.counter("http_requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc(3);
  m.counter("http_requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc();
  auto& h = m.histogram("lat_seconds", "Latency", {0.1, 1}, {{"route", "/a\"b"}});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  m.callbackGauge("depth", "Depth", [] { return 7.0; });
  auto text = m.renderPrometheus();
  EXPECT_NE(text.find("# TYPE http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{route=\"/a\",status=\"200\"} 4"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\\\"b\",le=\"0.1\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\\\"b\",le=\"1\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\\\"b\",le=\"+Inf\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_count{route=\"/a\\\"b\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("depth 7"), std::string::npos);
  EXPECT_DOUBLE_EQ(h.quantile(0.5), 1);
}

TEST(EventBus, DeliversToSubscribersUntilUnsubscribed) {
  EventBus bus;
  int a = 0, b = 0;
  auto sa = bus.subscribe([&](const EventPtr& e) {
    EXPECT_EQ(e->type, "audit");
    EXPECT_GT(e->tsUs, 0);
    ++a;
  });
  {
    auto sb = bus.subscribe([&](const EventPtr&) { ++b; });
    bus.publish(Event{"audit", 0, {{"id", "x"}}, ""});
  }
  bus.publish(Event{"audit", 0, {}, ""});
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 1);
}

TEST(EventBus, ToJsonAddsTypeAndIsoTs) {
  Event e{"agent.state_changed", 0, {{"agent_id", "A1"}}, ""};
  auto j = e.toJson();
  EXPECT_EQ(j["type"], "agent.state_changed");
  EXPECT_EQ(j["ts"], "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(j["agent_id"], "A1");
}
