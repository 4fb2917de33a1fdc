"""App calls with a connected agent: server-side hold with music, DTMF to the
agent, consultation (transfer, conference, cancel) and supervision (listen,
barge), asserted on what each party's RTP socket receives."""
import time

import pytest

from applib import (RtpPeer, Sipp, app_daemon, app_events, metric, new_call_id, register_contact,
                    unregister_all, wait_event, wait_until)
from siplib import free_port

FIXTURE = {
    "extensions": [{"number": "100", "password": "secret100"},
                   {"number": "200", "password": "secret200"},
                   {"number": "201", "password": "secret201"}],
    "dids": [{"number": "5551000", "target_type": "queue", "target": "q1"}],
}


@pytest.fixture(scope="module")
def daemon():
    d = app_daemon(FIXTURE, "idle")
    yield d
    d.stop()


class Party:
    """A registered extension answering at a sipp UAS, with its RTP socket."""

    def __init__(self, daemon, ext, scenario="app_uas.xml", pause_ms=500):
        self.daemon, self.ext = daemon, ext
        self.rtp = RtpPeer()
        port = free_port()
        register_contact(daemon, ext, port)
        self.sipp = Sipp(daemon, scenario, port, rtp=self.rtp.port, pause_ms=pause_ms)
        time.sleep(0.2)

    def media(self):
        return wait_until(self.sipp.received_media, 5, f"SDP at {self.ext}")

    def close(self):
        self.sipp.kill()
        self.rtp.close()
        unregister_all(self.daemon, self.ext)


class Customer:
    def __init__(self, daemon):
        self.rtp = RtpPeer()
        self.sipp = Sipp(daemon, "app_uac.xml", free_port(), service="5551000", rtp=self.rtp.port, caller="100",
                         auth=("100", "secret100"))

    def media(self):
        return wait_until(self.sipp.received_media, 5, "SDP at the customer")

    def close(self):
        self.sipp.kill()
        self.rtp.close()


@pytest.fixture
def connected(daemon):
    """A customer in the queue connected to agent 200."""
    agent = Party(daemon, "200")
    daemon.cmd("app mode connect:200")
    before = len(daemon.cmd("appevents"))
    cust = Customer(daemon)
    cid = new_call_id(daemon, before)
    res = wait_event(daemon, "connect_result", cid)
    assert res["answered"]
    yield daemon, cid, cust, agent
    daemon.cmd("app mode idle")
    for c in daemon.cmd("calls"):
        daemon.cmd(f"app hangup {c['id']}")
    daemon.wait_for("calls", lambda c: c == [], timeout=15)
    cust.close()
    agent.close()


def hears(dst, src, dest_media, what, loud=True, packets=25):
    """src sends loud audio to dest_media; asserts whether dst hears loud audio."""
    n = dst.rtp.loud_received()
    src.rtp.send_audio(dest_media, packets=packets, loud=True)
    time.sleep(0.3)
    got = dst.rtp.loud_received() - n
    if loud:
        assert got >= packets // 2, f"{what}: only {got} loud packets"
    else:
        assert got == 0, f"{what}: {got} loud packets leaked"


def test_hold_plays_music_and_separates(connected):
    daemon, cid, cust, agent = connected
    cm, am = cust.media(), agent.media()
    hears(agent, cust, cm, "customer -> agent while bridged")
    assert daemon.cmd(f"app hold {cid} on") == {"ok": True}
    assert daemon.cmd("calls")[0]["on_hold"] is True
    n = cust.rtp.loud_received()
    wait_until(lambda: cust.rtp.loud_received() > n + 20, 5, "music on hold at the customer")
    hears(agent, cust, cm, "customer -> agent on hold", loud=False)
    assert daemon.cmd(f"app hold {cid} on") == {"ok": True}  # idempotent
    assert daemon.cmd(f"app hold {cid} off") == {"ok": True}
    assert daemon.cmd("calls")[0]["on_hold"] is False
    wait_event(daemon, "playback_done", cid, pred=lambda e: e["reason"] in ("stopped", "replaced"))
    hears(agent, cust, cm, "customer -> agent after unhold")
    hears(cust, agent, am, "agent -> customer after unhold")


def test_send_digits_to_agent(connected):
    daemon, cid, cust, agent = connected
    assert daemon.cmd(f"app senddigits {cid} 59") == {"ok": True}
    wait_until(lambda: agent.rtp.digits() == "59", 5, "RFC 4733 digits at the agent")
    assert daemon.cmd(f"app senddigits {cid} x")["error"] == "invalid"


