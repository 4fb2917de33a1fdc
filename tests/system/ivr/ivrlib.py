"""Helpers for the IVR system tests: the real hujiaod (telib.Daemon) with a
trunk on 127.0.0.1, flows published over REST, sipp calls that send RFC 4733
digits from sipp's own pcaps, the stored IVR path of a call, and a small
HTTP server on loopback for the flows' look-ups."""
import http.server
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "telephony"))
import telib  # noqa: E402  (the telephony tests' daemon and sipp helpers)

PCAPS = "/usr/share/sip-tester"
DIGIT_PCAP = {**{str(d): f"dtmf_2833_{d}.pcap" for d in range(10)}, "#": "dtmf_2833_pound.pcap",
              "*": "dtmf_2833_star.pcap"}


class IvrDaemon(telib.Daemon):
    """hujiaod with every INVITE from 127.0.0.1 treated as coming from a trunk
    (no auth; the blacklist screens them), and an inbound number per flow."""

    def __init__(self, settings=None):
        # sipp sends RTP only while it plays a digit: no RTP-timeout hang-ups mid-menu.
        super().__init__(telib.testlib.merge({"media": {"rtp_timeout_s": 120}}, settings))

    def start(self, timeout=30):
        super().start(timeout)
        s, _, t = self.api("POST", "/api/v1/trunks", {"name": "carrier", "host": "127.0.0.1", "port": 5999,
                                                       "inbound_addresses": ["127.0.0.1"]})
        assert s == 201, t
        self.trunk_id = t["id"]
        return self

    def publish_flow(self, doc, number=None):
        """Creates or updates the flow, publishes it, routes `number` to it."""
        s, _, f = self.api("GET", "/api/v1/flows/" + doc["id"])
        if s == 404:
            s, _, f = self.api("POST", "/api/v1/flows", {"document": doc})
            assert s == 201, f
        else:
            s, _, f = self.api("PUT", "/api/v1/flows/" + doc["id"], {"document": doc})
            assert s == 200, f
        s, _, p = self.api("POST", f"/api/v1/flows/{doc['id']}/publish", {"version": f["latest_version"]})
        assert s == 200, p
        if number:
            s, _, d = self.api("POST", "/api/v1/dids", {"number": number, "target_type": "flow",
                                                         "target": doc["id"]})
            assert s == 201, d
        return p

    def call_id_of(self, caller, timeout=15):
        """The hujiao call id of the (only) call from `caller`, from the CDRs."""
        def find():
            s, _, cdrs = self.api("GET", "/api/v1/cdrs?limit=1000")
            if s != 200:
                return None
            for c in cdrs["items"]:
                if c["caller_number"] == caller:
                    return c["id"]
            return None
        return telib.wait_until(find, timeout, f"the CDR of the call from {caller}")

    def ivr_path(self, caller, timeout=15):
        """The stored IVR path of the call from `caller` once it is over."""
        call_id = self.call_id_of(caller, timeout)

        def stored():
            s, _, p = self.api("GET", f"/api/v1/calls/{call_id}/ivr-path")
            return p if s == 200 and not p.get("live") else None
        return telib.wait_until(stored, timeout, f"the IVR path of {call_id}")


def nodes(path):
    return [s["node"] for s in path["path"]["steps"]]


def step(path, node):
    for s in path["path"]["steps"]:
        if s["node"] == node:
            return s
    raise AssertionError(f"node {node} not in the path: {nodes(path)}")


# ---------------------------------------------------------------- sipp calls

