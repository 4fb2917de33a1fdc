"""A minimal dialog-aware SIP user agent over UDP for tests that need a party
holding two dialogs at once (the transferor of an attended transfer), which a
single sipp scenario cannot do: sipp maps every message to one Call-ID.

It answers INVITEs, places INVITEs with proxy digest auth, sends in-dialog
requests (REFER, UPDATE, BYE) and answers what arrives inside its dialogs."""
import random
import re
import socket
import time

from siplib import authorization


class Msg:
    """A parsed SIP message: start line, headers (name lower-case -> list of values), body."""

    def __init__(self, text):
        head, _, self.body = text.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.first = lines[0]
        self.headers = {}
        self.order = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            self.headers.setdefault(key, []).append(value.strip())
            self.order.append((name.strip(), value.strip()))
        self.is_response = self.first.startswith("SIP/2.0")
        self.status = int(self.first.split()[1]) if self.is_response else 0
        self.method = "" if self.is_response else self.first.split()[0]

    def h(self, name, default=""):
        v = self.headers.get(name.lower())
        return v[0] if v else default

    def all(self, name):
        return self.headers.get(name.lower(), [])

    @property
    def cseq_method(self):
        return self.h("CSeq").split()[-1]

    @property
    def call_id(self):
        return self.h("Call-ID")


def tag_of(value):
    m = re.search(r";\s*tag=([^;>\s]+)", value)
    return m.group(1) if m else ""


def uri_of(value):
    m = re.search(r"<([^>]+)>", value)
    return m.group(1) if m else value.split(";")[0].strip()


