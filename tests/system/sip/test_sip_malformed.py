"""A corpus of broken SIP messages replayed over UDP and TCP: the server keeps
answering, answers 400 where a response is possible, and its memory does not
grow while the corpus is replayed many times. Labelled "sanitized": the ASan
build runs it too, and the daemon must then exit without any ASan/LSan report."""
import os
import random
import socket
import time

import pytest

from siplib import Daemon, RawClient, status_of

FIXTURE = {"extensions": [{"number": "100", "password": "secret100"}, {"number": "200", "password": "secret200"}],
           "trunks": [{"name": "carrier", "host": "127.0.0.9", "port": 5060, "inbound_addresses": ["127.0.0.2"]}],
           "dids": [{"number": "5551000", "target": "200"}]}


def base(method="OPTIONS", extra="", body="", clen=None, ruri=None, port=5060):
    clen = len(body.encode()) if clen is None else clen
    return (f"{method} {ruri or f'sip:100@127.0.0.1:{port}'} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:VIAPORT;rport;branch=z9hG4bK{random.getrandbits(40):x}\r\n"
            f"From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\n"
            f"Call-ID: {random.getrandbits(40):x}@t\r\nCSeq: 1 {method}\r\nMax-Forwards: 70\r\n"
            f"{extra}Content-Length: {clen}\r\n\r\n{body}").encode()


BAD_SDP = "v=0\r\no=- 1 1 IN IP4\r\nm=audio notaport RTP/AVP x\r\nc=IN IP4\r\n"


