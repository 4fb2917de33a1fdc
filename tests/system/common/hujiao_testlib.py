"""The one library of the hujiao system tests (pure stdlib, /usr/bin/python3).

- ports: free_port() and free_rtp_range() pick from pools outside the kernel's
  ephemeral range (sockets bound to port 0 never land there) and reserve what
  they pick across processes (flock), so tests running at once never get the
  same port; a bind test still checks the port is free right now;
- Hujiaod: the real daemon with a temporary config (yaml_text), started with
  /healthz + admin login, restarted on fresh ports when its SIP or HTTP port was
  taken before it could bind it, stopped with SIGTERM under a deadline;
- RestClient: its REST API (request/api/login/metric);
- Sipp: one sipp process with its message trace (received requests, SDP), and
  register() over sipp;
- RtpPeer: a UDP RTP end that counts audio / loud / RFC 4733 packets and sends
  PCMU silence, a loud wave, a 1 kHz tone or digits;
- wait_until;
- pytest hooks (loaded with `-p hujiao_testlib`, see tests/system/CMakeLists.txt,
  and by sip/conftest.py): a failed test's report ends with the logs of the
  daemons it used.
Helpers per area (telephony/telib.py, sip/siplib.py, acd/acdlib.py, ...) are
thin layers over this module."""
import datetime
import fcntl
import http.client
import json
import math
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
import weakref

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEM_DIR = os.path.dirname(HERE)
TELEPHONY_SCENARIOS = os.path.join(SYSTEM_DIR, "telephony", "scenarios")
ADMIN_PASSWORD = "Admin-pass-123"
UDP, TCP = socket.SOCK_DGRAM, socket.SOCK_STREAM

# ---------------------------------------------------------------- ports
# Linux hands out 32768-60999 for port 0: single ports come from above it,
# RTP ranges from below it, in blocks of 64 (one flock file per port / block).
PORT_POOL = (61000, 65535)
RTP_POOL = (10000, 32000)
RTP_BLOCK = 64
_LOCK_DIR = os.path.join(tempfile.gettempdir(), "hujiao-test-ports")
_held = []  # lock fds: a reservation lasts as long as this process


def _reserve(name):
    """True when `name` is ours now (no other live process holds it)."""
    try:
        os.makedirs(_LOCK_DIR, mode=0o777, exist_ok=True)
        fd = os.open(os.path.join(_LOCK_DIR, name), os.O_CREAT | os.O_RDWR, 0o666)
    except OSError:
        return True  # no shared lock dir: the bind test alone decides
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _held.append(fd)
    return True


