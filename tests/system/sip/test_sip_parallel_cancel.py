"""CANCEL with Reason (RFC 3326) when a call rings several phones at once:
the phones that lose because another one answered get
`Reason: SIP;cause=200;text="Call completed elsewhere"` (so they don't log a
missed call, as with Asterisk and FreeSWITCH); a CANCEL because the caller
hung up carries no such reason. Both for an extension with two registered
phones (forking) and for ring-all parallel connects of an app call
(ConnectRequest::parallel, what the ACD's ring_all strategy uses). The sipp
phones check the header themselves (ereg check_it / check_it_inverse)."""
import time

import pytest

from applib import (RtpPeer, Sipp, app_daemon, app_events, new_call_id, register_contact, unregister_all, wait_event,
                    wait_until)
from siplib import Daemon, free_port, sipp, wait_sipp

FIXTURE = {"extensions": [{"number": "100", "password": "secret100"},
                          {"number": "200", "password": "secret200"},
                          {"number": "201", "password": "secret201"}],
           "dids": [{"number": "5551000", "target_type": "queue", "target": "q1"}]}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.no_answer_timeout": "10"})
    yield d
    d.stop()


@pytest.fixture(scope="module")
def app():
    d = app_daemon(FIXTURE, "idle")
    yield d
    d.stop()


def wait_idle(d):
    d.wait_for("calls", lambda c: c == [], timeout=15)


def test_fork_that_lost_to_another_phone_gets_reason_call_completed_elsewhere(daemon):
    ring_port, answer_port = free_port(), free_port()
    register_contact(daemon, "200", ring_port)
    register_contact(daemon, "200", answer_port)
    try:
        ringer = sipp("uas_ring_cancel_elsewhere.xml", daemon, "200", ring_port, background=True, timeout=15)
        answerer = sipp("uas_answer.xml", daemon, "200", answer_port, background=True, timeout=15, pause_ms=1000)
        time.sleep(0.3)
        rc, err = sipp("uac_call.xml", daemon, "200", free_port(), caller="100", user="100", password="secret100")
        assert rc == 0, err
        assert wait_sipp(answerer)[0] == 0
        rc, err = wait_sipp(ringer)
        assert rc == 0, "the losing phone's CANCEL lacks the RFC 3326 Reason: " + err
    finally:
        unregister_all(daemon, "200")
    wait_idle(daemon)


def test_caller_cancel_carries_no_answered_elsewhere_reason(daemon):
    ring_port = free_port()
    register_contact(daemon, "200", ring_port)
    try:
        ringer = sipp("uas_ring_cancel_plain.xml", daemon, "200", ring_port, background=True, timeout=15)
        time.sleep(0.3)
        rc, err = sipp("uac_cancel.xml", daemon, "200", free_port(), caller="100", user="100", password="secret100")
        assert rc == 0, err
        rc, err = wait_sipp(ringer)
        assert rc == 0, "a caller's CANCEL must not say 'completed elsewhere': " + err
    finally:
        unregister_all(daemon, "200")
    wait_idle(daemon)
    assert daemon.cmd("cdrs")[0]["cause"] == "cancelled"


def app_customer(app):
    c_rtp = RtpPeer()
    before = len(app.cmd("appevents"))
    c = Sipp(app, "app_uac.xml", free_port(), service="5551000", rtp=c_rtp.port, caller="100",
             auth=("100", "secret100"))
    cid = new_call_id(app, before)
    assert app.cmd(f"app answer {cid}") == {"ok": True}
    return cid, c, c_rtp


def test_ring_all_losers_get_reason_and_answered_elsewhere(app):
    ring_port, answer_port = free_port(), free_port()
    register_contact(app, "201", ring_port)
    register_contact(app, "200", answer_port)
    a_rtp = RtpPeer()
    c_rtp = None
    try:
        ringer = Sipp(app, "uas_ring_cancel_elsewhere.xml", ring_port)
        answerer = Sipp(app, "app_uas.xml", answer_port, rtp=a_rtp.port)
        time.sleep(0.2)
        cid, customer, c_rtp = app_customer(app)
        r1 = app.cmd(f"app connect {cid} 201 parallel")
        assert r1["ok"], r1
        wait_until(lambda: ringer.received("INVITE"), 5, "the INVITE to 201")
        r2 = app.cmd(f"app connect {cid} 200 parallel")
        assert r2["ok"], r2
        won = wait_event(app, "connect_result", cid, pred=lambda e: e["connect_id"] == r2["id"])
        assert won["answered"] and won["cause"] == "answered"
        lost = wait_event(app, "connect_result", cid, pred=lambda e: e["connect_id"] == r1["id"])
        assert not lost["answered"] and lost["cause"] == "answered_elsewhere", lost
        assert ringer.wait() == 0, "the losing phone's CANCEL lacks the RFC 3326 Reason: " + ringer.errors()
        assert app.cmd(f"app hangup {cid}") == {"ok": True}
        assert answerer.wait() == 0, answerer.errors()
        assert customer.wait() == 0, customer.errors()
    finally:
        a_rtp.close()
        if c_rtp:
            c_rtp.close()
        unregister_all(app, "200")
        unregister_all(app, "201")
    wait_idle(app)


def test_ring_all_caller_hangs_up_cancels_without_that_reason(app):
    p1, p2 = free_port(), free_port()
    register_contact(app, "200", p1)
    register_contact(app, "201", p2)
    c_rtp = None
    try:
        phones = [Sipp(app, "uas_ring_cancel_plain.xml", p1), Sipp(app, "uas_ring_cancel_plain.xml", p2)]
        time.sleep(0.2)
        cid, customer, c_rtp = app_customer(app)
        ids = [app.cmd(f"app connect {cid} {ext} parallel")["id"] for ext in ("200", "201")]
        for p in phones:
            wait_until(lambda p=p: p.received("INVITE"), 5, "the INVITEs of ring-all")
        assert app.cmd(f"app hangup {cid}") == {"ok": True}  # the customer's call ends while both ring
        for p in phones:
            assert p.wait() == 0, "a CANCEL for a call that nobody answered claims otherwise: " + p.errors()
        assert customer.wait() == 0, customer.errors()
        wait_event(app, "ended", cid)
        # The app ended the call itself: no connect result claims the connects lost to an answer.
        assert not [e for e in app_events(app, cid, "connect_result") if e["connect_id"] in ids]
    finally:
        if c_rtp:
            c_rtp.close()
        unregister_all(app, "200")
        unregister_all(app, "201")
    wait_idle(app)
