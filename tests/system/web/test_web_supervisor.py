"""Supervisor actions from the wallboard in Chromium, against the real hujiaod
with the ACD demo data: supervisor1 listens, whispers and barges in on
agent1001's call (a sipp phone registered as the supervisor's extension 1003
answers each supervision call), force-releases the call, makes the agent not
ready, moves a waiting
call to another queue and releases it, makes the agent ready and logs him out.
Each action is checked on the wallboard and in the REST state. Screenshots go
to $HUJIAO_BUILD_DIR/test-artifacts/web/.
"""
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


def phone(d, port, calls):
    """A sipp phone answering every INVITE on `port` (where its extension registered)."""
    path = os.path.join(HERE, "..", "telephony", "scenarios", "uas_anchored.xml")
    return subprocess.Popen(["sipp", "-sf", path, "-i", "127.0.0.1", "-p", str(port), "-m", str(calls), "-t", "u1",
                             "-nostdin", "-timeout", "150s", "-key", "rtp", str(udp_port()),
                             f"127.0.0.1:{d.sip_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def daemon():
    assert os.path.isfile(os.path.join(WEB_DIST, "index.html")), "web/dist is not built (ctest web_build)"
    d = Daemon({"http": {"static_dir": WEB_DIST}, "media": {"rtp_timeout_s": 120}}).start()
    s, _, body = d.api("POST", "/api/v1/trunks", {"name": "carrier", "host": "127.0.0.1", "port": 5999,
                                                   "inbound_addresses": ["127.0.0.1"]})
    assert s == 201, body
    # A short wrap-up so the agent is soon ready again after the first call.
    s, _, body = d.api("PATCH", "/api/v1/queues/service", {"wrap_up_s": 1})
    assert s == 200, body
    procs = []
    p1001, p1003 = free_port(), free_port()
    register(d, "1001", "1001-demo", p1001)
    register(d, "1003", "1003-demo", p1003)
    procs.append(phone(d, p1001, 1))   # agent1001's phone: the customer's call
    procs.append(phone(d, p1003, 3))   # supervisor1's phone: listen, whisper, barge
    yield d
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    d.stop()


def test_supervisor_actions_from_the_wallboard(daemon):
    node = shutil.which("node")
    assert node, "node is not installed"
    chromium = os.environ.get("HUJIAO_CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), f"{chromium} missing: apt-get install chromium"
    artifacts = os.path.join(os.environ.get("HUJIAO_BUILD_DIR", os.path.join(SOURCE_DIR, "build")), "test-artifacts", "web")
    os.makedirs(artifacts, exist_ok=True)
    env = dict(os.environ, HUJIAO_URL=f"http://127.0.0.1:{daemon.port}", HUJIAO_ADMIN_PASSWORD=ADMIN_PASSWORD,
               HUJIAO_ARTIFACTS=artifacts, HUJIAO_CHROMIUM=chromium, HUJIAO_SIP_PORT=str(daemon.sip_port),
               HUJIAO_CALLER_PORTS=f"{free_port()},{free_port()}", HUJIAO_CALLER_RTP=f"{udp_port()},{udp_port()}")
    r = subprocess.run([node, os.path.join(HERE, "supervisor_test.mjs")], env=env, capture_output=True, text=True,
                       timeout=150)
    print(r.stdout)
    print(r.stderr)
    assert r.returncode == 0, (f"supervisor scenario failed (exit {r.returncode}):\n{r.stdout[-6000:]}\n"
                               f"{r.stderr[-3000:]}\ndaemon log:\n{daemon.read_log()[-3000:]}")
