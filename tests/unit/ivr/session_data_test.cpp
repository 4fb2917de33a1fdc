// Interpreter: variables, branches, schedules, HTTP look-ups, language, notices.
#include "ivr_test_util.h"

namespace hujiao::ivr::test {
namespace {

const char* kBranchFlow = R"Y(
id: b
start: init
variables: {tier: "basic"}
nodes:
  init:
    type: set
    values: {greeting: "Hi ${caller}", count: 2}
    expressions: {score: "num(customer.vip_level) * 10 + count", tier: "'was ' + tier"}
    next: route
  route:
    type: branch
    cases:
      - {when: "caller in ['110', '120']", next: emergency}
      - {when: "customer.vip_level >= 3 and not startsWith(called, '400')", next: vip}
      - {when: "prefix(caller, '+86') or customer.segment == 'gold'", next: domestic}
    default: other
  emergency: {type: hangup, reason: emergency}
  vip: {type: hangup, reason: vip}
  domestic: {type: hangup, reason: domestic}
  other: {type: hangup, reason: other}
)Y";

std::string routeFor(const std::string& caller, const std::string& called, const Value& customer) {
  Harness h;
  SessionContext ctx;
  ctx.caller = caller;
  ctx.called = called;
  ctx.customer = customer;
  auto a = h.start(mustFlow(kBranchFlow), ctx);
  return first<action::Hangup>(a).reason;
}

TEST(IvrSession, SetEvaluatesAgainstEntryValues) {
  Harness h;
  SessionContext ctx;
  ctx.customer = {{"vip_level", "4"}};
  h.start(mustFlow(kBranchFlow), ctx);
  const auto& v = h.session->variables();
  EXPECT_EQ(v["greeting"], "Hi 13912345678");
  EXPECT_EQ(v["count"], 2);
  EXPECT_EQ(v["tier"], "was basic");
  // count was not set yet when the right-hand sides were evaluated.
  EXPECT_EQ(v["score"], nullptr);
  EXPECT_EQ(h.session->pathJson()["steps"][0]["vars"]["greeting"], "Hi 13912345678");
}

TEST(IvrSession, BranchOnCallerCalledAndCustomer) {
  EXPECT_EQ(routeFor("110", "4008001234", {}), "emergency");
  EXPECT_EQ(routeFor("13900000000", "02088888888", {{"vip_level", 3}}), "vip");
  EXPECT_EQ(routeFor("13900000000", "4008001234", {{"vip_level", 3}}), "other");
  EXPECT_EQ(routeFor("+8613900000000", "4008001234", {{"vip_level", 1}}), "domestic");
  EXPECT_EQ(routeFor("13900000000", "4008001234", {{"segment", "gold"}}), "domestic");
  EXPECT_EQ(routeFor("13900000000", "4008001234", {}), "other");
}

std::string scheduleFlow(const std::string& tz) {
  return R"(
id: s
start: hours
nodes:
  hours:
    type: schedule
    timezone: )" + tz + R"(
    hours: {weekdays: ["09:00-18:00"], sat: ["10:00-14:00"]}
    holidays: ["2026-05-01..2026-05-03", {date: "2026-12-25"}]
    open: open
    closed: closed
    holiday: holiday
  open: {type: hangup, reason: open}
  closed: {type: hangup, reason: closed}
  holiday: {type: hangup, reason: holiday}
)";
}

std::string stateAt(const std::string& tz, int64_t utcSeconds) {
  Harness h(utcSeconds * 1'000'000);
  return first<action::Hangup>(h.start(mustFlow(scheduleFlow(tz)))).reason;
}

