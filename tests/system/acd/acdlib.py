"""Helpers for the ACD system tests: the daemon (telib.Daemon), sipp agents that
register their extension and answer (or not), sipp callers dialing the demo
queue DID, the CTI WebSocket, a webhook receiver; agents, queues and DIDs made
over REST (Lab: a queue with its own agents and their sipp phones), a carrier
trunk, and 1 kHz tone checks of who hears whom. Ports, daemon, sipp and RTP
come from tests/system/common/hujiao_testlib.py (through telib)."""
import hashlib
import hmac
import http.server
import json
import os
import re
import sys
import threading
import time

import websocket

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))

import telib  # noqa: E402
from telib import Daemon, RtpPeer, free_port, testlib, wait_until  # noqa: E402,F401

SCENARIOS = os.path.join(HERE, "scenarios")
# Demo data (src/api/seed.cpp): agents and their extensions, passwords "<name>-demo".
AGENTS = {"agent1001": "1001", "agent1002": "1002", "agent2001": "1004"}
QUEUE_DID = "4002"


def scenario_path(scenario):
    """An absolute path as is, else this folder's scenario, else telephony's."""
    path = scenario if os.path.isabs(scenario) else os.path.join(SCENARIOS, scenario)
    return path if os.path.exists(path) else os.path.join(telib.SCENARIOS, scenario)


