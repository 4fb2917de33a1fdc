"""Who may hear what (issue 7): agents list and play only the recordings of
calls they handled (their extension was on the call), supervisors only their
departments', auditors all; each playback is in the audit log; agents see
their own QA scores; scoring needs qa.score and the policy recordings.policy.
Real hujiaod, real calls between sipp extensions, record-all policy."""
import time

import pytest

from recsys import Daemon, RtpPeer, Sipp, free_port, register, wait_until
from test_recording_call import ToneSender, get_audio

CALLER = "3900"
EXT_A, EXT_B = "3101", "3201"
PASSWORD = "Rec-Access-123"


def role_id(d, name):
    st, _, body = d.api("GET", "/api/v1/roles?limit=100")
    assert st == 200, body
    return next(r["id"] for r in body["items"] if r["name"] == name)


def make_user(d, username, role, dept, ext=None):
    st, _, u = d.api("POST", "/api/v1/users", {"username": username, "password": PASSWORD, "display_name": username,
                                                "department_id": dept, "role_ids": [role_id(d, role)]})
    assert st == 201, u
    if ext:
        st, _, a = d.api("PATCH", "/api/v1/agents/" + u["id"], {"extension": ext})
        assert st == 200, a
    return u["id"]


def call(d, callee):
    """CALLER calls `callee` for ~2 s with tones both ways; returns the call id."""
    callee_port, caller_port = free_port(), free_port()
    register(d, callee, "pw-" + callee, callee_port)
    register(d, CALLER, "pw-" + CALLER, caller_port)
    callee_rtp, caller_rtp = RtpPeer(), RtpPeer()
    uas = Sipp(d, "uas_anchored.xml", callee_port, keys={"rtp": callee_rtp.port}, timeout=60)
    time.sleep(0.3)
    uac = Sipp(d, "uac_anchored.xml", caller_port, service=callee, keys={"rtp": caller_rtp.port, "caller": CALLER},
               auth=(CALLER, "pw-" + CALLER), timeout=60)

    def answered():
        st, _, body = d.api("GET", "/api/v1/calls")
        live = [c for c in body.get("items", []) if c["state"] == "answered" and c["callee_number"] == callee]
        return live[0] if live else None

    c = wait_until(answered, 15, "the call to %s to be answered" % callee)
    wait_until(lambda: uac.received_sdp() and uas.received_sdp(), 5, "SDP in the sipp traces")
    tones = [ToneSender(caller_rtp, uac.received_sdp(), 440), ToneSender(callee_rtp, uas.received_sdp(), 1000)]
    time.sleep(2)
    for t in tones:
        t.close()
    st, _, body = d.api("DELETE", "/api/v1/calls/" + c["id"])
    assert st == 204, body
    uac.wait(15)
    uas.wait(15)
    for p in (callee_rtp, caller_rtp):
        p.close()
    return c["id"]


def as_user(d, token, method, path, body=None):
    return d.request(method, path, body=body, token=token)


@pytest.fixture(scope="module")
def world():
    d = Daemon({"recording": {"mode": "all"}}).start()
    depts = {}
    for name in ("Rec A", "Rec B"):
        st, _, dep = d.api("POST", "/api/v1/departments", {"name": name})
        assert st == 201, dep
        depts[name] = dep["id"]
    for ext, dep in ((CALLER, None), (EXT_A, depts["Rec A"]), (EXT_B, depts["Rec B"])):
        body = {"number": ext, "password": "pw-" + ext}
        if dep:
            body["department_id"] = dep
        st, _, e = d.api("POST", "/api/v1/extensions", body)
        assert st == 201, e
    users = {
        "agent_a": make_user(d, "rec_agent_a", "agent", depts["Rec A"], EXT_A),
        "agent_b": make_user(d, "rec_agent_b", "agent", depts["Rec B"], EXT_B),
        "sup_a": make_user(d, "rec_sup_a", "supervisor", depts["Rec A"]),
        "auditor": make_user(d, "rec_auditor", "auditor", depts["Rec B"]),
    }
    calls = {"a": call(d, EXT_A), "b": call(d, EXT_B)}
    recs = {}
    for k, cid in calls.items():
        def done(cid=cid):
            st, _, body = d.api("GET", "/api/v1/recordings?call_id=" + cid)
            items = [r for r in body.get("items", []) if r["status"] == "complete"]
            return items[0] if items else None
        recs[k] = wait_until(done, 30, "recording of call %s" % cid)
    tokens = {k: d.login(u, PASSWORD) for k, u in (("agent_a", "rec_agent_a"), ("agent_b", "rec_agent_b"),
                                                    ("sup_a", "rec_sup_a"), ("auditor", "rec_auditor"))}
    yield d, users, recs, tokens
    d.stop()


