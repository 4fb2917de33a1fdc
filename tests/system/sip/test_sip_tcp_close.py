"""Malformed SIP over TCP must never leak a connection: after a client sends a
broken message (truncated, bad Content-Length, junk) and closes, the server
side is closed too within a bounded time -- no socket of the daemon is left in
CLOSE-WAIT and its socket fd count returns to the baseline."""
import os
import socket
import time

from siplib import Daemon
from test_sip_malformed import FIXTURE, corpus, replay_tcp

CLOSE_WAIT = "08"


def close_wait_count(daemon):
    """Sockets on the daemon's SIP port in CLOSE-WAIT (peer sent FIN, we did not close)."""
    port = f"{daemon.port:04X}"
    n = 0
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{daemon.proc.pid}/net/{table}") as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if cols[1].endswith(":" + port) and cols[3] == CLOSE_WAIT:
                        n += 1
        except FileNotFoundError:
            pass
    return n


def socket_fds(daemon):
    d = f"/proc/{daemon.proc.pid}/fd"
    n = 0
    for fd in os.listdir(d):
        try:
            if os.readlink(os.path.join(d, fd)).startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def send_and_close(daemon, msg):
    replay_tcp(daemon, [msg])


def options_over(s, port):
    local = s.getsockname()[1]
    s.sendall(f"OPTIONS sip:100@127.0.0.1:{port} SIP/2.0\r\n"
              f"Via: SIP/2.0/TCP 127.0.0.1:{local};rport;branch=z9hG4bK{time.time_ns():x}\r\n"
              f"From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\n"
              f"Call-ID: {time.time_ns():x}@t\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
              f"Content-Length: 0\r\n\r\n".encode())
    s.settimeout(2)
    return s.recv(65535).decode(errors="replace")


def test_malformed_tcp_connections_are_closed():
    daemon = Daemon(FIXTURE, {"sip.auth_fail_threshold": "1000000", "sip.timer_t1_ms": "50"})
    try:
        time.sleep(0.3)
        # A healthy, idle TCP connection must survive whatever closes the broken ones.
        healthy = socket.create_connection(("127.0.0.1", daemon.port), timeout=2)
        assert options_over(healthy, daemon.port).startswith("SIP/2.0 200"), "OPTIONS over TCP"
        time.sleep(0.3)
        baseline = socket_fds(daemon)
        msgs = corpus(daemon.port)
        n = 60
        for i in range(n):
            send_and_close(daemon, msgs[i % len(msgs)])
        # Bounded wait for the server side to notice the FIN / idle connection.
        deadline = time.time() + 12
        while time.time() < deadline and (close_wait_count(daemon) or socket_fds(daemon) > baseline):
            time.sleep(0.25)
        cw, fds = close_wait_count(daemon), socket_fds(daemon)
        print(f"after {n} malformed TCP connections: CLOSE-WAIT {cw}, socket fds {fds} (baseline {baseline})")
        assert daemon.alive()
        assert cw == 0, f"{cw} of {n} server connections left in CLOSE-WAIT"
        assert fds <= baseline, f"socket fds {baseline} -> {fds} after {n} malformed TCP connections"
        assert options_over(healthy, daemon.port).startswith("SIP/2.0 200"), "idle TCP connection was closed"
        healthy.close()
    finally:
        rc = daemon.stop()
    assert rc == 0, daemon.log()
