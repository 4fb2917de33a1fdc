"""CTI mute on the real daemon: while the agent is muted the customer receives
silence (RTP keeps flowing, no energy) and the agent still hears the customer;
unmute restores the agent's voice. REST answer, interaction view and the
interaction.muted event as the console expects them."""
import pytest

from acd_switchlib import (Caller, Events, Phone, act, agent, department, did, interactions, login_ready, queue,
                           silent, tone_while, wait_until)
from acdlib import Daemon


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(settings={"acd": {"stats_interval_ms": 200}, "media": {"rtp_timeout_s": 60}}).start()
    yield d
    d.stop()


def test_mute_silences_the_agent_for_the_customer_only(daemon):
    dept = department(daemon)
    agent_id = agent(daemon, "muteagent", "3671", dept)
    queue(daemon, "mq", dept, [agent_id])
    did(daemon, "4363", "queue", "mq")
    events = Events(daemon)
    phone = Phone(daemon, "3671", "phone.xml")
    caller = None
    try:
        login_ready(daemon, agent_id, "3671")
        caller = Caller(daemon, "4363", "1005")
        ix = wait_until(lambda: [i for i in interactions(daemon, state="connected") if i["agent_id"] == agent_id], 15,
                        "the agent to be connected")[0]
        assert ix["muted"] is False
        caller_media = wait_until(caller.received_sdp, 10, "the caller's answer")
        agent_media = phone.received_sdp()
        assert tone_while(phone.rtp, agent_media, caller.rtp) > 8  # before: the customer hears the agent

        # Validation: `on` is required; another interaction id is unknown.
        s, _, r = act(daemon, agent_id, "mute", {"interaction_id": ix["id"]})
        assert s == 400, r
        s, _, r = act(daemon, agent_id, "mute", {"interaction_id": "nope", "on": True})
        assert s == 404, r

        s, _, r = act(daemon, agent_id, "mute", {"interaction_id": ix["id"], "on": True})
        assert s == 200, r
        assert r == {"interaction_id": ix["id"], "call_id": ix["call_id"], "state": "connected", "muted": True}, r
        e = events.wait("interaction.muted", interaction_id=ix["id"], muted=True)
        assert e["agent_id"] == agent_id and e["call_id"] == ix["call_id"]
        assert [i for i in interactions(daemon) if i["id"] == ix["id"]][0]["muted"] is True
        # The agent talks: the customer gets silence (packets, no energy)...
        import threading
        talker = threading.Thread(target=phone.rtp.send_tone, args=(agent_media, 60))
        talker.start()
        packets, loud = silent(caller.rtp, 1.0)
        talker.join()
        assert packets > 20 and loud == 0, (packets, loud)
        # ... while the agent still hears the customer.
        assert tone_while(caller.rtp, caller_media, phone.rtp) > 8
        # Muting twice changes nothing.
        s, _, r = act(daemon, agent_id, "mute", {"interaction_id": ix["id"], "on": True})
        assert s == 200 and r["muted"] is True, r

        s, _, r = act(daemon, agent_id, "mute", {"interaction_id": ix["id"], "on": False})
        assert s == 200 and r["muted"] is False, r
        events.wait("interaction.muted", interaction_id=ix["id"], muted=False)
        assert tone_while(phone.rtp, agent_media, caller.rtp) > 8  # the customer hears him again
        assert tone_while(caller.rtp, caller_media, phone.rtp) > 8

        s, _, r = act(daemon, agent_id, "hangup", {"interaction_id": ix["id"]})
        assert s == 200, r
        assert caller.wait(15) == 0, caller.errors()
    finally:
        events.close()
        if caller:
            caller.close()
        phone.close()
        daemon.api("POST", f"/api/v1/agents/{agent_id}/force_logout", {})
