"""Helpers of the acd-switch system tests (ring-all, callbacks, mute, overflow):
made-up agents, queues and DIDs over REST, sipp phones whose message traces
tell when each request arrived, and audio checks with RTP peers.
Builds on acdlib.py (daemon, sipp, events, LoudPeer, REST helpers)."""
import os
import time

import acdlib
from acdlib import (SCENARIOS, Events, LoudPeer, act, interactions, register, scenario_path, telib,  # noqa: F401
                    testlib, wait_until)
from acdlib import department_of as department  # noqa: F401
from acdlib import make_did as did  # noqa: F401
from acdlib import make_extension as extension  # noqa: F401
from acdlib import role_id  # noqa: F401

DEMO_ADMIN_ROLE = "agent"


def api_ok(daemon, method, path, body=None, codes=(200, 201)):
    s, _, r = daemon.api(method, path, body)
    assert s in codes, f"{method} {path}: {s} {r}"
    return r


def agent(daemon, username, ext, dept):
    """A new user with the agent role on extension `ext` (made too); his id."""
    return acdlib.new_agent(daemon, username, ext, dept, {"extension": ext, "auto_answer": False})


def queue(daemon, queue_id, dept, members, **settings):
    acdlib.make_queue(daemon, queue_id, dept, **settings)
    for a in members:
        acdlib.add_member(daemon, queue_id, a)


class Phone(testlib.Sipp):
    """A sipp registered as extension `ext` running `scenario` (UAS) for `calls`
    calls, with a LoudPeer as its RTP end; its trace gives arrival times
    (received(method): [(time, message)])."""

    def __init__(self, daemon, ext, scenario, calls=1, register_it=True):
        self.daemon, self.ext = daemon, ext
        self.port = telib.free_port()
        if register_it:
            register(daemon, ext, self.port)
        self.rtp = LoudPeer()
        super().__init__(scenario_path(scenario), daemon.sip_port, self.port, keys={"rtp": self.rtp.port},
                         calls=calls, timeout=90, prefix="sipp-sw-")

    def wait(self, timeout=20):
        return super().wait(timeout)

    def close(self):
        self.kill()
        self.rtp.close()


class Caller(Phone):
    """A sipp UAC on extension `ext` dialing `number` with `scenario` (this folder's)."""

    def __init__(self, daemon, number, ext, scenario="caller_wait.xml"):
        self.port = telib.free_port()
        self.rtp = LoudPeer()
        testlib.Sipp.__init__(self, os.path.join(SCENARIOS, scenario), daemon.sip_port, self.port, service=number,
                              keys={"rtp": self.rtp.port, "caller": ext}, auth=(ext, ext + "-demo"), timeout=90,
                              prefix="sipp-sw-")


def agent_state(daemon, agent_id):
    return acdlib.agent_state(daemon, agent_id)[0]


def login_ready(daemon, agent_id, ext, ready=True):
    s, _, r = act(daemon, agent_id, "login", {"device": ext})
    assert s == 200, r
    if ready:
        s, _, r = act(daemon, agent_id, "ready")
        assert s == 200, r


def silent(listener, seconds=1.0):
    """(packets received, loud packets) by `listener` over `seconds`."""
    r0, l0 = listener.received, listener.loud
    time.sleep(seconds)
    return listener.received - r0, listener.loud - l0


def tone_while(speaker, dest, listener, packets=25):
    """Loud 1 kHz packets `listener` got while `speaker` sent a tone to `dest`."""
    time.sleep(0.2)
    count = (lambda: listener.tone) if isinstance(listener, LoudPeer) else (lambda: listener.loud)
    before = count()
    speaker.send_tone(dest, packets)
    time.sleep(0.4)
    return count() - before
