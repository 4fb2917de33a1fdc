"""Every kind of bad input gets a 4xx in the error format, never a 500 or a crash."""
import socket
import time

from conftest import assert_error

MISSING_ID = "01HZZZZZZZZZZZZZZZZZZZZZZZ"


def raw_exchange(daemon, data, timeout=5):
    """Sends raw bytes, returns everything the server answers until it closes."""
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def test_malformed_json(daemon, admin_token):
    for raw in (b"{", b"{\"username\": }", b"nul", b"\xff\xfe", b"{\"a\":1}{"):
        assert_error(daemon.request("POST", "/api/v1/users", raw=raw, token=admin_token,
                                    headers={"Content-Type": "application/json"}), 400, "invalid_json")
    assert_error(daemon.request("POST", "/api/v1/users", raw=b"", token=admin_token,
                                headers={"Content-Type": "application/json"}), 400, "invalid_json")
    assert_error(daemon.request("POST", "/api/v1/users", body=[1, 2], token=admin_token), 400, "invalid_field")
    assert_error(daemon.request("POST", "/api/v1/auth/login", raw=b"{bad"), 400, "invalid_json")


def test_wrong_types(daemon, admin_token):
    t = admin_token
    r = daemon.request("POST", "/api/v1/users", {"username": 42, "password": "Pass-word-1"}, token=t)
    assert_error(r, 400, "invalid_field", "'username'")
    assert "string" in r[2]["error"]["message"]
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "x", "password": "Pass-word-1",
                                                           "enabled": "yes"}, token=t), 400, "invalid_field",
                 "'enabled'")
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "x", "password": "Pass-word-1",
                                                           "role_ids": "admin"}, token=t), 400, "invalid_field",
                 "'role_ids'")
    assert_error(daemon.request("POST", "/api/v1/departments", {"name": ["a"]}, token=t), 400, "invalid_field",
                 "'name'")
    assert_error(daemon.request("POST", "/api/v1/roles", {"name": "r", "permissions": [1]}, token=t), 400,
                 "invalid_field", "'permissions'")
    assert_error(daemon.request("POST", "/api/v1/auth/login", {"username": "admin", "password": 123}), 400,
                 "invalid_field", "'password'")


def test_missing_fields(daemon, admin_token):
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "nopw"}, token=admin_token), 400,
                 "missing_field", "'password'")
    assert_error(daemon.request("POST", "/api/v1/departments", {}, token=admin_token), 400, "missing_field",
                 "'name'")
    assert_error(daemon.request("POST", "/api/v1/auth/login", {"username": "admin"}), 400, "missing_field")


def test_unknown_fields_rejected(daemon, admin_token):
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "u", "password": "Pass-word-1",
                                                           "is_admin": True}, token=admin_token),
                 400, "unknown_field", "is_admin")
    assert_error(daemon.request("PATCH", "/api/v1/departments/" + MISSING_ID, {"colour": "red"},
                                token=admin_token), 400, "unknown_field", "colour")
    assert_error(daemon.request("POST", "/api/v1/auth/login", {"username": "a", "password": "b", "otp": "1"}),
                 400, "unknown_field")


def test_invalid_values(daemon, admin_token):
    t = admin_token
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "has space", "password": "Pass-word-1"},
                                token=t), 400, "invalid_field", "username")
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "shortpw", "password": "short"}, token=t),
                 400, "weak_password")
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "baddep", "password": "Pass-word-1",
                                                           "department_id": MISSING_ID}, token=t),
                 400, "invalid_field", "department_id")
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "badrole", "password": "Pass-word-1",
                                                           "role_ids": [MISSING_ID]}, token=t),
                 400, "invalid_field", "role_ids")
    assert_error(daemon.request("POST", "/api/v1/roles", {"name": "r", "permissions": [], "scope": "galaxy"},
                                token=t), 400, "invalid_field", "scope")
    assert_error(daemon.request("POST", "/api/v1/departments", {"name": "x" * 101}, token=t), 400, "invalid_field")


