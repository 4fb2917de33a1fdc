#pragma once
// A small scripted call-centre history (2026-03-02, Monday, UTC) whose report
// figures are worked out by hand in report_metrics_test.cpp. Queue q1 (DID
// 800, flow "main", SL threshold 20 s, short abandons <= 5 s), agents a1/a2,
// one overflow into q2. The script is spelled out record by record.
#include <string>
#include <vector>

#include "core/time_format.h"
#include "report/events.h"

namespace hujiao::report::test {

/// "08:00:10" on 2026-03-02 as UTC µs.
inline int64_t at(const std::string &hhmmss) {
  return *core::parseIso8601("2026-03-02T" + hhmmss + "Z");
}
inline int64_t s(int64_t seconds) { return seconds * 1'000'000; }

inline InteractionRecord ix(IxKind kind, const std::string &time,
                            const std::string &id) {
  InteractionRecord r;
  r.kind = kind;
  r.atUs = at(time);
  r.interactionId = id;
  r.queueId = "q1";
  r.did = "800";
  r.flowId = "main";
  return r;
}

inline InteractionRecord entered(const std::string &time, const std::string &id,
                                 const std::string &customer) {
  auto r = ix(IxKind::Entered, time, id);
  r.customerKey = customer;
  return r;
}
inline InteractionRecord offered(const std::string &time, const std::string &id,
                                 const std::string &agent) {
  auto r = ix(IxKind::Offered, time, id);
  r.agentId = agent;
  return r;
}
inline InteractionRecord rna(const std::string &time, const std::string &id,
                             const std::string &agent) {
  auto r = ix(IxKind::RingNoAnswer, time, id);
  r.agentId = agent;
  r.reason = "no_answer";
  return r;
}
inline InteractionRecord answered(const std::string &time,
                                  const std::string &id,
                                  const std::string &agent,
                                  const std::string &customer, int64_t waitS) {
  auto r = ix(IxKind::Answered, time, id);
  r.agentId = agent;
  r.customerKey = customer;
  r.waitUs = s(waitS);
  r.serviceLevelUs = s(20);
  return r;
}
inline InteractionRecord abandoned(const std::string &time,
                                   const std::string &id, int64_t waitS) {
  auto r = ix(IxKind::Abandoned, time, id);
  r.waitUs = s(waitS);
  r.shortAbandonUs = s(5);
  return r;
}
inline InteractionRecord ended(const std::string &time, const std::string &id,
                               const std::string &agent,
                               const std::string &answeredTime, int64_t talk,
                               int64_t hold, int64_t wrap, int resolved) {
  auto r = ix(IxKind::Ended, time, id);
  r.agentId = agent;
  r.answeredAtUs = at(answeredTime);
  r.talkUs = s(talk);
  r.holdUs = s(hold);
  r.wrapUpUs = s(wrap);
  r.resolved = resolved;
  return r;
}
inline InteractionRecord survey(const std::string &time, const std::string &id,
                                const std::string &agent,
                                const std::string &answeredTime, int score) {
  auto r = ix(IxKind::Survey, time, id);
  r.agentId = agent;
  r.answeredAtUs = at(answeredTime);
  r.score = score;
  return r;
}

inline AgentStateRecord state(const std::string &time, const std::string &agent,
                              const std::string &from, const std::string &to,
                              int64_t prevS, const std::string &toReason = "",
                              const std::string &fromReason = "") {
  AgentStateRecord r;
  r.atUs = at(time);
  r.agentId = agent;
  r.fromState = from;
  r.fromReason = fromReason;
  r.toState = to;
  r.toReason = toReason;
  r.previousForUs = s(prevS);
  return r;
}

inline IvrPathRecord ivr(const std::string &in, const std::string &out,
                         const std::string &call, IvrExit exit,
                         const std::string &node,
                         bool hangupContained = false) {
  IvrPathRecord r;
  r.enteredAtUs = at(in);
  r.atUs = at(out);
  r.callId = call;
  r.flowId = "main";
  r.did = "800";
  r.exit = exit;
  r.exitNode = node;
  r.path = "welcome," + node;
  r.hangupContained = hangupContained;
  return r;
}

/// The whole history, in time order, in three batches (so that rollups are
/// accumulated across transactions and the agent's not-ready reason is
/// remembered across them).
inline std::vector<std::vector<Record>> scriptedHistory() {
  std::vector<std::vector<Record>> b(3);
  // ---- 08:00-08:15 ----
  b[0] = {
      state("07:55:00", "a1", "logged_out", "ready", 0),
      state("07:55:00", "a2", "logged_out", "ready", 0),
      ivr("07:59:30", "08:00:00", "c-i1", IvrExit::Queue, "menu1"),
      entered("08:00:00", "i1", "c1"),
      offered("08:00:05", "i1", "a1"),
      state("08:00:05", "a1", "ready", "reserved", 305),
      answered("08:00:10", "i1", "a1", "c1", 10),
      state("08:00:10", "a1", "reserved", "busy", 5),
      entered("08:01:00", "i2", "c2"),
      offered("08:01:02", "i2", "a2"),
      rna("08:01:22", "i2", "a2"),
      offered("08:01:30", "i2", "a2"),
      answered("08:01:40", "i2", "a2", "c2", 40),
      entered("08:02:00", "i3", "c3"),
      abandoned("08:02:03", "i3", 3),
      state("08:02:40", "a1", "busy", "wrap_up", 150),
      state("08:03:00", "a1", "wrap_up", "ready", 20),
      ended("08:03:00", "i1", "a1", "08:00:10", 120, 30, 20, 1),
      survey("08:03:30", "i1", "a1", "08:00:10", 5),
      entered("08:03:00", "i4", "c4"),
      abandoned("08:03:25", "i4", 25),
  };
  b[1] = {
      [] {
        auto r = ix(IxKind::Transferred, "08:04:00", "i2");
        r.agentId = "a2";
        r.answeredAtUs = at("08:01:40");
        r.target = "queue:q3";
        return Record(r);
      }(),
      ended("08:04:10", "i2", "a2", "08:01:40", 200, 0, 10, 0),
      survey("08:05:00", "i2", "a2", "08:01:40", 3),
      ivr("08:05:00", "08:05:03", "c-x1", IvrExit::Hangup, "welcome"),
      entered("08:05:00", "i5", "c5x"),
      [] {
        auto r = ix(IxKind::Overflowed, "08:06:00", "i5");
        r.waitUs = s(60);
        r.target = "queue:q2";
        return Record(r);
      }(),
      [] {
        InteractionRecord
            r; // the overflowed call in q2 (no DID/flow dimension here)
        r.kind = IxKind::Abandoned;
        r.atUs = at("08:07:00");
        r.interactionId = "i5";
        r.queueId = "q2";
        r.waitUs = s(60);
        return Record(r);
      }(),
      ivr("08:06:00", "08:08:00", "c-x2", IvrExit::Completed, "balance"),
      ivr("08:07:00", "08:09:00", "c-x3", IvrExit::Hangup, "menu1"),
      state("08:10:00", "a1", "ready", "not_ready", 420, "break"),
      ivr("08:10:00", "08:12:00", "c-x4", IvrExit::Hangup, "balance", true),
      state("08:14:00", "a1", "not_ready", "ready",
            240), // fromReason left to the writer's memory
      entered("08:14:50", "i6", "c6"),
      CdrRefRecord{at("08:16:05"), "i6", "cdr-6", "inbound"},
  };
  // ---- 08:15-09:00 ----
  b[2] = {
      offered("08:15:00", "i6", "a1"),
      state("08:15:00", "a1", "ready", "reserved", 60),
      answered("08:15:05", "i6", "a1", "c6", 15),
      state("08:15:05", "a1", "reserved", "busy", 5),
      state("08:16:05", "a1", "busy", "ready", 60),
      ended("08:16:05", "i6", "a1", "08:15:05", 60, 0, 0, -1),
      entered("08:20:00", "i7",
              "c1"), // c1 again: i1 was not resolved at first contact
      state("08:20:00", "a1", "ready", "not_ready", 235, "lunch"),
      abandoned("08:20:05", "i7", 5),
      entered("08:21:00", "i8", "c8"),
      abandoned("08:23:00", "i8", 120),
      entered("08:25:00", "i9", "c9"),
      [] {
        auto r = ix(IxKind::CallbackRequested, "08:26:00", "i9");
        return Record(r);
      }(),
      [] {
        auto r = ix(IxKind::Exited, "08:29:00", "i9");
        r.waitUs = s(240);
        r.reason = "callback";
        return Record(r);
      }(),
      ivr("08:40:00", "08:41:00", "c-x5", IvrExit::External, "menu2"),
      state("08:50:00", "a1", "not_ready", "ready", 1800, "", "lunch"),
      entered("08:50:00", "i10", "c5"),
      offered("08:50:15", "i10", "a2"),
      answered("08:50:20", "i10", "a2", "c5", 20),
      [] {
        auto r = ix(IxKind::CallbackDone, "08:50:30", "i9");
        r.agentId = "a1";
        return Record(r);
      }(),
      ended("08:53:00", "i10", "a2", "08:50:20", 100, 20, 30, 1),
      survey("08:54:00", "i10", "a2", "08:50:20", 4),
      state("09:10:00", "a1", "ready", "logged_out", 1200),
  };
  return b;
}

} // namespace hujiao::report::test
