"""SIP trunks: an inbound call from a carrier's address to a DID rings the
extension; an outbound call follows the dial plan (rewrite) and fails over
from a trunk answering 503 to the next one; channel limits."""
import time

import pytest

from siplib import Daemon, RawClient, free_port, sipp, status_of, wait_sipp
from test_sip_calls import register_contact, unregister_all

PORT_A = free_port()
PORT_B = free_port()
FIXTURE = {
    "extensions": [{"number": "100", "password": "secret100"}, {"number": "200", "password": "secret200"}],
    "trunks": [{"name": "carrierA", "host": "127.0.0.1", "port": PORT_A, "inbound_addresses": ["127.0.0.2"]},
               {"name": "carrierB", "host": "127.0.0.1", "port": PORT_B, "inbound_addresses": ["127.0.0.3"],
                "max_channels": 1}],
    "dids": [{"number": "5551000", "target": "200"}, {"number": "5552000", "target_type": "queue", "target": "q1"}],
    "dial_rules": [{"name": "national", "prefix": "0", "strip_digits": 1, "prepend": "49",
                    "trunks": ["carrierA", "carrierB"]}],
}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.trunk_timeout": "2"})
    yield d
    d.stop()


def wait_idle(daemon):
    daemon.wait_for("calls", lambda c: c == [], timeout=10)


def test_inbound_did_rings_extension(daemon):
    port = free_port()
    register_contact(daemon, "200", port)
    try:
        uas = sipp("uas_answer.xml", daemon, "200", port, background=True, timeout=15)
        time.sleep(0.3)
        rc, err = sipp("uac_trunk_call.xml", daemon, "5551000", free_port("127.0.0.2"), caller="0301234",
                       ip="127.0.0.2")
        assert rc == 0, err
        assert wait_sipp(uas)[0] == 0
    finally:
        unregister_all(daemon, "200")
    wait_idle(daemon)
    cdr = daemon.cmd("cdrs")[0]
    assert cdr["direction"] == "inbound" and cdr["did"] == "5551000" and cdr["destination"] == "200"
    assert cdr["caller"] == "0301234" and cdr["answered"] and cdr["trunk_id"]


def test_inbound_unknown_did_and_unsupported_target(daemon):
    # A trunk is never challenged; the raw client plays the carrier.
    c = RawClient(daemon, ip="127.0.0.2")
    r = c.request("INVITE", "0301234", to_user="5559999")
    while status_of(r) < 200:
        r = c.recv()
    assert status_of(r) == 404
    c2 = RawClient(daemon, ip="127.0.0.2")
    r = c2.request("INVITE", "0301234", to_user="5552000")
    while status_of(r) < 200:
        r = c2.recv()
    # A "queue" target is an app call: it needs anchored media, which this daemon runs without.
    assert status_of(r) == 503


def test_outbound_failover_and_rewrite(daemon):
    a = sipp("uas_reject_503.xml", daemon, "x", PORT_A, background=True, timeout=15)
    b = sipp("uas_answer.xml", daemon, "x", PORT_B, background=True, timeout=15,
             extra=["-trace_msg"])
    time.sleep(0.3)
    rc, err = sipp("uac_call.xml", daemon, "0301234", free_port(), caller="100", user="100", password="secret100")
    assert rc == 0, err
    assert wait_sipp(a)[0] == 0
    assert wait_sipp(b)[0] == 0
    wait_idle(daemon)
    cdr = daemon.cmd("cdrs")[0]
    assert cdr["direction"] == "outbound" and cdr["destination"] == "49301234" and cdr["answered"]
    assert [leg["sip_code"] for leg in cdr["legs"][1:]] == [503, 200]
    # The carrier saw the rewritten number.
    import glob
    log = open(glob.glob(b[1] + "/*_messages.log")[0], errors="replace").read()
    assert "INVITE sip:49301234@127.0.0.1" in log


