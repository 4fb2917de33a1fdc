"""Helpers for the SIP system tests: run sip_testd, run sipp scenarios, and a
tiny raw SIP client (REGISTER with MD5/SHA-256 digest, arbitrary bytes).
Ports, sipp and logs come from tests/system/common/hujiao_testlib.py."""
import hashlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import hujiao_testlib as testlib  # noqa: E402

SCENARIOS = os.path.join(HERE, "scenarios")
REALM = "hujiao"


def build_dir():
    return os.environ.get("HUJIAO_BUILD_DIR", os.path.join(HERE, "..", "..", "..", "build"))


def testd_path():
    return os.path.join(build_dir(), "tests", "system", "sip", "sip_testd")


def free_port(host="127.0.0.1"):
    """A port free for both UDP and TCP (reserved for this process)."""
    return testlib.free_port(host=host)


class Daemon:
    """sip_testd with a fixture; commands over stdin, one JSON answer per line.
    When its port was picked here and another program took it before sip_testd
    bound it ("cannot bind"), the first start retries on a new port."""

    def __init__(self, fixture, settings=None, db=None, port=None, env=None, args=None):
        self.env = dict(os.environ, **(env or {}))
        self.args = list(args or [])
        self.name = "sip_testd"
        self.tmp = tempfile.mkdtemp(prefix="hujiao-sip-")
        self.port = port or free_port()
        self.db = db or os.path.join(self.tmp, "t.db")
        self.fixture_path = os.path.join(self.tmp, "fixture.json")
        with open(self.fixture_path, "w") as f:
            json.dump(fixture, f)
        self.settings = {"sip.port": str(self.port), "sip.listen_address": "127.0.0.1",
                         "sip.auth_algorithms": "MD5,SHA-256", "sip.options_interval": "0",
                         "sip.media_anchoring": "false", "log.level": "info"}
        self.settings.update(settings or {})
        self.proc = None
        picked = port is None and self.settings["sip.port"] == str(self.port)
        for attempt in range(3):
            if self._start() or not picked or "cannot bind" not in self.log() or attempt == 2:
                break
            self.port = free_port()
            self.settings["sip.port"] = str(self.port)
        assert self.alive(), f"sip_testd did not start: {self.log()}"

    def start(self):
        assert self._start(), f"sip_testd did not start: {self.log()}"

    def _start(self):
        """True once sip_testd says READY; False when it exited first."""
        args = [testd_path(), "--db", "sqlite:" + self.db, "--fixture", self.fixture_path] + self.args
        for k, v in self.settings.items():
            args += ["--set", f"{k}={v}"]
        self.stderr = open(self.log_path(), "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, bufsize=1, env=self.env)
        testlib.track(self)
        if self.proc.stdout.readline().strip() == "READY":
            return True
        self.proc.wait()
        self.stderr.close()
        return False

    def cmd(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "sip_testd died: " + self.log()
        return json.loads(line)

    def wait_for(self, text, pred, timeout=10.0):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.cmd(text)
            if pred(last):
                return last
            time.sleep(0.1)
        raise AssertionError(f"timeout waiting on {text}: last={last}")

    def alive(self):
        return self.proc.poll() is None

    running = alive

    def log_path(self):
        return os.path.join(self.tmp, "testd.log")

    def log(self):
        return testlib.read_tail(self.log_path(), 4000)

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        """Quits the daemon; returns its exit status (non-zero: it crashed, or a sanitizer reported)."""
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        if self.proc and self.stopped_at is None:
            self.stopped_at = time.time()
        return self.proc.returncode if self.proc else 0


def sipp(scenario, daemon, service, local_port, caller=None, user=None, password=None, calls=1, pause_ms=500,
         transport="u1", ip="127.0.0.1", timeout=20, extra=None, background=False):
    """Runs sipp to the end: (exit status, its errors); background: (Popen, its directory) for wait_sipp."""
    s = testlib.Sipp(os.path.join(SCENARIOS, scenario), daemon.port, local_port, service=service,
                     keys={"caller": caller} if caller else None, auth=(user, password) if user else None,
                     calls=calls, pause_ms=pause_ms, timeout=timeout, local_ip=ip, transport=transport,
                     trace_msg=False, extra=extra or ())
    if background:
        return s.proc, s.cwd
    return s.wait(), s.errors()


def errors_of(cwd):
    return testlib.read_logs(cwd, "_errors.log")


def wait_sipp(handle, timeout=30):
    proc, cwd = handle
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = -1
    return rc, errors_of(cwd)


# ---------------------------------------------------------------- raw client

def H(alg, s):
    return (hashlib.sha256 if alg == "SHA-256" else hashlib.md5)(s.encode()).hexdigest()


def digest_response(alg, user, password, method, uri, nonce, nc="00000001", cnonce="abcdef", qop="auth",
                    realm=REALM):
    ha1 = H(alg, f"{user}:{realm}:{password}")
    ha2 = H(alg, f"{method}:{uri}")
    return H(alg, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")


def authorization(header, alg, user, password, method, uri, challenge):
    """The `header` (Authorization, Proxy-Authorization) answering `challenge` (qop=auth)."""
    nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
    resp = digest_response(alg, user, password, method, uri, nonce)
    return (f'{header}: Digest username="{user}", realm="{REALM}", nonce="{nonce}", uri="{uri}", '
            f'response="{resp}", algorithm={alg}, qop=auth, nc=00000001, cnonce="abcdef"')


class RawClient:
    """A UDP (or TCP) socket speaking just enough SIP for REGISTER and probes."""

    def __init__(self, daemon, transport="udp", ip="127.0.0.1", server="127.0.0.1", port=None, tls_context=None):
        self.daemon = daemon
        self.transport = transport
        self.server = server
        self.port = port or daemon.port
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM)
        self.sock.bind((ip, 0))
        if transport in ("tcp", "tls"):
            self.sock.connect((server, self.port))
            if tls_context is not None:
                self.sock = tls_context.wrap_socket(self.sock, server_hostname="localhost")
        self.sock.settimeout(3)
        self.local = self.sock.getsockname()
        self.cseq = 0
        self.call_id = f"{random.getrandbits(64):x}@raw"
        self.buf = b""

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        if self.transport == "udp":
            self.sock.sendto(data, (self.server, self.port))
        else:
            self.sock.sendall(data)

    def recv(self, timeout=3):
        self.sock.settimeout(timeout)
        if self.transport == "udp":
            data, _ = self.sock.recvfrom(65535)
            return data.decode(errors="replace")
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65535)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        head, rest = self.buf.split(b"\r\n\r\n", 1)
        m = re.search(rb"Content-Length:\s*(\d+)", head, re.I)
        n = int(m.group(1)) if m else 0
        while len(rest) < n:
            rest += self.sock.recv(65535)
        self.buf = rest[n:]
        return (head + b"\r\n\r\n" + rest[:n]).decode(errors="replace")

    def request(self, method, user, extra_headers="", body="", contact=None, to_user=None, expires=None):
        self.cseq += 1
        host, port = self.local[:2]
        if ":" in host:
            host = f"[{host}]"
        contact = contact if contact is not None else f"<sip:{user}@{host}:{port};transport={self.transport}>"
        srv = f"[{self.server}]" if ":" in self.server else self.server
        lines = [f"{method} sip:{srv}:{self.port} SIP/2.0",
                 f"Via: SIP/2.0/{self.transport.upper()} {host}:{port};branch=z9hG4bK{random.getrandbits(48):x};rport",
                 f"From: <sip:{user}@127.0.0.1>;tag={random.getrandbits(32):x}",
                 f"To: <sip:{to_user or user}@127.0.0.1>",
                 f"Call-ID: {self.call_id}", f"CSeq: {self.cseq} {method}", "Max-Forwards: 70"]
        if contact:
            lines.append(f"Contact: {contact}")
        if expires is not None:
            lines.append(f"Expires: {expires}")
        if extra_headers:
            lines.append(extra_headers.rstrip("\r\n"))
        lines.append(f"Content-Length: {len(body.encode())}")
        msg = "\r\n".join(lines) + "\r\n\r\n" + body
        self.send_raw(msg.encode())
        return self.recv()

    def register(self, user, password, alg="MD5", expires=120, contact=None, wrong=False):
        """REGISTER, answer the challenge of `alg`; returns the final response text."""
        r = self.request("REGISTER", user, contact=contact, expires=expires)
        if not r.startswith("SIP/2.0 401"):
            return r
        ch = [c for c in re.findall(r"WWW-Authenticate: (.*)", r) if f"algorithm={alg}" in c]
        assert ch, r
        srv = f"[{self.server}]" if ":" in self.server else self.server
        uri = f"sip:{srv}:{self.port}"
        auth = authorization("Authorization", alg, user, password + ("x" if wrong else ""), "REGISTER", uri, ch[0])
        return self.request("REGISTER", user, extra_headers=auth, contact=contact, expires=expires)


def status_of(resp):
    m = re.match(r"SIP/2.0 (\d{3})", resp)
    return int(m.group(1)) if m else 0
