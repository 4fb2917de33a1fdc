"""IVR flows for real: sipp calls from a trunk into hujiaod, RFC 4733 digits
from sipp's pcaps, checked through the stored path of each call
(GET /api/v1/calls/{id}/ivr-path) and how the call ended; a loopback HTTP
server answers the balance look-ups (and sometimes is slow or talks garbage)."""
import itertools
import os

import pytest

import ivrlib
from ivrlib import nodes, run_call, step
from telib import wait_until

_callers = itertools.count(13800000100)


def caller():
    """A fresh caller number per call (the CDR search key)."""
    return str(next(_callers))


def route_flow(http_port):
    """Every node type; digits choose the route. Short prompts (silence, tones)
    keep the timing of the scripted calls predictable."""
    sil = {"silence_ms": 200}
    return {
        "id": "route", "name": "Every node", "languages": ["zh", "en"], "start": "answer",
        "variables": {"balance": ""},
        "nodes": {
            "answer": {"type": "answer", "next": "notice"},
            "notice": {"type": "notice", "notice": "storm", "prompt": {"tone": "beep"}, "next": "hours"},
            "hours": {"type": "schedule", "timezone": "Asia/Shanghai",
                      "hours": {"weekdays": ["00:00-24:00"], "weekend": ["00:00-24:00"]},
                      "open": "lang", "closed": "closed"},
            "closed": {"type": "hangup", "reason": "closed"},
            "lang": {"type": "menu", "prompt": {"tone": "beep"}, "branches": {"1": "zh", "2": "en"},
                     "timeout_ms": 8000, "retries": 0, "default": "zh"},
            "zh": {"type": "language", "language": "zh", "next": "main"},
            "en": {"type": "language", "language": "en", "next": "main"},
            "main": {"type": "menu", "prompt": sil, "timeout_ms": 8000, "retries": 0, "default": "bye",
                     "branches": {"1": "account", "3": "vm", "4": "cb", "5": "xfer", "6": "agents", "7": "rate",
                                  "9": "bye"}},
            "account": {"type": "input", "prompt": sil, "variable": "account", "min_digits": 6, "max_digits": 12,
                        "terminator": "#", "timeout_ms": 8000, "inter_digit_timeout_ms": 5000,
                        "pattern": "^[0-9]{6}$", "retries": 0, "next": "lookup", "failure": "bye"},
            "lookup": {"type": "http", "url": f"http://127.0.0.1:{http_port}/balance?account=${{account}}",
                       "timeout_ms": 1000, "result": {"balance": "data.balance"}, "next": "mark",
                       "fallback": "sorry"},
            "mark": {"type": "set", "values": {"looked_up": "yes"}, "next": "rich"},
            "rich": {"type": "branch", "cases": [{"when": "num(balance) > 50", "next": "say"}], "default": "bye"},
            "say": {"type": "play", "prompt": {"tts": {"zh": "余额${balance}元", "en": "Balance ${balance}"}},
                    "next": "bye"},
            "sorry": {"type": "play", "prompt": {"tone": "busy", "duration_ms": 300}, "next": "bye"},
            "vm": {"type": "voicemail", "mailbox": "sales", "max_length_s": 20, "next": "bye"},
            "cb": {"type": "callback", "queue": "service", "next": "bye"},
            "xfer": {"type": "transfer", "extension": "1005", "timeout_ms": 3000, "failure": "bye"},
            "agents": {"type": "queue", "queue": "no-such-queue", "failure": "bye"},
            "rate": {"type": "survey", "prompt": sil, "question": "q1", "next": "bye"},
            "bye": {"type": "hangup", "prompt": sil, "reason": "completed"},
        },
    }


@pytest.fixture(scope="module")
def lookup():
    s = ivrlib.LookupServer()
    yield s
    s.close()


@pytest.fixture(scope="module")
def daemon(lookup):
    d = ivrlib.IvrDaemon().start()
    d.publish_flow(route_flow(lookup.port), number="7000")
    yield d
    rc = d.stop()
    assert rc == 0, d.read_log()


def digits(ds, gap=300):
    out = []
    for d in ds:
        out += [("digit", d), ("pause", gap)]
    return out


START = [("pause", 800), ("digit", "2"), ("pause", 600)]  # past the notice and the beep: English


