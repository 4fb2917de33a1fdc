"""Blind transfer (to an agent, a queue, an extension, a number) and consulted
transfer through the CTI REST actions on the real daemon, with sipp agent
phones and callers: who talks to whom is checked by audio (a 1 kHz tone sent by
one party must reach the other) and by the events on /api/v1/events."""
import time

import pytest

from acdlib import (CallerLine, Carrier, Daemon, Events, Lab, act, agent_state, department_of, hears, interactions,
                    make_extension, plain_phone, wait_until)


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 500}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


@pytest.fixture(scope="module")
def dept(daemon):
    return department_of(daemon)


@pytest.fixture
def events(daemon):
    ev = Events(daemon)
    yield ev
    ev.close()


def hang_up_call(daemon, call_id):
    s, _, r = daemon.api("DELETE", "/api/v1/calls/" + call_id)
    assert s in (200, 202, 204), r


def both_hear(a_rtp, a_media, b_rtp, b_media):
    return hears(a_rtp, b_rtp, a_media) and hears(b_rtp, a_rtp, b_media)


def test_blind_transfer_to_agent_then_queue_then_extension(daemon, dept, events):
    main = Lab(daemon, dept, 1, "linear", {"a": {}, "b": {}})
    other = Lab(daemon, dept, 2, "linear", {"c": {}})
    ext = plain_phone(daemon, "6300", dept)
    try:
        main.ready("a")
        line, ix = main.start_call(rtp=True)
        a, b, c = main.phones["a"], main.phones["b"], other.phones["c"]
        assert ix["agent_id"] == a.id
        caller_media = line.sipp.received_sdp()
        assert both_hear(line.rtp, caller_media, a.rtp, a.media())

        # 1. To an agent: only b is rung, a's leg ends. Not while b is not ready.
        s, _, r = act(daemon, a.id, "transfer", {"interaction_id": ix["id"], "target_type": "agent", "target": b.id})
        assert s == 409 and r["error"]["code"] == "invalid_state", r
        b.ready()
        s, _, r = act(daemon, a.id, "transfer", {"interaction_id": ix["id"], "target_type": "agent", "target": b.id})
        assert s == 200 and r["state"] == "transferring", r
        events.wait("interaction.transferred", interaction_id=ix["id"], agent_id=a.id, target_type="agent",
                    target=b.id)
        assert b.got(ix["id"]), "b's phone was not rung"
        wait_until(lambda: a.requests("BYE") == 1, 10, "a's leg to end")
        wait_until(lambda: [i for i in interactions(daemon, state="connected") if i["id"] == ix["id"]
                            and i["agent_id"] == b.id], 10, "b to be connected")
        assert both_hear(line.rtp, caller_media, b.rtp, b.media())
        assert not hears(a.rtp, line.rtp, a.media())
        wait_until(lambda: agent_state(daemon, a.id)[0] == "ready", 10, "a to be ready (no wrap-up)")

        # 2. To another queue: c (its only agent) takes it.
        c.ready()
        s, _, r = act(daemon, b.id, "transfer", {"interaction_id": ix["id"], "target_type": "queue",
                                                 "target": other.queue})
        assert s == 200, r
        events.wait("interaction.transferred", interaction_id=ix["id"], agent_id=b.id, target_type="queue",
                    target=other.queue)
        assert c.got(ix["id"]), "c's phone was not rung"
        moved = wait_until(lambda: [i for i in interactions(daemon, state="connected") if i["id"] == ix["id"]
                                    and i["agent_id"] == c.id], 10, "c to be connected")[0]
        assert moved["queue_id"] == other.queue
        wait_until(lambda: b.requests("BYE") == 1, 10, "b's leg to end")
        assert both_hear(line.rtp, caller_media, c.rtp, c.media())

        # 3. To an extension: the call leaves the ACD and rings the phone there.
        s, _, r = act(daemon, c.id, "transfer", {"interaction_id": ix["id"], "target_type": "extension",
                                                 "target": "6300"})
        assert s == 200, r
        events.wait("interaction.transferred", interaction_id=ix["id"], target_type="extension")
        wait_until(lambda: ext.requests("INVITE") == 1, 10, "the extension to ring")
        wait_until(lambda: c.requests("BYE") == 1, 10, "c's leg to end")
        assert both_hear(line.rtp, caller_media, ext.rtp, ext.media())
        assert not [i for i in interactions(daemon) if i["id"] == ix["id"]]
        wait_until(lambda: agent_state(daemon, c.id)[0] == "ready", 10, "c to be ready")
        hang_up_call(daemon, ix["call_id"])
        assert line.wait(15) == 0, line.sipp.errors()
        wait_until(lambda: ext.requests("BYE") == 1, 10, "the extension's BYE")
    finally:
        ext.close()
        other.close()
        main.close()


