"""Overload control: when the control thread falls behind and requests wait
unread in the UDP socket longer than sip.overload_delay_ms, new INVITEs get
503 Service Unavailable with Retry-After at once (instead of the stack falling
further behind while clients retransmit); once nothing waits, INVITEs are
challenged again. The daemon's `stall` command blocks its control thread to
make the pile-up deterministic."""
import os
import random
import re
import socket
import time

import pytest

from siplib import Daemon

FIXTURE = {"extensions": [{"number": "100", "password": "secret100"},
                          {"number": "200", "password": "secret200"}]}
SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n")


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.overload_delay_ms": "100"})
    yield d
    d.stop()


def invite(sock, daemon, call_id):
    port = sock.getsockname()[1]
    msg = "\r\n".join([
        f"INVITE sip:200@127.0.0.1:{daemon.port} SIP/2.0",
        f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{random.getrandbits(48):x};rport",
        f"From: <sip:100@127.0.0.1>;tag={random.getrandbits(32):x}",
        "To: <sip:200@127.0.0.1>", f"Call-ID: {call_id}", "CSeq: 1 INVITE", "Max-Forwards: 70",
        f"Contact: <sip:100@127.0.0.1:{port}>", "Content-Type: application/sdp",
        f"Content-Length: {len(SDP)}", "", SDP])
    sock.sendto(msg.encode(), ("127.0.0.1", daemon.port))


def first_answers(sock, want, timeout):
    """Call-ID -> (status, message) of the first final answer to each INVITE."""
    answers = {}
    deadline = time.time() + timeout
    while len(answers) < want and time.time() < deadline:
        sock.settimeout(max(0.05, deadline - time.time()))
        try:
            data = sock.recv(65535).decode(errors="replace")
        except socket.timeout:
            break
        m = re.match(r"SIP/2.0 (\d{3})", data)
        cid = re.search(r"^Call-ID: (.*?)\r$", data, re.M)
        if m and cid and int(m.group(1)) >= 200:
            answers.setdefault(cid.group(1), (int(m.group(1)), data))
    return answers


def test_invites_that_waited_too_long_get_503_then_calls_are_challenged_again(daemon):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    try:
        assert daemon.cmd("stall 800") == {"ok": True}
        time.sleep(0.1)  # the control thread is asleep now
        n = 60
        for i in range(n):
            invite(sock, daemon, f"burst-{i}@overload")
        answers = first_answers(sock, n, timeout=10)
        statuses = [s for s, _ in answers.values()]
        assert len(answers) == n, f"{len(answers)} of {n} INVITEs answered"
        refused = [m for s, m in answers.values() if s == 503]
        # Each waited ~700 ms, over twice the limit: refused (the last one read
        # has no successor waiting behind it, so it may be challenged instead).
        assert len(refused) >= n - 1, f"{len(refused)} of {n} refused: {sorted(set(statuses))}"
        assert all(re.search(r"^Retry-After: \d+", m, re.M) for m in refused), refused[0]
        assert set(statuses) <= {407, 503}, sorted(set(statuses))
        # The pile-up is gone: a new INVITE is challenged, not refused.
        invite(sock, daemon, "after@overload")
        after = first_answers(sock, 1, timeout=5)
        while "after@overload" not in after and after:
            after = first_answers(sock, 1, timeout=5)  # late retransmissions of the burst's answers
        assert after.get("after@overload", (0,))[0] == 407, after
    finally:
        sock.close()
    with open(os.path.join(daemon.tmp, "testd.log"), errors="replace") as f:
        assert "SIP overload: " in f.read()
