"""The CTI REST API and events on the real daemon (demo data): queues, members,
agents, agent states with scope rules, state history, lists, webhooks."""
import json
import time

import pytest

from acdlib import AGENTS, Daemon, Events, WebhookReceiver, act, agent_state, user_id, wait_until


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 200, "webhook_backoff_ms": 100}}).start()
    yield d
    d.stop()


@pytest.fixture(scope="module")
def ids(daemon):
    return {name: user_id(daemon, name) for name in ["agent1001", "agent1002", "agent2001", "supervisor1",
                                                     "supervisor2"]}


def token(daemon, username):
    return daemon.login(username, username + "-demo")


def test_demo_queue_and_agents(daemon, ids):
    s, _, q = daemon.api("GET", "/api/v1/queues/service")
    assert s == 200, q
    assert q["name"] == "客服热线" and q["strategy"] == "longest_idle"
    s, _, members = daemon.api("GET", "/api/v1/queues/service/members")
    assert s == 200
    assert {m["agent_id"] for m in members["items"]} == {ids[n] for n in AGENTS}
    s, _, agents = daemon.api("GET", "/api/v1/agents")
    assert s == 200
    by = {a["username"]: a for a in agents["items"]}
    for name, ext in AGENTS.items():
        assert by[name]["extension"] == ext
        assert by[name]["state"] == "logged_out"
    wait_until(lambda: any(d["number"] == "4002" and d["target_type"] == "queue" and d["target"] == "service"
                           for d in daemon.api("GET", "/api/v1/dids")[2]["items"]), 10, "the demo DID 4002")


def test_agent_states_scope_and_events(daemon, ids):
    me = ids["agent1001"]
    t = token(daemon, "agent1001")
    ev = Events(daemon, t)
    try:
        s, _, r = act(daemon, me, "ready", token=t)
        assert s == 409 and r["error"]["code"] == "invalid_state", r  # not logged in
        s, _, r = act(daemon, me, "login", token=t)
        assert s == 200 and r["state"] == "not_ready" and r["reason"] == "login", r
        s, _, r = act(daemon, me, "not_ready", {"reason": "nap"}, token=t)
        assert s == 400, r
        s, _, r = act(daemon, me, "not_ready", {"reason": "lunch"}, token=t)
        assert s == 200 and r["reason"] == "lunch", r
        s, _, r = act(daemon, me, "ready", token=t)
        assert s == 200 and r["state"] == "ready", r
        assert agent_state(daemon, me) == ("ready", None)
        e = ev.wait("agent.state", agent_id=me, state="ready")
        assert e["previous"] == "not_ready"
        # An agent acts only on himself.
        s, _, r = act(daemon, ids["agent1002"], "login", token=t)
        assert s == 404, r
        s, _, r = daemon.request("POST", "/api/v1/agents/" + me + "/force_logout", {}, token=t)
        assert s == 403, r
        # He sees only himself in the agent list.
        s, _, lst = daemon.request("GET", "/api/v1/agents", token=t)
        assert [a["id"] for a in lst["items"]] == [me]
    finally:
        ev.close()
    # His supervisor (same department) may force him; the other department's may not.
    sup = token(daemon, "supervisor1")
    s, _, r = act(daemon, me, "force_not_ready", {"reason": "meeting"}, token=sup)
    assert s == 200 and r["reason"] == "meeting", r
    other = token(daemon, "supervisor2")
    s, _, r = act(daemon, me, "force_ready", token=other)
    assert s == 404, r
    s, _, r = act(daemon, me, "force_logout", token=sup)
    assert s == 200 and r["state"] == "logged_out", r
    # Every change is stored with its time (written off the control thread in
    # batches: the last one may land a moment after the action answered).
    want = [("not_ready", "login"), ("not_ready", "lunch"), ("ready", None), ("not_ready", "meeting"),
            ("logged_out", None)]

    def stored():
        s, _, h = daemon.api("GET", f"/api/v1/agents/{me}/states")
        assert s == 200
        return h if len(h["items"]) >= len(want) else None
    hist = wait_until(stored, 5, "the state history to be stored")
    states = [(h["state"], h["reason"]) for h in hist["items"]]
    assert states == want, states
    assert all(h["at"] for h in hist["items"])