TEST(IvrSession, ScheduleOpenClosedHolidayAcrossTimeZones) {
  const int64_t wed0200utc = kWednesday10amShanghaiUs / 1'000'000;  // 2026-03-04 02:00 UTC
  EXPECT_EQ(stateAt("Asia/Shanghai", wed0200utc), "open");          // 10:00 Wednesday
  EXPECT_EQ(stateAt("America/New_York", wed0200utc), "closed");     // 21:00 Tuesday
  EXPECT_EQ(stateAt("Europe/London", wed0200utc), "closed");        // 02:00 Wednesday
  EXPECT_EQ(stateAt("+08:00", wed0200utc + 8 * 3600), "closed");    // 18:00: the end is exclusive
  EXPECT_EQ(stateAt("America/New_York", wed0200utc + 14 * 3600), "open");  // 11:00 Wednesday EST
  // Saturday 2026-03-07 12:00 in Shanghai = 04:00 UTC, but 23:00 Friday in New York.
  const int64_t sat0400utc = wed0200utc + 3 * 86400 + 2 * 3600;
  EXPECT_EQ(stateAt("Asia/Shanghai", sat0400utc), "open");
  EXPECT_EQ(stateAt("America/New_York", sat0400utc), "closed");
  // 2026-05-01 10:00 in Shanghai is a holiday; in New York it is still April 30 (open).
  const int64_t may1 = (daysFromCivil(2026, 5, 1) * 86400) + 2 * 3600;
  EXPECT_EQ(stateAt("Asia/Shanghai", may1), "holiday");
  EXPECT_EQ(stateAt("America/New_York", may1 + 12 * 3600), "holiday");  // May 1 10:00 EDT
  EXPECT_EQ(stateAt("America/New_York", may1 - 8 * 3600), "open");      // Apr 30 14:00 EDT
  Harness h(may1 * 1'000'000);
  h.start(mustFlow(scheduleFlow("Asia/Shanghai")));
  EXPECT_EQ(h.session->pathJson()["steps"][0]["state"], "holiday");
}

const char* kHttpFlow = R"(
id: h
start: lookup
nodes:
  lookup:
    type: http
    method: POST
    url: "https://billing.example/api/balance?account=${account}"
    headers: {Authorization: "Bearer abc", X-Caller: "${caller}"}
    body: {account: "${account}", note: "${note}"}
    timeout_ms: 2000
    result: {balance: data.balance, due: "/data/due"}
    next: say
    fallback: sorry
  say: {type: play, prompt: {tts: "Balance ${balance}, due ${due}"}, next: bye}
  sorry: {type: play, prompt: {tts: "Service unavailable"}, next: bye}
  bye: {type: hangup}
)";

Harness& startHttp(Harness& h) {
  SessionContext ctx;
  ctx.variables = {{"account", "12 34&5"}, {"note", "say \"hi\""}};
  h.start(mustFlow(kHttpFlow), ctx);
  return h;
}

TEST(IvrSession, HttpSuccessSetsVariablesAndReadsThemBack) {
  Harness h;
  startHttp(h);
  auto req = first<action::HttpRequest>(h.last);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://billing.example/api/balance?account=12%2034%265");
  EXPECT_EQ(req.timeoutMs, 2000);
  EXPECT_EQ(req.contentType, "application/json");
  auto body = nlohmann::json::parse(req.body);
  EXPECT_EQ(body["account"], "12 34&5");
  EXPECT_EQ(body["note"], "say \"hi\"");
  EXPECT_EQ(req.headers.size(), 2u);
  h.advanceMs(500);
  h.send(event::HttpResult{req.requestId, 200, R"({"data":{"balance":123.45,"due":"2026-04-01"}})", false, "", 500});
  EXPECT_EQ(h.playingText(), "Balance 123.45, due 2026-04-01");
  EXPECT_EQ(h.timers.pending(), 0u);
  auto http = h.session->pathJson()["steps"][0]["http"];
  EXPECT_EQ(http["status"], 200);
  EXPECT_EQ(http["outcome"], "ok");
  EXPECT_EQ(http["ms"], 500);
}

TEST(IvrSession, HttpTimeoutTakesFallbackAndIgnoresLateReply) {
  Harness h;
  startHttp(h);
  auto req = first<action::HttpRequest>(h.last);
  EXPECT_TRUE(h.digits("1").empty());  // typed ahead, kept for a later menu
  h.advanceMs(2000);
  EXPECT_EQ(h.playingText(), "Service unavailable");
  EXPECT_EQ(h.session->pathJson()["steps"][0]["http"]["outcome"], "timeout");
  auto late = h.send(event::HttpResult{req.requestId, 200, R"({"data":{"balance":1,"due":"x"}})", false, "", 2500});
  EXPECT_TRUE(late.empty());
  EXPECT_FALSE(h.session->variables().contains("balance"));
}

