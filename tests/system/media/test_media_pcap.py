"""The media plane with real peers: sipp calls an extension through hujiaod
(media anchored) and plays a recorded RTP stream from a pcap (7 s of G.711
A-law speech, then the RFC 4733 digit 1 from a pcap). The callee's RTP socket
captures what hujiaod sends on: the audio must arrive complete (duration,
packet count, energy; a same-codec bridge relays the payloads unchanged) and
the digit must arrive as telephone-event packets with the end bit."""
import math
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))
sys.path.insert(0, HERE)
from telib import Daemon, free_port, register, wait_until  # noqa: E402

from rtplib import RtpReceiver  # noqa: E402  (tests/system/media, this folder)

SCENARIOS = os.path.join(HERE, "scenarios")
PCAP_AUDIO = "/usr/share/sip-tester/g711a.pcap"
PCAP_DIGIT = "/usr/share/sip-tester/dtmf_2833_1.pcap"
CALLER, CALLEE = "3002", "3001"
PASSWORDS = {CALLER: "pw-3002-secret", CALLEE: "pw-3001-secret"}


def pcap_rtp(path):
    """[(payload_type, payload)] of the RTP packets in a pcap (Ethernet/IPv4/UDP)."""
    with open(path, "rb") as f:
        data = f.read()
    link = struct.unpack("<I", data[20:24])[0]
    l2 = {1: 14, 113: 16}[link]
    off, out = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = pkt[l2:]
        udp = ip[(ip[0] & 15) * 4:]
        rtp = udp[8:]
        out.append((rtp[1] & 0x7F, rtp[12:]))
    return out


def alaw_to_linear(b):
    b ^= 0x55
    seg = (b & 0x70) >> 4
    t = (b & 0x0F) << 4
    t = t + 8 if seg == 0 else (t + 0x108) << (seg - 1)
    return t if b & 0x80 else -t


def rms_alaw(payloads):
    total, n = 0, 0
    for p in payloads:
        for b in p:
            v = alaw_to_linear(b)
            total += v * v
            n += 1
    return math.sqrt(total / n) if n else 0.0


def sipp(daemon, scenario, port, keys=None, service=None, auth=None, media_port=None, timeout=40):
    args = ["sipp", "-sf", os.path.join(SCENARIOS, scenario), "-i", "127.0.0.1", "-p", str(port), "-m", "1",
            "-t", "u1", "-nostdin", "-timeout", f"{timeout}s", "-timeout_error", "-trace_err"]
    if media_port:
        args += ["-mp", str(media_port), "-mi", "127.0.0.1"]
    if service:
        args += ["-s", service]
    for k, v in (keys or {}).items():
        args += ["-key", k, str(v)]
    if auth:
        args += ["-au", auth[0], "-ap", auth[1]]
    args.append(f"127.0.0.1:{daemon.sip_port}")
    cwd = tempfile.mkdtemp(prefix="sipp-media-")
    return subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), cwd


def sipp_errors(cwd):
    out = ""
    for name in os.listdir(cwd):
        if name.endswith("_errors.log"):
            with open(os.path.join(cwd, name), errors="replace") as f:
                out += f.read()
    return out


@pytest.fixture(scope="module")
def daemon():
    for path in (PCAP_AUDIO, PCAP_DIGIT):
        assert os.path.exists(path), path + " (Debian package sip-tester)"
    # The callee side only listens: no RTP timeout during the test.
    d = Daemon({"media": {"rtp_timeout_s": 0}}).start()
    for ext in (CALLEE, CALLER):
        status, _, body = d.api("POST", "/api/v1/extensions", {"number": ext, "password": PASSWORDS[ext]})
        assert status == 201, body
    yield d
    assert d.stop() == 0, d.read_log()


def test_pcap_stream_and_rfc4733_digit_cross_hujiaod(daemon):
    callee_port, caller_port = free_port(), free_port()
    register(daemon, CALLEE, PASSWORDS[CALLEE], callee_port)
    register(daemon, CALLER, PASSWORDS[CALLER], caller_port)
    cap = RtpReceiver()
    uas, uas_cwd = sipp(daemon, "uas_pcma.xml", callee_port, keys={"rtp": cap.port})
    time.sleep(0.3)
    media_port = free_port((socket.SOCK_DGRAM,))
    while media_port % 2:
        media_port = free_port((socket.SOCK_DGRAM,))
    uac, uac_cwd = sipp(daemon, "uac_pcap.xml", caller_port, service=CALLEE, keys={"caller": CALLER},
                        auth=(CALLER, PASSWORDS[CALLER]), media_port=media_port)
    try:
        assert uac.wait(timeout=45) == 0, "caller: " + sipp_errors(uac_cwd)
        assert uas.wait(timeout=10) == 0, "callee: " + sipp_errors(uas_cwd)
    finally:
        for p in (uac, uas):
            if p.poll() is None:
                p.kill()
        time.sleep(0.3)
        cap.close()

    sent = pcap_rtp(PCAP_AUDIO)
    sent_audio = [p for pt, p in sent if pt == 8]
    got_audio = [pk for pk in cap.packets if pk.pt == 8]
    # Duration and packet count: everything sipp played arrived (loopback: no loss expected).
    assert len(got_audio) >= len(sent_audio) * 0.98, (len(got_audio), len(sent_audio))
    span_ms = (got_audio[-1].ts - got_audio[0].ts) / 8.0  # RTP clock, 8 kHz
    sent_ms = (len(sent_audio) - 1) * len(sent_audio[0]) / 8.0
    assert abs(span_ms - sent_ms) <= 60, (span_ms, sent_ms)
    # Energy: the speech arrives at its level (same codec both sides: relayed unchanged).
    rms_sent, rms_got = rms_alaw(sent_audio), rms_alaw(pk.payload for pk in got_audio)
    assert rms_sent > 500
    assert abs(20 * math.log10(rms_got / rms_sent)) < 0.5, (rms_got, rms_sent)
    payloads = [pk.payload for pk in got_audio]
    in_order = sum(1 for p in sent_audio if p in set(payloads))
    assert in_order >= len(sent_audio) * 0.98
    # Sequence numbers are contiguous on the way out (hujiaod rewrites them per stream).
    seqs = [pk.seq for pk in got_audio]
    assert all((b - a) & 0xFFFF == 1 for a, b in zip(seqs, seqs[1:]))

    # RFC 4733: the digit 1 arrives as telephone-event (pt 101 answered by the callee), ending once.
    events = [pk for pk in cap.packets if pk.pt == 101]
    assert events, "no telephone-event packets reached the callee"
    assert {pk.payload[0] for pk in events} == {1}
    assert any(pk.payload[1] & 0x80 for pk in events), "no end-of-event packet"
    assert events[0].marker, "the first event packet carries the marker bit"
    # After the audio, not mixed into it.
    assert events[0].arrival >= got_audio[-1].arrival - 0.05
