"""App calls through CallControl, with sip_testd's scripted listener and the
real media engine: DIDs to flows/queues become app calls; answer, prompts,
RFC 4733 and SIP INFO digits, recording, connect an agent (auto-answer
headers, bridge, busy, timeout, cancel, hand-off, agent hangs up), screening
of trunk calls, re-entrant callbacks, CDRs, and no leaked handles/endpoints."""
import os
import random
import re
import socket
import time

import pytest

from applib import (RtpPeer, Sipp, app_daemon, app_events, metric, new_call_id, register_contact,
                    unregister_all, wait_event, wait_until)
from siplib import RawClient, free_port, status_of

FIXTURE = {
    "extensions": [{"number": "100", "password": "secret100"},
                   {"number": "rec1", "password": "secretrec1"},
                   {"number": "200", "password": "secret200"},
                   {"number": "201", "password": "secret201"},
                   {"number": "300", "password": "secret300", "dnd": True}],
    "trunks": [{"name": "carrier", "host": "127.0.0.2", "port": 5060}],
    "dids": [{"number": "5551000", "target_type": "queue", "target": "q1"},
             {"number": "5552000", "target_type": "flow", "target": "f1"},
             {"number": "5553000", "target_type": "extension", "target": "200"}],
}


@pytest.fixture(scope="module")
def daemon():
    d = app_daemon(FIXTURE, "idle")
    yield d
    d.stop()


@pytest.fixture(autouse=True)
def idle_after(daemon):
    yield
    daemon.cmd("app mode idle")
    daemon.cmd("app screen clear")
    for c in daemon.cmd("calls"):  # a failed test must not break the next ones
        daemon.cmd(f"app hangup {c['id']}")
    daemon.wait_for("calls", lambda c: c == [], timeout=15)


def customer(daemon, scenario="app_uac.xml", did="5552000", caller="100", rtp=None, pause_ms=500):
    return Sipp(daemon, scenario, free_port(), service=did, rtp=rtp or free_port(), caller=caller,
                auth=(caller, f"secret{caller}"), pause_ms=pause_ms)


def cdr_of(daemon, call_id):
    return wait_until(lambda: next((c for c in daemon.cmd("cdrs") if c["id"] == call_id), None), 10, "CDR")


def test_refused_app_call_gets_404(daemon):
    daemon.cmd("app mode refuse")
    s = Sipp(daemon, "uac_expect_404.xml", free_port(), service="5551000", caller="100", auth=("100", "secret100"))
    assert s.wait() == 0, s.errors()
    ev = wait_event(daemon, "call", pred=lambda e: e["target"] == "q1")
    assert ev["target_type"] == "queue" and ev["called"] == "5551000"
    assert not app_events(daemon, ev["call_id"], "ended")  # refused: no more callbacks


def test_hangup_inside_on_app_call(daemon):
    daemon.cmd("app mode hangup-now")
    s = Sipp(daemon, "uac_expect_486.xml", free_port(), service="5552000", caller="100", auth=("100", "secret100"))
    assert s.wait() == 0, s.errors()
    ev = wait_event(daemon, "hangup_in_callback")
    assert ev["hangup"] == {"ok": True}
    assert ev["answer"]["error"] == "conflict"
    end = wait_event(daemon, "ended", ev["call_id"])
    assert end["side"] == "system" and end["cause"] == "rejected"
    assert wait_event(daemon, "after_end", ev["call_id"])["answer"]["error"] == "not_found"