def visible(d, token):
    st, _, body = as_user(d, token, "GET", "/api/v1/recordings?limit=100")
    assert st == 200, body
    return {r["id"] for r in body["items"]}


def test_the_agent_found_by_extension_owns_the_recording(world):
    d, users, recs, _ = world
    assert recs["a"]["agent_id"] == users["agent_a"]
    assert recs["b"]["agent_id"] == users["agent_b"]


def test_each_role_lists_and_plays_only_what_it_may(world):
    d, users, recs, tokens = world
    a, b = recs["a"]["id"], recs["b"]["id"]
    expect = {"agent_a": {a}, "agent_b": {b}, "sup_a": {a}, "auditor": {a, b}}
    for who, ids in expect.items():
        seen = visible(d, tokens[who]) & {a, b}
        assert seen == ids, (who, seen)
        for rid in (a, b):
            st, _, _ = as_user(d, tokens[who], "GET", "/api/v1/recordings/" + rid)
            status, _, audio = get_audio(d, rid, headers={"Range": "bytes=0-1023"}, token=tokens[who])
            if rid in ids:
                assert st == 200 and status == 206 and audio[:4] == b"RIFF", (who, rid, st, status)
            else:
                assert st in (403, 404) and status in (403, 404), (who, rid, st, status)
    # Every playback is in the audit log, under the user who listened.
    st, _, audit = d.api("GET", "/api/v1/audit?limit=500")
    assert st == 200, audit
    plays = {(e.get("user_id"), e["resource_id"]) for e in audit["items"]
             if e["resource"] == "recordings" and e["action"] == "play"}
    for who, ids in expect.items():
        for rid in ids:
            assert (users[who], rid) in plays, (who, rid)


def test_qa_scores_and_policy_permissions(world):
    d, users, recs, tokens = world
    form = {"name": "Calls", "criteria": [{"id": "greet", "name": "Greeting", "weight": 40, "max_points": 5},
                                          {"id": "solve", "name": "Solved", "weight": 60, "max_points": 5}]}
    st, _, body = as_user(d, tokens["agent_a"], "POST", "/api/v1/qa/forms", form)
    assert st == 403, body  # agents do not hold qa.score
    st, _, f = as_user(d, tokens["sup_a"], "POST", "/api/v1/qa/forms", form)
    assert st == 201, f
    score = {"form_id": f["id"], "items": [{"criterion_id": "greet", "points": 5}, {"criterion_id": "solve", "points": 4}]}
    st, _, body = as_user(d, tokens["sup_a"], "POST", "/api/v1/recordings/%s/scores" % recs["b"]["id"], score)
    assert st in (403, 404), body  # not his department's
    st, _, sc = as_user(d, tokens["sup_a"], "POST", "/api/v1/recordings/%s/scores" % recs["a"]["id"], score)
    assert st == 201, sc
    st, _, mine = as_user(d, tokens["agent_a"], "GET", "/api/v1/qa/scores")
    assert st == 200 and [s["id"] for s in mine["items"]] == [sc["id"]], mine
    assert abs(mine["items"][0]["total"] - 88.0) < 1e-6, mine
    st, _, other = as_user(d, tokens["agent_b"], "GET", "/api/v1/qa/scores")
    assert st == 200 and other["items"] == [], other
    st, _, body = as_user(d, tokens["agent_b"], "GET", "/api/v1/recordings/%s/scores" % recs["a"]["id"])
    assert st in (403, 404), body
    # The policy: recordings.policy (admins), not supervisors.
    st, _, body = as_user(d, tokens["sup_a"], "PUT", "/api/v1/recording-policy", {"mode": "all"})
    assert st == 403, body
    st, _, body = d.api("PUT", "/api/v1/recording-policy", {"mode": "all"})
    assert st == 200, body
    st, _, roles = d.api("GET", "/api/v1/roles?limit=100")
    perms = {r["name"]: set(r["permissions"]) for r in roles["items"]}
    assert {"recordings.read", "recordings.listen"} <= perms["agent"]
    assert "qa.score" in perms["supervisor"] and "qa.score" not in perms["agent"]
    assert {"webhooks.read", "webhooks.write", "recordings.policy", "qa.score"} <= perms["admin"]
