"""Extension-to-extension calls through the B2BUA with sipp on both sides:
answer + BYE either side, CANCEL, busy (DND and 486), no answer, hold/unhold
and INFO relay, parallel ringing. Every call leaves a CDR."""
import time

import pytest

from siplib import Daemon, RawClient, free_port, sipp, status_of, wait_sipp

FIXTURE = {"extensions": [{"number": "100", "password": "secret100", "display_name": "Alice"},
                          {"number": "200", "password": "secret200"},
                          {"number": "300", "password": "secret300", "dnd": True},
                          {"number": "400", "password": "secret400"}]}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.no_answer_timeout": "2"})
    yield d
    d.stop()


def register_contact(daemon, ext, port):
    """Registers ext with a Contact at a sipp UAS port (same host, so kept as is)."""
    c = RawClient(daemon)
    r = c.register(ext, f"secret{ext}", contact=f"<sip:{ext}@127.0.0.1:{port}>", expires=300)
    assert status_of(r) == 200, r
    c.close()


def unregister_all(daemon, ext):
    c = RawClient(daemon)
    c.register(ext, f"secret{ext}", contact="*", expires=0)
    c.close()


def call(daemon, uac, uas, pause_ms=300, callee="200"):
    port = free_port()
    register_contact(daemon, callee, port)
    try:
        bg = sipp(uas, daemon, callee, port, background=True, pause_ms=pause_ms, timeout=15)
        time.sleep(0.3)
        rc, err = sipp(uac, daemon, callee, free_port(), caller="100", user="100", password="secret100",
                       pause_ms=pause_ms, timeout=15)
        rc2, err2 = wait_sipp(bg)
        return rc, err, rc2, err2
    finally:
        unregister_all(daemon, callee)


def last_cdr(daemon):
    return daemon.cmd("cdrs")[0]


def wait_idle(daemon):
    daemon.wait_for("calls", lambda c: c == [], timeout=10)


def test_call_answered_caller_hangs_up(daemon):
    rc, err, rc2, err2 = call(daemon, "uac_call.xml", "uas_answer.xml")
    assert rc == 0, err
    assert rc2 == 0, err2
    wait_idle(daemon)
    cdr = last_cdr(daemon)
    assert cdr["answered"] and cdr["caller"] == "100" and cdr["destination"] == "200"
    assert cdr["cause"] == "normal" and cdr["side"] == "caller" and cdr["sip_code"] == 200


def test_call_callee_hangs_up(daemon):
    rc, err, rc2, err2 = call(daemon, "uac_call_remote_bye.xml", "uas_answer_bye.xml")
    assert rc == 0, err
    assert rc2 == 0, err2
    wait_idle(daemon)
    cdr = last_cdr(daemon)
    assert cdr["cause"] == "normal" and cdr["side"] == "callee"


def test_cancel_while_ringing(daemon):
    rc, err, rc2, err2 = call(daemon, "uac_cancel.xml", "uas_ring.xml")
    assert rc == 0, err
    assert rc2 == 0, err2
    wait_idle(daemon)
    cdr = last_cdr(daemon)
    assert not cdr["answered"] and cdr["cause"] == "cancelled" and cdr["sip_code"] == 487


def test_busy_callee(daemon):
    rc, err, rc2, err2 = call(daemon, "uac_expect_486.xml", "uas_reject_486.xml")
    assert rc == 0, err
    assert rc2 == 0, err2
    wait_idle(daemon)
    assert last_cdr(daemon)["cause"] == "busy"


def test_dnd_is_busy(daemon):
    port = free_port()
    register_contact(daemon, "300", port)
    rc, err = sipp("uac_expect_486.xml", daemon, "300", free_port(), caller="100", user="100", password="secret100")
    assert rc == 0, err
    wait_idle(daemon)
    assert last_cdr(daemon)["cause"] == "busy"


def test_not_registered_and_unknown(daemon):
    rc, err = sipp("uac_expect_480.xml", daemon, "400", free_port(), caller="100", user="100", password="secret100")
    assert rc == 0, err
    rc, err = sipp("uac_expect_404.xml", daemon, "777", free_port(), caller="100", user="100", password="secret100")
    assert rc == 0, err


def test_no_answer_timeout(daemon):
    # no_answer_timeout is 2 s: the caller gets 480, the callee a CANCEL.
    rc, err, rc2, err2 = call(daemon, "uac_expect_480.xml", "uas_ring.xml")
    assert rc == 0, err
    assert rc2 == 0, err2
    wait_idle(daemon)
    assert last_cdr(daemon)["cause"] == "no_answer"