def test_ivr_prompt_rfc4733_digits_and_hangup_in_callback(daemon):
    daemon.cmd("app mode ivr")
    before = len(daemon.cmd("appevents"))
    rtp = RtpPeer()
    try:
        c = customer(daemon, rtp=rtp.port)
        cid = new_call_id(daemon, before)
        assert wait_event(daemon, "answer_called", timeout=5)["result"] == {"ok": True}
        ans = wait_event(daemon, "answered", cid)
        assert ans["app_call"] is True and ans["caller"] == "100"
        # The prompt (a tone) reaches the caller as RTP.
        wait_until(lambda: rtp.received() > 10, 5, "prompt audio at the caller")
        media = wait_until(c.received_media, 5, "our SDP at the caller")
        wait_event(daemon, "playback_done", cid, pred=lambda e: e["reason"] == "completed")
        for d in "12":
            rtp.send_digit(media, d)
        wait_until(lambda: [e["digit"] for e in app_events(daemon, cid, "digit")] == ["1", "2"], 5, "digits 1 2")
        rtp.send_digit(media, "#")  # the listener hangs up inside onAppDigit
        assert c.wait() == 0, c.errors()
        ev = wait_event(daemon, "hangup_in_callback", cid)
        assert ev["hangup"] == {"ok": True} and "error" in ev["play"]
        end = wait_event(daemon, "ended", cid)
        assert end["cause"] == "ivr_hangup" and end["side"] == "system"
        assert not app_events(daemon, cid, "error")
        assert len(app_events(daemon, cid, "ended")) == 1
        cdr = cdr_of(daemon, cid)
        assert cdr["answered"] and cdr["did"] == "5552000" and cdr["caller"] == "100"
    finally:
        rtp.close()


def test_sip_info_digit_and_caller_hangs_up_with_recording(daemon):
    before = len(daemon.cmd("appevents"))
    rtp = RtpPeer()
    try:
        c = customer(daemon, "app_uac_info.xml", rtp=rtp.port)
        cid = new_call_id(daemon, before)
        assert daemon.cmd(f"app answer {cid}") == {"ok": True}
        assert daemon.cmd(f"app answer {cid}") == {"ok": True}  # idempotent
        path = os.path.join(daemon.tmp, f"app-{cid}.wav")
        assert daemon.cmd(f"app record {cid} {path}") == {"ok": True}
        assert daemon.cmd(f"app record {cid} {path}")["error"] == "conflict"
        media = wait_until(c.received_media, 5, "our SDP at the caller")
        rtp.send_audio(media, packets=25)
        d = wait_event(daemon, "digit", cid)
        assert d["digit"] == "7" and d["duration_ms"] == 160
        assert daemon.cmd(f"app hangup {cid}") == {"ok": True}
        assert c.wait() == 0, c.errors()
        rec = wait_event(daemon, "recording_stopped", cid)
        end = wait_event(daemon, "ended", cid)
        evs = app_events(daemon, cid)
        assert evs.index(rec) < evs.index(end), "RecordingStopped comes before onAppCallEnded"
        assert rec["path"].endswith(f"app-{cid}.wav") and rec["recorded_ms"] > 200
        assert os.path.getsize(rec["path"]) > 44
    finally:
        rtp.close()


def test_unknown_call_and_wrong_state(daemon):
    assert daemon.cmd("app answer nosuchcall")["error"] == "not_found"
    assert daemon.cmd("app connect nosuchcall 200")["error"] == "not_found"
    assert daemon.cmd("app hangup nosuchcall")["error"] == "not_found"
    before = len(daemon.cmd("appevents"))
    c = customer(daemon)
    cid = new_call_id(daemon, before)
    assert daemon.cmd(f"app hold {cid} on")["error"] == "conflict"  # nobody connected
    assert daemon.cmd(f"app senddigits {cid} 12")["error"] == "conflict"
    assert daemon.cmd(f"app connect {cid} bad@number")["error"] == "invalid"
    assert daemon.cmd(f"app complete {cid} cancel")["error"] == "conflict"
    assert daemon.cmd(f"app early {cid}") == {"ok": True}
    assert daemon.cmd(f"app hangup {cid}") == {"ok": True}  # not answered: a final response
    c.wait()
    end = wait_event(daemon, "ended", cid)
    assert end["side"] == "system"
    assert cdr_of(daemon, cid)["sip_code"] == 480


def agent_call(daemon, mode, agent="200", agent_scenario="app_uas.xml", agent_pause=500, customer_scenario="app_uac.xml"):
    """Registers `agent` at a sipp UAS, then a customer calls the queue DID in `mode`."""
    a_port = free_port()
    register_contact(daemon, agent, a_port)
    a_rtp, c_rtp = RtpPeer(), RtpPeer()
    a = Sipp(daemon, agent_scenario, a_port, rtp=a_rtp.port, pause_ms=agent_pause)
    time.sleep(0.2)
    daemon.cmd(f"app mode {mode}")
    before = len(daemon.cmd("appevents"))
    c = customer(daemon, customer_scenario, did="5551000", rtp=c_rtp.port)
    cid = new_call_id(daemon, before)
    return cid, a, c, a_rtp, c_rtp


