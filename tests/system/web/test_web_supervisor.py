"""Supervisor actions from the wallboard in Chromium, against the real hujiaod
with the ACD demo data: supervisor1 listens, whispers and barges in on
agent1001's call (a sipp phone registered as the supervisor's extension 1003
answers each supervision call), force-releases the call, makes the agent not
ready, moves a waiting
call to another queue and releases it, makes the agent ready and logs him out.
Each action is checked on the wallboard and in the REST state. Screenshots go
to $HUJIAO_BUILD_DIR/test-artifacts/web/.
"""
import pytest
from weblib import check, console_daemon, free_port, phone, run_driver, udp_port


@pytest.fixture(scope="module")
def daemon():
    # A short wrap-up so the agent is soon ready again after the first call.
    d = console_daemon({"media": {"rtp_timeout_s": 120}}, carrier=True, wrap_up_s=1)
    phones = [phone(d, "1001", "uas_anchored.xml", 1),   # agent1001's phone: the customer's call
              phone(d, "1003", "uas_anchored.xml", 3)]   # supervisor1's phone: listen, whisper, barge
    yield d
    for p in phones:
        p.kill()
    d.stop()


def test_supervisor_actions_from_the_wallboard(daemon):
    r = run_driver("supervisor_test.mjs", {"HUJIAO_URL": f"http://127.0.0.1:{daemon.port}",
                                           "HUJIAO_SIP_PORT": str(daemon.sip_port),
                                           "HUJIAO_CALLER_PORTS": f"{free_port()},{free_port()}",
                                           "HUJIAO_CALLER_RTP": f"{udp_port()},{udp_port()}"}, timeout=150)
    check(r, "supervisor scenario")
