"""Each routing strategy on the real daemon, with sipp agent phones and sipp
callers: one daemon serves every strategy, each in its own queue with its own
agents (made up over REST), so their histories do not mix. Every call checks
that the agent the strategy names gets the INVITE (X-Hujiao-Interaction on the
INVITE his phone received) and is the one connected."""
import pytest

from acdlib import Daemon, Lab, act, department_of


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 500, "random_seed": 7}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


@pytest.fixture(scope="module")
def dept(daemon):
    return department_of(daemon)


@pytest.fixture
def lab(daemon, dept):
    labs = []

    def make(index, strategy, agents, **q):
        lab = Lab(daemon, dept, index, strategy, agents, q)
        labs.append(lab)
        return lab
    yield make
    for lab in labs:
        lab.close()


ABC = {"a": {}, "b": {}, "c": {}}


def test_longest_idle(lab):
    q = lab(1, "longest_idle", ABC)
    q.ready("c", "a", "b")
    # Each call goes to whoever has waited longest; the one who just hung up goes last.
    assert [q.call() for _ in range(4)] == ["c", "a", "b", "c"]


def test_fewest_calls(lab):
    q = lab(2, "fewest_calls", ABC)
    q.ready("a")
    assert [q.call(), q.call()] == ["a", "a"]
    q.ready("b", "c")
    # a has waited longest but has 2 calls today: b and c (0 each) first, then b (1, idle longer than c).
    assert [q.call() for _ in range(3)] == ["b", "c", "b"]


def test_least_talk_time(lab):
    q = lab(3, "least_talk_time", ABC)
    q.ready("a", "b", "c")
    assert q.call(hold=2.0) == "a"   # all at 0 s: the longest idle
    assert q.call(hold=0.1) == "b"   # b and c at 0 s: b idle longer
    assert q.call(hold=1.0) == "c"   # c: 0 s
    # Talk today: a 2.0 s, b 0.1 s, c 1.0 s -> b, and again b (0.2 s < 1.0 s) though a waited longest.
    assert [q.call(hold=0.1), q.call()] == ["b", "b"]


def test_round_robin_remembers_where_it_was(lab, daemon):
    q = lab(4, "round_robin", ABC)
    q.ready("c", "b", "a")  # idle order does not matter, positions do
    assert [q.call() for _ in range(4)] == ["a", "b", "c", "a"]
    s, _, r = act(daemon, q.ids["b"], "not_ready", {"reason": "break"})
    assert s == 200, r
    assert [q.call(), q.call()] == ["c", "a"]  # b skipped, the round goes on from a


def test_linear_hunts_in_order(lab):
    q = lab(5, "linear", ABC)
    q.ready("c", "b", "a")
    assert [q.call(), q.call()] == ["a", "a"]  # always the first free in position order
    line_a, ix_a = q.start_call(0)
    assert q.names[ix_a["agent_id"]] == "a"
    line_b, ix_b = q.start_call(1)             # a busy: the next in line
    assert q.names[ix_b["agent_id"]] == "b"
    line_c, ix_c = q.start_call(2)
    assert q.names[ix_c["agent_id"]] == "c"
    for line, ix in ((line_a, ix_a), (line_b, ix_b), (line_c, ix_c)):
        q.end_call(line, ix)


def test_best_skill(lab):
    q = lab(6, "best_skill", {"a": {"skills": [{"skill": "fr", "level": 3}]},
                              "b": {"skills": [{"skill": "fr", "level": 9}]},
                              "c": {"skills": [{"skill": "fr", "level": 5}]}},
            skills=[{"skill": "fr", "min_level": 1}])
    q.ready("a", "c", "b")  # a has waited longest, b least
    assert [q.call(), q.call()] == ["b", "b"]
    line_b, ix_b = q.start_call(0)
    assert q.names[ix_b["agent_id"]] == "b"
    line_c, ix_c = q.start_call(1)   # b busy: the next best level
    assert q.names[ix_c["agent_id"]] == "c"
    line_a, ix_a = q.start_call(2)
    assert q.names[ix_a["agent_id"]] == "a"
    for line, ix in ((line_b, ix_b), (line_c, ix_c), (line_a, ix_a)):
        q.end_call(line, ix)


def test_random_stays_in_the_best_tier(lab):
    # acd.random_seed makes the draw repeatable; c is one tier (level) down.
    q = lab(7, "random", {"a": {"level": 0}, "b": {"level": 0}, "c": {"level": 1}})
    q.ready("a", "b", "c")
    got = [q.call() for _ in range(8)]
    assert set(got) == {"a", "b"}, got  # both of the first tier, never c while one of them is free
    line_1, ix_1 = q.start_call(0)
    line_2, ix_2 = q.start_call(1)
    assert {q.names[ix_1["agent_id"]], q.names[ix_2["agent_id"]]} == {"a", "b"}
    line_3, ix_3 = q.start_call(2)      # the first tier is busy: now c
    assert q.names[ix_3["agent_id"]] == "c"
    for line, ix in ((line_1, ix_1), (line_2, ix_2), (line_3, ix_3)):
        q.end_call(line, ix)