def test_connect_agent_auto_answer_bridge_and_cdr(daemon):
    cid, a, c, a_rtp, c_rtp = agent_call(daemon, "connect:200:auto:hdr=X-Hujiao-Interaction/i42")
    try:
        res = wait_event(daemon, "connect_result", cid)
        assert res["answered"] and res["cause"] == "answered" and res["extension"] == "200" and res["sip_code"] == 200
        invite = a.received_invite()
        assert "answer-after=0" in invite and "Call-Info:" in invite, invite
        assert "Alert-Info: <http://www.notused.com>;info=alert-autoanswer" in invite, invite
        assert "X-Hujiao-Interaction: i42" in invite
        ans = wait_event(daemon, "answered", cid)
        assert ans["app_call"]
        # Bridged: each side's audio reaches the other.
        c_media = wait_until(c.received_media, 5, "SDP at the customer")
        a_media = wait_until(a.received_media, 5, "SDP at the agent")
        a0, c0 = a_rtp.received(), c_rtp.received()
        c_rtp.send_audio(c_media, packets=30)
        a_rtp.send_audio(a_media, packets=30)
        wait_until(lambda: a_rtp.received() - a0 >= 20, 5, "customer audio at the agent")
        wait_until(lambda: c_rtp.received() - c0 >= 20, 5, "agent audio at the customer")
        calls = daemon.cmd("calls")
        assert calls[0]["destination"] == "200"
        assert daemon.cmd(f"app connect {cid} 201")["error"] == "conflict"  # one party at a time
        assert daemon.cmd(f"app hangup {cid}") == {"ok": True}
        assert c.wait() == 0, c.errors()
        assert a.wait() == 0, a.errors()
        end = wait_event(daemon, "ended", cid)
        assert end["side"] == "system"
        cdr = cdr_of(daemon, cid)
        assert cdr["answered"] and cdr["destination"] == "200" and cdr["did"] == "5551000"
        assert any(l["sip_code"] == 200 and "200@" in l["target"] for l in cdr["legs"]), cdr["legs"]
    finally:
        a_rtp.close()
        c_rtp.close()
        unregister_all(daemon, "200")


def test_busy_agent_then_next_agent_hangs_up(daemon):
    # 300 is in DND: busy at once; the customer stays and the app connects 200.
    cid, a, c, a_rtp, c_rtp = agent_call(daemon, "connect:300", agent_scenario="app_uas_bye.xml", agent_pause=1500)
    try:
        res = wait_event(daemon, "connect_result", cid)
        assert not res["answered"] and res["cause"] == "busy" and res["sip_code"] == 486
        assert daemon.cmd("calls")[0]["state"] == "answered"  # the customer is still there
        r = daemon.cmd(f"app connect {cid} 200")
        assert r["ok"]
        res2 = wait_event(daemon, "connect_result", cid, pred=lambda e: e["connect_id"] == r["id"])
        assert res2["answered"]
        gone = wait_event(daemon, "party_gone", cid)  # the agent hangs up after 1.5 s
        assert gone["connect_id"] == r["id"] and gone["cause"] == "normal"
        assert a.wait() == 0, a.errors()
        assert not c.done()  # the customer is still on the line, back with the app
        assert not app_events(daemon, cid, "ended")
        # The agent's call limit slot is free again: he can be connected again.
        assert daemon.cmd("calls")[0]["state"] == "answered"
        assert daemon.cmd(f"app hangup {cid}") == {"ok": True}
        assert c.wait() == 0, c.errors()
        wait_event(daemon, "ended", cid)
        cdr = cdr_of(daemon, cid)
        assert cdr["destination"] == "200"
    finally:
        a_rtp.close()
        c_rtp.close()
        unregister_all(daemon, "200")


