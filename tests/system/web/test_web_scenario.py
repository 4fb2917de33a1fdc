"""The contact-center scenario in Chromium: a sipp customer calls DID 4002
(the ACD demo queue "service"), the call pops on agent1001's desktop, he
answers, mutes and unmutes (Alt+M), transfers to extension 1002 and wraps up
while supervisor1's wallboard follows every change within a second; the
recording then plays for the admin and, on "My recordings" with its QA score,
for the agent.

Real parts: hujiaod with demo data (telephony's Daemon helper), sipp phones
registered for extensions 1001 and 1002, a sipp customer on the trunk, Debian's
headless Chromium driven by scenario_test.mjs. Screenshots go to
$HUJIAO_BUILD_DIR/test-artifacts/web/.
"""
import json
import os

import pytest
from weblib import HERE, check, console_daemon, free_port, phone, run_driver, udp_port


@pytest.fixture(scope="module")
def daemon():
    # Time enough to type the wrap-up (the demo queue ends it after 5 s).
    d = console_daemon({"recording": {"mode": "all"}, "media": {"rtp_timeout_s": 120}}, carrier=True, wrap_up_s=120)
    # 1001 rings until the desktop's Answer re-offers with auto-answer (2 INVITEs); 1002 answers at once.
    phones = [phone(d, "1001", os.path.join(HERE, "scenarios", "agent_phone.xml"), 2),
              phone(d, "1002", "uas_anchored.xml", 1)]
    yield d
    for p in phones:
        p.kill()
    d.stop()


@pytest.fixture(scope="module")
def scenario(daemon, tmp_path_factory):
    """Runs scenario_test.mjs once; the tests below read what it found."""
    results = os.path.join(str(tmp_path_factory.mktemp("scenario")), "results.json")
    r = run_driver("scenario_test.mjs", {"HUJIAO_URL": f"http://127.0.0.1:{daemon.port}",
                                         "HUJIAO_SIP_PORT": str(daemon.sip_port),
                                         "HUJIAO_CALLER_PORT": str(free_port()), "HUJIAO_CALLER_RTP": str(udp_port()),
                                         "HUJIAO_RESULTS": results}, timeout=200)
    found = json.load(open(results)) if os.path.exists(results) else {}
    return r, found


def test_call_pops_answer_transfer_wrapup_wallboard_recording(daemon, scenario):
    check(scenario[0], "scenario")


def test_mute_from_the_desktop(scenario):
    """Alt+M on the desktop mutes the agent (POST /agents/{id}/mute, SESSION3 contract), Unmute undoes it."""
    _, found = scenario
    mute = found.get("mute")
    assert mute is not None, "the scenario did not reach the mute step (see the test above)"
    assert mute["status"] == 200, f"POST /api/v1/agents/{{id}}/mute answered {mute['status']}"
    assert mute.get("pressed") and mute.get("serverMuted") is True and mute.get("serverUnmuted"), mute

