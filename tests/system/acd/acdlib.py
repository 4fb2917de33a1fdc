"""Helpers for the ACD system tests: the daemon (telib.Daemon), sipp agents that
register their extension and answer (or not), sipp callers dialing the demo
queue DID, the CTI WebSocket, and a webhook receiver."""
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

import websocket

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))

import telib  # noqa: E402
from telib import Daemon, RtpPeer, free_port, wait_until  # noqa: E402,F401

SCENARIOS = os.path.join(HERE, "scenarios")
# Demo data (src/api/seed.cpp): agents and their extensions, passwords "<name>-demo".
AGENTS = {"agent1001": "1001", "agent1002": "1002", "agent2001": "1004"}
QUEUE_DID = "4002"


class Sipp(telib.Sipp):
    """telib.Sipp with this folder's scenarios (absolute paths pass through)."""

    def __init__(self, daemon, scenario, local_port, **kw):
        path = scenario if os.path.isabs(scenario) else os.path.join(SCENARIOS, scenario)
        if not os.path.exists(path):
            path = os.path.join(telib.SCENARIOS, scenario)
        super().__init__(daemon, path, local_port, **kw)


def register(daemon, ext, port):
    telib.register(daemon, ext, ext + "-demo", port)


def user_id(daemon, username):
    s, _, body = daemon.api("GET", "/api/v1/users?q=" + username)
    assert s == 200, body
    for u in body["items"]:
        if u["username"] == username:
            return u["id"]
    raise AssertionError("no user " + username)


class Events:
    """Every event from the WebSocket, collected in the background."""

    def __init__(self, daemon, token=None):
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{daemon.port}/api/v1/events",
                                              header=["Authorization: Bearer " + (token or daemon.token)],
                                              timeout=1)
        self.items = []
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                msg = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception:
                return
            try:
                self.items.append(json.loads(msg))
            except ValueError:
                continue

    def of(self, type_, **match):
        return [e for e in list(self.items) if e.get("type") == type_ and
                all(e.get(k) == v for k, v in match.items())]

    def wait(self, type_, timeout=10, **match):
        return wait_until(lambda: self.of(type_, **match), timeout, f"event {type_} {match}")[0]

    def close(self):
        self.stop = True
        self.thread.join(3)
        self.ws.close()


class WebhookReceiver:
    """A local HTTP server that records (headers, body) and answers `statuses` in turn (then 200)."""

    def __init__(self, statuses=()):
        self.received = []
        self.statuses = list(statuses)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def valid(secret, headers, body):
        want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers.get("x-hujiao-signature", ""), want)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def agent_state(daemon, agent_id):
    s, _, a = daemon.api("GET", "/api/v1/agents/" + agent_id)
    assert s == 200, a
    return a["state"], a.get("reason")


def act(daemon, agent_id, action, body=None, token=None):
    return daemon.request("POST", f"/api/v1/agents/{agent_id}/{action}", body=body if body is not None else {},
                          token=token or daemon.token)


class LoudPeer(RtpPeer):
    """An RTP peer that sends a 1 kHz tone (PCMU) and counts the packets it
    receives with audible content, so a test can tell who hears whom."""

    def __init__(self):
        self.loud = 0
        super().__init__()

    def _rx(self):
        import audioop
        while not self._stop:
            try:
                data, src = self.sock.recvfrom(2048)
            except Exception as e:  # socket.timeout or closed
                if isinstance(e, OSError) and not str(e).startswith("timed out") and self._stop:
                    return
                continue
            if len(data) >= 12 and data[0] >> 6 == 2 and (data[1] & 0x7F) == 0:
                self.received += 1
                self.sources.add(src)
                if audioop.rms(audioop.ulaw2lin(data[12:], 2), 2) > 1000:
                    self.loud += 1

    def send_tone(self, dest, packets=25, interval=0.02):
        import audioop
        import math
        import struct
        pcm = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 1000 * n / 8000))) for n in range(160))
        payload = audioop.lin2ulaw(pcm, 2)
        for _ in range(packets):
            hdr = struct.pack("!BBHII", 0x80, 0, self.seq & 0xFFFF, self.ts & 0xFFFFFFFF, self.ssrc)
            self.sock.sendto(hdr + payload, dest)
            self.seq += 1
            self.ts += 160
            time.sleep(interval)


def hears(speaker, listener, dest, packets=25):
    """True when the speaker's tone sent to `dest` reaches the listener audibly."""
    time.sleep(0.2)
    before = listener.loud
    speaker.send_tone(dest, packets)
    time.sleep(0.4)
    return listener.loud - before > packets // 3
