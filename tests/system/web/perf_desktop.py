"""Prints the agent desktop's first-load times (benchmark, not a test): starts
hujiaod with the demo data and the built console (web/dist), then loads
/desktop as agent1001 N times cold (new browser context) and twice warm in
Debian's headless Chromium (perf.mjs). Usage, from the source tree:
  HUJIAOD=build/web/src/app/hujiaod /usr/bin/python3 tests/system/web/perf_desktop.py [N]
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "telephony"))
from telib import Daemon  # noqa: E402

WEB_DIST = os.path.abspath(os.path.join(HERE, "..", "..", "..", "web", "dist"))
DRIVER = """
import { measureDesktop } from './perf.mjs';
import { api } from './lib.mjs';
const tok = (await api('POST', '/auth/login', null, { username: 'agent1001', password: 'agent1001-demo' })).body.token;
await measureDesktop(tok, { cold: Number(process.env.N) });
"""

if __name__ == "__main__":
    n = sys.argv[1] if len(sys.argv) > 1 else "5"
    d = Daemon({"http": {"static_dir": WEB_DIST}}).start()
    try:
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
        r = subprocess.run(["node", "--input-type=module", "-e", DRIVER], cwd=HERE, timeout=300,
                           env=dict(os.environ, HUJIAO_URL=f"http://127.0.0.1:{d.port}", N=n))
        sys.exit(r.returncode)
    finally:
        d.stop()
