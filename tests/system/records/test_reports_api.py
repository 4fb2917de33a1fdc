"""Historical reports over the REST API on a generated call history, with
answers computed by hand (docs/reports.md gives each formula), on SQLite and
on PostgreSQL. The history reaches the daemon the way records that the
database once refused do: as the report journal, which hujiaod replays into
the event store (raw rows + rollups) at start-up. Also: intervals, time
zones (the configured day offset and another), CSV and XLSX export,
department scoping of agent reports and bad input."""
import csv
import io
import json
import os
import tempfile
import zipfile

import pytest

from recsys import Daemon, agent_state, drop_database, ivr_path, ix, pg_database, ts

T = ts("2026-03-02T08:00:00Z")  # a Monday
S = 1_000_000


def history():
    """Queue q1, agents a1/a2, DID 4000, flow f1, 08:00-09:00 UTC."""
    r = []
    d = dict(q="q1", did="4000", f="f1")
    # i1: answered in 10 s by a1, talk 240 hold 30 wrap 30, resolved.
    r += [ix("entered", T + 10 * S, "i1", c="cust1", **d), ix("offered", T + 12 * S, "i1", a="a1", **d),
          ix("answered", T + 20 * S, "i1", a="a1", wait=10, **d),
          ix("ended", T + 320 * S, "i1", a="a1", ans=T + 20 * S, talk=240, hold=30, wrap=30, res=1, **d)]
    # i2: answered in 30 s by a2 (outside SL), talk 150 wrap 30, not resolved.
    r += [ix("entered", T + 60 * S, "i2", c="cust2", **d), ix("answered", T + 90 * S, "i2", a="a2", wait=30, **d),
          ix("ended", T + 270 * S, "i2", a="a2", ans=T + 90 * S, talk=150, wrap=30, res=0, **d)]
    # i3: short abandon (3 s); i4: abandon after 40 s.
    r += [ix("entered", T + 120 * S, "i3", **d), ix("abandoned", T + 123 * S, "i3", wait=3, **d)]
    r += [ix("entered", T + 1200 * S, "i4", **d), ix("abandoned", T + 1240 * S, "i4", wait=40, **d)]
    # i5: answered in 5 s by a1, transferred to q2, talk 480 hold 60.
    r += [ix("entered", T + 1860 * S, "i5", q="q1"), ix("answered", T + 1865 * S, "i5", q="q1", a="a1", wait=5),
          ix("transferred", T + 2100 * S, "i5", q="q1", a="a1", ans=T + 1865 * S, target="queue:q2"),
          ix("ended", T + 2405 * S, "i5", q="q1", a="a1", ans=T + 1865 * S, talk=480, hold=60)]
    # i6: overflowed to a flow after 120 s.
    r += [ix("entered", T + 2700 * S, "i6", q="q1"),
          ix("overflowed", T + 2820 * S, "i6", q="q1", wait=120, target="flow:f9")]
    # a1's states over the hour.
    r += [agent_state(T, "a1", "logged_out", "ready", 0),
          agent_state(T + 12 * S, "a1", "ready", "reserved", 12),
          agent_state(T + 20 * S, "a1", "reserved", "busy", 8),
          agent_state(T + 290 * S, "a1", "busy", "wrap_up", 270),
          agent_state(T + 320 * S, "a1", "wrap_up", "ready", 30),
          agent_state(T + 600 * S, "a1", "ready", "not_ready", 280, tr="lunch"),
          agent_state(T + 1800 * S, "a1", "not_ready", "ready", 1200, fr="lunch"),
          agent_state(T + 3600 * S, "a1", "ready", "logged_out", 1800)]
    # IVR: one to the queue, one short hang-up, one contained.
    r += [ivr_path(T + 10 * S, "k1", "f1", T, "queue", did="4000", node="q", path="menu,q"),
          ivr_path(T + 102 * S, "k2", "f1", T + 100 * S, "hangup", did="4000", node="menu", path="menu"),
          ivr_path(T + 260 * S, "k3", "f1", T + 200 * S, "completed", did="4000", node="bye", path="menu,bye")]
    return r


def start(workdir, store_url):
    journal = os.path.join(workdir, "history.jsonl")
    with open(journal, "w") as f:
        for rec in history():
            f.write(json.dumps(rec) + "\n")
    # SIP on free ports: the contact center (and so these routes) runs with telephony.
    d = Daemon({"store": {"url": store_url}, "report": {"journal_path": journal, "day_offset_minutes": 480}})
    return d.start()


