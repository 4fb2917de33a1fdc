#!/usr/bin/python3
"""SIP benchmark: sipp UACs -> sip_testd (B2BUA, digest auth on every INVITE,
signalling only: sip.media_anchoring=false) -> sipp UASs.

  run_bench.py rate   --cps 1500 --seconds 20 [--pairs 2]
  run_bench.py hold   --calls 20000 --cps 1000 --hold 60 [--pairs 2]

Each pair is one UAC instance calling extension 20NN (registered to its own
UAS instance) as extension 10NN. Prints attempted/succeeded/failed calls, the
failure ratio, RSS before/at peak, and memory per established call."""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "system", "sip"))
from siplib import Daemon, RawClient, free_port, status_of  # noqa: E402

SCEN = os.path.join(SRC, "tests", "system", "sip", "scenarios")


def stats(cwd):
    """Successful and failed calls from sipp's final screen (-trace_screen)."""
    ok = failed = 0
    for name in glob.glob(os.path.join(cwd, "*_screen.log")):
        text = open(name, errors="replace").read()
        m = re.findall(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", text)
        f = re.findall(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)", text)
        if m:
            ok += int(m[-1])
        if f:
            failed += int(f[-1])
    return ok, failed


def cpu_seconds(pid):
    """utime + stime of a process (all threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """{tid: (name, cpu seconds)} for every thread of a process."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                head, rest = f.read().rsplit(")", 1)
            fields = rest.split()
            out[tid] = (head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
        except OSError:
            pass
    return out


def udp_drops():
    """System-wide UDP datagrams dropped because a receive buffer was full."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def handles(d):
    """The hujiao_sip_handles gauge (nua handles alive), or -1."""
    m = re.search(r"^hujiao_sip_handles (\S+)$", d.cmd("metrics")["text"], re.M)
    return int(float(m.group(1))) if m else -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["rate", "hold"])
    ap.add_argument("--cps", type=float, default=1000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--hold", type=int, default=60)
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="extra sip_testd setting, e.g. sip.overload_delay_ms=0")
    ap.add_argument("--daemon-env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment of sip_testd only, e.g. LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")
    a = ap.parse_args()
    pairs = a.pairs
    fixture = {"extensions": [{"number": f"10{i:02d}", "password": f"pass10{i:02d}", "call_limit": 100000}
                              for i in range(pairs)] +
               [{"number": f"20{i:02d}", "password": f"pass20{i:02d}", "call_limit": 100000} for i in range(pairs)]}
    settings = {"log.level": "warn", "sip.session_timer": "0", "sip.no_answer_timeout": "60"}
    settings.update(kv.split("=", 1) for kv in a.set)
    d = Daemon(fixture, settings, env=dict(kv.split("=", 1) for kv in a.daemon_env))
    uas_ports = [free_port() for _ in range(pairs)]
    for i, port in enumerate(uas_ports):
        c = RawClient(d)
        r = c.register(f"20{i:02d}", f"pass20{i:02d}", contact=f"<sip:20{i:02d}@127.0.0.1:{port}>", expires=3600)
        assert status_of(r) == 200, r
    base_rss = d.rss_kb()
    cpu0 = cpu_seconds(d.proc.pid)
    threads0 = thread_cpu(d.proc.pid)
    drops0 = udp_drops()
    procs = []
    if a.mode == "rate":
        total = int(a.cps * a.seconds)
        per = total // pairs
        rate = a.cps / pairs
        pause = "0"
        limit = max(1000, int(rate * 2))
    else:
        per = a.calls // pairs
        rate = a.cps / pairs
        pause = str(a.hold * 1000)
        limit = per + 10
    common = ["-nostdin", "-trace_screen", "-trace_err", "-t", "u1", "-max_reconnect", "0", "-timeout_error"]
    uas_dirs, uac_dirs = [], []
    for i, port in enumerate(uas_ports):
        cwd = tempfile.mkdtemp(prefix="bench-uas-")
        uas_dirs.append(cwd)
        procs.append(subprocess.Popen(["sipp", "-sf", os.path.join(SCEN, "uas_answer.xml"), "-i", "127.0.0.1", "-p",
                                       str(port)] + common[:-1] + [f"127.0.0.1:{d.port}"], cwd=cwd,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(0.5)
    uacs = []
    t0 = time.time()
    for i in range(pairs):
        cwd = tempfile.mkdtemp(prefix="bench-uac-")
        uac_dirs.append(cwd)
        args = ["sipp", "-sf", os.path.join(SCEN, "uac_call.xml"), "-i", "127.0.0.1", "-p", str(free_port()),
                "-s", f"20{i:02d}", "-key", "caller", f"10{i:02d}", "-au", f"10{i:02d}", "-ap", f"pass10{i:02d}",
                "-r", str(rate), "-l", str(limit), "-m", str(per), "-d", pause, "-timeout", str(a.seconds * 3 + a.hold + 120) + "s"] + common + [f"127.0.0.1:{d.port}"]
        uacs.append(subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    peak_rss, peak_calls = base_rss, 0
    max_rss = base_rss
    while any(p.poll() is None for p in uacs):
        time.sleep(1)
        max_rss = max(max_rss, d.rss_kb())
        if a.mode == "hold":
            calls = len(d.cmd("calls"))
            if calls > peak_calls:
                peak_calls, peak_rss = calls, d.rss_kb()
    elapsed = time.time() - t0
    cpu = cpu_seconds(d.proc.pid) - cpu0
    threads = thread_cpu(d.proc.pid)
    drops = udp_drops() - drops0
    ok, failed = 0, 0
    for cwd in uac_dirs:
        o, f = stats(cwd)
        ok += o
        failed += f
    attempted = ok + failed
    print(f"mode={a.mode} pairs={pairs} target_cps={a.cps} elapsed={elapsed:.1f}s")
    print(f"calls attempted={attempted} ok={ok} failed={failed} failure_ratio={failed / max(1, attempted):.4%}")
    if a.mode == "rate":
        print(f"achieved_cps={attempted / max(1e-9, elapsed - 0.0):.0f} (includes call setup/teardown tail)")
    else:
        print(f"peak_established={peak_calls} rss_base={base_rss}kB rss_peak={peak_rss}kB "
              f"per_call={(peak_rss - base_rss) * 1024 / max(1, peak_calls):.0f} bytes")
    print(f"sip_testd cpu={cpu:.2f}s cpu_per_1000_calls={cpu * 1000 / max(1, attempted):.3f}s "
          f"rss_base={base_rss}kB rss_max={max_rss}kB load={os.getloadavg()[0]:.2f}")
    # The busiest thread is the control thread (sofia + call control): the one that saturates.
    busy = sorted(((c - threads0.get(t, (n, 0))[1], n, t) for t, (n, c) in threads.items()), reverse=True)
    print("busiest threads: " + ", ".join(f"{n}/{t}={c:.2f}s ({c * 1000 / max(1, attempted):.3f}s per 1000 calls)"
                                          for c, n, t in busy[:3]))
    print(f"udp datagrams dropped (full receive buffers, whole machine)={drops}")
    with open(os.path.join(d.tmp, "testd.log"), errors="replace") as f:
        log = f.read()
    refused = sum(int(n) for n in re.findall(r"SIP overload over: (\d+) new calls", log))
    print(f"overload episodes={log.count('SIP overload: ')} new calls refused with 503={refused} "
          f"(an episode still open at the end is not counted)")
    for p in procs:
        p.kill()
        p.wait()
    # Every call has ended (or timed out) by now: what is still alive after the
    # transaction timers (64*T1) have run out is a leak.
    # (ringing calls end by sip.no_answer_timeout = 60 s).
    deadline = time.time() + 75
    left = handles(d)
    while left > 0 and time.time() < deadline:
        time.sleep(1)
        left = handles(d)
    calls = d.cmd("calls")
    print(f"after the run: handles={left} calls={len(calls)} rss={d.rss_kb()}kB")
    for c in calls[:5]:
        print("  left:", c)
    d.stop()


if __name__ == "__main__":
    main()
