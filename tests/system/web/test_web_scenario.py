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
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))
from telib import ADMIN_PASSWORD, Daemon, free_port, register  # noqa: E402

import pytest  # noqa: E402

SOURCE_DIR = os.environ.get("HUJIAO_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "../../..")))
WEB_DIST = os.path.join(SOURCE_DIR, "web", "dist")


def udp_port():
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def phone(d, scenario, port, calls):
    """A sipp phone answering on `port` (where the extension registered), for `calls` calls."""
    path = scenario if os.path.isabs(scenario) else os.path.join(HERE, "..", "telephony", "scenarios", scenario)
    return subprocess.Popen(["sipp", "-sf", path, "-i", "127.0.0.1", "-p", str(port), "-m", str(calls), "-t", "u1",
                             "-nostdin", "-timeout", "150s", "-key", "rtp", str(udp_port()),
                             f"127.0.0.1:{d.sip_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def daemon():
    assert os.path.isfile(os.path.join(WEB_DIST, "index.html")), "web/dist is not built (ctest web_build)"
    d = Daemon({"http": {"static_dir": WEB_DIST}, "recording": {"mode": "all"},
                "media": {"rtp_timeout_s": 120}}).start()
    # The customer comes in from a carrier on 127.0.0.1 (no auth), as in the IVR tests.
    s, _, body = d.api("POST", "/api/v1/trunks", {"name": "carrier", "host": "127.0.0.1", "port": 5999,
                                                   "inbound_addresses": ["127.0.0.1"]})
    assert s == 201, body
    # Time enough to type the wrap-up (the demo queue ends it after 5 s).
    s, _, body = d.api("PATCH", "/api/v1/queues/service", {"wrap_up_s": 120})
    assert s == 200, body
    procs = []
    p1001, p1002 = free_port(), free_port()
    register(d, "1001", "1001-demo", p1001)
    register(d, "1002", "1002-demo", p1002)
    # 1001 rings until the desktop's Answer re-offers with auto-answer (2 INVITEs); 1002 answers at once.
    procs.append(phone(d, os.path.join(HERE, "scenarios", "agent_phone.xml"), p1001, 2))
    procs.append(phone(d, "uas_anchored.xml", p1002, 1))
    yield d
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    d.stop()


@pytest.fixture(scope="module")
def scenario(daemon, tmp_path_factory):
    """Runs scenario_test.mjs once; the tests below read what it found."""
    node = shutil.which("node")
    assert node, "node is not installed"
    chromium = os.environ.get("HUJIAO_CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), f"{chromium} missing: apt-get install chromium"
    artifacts = os.path.join(os.environ.get("HUJIAO_BUILD_DIR", os.path.join(SOURCE_DIR, "build")), "test-artifacts", "web")
    os.makedirs(artifacts, exist_ok=True)
    results = os.path.join(str(tmp_path_factory.mktemp("scenario")), "results.json")
    env = dict(os.environ, HUJIAO_URL=f"http://127.0.0.1:{daemon.port}", HUJIAO_ADMIN_PASSWORD=ADMIN_PASSWORD,
               HUJIAO_ARTIFACTS=artifacts, HUJIAO_CHROMIUM=chromium, HUJIAO_SIP_PORT=str(daemon.sip_port),
               HUJIAO_CALLER_PORT=str(free_port()), HUJIAO_CALLER_RTP=str(udp_port()), HUJIAO_RESULTS=results)
    r = subprocess.run([node, os.path.join(HERE, "scenario_test.mjs")], env=env, capture_output=True, text=True,
                       timeout=200)
    print(r.stdout)
    print(r.stderr)
    found = json.load(open(results)) if os.path.exists(results) else {}
    return r, found


def test_call_pops_answer_transfer_wrapup_wallboard_recording(daemon, scenario):
    r, _ = scenario
    assert r.returncode == 0, (f"scenario failed (exit {r.returncode}):\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}\n"
                               f"daemon log:\n{daemon.read_log()[-3000:]}")


def test_mute_from_the_desktop(scenario):
    """Alt+M on the desktop mutes the agent (POST /agents/{id}/mute, SESSION3 contract), Unmute undoes it."""
    _, found = scenario
    mute = found.get("mute")
    assert mute is not None, "the scenario did not reach the mute step (see the test above)"
    assert mute["status"] == 200, f"POST /api/v1/agents/{{id}}/mute answered {mute['status']}"
    assert mute.get("pressed") and mute.get("serverMuted") is True and mute.get("serverUnmuted"), mute

