"""Registrar through real SIP: digest MD5 and SHA-256, expiry, un-register,
wrong passwords and blocking, persistence across a restart."""
import pytest

from siplib import Daemon, RawClient, status_of

FIXTURE = {"extensions": [{"number": "100", "password": "secret100", "display_name": "Alice"},
                          {"number": "200", "password": "secret200", "max_contacts": 2}]}


@pytest.fixture
def daemon():
    d = Daemon(FIXTURE, {"sip.auth_fail_threshold": "3", "sip.auth_block_duration": "60",
                         "sip.register_min_expires": "30"})
    yield d
    d.stop()


@pytest.mark.parametrize("alg", ["MD5", "SHA-256"])
def test_register_with_digest(daemon, alg):
    c = RawClient(daemon)
    first = c.request("REGISTER", "100", expires=120)
    assert status_of(first) == 401
    # Both challenges are offered (RFC 8760).
    assert "algorithm=SHA-256" in first and "algorithm=MD5" in first
    r = c.register("100", "secret100", alg=alg, expires=120)
    assert status_of(r) == 200, r
    assert ";expires=120" in r
    regs = daemon.cmd("registrations 100")
    assert len(regs) == 1 and regs[0]["source_port"] == c.local[1] and regs[0]["transport"] == "udp"


def test_several_contacts_max_and_unregister(daemon):
    a, b, c = RawClient(daemon), RawClient(daemon), RawClient(daemon)
    assert status_of(a.register("200", "secret200")) == 200
    assert status_of(b.register("200", "secret200")) == 200
    assert len(daemon.cmd("registrations 200")) == 2
    assert status_of(c.register("200", "secret200")) == 403  # max_contacts = 2
    assert status_of(a.register("200", "secret200", expires=0)) == 200
    assert len(daemon.cmd("registrations 200")) == 1
    assert status_of(a.register("200", "secret200", expires=10)) == 423  # below min expires
    # "Contact: *" with Expires: 0 removes every binding.
    assert status_of(b.register("200", "secret200", expires=0, contact="*")) == 200
    assert daemon.cmd("registrations 200") == []


def test_registration_expires(daemon):
    c = RawClient(daemon)
    assert status_of(c.register("100", "secret100", expires=30)) == 200
    reg = daemon.cmd("registrations 100")[0]
    assert 25_000_000 < reg["expires_us"] - __import__("time").time() * 1e6 <= 30_000_000


def test_wrong_password_then_blocked_then_unblocked(daemon):
    c = RawClient(daemon)
    for _ in range(3):
        assert status_of(c.register("100", "secret100", wrong=True)) == 403
    # Blocked: even the right password is refused now, and the block is listed.
    r = c.request("REGISTER", "100", expires=60)
    assert status_of(r) == 403
    blocked = daemon.cmd("blocked")
    assert [b["address"] for b in blocked] == ["127.0.0.1"]
    metrics = daemon.cmd("metrics")["text"]
    assert "hujiao_sip_auth_failures_total 3" in metrics
    assert "hujiao_sip_address_blocks_total 1" in metrics
    assert daemon.cmd("unblock 127.0.0.1") == {"unblocked": True}
    assert status_of(c.register("100", "secret100")) == 200


def test_unknown_user_and_bad_digest_refused(daemon):
    c = RawClient(daemon)
    assert status_of(c.register("999", "whatever")) == 403
    bad = 'Authorization: Digest username="100", realm="hujiao", nonce="zzz", uri="sip:x", response="00"'
    assert status_of(c.request("REGISTER", "100", extra_headers=bad)) == 403
    garbage = 'Authorization: Digest username="100, realm'
    assert status_of(c.request("REGISTER", "100", extra_headers=garbage)) in (400, 401, 403)


def test_registrations_and_blocks_survive_restart(daemon):
    c = RawClient(daemon)
    assert status_of(c.register("100", "secret100", expires=300)) == 200
    daemon.stop()
    daemon.start()
    regs = daemon.cmd("registrations 100")
    assert len(regs) == 1 and regs[0]["source_port"] == c.local[1]


def test_register_over_tcp(daemon):
    c = RawClient(daemon, transport="tcp")
    assert status_of(c.register("100", "secret100")) == 200
    regs = daemon.cmd("registrations 100")
    assert regs[0]["transport"] == "tcp"


def test_ipv6_and_tls_transports(tmp_path):
    import ssl
    import subprocess
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    from siplib import free_port
    tls_port = free_port()
    d = Daemon(FIXTURE, {"sip.listen_address": "*", "sip.tls_port": str(tls_port),
                         "sip.tls_certificate": str(cert), "sip.tls_key": str(key)})
    try:
        c6 = RawClient(d, ip="::1", server="::1")
        assert status_of(c6.register("100", "secret100")) == 200
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ct = RawClient(d, transport="tls", server="127.0.0.1", port=tls_port, tls_context=ctx)
        assert status_of(ct.register("200", "secret200")) == 200
        regs = {r["extension"]: r for r in d.cmd("registrations")}
        assert regs["100"]["source_ip"] == "::1"
        assert regs["200"]["transport"] == "tls"
    finally:
        d.stop()
