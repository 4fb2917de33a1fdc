"""ring_all on the real daemon: a queue of three sipp agent phones; one call
rings all three at the same time (parallel connects), the one who answers gets
the call with audio both ways, the other two phones get a CANCEL and their
agents stay ready."""
import pytest

from acd_switchlib import (Caller, Events, Phone, agent, agent_state, department, did, interactions, login_ready,
                           queue, tone_while, wait_until)
from acdlib import Daemon

CALLER_EXT = "1005"  # demo extension


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 200}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


def test_ring_all_rings_everyone_at_once_and_the_first_answer_wins(daemon):
    dept = department(daemon)
    ids = [agent(daemon, f"ringall{i}", f"36{i}1", dept) for i in range(3)]
    queue(daemon, "ringall", dept, ids, strategy="ring_all", ring_timeout_s=20)
    did(daemon, "4361", "queue", "ringall")
    events = Events(daemon)
    # Phones 0 and 2 ring until cancelled; phone 1 answers after 1.5 s.
    phones = [Phone(daemon, "3601", "agent_ring.xml"), Phone(daemon, "3611", "switch_answer_later.xml"),
              Phone(daemon, "3621", "agent_ring.xml")]
    caller = None
    try:
        for i, a in enumerate(ids):
            login_ready(daemon, a, f"36{i}1")
        caller = Caller(daemon, "4361", CALLER_EXT)
        invites = [wait_until(lambda p=p: p.received("INVITE"), 15, f"the INVITE to {p.ext}")[0][0] for p in phones]
        # All three rang at the same time (one decision, three parallel connects).
        assert max(invites) - min(invites) < 0.1, invites
        ix = wait_until(lambda: [i for i in interactions(daemon, state="connected") if i["agent_id"] == ids[1]],
                        15, "the second agent to be connected")[0]
        assert agent_state(daemon, ids[1]) == "busy"
        # The others were cancelled (CANCEL, 487, ACK: their scenarios end cleanly) and stay ready.
        for p in (phones[0], phones[2]):
            assert p.wait(15) == 0, p.errors()
            assert p.received("CANCEL"), "no CANCEL to " + p.ext
        for a in (ids[0], ids[2]):
            assert agent_state(daemon, a) == "ready"
        assert not events.of("interaction.ring_no_answer", interaction_id=ix["id"])
        offered = {e["agent_id"] for e in events.of("interaction.offered", interaction_id=ix["id"])}
        assert offered == set(ids), offered
        # Audio both ways between the caller and the agent who answered.
        caller_media = wait_until(caller.received_sdp, 10, "the caller's answer")
        agent_media = phones[1].received_sdp()
        assert agent_media
        assert tone_while(caller.rtp, caller_media, phones[1].rtp) > 8
        assert tone_while(phones[1].rtp, agent_media, caller.rtp) > 8
        # The caller hangs up... by the supervisor's force release; the agent gets his BYE.
        s, _, r = daemon.api("POST", f"/api/v1/interactions/{ix['id']}/force_release", {})
        assert s == 200, r
        assert phones[1].wait(15) == 0, phones[1].errors()
        assert caller.wait(15) == 0, caller.errors()
    finally:
        events.close()
        if caller:
            caller.close()
        for p in phones:
            p.close()
        for a in ids:
            daemon.api("POST", f"/api/v1/agents/{a}/force_logout", {})
