#!/usr/bin/python3
"""IVR benchmark: hujiaod with the demo data (DID 4001 -> flow "demo"), a
trunk on 127.0.0.1, one warm-up call (fills the TTS cache), then ivr_load at
--cps for --seconds. Prints ivr_load's figures and the daemon's IVR counters.

  run_bench.py [--cps 500] [--seconds 10] [--hold-ms 1500] [--workers 2]"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "system", "telephony"))
import telib  # noqa: E402


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def started(d):
    try:
        return d.metric("hujiao_ivr_calls_started_total")
    except AssertionError:
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cps", type=float, default=500)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--hold-ms", type=int, default=1500)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    build = os.environ.get("HUJIAO_BUILD_DIR", os.path.join(SRC, "build", "release"))
    os.environ.setdefault("HUJIAOD", os.path.join(build, "src", "app", "hujiaod"))
    load = os.path.join(build, "bench", "ivr", "ivr_load")
    # Enough RTP ports for every call held at once (two per call, with room).
    width = max(400, int(a.cps * (a.hold_ms / 1000.0 + 2) * 2) // 2 * 2)
    telib.free_rtp_range = (lambda f: (lambda w=40: f(min(max(w, width), 20000))))(telib.free_rtp_range)
    d = telib.Daemon({"log": {"level": "warn"}, "media": {"workers": a.workers, "rtp_timeout_s": 30}})
    d.start()
    try:
        s, _, t = d.api("POST", "/api/v1/trunks", {"name": "bench", "host": "127.0.0.1", "port": 5999,
                                                    "inbound_addresses": ["127.0.0.1"], "max_channels": 0})
        assert s == 201, t
        sip = f"127.0.0.1:{d.sip_port}"
        print("warm-up call (synthesises and caches the demo's first prompts)...", flush=True)
        subprocess.run([load, "--sip", sip, "--did", "4001", "--cps", "1", "--seconds", "1", "--hold-ms", "4000"],
                       check=False, stdout=subprocess.DEVNULL)
        print(f"load: {a.cps:.0f} calls/s for {a.seconds} s, each held {a.hold_ms} ms, media workers {a.workers}",
              flush=True)
        started0 = started(d)
        cpu0, load0 = cpu_seconds(d.proc.pid), os.getloadavg()[0]
        r = subprocess.run([load, "--sip", sip, "--did", "4001", "--cps", str(a.cps), "--seconds", str(a.seconds),
                            "--hold-ms", str(a.hold_ms)], check=False)
        cpu = cpu_seconds(d.proc.pid) - cpu0
        calls = max(started(d) - started0, 1)  # calls that entered the flow
        # Load-independent figure: the daemon's CPU time per call (SIP + IVR + media for the whole call).
        print(f"  hujiaod CPU {cpu:.2f} s for {calls:.0f} calls that entered the flow: {1000 * cpu / calls:.2f} ms CPU per call "
              f"(= {calls / cpu if cpu > 0 else 0:.0f} calls per CPU-second); load average {load0:.2f} -> "
              f"{os.getloadavg()[0]:.2f}", flush=True)
        for m in ("hujiao_ivr_calls_started_total", "hujiao_ivr_calls_ended_total"):
            try:
                print(f"  {m} {d.metric(m):.0f}")
            except AssertionError:
                pass
        return r.returncode
    finally:
        d.stop()


if __name__ == "__main__":
    sys.exit(main())
