"""hujiaod as an operator meets it: --print-default-config, --check-config,
configuration errors that name the key and the line, environment overrides,
SIGHUP reload, SIGTERM stop and the first start's admin password."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["HUJIAO_SOURCE_DIR"], "tests", "system", "common"))
from hujiao_testlib import TCP, Hujiaod, free_port  # noqa: E402

HUJIAOD = os.environ["HUJIAOD"]


def run(args, env=None, cwd=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([HUJIAOD] + args, capture_output=True, text=True, timeout=60, env=full_env, cwd=cwd)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def test_print_default_config_is_a_valid_config_with_comments():
    out = run(["--print-default-config"])
    assert out.returncode == 0
    text = out.stdout
    for section in ("node:", "log:", "store:", "http:", "auth:"):
        assert re.search(r"^" + section, text, re.M), section
    # every key is preceded by a one-line comment
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^  [a-z_]+: ", line):
            assert lines[i - 1].startswith("  # "), line
    with tempfile.TemporaryDirectory() as d:
        path = write(os.path.join(d, "defaults.yaml"), text)
        check = run(["--check-config", "--config", path])
        assert check.returncode == 0, check.stderr
        assert "configuration ok" in check.stdout


def test_bad_config_names_file_line_and_key():
    with tempfile.TemporaryDirectory() as d:
        cases = [
            ("http:\n  port: 8080\n  prot: 1\n", [":3:", "http.prot", "unknown key"]),
            ("\nhtpp:\n  port: 1\n", [":2:", "htpp", "unknown section"]),
            ("http:\n  port: eighty\n", [":2:", "http.port", "integer"]),
            ("http:\n  port: 99999\n", [":2:", "http.port", "out of range"]),
            ("log:\n  level: loud\n", [":2:", "log.level", "not one of"]),
            ("http: [\n", ["YAML syntax error"]),
        ]
        for text, expected in cases:
            path = write(os.path.join(d, "bad.yaml"), text)
            for args in (["--check-config", "--config", path], ["--config", path]):
                out = run(args, cwd=d)
                assert out.returncode == 1, (text, out.stdout, out.stderr)
                for fragment in expected:
                    assert fragment in out.stderr, (text, fragment, out.stderr)


def test_environment_overrides_the_file_and_bad_env_is_refused():
    with tempfile.TemporaryDirectory() as d:
        path = write(os.path.join(d, "c.yaml"), "http:\n  port: 8080\n")
        out = run(["--check-config", "--config", path], env={"HUJIAO_HTTP_PORT": "not-a-port"})
        assert out.returncode == 1
        assert "HUJIAO_HTTP_PORT" in out.stderr and "http.port" in out.stderr
        # The daemon really listens on the port from the environment.
        daemon = Hujiaod(workdir=d, login=False)
        port = free_port((TCP,))
        os.environ["HUJIAO_HTTP_PORT"] = str(port)
        try:
            daemon.port = port
            daemon.start()
            status, _, _ = daemon.request("GET", "/healthz")
            assert status == 200
        finally:
            del os.environ["HUJIAO_HTTP_PORT"]
            daemon.stop()


def test_sighup_applies_reloadable_keys_logs_the_rest_and_refuses_bad_files():
    with tempfile.TemporaryDirectory() as d:
        daemon = Hujiaod(workdir=d, login=False).start()
        try:
            cfg = os.path.join(d, "hujiao.yaml")
            original = open(cfg).read()
            # log.level is reloadable; http.threads needs a restart.
            changed = original.replace('level: "info"', 'level: "debug"').replace("http:\n", "http:\n  threads: 3\n", 1)
            write(cfg, changed)
            daemon.proc.send_signal(signal.SIGHUP)
            wait_for_log(daemon, "configuration reloaded")
            log = daemon.read_log()
            assert "log.level applied" in log
            assert "http.threads changed but needs a restart" in log
            # A broken file is refused and the daemon keeps serving.
            write(cfg, changed + "bogus_section:\n  x: 1\n")
            daemon.proc.send_signal(signal.SIGHUP)
            wait_for_log(daemon, "reload refused")
            assert "bogus_section" in daemon.read_log()
            status, _, _ = daemon.request("GET", "/healthz")
            assert status == 200
        finally:
            daemon.stop()


def test_sigterm_stops_cleanly_with_exit_code_zero():
    with tempfile.TemporaryDirectory() as d:
        daemon = Hujiaod(workdir=d, login=False).start()
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(timeout=20) == 0
        assert "stopped" in daemon.read_log()


def test_first_start_prints_a_generated_admin_password_once():
    with tempfile.TemporaryDirectory() as d:
        daemon = Hujiaod(workdir=d, login=False)
        path = os.path.join(d, "hujiao.yaml")
        write(path, daemon.config_text())
        env = dict(os.environ)
        env.pop("HUJIAO_ADMIN_PASSWORD", None)
        outputs = []
        for _ in range(2):
            proc = subprocess.Popen([HUJIAOD, "--config", path], cwd=d, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            deadline = time.time() + 30
            text = ""
            while time.time() < deadline:
                line = proc.stdout.readline()
                text += line
                if "hujiaod ready" in line or not line:
                    break
            proc.send_signal(signal.SIGTERM)
            rest, _ = proc.communicate(timeout=20)
            outputs.append(text + rest)
        match = re.search(r"admin.*password.*?:\s*(\S+)", outputs[0], re.I)
        assert match, outputs[0]
        password = match.group(1)
        assert password not in outputs[1]
        # The printed password works.
        daemon.proc = None
        daemon.start()
        try:
            status, body, _ = daemon.request("POST", "/api/v1/auth/login", {"username": "admin", "password": password},
                                             token=None)
            assert status == 200, body
        finally:
            daemon.stop()


def wait_for_log(daemon, text, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in daemon.read_log():
            return
        time.sleep(0.05)
    raise AssertionError("log never said {!r}: {}".format(text, daemon.read_log()))
