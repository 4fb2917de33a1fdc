#include "report/rollup.h"

#include <algorithm>

namespace hujiao::report {

const std::array<std::string_view, kIxColCount> &ixColumnNames() {
  static const std::array<std::string_view, kIxColCount> names = {
      "offered",
      "answered",
      "answered_in_sl",
      "wait_answered_us",
      "max_wait_us",
      "abandoned",
      "short_abandoned",
      "abandon_wait_us",
      "ab_0_5",
      "ab_5_10",
      "ab_10_20",
      "ab_20_30",
      "ab_30_60",
      "ab_60_120",
      "ab_120_300",
      "ab_300_plus",
      "overflowed",
      "other_exits",
      "offers",
      "ring_no_answer",
      "handled",
      "talk_us",
      "hold_us",
      "wrap_us",
      "transfers",
      "callbacks_requested",
      "callbacks_done",
      "fcr_repeated",
      "disposition_known",
      "disposition_resolved",
      "csat_responses",
      "csat_sum",
      "csat_top2",
      "ivr_entered",
      "ivr_short_hangups",
      "ivr_contained"};
  return names;
}

IxCounters &RollupBatch::at(std::string_view dim, const std::string &key,
                            int64_t bucket) {
  auto [it, inserted] = ix_.try_emplace(IxKey{std::string(dim), key, bucket});
  if (inserted)
    it->second.fill(0);
  return it->second;
}

template <class Fn>
void RollupBatch::each(const InteractionRecord &r, int64_t bucket,
                       bool withAgent, Fn fn) {
  if (!r.queueId.empty())
    fn(at(kDimQueue, r.queueId, bucket));
  if (withAgent && !r.agentId.empty())
    fn(at(kDimAgent, r.agentId, bucket));
  if (!r.did.empty())
    fn(at(kDimDid, r.did, bucket));
  if (!r.flowId.empty())
    fn(at(kDimFlow, r.flowId, bucket));
}

void RollupBatch::addInteraction(const InteractionRecord &r) {
  const int64_t b = bucketOf(r.atUs);
  // Handle time, transfers and surveys belong to the interval of the answer.
  const int64_t answerBucket =
      bucketOf(r.answeredAtUs > 0 ? r.answeredAtUs : r.atUs);
  switch (r.kind) {
  case IxKind::Entered:
    break; // counted at its outcome
  case IxKind::Offered:
    each(r, b, true, [](IxCounters &c) { c[kOffers] += 1; });
    break;
  case IxKind::RingNoAnswer:
    each(r, b, true, [](IxCounters &c) { c[kRingNoAnswer] += 1; });
    break;
  case IxKind::Answered: {
    const bool inSl = r.waitUs <= r.serviceLevelUs;
    each(r, b, true, [&](IxCounters &c) {
      c[kOffered] += 1;
      c[kAnswered] += 1;
      c[kAnsweredInSl] += inSl ? 1 : 0;
      c[kWaitAnsweredUs] += r.waitUs;
      c[kMaxWaitUs] = std::max(c[kMaxWaitUs], r.waitUs);
    });
    break;
  }
  case IxKind::Abandoned: {
    const bool isShort = r.waitUs <= r.shortAbandonUs;
    size_t slot = kAbandonBucketBoundsS.size(); // open last bucket
    for (size_t i = 0; i < kAbandonBucketBoundsS.size(); ++i) {
      if (r.waitUs <= kAbandonBucketBoundsS[i] * 1'000'000) {
        slot = i;
        break;
      }
    }
    each(r, b, false, [&](IxCounters &c) {
      c[kOffered] += 1;
      c[kAbandoned] += 1;
      c[kShortAbandoned] += isShort ? 1 : 0;
      c[kAbandonWaitUs] += r.waitUs;
      c[kAb0 + static_cast<int>(slot)] += 1;
    });
    break;
  }
  case IxKind::Overflowed:
    each(r, b, false, [](IxCounters &c) {
      c[kOffered] += 1;
      c[kOverflowed] += 1;
    });
    break;
  case IxKind::Exited:
    each(r, b, false, [](IxCounters &c) {
      c[kOffered] += 1;
      c[kOtherExits] += 1;
    });
    break;
  case IxKind::Transferred:
    each(r, answerBucket, true, [](IxCounters &c) { c[kTransfers] += 1; });
    break;
  case IxKind::CallbackRequested:
    each(r, b, false, [](IxCounters &c) { c[kCallbacksRequested] += 1; });
    break;
  case IxKind::CallbackDone:
    each(r, b, true, [](IxCounters &c) { c[kCallbacksDone] += 1; });
    break;
  case IxKind::Ended:
    if (r.answeredAtUs <= 0)
      break; // never answered: nothing was handled
    each(r, answerBucket, true, [&](IxCounters &c) {
      c[kHandled] += 1;
      c[kTalkUs] += r.talkUs;
      c[kHoldUs] += r.holdUs;
      c[kWrapUs] += r.wrapUpUs;
      c[kDispositionKnown] += r.resolved >= 0 ? 1 : 0;
      c[kDispositionResolved] += r.resolved == 1 ? 1 : 0;
    });
    break;
  case IxKind::Survey:
    each(r, answerBucket, true, [&](IxCounters &c) {
      c[kCsatResponses] += 1;
      c[kCsatSum] += r.score;
      c[kCsatTop2] += r.score >= 4 ? 1 : 0;
    });
    break;
  }
}

void RollupBatch::addAgentState(const AgentStateRecord &r,
                                const std::string &fromReason) {
  if (r.fromState == "logged_out" || r.previousForUs <= 0)
    return;
  int64_t start = r.atUs - r.previousForUs;
  const int64_t end = r.atUs;
  while (start < end) {
    const int64_t b = bucketOf(start);
    const int64_t stop = std::min(end, b + kBucketUs);
    states_[StateKey{r.agentId, b, r.fromState,
                     r.fromState == "not_ready" ? fromReason
                                                : std::string()}] +=
        stop - start;
    start = stop;
  }
}

void RollupBatch::addIvrPath(const IvrPathRecord &r) {
  const int64_t b = bucketOf(r.atUs);
  const bool shortHangup =
      r.exit == IvrExit::Hangup && r.atUs - r.enteredAtUs <= r.shortHangupUs;
  const bool contained =
      r.exit == IvrExit::Completed ||
      (r.exit == IvrExit::Hangup && r.hangupContained && !shortHangup);
  auto apply = [&](IxCounters &c) {
    c[kIvrEntered] += 1;
    c[kIvrShortHangups] += shortHangup ? 1 : 0;
    c[kIvrContained] += contained ? 1 : 0;
  };
  apply(at(kDimFlow, r.flowId, b));
  if (!r.did.empty())
    apply(at(kDimDid, r.did, b));
  nodes_[NodeKey{r.flowId, b, r.exitNode, std::string(toString(r.exit))}] += 1;
}

void RollupBatch::addRepeatContact(const ContactDims &earlier) {
  InteractionRecord r;
  r.queueId = earlier.queueId;
  r.agentId = earlier.agentId;
  r.did = earlier.did;
  r.flowId = earlier.flowId;
  each(r, bucketOf(earlier.answeredAtUs), true,
       [](IxCounters &c) { c[kFcrRepeated] += 1; });
}

void RollupBatch::clear() {
  ix_.clear();
  states_.clear();
  nodes_.clear();
}

} // namespace hujiao::report
