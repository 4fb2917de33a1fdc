"""Queue overflow on the real daemon. A call straight from a DID to a queue
with nobody to answer overflows after max_wait_s to a flow: the flow takes the
live call over (hand-over), plays and hangs up; its stored IVR path shows it."""
import pytest

from acd_switchlib import Caller, Events, api_ok, department, did, queue, wait_until
from acdlib import Daemon

FLOW = {"id": "ovf", "start": "a", "nodes": {
    "a": {"type": "answer", "next": "say"},
    "say": {"type": "play", "prompt": {"tone": "busy", "duration_ms": 300}, "next": "bye"},
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