def test_menu_input_http_set_branch_play_and_hangup(daemon, lookup):
    who = caller()
    run_call(daemon, "7000", who, START + [("digit", "1"), ("pause", 500)] + digits("234567#"))
    path = daemon.ivr_path(who)
    assert nodes(path) == ["answer", "notice", "hours", "lang", "en", "main", "account", "lookup", "mark", "rich",
                           "say", "bye"], path
    assert path["exit_reason"] == "completed"
    assert path["path"]["language"] == "en"
    assert step(path, "notice")["active"] is False
    assert step(path, "hours")["state"] == "open"
    assert step(path, "account")["vars"]["account"] == "234567"
    assert step(path, "lookup")["http"]["outcome"] == "ok"
    assert step(path, "lookup")["http"]["status"] == 200
    assert step(path, "lookup")["vars"]["balance"] == "88.50"
    assert step(path, "mark")["vars"]["looked_up"] == "yes"
    assert any("account=234567" in r for r in lookup.requests)
    # The call ended by the IVR's BYE (the scenario waited for it) and has a CDR.
    s, _, cdrs = daemon.api("GET", "/api/v1/cdrs?limit=1000")
    cdr = [c for c in cdrs["items"] if c["id"] == path["call_id"]][0]
    assert cdr["hangup_side"] == "system" and cdr["answer"], cdr


@pytest.mark.parametrize("account,outcome", [("345678", "timeout"), ("456789", "bad_reply"), ("567890", "status")])
def test_http_failures_take_the_fallback(daemon, account, outcome):
    who = caller()
    run_call(daemon, "7000", who, START + [("digit", "1"), ("pause", 500)] + digits(account + "#"))
    path = daemon.ivr_path(who)
    assert nodes(path)[-3:] == ["lookup", "sorry", "bye"], nodes(path)
    http = step(path, "lookup")["http"]
    assert http["outcome"].startswith(outcome) or outcome in http["outcome"], http
    if outcome == "timeout":
        assert http["ms"] < 2000, http


def test_voicemail_records_until_hash(daemon):
    who = caller()
    run_call(daemon, "7000", who, START + [("digit", "3"), ("pause", 2500), ("digit", "#"), ("pause", 300)])
    path = daemon.ivr_path(who)
    assert nodes(path)[-2:] == ["vm", "bye"], nodes(path)
    assert path["exit_reason"] == "voicemail"
    assert step(path, "vm")["finished_by"] == "#"

    def stored():
        s, _, vms = daemon.api("GET", "/api/v1/voicemails?mailbox=sales")
        return [v for v in vms["items"] if v["caller"] == who] if s == 200 else None
    vm = wait_until(stored, 10, "the voicemail row")[0]
    assert vm["call_id"] == path["call_id"] and vm["duration_ms"] > 500, vm
    s, h, audio = daemon.request("GET", vm["audio_url"], token=daemon.token)
    assert s == 200 and h["content-type"] == "audio/wav", (s, h)
    assert audio.startswith("RIFF"), audio[:16]


def test_callback_request_is_stored(daemon):
    who = caller()
    run_call(daemon, "7000", who, START + [("digit", "4"), ("pause", 300)])
    path = daemon.ivr_path(who)
    assert nodes(path)[-2:] == ["cb", "bye"], nodes(path)

    def stored():
        s, _, cbs = daemon.api("GET", "/api/v1/callbacks")
        return [c for c in cbs["items"] if c["number"] == who] if s == 200 else None
    cb = wait_until(stored, 10, "the callback row")[0]
    assert cb["queue"] == "service" and cb["call_id"] == path["call_id"], cb


def test_transfer_to_an_unregistered_extension_takes_the_failure_branch(daemon):
    who = caller()
    run_call(daemon, "7000", who, START + [("digit", "5"), ("pause", 300)])
    path = daemon.ivr_path(who)
    assert nodes(path)[-2:] == ["xfer", "bye"], nodes(path)
    assert step(path, "xfer")["outcome"] == "failed", step(path, "xfer")


def test_queue_without_such_queue_takes_the_failure_branch(daemon):
    who = caller()
    run_call(daemon, "7000", who, START + [("digit", "6"), ("pause", 300)])
    path = daemon.ivr_path(who)
    assert nodes(path)[-2:] == ["agents", "bye"], nodes(path)
    assert step(path, "agents")["outcome"] == "failed"
    assert path["reached_agent"] is False


