"""Drives the web console in Debian's headless Chromium against a real hujiaod.

Starts the daemon on free loopback ports with a throwaway SQLite store and the
built console (web/dist), then runs console_test.mjs (Playwright, playwright-core
from web/node_modules). Screenshots go to $HUJIAO_BUILD_DIR/test-artifacts/web/.
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))
import telib  # noqa: E402
from telib import Daemon  # noqa: E402

import pytest  # noqa: E402

SOURCE_DIR = os.environ.get("HUJIAO_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "../../..")))
WEB_DIR = os.path.join(SOURCE_DIR, "web")


@pytest.fixture(scope="module")
def daemon():
    assert os.path.isfile(os.path.join(WEB_DIR, "dist", "index.html")), \
        "web/dist is not built: run `npm ci && npm run build` in web/ (ctest's web_build does it)"
    # telib's Daemon picks ports free for UDP and TCP and restarts on new ones when
    # another test took one first (the console test creates extensions: SIP must run).
    d = Daemon({"http": {"static_dir": os.path.join(WEB_DIR, "dist"), "health_event_interval_s": 2},
                "node": {"demo_data": False}}).start()
    yield f"http://127.0.0.1:{d.port}"
    d.stop()
    shutil.rmtree(d.workdir, ignore_errors=True)


def test_console_in_chromium(daemon):
    node = shutil.which("node")
    assert node, "node is not installed (scripts/install-deps.sh installs nodejs)"
    chromium = os.environ.get("HUJIAO_CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), f"{chromium} missing: apt-get install chromium"
    # Screenshots are test artifacts of the build (one per page and language).
    artifacts = os.path.join(os.environ.get("HUJIAO_BUILD_DIR", os.path.join(SOURCE_DIR, "build")), "test-artifacts", "web")
    os.makedirs(artifacts, exist_ok=True)
    env = dict(os.environ, HUJIAO_URL=daemon, HUJIAO_ADMIN_PASSWORD=telib.ADMIN_PASSWORD,
               HUJIAO_ARTIFACTS=artifacts, HUJIAO_CHROMIUM=chromium)
    r = subprocess.run([node, os.path.join(os.path.dirname(__file__), "console_test.mjs")],
                       env=env, capture_output=True, text=True, timeout=280)
    print(r.stdout)
    print(r.stderr)
    assert r.returncode == 0, f"console test failed (exit {r.returncode}):\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}"
