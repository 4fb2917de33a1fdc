"""VIP jump on the real daemon: an IVR flow branches on the caller's number
and hands VIPs to the queue with priority 50, others with 0. Two ordinary
callers wait; a VIP calls last and is answered first; then the others in their
order of arrival."""
import pytest

from acdlib import CallerLine, Daemon, Events, Lab, act, department_of, interactions, make_did, wait_until

VIP_CALLER_INDEX = 2


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 500}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


def publish_flow(daemon, doc):
    s, _, f = daemon.api("POST", "/api/v1/flows", {"name": doc["id"], "document": doc})
    assert s == 201, f
    s, _, p = daemon.api("POST", f"/api/v1/flows/{doc['id']}/publish", {"version": f["latest_version"]})
    assert s == 200, p


def test_vip_caller_jumps_the_line(daemon):
    dept = department_of(daemon)
    events = Events(daemon)
    q = Lab(daemon, dept, 1, "longest_idle", {"a": {}})
    vip_number = q.callers[VIP_CALLER_INDEX]
    publish_flow(daemon, {
        "id": "vipline", "start": "answer",
        "nodes": {
            "answer": {"type": "answer", "next": "route"},
            "route": {"type": "branch", "cases": [{"when": f"caller == '{vip_number}'", "next": "vip"}],
                      "default": "normal"},
            "normal": {"type": "queue", "queue": q.queue, "priority": 0},
            "vip": {"type": "queue", "queue": q.queue, "priority": 50},
        }})
    make_did(daemon, "8811", "flow", "vipline")
    lines = []
    try:
        order = []
        for n in (0, 1, VIP_CALLER_INDEX):  # the VIP calls last
            lines.append(CallerLine(daemon, "8811", q.callers[n]))
            queued = wait_until(lambda: [e for e in events.of("interaction.queued", queue_id=q.queue)
                                         if e["interaction_id"] not in order], 15, "the caller to queue")[0]
            assert queued["customer"]["number"] == q.callers[n]
            assert queued["priority"] == (50 if n == VIP_CALLER_INDEX else 0)
            order.append(queued["interaction_id"])
        waiting = interactions(daemon, state="waiting", queue_id=q.queue)
        assert {i["id"] for i in waiting} == set(order)
        a = q.phones["a"]
        answered = []
        a.ready()  # no wrap-up in this queue: he stays ready after each call
        for _ in range(3):
            ix = wait_until(lambda: [i for i in interactions(daemon, state="connected", queue_id=q.queue)
                                     if i["id"] not in answered], 15, "the next call to be answered")[0]
            assert a.got(ix["id"])
            answered.append(ix["id"])
            s, _, r = act(daemon, a.id, "hangup", {"interaction_id": ix["id"]})
            assert s == 200, r
            events.wait("interaction.ended", interaction_id=ix["id"])
            wait_until(lambda: not [i for i in interactions(daemon, state="connected") if i["id"] == ix["id"]], 10,
                       "the call to end")
        # The VIP first, then the others as they came.
        assert answered == [order[2], order[0], order[1]]
        for line in lines:
            assert line.wait(15) == 0, line.sipp.errors()
    finally:
        for line in lines:
            line.close()
        q.close()
        events.close()