SDP_TEMPLATE = ("v=0\r\no=ua {sess} {ver} IN IP4 127.0.0.1\r\ns={name}\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                "m=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def sdp(name, port=40000, ver=1):
    return SDP_TEMPLATE.format(sess=random.getrandbits(24), ver=ver, name=name, port=port)


class Dialog:
    def __init__(self, call_id, local_uri, local_tag, remote_uri, remote_tag, remote_target):
        self.call_id = call_id
        self.local_uri = local_uri
        self.local_tag = local_tag
        self.remote_uri = remote_uri
        self.remote_tag = remote_tag
        self.remote_target = remote_target  # request URI of our in-dialog requests
        self.cseq = random.randint(1, 1000)
        self.remote_sdp = ""


class UA:
    """One UDP socket; `user` with `password` for proxy auth. Messages that do
    not match what a call is waiting for are kept in `inbox`."""

    def __init__(self, daemon, user, password):
        self.daemon = daemon
        self.user = user
        self.password = password
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = ("127.0.0.1", daemon.port)
        self.inbox = []
        self.log = []  # every message received, in order

    def close(self):
        self.sock.close()

    @property
    def contact(self):
        return f"<sip:{self.user}@127.0.0.1:{self.port};transport=udp>"

    def send(self, text):
        self.sock.sendto(text.encode(), self.server)

    def recv(self, timeout=5.0, pred=None):
        """The next message matching `pred` (earlier unmatched ones stay in the inbox)."""
        for i, m in enumerate(self.inbox):
            if pred is None or pred(m):
                return self.inbox.pop(i)
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"{self.user}: nothing matching arrived; inbox={[m.first for m in self.inbox]}")
            self.sock.settimeout(left)
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            m = Msg(data.decode(errors="replace"))
            self.log.append(m)
            if pred is None or pred(m):
                return m
            self.inbox.append(m)

    def register(self, expires=300):
        """REGISTER our socket's address as the contact of `user` (WWW digest, MD5)."""
        call_id = f"reg{random.getrandbits(40):x}"
        tag = f"{random.getrandbits(32):x}"
        uri = f"sip:127.0.0.1:{self.daemon.port}"
        auth = []
        for cseq in (1, 2):
            self.send(self._request("REGISTER", uri, call_id, cseq, f"<sip:{self.user}@127.0.0.1>;tag={tag}",
                                    f"<sip:{self.user}@127.0.0.1>", [f"Contact: {self.contact}",
                                                                     f"Expires: {expires}"] + auth))
            r = self.recv(pred=lambda m: m.is_response and m.call_id == call_id and m.status >= 200)
            if r.status == 401:
                auth = [self._auth_header("Authorization", self._md5(r.all("WWW-Authenticate")), "REGISTER", uri)]
                continue
            return r.status
        return r.status

    @staticmethod
    def _md5(challenges):
        return next(c for c in challenges if "algorithm=MD5" in c)

    def _auth_header(self, name, challenge, method, uri):
        return authorization(name, "MD5", self.user, self.password, method, uri, challenge)

    def _request(self, method, ruri, call_id, cseq, from_, to, extra=(), body="", ctype="application/sdp", branch=None):
        self.last_branch = branch or f"z9hG4bK{random.getrandbits(48):x}"
        lines = [f"{method} {ruri} SIP/2.0",
                 f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={self.last_branch};rport",
                 "Max-Forwards: 70", f"From: {from_}", f"To: {to}", f"Call-ID: {call_id}", f"CSeq: {cseq} {method}"]
        lines += list(extra)
        if body:
            lines.append(f"Content-Type: {ctype}")
        lines.append(f"Content-Length: {len(body.encode())}")
        return "\r\n".join(lines) + "\r\n\r\n" + body

    def respond(self, req, status, phrase, extra=(), body="", to_tag=None):
        to = req.h("To")
        if to_tag and not tag_of(to):
            to += f";tag={to_tag}"
        lines = [f"SIP/2.0 {status} {phrase}"] + [f"Via: {v}" for v in req.all("Via")]
        lines += [f"From: {req.h('From')}", f"To: {to}", f"Call-ID: {req.call_id}", f"CSeq: {req.h('CSeq')}"]
        lines += list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body.encode())}")
        self.send("\r\n".join(lines) + "\r\n\r\n" + body)

    # ---------------------------------------------------------------- dialogs

    def answer(self, timeout=10.0, body=None, extra=()):
        """Waits for a new INVITE, answers 200 with `body`, waits for the ACK; returns the Dialog."""
        inv = self.recv(timeout, lambda m: m.method == "INVITE" and not tag_of(m.h("To")))
        tag = f"b{random.getrandbits(32):x}"
        d = Dialog(inv.call_id, uri_of(inv.h("To")), tag, uri_of(inv.h("From")), tag_of(inv.h("From")),
                   uri_of(inv.h("Contact")))
        d.remote_sdp = inv.body
        d.invite = inv
        self.respond(inv, 200, "OK", [f"Contact: {self.contact}"] + list(extra), body or sdp(f"{self.user}-answer"),
                     to_tag=tag)
        self.recv(timeout, lambda m: m.method == "ACK" and m.call_id == d.call_id)
        return d

    def call(self, target, body=None, extra=(), timeout=10.0):
        """INVITE `target` through the switch (answers the 407); returns (Dialog, 200 response)."""
        call_id = f"ua{random.getrandbits(48):x}@127.0.0.1"
        tag = f"a{random.getrandbits(32):x}"
        ruri = f"sip:{target}@127.0.0.1:{self.daemon.port}"
        from_ = f"<sip:{self.user}@127.0.0.1>;tag={tag}"
        to = f"<sip:{target}@127.0.0.1>"
        body = body or sdp(f"{self.user}-offer")
        auth = []
        for cseq in (1, 2):
            self.send(self._request("INVITE", ruri, call_id, cseq, from_, to,
                                    [f"Contact: {self.contact}"] + list(extra) + auth, body))
            branch = self.last_branch
            r = self.recv(timeout, lambda m: m.is_response and m.call_id == call_id and m.status >= 200)
            if r.status == 407:
                self._ack_failure(ruri, call_id, cseq, from_, r, branch)
                auth = [self._auth_header("Proxy-Authorization", self._md5(r.all("Proxy-Authenticate")), "INVITE", ruri)]
                continue
            break
        if r.status >= 300:
            self._ack_failure(ruri, call_id, cseq, from_, r, branch)
            return None, r
        d = Dialog(call_id, f"sip:{self.user}@127.0.0.1", tag, to.strip("<>"), tag_of(r.h("To")),
                   uri_of(r.h("Contact")))
        d.cseq = cseq
        d.remote_sdp = r.body
        d.local_sdp = body
        self.send(self._request("ACK", d.remote_target, call_id, cseq, from_, r.h("To"), [f"Contact: {self.contact}"]))
        return d, r

    def _ack_failure(self, ruri, call_id, cseq, from_, r, branch):
        # The ACK of a non-2xx answer belongs to the INVITE transaction: same branch (RFC 3261 17.1.1.3).
        self.send(self._request("ACK", ruri, call_id, cseq, from_, r.h("To"), branch=branch))

    def request(self, d, method, extra=(), body="", ctype="application/sdp"):
        """An in-dialog request; returns its CSeq number (the answer stays in the inbox for `response`)."""
        d.cseq += 1
        self.send(self._request(method, d.remote_target, d.call_id, d.cseq, f"<{d.local_uri}>;tag={d.local_tag}",
                                f"<{d.remote_uri}>;tag={d.remote_tag}", [f"Contact: {self.contact}"] + list(extra),
                                body, ctype))
        return d.cseq

    def response(self, d, cseq, timeout=5.0, final=True):
        return self.recv(timeout, lambda m: m.is_response and m.call_id == d.call_id and
                         m.h("CSeq").split()[0] == str(cseq) and (m.status >= 200 or not final))

    def ack(self, d, cseq):
        self.send(self._request("ACK", d.remote_target, d.call_id, cseq, f"<{d.local_uri}>;tag={d.local_tag}",
                                f"<{d.remote_uri}>;tag={d.remote_tag}"))
