"""Helpers for the records system tests: the real hujiaod (telephony's Daemon
helper), a PostgreSQL database from the pg_cluster fixture, and report
journal lines (the format src/report/events.cpp reads back)."""
import calendar
import os
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))
from telib import Daemon, RtpPeer, Sipp, free_port, register, wait_until  # noqa: E402,F401

US = 1_000_000


def ts(iso):
    """'2026-03-02T08:00:00Z' -> UTC microseconds."""
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")) * US


def pg_database(prefix):
    """A fresh database in the pg_cluster fixture's cluster; returns (base url, name, url)."""
    pg_dir = os.environ.get("HUJIAO_TEST_PG_DIR")
    if not pg_dir or not os.path.exists(os.path.join(pg_dir, "url")):
        raise AssertionError("HUJIAO_TEST_PG_DIR/url missing: run through ctest (fixture pg_cluster)")
    with open(os.path.join(pg_dir, "url")) as f:
        base = f.read().strip()
    name = prefix + "_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", base, "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE " + name], check=True)
    return base, name, base.rsplit("/", 1)[0] + "/" + name


def drop_database(base, name):
    subprocess.run(["psql", base, "-qc", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"], check=False)


def ix(kind, at, iid, q="", a="", did="", f="", c="", wait=0, ans=0, talk=0, hold=0, wrap=0, sl=20, sa=5,
       target="", reason="", res=-1, score=0):
    """One interaction record; times in µs, durations and thresholds in seconds."""
    return {"t": "ix", "kind": kind, "at": at, "id": iid, "ch": "voice", "q": q, "a": a, "did": did, "f": f,
            "c": c, "wait": wait * US, "ans": ans, "talk": talk * US, "hold": hold * US, "wrap": wrap * US,
            "sl": sl * US, "sa": sa * US, "target": target, "reason": reason, "res": res, "score": score}


def agent_state(at, agent, frm, to, prev_s, fr="", tr=""):
    return {"t": "as", "at": at, "a": agent, "from": frm, "fr": fr, "to": to, "tr": tr, "prev": prev_s * US}


def ivr_path(at, call, flow, entered, exit_, did="", node="", path="", contained=False, short_s=5):
    return {"t": "ivr", "at": at, "call": call, "id": "", "f": flow, "did": did, "in": entered, "exit": exit_,
            "node": node, "path": path, "hc": contained, "sh": short_s * US}
