"""Helpers for the app-call tests: sip_testd with the real media engine and the
scripted CallAppListener (--media --app), RTP peers that count audio and send
RFC 4733 digits, sipp runs with an RTP port and a message trace."""
import os
import random
import re
import socket
import struct
import threading
import time

from siplib import SCENARIOS, Daemon, RawClient, free_port, status_of

import subprocess
import tempfile


def free_rtp_range(width=60):
    for _ in range(100):
        base = random.randrange(30000, 60000 - width, 2)
        socks = []
        try:
            for p in range(base, base + width):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base, base + width - 1
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free RTP range")


def app_daemon(fixture, mode="idle", settings=None):
    lo, hi = free_rtp_range()
    s = {"sip.media_anchoring": "true", "media.rtp_port_min": str(lo), "media.rtp_port_max": str(hi),
         "media.bind_ipv4": "127.0.0.1", "media.advertise_ipv4": "127.0.0.1", "media.workers": "1",
         "media.rtp_timeout_s": "0", "sip.no_answer_timeout": "10",
         "media.recordings_dir": tempfile.mkdtemp(prefix="hujiao-rec-")}
    s.update(settings or {})
    return Daemon(fixture, s, args=["--media", "--app", mode])


class RtpPeer:
    """A UDP socket that counts received RTP (audio and events) and sends PCMU and RFC 4733 digits."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.audio = 0
        self.loud = 0  # audio packets carrying more than silence (a tone, the peer's voice)
        self.events = []  # (event, end) of received telephone-event packets
        self.ssrc = random.getrandbits(32)
        self.seq = random.getrandbits(16)
        self.ts = random.getrandbits(32)
        self._stop = False
        self._lock = threading.Lock()
        self.sock.settimeout(0.2)
        self.thread = threading.Thread(target=self._rx, daemon=True)
        self.thread.start()

    def _rx(self):
        while not self._stop:
            try:
                data, _ = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 12 or data[0] >> 6 != 2:
                continue
            pt = data[1] & 0x7F
            with self._lock:
                if pt in (0, 8):
                    self.audio += 1
                    if any((b & 0x7F) < 0x70 for b in data[12:]):
                        self.loud += 1
                elif pt == 101 and len(data) >= 16:
                    self.events.append((data[12], bool(data[13] & 0x80)))

    def received(self):
        with self._lock:
            return self.audio

    def loud_received(self):
        with self._lock:
            return self.loud

    def digits(self):
        """Digits whose end packet arrived, once each."""
        names = "0123456789*#ABCD"
        with self._lock:
            ev = list(self.events)
        out, last_end = [], False
        for e, end in ev:
            if end and not last_end:
                out.append(names[e] if e < 16 else "?")
            last_end = end
        return "".join(out)

    def _send(self, dest, pt, payload, marker=False, ts=None):
        hdr = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, self.seq & 0xFFFF,
                          (self.ts if ts is None else ts) & 0xFFFFFFFF, self.ssrc)
        self.sock.sendto(hdr + payload, dest)
        self.seq += 1

    def send_audio(self, dest, packets=50, interval=0.02, loud=False):
        # PCMU silence, or a loud square wave (what the test listens for on the other side)
        payload = bytes([0x10, 0x90] * 80) if loud else bytes([0xFF]) * 160
        for _ in range(packets):
            self._send(dest, 0, payload)
            self.ts += 160
            time.sleep(interval)

    def send_digit(self, dest, digit):
        """One RFC 4733 event: 5 packets of 20 ms, then 3 end packets."""
        ev = "0123456789*#ABCD".index(digit)
        ts = self.ts
        for i in range(1, 6):
            self._send(dest, 101, struct.pack("!BBH", ev, 10, 160 * i), marker=(i == 1), ts=ts)
            time.sleep(0.02)
        for _ in range(3):
            self._send(dest, 101, struct.pack("!BBH", ev, 0x80 | 10, 800), ts=ts)
            time.sleep(0.005)
        self.ts += 800 + 160
        time.sleep(0.1)

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


class Sipp:
    """One sipp process with an RTP port key and a message trace."""

    def __init__(self, daemon, scenario, local_port, service="x", rtp=None, caller=None, auth=None,
                 pause_ms=500, timeout=30):
        self.cwd = tempfile.mkdtemp(prefix="sipp-app-")
        args = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), "-i", "127.0.0.1", "-p", str(local_port),
                "-s", service, "-m", "1", "-d", str(pause_ms), "-t", "u1", "-nostdin", "-timeout", f"{timeout}s",
                "-timeout_error", "-trace_err", "-trace_msg", "-max_recv_loops", "1000"]
        if rtp is not None:
            args += ["-key", "rtp", str(rtp)]
        if caller:
            args += ["-key", "caller", caller]
        if auth:
            args += ["-au", auth[0], "-ap", auth[1]]
        args.append(f"127.0.0.1:{daemon.port}")
        self.proc = subprocess.Popen(args, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.timeout = timeout

    def wait(self, timeout=None):
        try:
            return self.proc.wait(timeout=timeout or self.timeout + 10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -1

    def done(self):
        return self.proc.poll() is not None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def _read(self, suffix):
        out = ""
        for name in os.listdir(self.cwd):
            if name.endswith(suffix):
                with open(os.path.join(self.cwd, name), errors="replace") as f:
                    out += f.read()
        return out

    def errors(self):
        return self._read("_errors.log")

    def messages(self):
        return self._read("_messages.log")

    def received_media(self):
        """(address, port) of the last m=audio in a message sipp received."""
        found = None
        for block in re.split(r"-{10,}", self.messages()):
            if "message received" not in block:
                continue
            c = re.search(r"^c=IN IP4 (\S+)", block, re.M)
            m = re.search(r"^m=audio (\d+)", block, re.M)
            if c and m:
                found = (c.group(1), int(m.group(1)))
        return found

    def received_invite(self):
        for block in re.split(r"-{10,}", self.messages()):
            if "message received" in block and re.search(r"^\s*INVITE ", block, re.M):
                return block
        return ""


def register_contact(daemon, ext, port, password=None):
    c = RawClient(daemon)
    r = c.register(ext, password or f"secret{ext}", contact=f"<sip:{ext}@127.0.0.1:{port}>", expires=300)
    assert status_of(r) == 200, r
    c.close()


def unregister_all(daemon, ext, password=None):
    c = RawClient(daemon)
    c.register(ext, password or f"secret{ext}", contact="*", expires=0)
    c.close()


def wait_until(fn, timeout=10.0, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"timeout waiting for {what}: last={last!r}")


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