def test_agent_rejects_486(daemon):
    cid, a, c, a_rtp, c_rtp = agent_call(daemon, "connect:200", agent_scenario="uas_reject_486.xml")
    try:
        res = wait_event(daemon, "connect_result", cid)
        assert not res["answered"] and res["cause"] == "busy" and res["sip_code"] == 486
        assert a.wait() == 0, a.errors()
        # The customer hears what the app plays next (a busy tone here).
        c_media = wait_until(c.received_media, 5, "SDP at the customer")
        assert c_media
        n = c_rtp.received()
        wait_until(lambda: c_rtp.received() > n + 10, 5, "busy tone at the customer")
        daemon.cmd(f"app hangup {cid}")
        assert c.wait() == 0
    finally:
        a_rtp.close()
        c_rtp.close()
        unregister_all(daemon, "200")


def test_connect_timeout_and_disconnect_while_ringing(daemon):
    cid, a, c, a_rtp, c_rtp = agent_call(daemon, "connect:200:timeout=1500", agent_scenario="uas_ring.xml")
    try:
        res = wait_event(daemon, "connect_result", cid, timeout=8)
        assert not res["answered"] and res["cause"] == "no_answer"
        assert a.wait() == 0, a.errors()  # the agent's phone got CANCEL
        # Ring again and cancel from the app.
        a2 = Sipp(daemon, "uas_ring.xml", int(a.proc.args[a.proc.args.index("-p") + 1]))
        time.sleep(0.2)
        r = daemon.cmd(f"app connect {cid} 200")
        assert r["ok"]
        time.sleep(0.5)
        assert daemon.cmd(f"app disconnect {cid} {r['id']}") == {"ok": True}
        res2 = wait_event(daemon, "connect_result", cid, pred=lambda e: e["connect_id"] == r["id"])
        assert res2["cause"] == "cancelled" and not res2["answered"]
        assert a2.wait() == 0, a2.errors()
        daemon.cmd(f"app hangup {cid}")
        assert c.wait() == 0
        cdr = cdr_of(daemon, cid)
        assert len([l for l in cdr["legs"] if "200@" in l["target"]]) == 2  # both attempts are in the CDR
    finally:
        a_rtp.close()
        c_rtp.close()
        unregister_all(daemon, "200")


def test_hand_off_becomes_ordinary_call(daemon):
    # Not answered by the app: the agent's answer answers the customer too.
    cid, a, c, a_rtp, c_rtp = agent_call(daemon, "connect:200:handoff:noanswer", agent_scenario="app_uas_bye.xml",
                                         agent_pause=1000)
    try:
        res = wait_event(daemon, "connect_result", cid)
        assert res["answered"]
        assert a.wait() == 0, a.errors()
        assert c.wait() == 0, c.errors()  # the agent's BYE ends the whole call
        end = wait_event(daemon, "ended", cid)
        assert end["side"] == "callee"
        assert not app_events(daemon, cid, "party_gone")
    finally:
        a_rtp.close()
        c_rtp.close()
        unregister_all(daemon, "200")


def test_unregistered_agent_is_unavailable(daemon):
    daemon.cmd("app mode connect:201")
    before = len(daemon.cmd("appevents"))
    c = customer(daemon, did="5551000")
    cid = new_call_id(daemon, before)
    res = wait_event(daemon, "connect_result", cid)
    assert not res["answered"] and res["cause"] == "unavailable" and res["sip_code"] == 480
    daemon.cmd(f"app hangup {cid}")
    assert c.wait() == 0


def test_extension_dialling_did_to_extension(daemon):
    # An extension dialling a DID number that routes to an extension rings it, as from a trunk.
    port = free_port()
    register_contact(daemon, "200", port)
    try:
        a = Sipp(daemon, "app_uas.xml", port, rtp=free_port())
        time.sleep(0.2)
        c = customer(daemon, "app_uac_bye.xml", did="5553000", rtp=free_port())
        assert c.wait() == 0, c.errors()
        assert a.wait() == 0, a.errors()
        cdr = daemon.wait_for("cdrs", lambda l: l and l[0]["did"] == "5553000")[0]
        assert cdr["destination"] == "200" and cdr["answered"]
        ans = [e for e in app_events(daemon, None, "answered") if e["call_id"] == cdr["id"]]
        assert ans and ans[0]["app_call"] is False  # onCallAnswered for ordinary calls too
    finally:
        unregister_all(daemon, "200")


