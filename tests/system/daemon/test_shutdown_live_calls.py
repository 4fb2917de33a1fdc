"""SIGTERM while calls are in IVR flows: one caller waits in a menu, another
waits for an HTTP look-up that the (slow) server has not answered yet. The
daemon must stop cleanly (exit 0, "stopped" logged, no sanitizer report) and
keep what the calls left behind consistent: it starts again on the same
database with the flow published."""
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["HUJIAO_SOURCE_DIR"], "tests", "system", "ivr"))
import ivrlib  # noqa: E402
from telib import wait_until  # noqa: E402


class SlowServer:
    """Answers every GET after `delay` seconds (the look-up is in flight at SIGTERM)."""

    def __init__(self, delay):
        self.hits = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.hits += 1
                time.sleep(delay)
                body = b'{"data":{"balance":"1"}}'
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the daemon went away

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def flow(http_port):
    return {
        "id": "hold", "name": "Shutdown", "languages": ["en"], "start": "answer",
        "nodes": {
            "answer": {"type": "answer", "next": "menu"},
            "menu": {"type": "menu", "prompt": {"tone": "beep"}, "branches": {"1": "lookup"},
                     "timeout_ms": 30000, "retries": 0, "default": "bye"},
            "lookup": {"type": "http", "url": f"http://127.0.0.1:{http_port}/balance", "timeout_ms": 8000,
                       "result": {"balance": "data.balance"}, "next": "bye", "fallback": "bye"},
            "bye": {"type": "hangup", "reason": "completed"},
        },
    }


def test_sigterm_with_calls_in_ivr_flows_exits_cleanly():
    slow = SlowServer(delay=6)
    d = ivrlib.IvrDaemon().start()
    calls = []
    try:
        d.publish_flow(flow(slow.port), number="7100")
        # One caller stays in the menu, one presses 1 and waits for the look-up.
        calls.append(ivrlib.Call(d, "7100", "13900000001", [("pause", 20000)], end="bye", timeout=40))
        calls.append(ivrlib.Call(d, "7100", "13900000002", [("pause", 800), ("digit", "1"), ("pause", 20000)],
                                 end="bye", timeout=40))
        wait_until(lambda: slow.hits >= 1, 15, "the look-up to reach the HTTP server")

        def both_live():
            s, _, live = d.api("GET", "/api/v1/calls")
            return s == 200 and live["total"] >= 2
        wait_until(both_live, 10, "both calls to be live")
        started = time.time()
        rc = d.stop()  # SIGTERM; fails if the daemon needs more than 20 s
        took = time.time() - started
        log = d.read_log()
        assert rc == 0, log
        assert "stopped" in log, log
        assert "AddressSanitizer" not in log and "runtime error" not in log, log
        assert took < 15, f"stopping took {took:.1f}s"
    finally:
        for c in calls:
            if c.proc.poll() is None:
                c.proc.kill()
                c.proc.wait()
        if d.proc and d.proc.poll() is None:
            d.proc.kill()
        slow.close()
    # The same database opens again and the flow is still published (the
    # plain telib start: the trunk is stored already).
    ivrlib.telib.Daemon.start(d)
    try:
        s, _, f = d.api("GET", "/api/v1/flows/hold")
        assert s == 200 and f["published_version"] == 1, f
    finally:
        assert d.stop() == 0, d.read_log()
