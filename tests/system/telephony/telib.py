"""Helpers for the telephony system tests: the real hujiaod with SIP and media
on free ports, its REST API, sipp runs, and a tiny RTP sender/receiver.
A thin layer over tests/system/common/hujiao_testlib.py (which does the work)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import hujiao_testlib as testlib  # noqa: E402
from hujiao_testlib import ADMIN_PASSWORD, free_port, free_rtp_range, wait_until  # noqa: E402,F401

SCENARIOS = os.path.join(HERE, "scenarios")


class Daemon(testlib.Hujiaod):
    """The real hujiaod with a temp config; `settings` = {section: {key: value}}."""

    def __init__(self, settings=None, with_sip=True):
        super().__init__(settings, with_sip=with_sip, prefix="hujiao-tel-")


class Sipp(testlib.Sipp):
    """One sipp call (-m 1) to the daemon's SIP port; messages are traced so the test can read the SDP it got."""

    def __init__(self, daemon, scenario, local_port, keys=None, service=None, auth=None, timeout=30):
        super().__init__(os.path.join(SCENARIOS, scenario), daemon.sip_port, local_port, service=service, keys=keys,
                         auth=auth, timeout=timeout, prefix="sipp-tel-")


def register(daemon, ext, password, port):
    testlib.register(daemon.sip_port, ext, password, port)


class RtpPeer(testlib.RtpPeer):
    """A UDP socket that counts received RTP (`received`, `sources`) and sends PCMU packets."""

    @property
    def received(self):
        return self.audio
