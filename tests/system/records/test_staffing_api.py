"""Staffing over REST: Erlang C against published figures, Erlang A against its
limits, a day's plan, and bad input.

Published Erlang C figures used:
- Call Centre Helper's worked example ("How to calculate the number of agents
  with Erlang C"): 100 calls in 30 minutes, AHT 180 s (10 Erlangs), 80% in
  20 s -> 14 agents, P(wait) 17.4%, service level 88.8%, ASA 7.8 s,
  occupancy 71.4%.
- Erlang C tables for 10 Erlangs (e.g. Cooper, "Introduction to Queueing
  Theory", table of C(N, a)): C(13, 10) = 0.2853, C(14, 10) = 0.1741,
  C(15, 10) = 0.1020.
- The textbook case a = 2, N = 3: C = 4/9 exactly; ASA = C*h/(N-a).
"""
import math

import pytest

from recsys import Daemon


@pytest.fixture(scope="module")
def d():
    dm = Daemon().start()
    yield dm
    assert dm.stop() == 0, dm.read_log()


def erlang(d, **body):
    status, _, out = d.api("POST", "/api/v1/staffing/erlang", body)
    assert status == 200, out
    return out


def test_call_centre_helper_example(d):
    out = erlang(d, calls=100, aht_s=180, interval_s=1800, target_sl_pct=80, target_s=20)
    assert out["agents"] == 14
    assert out["model"] == "erlang_c"
    assert out["traffic_erlangs"] == pytest.approx(10.0)
    assert out["probability_wait_pct"] == pytest.approx(17.41, abs=0.01)
    assert out["service_level_pct"] == pytest.approx(88.84, abs=0.01)
    assert out["asa_s"] == pytest.approx(7.83, abs=0.01)
    assert out["occupancy_pct"] == pytest.approx(71.43, abs=0.01)


@pytest.mark.parametrize("sl,agents,pwait", [(70, 13, 28.53), (88, 14, 17.41), (93, 15, 10.20)])
def test_erlang_c_table_for_ten_erlangs(d, sl, agents, pwait):
    # 80% in 20 s with 13 agents is 79.6%; targets around each N's service level pick N.
    out = erlang(d, calls=200, aht_s=180, interval_s=3600, target_sl_pct=sl, target_s=20)
    assert out["agents"] == agents
    assert out["probability_wait_pct"] == pytest.approx(pwait, abs=0.01)


def test_two_erlangs_three_agents_exact(d):
    out = erlang(d, calls=40, aht_s=180, interval_s=3600, target_sl_pct=60, target_s=20)
    assert out["agents"] == 3
    assert out["probability_wait_pct"] == pytest.approx(100 * 4 / 9, abs=0.01)
    assert out["asa_s"] == pytest.approx(4 / 9 * 180 / 1, abs=0.01)
    assert out["occupancy_pct"] == pytest.approx(200 / 3, abs=0.01)
    assert out["service_level_pct"] == pytest.approx(100 * (1 - 4 / 9 * math.exp(-20 / 180)), abs=0.01)


def test_erlang_a(d):
    c = erlang(d, calls=100, aht_s=180, interval_s=1800, target_sl_pct=80, target_s=20)
    # Very patient callers: Erlang A tends to Erlang C.
    patient = erlang(d, calls=100, aht_s=180, interval_s=1800, target_sl_pct=80, target_s=20, patience_s=1e7)
    assert patient["model"] == "erlang_a"
    assert patient["agents"] == c["agents"]
    assert patient["service_level_pct"] == pytest.approx(c["service_level_pct"], abs=0.05)
    # Impatient callers relieve the queue: no more agents, some abandon.
    a = erlang(d, calls=100, aht_s=180, interval_s=1800, target_sl_pct=80, target_s=20, patience_s=60)
    assert a["agents"] <= c["agents"]
    assert 0 < a["abandon_pct"] < 20
    assert a["service_level_pct"] >= 80


def test_plan_for_a_day(d):
    intervals = [{"start": "2026-03-02T%02d:%02d:00Z" % (h, m), "calls": calls, "aht_s": 180}
                 for (h, m), calls in zip([(8, 0), (8, 30), (9, 0), (9, 30)], [100, 40, 0, 100])]
    status, _, out = d.api("POST", "/api/v1/staffing/plan",
                           {"intervals": intervals, "interval_s": 1800, "target_sl_pct": 80, "target_s": 20})
    assert status == 200, out
    got = [(i["start"], i["agents"]) for i in out["intervals"]]
    assert got == [("2026-03-02T08:00:00Z", 14), ("2026-03-02T08:30:00Z", 7), ("2026-03-02T09:00:00Z", 0),
                   ("2026-03-02T09:30:00Z", 14)]
    first = out["intervals"][0]
    assert first["service_level_pct"] == pytest.approx(88.84, abs=0.01)
    assert first["asa_s"] == pytest.approx(7.83, abs=0.01)
    assert first["occupancy_pct"] == pytest.approx(71.43, abs=0.01)
    assert out["totals"]["peak_agents"] == 14
    # Each interval equals the single-interval answer.
    single = erlang(d, calls=40, aht_s=180, interval_s=1800, target_sl_pct=80, target_s=20)
    assert out["intervals"][1]["agents"] == single["agents"]
    assert out["intervals"][1]["service_level_pct"] == single["service_level_pct"]


@pytest.mark.parametrize("body,field", [
    ({"aht_s": 180, "interval_s": 1800, "target_sl_pct": 80, "target_s": 20}, "calls"),
    ({"calls": 10, "aht_s": 180, "interval_s": 1800, "target_sl_pct": 180, "target_s": 20}, "target_sl_pct"),
    ({"calls": 10, "aht_s": "x", "interval_s": 1800, "target_sl_pct": 80, "target_s": 20}, "aht_s"),
    ({"calls": 10, "aht_s": 180, "interval_s": 1800, "target_sl_pct": 80, "target_s": 20, "patience_s": -1},
     "patience_s"),
])
def test_bad_input(d, body, field):
    status, _, out = d.api("POST", "/api/v1/staffing/erlang", body)
    assert status == 400, out
    assert field in out["error"]["message"]
    status, _, out = d.api("POST", "/api/v1/staffing/plan", {"intervals": [{"start": "x"}], "interval_s": 1800,
                                                             "target_sl_pct": 80, "target_s": 20})
    assert status == 400 and "intervals[0]" in out["error"]["message"]
    status, _, out = d.api("POST", "/api/v1/staffing/erlang", raw=b"not json")
    assert status == 400