def test_survey_rating_is_stored_with_the_call(daemon):
    who = caller()
    run_call(daemon, "7000", who, START + [("digit", "7"), ("pause", 500), ("digit", "4"), ("pause", 300)])
    path = daemon.ivr_path(who)
    assert nodes(path)[-2:] == ["rate", "bye"], nodes(path)
    wait_until(lambda: daemon.api("GET", f"/api/v1/calls/{path['call_id']}/ivr-path")[2]["surveys"], 10, "survey")
    surveys = daemon.api("GET", f"/api/v1/calls/{path['call_id']}/ivr-path")[2]["surveys"]
    assert surveys[0]["rating"] == 4 and surveys[0]["question"] == "q1", surveys


def test_caller_hanging_up_in_the_menu(daemon):
    who = caller()
    run_call(daemon, "7000", who, [("pause", 1500)], end="bye")
    path = daemon.ivr_path(who)
    assert path["exit_reason"] == "hangup_in_ivr", path
    assert nodes(path)[-1] == "lang"


def test_menu_timeout_takes_the_default(daemon):
    # No digit at all: lang (8 s) -> zh -> main (8 s) -> bye.
    who = caller()
    run_call(daemon, "7000", who, [], timeout=40)
    path = daemon.ivr_path(who)
    assert nodes(path)[-4:] == ["lang", "zh", "main", "bye"], nodes(path)
    assert path["path"]["language"] == "zh"


def test_notice_switch_and_closed_schedule(daemon, lookup):
    s, _, n = daemon.api("PUT", "/api/v1/notices/storm", {"active": True, "text": "Typhoon warning"})
    assert s == 200 and n["active"] is True, n
    try:
        who = caller()
        run_call(daemon, "7000", who, [("pause", 3000), ("digit", "2"), ("pause", 600), ("digit", "9"),
                                       ("pause", 300)])
        path = daemon.ivr_path(who)
        assert step(path, "notice")["active"] is True
    finally:
        s, _, n = daemon.api("PUT", "/api/v1/notices/storm", {"active": False})
        assert s == 200 and n["active"] is False
    # A flow that is closed right now.
    flow = route_flow(lookup.port)
    flow["id"] = "closed"
    flow["nodes"]["hours"]["hours"] = {}
    flow["nodes"]["hours"]["holidays"] = []
    daemon.publish_flow(flow, number="7001")
    who = caller()
    run_call(daemon, "7001", who, [])
    path = daemon.ivr_path(who)
    assert nodes(path) == ["answer", "notice", "hours", "closed"], nodes(path)
    assert step(path, "hours")["state"] == "closed"


def test_blacklisted_callers_are_rejected(daemon):
    who = caller()
    s, _, e = daemon.api("POST", "/api/v1/blacklist", {"pattern": who, "reason": "fraud"})
    assert s == 201, e
    run_call(daemon, "7000", who, reject=603)
    # A prefix from the CSV import.
    csv = b"number,reason,expires_at\n1390000*,robocalls,\nbad-number,x,\n"
    s, _, r = daemon.request("POST", "/api/v1/blacklist/import", raw=csv, token=daemon.token)
    # request() labels raw bodies as JSON; the import insists on text/csv.
    assert s == 415, r
    r = _post_csv(daemon, csv)
    assert r["imported"] == 1 and r["errors"][0]["line"] == 3, r
    run_call(daemon, "7000", "13900001234", reject=603)
    s, _, lst = daemon.api("GET", "/api/v1/blacklist")
    ids = [x["id"] for x in lst["items"] if x["pattern"] in (who, "1390000*")]
    for i in ids:
        assert daemon.api("DELETE", "/api/v1/blacklist/" + i)[0] == 204
    # Off the list: the call goes through to the flow again.
    run_call(daemon, "7000", who, [("pause", 500)], end="bye")


def _post_csv(daemon, data):
    import http.client
    import json
    conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=15)
    conn.request("POST", "/api/v1/blacklist/import", body=data,
                 headers={"Content-Type": "text/csv", "Authorization": "Bearer " + daemon.token})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    assert resp.status == 200, body
    return body


def test_demo_flow_on_did_4001(daemon):
    # The demo DID routes to the bilingual demo flow; choosing English and
    # hanging up in the schedule/menu part ends in the IVR.
    s, _, dids = daemon.api("GET", "/api/v1/dids")
    assert any(d["number"] == "4001" and d["target_type"] == "flow" and d["target"] == "demo"
               for d in dids["items"]), dids
    who = caller()
    run_call(daemon, "4001", who, [("pause", 1500), ("digit", "2"), ("pause", 1500)], end="bye")
    path = daemon.ivr_path(who)
    assert path["flow_id"] == "demo"
    assert nodes(path)[:3] == ["answer", "choose_language", "lang_en"], nodes(path)
    assert path["path"]["language"] == "en"