def test_hold_unhold_and_info(daemon):
    rc, err, rc2, err2 = call(daemon, "uac_hold.xml", "uas_hold.xml")
    assert rc == 0, err
    assert rc2 == 0, err2
    wait_idle(daemon)
    assert last_cdr(daemon)["answered"]


def test_parallel_ringing_first_answer_wins(daemon):
    ring_port, answer_port = free_port(), free_port()
    register_contact(daemon, "200", ring_port)
    register_contact(daemon, "200", answer_port)
    try:
        ringer = sipp("uas_ring.xml", daemon, "200", ring_port, background=True, timeout=15)
        answerer = sipp("uas_answer.xml", daemon, "200", answer_port, background=True, timeout=15)
        time.sleep(0.3)
        rc, err = sipp("uac_call.xml", daemon, "200", free_port(), caller="100", user="100", password="secret100")
        assert rc == 0, err
        assert wait_sipp(answerer)[0] == 0
        assert wait_sipp(ringer)[0] == 0  # the other fork got CANCEL
    finally:
        unregister_all(daemon, "200")
    wait_idle(daemon)
    cdr = last_cdr(daemon)
    assert cdr["answered"] and len(cdr["legs"]) == 3


def test_invite_without_credentials_is_challenged(daemon):
    c = RawClient(daemon)
    r = c.request("INVITE", "100", to_user="200", body="")
    assert status_of(r) in (100, 407)
    if status_of(r) == 100:
        r = c.recv()
    assert status_of(r) == 407 and "Proxy-Authenticate: Digest" in r


def test_blind_transfer(daemon):
    b_port, c_port = free_port(), free_port()
    register_contact(daemon, "200", b_port)
    c = RawClient(daemon)
    assert status_of(c.register("400", "secret400", contact=f"<sip:400@127.0.0.1:{c_port}>", expires=300)) == 200
    try:
        target = sipp("uas_answer.xml", daemon, "400", c_port, background=True, timeout=15)
        transferor = sipp("uas_transferor.xml", daemon, "200", b_port, background=True, timeout=15,
                          extra=["-key", "target", "400"])
        time.sleep(0.3)
        rc, err = sipp("uac_transferred.xml", daemon, "200", free_port(), caller="100", user="100",
                       password="secret100", pause_ms=500, timeout=15)
        assert rc == 0, err
        rc_b, err_b = wait_sipp(transferor)
        assert rc_b == 0, err_b
        rc_c, err_c = wait_sipp(target)
        assert rc_c == 0, err_c
    finally:
        unregister_all(daemon, "200")
        unregister_all(daemon, "400")
    wait_idle(daemon)
    cdr = last_cdr(daemon)
    assert cdr["answered"] and cdr["destination"] == "400", cdr


def test_originate_and_api_hangup(daemon):
    a_port, b_port = free_port(), free_port()
    register_contact(daemon, "100", a_port)
    register_contact(daemon, "200", b_port)
    try:
        a = sipp("uas_answer.xml", daemon, "100", a_port, background=True, timeout=15)
        b = sipp("uas_answer.xml", daemon, "200", b_port, background=True, timeout=15)
        time.sleep(0.3)
        call_id = daemon.cmd("originate 100 200")["call_id"]
        daemon.wait_for("calls", lambda c: len(c) == 1 and c[0]["state"] == "answered")
        assert daemon.cmd(f"hangup {call_id}") == {"ok": True}
        assert wait_sipp(a)[0] == 0 and wait_sipp(b)[0] == 0
    finally:
        unregister_all(daemon, "100")
        unregister_all(daemon, "200")
    wait_idle(daemon)
    cdr = last_cdr(daemon)
    assert cdr["id"] == call_id and cdr["answered"] and cdr["cause"] == "api" and cdr["callee"] == "200"


def test_keepalive_marks_dead_contact_unreachable():
    d = Daemon(FIXTURE, {"sip.options_interval": "1", "sip.options_failures_unreachable": "1",
                         "sip.timer_t1_ms": "50"})
    try:
        dead = free_port()  # nothing listens there
        c = RawClient(d)
        assert status_of(c.register("200", "secret200", contact=f"<sip:200@127.0.0.1:{dead}>")) == 200
        d.wait_for("registrations 200", lambda r: r and not r[0]["reachable"], timeout=15)
        # An unreachable contact is skipped: the caller gets 480 at once.
        rc, err = sipp("uac_expect_480.xml", d, "200", free_port(), caller="100", user="100", password="secret100")
        assert rc == 0, err
    finally:
        d.stop()
