"""The media side of IVR calls with real peers (issue 4):
(a) a flow's play node plays a known WAV prompt; the caller's RTP socket (a
    Python receiver named in sipp's SDP) gets the prompt at its energy and for
    its duration;
(b) in-band DTMF: sipp offers PCMU only (no telephone-event) and replays pcaps
    of DTMF tones made with sox; the digits reach the flow's menu and input
    nodes (checked through the stored IVR path)."""
import itertools
import math
import os
import struct
import subprocess
import sys
import tempfile
import time
import wave

import pytest

import ivrlib
from ivrlib import nodes, run_call, step

_callers = itertools.count(13800000900)
PROMPT_MS = 1200
DTMF = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209), "5": (770, 1336),
        "6": (770, 1477), "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "*": (941, 1209),
        "0": (941, 1336), "#": (941, 1477)}


def caller():
    return str(next(_callers))


def ulaw_to_linear(b):
    b = ~b & 0xFF
    t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)


def sox(*args):
    subprocess.run(["sox", *args], check=True, capture_output=True)


def write_rtp_pcap(path, ulaw, seq0, ts0, ssrc=0x1D7F00D):
    """A pcap (Ethernet/IPv4/UDP) of 20 ms PCMU RTP packets, 20 ms apart: what
    sipp's play_pcap_audio replays (it rewrites the addresses and ports only)."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i in range(len(ulaw) // 160):
        rtp = struct.pack("!BBHII", 0x80, 0, (seq0 + i) & 0xFFFF, ts0 + 160 * i, ssrc) + ulaw[160 * i:160 * i + 160]
        udp = struct.pack("!HHHH", 40000, 40002, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, bytes([127, 0, 0, 1]),
                         bytes([127, 0, 0, 1])) + udp
        frame = b"\0" * 12 + b"\x08\x00" + ip
        t = 1_700_000_000_000_000 + 20_000 * i
        out.append(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)) + frame)
    with open(path, "wb") as f:
        f.write(b"".join(out))


class InbandPcaps:
    """One pcap per key press: 60 ms silence, a 120 ms sox-made DTMF tone pair at
    -10 dBFS, 140 ms silence. Sequence numbers and timestamps go on from one
    pcap to the next, as a phone's would."""

    def __init__(self, workdir):
        self.dir = workdir
        self.seq, self.ts = 1000, 80000

    def digit(self, d):
        lo, hi = DTMF[d]
        raw = os.path.join(self.dir, f"tone_{self.seq}.ul")
        sox("-n", "-r", "8000", "-c", "1", "-t", "ul", raw, "synth", "0.12", "sine", str(lo), "sine", str(hi),
            "remix", "-", "gain", "-n", "-10", "pad", "0.06", "0.14")
        with open(raw, "rb") as f:
            ulaw = f.read()
        path = os.path.join(self.dir, f"inband_{self.seq}.pcap")
        write_rtp_pcap(path, ulaw, self.seq, self.ts)
        n = len(ulaw) // 160
        self.seq += n
        self.ts += 160 * n + 8000  # the pause between presses, as the phone's clock runs on
        return ("pcap", path)


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "media"))
from rtplib import RtpReceiver  # noqa: E402  (the shared receiver; packets are (pt, seq, ts, payload, ...))


@pytest.fixture(scope="module")
def sounds():
    d = tempfile.mkdtemp(prefix="hujiao-ivr-sounds-")
    # The known prompt: 1.2 s of 1 kHz at -12 dBFS, 16 kHz (the player converts it once for the 8 kHz leg).
    sox("-n", "-r", "16000", "-c", "1", "-b", "16", os.path.join(d, "known.wav"), "synth", str(PROMPT_MS / 1000),
        "sine", "1000", "gain", "-n", "-12")
    return d