def _bindable(port, kinds, host="127.0.0.1"):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    for k in kinds:
        s = socket.socket(fam, k)
        try:
            s.bind((host, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_port(kinds=(UDP, TCP), host="127.0.0.1"):
    """A port reserved for this process and free for every socket kind in `kinds`."""
    for _ in range(500):
        port = random.randint(*PORT_POOL)
        if _reserve(f"p{port}") and _bindable(port, kinds, host):
            return port
    raise RuntimeError("no free port")


def free_rtp_range(width=40):
    """(first, last) of `width` UDP ports (even first), reserved and free right now."""
    blocks = (width + RTP_BLOCK - 1) // RTP_BLOCK
    count = (RTP_POOL[1] - RTP_POOL[0]) // RTP_BLOCK - blocks
    for _ in range(200):
        first = random.randrange(count)
        base = RTP_POOL[0] + first * RTP_BLOCK
        if all(_reserve(f"r{RTP_POOL[0] + (first + b) * RTP_BLOCK}") for b in range(blocks)) and \
                all(_bindable(p, (UDP,)) for p in range(base, base + width)):
            return base, base + width - 1
    raise RuntimeError("no free RTP range")


def wait_until(fn, timeout=10.0, what="condition", interval=0.1):
    """fn()'s first truthy value within `timeout` s; AssertionError naming `what` otherwise."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timeout waiting for {what}: last={last!r}")


def read_tail(path, limit=6000):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")[-limit:]
    except OSError:
        return ""


# ---------------------------------------------------------------- daemons under test

_live = []  # weak references to every daemon started in this process


def track(daemon):
    """Registers a daemon (anything with `name`, `log_path()`, `running()`) for the failure report."""
    daemon.stopped_at = None
    if not any(r() is daemon for r in _live):
        _live.append(weakref.ref(daemon))


def merge(*configs):
    """{section: {key: value}} dicts merged key by key, later ones winning."""
    out = {}
    for cfg in configs:
        for section, values in (cfg or {}).items():
            out.setdefault(section, {}).update(values)
    return out


def yaml_text(cfg):
    """{section: {key: value}} as hujiao.yaml (strings and lists in JSON, which YAML reads)."""
    lines = []
    for section, values in cfg.items():
        lines.append(section + ":")
        for k, v in values.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, (str, list)):
                v = json.dumps(v)
            lines.append(f"  {k}: {v}")
    return "\n".join(lines) + "\n"


class RestClient:
    """hujiaod's REST API on 127.0.0.1:`self.port`; `self.token` is the admin's after start()."""

    HTTP_TIMEOUT = 15
    RAW_CONTENT_TYPE = "application/json"  # how request() labels a raw body unless `headers` say otherwise

    def connection(self, timeout=None):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout or self.HTTP_TIMEOUT)

    def request(self, method, path, body=None, token=None, raw=None, headers=None):
        """(status, lower-case headers, parsed JSON or text)."""
        conn = self.connection()
        try:
            hdrs = dict(headers or {})
            data = raw
            if body is not None:
                data = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
            elif raw is not None and self.RAW_CONTENT_TYPE:
                hdrs.setdefault("Content-Type", self.RAW_CONTENT_TYPE)
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

    def admin(self):
        return self.login("admin", ADMIN_PASSWORD)

    def metric(self, name):
        status, _, text = self.request("GET", "/metrics", token=self.token)
        assert status == 200, text
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        raise AssertionError(f"metric {name} not found")


class Hujiaod(RestClient):
    """The real hujiaod ($HUJIAOD) in a temporary working directory with demo data.
    `settings` = {section: {key: value}} over the defaults below; with_sip=False
    leaves out the sip and media sections (hujiaod's defaults: SIP on 5060).
    Ports are attributes (port, sip_port, rtp_min, rtp_max) read when start()
    writes the config, so a test may set them first."""

    def __init__(self, settings=None, with_sip=True, workdir=None, store_url=None, static_dir=None, login=True,
                 prefix="hujiao-"):
        self.workdir = workdir or tempfile.mkdtemp(prefix=prefix)
        self.name = "hujiaod"
        self.settings = merge(settings)
        self.with_sip = with_sip
        self.store_url = store_url or "sqlite:" + os.path.join(self.workdir, "hujiao.db")
        self.static_dir = static_dir or os.path.join(self.workdir, "no-console")
        self.login_on_start = login
        self.port = self._picked_http = free_port((TCP,))
        self.token = None
        self.proc = self.logf = None
        if with_sip:
            self.new_sip_ports()

    def new_sip_ports(self):
        self.sip_port = free_port()
        self.rtp_min, self.rtp_max = free_rtp_range()

    def config(self):
        cfg = {
            "node": {"data_dir": os.path.join(self.workdir, "var"), "demo_data": True},
            "store": {"url": self.store_url},
            "http": {"listen": "127.0.0.1", "port": self.port, "static_dir": self.static_dir,
                     "shutdown_grace_ms": 2000},
            "log": {"level": "info"},
        }
        if self.with_sip:
            # sipp answers only the first challenge and knows MD5 only: offer MD5 first.
            cfg["sip"] = {"listen_address": "127.0.0.1", "port": self.sip_port, "options_interval": 0,
                          "auth_algorithms": ["MD5", "SHA-256"]}
            cfg["media"] = {"rtp_port_min": self.rtp_min, "rtp_port_max": self.rtp_max,
                            "bind_ipv4": "127.0.0.1", "advertise_ipv4": "127.0.0.1", "workers": 2,
                            "rtp_timeout_s": 4}
        return merge(cfg, self.settings)

    def config_text(self):
        return yaml_text(self.config())

    def config_path(self):
        return os.path.join(self.workdir, "hujiao.yaml")

    def log_path(self):
        return os.path.join(self.workdir, "hujiaod.log")

    def read_log(self, limit=6000):
        return read_tail(self.log_path(), limit)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=30, attempts=3):
        """Starts hujiaod; returns once /healthz answers 200 (and the admin logged in).
        A port picked free can be taken by another program before hujiaod binds it:
        hujiaod then runs without SIP ("SIP is NOT running") or exits ("cannot start
        the HTTP API"); it is restarted on new ports (the HTTP port only when we
        picked it)."""
        for attempt in range(attempts):
            offset = os.path.getsize(self.log_path()) if os.path.exists(self.log_path()) else 0
            problem = self._start_once(timeout)
            with open(self.log_path(), "rb") as f:
                f.seek(offset)
                this_run = f.read().decode("utf-8", "replace")
            if problem is None and not (self.with_sip and "SIP is NOT running" in this_run):
                return self
            if problem is None:
                self.stop()
                self.new_sip_ports()
                problem = "hujiaod could not bind its SIP port"
            elif not (self.port == self._picked_http and "cannot start the HTTP API" in this_run):
                raise RuntimeError(problem + ": " + self.read_log())
            else:
                self.port = self._picked_http = free_port((TCP,))
            if attempt + 1 == attempts:
                raise RuntimeError(f"{problem} in {attempts} attempts: " + self.read_log())
        return self

    def _start_once(self, timeout):
        """None once healthy; a reason when hujiaod exited."""
        with open(self.config_path(), "w") as f:
            f.write(self.config_text())
        env = dict(os.environ, HUJIAO_ADMIN_PASSWORD=ADMIN_PASSWORD)
        self.logf = open(self.log_path(), "ab")
        self.proc = subprocess.Popen([os.environ["HUJIAOD"], "--config", self.config_path()], cwd=self.workdir,
                                     env=env, stdout=self.logf, stderr=subprocess.STDOUT)
        track(self)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.logf.close()
                return f"hujiaod exited with {self.proc.returncode}"
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    if self.login_on_start:
                        self.token = self.admin()
                    return None
            except OSError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"hujiaod did not become healthy in {timeout} s: " + self.read_log())

    def stop(self, timeout=20):
        """SIGTERM; the exit status. AssertionError (with the log) when it does not stop in `timeout` s."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"hujiaod did not stop on SIGTERM in {timeout} s: " + self.read_log())
        self._closed()
        return self.proc.returncode

    def kill(self):
        """SIGKILL (a crash); the exit status."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._closed()
        return self.proc.returncode

    def _closed(self):
        if self.logf:
            self.logf.close()
        if self.stopped_at is None:
            self.stopped_at = time.time()


# ---------------------------------------------------------------- sipp

def read_logs(cwd, suffix):
    """The files in `cwd` whose names end with `suffix` (sipp's logs), one after the other."""
    out = ""
    for name in sorted(os.listdir(cwd)):
        if name.endswith(suffix):
            with open(os.path.join(cwd, name), errors="replace") as f:
                out += f.read()
    return out


class Sipp:
    """One sipp process (UDP, 127.0.0.1) against 127.0.0.1:`server_port`, with its
    error log and (trace_msg) message trace in its own directory."""

    def __init__(self, scenario, server_port, local_port, service=None, keys=None, auth=None, calls=1,
                 pause_ms=None, timeout=None, local_ip="127.0.0.1", transport="u1", trace_msg=True, extra=(),
                 prefix="sipp-", cwd=None):
        self.cwd = cwd or tempfile.mkdtemp(prefix=prefix)
        self.timeout = timeout
        args = ["sipp", "-sf", scenario, "-i", local_ip, "-p", str(local_port), "-t", transport, "-nostdin",
                "-trace_err", "-max_recv_loops", "1000"]
        if calls:
            args += ["-m", str(calls)]
        if service:
            args += ["-s", service]
        if pause_ms is not None:
            args += ["-d", str(pause_ms)]
        if timeout:
            args += ["-timeout", f"{timeout}s", "-timeout_error"]
        if trace_msg:
            args.append("-trace_msg")
        for k, v in (keys or {}).items():
            args += ["-key", k, str(v)]
        if auth:
            args += ["-au", auth[0], "-ap", auth[1]]
        args += list(extra)
        args.append(f"127.0.0.1:{server_port}")
        self.proc = subprocess.Popen(args, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self, timeout=None):
        """sipp's exit status; -1 (and killed) when it runs past `timeout` (default: its own + 10 s)."""
        try:
            return self.proc.wait(timeout=timeout or (self.timeout or 20) + 10)
        except subprocess.TimeoutExpired:
            self.kill()
            return -1

    def done(self):
        return self.proc.poll() is not None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def read(self, suffix):
        return read_logs(self.cwd, suffix)

    def errors(self):
        return self.read("_errors.log")

    def messages(self):
        return self.read("_messages.log")

    def received(self, method=None):
        """[(time or None, text)] of the messages sipp received (only `method` requests when given)."""
        out = []
        for block in re.split(r"^-{10,} ", self.messages(), flags=re.M):
            if "message received" not in block:
                continue
            if method and not re.search(r"^\s*" + re.escape(method) + " ", block, re.M):
                continue
            try:
                at = datetime.datetime.strptime(block.split("\n", 1)[0].strip(), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            except ValueError:
                at = None
            out.append((at, block))
        return out

    def received_sdp(self):
        """(address, port) of the last m=audio in a message sipp received."""
        found = None
        for _, block in self.received():
            c = re.search(r"^c=IN IP4 (\S+)", block, re.M)
            m = re.search(r"^m=audio (\d+)", block, re.M)
            if c and m:
                found = (c.group(1), int(m.group(1)))
        return found


def register(sip_port, ext, password, port, timeout=10):
    """REGISTERs extension `ext` (digest auth) with contact 127.0.0.1:`port`, by sipp."""
    s = Sipp(os.path.join(TELEPHONY_SCENARIOS, "register.xml"), sip_port, port, keys={"ext": ext},
             auth=(ext, password), timeout=timeout, prefix="sipp-reg-")
    rc = s.wait()
    assert rc == 0, f"sipp REGISTER {ext} failed ({rc}): {s.errors()}"


# ---------------------------------------------------------------- RTP

DIGITS = "0123456789*#ABCD"
PCMU_SILENCE = bytes([0xFF]) * 160
PCMU_LOUD = bytes([0x10, 0x90] * 80)  # a loud square wave


def ulaw_to_linear(b):
    b = ~b & 0xFF
    mag = ((((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)) - 0x84
    return -mag if b & 0x80 else mag


def linear_to_ulaw(x):
    """G.711 mu-law of a 16-bit sample (as audioop.lin2ulaw)."""
    v = x >> 2
    mask = 0x7F if v < 0 else 0xFF
    v = min(abs(v), 8159) + 33
    seg = next((i for i, end in enumerate((0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)) if v <= end), 8)
    return (0x7F if seg == 8 else (seg << 4) | ((v >> (seg + 1)) & 0x0F)) ^ mask


_ULAW = [ulaw_to_linear(b) for b in range(256)]
PCMU_TONE_1K = bytes(linear_to_ulaw(int(8000 * math.sin(2 * math.pi * 1000 * n / 8000))) for n in range(160))


def tone_1k_share(samples):
    """Share of the energy of `samples` (8 kHz) at 1 kHz (Goertzel)."""
    coeff = 2 * math.cos(2 * math.pi * 1000 / 8000)
    s1 = s2 = total = 0.0
    for v in samples:
        s1, s2 = v + coeff * s1 - s2, s1
        total += v * v
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return 0.0 if total == 0 else power / (total * len(samples) / 2)


class RtpPeer:
    """A UDP socket on 127.0.0.1 that counts the RTP it receives (`audio` PCMU/PCMA
    packets and their `sources`, `loud` ones, `tone` ones mostly at 1 kHz, and
    RFC 4733 `events`) and sends PCMU or digits. `loud_rms`: a packet is loud when
    its RMS is above it; None: when any sample is above the quietest step."""

    def __init__(self, loud_rms=None):
        self.loud_rms = loud_rms
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.audio = self.loud = self.tone = 0
        self.sources = set()
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
                data, src = self.sock.recvfrom(2048)
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
                    self.sources.add(src)
                    if pt == 0 and self._is_loud(data[12:]):
                        self.loud += 1
                        if self.loud_rms is not None and tone_1k_share([_ULAW[b] for b in data[12:]]) > 0.3:
                            self.tone += 1
                elif pt == 101 and len(data) >= 16:
                    self.events.append((data[12], bool(data[13] & 0x80)))

    def _is_loud(self, payload):
        if self.loud_rms is None:
            return any((b & 0x7F) < 0x70 for b in payload)
        return payload and math.sqrt(sum(_ULAW[b] ** 2 for b in payload) / len(payload)) > self.loud_rms

    def digits(self):
        """Digits whose end packet arrived, once each."""
        with self._lock:
            ev = list(self.events)
        out, last_end = [], False
        for e, end in ev:
            if end and not last_end:
                out.append(DIGITS[e] if e < 16 else "?")
            last_end = end
        return "".join(out)

    def send_packet(self, dest, pt, payload, marker=False, ts=None):
        hdr = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, self.seq & 0xFFFF,
                          (self.ts if ts is None else ts) & 0xFFFFFFFF, self.ssrc)
        self.sock.sendto(hdr + payload, dest)
        self.seq += 1

    def send(self, dest, packets=50, interval=0.02, payload=PCMU_SILENCE):
        """`packets` PCMU packets of `payload`, one every `interval` s."""
        for _ in range(packets):
            self.send_packet(dest, 0, payload)
            self.ts += 160
            time.sleep(interval)

    def send_audio(self, dest, packets=50, interval=0.02, loud=False):
        self.send(dest, packets, interval, PCMU_LOUD if loud else PCMU_SILENCE)

    def send_tone(self, dest, packets=25, interval=0.02):
        self.send(dest, packets, interval, PCMU_TONE_1K)

    def send_digit(self, dest, digit):
        """One RFC 4733 event: 5 packets of 20 ms, then 3 end packets."""
        ev = DIGITS.index(digit)
        ts = self.ts
        for i in range(1, 6):
            self.send_packet(dest, 101, struct.pack("!BBH", ev, 10, 160 * i), marker=(i == 1), ts=ts)
            time.sleep(0.02)
        for _ in range(3):
            self.send_packet(dest, 101, struct.pack("!BBH", ev, 0x80 | 10, 800), ts=ts)
            time.sleep(0.005)
        self.ts += 800 + 160
        time.sleep(0.1)

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


# ---------------------------------------------------------------- pytest hooks

try:
    import pytest
except ImportError:  # a script (bench) without pytest
    pytest = None

_test_started = [0.0]


def pytest_runtest_setup(item):
    _test_started[0] = time.time()


if pytest:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(item, call):
        """A failed test (or fixture) ends with the log of every daemon that ran during it."""
        rep = (yield).get_result()
        if not rep.failed:
            return
        for ref in list(_live):
            d = ref()
            if d is not None and (d.running() or (d.stopped_at or 0) >= _test_started[0]):
                rep.sections.append((f"{d.name} log ({d.log_path()})", read_tail(d.log_path(), 12000)))
