"""Events WebSocket, /healthz, /metrics, openapi.json, static files, graceful stop."""
import json
import os
import signal
import socket
import tempfile
import time

import pytest
import websocket

from conftest import DEMO_PASSWORD, Daemon, assert_error


@pytest.fixture(scope="module")
def daemon():
    with tempfile.TemporaryDirectory(prefix="hujiao-api-svc-") as d:
        dm = Daemon(d, static_dir=os.path.join(d, "console")).start()
        yield dm
        dm.stop()


def ws_url(daemon, query=""):
    return "ws://127.0.0.1:%d/api/v1/events%s" % (daemon.port, query)


def recv_until(ws, predicate, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        ws.settimeout(max(0.1, deadline - time.time()))
        msg = json.loads(ws.recv())
        assert "type" in msg and "ts" in msg
        if predicate(msg):
            return msg
    raise AssertionError("expected event not received")


def test_websocket_requires_a_token(daemon):
    for kwargs in ({}, {"header": ["Authorization: Bearer bogus"]}):
        with pytest.raises(websocket.WebSocketBadStatusException) as e:
            websocket.create_connection(ws_url(daemon), timeout=5, **kwargs)
        assert e.value.status_code == 401
    with pytest.raises(websocket.WebSocketBadStatusException) as e:
        websocket.create_connection(ws_url(daemon, "?token=bogus"), timeout=5)
    assert e.value.status_code == 401


def test_websocket_streams_audit_and_health_events(daemon):
    token = daemon.admin()
    ws = websocket.create_connection(ws_url(daemon), header=["Authorization: Bearer " + token], timeout=5)
    try:
        hello = json.loads(ws.recv())
        assert hello["type"] == "hello"
        status, _, dep = daemon.request("POST", "/api/v1/departments", {"name": "WS-dept"}, token=token)
        assert status == 201
        ev = recv_until(ws, lambda m: m["type"] == "audit" and m.get("resource_id") == dep["id"])
        assert ev["action"] == "create" and ev["resource"] == "departments" and ev["username"] == "admin"
        assert ev["after"]["name"] == "WS-dept"
        health = recv_until(ws, lambda m: m["type"] == "health", timeout=4)
        assert health["status"] == "ok" and health["store"] == "ok"
    finally:
        ws.close()


def test_websocket_token_in_query_and_scope_filtering(daemon):
    agent = daemon.login("agent1001", DEMO_PASSWORD.format("agent1001"))
    ws = websocket.create_connection(ws_url(daemon, "?token=" + agent), timeout=5)
    try:
        assert json.loads(ws.recv())["type"] == "hello"
        admin = daemon.admin()
        daemon.request("POST", "/api/v1/departments", {"name": "hidden-from-agents"}, token=admin)
        # The agent has no audit.read: he sees the health event but never the audit event.
        msg = recv_until(ws, lambda m: m["type"] in ("health", "audit"), timeout=4)
        assert msg["type"] == "health"
    finally:
        ws.close()


def test_logout_closes_the_event_stream(daemon):
    token = daemon.admin()
    ws = websocket.create_connection(ws_url(daemon), header=["Authorization: Bearer " + token], timeout=5)
    assert json.loads(ws.recv())["type"] == "hello"
    assert daemon.request("POST", "/api/v1/auth/logout", token=token)[0] == 204
    ws.settimeout(5)
    closed = False
    try:
        for _ in range(20):
            op, _ = ws.recv_data(control_frame=True)
            if op == websocket.ABNF.OPCODE_CLOSE:
                closed = True
                break
    except (websocket.WebSocketConnectionClosedException, OSError):
        closed = True
    assert closed
    ws.close()


def test_plain_get_on_events_asks_for_upgrade(daemon):
    token = daemon.admin()
    assert_error(daemon.request("GET", "/api/v1/events", token=token), 426, "upgrade_required")


def test_healthz(daemon):
    status, _, body = daemon.request("GET", "/healthz")
    assert status == 200
    assert body["status"] == "ok" and body["store"] == "ok" and body["backend"] == "sqlite"
    assert body["store_latency_us"] >= 0


def test_metrics(daemon):
    token = daemon.admin()
    daemon.request("GET", "/api/v1/users?limit=5", token=token)
    daemon.request("GET", "/api/v1/users/nope", token=token)
    status, headers, text = daemon.request("GET", "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert 'hujiao_http_requests_total{method="GET",route="/api/v1/users",status="200"}' in text or \
        'hujiao_http_requests_total{route="/api/v1/users",method="GET",status="200"}' in text
    assert 'route="/api/v1/users/{id}"' in text and 'status="404"' in text
    assert "hujiao_http_request_duration_seconds_bucket{" in text
    assert "hujiao_build_info{" in text and "version=" in text
    assert "hujiao_store_ping_seconds" in text
    assert "hujiao_http_open_connections" in text and "hujiao_ws_clients" in text


def test_openapi_served(daemon):
    status, _, doc = daemon.request("GET", "/api/v1/openapi.json")
    assert status == 200
    assert doc["openapi"].startswith("3.0")
    assert "/api/v1/users/{id}" in doc["paths"]
    assert doc["paths"]["/api/v1/users"]["get"]["x-permission"] == "users.read"


def test_static_files_spa_fallback_and_traversal(daemon):
    # No console yet: "/" explains it.
    status, headers, text = daemon.request("GET", "/")
    assert status == 200 and "not built" in text
    console = daemon.static_dir
    os.makedirs(os.path.join(console, "assets"))
    with open(os.path.join(console, "index.html"), "w") as f:
        f.write("<!doctype html><title>console</title>")
    with open(os.path.join(console, "assets", "app-1a2b3c4d5e.js"), "w") as f:
        f.write("console.log('hi')")
    with open(os.path.join(daemon.workdir, "secret.txt"), "w") as f:
        f.write("top secret")
    status, headers, text = daemon.request("GET", "/")
    assert status == 200 and "<title>console</title>" in text
    assert headers["content-type"].startswith("text/html") and headers["cache-control"] == "no-cache"
    status, headers, text = daemon.request("GET", "/assets/app-1a2b3c4d5e.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert "immutable" in headers["cache-control"]
    status, _, text = daemon.request("GET", "/supervisor/queues/7")  # a client-side route
    assert status == 200 and "<title>console</title>" in text
    assert daemon.request("GET", "/missing.css")[0] == 404
    assert_error(daemon.request("GET", "/api/v1/not-a-route"), 404, "not_found")  # no SPA fallback under /api
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/..%5csecret.txt"):
        status, _, body = daemon.request("GET", path)
        assert status in (400, 404), (path, status)
        assert "top secret" not in str(body)


def test_graceful_stop_finishes_in_flight_requests():
    with tempfile.TemporaryDirectory(prefix="hujiao-api-stop-") as d:
        dm = Daemon(d).start()
        idle = dm.connection()
        idle.request("GET", "/healthz")
        idle.getresponse().read()
        body = json.dumps({"username": "admin", "password": "Admin-pass-123"}).encode()
        s = socket.create_connection(("127.0.0.1", dm.port), timeout=10)
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        time.sleep(0.2)
        dm.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        s.sendall(body)  # the request being read when the stop began still completes
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        assert out.startswith(b"HTTP/1.1 200"), out[:300]
        assert b'"token"' in out
        assert dm.proc.wait(10) == 0
        dm.log.close()
        idle.close()
