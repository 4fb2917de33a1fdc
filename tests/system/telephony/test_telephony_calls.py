"""hujiaod as a PBX: extensions over REST, sipp UAs registering with digest auth,
an extension-to-extension call with media anchored in hujiaod (RTP both ways
through its ports), live calls, REST hang-up, CDRs, WebSocket events, RTP
timeout, endpoint release, and bad REST input."""
import json
import os
import sys
import threading
import time

import pytest
import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from telib import Daemon, RtpPeer, Sipp, free_port, register, wait_until  # noqa: E402

CALLER, CALLEE = "2002", "2001"
PASSWORDS = {CALLER: "pw-2002-secret", CALLEE: "pw-2001-secret"}


@pytest.fixture(scope="module")
def daemon():
    d = Daemon().start()
    yield d
    assert d.stop() == 0, d.read_log()


@pytest.fixture(scope="module")
def extensions(daemon):
    ids = {}
    for ext in (CALLEE, CALLER):
        status, headers, body = daemon.api("POST", "/api/v1/extensions",
                                           {"number": ext, "password": PASSWORDS[ext], "display_name": "Ext " + ext})
        assert status == 201, body
        assert "password" not in body and "ha1_md5" not in json.dumps(body), body
        assert headers["location"] == "/api/v1/extensions/" + body["id"]
        ids[ext] = body["id"]
    return ids


class Events:
    """Collects call.* events from the WebSocket in the background."""

    def __init__(self, daemon):
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{daemon.port}/api/v1/events",
                                              header=["Authorization: Bearer " + daemon.token], timeout=1)
        self.items = []
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                msg = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception:
                return
            try:
                ev = json.loads(msg)
            except ValueError:
                continue
            if str(ev.get("type", "")).startswith("call."):
                self.items.append(ev)

    def types_for(self, call_id):
        return [e["type"] for e in self.items if json.dumps(e).find(call_id) >= 0]

    def close(self):
        self.stop = True
        self.thread.join(3)
        self.ws.close()


def start_call(daemon, caller_scenario="uac_anchored.xml"):
    """sipp callee registered and answering, sipp caller calling it; returns the pieces."""
    callee_port, caller_port = free_port(), free_port()
    register(daemon, CALLEE, PASSWORDS[CALLEE], callee_port)
    register(daemon, CALLER, PASSWORDS[CALLER], caller_port)
    callee_rtp, caller_rtp = RtpPeer(), RtpPeer()
    uas = Sipp(daemon, "uas_anchored.xml", callee_port, keys={"rtp": callee_rtp.port})
    time.sleep(0.3)  # the UAS socket is bound
    uac = Sipp(daemon, caller_scenario, caller_port, service=CALLEE,
               keys={"rtp": caller_rtp.port, "caller": CALLER}, auth=(CALLER, PASSWORDS[CALLER]))

    def answered():
        status, _, body = daemon.api("GET", "/api/v1/calls")
        assert status == 200, body
        live = [c for c in body["items"] if c["state"] == "answered" and c["callee_number"] == CALLEE]
        return live[0] if live else None

    call = wait_until(answered, 15, "the call to be answered")
    return call, uas, uac, callee_rtp, caller_rtp


def test_extensions_crud_and_registrations(daemon, extensions):
    status, _, body = daemon.api("GET", "/api/v1/extensions?limit=100")
    assert status == 200
    numbers = {e["number"] for e in body["items"]}
    assert {CALLER, CALLEE} <= numbers and {"1001", "1005"} <= numbers  # demo extensions too
    assert all("password" not in e for e in body["items"])
    # Demo DID routes to 1001.
    status, _, dids = daemon.api("GET", "/api/v1/dids")
    assert status == 200 and any(d["number"] == "4000" and d["target"] == "1001" for d in dids["items"]), dids

    status, _, body = daemon.api("PATCH", "/api/v1/extensions/" + extensions[CALLEE], {"display_name": "Callee"})
    assert status == 200 and body["display_name"] == "Callee", body

    port = free_port()
    register(daemon, CALLEE, PASSWORDS[CALLEE], port)
    status, _, body = daemon.api("GET", "/api/v1/registrations?extension=" + CALLEE)
    assert status == 200, body
    assert [r["source_port"] for r in body["items"]] == [port] or any(
        str(port) in r["contact"] for r in body["items"]), body
    # A wrong password is refused (sipp sees 401/403 and fails).
    bad = Sipp(daemon, "register.xml", free_port(), keys={"ext": CALLER}, auth=(CALLER, "wrong"), timeout=5)
    assert bad.wait() != 0

    # Audit entries for the changes.
    status, _, audit = daemon.api("GET", "/api/v1/audit?limit=200")
    assert status == 200
    actions = {(a["action"], a["resource"]) for a in audit["items"]}
    assert ("create", "extensions") in actions and ("update", "extensions") in actions, actions


