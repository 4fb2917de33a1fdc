"""Shared fixtures for the API system tests: the real hujiaod (hujiao_testlib's
launcher) in a temporary working directory, talked to over HTTP."""
import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import hujiao_testlib as testlib  # noqa: E402
from hujiao_testlib import ADMIN_PASSWORD  # noqa: E402,F401

DEMO_PASSWORD = "{}-demo"  # docs/api.md: demo users' passwords are "<username>-demo"


def free_port():
    """A TCP port free on 127.0.0.1 (reserved for this process)."""
    return testlib.free_port((testlib.TCP,))


class Daemon(testlib.Hujiaod):
    """hujiaod in `workdir`; start() does not log in (`admin()` does), a raw body goes unlabelled,
    and the HTTP server closes slow and idle connections soon (the tests wait for that)."""

    HTTP_TIMEOUT = 10
    RAW_CONTENT_TYPE = None

    def __init__(self, workdir, store_url=None, extra=None, static_dir=None):
        settings = {"http": {"read_timeout_ms": 1500, "idle_timeout_ms": 5000, "health_event_interval_s": 1}}
        super().__init__(testlib.merge(settings, extra), workdir=workdir, store_url=store_url, static_dir=static_dir,
                         login=False)

    @property
    def log(self):
        """The open log file (hujiaod's stdout and stderr)."""
        return self.logf

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        return super().request(method, path, body=body, token=token, raw=raw, headers=headers)

    def kill9(self):
        self.kill()


def assert_error(result, status, code, contains=None):
    got_status, headers, body = result
    assert got_status == status, (got_status, body)
    assert headers.get("content-type", "").startswith("application/json"), headers
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if contains:
        assert contains in body["error"]["message"], body


@pytest.fixture(scope="module")
def daemon():
    with tempfile.TemporaryDirectory(prefix="hujiao-api-") as d:
        dm = Daemon(d).start()
        yield dm
        dm.stop()


@pytest.fixture(scope="module")
def admin_token(daemon):
    return daemon.admin()