def corpus(port):
    full = base("INVITE", body="v=0\r\n", port=port)
    return [
        full[: len(full) // 2],                                       # truncated
        base(clen=500, body="short"),                                 # Content-Length too big
        base(clen=2, body="much longer body"),                        # Content-Length too small
        base(extra="Content-Length: -5\r\n"),                         # negative / duplicate length
        base(extra="Via: garbage garbage\r\n"),                       # bad Via
        base().replace(b"CSeq: 1 OPTIONS", b"CSeq: abc OPTIONS"),     # bad CSeq
        base().replace(b"Call-ID:", b"X-No-Call-ID:"),                # missing Call-ID
        base().replace(b"From: <sip:x@127.0.0.1>;tag=1", b"From: <<<>>>"),  # bad From
        base(extra="Subject: " + "A" * 20000 + "\r\n"),               # huge header
        base(extra="".join(f"X-H{i}: v\r\n" for i in range(600))),    # very many headers
        base(extra="".join(f"Via: SIP/2.0/UDP 10.0.0.{i % 250}:5060;branch=z9hG4bK{i}\r\n" for i in range(80))),
        base("FOOBAR"),                                               # unknown method
        base("INVITE", ruri="not-a-uri"),                             # bad request URI
        b"INVITE  SIP/2.0\r\n\r\n",
        b"SIP/2.0 200 OK\r\n\r\n",                                    # stray response
        b"\x00\xff\xfe" * 100,                                        # binary junk
        b"\r\n\r\n",                                                  # keep-alive CRLF
        base("REGISTER", extra='Authorization: Digest username="100", realm="hujiao", nonce=",,,,", uri=, '
                                'response="\r\n'),                   # bad digest
        base("REGISTER", extra='Authorization: Digest ' + 'x=y,' * 2000 + '\r\n'),
        base("INVITE", extra='Proxy-Authorization: Digest username="100", realm="hujiao", nonce="0000000000000000.'
                              '00000000000000000000000000000000", uri="sip:a", response="00", qop=auth-int\r\n'),
    ]


def bad_sdp_from_trunk(daemon):
    """A DID call with an SDP that does not parse: 488."""
    c = RawClient(daemon, ip="127.0.0.2")
    r = c.request("INVITE", "0301", to_user="5551000", body=BAD_SDP,
                  extra_headers="Content-Type: application/sdp")
    while 100 <= status_of(r) < 200:
        r = c.recv()
    c.close()
    return status_of(r)


def alive(daemon):
    c = RawClient(daemon)
    r = c.request("OPTIONS", "100")
    c.close()
    return status_of(r)


@pytest.fixture(scope="module")
def daemon():
    d = Daemon(FIXTURE, {"sip.auth_fail_threshold": "1000000", "sip.timer_t1_ms": "50"})
    yield d
    # A clean exit: in the sanitizer build (ctest -L sanitized) ASan/LSan abort the daemon on any report.
    assert d.stop() == 0, d.log()


def blast_udp(daemon, msgs, rounds):
    """Sends the corpus `rounds` times without waiting, then drains the answers."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    port = str(s.getsockname()[1]).encode()
    ready = [m.replace(b"VIAPORT", port) for m in msgs]
    for _ in range(rounds):
        for m in ready:
            s.sendto(m, ("127.0.0.1", daemon.port))
        time.sleep(0.005)
    s.settimeout(0.5)
    try:
        while True:
            s.recv(65535)
    except socket.timeout:
        pass
    s.close()


def replay_udp(daemon, msgs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(0.2)
    port = str(s.getsockname()[1]).encode()
    answers = []
    for m in msgs:
        s.sendto(m.replace(b"VIAPORT", port), ("127.0.0.1", daemon.port))
        try:
            answers.append(s.recv(65535).decode(errors="replace"))
        except socket.timeout:
            answers.append("")
    s.close()
    return answers


def replay_tcp(daemon, msgs):
    for m in msgs:
        s = socket.create_connection(("127.0.0.1", daemon.port), timeout=1)
        try:
            s.sendall(m.replace(b"VIAPORT", str(s.getsockname()[1]).encode()).replace(b"SIP/2.0/UDP", b"SIP/2.0/TCP"))
            s.settimeout(0.05)
            try:
                s.recv(65535)
            except (socket.timeout, ConnectionError):
                pass
        finally:
            s.close()


def test_corpus_udp_and_tcp_server_survives(daemon):
    msgs = corpus(daemon.port)
    answers = replay_udp(daemon, msgs)
    assert alive(daemon) == 200
    # Parse errors that still allow a response get 400; unknown methods 405/501.
    assert any(a.startswith("SIP/2.0 400") for a in answers), answers
    assert status_of(answers[11]) in (405, 501)
    replay_tcp(daemon, msgs)
    assert alive(daemon) == 200
    assert bad_sdp_from_trunk(daemon) == 488
    assert daemon.alive()


def mix(daemon, msgs, rounds):
    # UDP only: TCP connections that carried a broken message are closed by
    # the stack's CLOSE-WAIT sweep only after 2..4 s (test_sip_tcp_close.py
    # covers that), so their fds and buffers would blur this measurement.
    blast_udp(daemon, msgs, rounds)
    for _ in range(5):
        bad_sdp_from_trunk(daemon)


def test_corpus_does_not_leak():
    # In the sanitizer build, ASan's quarantine would hold freed memory and
    # hide whether RSS is stable: freed blocks are reused at once instead.
    asan = os.environ.get("ASAN_OPTIONS", "")
    daemon = Daemon(FIXTURE, {"sip.auth_fail_threshold": "1000000", "sip.timer_t1_ms": "50"},
                    env={"ASAN_OPTIONS": (asan + ":" if asan else "") + "quarantine_size_mb=0"})
    try:
        check_no_growth(daemon)
    finally:
        rc = daemon.stop()
    assert rc == 0, daemon.log()


def check_no_growth(daemon):
    msgs = corpus(daemon.port)
    # Warm up: RSS grows for the first ~2,000 rounds (malloc arenas, sofia's
    # hash tables and free lists), then stays flat (measured: +30 kB over the
    # next 1,200 rounds). T1 = 50 ms: an unacknowledged INVITE transaction ends
    # after 64*T1 = 3.2 s.
    for _ in range(6):
        mix(daemon, msgs, 400)
    time.sleep(4.5)
    before = daemon.rss_kb()
    rounds = 400
    mix(daemon, msgs, rounds)
    time.sleep(4.5)
    after = daemon.rss_kb()
    assert alive(daemon) == 200
    sent = rounds * len(msgs)
    with open(f"/proc/{daemon.proc.pid}/maps") as f:
        sanitized = "libasan" in f.read()
    # ASan's allocator touches fresh shadow pages as it cycles through
    # addresses; leaks proper are LeakSanitizer's job in that build.
    # Measured without ASan: +300..460 kB in this window right after warm-up,
    # flat (+4..30 kB per 400 rounds) from ~2,400 rounds on -- growth that
    # stops, i.e. allocator/hash-table warm-up, not a per-message leak. The
    # bound (64 bytes per message) fails on any leak of a message or transaction.
    limit = 2048 if sanitized else sent * 64 // 1024
    print(f"RSS {before} -> {after} kB over {sent} messages")
    assert after - before < limit, f"RSS grew {before} -> {after} kB over {sent} messages"
