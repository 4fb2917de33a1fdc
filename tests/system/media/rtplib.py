"""A plain RTP receiver for system tests: one UDP socket on 127.0.0.1 (port 0)
and a thread that keeps every RTP packet it gets (RTCP is skipped).

Used by tests/system/media/test_media_pcap.py and tests/system/ivr/test_ivr_media.py.
Packets are RtpPacket tuples: (pt, seq, ts, payload, marker, arrival) with
arrival from time.monotonic()."""
import collections
import socket
import struct
import threading
import time

RtpPacket = collections.namedtuple("RtpPacket", "pt seq ts payload marker arrival")


def is_rtp(data):
    """RTP version 2 with a payload type that is not an RTCP packet type (RFC 5761)."""
    return len(data) >= 12 and data[0] >> 6 == 2 and not 72 <= (data[1] & 0x7F) <= 76


def parse_rtp(data):
    """RtpPacket of one datagram (CSRCs and header extensions skipped); None if not RTP."""
    if not is_rtp(data):
        return None
    seq, ts = struct.unpack("!HI", data[2:8])
    off = 12 + 4 * (data[0] & 0x0F)
    if data[0] & 0x10 and len(data) >= off + 4:  # header extension
        off += 4 + 4 * struct.unpack("!H", data[off + 2:off + 4])[0]
    end = len(data)
    if data[0] & 0x20 and end > off:  # padding
        end -= data[-1]
    return RtpPacket(data[1] & 0x7F, seq, ts, data[off:end], bool(data[1] & 0x80), time.monotonic())


class RtpReceiver:
    """Binds 127.0.0.1:0 (see .port) and appends every RTP packet to .packets until close()."""

    def __init__(self, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.packets = []
        self._stop = False
        self.thread = threading.Thread(target=self._rx, daemon=True)
        self.thread.start()

    def _rx(self):
        while not self._stop:
            try:
                data, _ = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            pkt = parse_rtp(data)
            if pkt is not None:
                self.packets.append(pkt)

    def of_type(self, pt):
        return [p for p in self.packets if p.pt == pt]

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
