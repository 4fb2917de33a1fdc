"""Recording a real call through hujiaod: two sipp UAs (extension to
extension, media anchored) with RTP tones both ways (caller 440 Hz, callee
1000 Hz), record-all policy. The stored file is encrypted at rest, its
download over the API decrypts to a WAV with the caller on channel 0 and the
callee on channel 1, both non-silent, of the call's length; Range requests
give 206; every playback is audited; a tampered file and a wrong key are
detected and reported; kill -9 during a recording leaves, after restart, a
playable file missing at most its last second."""
import hashlib
import io
import math
import os
import re
import struct
import subprocess
import threading
import time
import wave

import pytest

from recsys import Daemon, RtpPeer, Sipp, free_port, register, wait_until

CALLER, CALLEE = "2102", "2101"
PASSWORDS = {CALLER: "pw-2102-secret", CALLEE: "pw-2101-secret"}


def ulaw(sample):
    """G.711 mu-law of a 16-bit sample."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, clip) + bias
    exponent, mask = 7, 0x4000
    while exponent > 0 and not sample & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


class ToneSender:
    """Sends a PCMU tone from an RtpPeer's socket, 20 ms per packet, until stopped."""

    def __init__(self, peer, dest, freq):
        self.peer, self.dest, self.freq = peer, dest, freq
        self.stop = False
        self.sent = 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        n = 0
        start = time.time()
        while not self.stop:
            payload = bytes(ulaw(int(12000 * math.sin(2 * math.pi * self.freq * (n + i) / 8000))) for i in range(160))
            hdr = struct.pack("!BBHII", 0x80, 0, self.peer.seq & 0xFFFF, self.peer.ts & 0xFFFFFFFF, self.peer.ssrc)
            try:
                self.peer.sock.sendto(hdr + payload, self.dest)
            except OSError:
                return
            self.peer.seq += 1
            self.peer.ts += 160
            n += 160
            self.sent += 1
            time.sleep(max(0.0, start + self.sent * 0.02 - time.time()))

    def close(self):
        self.stop = True
        self.thread.join(2)


def goertzel(samples, freq, rate=8000):
    k = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    return s1 * s1 + s2 * s2 - k * s1 * s2


