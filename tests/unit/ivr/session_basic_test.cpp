// Interpreter: prompts, menus, digit input, guards, caller hangup.
#include "ivr_test_util.h"

namespace hujiao::ivr::test {
namespace {

const char* kMenuFlow = R"(
id: m
start: answer
variables: {product: "hujiao"}
nodes:
  answer: {type: answer, next: welcome}
  welcome:
    type: play
    prompt: [{tts: "Welcome to ${product}"}, {tone: beep, duration_ms: 200}, {silence_ms: 300}]
    barge_in: true
    next: menu
  menu:
    type: menu
    prompt: {tts: "Press 1 or 2"}
    invalid_prompt: {tts: "Invalid"}
    timeout_prompt: {tts: "No input"}
    branches: {'1': one, '2': two}
    timeout_ms: 5000
    retries: 2
    default: fallback
  one: {type: hangup, reason: chose_one}
  two: {type: hangup, prompt: {tts: "Bye"}, reason: chose_two}
  fallback: {type: hangup, reason: menu_default}
)";

TEST(IvrSession, PlayInterpolatesAndAdvancesOnPromptDone) {
  Harness h;
  auto a = h.start(mustFlow(kMenuFlow));
  ASSERT_TRUE(std::holds_alternative<action::Answer>(a.at(0)));
  auto play = first<action::Play>(a);
  ASSERT_EQ(play.items.size(), 3u);
  EXPECT_EQ(play.items[0], (PlayItem{PlayItem::Kind::Tts, "Welcome to hujiao", 0}));
  EXPECT_EQ(play.items[1], (PlayItem{PlayItem::Kind::Tone, "beep", 200}));
  EXPECT_EQ(play.items[2], (PlayItem{PlayItem::Kind::Silence, "", 300}));
  EXPECT_TRUE(play.bargeIn);
  EXPECT_EQ(play.language, "zh");
  h.send(event::PromptDone{play.playId + 100});  // stale ids are ignored
  EXPECT_EQ(h.session->currentNode(), "welcome");
  h.promptDone();
  EXPECT_EQ(h.session->currentNode(), "menu");
  EXPECT_EQ(h.playingText(), "Press 1 or 2");
  EXPECT_TRUE(has<action::CollectDigits>(h.last));
}

TEST(IvrSession, BargeInDigitIsKeptForTheNextMenu) {
  Harness h;
  h.start(mustFlow(kMenuFlow));
  uint64_t welcome = h.playing.playId;
  auto a = h.digits("1");
  EXPECT_EQ(first<action::StopPlay>(a).playId, welcome);
  EXPECT_EQ(first<action::Hangup>(a).reason, "chose_one");
  EXPECT_EQ(h.exitReason(), "completed");
  auto steps = h.session->pathJson()["steps"];
  EXPECT_EQ(steps[1]["node"], "welcome");
  EXPECT_EQ(steps[1]["barged_in"], true);
  EXPECT_EQ(steps[2]["choice"], "1");
}

TEST(IvrSession, PlayWithoutBargeInIgnoresDigits) {
  Harness h;
  h.start(mustFlow(R"(
id: p
start: p
nodes:
  p: {type: play, prompt: {tts: "listen"}, next: bye}
  bye: {type: hangup}
)"));
  EXPECT_TRUE(h.digits("5").empty());
  EXPECT_EQ(h.session->currentNode(), "p");
  h.promptDone();
  EXPECT_TRUE(h.session->finished());
}

TEST(IvrSession, MenuInvalidDigitsRepromptThenDefault) {
  Harness h;
  h.start(mustFlow(kMenuFlow));
  h.promptDone();  // welcome
  h.promptDone();  // menu prompt; the timer runs
  h.digits("7");
  EXPECT_EQ(h.playingText(), "Invalid|Press 1 or 2");
  h.digits("8");  // barges into the re-prompt
  EXPECT_TRUE(has<action::StopPlay>(h.last));
  EXPECT_EQ(h.playingText(), "Invalid|Press 1 or 2");
  auto a = h.digits("9");  // third invalid: retries (2) used up
  EXPECT_EQ(first<action::Hangup>(a).reason, "menu_default");
  auto menu = h.session->pathJson()["steps"][2];
  EXPECT_EQ(menu["digits"], "789");
  EXPECT_EQ(menu["outcome"], "retries_exhausted");
  EXPECT_EQ(menu["retries"].size(), 3u);
}

TEST(IvrSession, MenuTimeoutsOnTheVirtualClock) {
  Harness h;
  h.start(mustFlow(kMenuFlow));
  h.promptDone();
  h.promptDone();
  EXPECT_TRUE(h.advanceMs(4999).empty());
  h.advanceMs(1);
  EXPECT_EQ(h.playingText(), "No input|Press 1 or 2");
  h.promptDone();
  h.advanceMs(5000);
  EXPECT_EQ(h.playingText(), "No input|Press 1 or 2");
  h.promptDone();
  auto a = h.digits("2");  // a valid choice on the last try still counts
  EXPECT_TRUE(has<action::CancelTimer>(a));
  EXPECT_EQ(h.playingText(), "Bye");
  h.promptDone();
  EXPECT_EQ(first<action::Hangup>(h.last).reason, "chose_two");
  EXPECT_EQ(h.timers.pending(), 0u);
}

TEST(IvrSession, MenuWithoutDefaultHangsUpAfterRetries) {
  Harness h;
  h.start(mustFlow(R"(
id: m
start: menu
nodes:
  menu: {type: menu, prompt: {tts: "x"}, branches: {'1': bye}, retries: 0, timeout_ms: 1000}
  bye: {type: hangup}
)"));
  h.promptDone();
  auto a = h.advanceMs(1000);
  EXPECT_EQ(first<action::Hangup>(a).reason, "menu_failed");
  EXPECT_EQ(h.exitReason(), "completed");
}

const char* kInputFlow = R"(
id: i
start: acct
nodes:
  acct:
    type: input
    prompt: {tts: "Enter account"}
    invalid_prompt: {tts: "Invalid account"}
    timeout_prompt: {tts: "Nothing entered"}
    variable: account
    min_digits: 4
    max_digits: 8
    terminator: "#"
    timeout_ms: 6000
    inter_digit_timeout_ms: 3000
    pattern: "^9[0-9]+$"
    retries: 1
    next: ok
    failure: failed
  ok: {type: play, prompt: {tts: "Account ${account}"}, next: bye}
  failed: {type: hangup, reason: input_failed_branch}
  bye: {type: hangup}
)";

TEST(IvrSession, InputWithTerminator) {
  Harness h;
  h.start(mustFlow(kInputFlow));
  auto collect = first<action::CollectDigits>(h.last);
  EXPECT_EQ(collect.maxDigits, 8);
  EXPECT_EQ(collect.terminators, "#");
  EXPECT_EQ(collect.interDigitTimeoutMs, 3000);
  h.digits("91234#");
  EXPECT_EQ(h.session->variables()["account"], "91234");
  EXPECT_EQ(h.playingText(), "Account 91234");
  EXPECT_EQ(h.session->pathJson()["steps"][0]["vars"]["account"], "91234");
}

TEST(IvrSession, InputEndsAtMaxDigits) {
  Harness h;
  h.start(mustFlow(kInputFlow));
  h.digits("98765432");
  EXPECT_EQ(h.session->variables()["account"], "98765432");
}

TEST(IvrSession, InputInterDigitTimeoutEndsInput) {
  Harness h;
  h.start(mustFlow(kInputFlow));
  h.promptDone();
  h.advanceMs(2000);
  h.digits("9123");
  EXPECT_TRUE(h.advanceMs(2999).empty());
  h.advanceMs(1);
  EXPECT_EQ(h.session->variables()["account"], "9123");
}

TEST(IvrSession, InputValidationAndFirstDigitTimeout) {
  Harness h;
  h.start(mustFlow(kInputFlow));
  h.promptDone();
  h.advanceMs(6000);  // nothing entered
  EXPECT_EQ(h.playingText(), "Nothing entered|Enter account");
  h.digits("12345#");  // fails the pattern; retries (1) used up
  EXPECT_EQ(first<action::Hangup>(h.last).reason, "input_failed_branch");
  EXPECT_FALSE(h.session->variables().contains("account"));
  auto step = h.session->pathJson()["steps"][0];
  EXPECT_EQ(step["outcome"], "retries_exhausted");
  EXPECT_EQ(step["retries"], nlohmann::json::array({"timeout", "invalid"}));
}

TEST(IvrSession, InputTooShortIsInvalid) {
  Harness h;
  h.start(mustFlow(kInputFlow));
  h.digits("9#");
  EXPECT_EQ(h.playingText(), "Invalid account|Enter account");
  h.digits("9999#");
  EXPECT_EQ(h.session->variables()["account"], "9999");
}

TEST(IvrSession, RunawayGuardStopsEndlessFlows) {
  Harness h;
  h.start(mustFlow(R"(
id: r
max_node_visits: 10
start: a
nodes:
  a: {type: play, prompt: {tts: "a"}, next: b}
  b: {type: play, prompt: {tts: "b"}, next: a}
)"));
  for (int i = 0; i < 9; ++i) h.promptDone();
  EXPECT_FALSE(h.session->finished());
  auto a = h.promptDone();
  EXPECT_EQ(first<action::Hangup>(a).reason, "more than 10 node visits");
  EXPECT_EQ(h.exitReason(), "runaway");
}

TEST(IvrSession, InstantLoopAcrossFlowsIsStopped) {
  Harness h;
  ASSERT_TRUE(h.registry.publish(*parseDocument(
      "id: ping\nstart: t\nnodes:\n  t: {type: transfer, flow: pong}\n")).ok());
  ASSERT_TRUE(h.registry.publish(*parseDocument(
      "id: pong\nstart: t\nnodes:\n  t: {type: transfer, flow: ping}\n")).ok());
  auto a = h.start(h.registry.current("ping"));
  EXPECT_TRUE(h.session->finished());
  EXPECT_EQ(h.exitReason(), "runaway");
  EXPECT_TRUE(has<action::Hangup>(a));
}

TEST(IvrSession, CallerHangupInMenu) {
  Harness h;
  h.start(mustFlow(kMenuFlow));
  h.promptDone();
  h.promptDone();
  EXPECT_EQ(h.timers.pending(), 1u);
  auto a = h.send(event::Hangup{});
  EXPECT_TRUE(has<action::CancelTimer>(a));
  h.timers.apply(1, a);
  EXPECT_EQ(h.timers.pending(), 0u);
  auto path = h.session->pathJson();
  EXPECT_EQ(path["exit"]["reason"], "hangup_in_ivr");
  EXPECT_EQ(path["exit"]["node"], "menu");
  EXPECT_TRUE(h.session->finished());
  EXPECT_TRUE(h.send(event::Digit{'1'}).empty());  // nothing after the end
}

}  // namespace
}  // namespace hujiao::ivr::test
