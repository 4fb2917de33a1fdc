"""Helpers for the SIP system tests: run sip_testd, run sipp scenarios, and a
tiny raw SIP client (REGISTER with MD5/SHA-256 digest, arbitrary bytes)."""
import hashlib
import json
import os
import random
import re
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "scenarios")
REALM = "hujiao"


def build_dir():
    return os.environ.get("HUJIAO_BUILD_DIR", os.path.join(HERE, "..", "..", "..", "build"))


def testd_path():
    return os.path.join(build_dir(), "tests", "system", "sip", "sip_testd")


def free_port(host="127.0.0.1"):
    """A port free for both UDP and TCP."""
    for _ in range(100):
        port = random.randint(20000, 60000)
        ok = True
        for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, k)
            try:
                s.bind((host, port))
            except OSError:
                ok = False
            finally:
                s.close()
        if ok:
            return port
    raise RuntimeError("no free port")


class Daemon:
    """sip_testd with a fixture; commands over stdin, one JSON answer per line."""

    def __init__(self, fixture, settings=None, db=None, port=None, env=None, args=None):
        self.env = dict(os.environ, **(env or {}))
        self.args = list(args or [])
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
        self.start()

    def start(self):
        args = [testd_path(), "--db", "sqlite:" + self.db, "--fixture", self.fixture_path] + self.args
        for k, v in self.settings.items():
            args += ["--set", f"{k}={v}"]
        self.stderr = open(os.path.join(self.tmp, "testd.log"), "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, bufsize=1, env=self.env)
        line = self.proc.stdout.readline()
        assert line.strip() == "READY", f"sip_testd did not start: {line!r} {self.log()}"

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

    def log(self):
        try:
            with open(os.path.join(self.tmp, "testd.log"), "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

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
        return self.proc.returncode if self.proc else 0


def sipp(scenario, daemon, service, local_port, caller=None, user=None, password=None, calls=1, pause_ms=500,
         transport="u1", ip="127.0.0.1", timeout=20, extra=None, background=False):
    args = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), "-i", ip, "-p", str(local_port), "-s", service,
            "-m", str(calls), "-d", str(pause_ms), "-t", transport, "-nostdin", "-timeout", f"{timeout}s",
            "-timeout_error", "-trace_err", "-max_recv_loops", "1000"]
    if caller:
        args += ["-key", "caller", caller]
    if user:
        args += ["-au", user, "-ap", password]
    args += extra or []
    args.append(f"127.0.0.1:{daemon.port}")
    cwd = tempfile.mkdtemp(prefix="sipp-")
    if background:
        return subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), cwd
    r = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout + 10)
    return r.returncode, errors_of(cwd)


def errors_of(cwd):
    out = ""
    for name in os.listdir(cwd):
        if name.endswith("_errors.log"):
            with open(os.path.join(cwd, name), errors="replace") as f:
                out += f.read()
    return out


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
        nonce = re.search(r'nonce="([^"]+)"', ch[0]).group(1)
        srv = f"[{self.server}]" if ":" in self.server else self.server
        uri = f"sip:{srv}:{self.port}"
        resp = digest_response(alg, user, password + ("x" if wrong else ""), "REGISTER", uri, nonce)
        auth = (f'Authorization: Digest username="{user}", realm="{REALM}", nonce="{nonce}", uri="{uri}", '
                f'response="{resp}", algorithm={alg}, qop=auth, nc=00000001, cnonce="abcdef"')
        return self.request("REGISTER", user, extra_headers=auth, contact=contact, expires=expires)


def status_of(resp):
    m = re.match(r"SIP/2.0 (\d{3})", resp)
    return int(m.group(1)) if m else 0