def test_blind_transfer_to_a_number_goes_out_through_the_trunk(daemon, dept, events):
    main = Lab(daemon, dept, 3, "linear", {"a": {}})
    carrier = Carrier(daemon)
    try:
        main.ready("a")
        line, ix = main.start_call(rtp=True)
        a = main.phones["a"]
        s, _, r = act(daemon, a.id, "transfer", {"interaction_id": ix["id"], "target_type": "number",
                                                 "target": "013900001111"})
        assert s == 200, r
        events.wait("interaction.transferred", interaction_id=ix["id"], target_type="number")
        wait_until(lambda: carrier.invited_numbers(), 10, "the carrier to be called")
        assert carrier.invited_numbers() == ["13900001111"]
        wait_until(lambda: a.requests("BYE") == 1, 10, "a's leg to end")
        caller_media = line.sipp.received_sdp()
        assert both_hear(line.rtp, caller_media, carrier.rtp, carrier.media())
        hang_up_call(daemon, ix["call_id"])
        assert line.wait(15) == 0, line.sipp.errors()
    finally:
        carrier.close()
        main.close()


def test_failed_blind_transfer_puts_the_caller_back_first_in_line(daemon, dept, events):
    main = Lab(daemon, dept, 6, "linear", {"a": {}})
    dead = "6398"  # an extension with no phone registered: the transfer fails
    make_extension(daemon, dead, dept)
    try:
        main.ready("a")
        line, ix = main.start_call(rtp=True)
        a = main.phones["a"]
        s, _, r = act(daemon, a.id, "transfer", {"interaction_id": ix["id"], "target_type": "extension",
                                                 "target": dead})
        assert s == 200, r
        events.wait("interaction.transferred", interaction_id=ix["id"], target_type="extension")
        # Back in the queue ahead of everybody (priority 100) as a new interaction; a takes it again.
        again = wait_until(lambda: [e for e in events.of("interaction.queued", call_id=ix["call_id"])
                                    if e["interaction_id"] != ix["id"]], 15, "the caller to queue again")[0]
        assert again["priority"] == 100, again
        assert a.got(again["interaction_id"]), "the caller did not come back to a"
        wait_until(lambda: [i for i in interactions(daemon, state="connected") if i["id"] == again["interaction_id"]],
                   10, "a to be connected again")
        assert both_hear(line.rtp, line.sipp.received_sdp(), a.rtp, a.media())
        main.end_call(line, {"id": again["interaction_id"], "agent_id": a.id})
    finally:
        main.close()


def test_consult_then_transfer_and_consult_cancel(daemon, dept, events):
    main = Lab(daemon, dept, 4, "linear", {"a": {}, "b": {}})
    try:
        main.ready("a")
        line, ix = main.start_call(rtp=True)
        a, b = main.phones["a"], main.phones["b"]
        caller_media = line.sipp.received_sdp()
        a_media = a.media()

        # Consult b, then cancel: a is back with the caller, b's leg ends.
        s, _, r = act(daemon, a.id, "consult", {"interaction_id": ix["id"], "target_type": "agent", "target": b.id})
        assert s == 200 and r["state"] == "consulting", r
        events.wait("interaction.consult", interaction_id=ix["id"], state="connected")
        wait_until(lambda: b.requests("INVITE") == 1, 10, "b's phone to ring")
        b_media = b.media()
        assert both_hear(a.rtp, a_media, b.rtp, b_media)      # a and b talk
        assert not hears(a.rtp, line.rtp, a_media)             # the caller holds: he does not hear a...
        assert not hears(b.rtp, line.rtp, b_media)             # ...nor b
        assert not hears(line.rtp, a.rtp, caller_media)
        s, _, r = act(daemon, a.id, "consult_cancel", {"interaction_id": ix["id"]})
        assert s == 200 and r["state"] == "connected", r
        wait_until(lambda: b.requests("BYE") == 1, 10, "b's consult leg to end")
        assert both_hear(line.rtp, caller_media, a.rtp, a_media)

        # Consult again, then transfer: caller and b talk, a wraps up.
        s, _, r = act(daemon, a.id, "consult", {"interaction_id": ix["id"], "target_type": "agent", "target": b.id})
        assert s == 200, r
        wait_until(lambda: b.requests("INVITE") == 2, 10, "b's phone to ring again")
        wait_until(lambda: len(events.of("interaction.consult", interaction_id=ix["id"], state="connected")) == 2,
                   10, "the second consultation to connect")
        b_media = b.media()
        assert both_hear(a.rtp, a_media, b.rtp, b_media)
        s, _, r = act(daemon, a.id, "consult_transfer", {"interaction_id": ix["id"]})
        assert s == 200 and r["state"] == "transferred", r
        events.wait("interaction.transferred", interaction_id=ix["id"], target_type="consulted")
        wait_until(lambda: a.requests("BYE") == 1, 10, "a's leg to end")
        assert both_hear(line.rtp, caller_media, b.rtp, b_media)
        wait_until(lambda: agent_state(daemon, a.id)[0] == "ready", 10, "a to be free")
        # The transferred party hangs up: the caller is released.
        hang_up_call(daemon, ix["call_id"])
        assert line.wait(15) == 0, line.sipp.errors()
    finally:
        main.close()