def test_unknown_ids_are_404(daemon, admin_token):
    t = admin_token
    for path in ("/api/v1/users/", "/api/v1/departments/", "/api/v1/roles/"):
        assert_error(daemon.request("GET", path + MISSING_ID, token=t), 404, "not_found")
        assert_error(daemon.request("DELETE", path + MISSING_ID, token=t), 404, "not_found")
    assert_error(daemon.request("PATCH", "/api/v1/users/" + MISSING_ID, {"phone": "1"}, token=t), 404, "not_found")
    assert_error(daemon.request("POST", "/api/v1/users/%s/unlock" % MISSING_ID, token=t), 404, "not_found")
    assert_error(daemon.request("POST", "/api/v1/users/%s/password" % MISSING_ID, {"password": "Pass-word-1"},
                                token=t), 404, "not_found")
    assert_error(daemon.request("GET", "/api/v1/users/%27%3B%20DROP%20TABLE%20users", token=t), 404, "not_found")


def test_unknown_paths_and_methods(daemon, admin_token):
    assert_error(daemon.request("GET", "/api/v1/nothing", token=admin_token), 404, "not_found")
    r = daemon.request("PUT", "/api/v1/users", token=admin_token, body={})
    assert_error(r, 405, "method_not_allowed")
    assert r[1]["allow"] == "GET, POST"
    r = daemon.request("DELETE", "/api/v1/auth/login")
    assert_error(r, 405, "method_not_allowed")
    assert r[1]["allow"] == "POST"


def test_bad_query_parameters(daemon, admin_token):
    t = admin_token
    for q in ("limit=0", "limit=1001", "limit=abc", "offset=-1", "sort=name", "limit=1&limit=2", "q=%zz"):
        assert_error(daemon.request("GET", "/api/v1/users?" + q, token=t), 400, "invalid_query")
    status, _, body = daemon.request("GET", "/api/v1/users?limit=1000", token=t)
    assert status == 200 and body["limit"] == 1000


def test_wrong_content_type(daemon, admin_token):
    assert_error(daemon.request("POST", "/api/v1/departments", raw=b"name=x", token=admin_token,
                                headers={"Content-Type": "application/x-www-form-urlencoded"}),
                 415, "unsupported_media_type")


def test_oversized_body_is_413(daemon, admin_token):
    big = b"{\"name\": \"" + b"x" * (1024 * 1024 + 10) + b"\"}"
    r = daemon.request("POST", "/api/v1/departments", raw=big, token=admin_token,
                       headers={"Content-Type": "application/json"})
    assert_error(r, 413, "payload_too_large")
    # Declared length alone is enough to refuse it (the body is never buffered).
    out = raw_exchange(daemon, b"POST /api/v1/departments HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n"
                               b"Content-Type: application/json\r\n\r\n{")
    assert out.startswith(b"HTTP/1.1 413"), out[:200]


def test_oversized_header_is_431(daemon):
    r = daemon.request("GET", "/api/v1/auth/me", headers={"X-Big": "a" * 20000})
    assert_error(r, 431, "header_too_large")


def test_garbage_request_line_is_400(daemon):
    out = raw_exchange(daemon, b"THIS IS NOT HTTP\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400"), out[:200]
    assert b"bad_request" in out
    out = raw_exchange(daemon, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400"), out[:200]


def test_slow_client_is_dropped(daemon):
    # read_timeout_ms is 1500 in the test config: a request trickling in is cut off.
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=10)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        start = time.time()
        closed = False
        try:
            while time.time() - start < 6:
                s.sendall(b"X-Slow: 1\r\n")
                time.sleep(0.2)
        except OSError:
            closed = True
        if not closed:
            s.settimeout(3)
            closed = s.recv(100) == b""
        assert closed
        assert time.time() - start < 4
    finally:
        s.close()


def test_idle_keepalive_connection_is_closed(daemon):
    # idle_timeout_ms is 5000 in the test config.
    conn = daemon.connection()
    conn.request("GET", "/healthz")
    assert conn.getresponse().read()
    sock = conn.sock
    sock.settimeout(10)
    start = time.time()
    assert sock.recv(10) == b""
    assert 4 <= time.time() - start < 8
    conn.close()


def test_server_still_healthy_after_all_that(daemon):
    assert daemon.request("GET", "/healthz")[0] == 200
    assert daemon.proc.poll() is None