def test_consult_then_transfer(connected):
    daemon, cid, cust, agent = connected
    other = Party(daemon, "201")
    try:
        r = daemon.cmd(f"app consult {cid} 201")
        assert r["ok"]
        res = wait_event(daemon, "connect_result", cid, pred=lambda e: e["connect_id"] == r["id"])
        assert res["answered"] and res["extension"] == "201"
        cm, am, om = cust.media(), agent.media(), other.media()
        hears(other, agent, am, "agent -> consulted")
        hears(other, cust, cm, "customer -> consulted during consult", loud=False)
        assert daemon.cmd(f"app complete {cid} transfer") == {"ok": True}
        assert agent.sipp.wait(10) == 0, agent.sipp.errors()  # the agent got BYE
        hears(other, cust, cm, "customer -> consulted after transfer")
        hears(cust, other, om, "consulted -> customer after transfer")
        assert daemon.cmd("calls")[0]["destination"] == "201"
        assert not app_events(daemon, cid, "party_gone")
    finally:
        daemon.cmd(f"app hangup {cid}")
        other.close()


def test_consult_conference(connected):
    daemon, cid, cust, agent = connected
    other = Party(daemon, "201")
    try:
        r = daemon.cmd(f"app consult {cid} 201")
        wait_event(daemon, "connect_result", cid, pred=lambda e: e["connect_id"] == r["id"] and e["answered"])
        assert daemon.cmd(f"app complete {cid} conference") == {"ok": True}
        cm = cust.media()
        n_a, n_o = agent.rtp.loud_received(), other.rtp.loud_received()
        cust.rtp.send_audio(cm, packets=30, loud=True)
        time.sleep(0.3)
        assert agent.rtp.loud_received() - n_a >= 10 and other.rtp.loud_received() - n_o >= 10
        # The consulted party leaves: the app hears it, the customer and agent stay.
        daemon.cmd(f"app disconnect {cid} {r['id']}")
        gone = wait_event(daemon, "party_gone", cid)
        assert gone["connect_id"] == r["id"]
        assert other.sipp.wait(10) == 0
    finally:
        daemon.cmd(f"app hangup {cid}")
        other.close()


def test_consult_cancel_back_to_customer(connected):
    daemon, cid, cust, agent = connected
    other = Party(daemon, "201")
    try:
        r = daemon.cmd(f"app consult {cid} 201")
        wait_event(daemon, "connect_result", cid, pred=lambda e: e["connect_id"] == r["id"] and e["answered"])
        assert daemon.cmd(f"app complete {cid} cancel") == {"ok": True}
        assert other.sipp.wait(10) == 0, other.sipp.errors()
        hears(agent, cust, cust.media(), "customer -> agent after cancel")
    finally:
        daemon.cmd(f"app hangup {cid}")
        other.close()


def test_supervise_listen_then_barge(connected):
    daemon, cid, cust, agent = connected
    sup = Party(daemon, "201")
    try:
        r = daemon.cmd(f"app supervise {cid} 201 listen")
        assert r["ok"]
        sid = r["id"]
        sm = sup.media()
        cm = cust.media()
        time.sleep(0.3)
        hears(sup, cust, cm, "customer -> listening supervisor")
        hears(cust, sup, sm, "listening supervisor -> customer", loud=False)
        assert daemon.cmd(f"app supmode {sid} barge") == {"ok": True}
        time.sleep(0.2)
        hears(cust, sup, sm, "barging supervisor -> customer")
        assert daemon.cmd(f"app stopsup {sid}") == {"ok": True}
        assert sup.sipp.wait(10) == 0, sup.sipp.errors()
        assert not app_events(daemon, cid, "supervision_ended")  # stopped by the app: no callback
    finally:
        daemon.cmd(f"app hangup {cid}")
        sup.close()


def test_supervisor_hangs_up_is_reported(connected):
    daemon, cid, cust, agent = connected
    sup = Party(daemon, "201", scenario="app_uas_bye.xml", pause_ms=800)
    try:
        r = daemon.cmd(f"app supervise {cid} 201 whisper")
        ev = wait_event(daemon, "supervision_ended", cid)
        assert ev["supervision_id"] == r["id"] and ev["cause"] == "normal"
        assert sup.sipp.wait(10) == 0
    finally:
        daemon.cmd(f"app hangup {cid}")
        sup.close()


def test_no_leaks(daemon):
    daemon.wait_for("calls", lambda c: c == [], timeout=10)
    wait_until(lambda: metric(daemon, "hujiao_sip_handles") == 0, 10, "no SIP handles left")
    wait_until(lambda: metric(daemon, "hujiao_media_endpoints") == 0, 10, "no media endpoints left")
    assert not [e for e in daemon.cmd("appevents") if e["ev"] == "error"]