def test_anchored_call_rest_hangup_cdr_and_events(daemon, extensions):
    events = Events(daemon)
    base_endpoints = daemon.metric("hujiao_media_endpoints")
    call, uas, uac, callee_rtp, caller_rtp = start_call(daemon)
    try:
        # (a) Both sides were given hujiaod's RTP address, not each other's.
        wait_until(lambda: uac.received_sdp() and uas.received_sdp(), 5, "SDP in the sipp traces")
        a_addr = uac.received_sdp()  # what the caller must send to
        b_addr = uas.received_sdp()  # what the callee must send to
        for addr in (a_addr, b_addr):
            assert addr[0] == "127.0.0.1"
            assert daemon.rtp_min <= addr[1] <= daemon.rtp_max, (addr, daemon.rtp_min, daemon.rtp_max)
        assert a_addr[1] != b_addr[1]
        assert daemon.metric("hujiao_media_endpoints") == base_endpoints + 2

        # (b) RTP flows both ways through hujiaod.
        t = threading.Thread(target=callee_rtp.send, args=(b_addr, 50))
        t.start()
        caller_rtp.send(a_addr, 50)
        t.join()
        wait_until(lambda: callee_rtp.received >= 40 and caller_rtp.received >= 40, 5, "relayed RTP")
        # ... and it came from hujiaod's ports.
        assert {p for _, p in callee_rtp.sources} == {b_addr[1]}, callee_rtp.sources
        assert {p for _, p in caller_rtp.sources} == {a_addr[1]}, caller_rtp.sources

        # (c) The live call is listed; DELETE hangs it up (both UAs get a BYE).
        status, _, body = daemon.api("GET", "/api/v1/calls")
        assert status == 200
        live = [c for c in body["items"] if c["id"] == call["id"]]
        assert live and live[0]["caller_number"] == CALLER and live[0]["direction"] == "internal", body
        status, _, body = daemon.api("DELETE", "/api/v1/calls/" + call["id"])
        assert status == 204, body
        assert uac.wait(15) == 0, uac.errors()
        assert uas.wait(15) == 0, uas.errors()
        wait_until(lambda: not any(c["id"] == call["id"] for c in daemon.api("GET", "/api/v1/calls")[2]["items"]),
                   5, "the call to leave the live list")
        status, _, body = daemon.api("DELETE", "/api/v1/calls/" + call["id"])
        assert status == 404 and body["error"]["code"] == "not_found", body

        # Endpoints released: no leaked ports.
        wait_until(lambda: daemon.metric("hujiao_media_endpoints") == base_endpoints, 5, "endpoints released")

        # (d) The CDR.
        def cdr():
            s, _, b = daemon.api("GET", "/api/v1/cdrs?number=" + CALLEE)
            assert s == 200, b
            return [c for c in b["items"] if c["id"] == call["id"]]
        rec = wait_until(cdr, 5, "the CDR")[0]
        assert rec["caller_number"] == CALLER and rec["callee_number"] == CALLEE, rec
        assert rec["hangup_cause"] == "api" and rec["hangup_side"] == "system", rec
        assert rec["answer"] is not None and rec["direction"] == "internal", rec
        s, _, b = daemon.api("GET", "/api/v1/cdrs?direction=internal&cause=api&limit=1&offset=0")
        assert s == 200 and b["total"] >= 1 and len(b["items"]) == 1 and b["limit"] == 1, b
        s, _, b = daemon.api("GET", "/api/v1/cdrs?cause=busy")
        assert s == 200 and all(c["id"] != call["id"] for c in b["items"]), b
        s, _, b = daemon.api("GET", "/api/v1/cdrs?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z")
        assert s == 200 and b["total"] == 0, b

        # (e) WebSocket events.
        wait_until(lambda: "call.ended" in events.types_for(call["id"]), 5, "call.ended on the WebSocket")
        types = events.types_for(call["id"])
        for t in ("call.created", "call.answered", "call.ended"):
            assert t in types, types
        assert types.index("call.created") < types.index("call.answered") < types.index("call.ended"), types
    finally:
        events.close()
        uac.kill()
        uas.kill()
        callee_rtp.close()
        caller_rtp.close()


