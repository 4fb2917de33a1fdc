"""Replaces (RFC 3891) is matched by Call-ID *and* both tags, with early-only:
a REFER whose Refer-To names a dialog by the right Call-ID but a wrong tag,
or early-only for a confirmed dialog, is refused in the NOTIFY sipfrag (481 /
486) and nothing moves; an INVITE with Replaces gets 481 / 486 / 400 the same
way (and 501 when it does name a live dialog: taking over a dialog by INVITE,
call pickup, is not offered). Parties are the dialog-aware UA of sipua.py,
since the transferor holds two dialogs."""
import threading

import pytest

from siplib import Daemon
from sipua import UA

FIXTURE = {"extensions": [{"number": "100", "password": "secret100"},
                          {"number": "200", "password": "secret200"},
                          {"number": "400", "password": "secret400"}]}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.no_answer_timeout": "5"})
    yield d
    assert d.stop() == 0, d.log()


def replaces(call_id, to_tag, from_tag, early_only=False):
    return f"{call_id};to-tag={to_tag};from-tag={from_tag}" + (";early-only" if early_only else "")


def call_between(caller, callee, target):
    """caller INVITEs target, callee answers; returns (caller's dialog, callee's dialog)."""
    out = []
    t = threading.Thread(target=lambda: out.append(caller.call(target)), daemon=True)
    t.start()
    dc = callee.answer()
    t.join(10)
    d, ok = out[0]
    assert d is not None, ok.first
    return d, dc


def hang_up(ua, d, far, far_d):
    cseq = ua.request(d, "BYE")
    assert ua.response(d, cseq).status == 200
    m = far.recv(5, lambda m: m.method == "BYE" and m.call_id == far_d.call_id)
    far.respond(m, 200, "OK")


def refer_outcome(b, d1, value):
    from urllib.parse import quote
    cseq = b.request(d1, "REFER", [f"Refer-To: <sip:400@127.0.0.1:{b.daemon.port}?Replaces={quote(value, safe='')}>"])
    assert b.response(d1, cseq).status == 202
    m = b.recv(5, lambda m: m.method == "NOTIFY" and m.call_id == d1.call_id)
    b.respond(m, 200, "OK")
    return m.body.strip()


def test_refer_with_replaces_needs_both_tags_and_honours_early_only(daemon):
    a, b, c = UA(daemon, "100", "secret100"), UA(daemon, "200", "secret200"), UA(daemon, "400", "secret400")
    try:
        assert b.register() == 200 and c.register() == 200
        da, d1 = call_between(a, b, "200")   # A -> B
        d2, dc = call_between(b, c, "400")   # B consults C
        daemon.wait_for("calls", lambda x: len(x) == 2 and all(y["state"] == "answered" for y in x))
        # The switch's tags on B's consultation leg: its own (To) tag is d2.remote_tag, B's is d2.local_tag.
        for value, status in [(replaces(d2.call_id, "wrong", d2.local_tag), "481"),
                              (replaces(d2.call_id, d2.remote_tag, "wrong"), "481"),
                              (replaces(d2.call_id, d2.local_tag, d2.remote_tag), "481"),  # tags swapped
                              (replaces(d2.call_id, d2.remote_tag, d2.local_tag, early_only=True), "486"),
                              (d2.call_id + ";to-tag=" + d2.remote_tag, "400")]:              # from-tag missing
            frag = refer_outcome(b, d1, value)
            assert frag.startswith(f"SIP/2.0 {status}"), (value, frag)
        # Nothing moved: both calls are still up between their original parties.
        calls = daemon.cmd("calls")
        assert len(calls) == 2 and all(x["state"] == "answered" for x in calls), calls
        assert sorted(x["caller"] for x in calls) == ["100", "200"], calls
        hang_up(b, d2, c, dc)
        hang_up(a, da, b, d1)
    finally:
        for ua in (a, b, c):
            ua.close()
    daemon.wait_for("calls", lambda x: x == [], timeout=10)


def test_invite_with_replaces_is_matched_by_call_id_and_tags(daemon):
    a, b, c = UA(daemon, "100", "secret100"), UA(daemon, "200", "secret200"), UA(daemon, "400", "secret400")
    try:
        assert b.register() == 200
        da, db = call_between(a, b, "200")
        daemon.wait_for("calls", lambda x: len(x) == 1 and x[0]["state"] == "answered")
        # A's leg seen from the switch: local tag = da.remote_tag, remote tag = da.local_tag.
        for value, status in [(replaces("nosuch@x", "1", "2"), 481),
                              (replaces(da.call_id, "wrong", da.local_tag), 481),
                              (replaces(da.call_id, da.remote_tag, "wrong"), 481),
                              (replaces(da.call_id, da.remote_tag, da.local_tag, early_only=True), 486),
                              (da.call_id + ";from-tag=" + da.local_tag, 400),
                              (replaces(da.call_id, da.remote_tag, da.local_tag), 501)]:
            d, r = c.call("200", extra=[f"Replaces: {value}"])
            assert d is None and r.status == status, (value, r.first)
        # The call it named goes on untouched.
        calls = daemon.cmd("calls")
        assert len(calls) == 1 and calls[0]["state"] == "answered", calls
        hang_up(a, da, b, db)
    finally:
        for ua in (a, b, c):
            ua.close()
    daemon.wait_for("calls", lambda x: x == [], timeout=10)