def test_transfer_to_agent_events_name_only_the_target(daemon, dept, events):
    main = Lab(daemon, dept, 5, "linear", {"a": {}, "b": {}})
    try:
        main.ready("a")
        line, ix = main.start_call()
        a, b = main.phones["a"], main.phones["b"]
        b.ready()
        s, _, r = act(daemon, a.id, "transfer", {"interaction_id": ix["id"], "target_type": "agent", "target": b.id})
        assert s == 200, r
        assert b.got(ix["id"])
        events.wait("interaction.answered", interaction_id=ix["id"], agent_id=b.id)
        sent = events.of("interaction.transferred", interaction_id=ix["id"])
        offers = [e["agent_id"] for e in events.of("interaction.offered", interaction_id=ix["id"])]
        assert offers == [a.id, b.id], "offers: a (the first call), then only b"
        assert len(sent) == 1, sent
        assert sent[0]["target_type"] == "agent" and sent[0]["target"] == b.id
    finally:
        main.close()


def test_a_consulted_agent_gets_no_queue_call_meanwhile(daemon, dept, events):
    main = Lab(daemon, dept, 7, "linear", {"a": {}, "b": {}})
    try:
        main.ready("a")
        line, ix = main.start_call()
        a, b = main.phones["a"], main.phones["b"]
        b.ready()
        s, _, r = act(daemon, a.id, "consult", {"interaction_id": ix["id"], "target_type": "agent", "target": b.id})
        assert s == 200, r
        events.wait("interaction.consult", interaction_id=ix["id"], state="connected")
        second = CallerLine(daemon, main.did, main.callers[1], rtp=False)
        main.lines.append(second)
        waiting = wait_until(lambda: [i for i in interactions(daemon, queue_id=main.queue) if i["id"] != ix["id"]],
                             10, "the second call to queue")[0]
        time.sleep(1.0)
        now = [i for i in interactions(daemon, queue_id=main.queue) if i["id"] == waiting["id"]][0]
        assert now["state"] == "waiting", now  # b is talking to a: nobody is free
        assert b.requests("INVITE") == 1, "b's phone got a queue call during the consultation"
        assert agent_state(daemon, b.id)[0] == "busy", agent_state(daemon, b.id)  # on a non-ACD call
        # The consultation ends: b is free again and gets the waiting call (no wrap-up first).
        s, _, r = act(daemon, a.id, "consult_cancel", {"interaction_id": ix["id"]})
        assert s == 200, r
        events.wait("interaction.offered", interaction_id=waiting["id"], agent_id=b.id)
        wait_until(lambda: b.requests("INVITE") >= 2, 10, "the waiting call to ring b")
    finally:
        main.close()


def test_an_agent_dialling_out_and_the_agent_he_calls_get_no_queue_call_meanwhile(daemon, dept, events):
    main = Lab(daemon, dept, 8, "linear", {"a": {}, "b": {}})
    try:
        a, b = main.phones["a"], main.phones["b"]
        main.ready("a", "b")
        # a dials b's extension: a's own outbound call (CTI dial), and a direct
        # extension call for b (seen on the EventBus).
        s, _, r = act(daemon, a.id, "dial", {"number": b.ext})
        assert s == 202, r
        call_id = r["call_id"]
        wait_until(lambda: agent_state(daemon, a.id)[0] == "busy" and agent_state(daemon, b.id)[0] == "busy", 10,
                   "both agents to be busy on the non-ACD call")
        wait_until(lambda: b.requests("INVITE") == 1, 10, "b's phone to ring")
        line = CallerLine(daemon, main.did, main.callers[0], rtp=False)
        main.lines.append(line)
        waiting = wait_until(lambda: interactions(daemon, queue_id=main.queue), 10, "the queue call")[0]
        time.sleep(1.0)
        now = [i for i in interactions(daemon, queue_id=main.queue) if i["id"] == waiting["id"]][0]
        assert now["state"] == "waiting", now  # both are on the phone
        assert a.requests("INVITE") == 1 and b.requests("INVITE") == 1, "a queue call rang a busy agent"
        # The call ends: both are ready again (no wrap-up) and the waiting call is offered.
        hang_up_call(daemon, call_id)
        offered = events.wait("interaction.offered", interaction_id=waiting["id"])
        assert offered["agent_id"] in (a.id, b.id), offered
        assert agent_state(daemon, offered["agent_id"])[0] in ("reserved", "busy")
    finally:
        main.close()
