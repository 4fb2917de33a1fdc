"""hujiaod with the DEFAULT configuration (no sip/media keys at all) starts,
serves SIP on the default port 5060 and stops cleanly on SIGTERM; a second
daemon that cannot bind 5060 runs without telephony (503) instead of failing."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from telib import Daemon, wait_until  # noqa: E402


def options(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(1)
    lp = s.getsockname()[1]
    msg = (f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.1:{lp};branch=z9hG4bKdefault{int(time.time()*1000)};rport\r\n"
           f"From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: default-{lp}@t\r\n"
           "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
    try:
        s.sendto(msg.encode(), ("127.0.0.1", port))
        data, _ = s.recvfrom(65535)
        return data.decode(errors="replace")
    except socket.timeout:
        return ""
    finally:
        s.close()


def test_default_config_serves_sip_on_5060():
    d = Daemon(with_sip=False)
    assert "sip" not in d.config_text() and "media" not in d.config_text()
    try:
        d.start()
        reply = wait_until(lambda: options(5060), 5, "an answer to OPTIONS on 5060")
        assert reply.startswith("SIP/2.0 "), reply
        # Telephony REST is live on the default config too.
        status, _, body = d.api("GET", "/api/v1/extensions")
        assert status == 200 and body["total"] >= 5, body  # the demo extensions
        assert d.metric("hujiao_sip_up") == 1

        # A second daemon on the same host cannot bind 5060: it still serves its API
        # and console, says so in /metrics, and the telephony routes answer 503.
        second = Daemon(with_sip=False)
        try:
            second.start()
            assert second.metric("hujiao_sip_up") == 0
            status, _, body = second.api("GET", "/api/v1/calls")
            assert status == 503 and body["error"]["code"] == "unavailable", body
            assert "SIP is NOT running" in second.read_log()
            assert options(5060).startswith("SIP/2.0 ")  # the first one still answers
        finally:
            assert second.stop() == 0, second.read_log()
    finally:
        assert d.stop() == 0, d.read_log()
    assert "stopped" in d.read_log()