def test_queue_crud_members_and_stats(daemon, ids):
    s, _, r = daemon.api("POST", "/api/v1/queues", {"id": "sales", "name": "销售", "strategy": "fastest"})
    assert s == 400, r
    s, _, r = daemon.api("POST", "/api/v1/queues", {"id": "sales", "name": "销售", "strategy": "round_robin",
                                                    "skills": [{"skill": "zh", "min_level": 2}],
                                                    "overflow": {"type": "queue", "target": "service"},
                                                    "max_wait_s": 60, "wrap_up_s": 10})
    assert s == 201, r
    assert r["overflow"] == {"type": "queue", "target": "service"} and r["skills"][0]["min_level"] == 2
    s, _, r = daemon.api("POST", "/api/v1/queues", {"id": "sales", "name": "again"})
    assert s == 409, r
    s, _, r = daemon.api("PATCH", "/api/v1/queues/sales", {"ring_timeout_s": 12, "leave_empty": True})
    assert s == 200 and r["ring_timeout_s"] == 12 and r["leave_empty"] is True and r["wrap_up_s"] == 10, r
    s, _, r = daemon.api("PATCH", "/api/v1/queues/sales", {"ring_timeout_s": 0})
    assert s == 400, r
    assert r.get("error") and "ring_timeout_s" in r["error"]["message"], r
    # Per-queue callback retries: null = the global acd.callback_retry_s / acd.callback_attempts.
    s, _, r = daemon.api("GET", "/api/v1/queues/sales")
    assert s == 200 and r["callback_retry_s"] is None and r["callback_attempts"] is None, r
    s, _, r = daemon.api("PATCH", "/api/v1/queues/sales", {"callback_retry_s": 30, "callback_attempts": 5})
    assert s == 200 and r["callback_retry_s"] == 30 and r["callback_attempts"] == 5, r
    for bad in ({"callback_retry_s": 0}, {"callback_attempts": 11}, {"callback_attempts": "two"}):
        s, _, r = daemon.api("PATCH", "/api/v1/queues/sales", bad)
        assert s == 400 and r["error"]["code"] in ("invalid_field", "invalid_request"), (bad, r)
        assert next(iter(bad)) in r["error"]["message"], (bad, r)
    s, _, r = daemon.api("GET", "/api/v1/queues/sales")
    assert r["callback_retry_s"] == 30 and r["callback_attempts"] == 5, r  # the bad ones changed nothing
    s, _, r = daemon.api("PATCH", "/api/v1/queues/sales", {"callback_retry_s": None})
    assert s == 200 and r["callback_retry_s"] is None and r["callback_attempts"] == 5, r
    s, _, r = daemon.api("PUT", f"/api/v1/queues/sales/members/{ids['agent1002']}", {"level": 1, "position": 0})
    assert s == 200 and r["level"] == 1, r
    s, _, r = daemon.api("PUT", f"/api/v1/queues/sales/members/{ids['supervisor1']}", {"level": 0})
    assert s == 400, r  # not an agent (no extension)
    s, _, m = daemon.api("GET", "/api/v1/queues/sales/members")
    assert [x["agent_id"] for x in m["items"]] == [ids["agent1002"]]
    s, _, st = daemon.api("GET", "/api/v1/queues/stats")
    assert s == 200
    sales = [x for x in st["items"] if x["queue_id"] == "sales"][0]
    assert sales["waiting"] == 0 and sales["agents"]["logged_out"] == 1, sales
    s, _, r = daemon.api("DELETE", f"/api/v1/queues/sales/members/{ids['agent1002']}")
    assert s == 204
    s, _, r = daemon.api("DELETE", "/api/v1/queues/sales")
    assert s == 204
    s, _, r = daemon.api("GET", "/api/v1/queues/sales")
    assert s == 404
    # A supervisor sees his department's queue, not the other's.
    sup2 = token(daemon, "supervisor2")
    s, _, r = daemon.request("GET", "/api/v1/queues/service", token=sup2)
    assert s == 404, r


