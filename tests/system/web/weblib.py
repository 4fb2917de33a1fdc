"""Helpers of the web console tests: the daemon serving web/dist (telib.Daemon,
over tests/system/common/hujiao_testlib.py), sipp phones, and running one of
the Playwright drivers (*.mjs) in Debian's headless Chromium with screenshots
in $HUJIAO_BUILD_DIR/test-artifacts/web/."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))
import telib  # noqa: E402
from telib import ADMIN_PASSWORD, Daemon, free_port, register, testlib  # noqa: E402,F401

SOURCE_DIR = os.environ.get("HUJIAO_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "../../..")))
WEB_DIST = os.path.join(SOURCE_DIR, "web", "dist")


def udp_port():
    return free_port((testlib.UDP,))


def console_daemon(settings=None, carrier=False, wrap_up_s=None):
    """hujiaod serving the built console, started (telephony on free ports, restarted on new ones if taken).
    carrier: customers come in from a carrier on 127.0.0.1 (no auth), as in the IVR tests;
    wrap_up_s: the demo queue's wrap-up."""
    assert os.path.isfile(os.path.join(WEB_DIST, "index.html")), \
        "web/dist is not built: run `npm ci && npm run build` in web/ (ctest's web_build does it)"
    d = Daemon(testlib.merge({"http": {"static_dir": WEB_DIST}}, settings)).start()
    if carrier:
        s, _, body = d.api("POST", "/api/v1/trunks", {"name": "carrier", "host": "127.0.0.1", "port": 5999,
                                                       "inbound_addresses": ["127.0.0.1"]})
        assert s == 201, body
    if wrap_up_s is not None:
        s, _, body = d.api("PATCH", "/api/v1/queues/service", {"wrap_up_s": wrap_up_s})
        assert s == 200, body
    return d


def phone(d, ext, scenario, calls):
    """A sipp phone registered as demo extension `ext` answering for `calls` calls;
    `scenario`: a path, or a name in tests/system/telephony/scenarios."""
    port = free_port()
    register(d, ext, ext + "-demo", port)
    return testlib.Sipp(os.path.join(telib.SCENARIOS, scenario), d.sip_port, port, keys={"rtp": udp_port()},
                        calls=calls, timeout=150, prefix="sipp-web-")


def run_driver(script, env, timeout):
    """Runs `script` (a .mjs here) with node and Chromium; the finished process (its output printed)."""
    node = shutil.which("node")
    assert node, "node is not installed (scripts/install-deps.sh installs nodejs)"
    chromium = os.environ.get("HUJIAO_CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), f"{chromium} missing: apt-get install chromium"
    artifacts = os.path.join(os.environ.get("HUJIAO_BUILD_DIR", os.path.join(SOURCE_DIR, "build")),
                             "test-artifacts", "web")
    os.makedirs(artifacts, exist_ok=True)
    full_env = dict(os.environ, HUJIAO_ADMIN_PASSWORD=ADMIN_PASSWORD, HUJIAO_ARTIFACTS=artifacts,
                    HUJIAO_CHROMIUM=chromium, **env)
    r = subprocess.run([node, os.path.join(HERE, script)], env=full_env, capture_output=True, text=True,
                       timeout=timeout)
    print(r.stdout)
    print(r.stderr)
    return r


def check(r, what):
    """The driver passed; else its output (the daemon's log follows in the report: hujiao_testlib's hook)."""
    assert r.returncode == 0, f"{what} failed (exit {r.returncode}):\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}"
