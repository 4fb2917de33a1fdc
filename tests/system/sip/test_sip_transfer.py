"""Attended transfer (REFER with Replaces, RFC 3891 / RFC 5589): A (sipp)
calls B, B consults C (sipp) on a second call, then B refers A's dialog to C
with Replaces naming the consultation. A ends up in a dialog with C (each gets
the other's SDP by re-INVITE), B gets NOTIFY sipfrag 100 then 200 and a BYE on
both dialogs, and the CDRs say so. B is the Python UA of sipua.py: it holds
two dialogs with different Call-IDs, which one sipp scenario cannot."""
import re
import threading
import time
import urllib.parse

import pytest

from applib import RtpPeer, free_rtp_range
from siplib import Daemon, free_port, sipp, wait_sipp
from sipua import UA, sdp, tag_of
from test_sip_calls import register_contact, unregister_all

FIXTURE = {"extensions": [{"number": "100", "password": "secret100"},
                          {"number": "200", "password": "secret200"},
                          {"number": "400", "password": "secret400"}]}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.no_answer_timeout": "5"})
    yield d
    # Clean exit (in the sanitizer build: no ASan/LSan report about the legs moved between calls).
    assert d.stop() == 0, d.log()


def wait_idle(daemon):
    daemon.wait_for("calls", lambda c: c == [], timeout=15)


def replaces_param(d):
    """?Replaces= for the dialog `d` as B sees it (RFC 3891: to-tag is the far end's tag)."""
    value = f"{d.call_id};to-tag={d.remote_tag};from-tag={d.local_tag}"
    return "Replaces=" + urllib.parse.quote(value, safe="")


def collect_transfer_outcome(b, d1, d2, timeout=10.0):
    """Answers what the switch sends B after the REFER; returns (sipfrags, BYE'd call-ids)."""
    frags, byes = [], set()
    deadline = time.time() + timeout
    while time.time() < deadline and not (frags and frags[-1].startswith("SIP/2.0 2") and len(byes) == 2):
        m = b.recv(deadline - time.time(), lambda m: not m.is_response)
        if m.method == "NOTIFY":
            assert m.call_id == d1.call_id and m.h("Event").startswith("refer"), m.first
            frags.append(m.body.strip())
        elif m.method == "BYE":
            byes.add(m.call_id)
        b.respond(m, 200, "OK")
    return frags, byes


def test_attended_transfer(daemon):
    a_port, c_port = free_port(), free_port()
    b = UA(daemon, "200", "secret200")
    assert b.register() == 200
    register_contact(daemon, "400", c_port)
    try:
        target = sipp("uas_transfer_target.xml", daemon, "400", c_port, background=True, timeout=20)
        transferee = sipp("uac_attended_transferee.xml", daemon, "200", a_port, caller="100", user="100",
                          password="secret100", pause_ms=500, timeout=20, background=True)
        d1 = b.answer()                       # A -> B
        d2, ok = b.call("400")                # B consults C
        assert d2 is not None, ok.first
        daemon.wait_for("calls", lambda c: len(c) == 2 and all(x["state"] == "answered" for x in c))
        refer_to = f"<sip:400@127.0.0.1:{daemon.port}?{replaces_param(d2)}>"
        cseq = b.request(d1, "REFER", [f"Refer-To: {refer_to}", "Referred-By: <sip:200@127.0.0.1>"])
        assert b.response(d1, cseq).status == 202
        frags, byes = collect_transfer_outcome(b, d1, d2)
        assert frags[0].startswith("SIP/2.0 100") and frags[-1].startswith("SIP/2.0 200"), frags
        assert byes == {d1.call_id, d2.call_id}, byes
        # A and C now talk: one call, A with C.
        calls = daemon.wait_for("calls", lambda c: len(c) == 1)
        assert calls[0]["caller"] == "100" and calls[0]["destination"] == "400", calls
        rc_a, err_a = wait_sipp(transferee)   # A saw C's SDP, then hung up
        assert rc_a == 0, err_a
        rc_c, err_c = wait_sipp(target)       # C saw A's SDP, then A's BYE
        assert rc_c == 0, err_c
    finally:
        b.close()
        unregister_all(daemon, "200")
        unregister_all(daemon, "400")
    wait_idle(daemon)
    cdrs = daemon.cmd("cdrs")[:2]
    main = next(c for c in cdrs if c["caller"] == "100")
    consult = next(c for c in cdrs if c["caller"] == "200")
    assert main["answered"] and main["destination"] == "400" and main["cause"] == "normal", main
    assert main["side"] == "caller", main
    assert consult["answered"] and consult["cause"] == "transferred", consult


def test_attended_transfer_transferor_hangs_up_both_dialogs_itself(daemon):
    """Many phones BYE both dialogs themselves as soon as the REFER is accepted,
    crossing the switch's own BYEs: the transfer still completes."""
    a_port, c_port = free_port(), free_port()
    b = UA(daemon, "200", "secret200")
    assert b.register() == 200
    register_contact(daemon, "400", c_port)
    try:
        target = sipp("uas_transfer_target.xml", daemon, "400", c_port, background=True, timeout=20)
        transferee = sipp("uac_attended_transferee.xml", daemon, "200", a_port, caller="100", user="100",
                          password="secret100", pause_ms=500, timeout=20, background=True)
        d1 = b.answer()
        d2, ok = b.call("400")
        assert d2 is not None, ok.first
        daemon.wait_for("calls", lambda c: len(c) == 2 and all(x["state"] == "answered" for x in c))
        cseq = b.request(d1, "REFER", [f"Refer-To: <sip:400@127.0.0.1:{daemon.port}?{replaces_param(d2)}>"])
        assert b.response(d1, cseq).status == 202
        b.request(d2, "BYE")
        b.request(d1, "BYE")
        deadline = time.time() + 5
        while time.time() < deadline:  # answer whatever still comes (NOTIFYs, crossing BYEs)
            try:
                m = b.recv(deadline - time.time())
            except TimeoutError:
                break
            if not m.is_response:
                b.respond(m, 200, "OK")
        assert wait_sipp(transferee)[0] == 0   # A got C's SDP, talked, hung up
        assert wait_sipp(target)[0] == 0       # C got A's SDP, then A's BYE
    finally:
        b.close()
        unregister_all(daemon, "200")
        unregister_all(daemon, "400")
    wait_idle(daemon)
    main = next(c for c in daemon.cmd("cdrs")[:2] if c["caller"] == "100")
    assert main["destination"] == "400" and main["cause"] == "normal", main


