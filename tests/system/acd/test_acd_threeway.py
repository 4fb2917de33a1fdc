"""Three-way conference through the CTI on the real daemon: agent a consults
agent b, joins the caller in (conference), then leaves; the caller and b go on.
Who hears whom is checked with a 1 kHz tone from each party in turn."""
import pytest

from acdlib import Daemon, Events, Lab, act, agent_state, department_of, hears, interactions, wait_until


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 500}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


def test_conference_then_the_agent_leaves(daemon):
    dept = department_of(daemon)
    events = Events(daemon)
    q = Lab(daemon, dept, 1, "linear", {"a": {}, "b": {}})
    try:
        a, b = q.phones["a"], q.phones["b"]
        q.ready("a")
        line, ix = q.start_call(rtp=True)
        caller = (line.rtp, line.sipp.received_sdp())
        s, _, r = act(daemon, a.id, "conference", {"interaction_id": ix["id"]})
        assert s == 409, r  # nobody consulted yet
        s, _, r = act(daemon, a.id, "consult", {"interaction_id": ix["id"], "target_type": "agent", "target": b.id})
        assert s == 200, r
        events.wait("interaction.consult", interaction_id=ix["id"], state="connected")
        agent_a, agent_b = (a.rtp, a.media()), (b.rtp, b.media())
        s, _, r = act(daemon, a.id, "conference", {"interaction_id": ix["id"]})
        assert s == 200 and r["state"] == "conference", r
        events.wait("interaction.conference", interaction_id=ix["id"], agent_id=a.id)
        parties = {"caller": caller, "a": agent_a, "b": agent_b}
        for speaker, (rtp, media) in parties.items():
            for listener, (lrtp, _) in parties.items():
                if listener != speaker:
                    assert hears(rtp, lrtp, media), f"{listener} does not hear {speaker} in the conference"

        # a leaves: the caller and b go on, a wraps up.
        s, _, r = act(daemon, a.id, "hangup", {"interaction_id": ix["id"]})
        assert s == 200, r
        wait_until(lambda: a.requests("BYE") == 1, 10, "a's leg to end")
        assert hears(caller[0], b.rtp, caller[1]) and hears(b.rtp, caller[0], agent_b[1])
        wait_until(lambda: agent_state(daemon, a.id)[0] == "ready", 10, "a to be free")
        assert not [i for i in interactions(daemon, state="connected") if i["id"] == ix["id"]]
        assert line.sipp.proc.poll() is None, "the caller was dropped with the agent"
        s, _, r = daemon.api("DELETE", "/api/v1/calls/" + ix["call_id"])
        assert s in (200, 202, 204), r
        assert line.wait(15) == 0, line.sipp.errors()
        wait_until(lambda: b.requests("BYE") == 1, 10, "b's leg to end")
    finally:
        q.close()
        events.close()