def test_rtp_timeout_ends_the_call(daemon, extensions):
    call, uas, uac, callee_rtp, caller_rtp = start_call(daemon)
    try:
        # No RTP at all: media.rtp_timeout_s (4 s here) ends the call; both UAs get a BYE.
        assert uac.wait(20) == 0, uac.errors()
        assert uas.wait(10) == 0, uas.errors()

        def cdr():
            s, _, b = daemon.api("GET", "/api/v1/cdrs?cause=media_timeout")
            return [c for c in b["items"] if c["id"] == call["id"]]
        rec = wait_until(cdr, 5, "the media_timeout CDR")[0]
        assert rec["hangup_side"] == "system", rec
        wait_until(lambda: daemon.metric("hujiao_media_endpoints") == 0, 5, "endpoints released")
    finally:
        uac.kill()
        uas.kill()
        callee_rtp.close()
        caller_rtp.close()


def test_anchored_hold_and_unhold(daemon, extensions):
    call, uas, uac, callee_rtp, caller_rtp = start_call(daemon, "uac_hold_anchored.xml")
    try:
        wait_until(lambda: uac.received_sdp() and uas.received_sdp(), 5, "SDP in the sipp traces")
        a_addr, b_addr = uac.received_sdp(), uas.received_sdp()

        def on_hold(flag):
            def check():
                s, _, b = daemon.api("GET", "/api/v1/calls")
                return any(c["id"] == call["id"] and c["on_hold"] == flag for c in b["items"])
            return check

        # Held (caller sent a=sendonly; hujiaod answered a=recvonly, checked by sipp): the
        # caller is still heard, but hujiaod sends the caller nothing.
        wait_until(on_hold(True), 6, "the call on hold")
        before = caller_rtp.received
        t = threading.Thread(target=caller_rtp.send, args=(a_addr, 20))
        t.start()
        callee_rtp.send(b_addr, 20)
        t.join()
        wait_until(lambda: callee_rtp.received >= 15, 3, "the held caller's RTP at the callee")
        time.sleep(0.2)
        assert caller_rtp.received == before, "RTP sent to a caller that is on hold"

        # Unheld (a=sendrecv both ways): audio flows to the caller again, through the same bridge.
        wait_until(on_hold(False), 6, "the call off hold")
        before, before_b = caller_rtp.received, callee_rtp.received
        t = threading.Thread(target=caller_rtp.send, args=(a_addr, 25))
        t.start()
        callee_rtp.send(b_addr, 25)
        t.join()
        wait_until(lambda: caller_rtp.received - before >= 20 and callee_rtp.received - before_b >= 20, 3,
                   "RTP both ways after unhold")
        assert daemon.api("DELETE", "/api/v1/calls/" + call["id"])[0] == 204
        assert uac.wait(15) == 0, uac.errors()
        assert uas.wait(15) == 0, uas.errors()
        wait_until(lambda: daemon.metric("hujiao_media_endpoints") == 0, 5, "endpoints released")
    finally:
        uac.kill()
        uas.kill()
        callee_rtp.close()
        caller_rtp.close()


