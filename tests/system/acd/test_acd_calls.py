"""Calls through the ACD on the real daemon: sipp callers dial the demo queue
DID 4002, sipp agents register their extensions and answer (or not); the CTI
REST API and WebSocket events are checked along the way, audio paths with RTP
counters."""
import time

import pytest

from acdlib import (AGENTS, QUEUE_DID, Daemon, Events, LoudPeer, Sipp, act, agent_state, free_port,
                    hears, register, user_id, wait_until)

CALLER = "1005"


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 200}, "media": {"rtp_timeout_s": 60}}).start()
    # Demo extensions are created right after start; the demo DID by the ACD's writer.
    wait_until(lambda: any(x["number"] == QUEUE_DID for x in d.api("GET", "/api/v1/dids")[2]["items"]), 10,
               "the demo queue DID")
    yield d
    d.stop()


@pytest.fixture(scope="module")
def ids(daemon):
    return {n: user_id(daemon, n) for n in AGENTS}


@pytest.fixture
def events(daemon):
    ev = Events(daemon)
    yield ev
    ev.close()


class Agent:
    """A registered agent phone (sipp) with its RTP socket, logged in and ready."""

    def __init__(self, daemon, agent_id, ext, scenario="uas_anchored.xml", keys=None, ready=True):
        self.daemon, self.id, self.ext = daemon, agent_id, ext
        self.port = free_port()
        register(daemon, ext, self.port)
        self.rtp = LoudPeer()
        k = {"rtp": self.rtp.port}
        k.update(keys or {})
        self.sipp = Sipp(daemon, scenario, self.port, keys=k, timeout=60)
        time.sleep(0.3)
        s, _, r = act(daemon, agent_id, "login", {"device": ext})
        assert s == 200, r
        if ready:
            s, _, r = act(daemon, agent_id, "ready")
            assert s == 200, r

    def close(self):
        self.sipp.kill()
        self.rtp.close()
        act(self.daemon, self.id, "force_logout")


class Caller:
    def __init__(self, daemon, scenario="uac_anchored.xml", ext=CALLER, keys=None):
        self.port = free_port()
        register(daemon, ext, self.port)
        self.rtp = LoudPeer()
        k = {"rtp": self.rtp.port, "caller": ext}
        k.update(keys or {})
        self.sipp = Sipp(daemon, scenario, self.port, service=QUEUE_DID, keys=k, auth=(ext, ext + "-demo"),
                         timeout=60)

    def close(self):
        self.sipp.kill()
        self.rtp.close()