def test_outbound_all_trunks_fail(daemon):
    a = sipp("uas_reject_503.xml", daemon, "x", PORT_A, background=True, timeout=15)
    b = sipp("uas_reject_503.xml", daemon, "x", PORT_B, background=True, timeout=15)
    time.sleep(0.3)
    rc, err = sipp("uac_expect_503.xml", daemon, "0301234", free_port(), caller="100", user="100",
                   password="secret100")
    assert rc == 0, err
    assert wait_sipp(a)[0] == 0 and wait_sipp(b)[0] == 0
    wait_idle(daemon)
    assert daemon.cmd("cdrs")[0]["sip_code"] == 503


def test_outbound_failover_on_timeout(daemon):
    # carrierA only sends 100 Trying: after trunk_timeout (2 s) the switch CANCELs it and carrierB answers.
    a = sipp("uas_silent.xml", daemon, "x", PORT_A, background=True, timeout=15)
    b = sipp("uas_answer.xml", daemon, "x", PORT_B, background=True, timeout=15)
    time.sleep(0.3)
    started = time.time()
    rc, err = sipp("uac_call.xml", daemon, "0301234", free_port(), caller="100", user="100", password="secret100")
    assert rc == 0, err
    assert time.time() - started >= 2
    assert wait_sipp(a)[0] == 0  # it got the CANCEL
    assert wait_sipp(b)[0] == 0
    wait_idle(daemon)
    cdr = daemon.cmd("cdrs")[0]
    codes = [leg["sip_code"] for leg in cdr["legs"][1:]]
    # The silent trunk's leg: 408 when the switch gave up; today the 487 of its CANCEL overwrites it.
    assert cdr["answered"] and len(codes) == 2 and codes[0] in (408, 487) and codes[1] == 200, cdr


def test_channel_limit_inbound_and_outbound(daemon):
    # carrierB allows one channel. A call from it to a DID holds that channel...
    port = free_port()
    register_contact(daemon, "200", port)
    try:
        uas = sipp("uas_answer.xml", daemon, "200", port, background=True, timeout=20)
        time.sleep(0.3)
        held = sipp("uac_trunk_call.xml", daemon, "5551000", free_port("127.0.0.3"), caller="0301234",
                    ip="127.0.0.3", pause_ms=4000, timeout=20, background=True)
        daemon.wait_for("calls", lambda c: len(c) == 1 and c[0]["state"] == "answered")
        # ...so a second inbound call from carrierB gets 503,
        rc, err = sipp("uac_trunk_expect_503.xml", daemon, "5551000", free_port("127.0.0.3"), caller="0307777",
                       ip="127.0.0.3")
        assert rc == 0, err
        refused = daemon.cmd("cdrs")[0]
        assert refused["caller"] == "0307777" and refused["sip_code"] == 503 and not refused["answered"], refused
        # ...and an outbound call failing over from carrierA (503) skips carrierB instead of calling it.
        a = sipp("uas_reject_503.xml", daemon, "x", PORT_A, background=True, timeout=15)
        time.sleep(0.3)
        rc, err = sipp("uac_expect_503.xml", daemon, "0301234", free_port(), caller="100", user="100",
                       password="secret100")
        assert rc == 0, err
        assert wait_sipp(a)[0] == 0
        out = daemon.cmd("cdrs")[0]
        assert out["direction"] == "outbound" and out["sip_code"] == 503, out
        assert [leg["sip_code"] for leg in out["legs"][1:]] == [503], out  # no leg to carrierB
        rc, err = wait_sipp(held)
        assert rc == 0, err
        assert wait_sipp(uas)[0] == 0
    finally:
        unregister_all(daemon, "200")
    wait_idle(daemon)
    # The channel is free again: carrierB takes a call.
    b = sipp("uas_answer.xml", daemon, "x", PORT_B, background=True, timeout=15)
    a = sipp("uas_reject_503.xml", daemon, "x", PORT_A, background=True, timeout=15)
    time.sleep(0.3)
    rc, err = sipp("uac_call.xml", daemon, "0301234", free_port(), caller="100", user="100", password="secret100")
    assert rc == 0, err
    assert wait_sipp(a)[0] == 0 and wait_sipp(b)[0] == 0
    wait_idle(daemon)
