"""Drives the web console in Debian's headless Chromium against a real hujiaod.

Starts the daemon on free loopback ports with a throwaway SQLite store and the
built console (web/dist), then runs console_test.mjs (Playwright, playwright-core
from web/node_modules). Screenshots go to $HUJIAO_BUILD_DIR/test-artifacts/web/.
"""
import shutil

import pytest
from weblib import check, console_daemon, run_driver


@pytest.fixture(scope="module")
def daemon():
    # The console test creates extensions: SIP must run (console_daemon restarts
    # on new ports when another test took one first).
    d = console_daemon({"http": {"health_event_interval_s": 2}, "node": {"demo_data": False}})
    yield d
    d.stop()
    shutil.rmtree(d.workdir, ignore_errors=True)


def test_console_in_chromium(daemon):
    r = run_driver("console_test.mjs", {"HUJIAO_URL": f"http://127.0.0.1:{daemon.port}"}, timeout=280)
    check(r, "console test")