TEST(IvrSession, HttpFailuresTakeFallback) {
  struct Case {
    event::HttpResult result;
    std::string outcome;
  };
  std::vector<Case> cases = {
      {{0, 200, "<html>garbage</html>", false, "", 10}, "bad_reply"},
      {{0, 200, R"({"data":{"balance":5}})", false, "", 10}, "missing_field:due"},
      {{0, 503, R"({"data":{"balance":5,"due":"x"}})", false, "", 10}, "http_status"},
      {{0, 0, "", true, "", 2000}, "timeout"},
      {{0, 0, "", false, "connection refused", 3}, "error: connection refused"},
  };
  for (auto& c : cases) {
    Harness h;
    startHttp(h);
    c.result.requestId = first<action::HttpRequest>(h.last).requestId;
    h.send(c.result);
    EXPECT_EQ(h.playingText(), "Service unavailable") << c.outcome;
    EXPECT_EQ(h.session->pathJson()["steps"][0]["http"]["outcome"], c.outcome);
    EXPECT_EQ(h.timers.pending(), 0u);
  }
}

const char* kLanguageFlow = R"(
id: l
languages: [zh, en]
start: hello
nodes:
  hello:
    type: play
    prompt: [{file: "{lang}/hello.wav"}, {tts: {zh: "你好 ${caller}", en: "Hello ${caller}"}}, "common/beep.wav"]
    next: choose
  choose:
    type: menu
    prompt: {tts: {zh: "英语请按2", en: "For Chinese press 1"}}
    branches: {'1': to_zh, '2': to_en}
  to_zh: {type: language, language: zh, next: hello}
  to_en: {type: language, language: en, next: hello}
)";

TEST(IvrSession, LanguageSwitchChangesPromptResolution) {
  Harness h;
  h.start(mustFlow(kLanguageFlow));
  EXPECT_EQ(h.playingText(), "zh/hello.wav|你好 13912345678|common/beep.wav");
  EXPECT_EQ(h.playing.language, "zh");
  h.promptDone();
  h.digits("2");
  EXPECT_EQ(h.session->language(), "en");
  EXPECT_EQ(h.playingText(), "en/hello.wav|Hello 13912345678|common/beep.wav");
  EXPECT_EQ(h.playing.language, "en");
  h.promptDone();
  EXPECT_EQ(h.playingText(), "For Chinese press 1");
  EXPECT_EQ(h.session->pathJson()["language"], "en");

  Harness english;
  SessionContext ctx;
  ctx.language = "en";  // e.g. chosen by the DID
  english.start(mustFlow(kLanguageFlow), ctx);
  EXPECT_EQ(english.playing.language, "en");
}

const char* kNoticeFlow = R"(
id: n
start: notice
nodes:
  notice:
    type: notice
    notice: storm
    prompt: {tts: "Storm warning"}
    next: menu
  menu: {type: menu, prompt: {tts: "Main menu"}, branches: {'1': bye}}
  bye: {type: hangup}
)";

TEST(IvrSession, NoticeOnOff) {
  Harness off;
  off.start(mustFlow(kNoticeFlow));
  EXPECT_EQ(off.playingText(), "Main menu");
  EXPECT_EQ(off.session->pathJson()["steps"][0]["active"], false);

  Harness on;
  on.notices.on["storm"] = "";
  on.start(mustFlow(kNoticeFlow));
  EXPECT_EQ(on.playingText(), "Storm warning");
  EXPECT_TRUE(on.digits("1").empty());  // no barge-in on a notice by default
  on.promptDone();
  EXPECT_EQ(on.playingText(), "Main menu");

  Harness text;
  text.notices.on["storm"] = "Typhoon today: offices closed";
  text.start(mustFlow(kNoticeFlow));
  EXPECT_EQ(text.playing.items.at(0), (PlayItem{PlayItem::Kind::Tts, "Typhoon today: offices closed", 0}));
}

}  // namespace
}  // namespace hujiao::ivr::test
