"""Queue overflow on the real daemon. A call in a queue with nobody to answer
overflows after max_wait_s to a flow: the flow takes the live call over
(hand-over), plays and hangs up; its stored IVR path shows it. Whatever the
call's origin: straight from a DID, or from an IVR flow's queue node (that
flow's walk ends with exit reason "overflow" and is kept under "before")."""
import pytest

from acd_switchlib import Caller, Events, api_ok, department, did, queue, wait_until
from acdlib import Daemon

FLOW = {"id": "ovf", "start": "a", "nodes": {
    "a": {"type": "answer", "next": "say"},
    "say": {"type": "play", "prompt": {"tone": "busy", "duration_ms": 300}, "next": "bye"},
    "bye": {"type": "hangup", "reason": "completed"}}}

# A front flow that queues the caller; its failure branch must NOT run on a flow overflow.
FRONT = {"id": "front", "start": "a", "nodes": {
    "a": {"type": "answer", "next": "agents"},
    "agents": {"type": "queue", "queue": "oq2", "failure": "sorry"},
    "sorry": {"type": "play", "prompt": {"tone": "ringback", "duration_ms": 300}, "next": "bye"},
    "bye": {"type": "hangup", "reason": "completed"}}}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 200}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


def test_did_call_overflows_into_a_flow(daemon):
    dept = department(daemon)
    f = api_ok(daemon, "POST", "/api/v1/flows", {"name": "Overflow", "document": FLOW})
    api_ok(daemon, "POST", "/api/v1/flows/ovf/publish", {"version": f["latest_version"]})
    queue(daemon, "oq", dept, [], max_wait_s=2, overflow={"type": "flow", "target": "ovf"})
    did(daemon, "4364", "queue", "oq")
    events = Events(daemon)
    caller = Caller(daemon, "4364", "1005")
    try:
        queued = events.wait("interaction.queued", queue_id="oq", timeout=15)
        over = events.wait("interaction.overflowed", interaction_id=queued["interaction_id"], timeout=10)
        assert over["reason"] == "max_wait" and over["target_type"] == "flow" and over["target"] == "ovf", over
        # The flow plays and hangs up: the caller gets a BYE, not an apology from the queue.
        assert caller.wait(20) == 0, caller.errors()
        call_id = over["call_id"]

        def stored():
            s, _, p = daemon.api("GET", f"/api/v1/calls/{call_id}/ivr-path")
            return p if s == 200 and not p.get("live") else None
        path = wait_until(stored, 15, "the stored IVR path")
        nodes = [s["node"] for s in path["path"]["steps"]]
        assert nodes[:3] == ["a", "say", "bye"], path
        assert path.get("flow_id", "ovf") == "ovf", path
    finally:
        events.close()
        caller.close()


def test_ivr_call_overflows_into_another_flow(daemon):
    dept = department(daemon)
    if daemon.api("GET", "/api/v1/flows/ovf")[0] != 200:
        f = api_ok(daemon, "POST", "/api/v1/flows", {"name": "Overflow", "document": FLOW})
        api_ok(daemon, "POST", "/api/v1/flows/ovf/publish", {"version": f["latest_version"]})
    f = api_ok(daemon, "POST", "/api/v1/flows", {"name": "Front", "document": FRONT})
    api_ok(daemon, "POST", "/api/v1/flows/front/publish", {"version": f["latest_version"]})
    queue(daemon, "oq2", dept, [], max_wait_s=2, overflow={"type": "flow", "target": "ovf"})
    did(daemon, "4365", "flow", "front")
    events = Events(daemon)
    caller = Caller(daemon, "4365", "1005")
    try:
        queued = events.wait("interaction.queued", queue_id="oq2", timeout=15)
        over = events.wait("interaction.overflowed", interaction_id=queued["interaction_id"], timeout=10)
        assert over["reason"] == "max_wait" and over["target_type"] == "flow" and over["target"] == "ovf", over
        call_id = over["call_id"]
        first = events.wait("ivr.ended", call_id=call_id, flow_id="front", timeout=10)
        assert first["exit_reason"] == "overflow", first
        # The overflow flow plays and hangs up: the caller gets its BYE.
        assert caller.wait(20) == 0, caller.errors()
        second = events.wait("ivr.ended", call_id=call_id, flow_id="ovf", timeout=10)
        assert second["exit_reason"] == "completed", second

        def stored():
            s, _, p = daemon.api("GET", f"/api/v1/calls/{call_id}/ivr-path")
            return p if s == 200 and not p.get("live") and p.get("flow_id") == "ovf" else None
        path = wait_until(stored, 15, "the stored IVR path of the overflow flow")
        nodes = [s["node"] for s in path["path"]["steps"]]
        assert nodes[:3] == ["a", "say", "bye"], path
        before = path["path"]["before"]
        assert [b["flow_id"] for b in before] == ["front"], before
        front_nodes = [s["node"] for s in before[0]["steps"]]
        assert "agents" in front_nodes and "sorry" not in front_nodes, before  # the failure branch never ran
        assert before[0]["exit"]["reason"] == "overflow", before
    finally:
        events.close()
        caller.close()
