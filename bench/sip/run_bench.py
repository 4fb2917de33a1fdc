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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["rate", "hold"])
    ap.add_argument("--cps", type=float, default=1000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--hold", type=int, default=60)
    ap.add_argument("--pairs", type=int, default=2)
    a = ap.parse_args()
    pairs = a.pairs
    fixture = {"extensions": [{"number": f"10{i:02d}", "password": f"pass10{i:02d}", "call_limit": 100000}
                              for i in range(pairs)] +
               [{"number": f"20{i:02d}", "password": f"pass20{i:02d}", "call_limit": 100000} for i in range(pairs)]}
    d = Daemon(fixture, {"log.level": "warn", "sip.session_timer": "0", "sip.no_answer_timeout": "60"})
    uas_ports = [free_port() for _ in range(pairs)]
    for i, port in enumerate(uas_ports):
        c = RawClient(d)
        r = c.register(f"20{i:02d}", f"pass20{i:02d}", contact=f"<sip:20{i:02d}@127.0.0.1:{port}>", expires=3600)
        assert status_of(r) == 200, r
    base_rss = d.rss_kb()
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
    while any(p.poll() is None for p in uacs):
        time.sleep(1)
        if a.mode == "hold":
            calls = len(d.cmd("calls"))
            if calls > peak_calls:
                peak_calls, peak_rss = calls, d.rss_kb()
    elapsed = time.time() - t0
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
    for p in procs:
        p.kill()
        p.wait()
    d.stop()


if __name__ == "__main__":
    main()
