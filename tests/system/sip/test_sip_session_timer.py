"""Session timers (RFC 4028) with sipp: an interval equal to Min-SE is
accepted with Session-Expires and Require: timer in the 200; a call whose
caller refreshes by UPDATE outlives the interval; a call whose caller never
refreshes is hung up on both legs before the interval ends (BYE with Reason
cause=408, CDR cause session_timeout). The two calls run side by side.

Real configs cannot set a Min-SE below 90 s (sip.min_se's floor); these tests
set the test-only sip.test_min_se to 20 s and ask for a 20 s interval, so they
take ~30 s instead of ~95 s (a 422 still advertises Min-SE: 90, sofia's floor).
The scenarios ask for 90 s: the test runs copies with the interval and the
pauses scaled down."""
import os
import tempfile
import time

import pytest

from siplib import SCENARIOS, Daemon, free_port, sipp, wait_sipp
from sipua import UA
from test_sip_calls import register_contact, unregister_all

FIXTURE = {"extensions": [{"number": "100", "password": "secret100"},
                          {"number": "101", "password": "secret101"},
                          {"number": "200", "password": "secret200"},
                          {"number": "400", "password": "secret400"}]}


INTERVAL = 20  # seconds: Min-SE and the session interval the calls ask for


def scaled(name, pauses=()):
    """A copy of a 90 s scenario asking for INTERVAL instead, with its pauses
    (ms, in order) replaced by `pauses`."""
    with open(os.path.join(SCENARIOS, name)) as f:
        text = f.read().replace("90;refresher=uac", f"{INTERVAL};refresher=uac")
    for old, new in zip(("50000", "40000"), pauses):
        text = text.replace(f'<pause milliseconds="{old}"/>', f'<pause milliseconds="{new}"/>')
    path = os.path.join(tempfile.mkdtemp(prefix="sipp-scen-"), name)
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.session_timer": "1800", "sip.test_min_se": str(INTERVAL)})
    yield d
    d.stop()


def test_interval_below_min_se_is_422(daemon):
    ua = UA(daemon, "100", "secret100")
    try:
        d, r = ua.call("200", extra=["Supported: timer", f"Session-Expires: {INTERVAL // 2}"])
        assert d is None and r.status == 422, r.first
        # sofia never advertises a Min-SE below RFC 4028's floor, even with test_min_se.
        assert r.h("Min-SE").split(";")[0].strip() == "90", r.h("Min-SE")
    finally:
        ua.close()


def test_refreshed_call_lives_and_unrefreshed_call_is_hung_up(daemon):
    p200, p400 = free_port(), free_port()
    register_contact(daemon, "200", p200)
    register_contact(daemon, "400", p400)
    try:
        callee_expire = sipp("uas_answer.xml", daemon, "200", p200, background=True, timeout=60)
        callee_refresh = sipp("uas_answer.xml", daemon, "400", p400, background=True, timeout=60)
        time.sleep(0.3)
        started = time.time()
        expire = sipp(scaled("uac_session_expire.xml"), daemon, "200", free_port(), caller="100", user="100",
                      password="secret100", timeout=60, background=True)
        # UPDATE after 11 s, BYE 14 s later: the call lives 25 s, past the first interval's end.
        refresh = sipp(scaled("uac_session_refresh.xml", ("11000", "14000")), daemon, "400", free_port(),
                       caller="101", user="101", password="secret101", timeout=60, background=True)
        rc, err = wait_sipp(expire, timeout=70)
        torn_down_after = time.time() - started
        assert rc == 0, err
        # nua hangs up at 9/10 of the interval when the peer is the refresher.
        assert 0.75 * INTERVAL <= torn_down_after <= INTERVAL, torn_down_after
        assert wait_sipp(callee_expire, timeout=10)[0] == 0  # the other leg got its BYE too
        rc, err = wait_sipp(refresh, timeout=40)
        assert rc == 0, err  # no BYE arrived in the interval after the UPDATE refresh
        assert wait_sipp(callee_refresh, timeout=10)[0] == 0
    finally:
        unregister_all(daemon, "200")
        unregister_all(daemon, "400")
    daemon.wait_for("calls", lambda c: c == [], timeout=10)
    cdrs = daemon.cmd("cdrs")
    expired = next(c for c in cdrs if c["caller"] == "100")
    refreshed = next(c for c in cdrs if c["caller"] == "101")
    assert expired["answered"] and expired["cause"] == "session_timeout" and expired["side"] == "caller", expired
    assert refreshed["answered"] and refreshed["cause"] == "normal" and refreshed["side"] == "caller", refreshed
    assert refreshed["duration_us"] > (INTERVAL + 4) * 1_000_000, refreshed


def test_update_refresh_with_sdp_gets_the_current_answer(daemon):
    # Some phones refresh with an UPDATE carrying their unchanged offer: the
    # answer is the SDP they already have (the callee's), not an empty 200.
    port = free_port()
    register_contact(daemon, "200", port)
    ua = UA(daemon, "100", "secret100")
    try:
        callee = sipp("uas_answer.xml", daemon, "200", port, background=True, timeout=15)
        time.sleep(0.3)
        d, ok = ua.call("200", extra=["Supported: timer", "Session-Expires: 120;refresher=uac"])
        assert d is not None and ok.status == 200, ok.first
        assert ok.h("Session-Expires").startswith("120"), ok.h("Session-Expires")
        cseq = ua.request(d, "UPDATE", ["Supported: timer", "Session-Expires: 120;refresher=uac"],
                          body=d.local_sdp)
        r = ua.response(d, cseq)
        assert r.status == 200 and "m=audio" in r.body and r.body == ok.body, r.body
        assert r.h("Session-Expires").startswith("120"), r.h("Session-Expires")
        cseq = ua.request(d, "BYE")
        assert ua.response(d, cseq).status == 200
        assert wait_sipp(callee)[0] == 0
    finally:
        ua.close()
        unregister_all(daemon, "200")
