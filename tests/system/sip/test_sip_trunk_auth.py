"""Trunks with credentials: the outbound registration to a carrier that
challenges every REGISTER (a sipp registrar checking the digest) reaches
"registered" and is refreshed before the granted expiry; an inbound call from
an address no trunk lists is taken as the trunk's when it authenticates with
the trunk's credentials, and is routed by its DID."""
import time
from types import SimpleNamespace

from siplib import Daemon, free_port, sipp, wait_sipp
from test_sip_calls import register_contact, unregister_all

CARRIER = free_port()
FIXTURE = {
    "extensions": [{"number": "100", "password": "secret100"}, {"number": "200", "password": "secret200"}],
    "trunks": [{"name": "carrier", "host": "127.0.0.1", "port": CARRIER, "username": "trunkuser",
                "password": "trunkpass", "register": True, "register_expires": 60,
                "inbound_addresses": ["127.0.0.9"]}],
    "dids": [{"number": "5551000", "target": "200"}],
}


def test_registration_challenged_registered_and_refreshed():
    # The carrier listens before the daemon starts registering (sipp only needs a port to aim at).
    carrier = sipp("carrier_register.xml", SimpleNamespace(port=CARRIER), "x", CARRIER, background=True, timeout=30)
    time.sleep(0.3)
    d = Daemon(FIXTURE)
    try:
        regs = d.wait_for("trunkregs", lambda r: r and r[0]["state"] == "registered", timeout=10)
        assert regs[0]["status"] == 200, regs
        started = time.time()
        rc, err = wait_sipp(carrier, timeout=30)  # ends after two refreshes were challenged and accepted
        assert rc == 0, err
        assert time.time() - started < 18, "refreshes came later than the 8 s expiry"
        assert d.cmd("trunkregs")[0]["state"] == "registered"
    finally:
        # The carrier is gone now: the un-REGISTER at shutdown gets no answer. The
        # daemon still ends within seconds and frees its SIP stack (ASan: no leak).
        t0 = time.time()
        rc = d.stop()
    assert rc == 0 and "nua_shutdown not completed" not in d.log(), d.log()
    assert time.time() - t0 < 15


def test_inbound_call_authenticated_as_trunk_routed_by_did():
    d = Daemon(dict(FIXTURE, trunks=[dict(FIXTURE["trunks"][0], register=False)]))
    port = free_port()
    try:
        register_contact(d, "200", port)
        uas = sipp("uas_answer.xml", d, "200", port, background=True, timeout=15)
        time.sleep(0.3)
        # 127.0.0.1 is no trunk's address: the switch challenges, the carrier answers with the trunk's credentials.
        rc, err = sipp("uac_call.xml", d, "5551000", free_port(), caller="0301234", user="trunkuser",
                       password="trunkpass")
        assert rc == 0, err
        assert wait_sipp(uas)[0] == 0
        unregister_all(d, "200")
        d.wait_for("calls", lambda c: c == [], timeout=10)
        cdr = d.cmd("cdrs")[0]
        assert cdr["direction"] == "inbound" and cdr["did"] == "5551000" and cdr["destination"] == "200", cdr
        assert cdr["trunk_id"] and cdr["caller"] == "0301234" and cdr["answered"], cdr
        # Wrong trunk password: refused, no call.
        rc, err = sipp("uac_expect_403.xml", d, "5551000", free_port(), caller="0301234", user="trunkuser",
                       password="wrong")
        assert rc == 0, err
    finally:
        rc = d.stop()
    assert rc == 0, d.log()
