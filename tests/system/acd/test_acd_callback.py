"""Callbacks on the real daemon: a caller waiting in a queue with nobody to
serve it accepts the callback offer (presses 1, SIP INFO) and hangs up; when an
agent becomes ready the daemon calls the customer back first (his phone rings
before the agent's), counts the interaction answered when he answers, and
bridges him with the agent (audio both ways)."""
import pytest

from acd_switchlib import (Caller, Events, Phone, agent, api_ok, department, did, extension, interactions,
                           login_ready, queue, tone_while, wait_until)
from acdlib import Daemon


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 200}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


def test_callback_calls_the_customer_then_connects_the_agent(daemon):
    dept = department(daemon)
    agent_id = agent(daemon, "cbagent", "3641", dept)
    queue(daemon, "cbq", dept, [agent_id], callback_offer_wait_s=1, ring_timeout_s=20)
    did(daemon, "4362", "queue", "cbq")
    extension(daemon, "3631", dept)  # the customer's phone
    events = Events(daemon)
    caller = customer = agent_phone = None
    try:
        # Nobody serves the queue: the callback is offered at once; the caller presses 1.
        caller = Caller(daemon, "4362", "3631", scenario="switch_caller_press1.xml")
        offer = events.wait("interaction.callback", state="offered", timeout=15)
        accepted = events.wait("interaction.callback", state="accepted", timeout=15)
        assert accepted["interaction_id"] == offer["interaction_id"]
        ix_id = offer["interaction_id"]
        # A thank-you prompt, then the daemon hangs up; the interaction keeps its place.
        assert caller.wait(30) == 0, caller.errors()
        waiting = [i for i in interactions(daemon) if i["id"] == ix_id]
        assert waiting and waiting[0]["callback"] and waiting[0]["state"] == "waiting", waiting
        assert not events.of("interaction.abandoned", interaction_id=ix_id)

        # The customer's phone and the agent's phone (both answer); the agent becomes ready.
        customer = Phone(daemon, "3631", "phone.xml")
        agent_phone = Phone(daemon, "3641", "phone.xml")
        login_ready(daemon, agent_id, "3641")
        calling = events.wait("interaction.callback", state="calling", interaction_id=ix_id, timeout=15)
        assert calling["agent_id"] == agent_id
        connected = events.wait("interaction.callback", state="connected", interaction_id=ix_id, timeout=20)
        cust_invite = wait_until(lambda: customer.received("INVITE"), 10, "the call to the customer")[0]
        agent_invite = wait_until(lambda: agent_phone.received("INVITE"), 15, "the call to the agent")[0]
        assert cust_invite[0] < agent_invite[0], "the customer is called first"
        assert "From: <sip:4362@" in cust_invite[1] or "<sip:4362@" in cust_invite[1], cust_invite[1]
        assert "answer-after=0" in agent_invite[1]  # the reserved agent's phone answers by itself
        ix = wait_until(lambda: [i for i in interactions(daemon, state="connected") if i["id"] == ix_id], 15,
                        "the callback to be connected")[0]
        assert ix["agent_id"] == agent_id and ix["call_id"] == connected["call_id"]
        events.wait("interaction.answered", interaction_id=ix_id, timeout=5)
        stats = [q for q in api_ok(daemon, "GET", "/api/v1/queues/stats")["items"] if q["queue_id"] == "cbq"][0]
        assert stats["answered"] == 1, stats
        # Customer and agent hear each other.
        cust_media, agent_media = customer.received_sdp(), agent_phone.received_sdp()
        assert tone_while(customer.rtp, cust_media, agent_phone.rtp) > 8
        assert tone_while(agent_phone.rtp, agent_media, customer.rtp) > 8
        s, _, r = daemon.api("POST", f"/api/v1/interactions/{ix_id}/force_release", {})
        assert s == 200, r
        assert customer.wait(15) == 0, customer.errors()
        assert agent_phone.wait(15) == 0, agent_phone.errors()
        events.wait("interaction.ended", interaction_id=ix_id, timeout=10)
    finally:
        events.close()
        for x in (caller, customer, agent_phone):
            if x:
                x.close()
        daemon.api("POST", f"/api/v1/agents/{agent_id}/force_logout", {})