def report(d, kind, **params):
    q = "&".join("%s=%s" % (k, v.replace("+", "%2B")) for k, v in params.items())
    status, headers, body = d.api("GET", "/api/v1/reports/%s?%s" % (kind, q))
    assert status == 200, body
    return headers, body


def rows_by(body, key):
    out = {}
    for r in body["rows"]:
        out[(r["period_start"], r.get(key))] = r
    return out


def approx(v):
    return pytest.approx(v, abs=1e-6)


def check_everything(d):
    # ---- queue, one hour ----
    _, body = report(d, "queues", **{"from": "2026-03-02T08:00:00Z", "to": "2026-03-02T09:00:00Z",
                                     "interval": "1h", "queue_id": "q1"})
    assert [c["key"] for c in body["columns"]][:3] == ["period_start", "period_start_local", "queue_id"]
    assert all(c["label"] for c in body["columns"])
    assert len(body["rows"]) == 1
    q = body["rows"][0]
    assert q["offered"] == 6  # 3 answered + 2 abandoned + 1 overflowed
    assert q["answered"] == 3 and q["abandoned"] == 2 and q["short_abandoned"] == 1 and q["overflowed"] == 1
    assert q["abandon_rate"] == approx(2 / 6)
    assert q["abandon_rate_excl_short"] == approx(1 / 5)
    assert q["abandon_0_5"] == 1 and q["abandon_30_60"] == 1
    assert q["abandon_mean_s"] == approx(21.5)
    assert q["answered_within_sl"] == 2
    assert q["service_level"] == approx(2 / 5)  # within T / (offered - short abandons)
    assert q["asa_s"] == approx(15)  # (10 + 30 + 5) / 3
    assert q["mean_wait_s"] == approx((45 + 43) / 5)
    assert q["longest_wait_s"] == approx(30)
    assert q["handled"] == 3
    assert q["aht_s"] == approx((300 + 180 + 540) / 3)
    assert q["talk_s"] == approx(870) and q["hold_s"] == approx(90) and q["wrap_up_s"] == approx(60)
    assert q["transfers"] == 1 and q["transfer_rate"] == approx(1 / 3)
    assert q["fcr_disposition_rate"] == approx(0.5)

    # ---- the same queue in 15-minute intervals: outcomes land where they happened ----
    _, body = report(d, "queues", **{"from": "2026-03-02T08:00:00Z", "to": "2026-03-02T09:00:00Z",
                                     "interval": "15m", "queue_id": "q1"})
    by = {r["period_start"]: r for r in body["rows"]}
    assert len(by) == 4
    r0, r1, r2, r3 = (by["2026-03-02T08:%02d:00Z" % m] for m in (0, 15, 30, 45))
    assert (r0["offered"], r0["answered"], r0["abandoned"]) == (3, 2, 1)
    assert r0["service_level"] == approx(1 / 2) and r0["asa_s"] == approx(20) and r0["aht_s"] == approx(240)
    assert (r1["offered"], r1["abandoned"], r1["service_level"]) == (1, 1, 0)
    assert (r2["answered"], r2["transfers"], r2["service_level"]) == (1, 1, 1)
    assert (r3["overflowed"], r3["answered"]) == (1, 0)

    # ---- agents ----
    _, body = report(d, "agents", **{"from": "2026-03-02T08:00:00Z", "to": "2026-03-02T09:00:00Z",
                                     "interval": "1h"})
    a = {r["agent_id"]: r for r in body["rows"]}
    assert a["a1"]["answered"] == 2 and a["a1"]["asa_s"] == approx(7.5)
    assert a["a1"]["aht_s"] == approx((300 + 540) / 2) and a["a1"]["transfers"] == 1
    assert a["a2"]["answered"] == 1 and a["a2"]["aht_s"] == approx(180)

    # ---- agent states ----
    _, body = report(d, "agent-states", **{"from": "2026-03-02T08:00:00Z", "to": "2026-03-02T09:00:00Z",
                                           "interval": "1h", "agent_id": "a1"})
    s = body["rows"][0]
    assert s["logged_in_s"] == approx(3600)
    assert s["ready_s"] == approx(12 + 280 + 1800)
    assert (s["reserved_s"], s["busy_s"], s["wrap_up_s"]) == (approx(8), approx(270), approx(30))
    assert s["not_ready_s"] == approx(1200) and s["not_ready_lunch_s"] == approx(1200)
    assert s["occupancy"] == approx(308 / (308 + 2092))

    # ---- DIDs and flows ----
    _, body = report(d, "dids", **{"from": "2026-03-02T08:00:00Z", "to": "2026-03-02T09:00:00Z",
                                   "interval": "1h", "did": "4000"})
    did = body["rows"][0]
    assert (did["offered"], did["answered"], did["abandoned"]) == (4, 2, 2)
    assert did["ivr_entered"] == 3 and did["ivr_containment"] == approx(1 / 2)
    _, body = report(d, "flows", **{"from": "2026-03-02T08:00:00Z", "to": "2026-03-02T09:00:00Z",
                                    "interval": "1h", "flow_id": "f1"})
    fl = body["rows"][0]
    assert (fl["ivr_entered"], fl["ivr_short_hangups"], fl["ivr_contained"]) == (3, 1, 1)
    assert fl["ivr_containment"] == approx(0.5)

    # ---- the same hour in a day, week and month, in the configured offset (day rows)
    # and in another one (15-minute rows): the totals agree ----
    for tz in ("+08:00", "+05:30"):
        for interval in ("day", "week", "month"):
            _, body = report(d, "queues", **{"from": "2026-02-01T00:00:00Z", "to": "2026-04-01T00:00:00Z",
                                             "interval": interval, "tz": tz, "queue_id": "q1", "fill_empty": "0"})
            assert len(body["rows"]) == 1, (tz, interval, body["rows"])
            r = body["rows"][0]
            assert (r["offered"], r["answered"], r["service_level"]) == (6, 3, approx(0.4)), (tz, interval)
            assert r["period_start_local"].endswith(tz)
        _, body = report(d, "agent-states", **{"from": "2026-02-01T00:00:00Z", "to": "2026-04-01T00:00:00Z",
                                               "interval": "month", "tz": tz, "agent_id": "a1",
                                               "fill_empty": "0"})
        assert body["rows"][0]["logged_in_s"] == approx(3600)

    # ---- CSV and XLSX ----
    headers, text = report(d, "queues", **{"from": "2026-03-02T08:00:00Z", "to": "2026-03-02T09:00:00Z",
                                           "interval": "1h", "queue_id": "q1", "format": "csv"})
    assert headers["content-type"].startswith("text/csv")
    assert "attachment" in headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["offered"] == "6" and float(rows[0]["service_level"]) == approx(0.4)
    status, headers, raw = raw_get(d, "/api/v1/reports/agents?from=2026-03-02T08:00:00Z&to=2026-03-02T09:00:00Z"
                                      "&interval=1h&format=xlsx")
    assert status == 200 and headers["content-type"].startswith("application/vnd.openxmlformats")
    z = zipfile.ZipFile(io.BytesIO(raw))
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "a1" in sheet or "sharedStrings" in " ".join(z.namelist())

    # ---- bad input ----
    status, _, body = d.api("GET", "/api/v1/reports/queues?from=2026-03-02T08:07:00Z&to=2026-03-02T09:00:00Z")
    assert status == 400 and body["error"]["code"] == "invalid_query" and "15-minute" in body["error"]["message"]
    status, _, body = d.api("GET", "/api/v1/reports/queues?from=2026-03-02T08:00:00Z&to=2026-03-02T09:00:00Z"
                                   "&interval=2h")
    assert status == 400
    status, _, body = d.api("GET", "/api/v1/reports/queues?from=2026-03-02T08:00:00Z")
    assert status == 400
    status, _, body = d.api("GET", "/api/v1/reports/queues?from=x&to=y&bogus=1")
    assert status == 400
    status, _, _ = d.request("GET", "/api/v1/reports/queues?from=2026-03-02T08:00:00Z&to=2026-03-02T09:00:00Z")
    assert status == 401


def raw_get(d, path):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=15)
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + d.token})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_reports_sqlite():
    with tempfile.TemporaryDirectory(prefix="hujiao-rep-") as w:
        d = start(w, "sqlite:" + os.path.join(w, "hujiao.db"))
        try:
            check_everything(d)
        finally:
            assert d.stop() == 0, d.read_log()


def test_reports_postgresql():
    base, name, url = pg_database("records_reports")
    try:
        with tempfile.TemporaryDirectory(prefix="hujiao-reppg-") as w:
            d = start(w, url)
            try:
                check_everything(d)
            finally:
                assert d.stop() == 0, d.read_log()
    finally:
        drop_database(base, name)
