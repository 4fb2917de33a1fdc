#!/usr/bin/python3
"""End-to-end ACD benchmark on the real hujiaod: sipp callers (from a carrier
trunk on 127.0.0.1, no auth) dial a queue DID; 200 agents, all registered by one
sipp (one contact user per extension, same address) and answered by one sipp
UAS that picks up every INVITE at once. Prints calls routed per second, the time
from enqueue (an agent free) to the agent's INVITE (p50/p99) measured three
ways, and the daemon's CPU time per call.

  /usr/bin/python3 bench/acd_e2e/acd_e2e.py --hujiaod build/<dir>/src/app/hujiaod

Everything stays on 127.0.0.1; the daemon runs on a temp SQLite store."""
import argparse
import calendar
import concurrent.futures
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "system", "telephony"))

import telib  # noqa: E402  (the system tests' daemon and port helpers)
import websocket  # noqa: E402

AGENT_SCENARIO = os.path.join(ROOT, "tests", "system", "acd", "scenarios", "phone.xml")
QUEUE, DID = "bench", "8900"


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def iso_us(ts):
    """'2026-11-23T17:02:11.090840Z' -> microseconds since the epoch."""
    head, frac = ts.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S")) * 1_000_000 + int(frac.ljust(6, "0")[:6])


def sipp_us(stamp):
    """sipp's trace stamp '2026-11-23 17:02:11.090840' (local time) -> microseconds."""
    head, frac = stamp.split(".")
    return int(time.mktime(time.strptime(head, "%Y-%m-%d %H:%M:%S"))) * 1_000_000 + int(frac.ljust(6, "0")[:6])


def trace_blocks(path):
    """(microseconds, 'sent'|'received', text) per message of a sipp -trace_msg log."""
    with open(path, errors="replace") as f:
        text = f.read()
    out = []
    for m in re.finditer(r"-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\n(UDP message (sent|received)[^\n]*)\n(.*?)(?=\n-{20,} |\Z)",
                         text, re.S):
        out.append((sipp_us(m.group(1)), m.group(3), m.group(4)))
    return out


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class EventLog:
    def __init__(self, daemon):
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{daemon.port}/api/v1/events",
                                              header=["Authorization: Bearer " + daemon.token], timeout=1)
        self.items, self.stop = [], False
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
            e = json.loads(msg)
            if e.get("type", "").startswith("interaction."):
                self.items.append(e)

    def close(self):
        self.stop = True
        self.thread.join(3)
        self.ws.close()


def api(daemon, method, path, body=None):
    """daemon.api, again after a moment while SQLite's writer is busy (503 under load)."""
    for _ in range(20):
        s, h, r = daemon.api(method, path, body)
        if s != 503:
            return s, h, r
        time.sleep(0.2)
    return s, h, r