class Sipp(telib.Sipp):
    """telib.Sipp with this folder's scenarios (absolute paths pass through)."""

    def __init__(self, daemon, scenario, local_port, **kw):
        super().__init__(daemon, scenario_path(scenario), local_port, **kw)


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
    receives with audible content (`loud`: RMS above 1000) and mostly at 1 kHz
    (`tone`: not music on hold, not ringback), so a test can tell who hears whom."""

    def __init__(self):
        super().__init__(loud_rms=1000)


def hears(speaker, listener, dest, packets=25):
    """True when the speaker's 1 kHz tone sent to `dest` reaches the listener
    (music on hold or ringback do not count: they are not at 1 kHz)."""
    time.sleep(0.2)
    before = listener.tone
    speaker.send_tone(dest, packets)
    time.sleep(0.4)
    return listener.tone - before > packets // 3


# ---------------------------------------------------------------- many calls, made-up agents

class LongSipp(testlib.Sipp):
    """A sipp that runs many calls (no -m): an agent phone that answers every
    INVITE, or a caller. Its message trace tells which INVITEs reached it."""

    def __init__(self, daemon, scenario, local_port, keys=None, service=None, auth=None, calls=None, extra=(),
                 local_ip="127.0.0.1"):
        super().__init__(scenario_path(scenario), daemon.sip_port, local_port, service=service, keys=keys, auth=auth,
                         calls=calls, local_ip=local_ip, extra=extra, prefix="sipp-acd-")

    def received_invites(self):
        """Interaction ids of the INVITEs this sipp received (X-Hujiao-Interaction), in order."""
        out = []
        for _, block in self.received("INVITE"):
            m = re.search(r"^X-Hujiao-Interaction:\s*(\S+)", block, re.M | re.I)
            out.append(m.group(1) if m else None)
        return out

    def wait(self, timeout=20):
        return super().wait(timeout)


def role_id(daemon, name):
    s, _, r = daemon.api("GET", "/api/v1/roles?limit=100")
    assert s == 200, r
    for x in r["items"]:
        if x["name"] == name:
            return x["id"]
    raise AssertionError("no role " + name)


def department_of(daemon, username="agent1001"):
    s, _, u = daemon.api("GET", "/api/v1/users/" + user_id(daemon, username))
    assert s == 200, u
    return u["department_id"]


def make_extension(daemon, number, department_id=None):
    body = {"number": number, "password": number + "-demo", "display_name": "ext " + number}
    if department_id:
        body["department_id"] = department_id
    s, _, r = daemon.api("POST", "/api/v1/extensions", body)
    assert s in (201, 409), r
    return number


def make_agent(daemon, username, ext, department_id, skills=None, auto_answer=False):
    """A new user with the agent role and extension `ext` (created too); returns his id."""
    return new_agent(daemon, username, ext, department_id, {"extension": ext, "auto_answer": auto_answer,
                                                             "skills": skills or [{"skill": "general", "level": 5}]})


def new_agent(daemon, username, ext, department_id, agent):
    """A new user with the agent role, extension `ext` (created too) and `agent` (PATCH /agents body); his id."""
    make_extension(daemon, ext, department_id)
    s, _, u = daemon.api("POST", "/api/v1/users", {"username": username, "password": username + "-Demo-123",
                                                   "display_name": username, "department_id": department_id,
                                                   "role_ids": [role_id(daemon, "agent")]})
    assert s == 201, u
    s, _, a = daemon.api("PATCH", "/api/v1/agents/" + u["id"], agent)
    assert s == 200, a
    return u["id"]


def make_queue(daemon, queue_id, department_id, **settings):
    body = {"id": queue_id, "name": queue_id, "department_id": department_id, "strategy": "longest_idle",
            "wrap_up_s": 0, "ring_timeout_s": 10, "max_wait_s": 120, "announce_every_s": 0}
    body.update(settings)
    s, _, q = daemon.api("POST", "/api/v1/queues", body)
    assert s == 201, q
    return q


def add_member(daemon, queue_id, agent_id, level=0, position=-1):
    s, _, r = daemon.api("PUT", f"/api/v1/queues/{queue_id}/members/{agent_id}", {"level": level, "position": position})
    assert s in (200, 201), r


def make_did(daemon, number, target_type, target):
    s, _, r = daemon.api("POST", "/api/v1/dids", {"number": number, "target_type": target_type, "target": target})
    assert s == 201, r


class Phone:
    """An agent's phone: a sipp registered as his extension that answers every
    call (or runs `scenario`), with a LoudPeer as its RTP end."""

    def __init__(self, daemon, agent_id, ext, scenario="phone.xml", login=True, ready=False, calls=None):
        self.daemon, self.id, self.ext = daemon, agent_id, ext
        self.port = free_port()
        register(daemon, ext, self.port)
        self.rtp = LoudPeer()
        self.sipp = LongSipp(daemon, scenario, self.port, keys={"rtp": self.rtp.port}, calls=calls)
        if login:
            s, _, r = act(daemon, agent_id, "login", {"device": ext})
            assert s == 200, r
        if ready:
            self.ready()

    def ready(self):
        s, _, r = act(self.daemon, self.id, "ready")
        assert s == 200, r

    def got(self, interaction_id, timeout=10):
        """True once this phone has received the INVITE offering `interaction_id`."""
        try:
            wait_until(lambda: interaction_id in self.sipp.received_invites(), timeout, "the INVITE")
            return True
        except AssertionError:
            return False

    def requests(self, method):
        """How many `method` requests this phone received."""
        return len(self.sipp.received(method))

    def media(self):
        """Where this phone sends its RTP: the daemon's address in the last SDP it got."""
        return self.sipp.received_sdp()

    def close(self):
        self.sipp.kill()
        self.rtp.close()
        if self.id:
            act(self.daemon, self.id, "force_logout")


def plain_phone(daemon, ext, department_id, scenario="phone.xml"):
    """A phone that is no agent's: extension `ext` (created) registered and answering."""
    make_extension(daemon, ext, department_id)
    return Phone(daemon, None, ext, scenario=scenario, login=False)


