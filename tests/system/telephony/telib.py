"""Helpers for the telephony system tests: the real hujiaod with SIP and media
on free ports, its REST API, sipp runs, and a tiny RTP sender/receiver."""
import http.client
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")
ADMIN_PASSWORD = "Admin-pass-123"


def free_port(kinds=(socket.SOCK_DGRAM, socket.SOCK_STREAM)):
    """A port free for every socket kind in `kinds` on 127.0.0.1."""
    for _ in range(200):
        port = random.randint(20000, 60000)
        ok = True
        for k in kinds:
            s = socket.socket(socket.AF_INET, k)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return port
    raise RuntimeError("no free port")


def free_rtp_range(width=40):
    """An even-aligned UDP port range nobody uses right now."""
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


class Daemon:
    """The real hujiaod with a temp config; `settings` = {section: {key: value}}."""

    def __init__(self, settings=None, with_sip=True):
        self.workdir = tempfile.mkdtemp(prefix="hujiao-tel-")
        self.port = free_port((socket.SOCK_STREAM,))
        cfg = {
            "node": {"data_dir": os.path.join(self.workdir, "var"), "demo_data": True},
            "store": {"url": "sqlite:" + os.path.join(self.workdir, "hujiao.db")},
            "http": {"listen": "127.0.0.1", "port": self.port,
                     "static_dir": os.path.join(self.workdir, "no-console"), "shutdown_grace_ms": 2000},
            "log": {"level": "info"},
        }
        if with_sip:
            self.sip_port = free_port()
            self.rtp_min, self.rtp_max = free_rtp_range()
            # sipp answers only the first challenge and knows MD5 only: offer MD5 first.
            cfg["sip"] = {"listen_address": "127.0.0.1", "port": self.sip_port, "options_interval": 0,
                          "auth_algorithms": ["MD5", "SHA-256"]}
            cfg["media"] = {"rtp_port_min": self.rtp_min, "rtp_port_max": self.rtp_max,
                            "bind_ipv4": "127.0.0.1", "advertise_ipv4": "127.0.0.1", "workers": 2,
                            "rtp_timeout_s": 4}
        for section, values in (settings or {}).items():
            cfg.setdefault(section, {}).update(values)
        self.cfg = cfg
        self.proc = None

    def config_text(self):
        lines = []
        for section, values in self.cfg.items():
            lines.append(section + ":")
            for k, v in values.items():
                if isinstance(v, bool):
                    v = "true" if v else "false"
                elif isinstance(v, (str, list)):
                    v = json.dumps(v)
                lines.append(f"  {k}: {v}")
        return "\n".join(lines) + "\n"

    def start(self, timeout=30, attempts=3):
        """Starts hujiaod and waits for /healthz. A port picked free can be taken by
        another test before the daemon binds it; hujiaod then runs without SIP (its
        log says "SIP is NOT running"), so the daemon is restarted on new ports."""
        for attempt in range(attempts):
            logpath = os.path.join(self.workdir, "hujiaod.log")
            offset = os.path.getsize(logpath) if os.path.exists(logpath) else 0
            self._start_once(timeout)
            with open(logpath, "rb") as f:
                f.seek(offset)
                this_run = f.read().decode("utf-8", "replace")
            if "sip" not in self.cfg or "SIP is NOT running" not in this_run:
                return self
            if attempt + 1 == attempts:
                raise RuntimeError("hujiaod could not bind SIP/RTP ports: " + self.read_log())
            self.stop()
            self.sip_port = free_port()
            self.rtp_min, self.rtp_max = free_rtp_range()
            self.cfg["sip"]["port"] = self.sip_port
            self.cfg["media"].update({"rtp_port_min": self.rtp_min, "rtp_port_max": self.rtp_max})
        return self

    def _start_once(self, timeout):
        path = os.path.join(self.workdir, "hujiao.yaml")
        with open(path, "w") as f:
            f.write(self.config_text())
        env = dict(os.environ, HUJIAO_ADMIN_PASSWORD=ADMIN_PASSWORD)
        self.logf = open(os.path.join(self.workdir, "hujiaod.log"), "ab")
        self.proc = subprocess.Popen([os.environ["HUJIAOD"], "--config", path], cwd=self.workdir, env=env,
                                     stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hujiaod exited with {self.proc.returncode}: {self.read_log()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    self.token = self.login("admin", ADMIN_PASSWORD)
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("hujiaod did not become healthy: " + self.read_log())

    def read_log(self):
        with open(os.path.join(self.workdir, "hujiaod.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")[-6000:]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("hujiaod did not stop on SIGTERM: " + self.read_log())
        self.logf.close()
        return self.proc.returncode

    def request(self, method, path, body=None, token=None, raw=None):
        """(status, lower-case headers, parsed JSON or text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            hdrs = {}
            data = raw
            if body is not None:
                data = json.dumps(body).encode()
            if data is not None:
                hdrs["Content-Type"] = "application/json"
            if token:
                hdrs["Authorization"] = "Bearer " + token
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            rh = {k.lower(): v for k, v in resp.getheaders()}
            if payload and rh.get("content-type", "").startswith("application/json"):
                return resp.status, rh, json.loads(payload)
            return resp.status, rh, payload.decode("utf-8", "replace")
        finally:
            conn.close()

    def api(self, method, path, body=None, raw=None):
        return self.request(method, path, body=body, token=self.token, raw=raw)

    def login(self, username, password):
        status, _, body = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password})
        assert status == 200, body
        return body["token"]

    def metric(self, name):
        status, _, text = self.request("GET", "/metrics", token=self.token)
        assert status == 200, text
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        raise AssertionError(f"metric {name} not found")


def wait_until(fn, timeout=10.0, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timeout waiting for {what}: last={last!r}")


# ---------------------------------------------------------------- sipp

class Sipp:
    """One sipp process; messages are traced so the test can read the SDP it got."""

    def __init__(self, daemon, scenario, local_port, keys=None, service=None, auth=None, timeout=30):
        self.cwd = tempfile.mkdtemp(prefix="sipp-tel-")
        args = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), "-i", "127.0.0.1", "-p", str(local_port),
                "-m", "1", "-t", "u1", "-nostdin", "-timeout", f"{timeout}s", "-timeout_error", "-trace_err",
                "-trace_msg", "-max_recv_loops", "1000"]
        if service:
            args += ["-s", service]
        for k, v in (keys or {}).items():
            args += ["-key", k, str(v)]
        if auth:
            args += ["-au", auth[0], "-ap", auth[1]]
        args.append(f"127.0.0.1:{daemon.sip_port}")
        self.proc = subprocess.Popen(args, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.timeout = timeout

    def wait(self, timeout=None):
        try:
            return self.proc.wait(timeout=timeout or self.timeout + 10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -1

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

    def received_sdp(self):
        """(address, port) of the last m=audio in a message sipp received."""
        log = self._read("_messages.log")
        found = None
        for block in re.split(r"-{10,}", log):
            if "message received" not in block:
                continue
            c = re.search(r"^c=IN IP4 (\S+)", block, re.M)
            m = re.search(r"^m=audio (\d+)", block, re.M)
            if c and m:
                found = (c.group(1), int(m.group(1)))
        return found


def register(daemon, ext, password, port):
    s = Sipp(daemon, "register.xml", port, keys={"ext": ext}, auth=(ext, password), timeout=10)
    rc = s.wait()
    assert rc == 0, f"sipp REGISTER {ext} failed ({rc}): {s.errors()}"


# ---------------------------------------------------------------- RTP

class RtpPeer:
    """A UDP socket that counts received RTP and sends PCMU packets."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.sources = set()
        self.ssrc = random.getrandbits(32)
        self.seq = random.getrandbits(16)
        self.ts = random.getrandbits(32)
        self._stop = False
        self.sock.settimeout(0.2)
        self.thread = threading.Thread(target=self._rx, daemon=True)
        self.thread.start()

    def _rx(self):
        while not self._stop:
            try:
                data, src = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) >= 12 and data[0] >> 6 == 2 and (data[1] & 0x7F) in (0, 8):
                self.received += 1
                self.sources.add(src)

    def send(self, dest, packets=50, interval=0.02):
        payload = bytes([0xFF]) * 160  # PCMU silence
        for _ in range(packets):
            hdr = struct.pack("!BBHII", 0x80, 0, self.seq & 0xFFFF, self.ts & 0xFFFFFFFF, self.ssrc)
            self.sock.sendto(hdr + payload, dest)
            self.seq += 1
            self.ts += 160
            time.sleep(interval)

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()