def setup(daemon, agents, workers=4):
    s, _, roles = daemon.api("GET", "/api/v1/roles?limit=100")
    agent_role = [r["id"] for r in roles["items"] if r["name"] == "agent"][0]
    s, _, users = daemon.api("GET", "/api/v1/users?q=agent1001")
    dept = users["items"][0]["department_id"]
    s, _, q = daemon.api("POST", "/api/v1/queues", {"id": QUEUE, "name": QUEUE, "department_id": dept,
                                                    "strategy": "longest_idle", "wrap_up_s": 0, "ring_timeout_s": 10,
                                                    "max_wait_s": 300, "announce_every_s": 0})
    assert s == 201, q
    s, _, t = daemon.api("POST", "/api/v1/trunks", {"name": "carrier", "host": "127.0.0.1", "port": 5999,
                                                    "inbound_addresses": ["127.0.0.1"]})
    assert s == 201, t
    s, _, d = daemon.api("POST", "/api/v1/dids", {"number": DID, "target_type": "queue", "target": QUEUE})
    assert s == 201, d
    exts = [str(60000 + n) for n in range(agents)]

    def make(ext):
        s, _, e = api(daemon, "POST", "/api/v1/extensions", {"number": ext, "password": ext + "-demo",
                                                            "department_id": dept})
        assert s == 201, e
        s, _, u = api(daemon, "POST", "/api/v1/users", {"username": "bench" + ext, "password": ext + "-Bench-123",
                                                       "department_id": dept, "role_ids": [agent_role]})
        assert s == 201, u
        s, _, a = api(daemon, "PATCH", "/api/v1/agents/" + u["id"], {"extension": ext})
        assert s == 200, a
        s, _, m = api(daemon, "PUT", f"/api/v1/queues/{QUEUE}/members/{u['id']}", {"level": 0, "position": -1})
        assert s in (200, 201), m
        return u["id"]

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        ids = list(pool.map(make, exts))
    return dept, exts, ids


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hujiaod", default=os.environ.get("HUJIAOD", os.path.join(ROOT, "build", "acdcti", "src", "app",
                                                                                  "hujiaod")))
    ap.add_argument("--agents", type=int, default=200)
    ap.add_argument("--calls", type=int, default=1500)
    ap.add_argument("--rate", type=float, default=50.0, help="new calls per second")
    ap.add_argument("--talk-ms", type=int, default=1000, help="how long each caller stays after the answer")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    os.environ["HUJIAOD"] = os.path.abspath(args.hujiaod)

    rtp_min, rtp_max = telib.free_rtp_range(width=4000)
    daemon = telib.Daemon(settings={
        "log": {"level": "warn"},
        "media": {"rtp_port_min": rtp_min, "rtp_port_max": rtp_max, "rtp_timeout_s": 120},
        "acd": {"stats_interval_ms": 1000},
        "sip": {"call_limit_default": 1000},
    })
    work = tempfile.mkdtemp(prefix="acd-e2e-")
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # every leg's RTP ends here, unread
    sink.bind(("127.0.0.1", 0))
    procs = []
    try:
        daemon.start()
        t0 = time.time()
        dept, exts, ids = setup(daemon, args.agents)
        print(f"setup: {args.agents} agents over REST in {time.time() - t0:.1f} s", flush=True)

        # One sipp registers every extension with the same contact address...
        uas_port = telib.free_port()
        inf = os.path.join(work, "agents.csv")
        with open(inf, "w") as f:
            f.write("SEQUENTIAL\n" + "".join(f"{e};[authentication username={e} password={e}-demo]\n" for e in exts))
        reg = subprocess.run(["sipp", "-sf", os.path.join(HERE, "register_many.xml"), "-inf", inf, "-m", str(len(exts)),
                              "-r", "100", "-i", "127.0.0.1", "-p", str(uas_port), "-t", "u1", "-nostdin",
                              "-timeout", "60s", "-timeout_error", "-trace_err", "-trace_msg", f"127.0.0.1:{daemon.sip_port}"],
                             cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert reg.returncode == 0, f"REGISTER run failed ({reg.returncode})"
        # ...where one UAS answers every agent's INVITE.
        uas = subprocess.Popen(["sipp", "-sf", AGENT_SCENARIO, "-i", "127.0.0.1", "-p", str(uas_port), "-t", "u1",
                                "-nostdin", "-key", "rtp", str(sink.getsockname()[1]), "-trace_msg",
                                "-message_file", os.path.join(work, "agents_msg.log"),
                                f"127.0.0.1:{daemon.sip_port}"], cwd=work, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        procs.append(uas)
        time.sleep(0.5)

        def act(aid, action):
            s, _, r = api(daemon, "POST", f"/api/v1/agents/{aid}/{action}", {})
            assert s == 200, r
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda a: act(a, "login"), ids))
            list(pool.map(lambda a: act(a, "ready"), ids))

        events = EventLog(daemon)
        cpu0 = cpu_seconds(daemon.proc.pid)
        caller_port = telib.free_port()
        start = time.time()
        caller = subprocess.run(["sipp", "-sf", os.path.join(HERE, "caller.xml"), "-s", DID, "-i", "127.0.0.1",
                                 "-p", str(caller_port), "-t", "u1", "-nostdin", "-m", str(args.calls),
                                 "-r", str(args.rate), "-l", str(args.agents), "-d", str(args.talk_ms),
                                 "-key", "rtp", str(sink.getsockname()[1]), "-trace_msg",
                                 "-message_file", os.path.join(work, "callers_msg.log"), "-trace_stat",
                                 "-timeout", "300s", f"127.0.0.1:{daemon.sip_port}"],
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.time() - start
        time.sleep(1.0)
        cpu = cpu_seconds(daemon.proc.pid) - cpu0
        events.close()
        uas.kill()
        uas.wait()

        queued = {e["interaction_id"]: iso_us(e["ts"]) for e in events.items if e["type"] == "interaction.queued"}
        offered = {}
        for e in events.items:
            if e["type"] == "interaction.offered" and e["interaction_id"] not in offered:
                offered[e["interaction_id"]] = iso_us(e["ts"])
        answered = sum(1 for e in events.items if e["type"] == "interaction.answered")

        agent_invite = {}  # interaction id -> (us, caller number)
        for us, kind, text in trace_blocks(os.path.join(work, "agents_msg.log")):
            if kind == "received" and text.lstrip().startswith("INVITE "):
                ix = re.search(r"^X-Hujiao-Interaction:\s*(\S+)", text, re.M | re.I)
                frm = re.search(r"^From:.*?sip:([^@;>]+)@", text, re.M | re.I)
                if ix and ix.group(1) not in agent_invite:
                    agent_invite[ix.group(1)] = (us, frm.group(1) if frm else "")
        caller_invite, caller_ok = {}, {}
        for us, kind, text in trace_blocks(os.path.join(work, "callers_msg.log")):
            frm = re.search(r"^From:.*?sip:([^@;>]+)@", text, re.M | re.I)
            if not frm:
                continue
            first = text.lstrip().split("\n", 1)[0]
            if kind == "sent" and first.startswith("INVITE "):
                caller_invite.setdefault(frm.group(1), us)
            elif kind == "received" and first.startswith("SIP/2.0 200") and "INVITE" in text.split("CSeq:", 1)[-1][:30]:
                caller_ok.setdefault(frm.group(1), us)

        # An agent was free when the call came: offered within 100 ms of queued
        # (the others waited for one to hang up; they are counted, not timed).
        free = [i for i in offered if i in queued and offered[i] - queued[i] < 100_000]
        routing = [(offered[i] - queued[i]) / 1000 for i in free]
        enq_to_invite = [(agent_invite[i][0] - queued[i]) / 1000 for i in free if i in agent_invite]
        inv_to_inv = [(us - caller_invite[num]) / 1000 for us, num in agent_invite.values() if num in caller_invite]
        ok_to_inv = [(us - caller_ok[num]) / 1000 for us, num in agent_invite.values() if num in caller_ok]
        span = (max(offered.values()) - min(offered.values())) / 1e6 if len(offered) > 1 else float("nan")

        print(f"calls: {args.calls} at {args.rate:g}/s offered by sipp, talk {args.talk_ms} ms, {args.agents} agents; "
              f"sipp exit {caller.returncode}, wall {wall:.1f} s")
        print(f"routed (offered to an agent): {len(offered)}, answered: {answered}, agent INVITEs seen: "
              f"{len(agent_invite)}, waited for an agent: {len(offered) - len(free)}")
        print(f"calls routed per second: {len(offered) / span:.1f} (first to last offer over {span:.1f} s)")
        print(f"daemon CPU: {cpu:.2f} s = {1000 * cpu / max(1, len(offered)):.2f} ms per call "
              f"(both legs: SIP, media, ACD, API events)")
        for name, vals in (("enqueue -> offered (daemon events, routing only)", routing),
                           ("enqueue (daemon event) -> agent INVITE received (sipp)", enq_to_invite),
                           ("caller 200 OK received -> agent INVITE received (sipp)", ok_to_inv),
                           ("caller INVITE sent -> agent INVITE received (sipp)", inv_to_inv)):
            print(f"{name}: n={len(vals)} p50={pct(vals, 50):.2f} ms p99={pct(vals, 99):.2f} ms "
                  f"max={max(vals) if vals else float('nan'):.2f} ms")
        print(f"load average: {os.getloadavg()[0]:.2f}")
        return 0 if caller.returncode == 0 else 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        daemon.stop()
        sink.close()
        if args.keep:
            print("work dirs:", work, daemon.workdir)


if __name__ == "__main__":
    sys.exit(main())