@pytest.fixture(scope="module")
def daemon(sounds):
    d = ivrlib.IvrDaemon({"media": {"sounds_dir": sounds}}).start()
    d.publish_flow({
        "id": "known_prompt", "name": "Known prompt", "start": "answer",
        "nodes": {"answer": {"type": "answer", "next": "hello"},
                  "hello": {"type": "play", "prompt": {"file": "known.wav"}, "next": "bye"},
                  "bye": {"type": "hangup", "prompt": {"silence_ms": 300}, "reason": "completed"}}}, number="7100")
    d.publish_flow({
        "id": "inband", "name": "In-band digits", "start": "answer",
        "nodes": {"answer": {"type": "answer", "next": "menu"},
                  "menu": {"type": "menu", "prompt": {"tone": "beep"}, "branches": {"5": "code", "6": "bye"},
                           "timeout_ms": 8000, "retries": 0, "default": "bye"},
                  "code": {"type": "input", "prompt": {"silence_ms": 100}, "variable": "code", "min_digits": 2,
                           "max_digits": 4, "terminator": "#", "timeout_ms": 8000, "inter_digit_timeout_ms": 4000,
                           "retries": 0, "next": "bye", "failure": "bye"},
                  "bye": {"type": "hangup", "prompt": {"silence_ms": 200}, "reason": "completed"}}}, number="7101")
    yield d
    rc = d.stop()
    assert rc == 0, d.read_log()


def wav_rms_and_ms(path):
    with wave.open(path) as w:
        frames = w.readframes(w.getnframes())
        rate = w.getframerate()
    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    return math.sqrt(sum(s * s for s in samples) / len(samples)), 1000.0 * len(samples) / rate


def test_play_node_prompt_reaches_the_caller_with_its_energy_and_duration(daemon, sounds):
    rx = RtpReceiver()
    try:
        who = caller()
        # sipp sends no RTP: what the daemon plays goes to the SDP address, our receiver.
        run_call(daemon, "7100", who, [], rtp_port=rx.port)
        time.sleep(0.2)
    finally:
        rx.close()
    path = daemon.ivr_path(who)
    assert nodes(path) == ["answer", "hello", "bye"], nodes(path)
    assert path["exit_reason"] == "completed"

    pcmu = [p for p in rx.packets if p[0] == 0]
    assert pcmu, "no PCMU packets reached the caller"
    seqs = [p[1] for p in pcmu]
    assert all((b - a) & 0xFFFF == 1 for a, b in zip(seqs, seqs[1:])), "packets lost or reordered on loopback"
    # The prompt: the packets that carry sound (the hangup's silence follows it).
    voiced = [p for p in pcmu if max(abs(ulaw_to_linear(b)) for b in p[3]) > 300]
    assert voiced, "only silence reached the caller"
    voiced_ms = (voiced[-1][2] - voiced[0][2]) / 8.0 + 20  # RTP clock: 8 kHz
    samples = [ulaw_to_linear(b) for p in voiced for b in p[3]]
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    want_rms, want_ms = wav_rms_and_ms(os.path.join(sounds, "known.wav"))
    assert abs(voiced_ms - want_ms) <= 60, (voiced_ms, want_ms)
    assert abs(len(voiced) * 20 - want_ms) <= 60, (len(voiced), want_ms)
    assert abs(20 * math.log10(rms / want_rms)) < 1.0, (rms, want_rms)  # G.711 keeps the level within 1 dB
    # A pure 1 kHz tone: the energy is at 1 kHz, not somewhere else (no resampling garbage).
    def goertzel(x, f):
        k = 2 * math.cos(2 * math.pi * f / 8000)
        s1 = s2 = 0.0
        for v in x:
            s1, s2 = v + k * s1 - s2, s1
        return math.sqrt(max(s1 * s1 + s2 * s2 - k * s1 * s2, 0)) / len(x)
    middle = samples[len(samples) // 4: len(samples) // 4 + 1600]
    assert goertzel(middle, 1000) > 20 * goertzel(middle, 1500), "the prompt is not the 1 kHz tone"


def test_inband_dtmf_from_sipp_reaches_the_flow(daemon):
    work = tempfile.mkdtemp(prefix="hujiao-inband-")
    tones = InbandPcaps(work)
    who = caller()
    script = [("pause", 500), tones.digit("5"), ("pause", 400)]
    for d in "47#":
        script += [tones.digit(d), ("pause", 300)]
    run_call(daemon, "7101", who, script, telephone_event=False)
    path = daemon.ivr_path(who)
    assert nodes(path) == ["answer", "menu", "code", "bye"], path
    assert step(path, "menu")["digits"] == "5", step(path, "menu")
    assert step(path, "code")["vars"]["code"] == "47", step(path, "code")
    assert path["exit_reason"] == "completed"
