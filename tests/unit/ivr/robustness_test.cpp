// Bad input never crashes: random event streams into sessions and random
// damage to a valid document for the validator (deterministic seeds).
#include <fstream>
#include <random>
#include <sstream>

#include "ivr_test_util.h"

namespace hujiao::ivr::test {
namespace {

std::string demoText() {
  std::ifstream in(std::string(HUJIAO_SOURCE_DIR) + "/src/ivr/demo/demo_flow.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(IvrRobustness, RandomEventsIntoTheDemoFlow) {
  auto flow = mustFlow(demoText());
  ASSERT_TRUE(flow);
  std::mt19937 rng(12345);
  const std::string digits = "0123456789*#AX";
  for (int run = 0; run < 300; ++run) {
    Harness h(kWednesday10amShanghaiUs + static_cast<int64_t>(rng() % (7 * 86400)) * 1'000'000);
    if (rng() % 2) h.notices.on["emergency"] = (rng() % 2) ? "" : "text";
    SessionContext ctx;
    ctx.customer = {{"vip_level", static_cast<int>(rng() % 5)}};
    h.start(flow, ctx);
    for (int step = 0; step < 60 && !h.session->finished(); ++step) {
      switch (rng() % 8) {
        case 0:
        case 1:
          h.send(event::Digit{digits[rng() % digits.size()]});
          break;
        case 2:
          if (h.playing.playId) h.promptDone();
          break;
        case 3:
          h.advanceMs(static_cast<int64_t>(rng() % 10000));
          break;
        case 4: {
          auto reqs = all<action::HttpRequest>(h.last);
          uint64_t id = reqs.empty() ? rng() % 50 : reqs[0].requestId;
          const char* bodies[] = {"", "{", "[]", R"({"data":{"balance":"12"}})", R"({"data":null})", "null"};
          h.send(event::HttpResult{id, static_cast<int>(rng() % 600), bodies[rng() % 6], rng() % 5 == 0, "", 1});
          break;
        }
        case 5:
          h.send(event::QueueResult{static_cast<event::QueueResult::Kind>(rng() % 4), "a", ""});
          break;
        case 6:
          h.send(event::RecordingDone{rng() % 50, "f.wav", 1000});
          h.send(event::TransferResult{rng() % 2 == 0, ""});
          break;
        default:
          h.send(event::TimerFired{rng() % 50});
      }
    }
    h.send(event::Hangup{});
    EXPECT_TRUE(h.session->finished());
    auto path = h.session->pathJson();
    EXPECT_TRUE(path.contains("exit"));
    EXPECT_FALSE(path["exit"]["reason"].get<std::string>().empty());
  }
}

TEST(IvrRobustness, DamagedDocumentsAreReportedNotCrashed) {
  auto doc = *parseDocument(demoText());
  std::mt19937 rng(777);
  const nlohmann::json junk[] = {nullptr, 42, -1, "x", "", true, nlohmann::json::array(), nlohmann::json::object(),
                                 nlohmann::json::array({1, "a"}), {{"tts", 5}}, "${", "http://${x}/"};
  int invalid = 0;
  for (int run = 0; run < 400; ++run) {
    nlohmann::json d = doc;
    for (int k = 0; k < 3; ++k) {
      auto& nodes = d["nodes"];
      auto it = nodes.begin();
      std::advance(it, static_cast<long>(rng() % nodes.size()));
      auto& node = it.value();
      if (!node.is_object() || node.empty()) continue;
      auto f = node.begin();
      std::advance(f, static_cast<long>(rng() % node.size()));
      if (rng() % 4 == 0)
        node.erase(f.key());
      else
        node[f.key()] = junk[rng() % std::size(junk)];
    }
    auto check = checkFlow(d, nullptr);
    if (!check.ok()) {
      ++invalid;
      for (const auto& i : check.issues) EXPECT_FALSE(i.code.empty() || i.message.empty());
    }
  }
  EXPECT_GT(invalid, 300);
}

}  // namespace
}  // namespace hujiao::ivr::test
