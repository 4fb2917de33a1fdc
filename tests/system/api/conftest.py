"""Shared fixtures for the API system tests: start the real hujiaod with a
temporary working directory and config, talk to it over HTTP."""
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import tempfile
import time

import pytest

ADMIN_PASSWORD = "Admin-pass-123"
DEMO_PASSWORD = "{}-demo"  # docs/api.md: demo users' passwords are "<username>-demo"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    def __init__(self, workdir, store_url=None, extra=None, static_dir=None):
        self.workdir = workdir
        self.port = free_port()
        self.sip_port = free_port()
        self.rtp_min = 20000 + random.randrange(0, 1000) * 40
        self.store_url = store_url or "sqlite:" + os.path.join(workdir, "hujiao.db")
        self.static_dir = static_dir or os.path.join(workdir, "no-console")
        self.extra = extra or {}
        self.proc = None

    def config_text(self):
        cfg = {
            "node": {"data_dir": os.path.join(self.workdir, "var"), "demo_data": True},
            "store": {"url": self.store_url},
            "http": {"listen": "127.0.0.1", "port": self.port, "static_dir": self.static_dir,
                     "read_timeout_ms": 1500, "idle_timeout_ms": 5000, "health_event_interval_s": 1,
                     "shutdown_grace_ms": 2000},
            "log": {"level": "info"},
            # Telephony on ports of its own, so daemons of tests running in
            # parallel (ctest -j) never compete for 5060 or one RTP range.
            "sip": {"listen_address": "127.0.0.1", "port": self.sip_port, "tls_port": free_port()},
            "media": {"rtp_port_min": self.rtp_min, "rtp_port_max": self.rtp_min + 39},
        }
        for section, values in self.extra.items():
            cfg.setdefault(section, {}).update(values)
        lines = []
        for section, values in cfg.items():
            lines.append(section + ":")
            for k, v in values.items():
                if isinstance(v, bool):
                    v = "true" if v else "false"
                elif isinstance(v, str):
                    v = json.dumps(v)
                lines.append("  {}: {}".format(k, v))
        return "\n".join(lines) + "\n"

    def start(self, timeout=30):
        path = os.path.join(self.workdir, "hujiao.yaml")
        with open(path, "w") as f:
            f.write(self.config_text())
        env = dict(os.environ)
        env["HUJIAO_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        self.log = open(os.path.join(self.workdir, "hujiaod.log"), "ab")
        self.proc = subprocess.Popen([os.environ["HUJIAOD"], "--config", path], cwd=self.workdir, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("hujiaod exited with {}: {}".format(self.proc.returncode, self.read_log()))
            try:
                status, _, _ = self.request("GET", "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("hujiaod did not become healthy: " + self.read_log())

    def read_log(self):
        with open(os.path.join(self.workdir, "hujiaod.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")[-4000:]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        """Returns (status, headers dict with lower-case names, parsed JSON or text)."""
        conn = self.connection()
        try:
            hdrs = dict(headers or {})
            data = raw
            if body is not None:
                data = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
            if token:
                hdrs["Authorization"] = "Bearer " + token
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            rh = {k.lower(): v for k, v in resp.getheaders()}
            ctype = rh.get("content-type", "")
            if payload and ctype.startswith("application/json"):
                return resp.status, rh, json.loads(payload)
            return resp.status, rh, payload.decode("utf-8", "replace")
        finally:
            conn.close()

    def login(self, username, password):
        status, _, body = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password})
        assert status == 200, body
        return body["token"]

    def admin(self):
        return self.login("admin", ADMIN_PASSWORD)


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