def test_recording_policy_on_ordinary_call(daemon):
    # The test listener records every answered call whose caller starts with "rec".
    port = free_port()
    register_contact(daemon, "200", port)
    rtp = RtpPeer()
    try:
        a = Sipp(daemon, "app_uas.xml", port, rtp=free_port())
        time.sleep(0.2)
        c = customer(daemon, "app_uac_bye.xml", did="200", caller="rec1", rtp=rtp.port, pause_ms=1500)
        rec = wait_event(daemon, "record_called")
        assert rec["result"] == {"ok": True}
        media = wait_until(c.received_media, 5, "SDP at the caller")
        rtp.send_audio(media, packets=20)
        assert c.wait() == 0, c.errors()
        assert a.wait() == 0, a.errors()
        stopped = wait_event(daemon, "recording_stopped", rec["call_id"])
        assert stopped["request_id"] == 77 and stopped["recorded_ms"] > 300
    finally:
        rtp.close()
        unregister_all(daemon, "200")


def raw_invite(ip, daemon, caller, did, sdp=""):
    """A carrier's INVITE from `ip`; returns (socket, send_ack(final_response))."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((ip, 0))
    sock.settimeout(5)
    port = sock.getsockname()[1]
    branch, tag, callid = f"z9hG4bK{random.getrandbits(40):x}", f"{random.getrandbits(32):x}", f"{random.getrandbits(64):x}@c"
    head = (f"Via: SIP/2.0/UDP {ip}:{port};branch={branch};rport\r\nFrom: <sip:{caller}@{ip}>;tag={tag}\r\n"
            f"Call-ID: {callid}\r\nMax-Forwards: 70\r\n")
    ruri = f"sip:{did}@127.0.0.1:{daemon.port}"
    body = sdp
    msg = (f"INVITE {ruri} SIP/2.0\r\n{head}To: <sip:{did}@127.0.0.1>\r\nCSeq: 1 INVITE\r\n"
           f"Contact: <sip:{caller}@{ip}:{port}>\r\n"
           + ("Content-Type: application/sdp\r\n" if body else "") + f"Content-Length: {len(body)}\r\n\r\n{body}")
    sock.sendto(msg.encode(), ("127.0.0.1", daemon.port))

    def final():
        while True:
            data = sock.recv(65535).decode(errors="replace")
            if status_of(data) >= 200:
                to = re.search(r"^To: (.*)$", data, re.M | re.I).group(1).strip()
                ack = f"ACK {ruri} SIP/2.0\r\n{head}To: {to}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
                sock.sendto(ack.encode(), ("127.0.0.1", daemon.port))
                sock.close()
                return status_of(data)
    return final


def test_trunk_screening_reject_and_flow(daemon):
    daemon.cmd("app screen reject 0301234")
    daemon.cmd("app screen flow 0309999")
    assert raw_invite("127.0.0.2", daemon, "0301234", "5553000")() == 603
    before = len(daemon.cmd("appevents"))
    sdp = ("v=0\r\no=c 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
           "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
    final = raw_invite("127.0.0.2", daemon, "0309999", "5553000", sdp)
    cid = new_call_id(daemon, before)
    ev = app_events(daemon, cid, "call")[0]
    assert ev["target_type"] == "flow" and ev["target"] == "screened-flow" and ev["trunk_id"]
    assert ev["caller"] == "0309999"
    assert daemon.cmd(f"app hangup {cid} 603") == {"ok": True}
    assert final() == 603
    wait_event(daemon, "ended", cid)


def test_no_leaks(daemon):
    daemon.wait_for("calls", lambda c: c == [], timeout=10)
    wait_until(lambda: metric(daemon, "hujiao_sip_handles") == 0, 10, "no SIP handles left")
    wait_until(lambda: metric(daemon, "hujiao_media_endpoints") == 0, 10, "no media endpoints left")
    assert not [e for e in daemon.cmd("appevents") if e["ev"] == "error"]