def channels(wav_bytes):
    w = wave.open(io.BytesIO(wav_bytes))
    assert w.getnchannels() == 2 and w.getsampwidth() == 2, (w.getnchannels(), w.getsampwidth())
    rate, frames = w.getframerate(), w.getnframes()
    data = w.readframes(frames)
    samples = struct.unpack("<%dh" % (len(data) // 2), data)
    return rate, frames, samples[0::2], samples[1::2]


def rms(xs):
    return math.sqrt(sum(x * x for x in xs) / max(1, len(xs)))


@pytest.fixture(scope="module")
def daemon():
    d = Daemon({"recording": {"mode": "all"}}).start()
    for ext in (CALLEE, CALLER):
        status, _, body = d.api("POST", "/api/v1/extensions", {"number": ext, "password": PASSWORDS[ext]})
        assert status == 201, body
    yield d
    d.stop()


def start_call(d):
    callee_port, caller_port = free_port(), free_port()
    register(d, CALLEE, PASSWORDS[CALLEE], callee_port)
    register(d, CALLER, PASSWORDS[CALLER], caller_port)
    callee_rtp, caller_rtp = RtpPeer(), RtpPeer()
    uas = Sipp(d, "uas_anchored.xml", callee_port, keys={"rtp": callee_rtp.port}, timeout=60)
    time.sleep(0.3)
    uac = Sipp(d, "uac_anchored.xml", caller_port, service=CALLEE, keys={"rtp": caller_rtp.port, "caller": CALLER},
               auth=(CALLER, PASSWORDS[CALLER]), timeout=60)

    def answered():
        status, _, body = d.api("GET", "/api/v1/calls")
        live = [c for c in body.get("items", []) if c["state"] == "answered" and c["callee_number"] == CALLEE]
        return live[0] if live else None

    call = wait_until(answered, 15, "the call to be answered")
    t_answer = time.time()
    wait_until(lambda: uac.received_sdp() and uas.received_sdp(), 5, "SDP in the sipp traces")
    tones = [ToneSender(caller_rtp, uac.received_sdp(), 440), ToneSender(callee_rtp, uas.received_sdp(), 1000)]
    return call, t_answer, uas, uac, tones, (callee_rtp, caller_rtp)


def recording_of(d, call_id, status=None):
    def find():
        st, _, body = d.api("GET", "/api/v1/recordings?call_id=" + call_id)
        assert st == 200, body
        items = [r for r in body["items"] if status is None or r["status"] == status]
        return items[0] if items else None
    return wait_until(find, 20, "recording of %s (%s)" % (call_id, status))


def get_audio(d, rec_id, query="", headers=None, token=None):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
    try:
        h = {"Authorization": "Bearer " + (token or d.token)}
        h.update(headers or {})
        conn.request("GET", "/api/v1/recordings/%s/audio%s" % (rec_id, query), headers=h)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def stored_file(d, rec):
    return os.path.join(d.workdir, "var", "recordings", rec["path"]) if "path" in rec else None


def find_container(d, rec_id):
    for root, _, files in os.walk(d.workdir):
        for f in files:
            if f.startswith(rec_id) and f.endswith(".hrec"):
                return os.path.join(root, f)
    return None


def test_record_call_download_range_audit_tamper_wrong_key(daemon):
    d = daemon
    call, t_answer, uas, uac, tones, peers = start_call(d)
    rec = recording_of(d, call["id"])
    assert rec["status"] == "recording" and rec["reason"] == "all"
    time.sleep(3)
    # Encrypted while recording: the file being written is a container, and no
    # plaintext WAV exists anywhere under the data directory.
    live = find_container(d, rec["id"])
    assert live, "no container while recording"
    with open(live, "rb") as f:
        head = f.read(65536)
    assert head[:8] == b"HUJIAREC" and b"RIFF" not in head and b"WAVEfmt" not in head
    rec_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(live))))  # above YYYY/MM/DD
    for root, _, files in os.walk(rec_dir):
        assert not [f for f in files if f.endswith((".wav", ".opus"))], (root, files)
    for t in tones:
        t.close()
    status, _, body = d.api("DELETE", "/api/v1/calls/" + call["id"])
    t_end = time.time()
    assert status == 204, body
    assert uac.wait(15) == 0, uac.errors()
    assert uas.wait(15) == 0, uas.errors()
    for p in peers:
        p.close()

    rec = recording_of(d, call["id"], "complete")
    call_s = t_end - t_answer
    assert rec["encrypted"] and rec["key_id"] == "k1" and rec["format"] == "wav"
    assert abs(rec["duration_ms"] / 1000 - call_s) < 1.5, (rec["duration_ms"], call_s)
    path = find_container(d, rec["id"])
    assert path, "no encrypted file in the date tree"
    assert re.search(r"/\d{4}/\d{2}/\d{2}/", path)
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:8] == b"HUJIAREC" and b"RIFF" not in raw[:4096]  # encrypted at rest
    assert not os.path.exists(path[:-len(".hrec")])  # no plaintext left

    status, headers, wav_bytes = get_audio(d, rec["id"])
    assert status == 200 and headers["content-type"] == "audio/wav" and headers["accept-ranges"] == "bytes"
    assert len(wav_bytes) == int(headers["content-length"])
    assert hashlib.sha256(wav_bytes).hexdigest() == rec["sha256"]
    rate, frames, ch0, ch1 = channels(wav_bytes)
    assert rate == 8000
    assert abs(frames / rate - rec["duration_ms"] / 1000) < 0.05
    mid0, mid1 = ch0[len(ch0) // 4: len(ch0) // 4 + 8000], ch1[len(ch1) // 4: len(ch1) // 4 + 8000]
    assert rms(mid0) > 1000 and rms(mid1) > 1000, (rms(mid0), rms(mid1))
    # Channel 0 is the customer (the caller's 440 Hz), channel 1 what he hears (the callee's 1 kHz).
    assert goertzel(mid0, 440) > 10 * goertzel(mid0, 1000)
    assert goertzel(mid1, 1000) > 10 * goertzel(mid1, 440)

    # Range requests: the Range header (what a browser's <audio> sends to seek).
    n = len(wav_bytes)
    mid = n // 2
    status, headers, part = get_audio(d, rec["id"], headers={"Range": "bytes=%d-%d" % (mid, mid + 9999)})
    assert status == 206 and part == wav_bytes[mid:mid + 10000]
    assert headers["content-range"] == "bytes %d-%d/%d" % (mid, mid + 9999, n)
    assert headers["accept-ranges"] == "bytes" and int(headers["content-length"]) == 10000
    etag = headers["etag"]
    assert etag == '"%s"' % rec["sha256"]
    status, headers, part = get_audio(d, rec["id"], headers={"Range": "bytes=%d-" % mid})
    assert status == 206 and part == wav_bytes[mid:]  # an open range: the rest (under the 4 MiB piece size)
    status, headers, part = get_audio(d, rec["id"], headers={"Range": "bytes=%d-%d" % (n + 5, n + 10)})
    assert status == 416 and headers["content-range"] == "bytes */%d" % n
    # Several ranges: multipart/byteranges, overlapping ones coalesced.
    status, headers, body = get_audio(d, rec["id"], headers={"Range": "bytes=0-99,200-299,250-349"})
    assert status == 206 and headers["content-type"].startswith("multipart/byteranges; boundary=")
    boundary = headers["content-type"].split("boundary=")[1].encode()
    parts = [p for p in body.split(b"--" + boundary) if p.strip() not in (b"", b"--")]
    assert len(parts) == 2, parts
    for p, (a, b) in zip(parts, [(0, 99), (200, 349)]):
        head, payload = p.split(b"\r\n\r\n", 1)
        assert b"Content-Range: bytes %d-%d/%d" % (a, b, n) in head
        assert payload[:-2] == wav_bytes[a:b + 1]  # minus the CRLF before the next boundary
    # If-Range: the current entity tag lets the range apply; a stale one gets the whole file.
    status, _, part = get_audio(d, rec["id"], headers={"Range": "bytes=10-19", "If-Range": etag})
    assert status == 206 and part == wav_bytes[10:20]
    status, _, whole = get_audio(d, rec["id"], headers={"Range": "bytes=10-19", "If-Range": '"stale"'})
    assert status == 200 and whole == wav_bytes
    # A Range the server may ignore (another unit): the whole file.
    status, _, whole = get_audio(d, rec["id"], headers={"Range": "items=0-5"})
    assert status == 200 and len(whole) == n
    # The same with curl, as a client would seek.
    out = subprocess.run(["curl", "-s", "-H", "Authorization: Bearer " + d.token, "-r", "%d-%d" % (mid, mid + 4095),
                          "-D", "-", "http://127.0.0.1:%d/api/v1/recordings/%s/audio" % (d.port, rec["id"])],
                         capture_output=True, timeout=30, check=True).stdout
    head, payload = out.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 206") and payload == wav_bytes[mid:mid + 4096]

    # The `range` query parameter (links that cannot set headers).
    status, headers, part = get_audio(d, rec["id"], "?range=bytes=100-1099")
    assert status == 206 and part == wav_bytes[100:1100]
    assert headers["content-range"] == "bytes 100-1099/%d" % n
    status, headers, part = get_audio(d, rec["id"], "?range=bytes=-500")
    assert status == 206 and part == wav_bytes[-500:]
    status, headers, _ = get_audio(d, rec["id"], "?range=bytes=%d-" % (n + 10))
    assert status == 416 and headers["content-range"] == "bytes */%d" % n
    status, headers, _ = get_audio(d, rec["id"], "?download=true")
    assert status == 200 and "attachment" in headers["content-disposition"]

    # Every playback is in the audit log.
    st, _, audit = d.api("GET", "/api/v1/audit?limit=200")
    assert st == 200, audit
    plays = [a for a in audit["items"] if a["resource"] == "recordings" and a["resource_id"] == rec["id"]]
    assert sorted({a["action"] for a in plays}) == ["download", "play"], plays
    assert len(plays) >= 11  # every response with audio (the two 416s carry none)
    ranged = [a for a in plays if (a.get("after") or {}).get("range") == "bytes %d-%d/%d" % (mid, mid + 9999, n)]
    assert ranged, plays[:3]

    # Tampering: one flipped ciphertext byte is detected and reported.
    d.stop()
    with open(path, "r+b") as f:
        f.seek(256 + 4000)
        b = f.read(1)
        f.seek(256 + 4000)
        f.write(bytes([b[0] ^ 0x01]))
    d.start()
    status, _, body = get_audio(d, rec["id"])
    assert status == 500 and b'"tampered"' in body, body[:200]
    with open(path, "r+b") as f:
        f.seek(256 + 4000)
        f.write(b)

    # A wrong key under the same id is told apart from damage.
    keys = os.path.join(d.workdir, "var", "recording.keys")
    with open(keys) as f:
        good = f.read()
    d.stop()
    with open(keys, "w") as f:
        f.write("k1:" + __import__("base64").b64encode(os.urandom(32)).decode() + "\n")
    d.start()
    status, _, body = get_audio(d, rec["id"])
    assert status == 500 and b'"wrong_key"' in body, body[:200]
    d.stop()
    with open(keys, "w") as f:
        f.write(good)
    d.start()
    status, _, again = get_audio(d, rec["id"])
    assert status == 200 and again == wav_bytes


def test_kill9_during_recording_leaves_a_playable_file(daemon):
    d = daemon
    call, t_answer, uas, uac, tones, peers = start_call(d)
    recording_of(d, call["id"])
    time.sleep(4)
    t_kill = time.time()
    d.proc.kill()
    d.proc.wait()
    d.logf.close()
    for t in tones:
        t.close()
    for s in (uac, uas):
        s.kill()
    for p in peers:
        p.close()
    d.start()  # recovery runs before SIP accepts calls
    rec = recording_of(d, call["id"], "recovered")
    expected_s = t_kill - t_answer
    assert rec["duration_ms"] / 1000 >= expected_s - 1.0, (rec["duration_ms"], expected_s)
    assert rec["duration_ms"] / 1000 <= expected_s + 1.0
    status, _, wav_bytes = get_audio(d, rec["id"])
    assert status == 200
    assert hashlib.sha256(wav_bytes).hexdigest() == rec["sha256"]
    rate, frames, ch0, ch1 = channels(wav_bytes)
    assert frames / rate >= expected_s - 1.0
    assert rms(ch0[8000:16000]) > 1000 and rms(ch1[8000:16000]) > 1000


def test_policy_api_and_on_demand_recording(daemon):
    d = daemon
    st, _, pol = d.api("GET", "/api/v1/recording-policy")
    assert st == 200 and pol["mode"] == "all", pol
    st, _, body = d.api("PUT", "/api/v1/recording-policy", {"mode": "sometimes"})
    assert st == 400 and "mode" in body["error"]["message"], body
    st, _, pol = d.api("PUT", "/api/v1/recording-policy", {"mode": "none", "allow_on_demand": True})
    assert st == 200 and pol["mode"] == "none", pol
    try:
        call, t_answer, uas, uac, tones, peers = start_call(d)
        time.sleep(1)
        st, _, body = d.api("GET", "/api/v1/recordings?call_id=" + call["id"])
        assert st == 200 and body["items"] == [], body  # policy none: nothing recorded
        path = "/api/v1/calls/%s/recording" % call["id"]
        st, _, body = d.api("POST", path, {"action": "pause"})
        assert st == 409, body
        st, _, started = d.api("POST", path, {"action": "start"})
        assert st == 200 and started["recording"] and started["reason"] == "on_demand", started
        time.sleep(1)
        st, _, body = d.api("POST", path, {"action": "pause"})
        assert st == 200 and body["paused"], body
        time.sleep(1)
        st, _, body = d.api("POST", path, {"action": "resume"})
        assert st == 200 and not body["paused"], body
        time.sleep(1)
        st, _, body = d.api("POST", path, {"action": "stop"})
        assert st == 200 and not body["recording"], body
        st, _, body = d.api("POST", path, {"action": "jump"})
        assert st == 400, body
        st, _, body = d.api("POST", "/api/v1/calls/nope/recording", {"action": "start"})
        assert st == 404, body
        rec = recording_of(d, call["id"], "complete")
        assert rec["id"] == started["recording_id"] and rec["reason"] == "on_demand"
        assert len(rec["pauses"]) == 1 and rec["pauses"][0]["end"], rec
        assert 1000 <= rec["duration_ms"] <= 3500, rec  # about 2 s recorded, 1 s paused left out
        for t in tones:
            t.close()
        d.api("DELETE", "/api/v1/calls/" + call["id"])
        uac.wait(15)
        uas.wait(15)
        for p in peers:
            p.close()
    finally:
        st, _, _ = d.api("PUT", "/api/v1/recording-policy", {"mode": "all"})
        assert st == 200