def test_make_a_user_an_agent(daemon, ids):
    sup = ids["supervisor1"]
    s, _, r = daemon.api("PATCH", "/api/v1/agents/" + sup, {"extension": "9999"})
    assert s == 400, r
    s, _, r = daemon.api("PATCH", "/api/v1/agents/" + sup, {"extension": "1003", "auto_answer": True,
                                                           "skills": [{"skill": "zh", "level": 5}]})
    assert s == 200, r
    assert r["extension"] == "1003" and r["auto_answer"] is True and r["skills"] == [{"skill": "zh", "level": 5}]
    s, _, r = daemon.api("GET", "/api/v1/agents/" + sup)
    assert s == 200 and r["state"] == "logged_out"


def test_lists(daemon):
    t = token(daemon, "agent1002")
    s, _, r = daemon.request("GET", "/api/v1/agent-reasons", token=t)
    assert s == 200 and r["items"] == ["break", "lunch", "training", "meeting"]
    s, _, r = daemon.request("GET", "/api/v1/dispositions", token=t)
    assert s == 200 and {"code": "resolved", "label": "已解决 Resolved"} in r["items"]
    s, _, r = daemon.request("GET", "/api/v1/interactions", token=t)
    assert s == 200 and r["items"] == []


def test_signed_webhooks_with_retry(daemon, ids):
    rx = WebhookReceiver(statuses=[500])  # the first delivery fails, the retry succeeds
    try:
        s, _, r = daemon.api("POST", "/api/v1/webhooks", {"url": "ftp://x", "secret": "k"})
        assert s == 400, r
        s, _, hook = daemon.api("POST", "/api/v1/webhooks", {"url": f"http://127.0.0.1:{rx.port}/hook",
                                                              "secret": "s3cret", "events": ["agent.state"]})
        assert s == 201 and "secret" not in hook, hook
        me = ids["agent1002"]
        s, _, r = act(daemon, me, "login", {"device": "1002"})
        assert s == 200, r
        wait_until(lambda: len(rx.received) >= 2, 10, "webhook delivery and retry")
        (h1, b1), (h2, b2) = rx.received[0], rx.received[1]
        assert b1 == b2
        assert WebhookReceiver.valid("s3cret", h1, b1) and WebhookReceiver.valid("s3cret", h2, b2)
        assert not WebhookReceiver.valid("other", h1, b1)
        assert h1["x-hujiao-attempt"] == "1" and h2["x-hujiao-attempt"] == "2"
        ev = json.loads(b1)
        assert ev["type"] == "agent.state" and ev["agent_id"] == me and ev["state"] == "not_ready"
        s, _, lst = daemon.api("GET", "/api/v1/webhooks")
        assert [w["id"] for w in lst["items"]] == [hook["id"]]
        s, _, _ = daemon.api("DELETE", "/api/v1/webhooks/" + hook["id"])
        assert s == 204
        n = len(rx.received)
        act(daemon, me, "logout")
        time.sleep(0.5)
        assert len(rx.received) == n
    finally:
        rx.close()


def test_openapi_lists_the_cti_routes(daemon):
    s, _, doc = daemon.request("GET", "/api/v1/openapi.json")
    assert s == 200
    doc = json.loads(doc) if isinstance(doc, str) else doc
    for path in ["/api/v1/queues", "/api/v1/agents/{id}/transfer", "/api/v1/supervisor/barge",
                 "/api/v1/interactions/{id}/force_release", "/api/v1/webhooks"]:
        assert path in doc["paths"], path
