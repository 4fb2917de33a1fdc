"""Helpers for the app-call tests: sip_testd with the real media engine and the
scripted CallAppListener (--media --app), RTP peers that count audio and send
RFC 4733 digits, sipp runs with an RTP port and a message trace
(over tests/system/common/hujiao_testlib.py, as siplib.py)."""
import os
import re
import tempfile

from siplib import SCENARIOS, Daemon, RawClient, status_of, testlib


def free_rtp_range(width=60):
    return testlib.free_rtp_range(width)


def app_daemon(fixture, mode="idle", settings=None):
    lo, hi = free_rtp_range()
    s = {"sip.media_anchoring": "true", "media.rtp_port_min": str(lo), "media.rtp_port_max": str(hi),
         "media.bind_ipv4": "127.0.0.1", "media.advertise_ipv4": "127.0.0.1", "media.workers": "1",
         "media.rtp_timeout_s": "0", "sip.no_answer_timeout": "10",
         "media.recordings_dir": tempfile.mkdtemp(prefix="hujiao-rec-")}
    s.update(settings or {})
    return Daemon(fixture, s, args=["--media", "--app", mode])


class RtpPeer(testlib.RtpPeer):
    """A UDP socket that counts received RTP (audio and events) and sends PCMU and RFC 4733 digits."""

    def received(self):
        return self.audio

    def loud_received(self):
        """Audio packets carrying more than silence (a tone, the peer's voice)."""
        return self.loud


class Sipp(testlib.Sipp):
    """One sipp process to sip_testd with an RTP port key and a message trace."""

    def __init__(self, daemon, scenario, local_port, service="x", rtp=None, caller=None, auth=None,
                 pause_ms=500, timeout=30):
        keys = {"rtp": rtp} if rtp is not None else {}
        if caller:
            keys["caller"] = caller
        super().__init__(os.path.join(SCENARIOS, scenario), daemon.port, local_port, service=service, keys=keys,
                         auth=auth, pause_ms=pause_ms, timeout=timeout, prefix="sipp-app-")

    def received_media(self):
        """(address, port) of the last m=audio in a message sipp received."""
        return self.received_sdp()

    def received_invite(self):
        invites = self.received("INVITE")
        return invites[0][1] if invites else ""


def wait_until(fn, timeout=10.0, what="condition"):
    return testlib.wait_until(fn, timeout, what, interval=0.05)


def register_contact(daemon, ext, port, password=None):
    c = RawClient(daemon)
    r = c.register(ext, password or f"secret{ext}", contact=f"<sip:{ext}@127.0.0.1:{port}>", expires=300)
    assert status_of(r) == 200, r
    c.close()


def unregister_all(daemon, ext, password=None):
    c = RawClient(daemon)
    c.register(ext, password or f"secret{ext}", contact="*", expires=0)
    c.close()


def app_events(daemon, call_id=None, ev=None):
    out = daemon.cmd("appevents")
    if call_id:
        out = [e for e in out if e.get("call_id") == call_id]
    if ev:
        out = [e for e in out if e.get("ev") == ev]
    return out


def wait_event(daemon, ev, call_id=None, timeout=10.0, pred=None):
    def find():
        for e in app_events(daemon, call_id, ev):
            if pred is None or pred(e):
                return e
        return None
    return wait_until(find, timeout, f"app event {ev}")


def new_call_id(daemon, before, timeout=10.0):
    """The id of the first app call logged after `before` events."""
    def find():
        evs = daemon.cmd("appevents")[before:]
        for e in evs:
            if e.get("ev") == "call":
                return e["call_id"]
        return None
    return wait_until(find, timeout, "a new app call")


def metric(daemon, name):
    text = daemon.cmd("metrics")["text"]
    m = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None
