"""Helpers of the acd-switch system tests (ring-all, callbacks, mute, overflow):
made-up agents, queues and DIDs over REST, sipp phones whose message traces
tell when each request arrived, and audio checks with RTP peers.
Builds on acdlib.py (daemon, sipp, events, LoudPeer)."""
import datetime
import os
import re
import subprocess
import tempfile
import time

from acdlib import SCENARIOS, Events, LoudPeer, act, register, telib, wait_until  # noqa: F401

DEMO_ADMIN_ROLE = "agent"


def api_ok(daemon, method, path, body=None, codes=(200, 201)):
    s, _, r = daemon.api(method, path, body)
    assert s in codes, f"{method} {path}: {s} {r}"
    return r


def department(daemon):
    s, _, r = daemon.api("GET", "/api/v1/users?q=agent1001")
    assert s == 200, r
    return [u for u in r["items"] if u["username"] == "agent1001"][0]["department_id"]


def role_id(daemon, name):
    r = api_ok(daemon, "GET", "/api/v1/roles?limit=100")
    return [x["id"] for x in r["items"] if x["name"] == name][0]


def extension(daemon, number, dept):
    s, _, r = daemon.api("POST", "/api/v1/extensions", {"number": number, "password": number + "-demo",
                                                          "display_name": "ext " + number, "department_id": dept})
    assert s in (201, 409), r


def agent(daemon, username, ext, dept):
    """A new user with the agent role on extension `ext` (made too); his id."""
    extension(daemon, ext, dept)
    u = api_ok(daemon, "POST", "/api/v1/users", {"username": username, "password": username + "-Demo-123",
                                                 "display_name": username, "department_id": dept,
                                                 "role_ids": [role_id(daemon, "agent")]})
    api_ok(daemon, "PATCH", "/api/v1/agents/" + u["id"], {"extension": ext, "auto_answer": False})
    return u["id"]


def queue(daemon, queue_id, dept, members, **settings):
    body = {"id": queue_id, "name": queue_id, "department_id": dept, "strategy": "longest_idle", "wrap_up_s": 0,
            "ring_timeout_s": 10, "max_wait_s": 120, "announce_every_s": 0}
    body.update(settings)
    api_ok(daemon, "POST", "/api/v1/queues", body)
    for a in members:
        api_ok(daemon, "PUT", f"/api/v1/queues/{queue_id}/members/{a}", {"level": 0, "position": -1})


def did(daemon, number, target_type, target):
    api_ok(daemon, "POST", "/api/v1/dids", {"number": number, "target_type": target_type, "target": target})


class Phone:
    """A sipp registered as extension `ext` running `scenario` (UAS) for `calls`
    calls, with a LoudPeer as its RTP end; its trace gives arrival times."""

    def __init__(self, daemon, ext, scenario, calls=1, register_it=True):
        self.daemon, self.ext = daemon, ext
        self.port = telib.free_port()
        if register_it:
            register(daemon, ext, self.port)
        self.rtp = LoudPeer()
        path = scenario if os.path.isabs(scenario) else os.path.join(SCENARIOS, scenario)
        if not os.path.exists(path):
            path = os.path.join(telib.SCENARIOS, scenario)
        self.cwd = tempfile.mkdtemp(prefix="sipp-sw-")
        args = ["sipp", "-sf", path, "-i", "127.0.0.1", "-p", str(self.port), "-t", "u1", "-nostdin", "-m",
                str(calls), "-trace_err", "-trace_msg", "-max_recv_loops", "1000", "-timeout", "90s",
                "-timeout_error", "-key", "rtp", str(self.rtp.port), f"127.0.0.1:{daemon.sip_port}"]
        self.proc = subprocess.Popen(args, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _read(self, suffix):
        out = ""
        for name in os.listdir(self.cwd):
            if name.endswith(suffix):
                with open(os.path.join(self.cwd, name), errors="replace") as f:
                    out += f.read()
        return out

    def received(self, method):
        """[(time, message)] of the `method` requests this phone received."""
        out = []
        for block in re.split(r"^-{10,} ", self._read("_messages.log"), flags=re.M):
            if "message received" not in block:
                continue
            first = block.split("\n", 1)[0].strip()
            if not re.search(r"^" + method + r" ", block, re.M):
                continue
            try:
                at = datetime.datetime.strptime(first, "%Y-%m-%d %H:%M:%S.%f").timestamp()
            except ValueError:
                continue
            out.append((at, block))
        return out

    def received_sdp(self):
        found = None
        for block in re.split(r"-{10,}", self._read("_messages.log")):
            if "message received" not in block:
                continue
            c = re.search(r"^c=IN IP4 (\S+)", block, re.M)
            m = re.search(r"^m=audio (\d+)", block, re.M)
            if c and m:
                found = (c.group(1), int(m.group(1)))
        return found

    def errors(self):
        return self._read("_errors.log")

    def wait(self, timeout=20):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -1

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.rtp.close()


class Caller:
    """A sipp UAC on extension `ext` dialing `number` with `scenario`."""

    def __init__(self, daemon, number, ext, scenario="caller_wait.xml"):
        self.port = telib.free_port()
        self.rtp = LoudPeer()
        path = os.path.join(SCENARIOS, scenario)
        self.cwd = tempfile.mkdtemp(prefix="sipp-sw-")
        args = ["sipp", "-sf", path, "-i", "127.0.0.1", "-p", str(self.port), "-t", "u1", "-nostdin", "-m", "1",
                "-s", number, "-key", "rtp", str(self.rtp.port), "-key", "caller", ext, "-au", ext, "-ap",
                ext + "-demo", "-trace_err", "-trace_msg", "-max_recv_loops", "1000", "-timeout", "90s",
                "-timeout_error", f"127.0.0.1:{daemon.sip_port}"]
        self.proc = subprocess.Popen(args, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    received_sdp = Phone.received_sdp
    errors = Phone.errors
    _read = Phone._read
    wait = Phone.wait
    close = Phone.close


def interactions(daemon, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    return api_ok(daemon, "GET", "/api/v1/interactions" + ("?" + qs if qs else ""))["items"]


def agent_state(daemon, agent_id):
    a = api_ok(daemon, "GET", "/api/v1/agents/" + agent_id)
    return a["state"]


def login_ready(daemon, agent_id, ext, ready=True):
    s, _, r = act(daemon, agent_id, "login", {"device": ext})
    assert s == 200, r
    if ready:
        s, _, r = act(daemon, agent_id, "ready")
        assert s == 200, r


def silent(listener, seconds=1.0):
    """(packets received, loud packets) by `listener` over `seconds`."""
    r0, l0 = listener.received, listener.loud
    time.sleep(seconds)
    return listener.received - r0, listener.loud - l0


def tone_while(speaker, dest, listener, packets=25):
    """Loud 1 kHz packets `listener` got while `speaker` sent a tone to `dest`."""
    time.sleep(0.2)
    before = listener.tone if hasattr(listener, "tone") else listener.loud
    speaker.send_tone(dest, packets)
    time.sleep(0.4)
    return (listener.tone if hasattr(listener, "tone") else listener.loud) - before
