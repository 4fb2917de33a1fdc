"""Music on hold for phone hold (re-INVITE a=sendonly, RFC 3264) with anchored
media: while the caller holds, the callee hears sip.hold_music (a tone here)
instead of silence; after unhold the two are bridged again and hear each
other. sipp on both sides (the telephony scenarios), RTP peers counting audio."""
import os
import time

import pytest

from applib import RtpPeer, Sipp, app_daemon, register_contact, unregister_all, wait_until
from siplib import free_port

TELEPHONY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "telephony", "scenarios")
FIXTURE = {"extensions": [{"number": "100", "password": "secret100"},
                          {"number": "200", "password": "secret200"}]}


@pytest.fixture(scope="module")
def daemon():
    d = app_daemon(FIXTURE, "idle", {"sip.hold_music": "tone:dial"})
    yield d
    d.stop()


def test_held_party_hears_hold_music_then_the_caller_again(daemon):
    callee_port = free_port()
    register_contact(daemon, "200", callee_port)
    callee_rtp, caller_rtp = RtpPeer(), RtpPeer()
    try:
        uas = Sipp(daemon, os.path.join(TELEPHONY, "uas_anchored.xml"), callee_port, rtp=callee_rtp.port)
        time.sleep(0.3)
        uac = Sipp(daemon, os.path.join(TELEPHONY, "uac_hold_anchored.xml"), free_port(), service="200",
                   rtp=caller_rtp.port, caller="100", auth=("100", "secret100"))
        daemon.wait_for("calls", lambda c: len(c) == 1 and c[0]["on_hold"], timeout=15)
        # On hold: the callee hears the hold tone although the caller sends nothing.
        before = callee_rtp.loud_received()
        wait_until(lambda: callee_rtp.loud_received() - before >= 25, 3, "hold music at the callee")
        # Unhold: the tone stops and the caller is heard again through the bridge.
        daemon.wait_for("calls", lambda c: len(c) == 1 and not c[0]["on_hold"], timeout=10)
        time.sleep(0.2)
        quiet = callee_rtp.loud_received()
        time.sleep(0.4)
        assert callee_rtp.loud_received() - quiet < 3, "hold music still playing after unhold"
        media = wait_until(uac.received_media, 5, "our SDP at the caller")
        caller_rtp.send_audio(media, packets=25, loud=True)
        wait_until(lambda: callee_rtp.loud_received() - quiet >= 15, 3, "the caller's voice at the callee")
        call_id = daemon.cmd("calls")[0]["id"]
        assert daemon.cmd(f"hangup {call_id}") == {"ok": True}
        assert uac.wait() == 0, uac.errors()
        assert uas.wait() == 0, uas.errors()
    finally:
        callee_rtp.close()
        caller_rtp.close()
        unregister_all(daemon, "200")
    daemon.wait_for("calls", lambda c: c == [], timeout=10)
