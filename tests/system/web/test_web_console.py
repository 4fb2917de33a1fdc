"""Drives the web console in Debian's headless Chromium against a real hujiaod.

Starts the daemon on free loopback ports with a throwaway SQLite store and the
built console (web/dist), then runs console_test.mjs (Playwright, playwright-core
from web/node_modules). Screenshots go to $HUJIAO_BUILD_DIR/test-artifacts/web/.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

SOURCE_DIR = os.environ.get("HUJIAO_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "../../..")))
WEB_DIR = os.path.join(SOURCE_DIR, "web")
ADMIN_PASSWORD = "Admin-pass-1234"


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_keys(hujiaod):
    """{section: set(keys)} from `hujiaod --print-default-config`, so we only set keys this build has."""
    out = subprocess.run([hujiaod, "--print-default-config"], capture_output=True, text=True, timeout=30, check=True).stdout
    keys, section = {}, None
    for line in out.splitlines():
        m = re.match(r"^([a-z_][a-z0-9_]*):\s*(#.*)?$", line)
        if m:
            section = m.group(1)
            keys.setdefault(section, set())
            continue
        m = re.match(r"^\s+([a-z_][a-z0-9_]*):", line)
        if m and section:
            keys[section].add(m.group(1))
    return keys


def write_config(path, tmp, http_port, keys):
    wanted = {
        "http": {"listen": "127.0.0.1", "port": http_port, "static_dir": os.path.join(WEB_DIR, "dist"),
                 "health_event_interval_s": 2},
        "store": {"url": "sqlite:" + os.path.join(tmp, "hujiao.db")},
        "node": {"data_dir": tmp, "demo_data": "false"},
        # Other planes must not collide with parallel tests on their default ports.
        "sip": {"listen_address": "127.0.0.1", "port": free_port(socket.SOCK_DGRAM), "tls_port": free_port()},
        "media": {"rtp_port_min": 42000 + (os.getpid() % 200) * 40, "rtp_port_max": 42000 + (os.getpid() % 200) * 40 + 39},
    }
    lines = []
    for section, values in wanted.items():
        present = {k: v for k, v in values.items() if k in keys.get(section, set())}
        if not present:
            continue
        lines.append(f"{section}:")
        for k, v in present.items():
            lines.append(f"  {k}: {v}" if isinstance(v, int) or v in ("true", "false") else f'  {k}: "{v}"')
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def daemon():
    hujiaod = os.environ.get("HUJIAOD")
    assert hujiaod and os.access(hujiaod, os.X_OK), "HUJIAOD must name the hujiaod binary"
    assert os.path.isfile(os.path.join(WEB_DIR, "dist", "index.html")), \
        "web/dist is not built: run `npm ci && npm run build` in web/ (ctest's web_build does it)"
    tmp = tempfile.mkdtemp(prefix="hujiao-web-")
    port = free_port()
    cfg = os.path.join(tmp, "hujiao.yaml")
    write_config(cfg, tmp, port, default_keys(hujiaod))
    env = dict(os.environ, HUJIAO_ADMIN_PASSWORD=ADMIN_PASSWORD)
    log = open(os.path.join(tmp, "hujiaod.log"), "w")
    proc = subprocess.Popen([hujiaod, "--config", cfg], cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        if proc.poll() is not None:
            log.close()
            raise AssertionError("hujiaod exited early:\n" + open(os.path.join(tmp, "hujiaod.log")).read()[-4000:])
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        assert time.time() < deadline, "hujiaod did not answer /healthz within 30 s"
        time.sleep(0.1)
    yield base
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
    shutil.rmtree(tmp, ignore_errors=True)


def test_console_in_chromium(daemon):
    node = shutil.which("node")
    assert node, "node is not installed (scripts/install-deps.sh installs nodejs)"
    chromium = os.environ.get("HUJIAO_CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), f"{chromium} missing: apt-get install chromium"
    # Screenshots are test artifacts of the build (one per page and language).
    artifacts = os.path.join(os.environ.get("HUJIAO_BUILD_DIR", os.path.join(SOURCE_DIR, "build")), "test-artifacts", "web")
    os.makedirs(artifacts, exist_ok=True)
    env = dict(os.environ, HUJIAO_URL=daemon, HUJIAO_ADMIN_PASSWORD=ADMIN_PASSWORD,
               HUJIAO_ARTIFACTS=artifacts, HUJIAO_CHROMIUM=chromium)
    r = subprocess.run([node, os.path.join(os.path.dirname(__file__), "console_test.mjs")],
                       env=env, capture_output=True, text=True, timeout=280)
    print(r.stdout)
    print(r.stderr)
    assert r.returncode == 0, f"console test failed (exit {r.returncode}):\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}"
