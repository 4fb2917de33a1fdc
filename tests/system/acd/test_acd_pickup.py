"""Pickup (代答) through the CTI on the real daemon: a call rings agent a's
phone (sipp that rings and never answers); agent b takes it over REST. a's leg
is cancelled (CANCEL / 487), b's phone gets the call with the auto-answer
headers and b talks to the caller (audio), as the events say."""
import re

import pytest

from acdlib import CallerLine, Daemon, Events, Lab, act, agent_state, department_of, hears, interactions, wait_until


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 500}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


def test_agent_b_picks_up_a_call_ringing_agent_a(daemon):
    dept = department_of(daemon)
    events = Events(daemon)
    q = Lab(daemon, dept, 1, "linear", {"a": {"scenario": "agent_ring.xml"}, "b": {}}, {"ring_timeout_s": 30})
    line = None
    try:
        a, b = q.phones["a"], q.phones["b"]
        q.ready("a")
        line = CallerLine(daemon, q.did, q.callers[0])
        offered = events.wait("interaction.offered", 15, agent_id=a.id)
        ix = offered["interaction_id"]
        assert a.got(ix), "a's phone did not ring"
        ringing = wait_until(lambda: [i for i in interactions(daemon, state="ringing") if i["id"] == ix], 10,
                             "the interaction to ring")[0]
        assert ringing["agent_id"] == a.id

        # b must be ready to pick up; a cannot pick up his own call.
        s, _, r = act(daemon, b.id, "pickup", {"interaction_id": ix})
        assert s == 409 and r["error"]["code"] == "invalid_state", r
        s, _, r = act(daemon, a.id, "pickup", {"interaction_id": ix})
        assert s == 409, r
        b.ready()
        s, _, r = act(daemon, b.id, "pickup", {"interaction_id": ix})
        assert s == 200 and r["state"] == "ringing", r

        wait_until(lambda: a.requests("CANCEL") == 1, 10, "a's leg to be cancelled")
        assert b.got(ix), "b's phone was not rung"
        invite = [blk for blk in re.split(r"-{10,}", b.sipp.messages())
                  if "message received" in blk and ix in blk and re.search(r"^\s*INVITE ", blk, re.M)][0]
        assert re.search(r"^Call-Info:.*answer-after=0", invite, re.M | re.I), invite
        events.wait("interaction.offered", interaction_id=ix, agent_id=b.id)
        events.wait("interaction.answered", interaction_id=ix, agent_id=b.id)
        conn = wait_until(lambda: [i for i in interactions(daemon, state="connected") if i["id"] == ix], 10,
                          "b to be connected")[0]
        assert conn["agent_id"] == b.id
        assert hears(line.rtp, b.rtp, line.sipp.received_sdp())
        assert hears(b.rtp, line.rtp, b.media())
        # Being picked from is no fault of a's: he is ready, not marked for ring-no-answer.
        assert agent_state(daemon, a.id) == ("ready", None)
        assert not events.of("interaction.ring_no_answer", interaction_id=ix)
        s, _, r = act(daemon, b.id, "hangup", {"interaction_id": ix})
        assert s == 200, r
        assert line.wait(15) == 0, line.sipp.errors()
        events.wait("interaction.ended", interaction_id=ix)
    finally:
        if line:
            line.close()
        q.close()
        events.close()