def test_originate_over_rest_bridges_two_extensions(daemon, extensions):
    """POST /api/v1/calls rings `from` (a sipp UAS), then `to` (another); media anchored on both legs."""
    first_port, second_port = free_port(), free_port()
    register(daemon, CALLER, PASSWORDS[CALLER], first_port)
    register(daemon, CALLEE, PASSWORDS[CALLEE], second_port)
    first_rtp, second_rtp = RtpPeer(), RtpPeer()
    first = Sipp(daemon, "uas_anchored.xml", first_port, keys={"rtp": first_rtp.port})
    second = Sipp(daemon, "uas_anchored.xml", second_port, keys={"rtp": second_rtp.port})
    try:
        time.sleep(0.3)
        s, _, b = daemon.api("POST", "/api/v1/calls", {"from": CALLER, "to": CALLEE})
        assert s == 202 and b["id"] and b["from"] == CALLER and b["to"] == CALLEE, b
        call_id = b["id"]

        def answered():
            st, _, body = daemon.api("GET", "/api/v1/calls")
            return any(c["id"] == call_id and c["state"] == "answered" for c in body["items"])
        wait_until(answered, 10, "the originated call to be answered")
        wait_until(lambda: first.received_sdp() and second.received_sdp(), 5, "SDP in the sipp traces")
        a_addr, b_addr = first.received_sdp(), second.received_sdp()
        for addr in (a_addr, b_addr):
            assert daemon.rtp_min <= addr[1] <= daemon.rtp_max, addr
        t = threading.Thread(target=first_rtp.send, args=(a_addr, 30))
        t.start()
        second_rtp.send(b_addr, 30)
        t.join()
        wait_until(lambda: first_rtp.received >= 20 and second_rtp.received >= 20, 3, "RTP both ways")
        assert daemon.api("DELETE", "/api/v1/calls/" + call_id)[0] == 204
        assert first.wait(15) == 0, first.errors()
        assert second.wait(15) == 0, second.errors()
        wait_until(lambda: daemon.metric("hujiao_media_endpoints") == 0, 5, "endpoints released")
        s, _, audit = daemon.api("GET", "/api/v1/audit?resource=calls")
        assert s == 200 and {"originate", "hangup"} <= {a["action"] for a in audit["items"]}, audit
    finally:
        first.kill()
        second.kill()
        first_rtp.close()
        second_rtp.close()


def test_failed_call_releases_its_endpoint(daemon, extensions):
    """A call to an extension with no registered contact fails (480); the caller's anchored
    endpoint (created when the INVITE arrived) is released and the CDR says why."""
    caller_port = free_port()
    register(daemon, CALLER, PASSWORDS[CALLER], caller_port)
    rtp = RtpPeer()
    try:
        uac = Sipp(daemon, "uac_unavailable.xml", caller_port, service="1003",
                   keys={"rtp": rtp.port, "caller": CALLER}, auth=(CALLER, PASSWORDS[CALLER]), timeout=10)
        assert uac.wait() == 0, uac.errors()
        wait_until(lambda: daemon.metric("hujiao_media_endpoints") == 0, 5, "endpoints released")

        def cdr():
            s, _, b = daemon.api("GET", "/api/v1/cdrs?number=1003")
            return b["items"]
        rec = wait_until(cdr, 5, "the CDR")[0]
        assert rec["caller_number"] == CALLER and rec["answer"] is None and rec["sip_code"] == 480, rec
    finally:
        rtp.close()


def test_originate_rejects_unknown_extension(daemon, extensions):
    s, _, b = daemon.api("POST", "/api/v1/calls", {"from": "9999", "to": CALLEE})
    assert s == 400 and b["error"]["code"] == "invalid_field", b