class Carrier:
    """The outside world: a trunk to a sipp on 127.0.0.2 (a trunk on 127.0.0.1
    would take every test caller for the carrier) that answers every call, and a
    dial rule sending numbers that start with 0 to it (the 0 stripped)."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.port = free_port()
        s, _, t = daemon.api("POST", "/api/v1/trunks", {"name": "carrier", "host": "127.0.0.2", "port": self.port})
        assert s == 201, t
        s, _, r = daemon.api("POST", "/api/v1/dial-rules", {"name": "out", "prefix": "0", "strip_digits": 1,
                                                            "trunk_ids": [t["id"]]})
        assert s == 201, r
        self.rtp = LoudPeer()
        self.sipp = LongSipp(daemon, "phone.xml", self.port, keys={"rtp": self.rtp.port}, local_ip="127.0.0.2")

    def invited_numbers(self):
        """The numbers of the INVITEs the carrier received."""
        found = (re.search(r"^\s*INVITE sip:([^@;> ]+)", b, re.M) for _, b in self.sipp.received("INVITE"))
        return [m.group(1) for m in found if m]

    def media(self):
        return self.sipp.received_sdp()

    def close(self):
        self.sipp.kill()
        self.rtp.close()


class CallerLine:
    """A caller (sipp UAC) on extension `ext` dialing `number`; stays until the far
    end hangs up (caller_wait.xml) or runs `scenario`."""

    def __init__(self, daemon, number, ext, scenario="caller_wait.xml", keys=None, rtp=True):
        self.port = free_port()
        self.rtp = LoudPeer() if rtp else None
        k = {"rtp": self.rtp.port if self.rtp else 9, "caller": ext}
        k.update(keys or {})
        self.sipp = LongSipp(daemon, scenario, self.port, service=number, keys=k, auth=(ext, ext + "-demo"), calls=1,
                             extra=["-timeout", "90s", "-timeout_error"])

    def wait(self, timeout=20):
        return self.sipp.wait(timeout)

    def close(self):
        self.sipp.kill()
        if self.rtp:
            self.rtp.close()


def interactions(daemon, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    s, _, r = daemon.api("GET", "/api/v1/interactions" + ("?" + qs if qs else ""))
    assert s == 200, r
    return r["items"]


class Lab:
    """One queue with its DID, agents a, b, c... (logged in, not ready) and a caller extension."""

    def __init__(self, daemon, dept, index, strategy, agents, queue_settings=None):
        self.d = daemon
        self.queue = f"q{index}_{strategy}"
        self.did = f"88{index}0"
        make_queue(daemon, self.queue, dept, strategy=strategy, **(queue_settings or {}))
        make_did(daemon, self.did, "queue", self.queue)
        self.callers = [make_extension(daemon, f"79{index}{n}", dept) for n in range(3)]
        self.ids, self.phones, self.names = {}, {}, {}
        try:
            for n, (name, spec) in enumerate(agents.items()):
                ext = f"7{index}0{n}"
                aid = make_agent(daemon, f"st{index}{name}", ext, dept, skills=spec.get("skills"),
                                 auto_answer=spec.get("auto_answer", False))
                add_member(daemon, self.queue, aid, level=spec.get("level", 0), position=spec.get("position", n))
                self.ids[name] = aid
                self.names[aid] = name
                self.phones[name] = Phone(daemon, aid, ext, scenario=spec.get("scenario", "phone.xml"))
        except Exception:
            self.close()
            raise
        self.lines = []

    def ready(self, *names, gap=0.25):
        """Makes agents ready in this order, `gap` apart (idle times differ)."""
        for n in names:
            self.phones[n].ready()
            time.sleep(gap)

    def start_call(self, caller=0, rtp=False):
        """A caller dials the queue; returns (line, interaction) once an agent is connected."""
        before = {i["id"] for i in interactions(self.d, queue_id=self.queue)}
        line = CallerLine(self.d, self.did, self.callers[caller], rtp=rtp)
        self.lines.append(line)

        def new_connected():
            items = [i for i in interactions(self.d, state="connected", queue_id=self.queue) if i["id"] not in before]
            return items[0] if items else None
        ix = wait_until(new_connected, 20, f"a call in {self.queue} to be answered")
        name = self.names[ix["agent_id"]]
        assert self.phones[name].got(ix["id"]), f"{name}'s phone did not get the INVITE of {ix['id']}"
        for other, phone in self.phones.items():
            if other != name:
                assert ix["id"] not in phone.sipp.received_invites(), f"{other} was rung too"
        return line, ix

    def end_call(self, line, ix):
        s, _, r = act(self.d, ix["agent_id"], "hangup", {"interaction_id": ix["id"]})
        assert s == 200, r
        assert line.wait(20) == 0, line.sipp.errors()
        wait_until(lambda: agent_state(self.d, ix["agent_id"])[0] == "ready", 10, "the agent to be ready again")

    def call(self, hold=0.0):
        """One whole call; returns the name of the agent who took it."""
        line, ix = self.start_call()
        time.sleep(hold)
        self.end_call(line, ix)
        return self.names[ix["agent_id"]]

    def close(self):
        for line in self.lines:
            line.close()
        for p in self.phones.values():
            p.close()