_HEAD = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="ivr call">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Caller" <sip:[caller]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:[caller]@[local_ip]:[local_port];transport=[transport]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=caller 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
"""

def _request(start_line, cseq, retrans=""):
    """A request of the caller's dialog (ACK, BYE) after the INVITE's final response."""
    return f"""  <send{retrans}><![CDATA[
{start_line} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Caller" <sip:[caller]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: {cseq}
Max-Forwards: 70
Content-Length: 0
]]></send>
"""


_ANSWERED = '  <recv response="200" rrs="true"/>\n' + _request("ACK [next_url]", "1 ACK")

_WAIT_BYE = """  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
"""

_SEND_BYE = _request("BYE [next_url]", "2 BYE", retrans=' retrans="500"') + '  <recv response="200"/>\n'

_REJECTED = '  <recv response="{code}"/>\n' + _request("ACK sip:[service]@[remote_ip]:[remote_port]", "1 ACK")


def scenario(script, end="wait_bye", reject=None, telephone_event=True):
    """sipp XML for: INVITE, 200/ACK, then `script` steps ("pause", ms),
    ("digit", d) (RFC 4733 from sipp's pcaps) or ("pcap", path) (any RTP pcap),
    then end: "wait_bye" (the IVR hangs up) or "bye" (we do).
    reject=code: expect that final response instead of an answer.
    telephone_event=False: the SDP offers PCMU only (in-band DTMF peers).
    The SDP's RTP port is the key [rtp] (sipp's media port unless Call gets rtp_port)."""
    xml = _HEAD.replace("[media_port]", "[rtp]")
    if not telephone_event:
        xml = xml.replace("RTP/AVP 0 101", "RTP/AVP 0").replace(
            "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n", "")
    if reject:
        return xml + _REJECTED.format(code=reject) + "</scenario>\n"
    xml += _ANSWERED
    script = list(script)
    if end == "wait_bye":
        # sipp aborts a call whose BYE arrives during a <pause>: once the last
        # digit is out, wait for the IVR's BYE straight away (the pcap keeps
        # playing on sipp's media thread meanwhile).
        while script and script[-1][0] == "pause":
            script.pop()
    for i, (kind, value) in enumerate(script):
        if kind == "pause":
            xml += f'  <pause milliseconds="{int(value)}"/>\n'
        elif kind in ("digit", "pcap"):
            pcap = os.path.join(PCAPS, DIGIT_PCAP[value]) if kind == "digit" else value
            # Each pcap holds one RFC 4733 event (~250 ms with its end packets).
            xml += f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n'
            if end != "wait_bye" or i + 1 < len(script):
                xml += '  <pause milliseconds="400"/>\n'
        else:
            raise ValueError(kind)
    xml += _WAIT_BYE if end == "wait_bye" else _SEND_BYE
    return xml + "</scenario>\n"


class Call(telib.testlib.Sipp):
    """One sipp call from `caller` to `number` following `script`."""

    def __init__(self, daemon, number, caller, script=(), end="wait_bye", reject=None, timeout=40,
                 telephone_event=True, rtp_port=None):
        cwd = tempfile.mkdtemp(prefix="sipp-ivr-")
        path = os.path.join(cwd, "scenario.xml")
        with open(path, "w") as f:
            f.write(scenario(script, end, reject, telephone_event))
        media = telib.free_rtp_range(4)[0]
        # rtp_port: the SDP names another receiver (a Python capture) instead of sipp's media port.
        super().__init__(path, daemon.sip_port, telib.free_port((telib.testlib.UDP,)), service=number,
                         keys={"rtp": rtp_port or media, "caller": caller}, timeout=timeout,
                         extra=["-mp", str(media), "-mi", "127.0.0.1"], cwd=cwd)

    def log(self, suffix):
        return self.read(suffix)[-4000:]

    def check(self):
        rc = self.wait()
        assert rc == 0, f"sipp failed ({rc}): {self.log('_errors.log')}\n{self.log('_messages.log')}"


def run_call(daemon, number, caller, script=(), end="wait_bye", reject=None, timeout=40, **kw):
    c = Call(daemon, number, caller, script, end, reject, timeout, **kw)
    c.check()
    return c


# ---------------------------------------------------------------- look-up server

class LookupServer:
    """Answers GET /balance?account=N: 234567 -> JSON, 345678 -> too slow,
    456789 -> garbage, 567890 -> 500, else 404. Digits: sipp replays each
    pcap as is, so one digit twice in a row is one RFC 4733 event (same timestamp). Records every request."""

    def __init__(self):
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                account = self.path.split("account=")[-1].split("&")[0]
                if account == "345678":
                    time.sleep(2.5)
                    body, status = b'{"data":{"balance":"1"}}', 200
                elif account == "456789":
                    body, status = b"<html>not json", 200
                elif account == "567890":
                    body, status = b'{"error":"boom"}', 500
                elif account == "234567":
                    body, status = json.dumps({"data": {"balance": "88.50", "name": "Zhang"}}).encode(), 200
                else:
                    body, status = b'{"error":"unknown"}', 404
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