@pytest.mark.parametrize("method,path,body,status,code", [
    ("POST", "/api/v1/extensions", {"password": "secret-ok"}, 400, "missing_field"),
    ("POST", "/api/v1/extensions", {"number": "3001", "password": "secret-ok", "bogus": 1}, 400, "unknown_field"),
    ("POST", "/api/v1/extensions", {"number": 3001, "password": "secret-ok"}, 400, "invalid_field"),
    ("POST", "/api/v1/extensions", {"number": "30 01", "password": "secret-ok"}, 400, "invalid_request"),
    ("POST", "/api/v1/extensions", {"number": CALLEE, "password": "secret-ok"}, 409, "conflict"),
    ("POST", "/api/v1/extensions", {"number": "3002", "password": "secret-ok", "department_id": "nope"}, 400,
     "invalid_field"),
    ("GET", "/api/v1/extensions/nope", None, 404, "not_found"),
    ("PATCH", "/api/v1/extensions/nope", {"dnd": True}, 404, "not_found"),
    ("POST", "/api/v1/trunks", {"name": "t"}, 400, "missing_field"),
    ("POST", "/api/v1/trunks", {"name": "t", "host": "h", "transport": "sctp"}, 400, "invalid_field"),
    ("DELETE", "/api/v1/trunks/nope", None, 404, "not_found"),
    ("POST", "/api/v1/dids", {"number": "5000"}, 400, "missing_field"),
    ("POST", "/api/v1/dial-rules", {"name": "r", "trunk_ids": "x"}, 400, "invalid_field"),
    ("POST", "/api/v1/calls", {"from": CALLER}, 400, "missing_field"),
    ("DELETE", "/api/v1/calls/nope", None, 404, "not_found"),
    ("DELETE", "/api/v1/sip/blocked/192.0.2.1", None, 404, "not_found"),
    ("GET", "/api/v1/cdrs?from=yesterday", None, 400, "invalid_query"),
    ("GET", "/api/v1/cdrs?direction=sideways", None, 400, "invalid_query"),
    ("GET", "/api/v1/cdrs?limit=0", None, 400, "invalid_query"),
    ("GET", "/api/v1/registrations?bogus=1", None, 400, "invalid_query"),
])
def test_bad_rest_input_gets_json_errors(daemon, extensions, method, path, body, status, code):
    s, headers, b = daemon.api(method, path, body)
    assert s == status, (s, b)
    assert headers["content-type"].startswith("application/json")
    assert set(b) == {"error"} and b["error"]["code"] == code and b["error"]["message"], b


def test_bad_json_and_no_token(daemon):
    s, _, b = daemon.api("POST", "/api/v1/trunks", raw=b"{not json")
    assert s == 400 and b["error"]["code"] == "invalid_json", b
    for path in ("/api/v1/extensions", "/api/v1/calls", "/api/v1/cdrs", "/api/v1/sip/blocked"):
        s, _, b = daemon.request("GET", path)
        assert s == 401 and b["error"]["code"] == "unauthorized", (path, b)


def test_trunk_did_dial_rule_crud_never_returns_passwords(daemon):
    s, _, t = daemon.api("POST", "/api/v1/trunks",
                         {"name": "carrier", "host": "127.0.0.1", "port": 5999, "username": "u", "password": "p"})
    assert s == 201 and "password" not in t, t
    s, _, d = daemon.api("POST", "/api/v1/dids", {"number": "88880000", "target": CALLEE, "trunk_id": t["id"]})
    assert s == 201 and d["trunk_id"] == t["id"], d
    s, _, r = daemon.api("POST", "/api/v1/dial-rules", {"name": "out", "prefix": "0", "strip_digits": 1,
                                                        "trunk_ids": [t["id"]]})
    assert s == 201 and r["trunk_ids"] == [t["id"]], r
    s, _, r2 = daemon.api("PATCH", "/api/v1/dial-rules/" + r["id"], {"priority": 5})
    assert s == 200 and r2["priority"] == 5, r2
    s, _, t2 = daemon.api("PATCH", "/api/v1/trunks/" + t["id"], {"max_channels": 3, "password": "p2"})
    assert s == 200 and t2["max_channels"] == 3 and t2["created_at"] == t["created_at"] and "password" not in t2, t2
    s, _, d2 = daemon.api("PATCH", "/api/v1/dids/" + d["id"], {"description": "main line"})
    assert s == 200 and d2["description"] == "main line", d2
    s, _, lst = daemon.api("GET", "/api/v1/trunks")
    assert s == 200 and all("password" not in x for x in lst["items"]), lst
    for kind, obj in (("dial-rules", r), ("dids", d), ("trunks", t)):
        s, _, b = daemon.api("DELETE", f"/api/v1/{kind}/{obj['id']}")
        assert s == 204, (kind, b)
    s, _, b = daemon.api("GET", "/api/v1/sip/blocked")
    assert s == 200 and "items" in b, b
