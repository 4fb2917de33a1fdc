"""In-band DTMF from a real softphone: baresip (Debian's 1.0) has no in-band
DTMF mode, so its audio source is a WAV file (aufile module) made with sox at
test time: silence, then the key presses 5, 4, 7, # as DTMF tone pairs. It calls
an IVR flow through hujiaod (a menu, then an input node); hujiaod is configured
without telephone-event (media.codecs), so the answer has none and the digits can
only be found by hujiao's in-band detector.
The stored IVR path must show each digit exactly once: the menu took "5", the
input collected "47" and ended on "#"."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ivr"))
import ivrlib  # noqa: E402  (hujiaod with a trunk on 127.0.0.1 and flows over REST)
from ivrlib import nodes, step  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("baresip") is None or shutil.which("sox") is None,
                                reason="baresip or sox is not installed")

DTMF = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209), "5": (770, 1336),
        "6": (770, 1477), "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "*": (941, 1209),
        "0": (941, 1336), "#": (941, 1477)}
CALLER = "8613800138000"


FLOW = {
    "id": "baresip_digits", "name": "Digits from baresip", "start": "answer",
    "nodes": {"answer": {"type": "answer", "next": "menu"},
              "menu": {"type": "menu", "prompt": {"tone": "beep"}, "branches": {"5": "code", "6": "bye"},
                       "timeout_ms": 10000, "retries": 0, "default": "bye"},
              "code": {"type": "input", "prompt": {"silence_ms": 100}, "variable": "code", "min_digits": 2,
                       "max_digits": 4, "terminator": "#", "timeout_ms": 8000, "inter_digit_timeout_ms": 4000,
                       "retries": 0, "next": "bye", "failure": "bye"},
              "bye": {"type": "hangup", "prompt": {"silence_ms": 200}, "reason": "completed"}}}


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dtmf_wav(path, lead_s, keys, gap_s, tail_s):
    """8 kHz mono 16-bit WAV: `lead_s` of silence, then per key a 120 ms tone pair
    at -10 dBFS followed by `gap_s` of silence, then `tail_s` of silence."""
    work = os.path.dirname(path)
    parts = []
    sil = os.path.join(work, "lead.wav")
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", sil, "trim", "0", str(lead_s)], check=True)
    parts.append(sil)
    for i, k in enumerate(keys):
        lo, hi = DTMF[k]
        p = os.path.join(work, f"key{i}.wav")
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", p, "synth", "0.12", "sine", str(lo),
                        "sine", str(hi), "remix", "-", "gain", "-n", "-10", "pad", "0", str(gap_s)], check=True)
        parts.append(p)
    tail = os.path.join(work, "tail.wav")
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", tail, "trim", "0", str(tail_s)], check=True)
    parts.append(tail)
    subprocess.run(["sox", *parts, path], check=True)


class BaresipCaller:
    """baresip with its microphone replaced by `source_wav`; dials `uri` at once
    (no registration: hujiaod takes 127.0.0.1 as a trunk)."""

    def __init__(self, caller, source_wav, codecs="PCMU"):
        self.dir = tempfile.mkdtemp(prefix="baresip-dtmf-")
        ctrl = free_tcp_port()
        self.cons = free_udp_port()
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(f"""poll_method epoll
sip_listen 127.0.0.1:{free_udp_port()}
sip_transports udp
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module account.so
module menu.so
module ctrl_tcp.so
module cons.so
ctrl_tcp_listen 127.0.0.1:{ctrl}
cons_listen 127.0.0.1:{self.cons}
audio_source aufile,{source_wav}
audio_player aufile,{self.dir}/received.wav
audio_alert aufile,{self.dir}/alert.wav
rtp_timeout 0
""")
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(f"<sip:{caller}@127.0.0.1;transport=udp>;regint=0;ptime=20;audio_codecs={codecs}\n")
        self.log = open(os.path.join(self.dir, "baresip.log"), "wb")
        self.proc = None

    def dial(self, uri):
        # -e: run a command once started (the menu module's "d" = dial).
        self.proc = subprocess.Popen(["baresip", "-f", self.dir, "-e", f"d {uri}"], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def press(self, keys):
        """Key presses on baresip's console (cons module); in a call a digit key is
        sent as RFC 4733 telephone-events."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(keys.encode(), ("127.0.0.1", self.cons))

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(os.path.join(self.dir, "baresip.log"), errors="replace") as f:
            return f.read()[-3000:]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def daemon_inband():
    # baresip always offers telephone-event; without it in hujiao's codec list the answer
    # leaves it out, so the leg has no RFC 4733 and hujiao listens for tones in the audio.
    d = ivrlib.IvrDaemon({"media": {"codecs": ["PCMU", "PCMA"]}}).start()
    d.publish_flow(FLOW, number="7201")
    yield d
    rc = d.stop()
    assert rc == 0, d.read_log()


def test_inband_dtmf_from_baresip_reaches_the_flow_once_each(daemon_inband):
    daemon = daemon_inband
    work = tempfile.mkdtemp(prefix="hujiao-baresip-dtmf-")
    wav = os.path.join(work, "keys.wav")
    dtmf_wav(wav, lead_s=2.5, keys="547#", gap_s=0.4, tail_s=6)
    phone = BaresipCaller(CALLER, wav)
    try:
        phone.dial(f"sip:7201@127.0.0.1:{daemon.sip_port}")
        path = daemon.ivr_path(CALLER, timeout=30)
    except AssertionError as e:
        raise AssertionError(f"{e}\nbaresip: {phone.output()}") from None
    finally:
        phone.stop()
    assert nodes(path) == ["answer", "menu", "code", "bye"], (path, phone.output())
    assert step(path, "menu")["digits"] == "5", step(path, "menu")
    assert step(path, "code")["vars"]["code"] == "47", step(path, "code")
    assert path["exit_reason"] == "completed"


@pytest.fixture(scope="module")
def daemon_rfc4733():
    d = ivrlib.IvrDaemon().start()  # default codecs: telephone-event offered and accepted
    d.publish_flow(FLOW, number="7202")
    yield d
    rc = d.stop()
    assert rc == 0, d.read_log()


def test_rfc4733_dtmf_from_baresip_reaches_the_flow_once_each(daemon_rfc4733):
    daemon = daemon_rfc4733
    work = tempfile.mkdtemp(prefix="hujiao-baresip-te-")
    wav = os.path.join(work, "quiet.wav")
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", wav, "trim", "0", "15"], check=True)
    caller = "8613900139000"
    phone = BaresipCaller(caller, wav, codecs="PCMU,telephone-event")
    try:
        phone.dial(f"sip:7202@127.0.0.1:{daemon.sip_port}")
        ivrlib.telib.wait_until(lambda: "Call established" in phone.output(), 15, "baresip's call to the flow")
        time.sleep(1.0)  # the menu is listening
        for k in "547#":
            phone.press(k)
            time.sleep(0.5)
        path = daemon.ivr_path(caller, timeout=30)
    except AssertionError as e:
        raise AssertionError(f"{e}\nbaresip: {phone.output()}") from None
    finally:
        phone.stop()
    assert nodes(path) == ["answer", "menu", "code", "bye"], (path, phone.output())
    assert step(path, "menu")["digits"] == "5", step(path, "menu")
    assert step(path, "code")["vars"]["code"] == "47", step(path, "code")
    assert path["exit_reason"] == "completed"