def test_attended_transfer_unknown_dialog_is_481(daemon):
    a_port = free_port()
    b = UA(daemon, "200", "secret200")
    assert b.register() == 200
    try:
        caller = sipp("uac_call.xml", daemon, "200", a_port, caller="100", user="100", password="secret100",
                      pause_ms=1500, timeout=20, background=True)
        d1 = b.answer()
        refer_to = f"<sip:400@127.0.0.1:{daemon.port}?Replaces=nosuch%40x%3Bto-tag%3D1%3Bfrom-tag%3D2>"
        cseq = b.request(d1, "REFER", [f"Refer-To: {refer_to}"])
        assert b.response(d1, cseq).status == 202
        m = b.recv(5, lambda m: m.method == "NOTIFY")
        b.respond(m, 200, "OK")
        assert m.body.strip().startswith("SIP/2.0 481"), m.body
        # The call goes on; the caller hangs up after its pause.
        m = b.recv(10, lambda m: m.method == "BYE")
        b.respond(m, 200, "OK")
        rc, err = wait_sipp(caller)
        assert rc == 0, err
    finally:
        b.close()
        unregister_all(daemon, "200")
    wait_idle(daemon)
    assert daemon.cmd("cdrs")[0]["cause"] == "normal"


def media_dest(sdp_text):
    addr = re.search(r"^c=IN IP4 (\S+)", sdp_text, re.M).group(1)
    port = int(re.search(r"^m=audio (\d+)", sdp_text, re.M).group(1))
    return addr, port


def in_thread(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    return t, out


def test_attended_transfer_with_anchored_media():
    """With the media engine anchoring every leg, no party is re-INVITEd: the
    media plane joins A's and C's endpoints, and audio flows both ways."""
    lo, hi = free_rtp_range()
    d = Daemon(FIXTURE, {"sip.media_anchoring": "true", "media.rtp_port_min": str(lo),
                         "media.rtp_port_max": str(hi), "media.bind_ipv4": "127.0.0.1",
                         "media.advertise_ipv4": "127.0.0.1", "media.workers": "1", "media.rtp_timeout_s": "0"},
               args=["--media"])
    rtp = {k: RtpPeer() for k in "ABC"}
    a, b, c = UA(d, "100", "secret100"), UA(d, "200", "secret200"), UA(d, "400", "secret400")
    try:
        assert b.register() == 200 and c.register() == 200
        t, res = in_thread(lambda: a.call("200", body=sdp("A", rtp["A"].port)))
        d1 = b.answer(body=sdp("B", rtp["B"].port))
        t.join(10)
        da, ok = res[0]
        assert da is not None, ok.first
        t, res = in_thread(lambda: c.answer(body=sdp("C", rtp["C"].port)))
        d2, ok = b.call("400", body=sdp("B2", rtp["B"].port))
        assert d2 is not None, ok.first
        t.join(10)
        dc = res[0]
        d.wait_for("calls", lambda x: len(x) == 2 and all(y["state"] == "answered" for y in x))
        refer_to = f"<sip:400@127.0.0.1:{d.port}?{replaces_param(d2)}>"
        cseq = b.request(d1, "REFER", [f"Refer-To: {refer_to}"])
        assert b.response(d1, cseq).status == 202
        frags, byes = collect_transfer_outcome(b, d1, d2)
        assert frags[-1].startswith("SIP/2.0 200") and byes == {d1.call_id, d2.call_id}, (frags, byes)
        # A and C hear each other through the media plane.
        rtp["A"].send_audio(media_dest(da.remote_sdp), packets=40, loud=True)
        rtp["C"].send_audio(media_dest(dc.remote_sdp), packets=40, loud=True)
        time.sleep(0.3)
        assert rtp["C"].loud_received() >= 20, rtp["C"].loud_received()
        assert rtp["A"].loud_received() >= 20, rtp["A"].loud_received()
        cseq = a.request(da, "BYE")
        assert a.response(da, cseq).status == 200
        m = c.recv(5, lambda m: m.method == "BYE")
        c.respond(m, 200, "OK")
        assert not [m for m in a.log + c.log if m.method == "INVITE" and m.call_id in (da.call_id, dc.call_id)
                    and tag_of(m.h("To"))], "anchored parties must not be re-INVITEd"
        d.wait_for("calls", lambda x: x == [], timeout=10)
        cdrs = d.cmd("cdrs")[:2]
        main = next(x for x in cdrs if x["caller"] == "100")
        assert main["destination"] == "400" and main["cause"] == "normal", main
        assert next(x for x in cdrs if x["caller"] == "200")["cause"] == "transferred"
    finally:
        for ua in (a, b, c):
            ua.close()
        for p in rtp.values():
            p.close()
        rc = d.stop()
    assert rc == 0, d.log()