def interactions(daemon, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    s, _, r = daemon.api("GET", "/api/v1/interactions" + ("?" + qs if qs else ""))
    assert s == 200, r
    return r["items"]


def connected_to(daemon, agent_id):
    items = [i for i in interactions(daemon, state="connected") if i["agent_id"] == agent_id]
    return items[0] if items else None


def test_call_reaches_the_ready_agent_with_screen_pop(daemon, ids, events):
    agent = Agent(daemon, ids["agent1001"], "1001")
    caller = Caller(daemon)
    try:
        ix = wait_until(lambda: connected_to(daemon, agent.id), 15, "the agent to be connected")
        assert ix["customer"]["number"] == CALLER and ix["queue_id"] == "service"
        offered = events.wait("interaction.offered", interaction_id=ix["id"])
        assert offered["agent_id"] == agent.id and offered["call_id"] == ix["call_id"]
        assert offered["customer"]["number"] == CALLER and offered["attributes"]["did"] == QUEUE_DID
        events.wait("interaction.answered", interaction_id=ix["id"])
        assert agent_state(daemon, agent.id)[0] == "busy"
        # Audio flows both ways through the anchored media.
        caller_media = caller.sipp.received_sdp()
        agent_media = agent.sipp.received_sdp()
        assert caller_media and agent_media
        assert hears(caller.rtp, agent.rtp, caller_media)
        assert hears(agent.rtp, caller.rtp, agent_media)
        # Supervisor force-releases the call: both get a BYE.
        s, _, r = daemon.api("POST", f"/api/v1/interactions/{ix['id']}/force_release", {})
        assert s == 200, r
        assert caller.sipp.wait(15) == 0, caller.sipp.errors()
        assert agent.sipp.wait(15) == 0, agent.sipp.errors()
        events.wait("interaction.ended", interaction_id=ix["id"])
        # Demo queue: 5 s wrap-up, then ready again.
        assert agent_state(daemon, agent.id)[0] == "wrap_up"
        wait_until(lambda: agent_state(daemon, agent.id)[0] == "ready", 10, "wrap-up to end")
        s, _, st = daemon.api("GET", "/api/v1/queues/stats")
        svc = [q for q in st["items"] if q["queue_id"] == "service"][0]
        assert svc["answered"] >= 1
    finally:
        caller.close()
        agent.close()


def test_ring_no_answer_goes_to_the_next_agent(daemon, ids, events):
    s, _, r = daemon.api("PATCH", "/api/v1/queues/service", {"strategy": "linear", "ring_timeout_s": 2})
    assert s == 200, r
    try:
        first = Agent(daemon, ids["agent1001"], "1001", scenario="agent_ring.xml")
        second = Agent(daemon, ids["agent1002"], "1002")
        caller = Caller(daemon)
        try:
            ix = wait_until(lambda: connected_to(daemon, second.id), 20, "the second agent to answer")
            rna = events.wait("interaction.ring_no_answer", interaction_id=ix["id"])
            assert rna["agent_id"] == first.id
            assert agent_state(daemon, first.id) == ("not_ready", "rna")
            assert first.sipp.wait(10) == 0, first.sipp.errors()  # CANCEL / 487 / ACK
            s, _, r = act(daemon, second.id, "hangup", {"interaction_id": ix["id"]})
            assert s == 200, r
            assert caller.sipp.wait(15) == 0, caller.sipp.errors()
        finally:
            caller.close()
            first.close()
            second.close()
    finally:
        daemon.api("PATCH", "/api/v1/queues/service", {"strategy": "longest_idle", "ring_timeout_s": 15})


def test_agent_hangs_up_then_the_caller_is_released(daemon, ids, events):
    agent = Agent(daemon, ids["agent1001"], "1001", scenario="agent_hangup.xml")
    caller = Caller(daemon)
    try:
        ix = wait_until(lambda: connected_to(daemon, agent.id), 15, "the agent to be connected")
        assert agent.sipp.wait(15) == 0, agent.sipp.errors()
        assert caller.sipp.wait(15) == 0, caller.sipp.errors()  # BYE from the ACD
        events.wait("interaction.ended", interaction_id=ix["id"])
    finally:
        caller.close()
        agent.close()


def test_caller_abandons_while_waiting(daemon, ids, events):
    caller = Caller(daemon, scenario="caller_hangup.xml")
    try:
        ix = wait_until(lambda: interactions(daemon, state="waiting"), 15, "the call to wait")[0]
        assert caller.sipp.wait(15) == 0, caller.sipp.errors()
        events.wait("interaction.abandoned", interaction_id=ix["id"])
        assert not [i for i in interactions(daemon) if i["id"] == ix["id"]]
    finally:
        caller.close()


def test_supervisor_listens_whispers_barges(daemon, ids):
    agent = Agent(daemon, ids["agent1001"], "1001")
    caller = Caller(daemon)
    sup_port = free_port()
    register(daemon, "1003", sup_port)
    sup_rtp = LoudPeer()
    sup = Sipp(daemon, "uas_anchored.xml", sup_port, keys={"rtp": sup_rtp.port}, timeout=60)
    time.sleep(0.3)
    try:
        wait_until(lambda: connected_to(daemon, agent.id), 15, "the agent to be connected")
        s, _, r = daemon.api("POST", "/api/v1/supervisor/listen", {"agent_id": agent.id, "device": "1003"})
        assert s == 200, r
        sup_media = wait_until(sup.received_sdp, 10, "the supervisor leg")
        caller_media, agent_media = caller.sipp.received_sdp(), agent.sipp.received_sdp()
        time.sleep(0.5)
        # Listen: the supervisor hears both; nobody hears him.
        assert hears(caller.rtp, sup_rtp, caller_media)
        assert hears(agent.rtp, sup_rtp, agent_media)
        assert not hears(sup_rtp, agent.rtp, sup_media)
        assert not hears(sup_rtp, caller.rtp, sup_media)
        # Whisper: the agent hears him, the caller does not.
        s, _, r2 = daemon.api("POST", "/api/v1/supervisor/whisper", {"agent_id": agent.id, "device": "1003"})
        assert s == 200 and r2["supervision_id"] == r["supervision_id"], r2
        assert hears(sup_rtp, agent.rtp, sup_media)
        assert not hears(sup_rtp, caller.rtp, sup_media)
        # Barge: everyone hears everyone.
        s, _, r3 = daemon.api("POST", "/api/v1/supervisor/barge", {"agent_id": agent.id, "device": "1003"})
        assert s == 200, r3
        assert hears(sup_rtp, agent.rtp, sup_media)
        assert hears(sup_rtp, caller.rtp, sup_media)
        assert hears(caller.rtp, agent.rtp, caller_media)
        s, _, r = daemon.api("POST", "/api/v1/supervisor/stop", {"supervision_id": r["supervision_id"]})
        assert s == 200, r
        assert sup.wait(10) == 0, sup.errors()
    finally:
        sup.kill()
        sup_rtp.close()
        caller.close()
        agent.close()
