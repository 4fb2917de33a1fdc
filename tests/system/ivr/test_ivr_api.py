"""The IVR REST API on the real daemon: flows CRUD with versions, validate,
publish (atomic, invalid versions never published), YAML documents, flows
from ivr.flows_dir, DID target types, notices, blacklist, permissions."""
import os

import pytest

import ivrlib

FLOW = {"id": "hot", "start": "a", "nodes": {
    "a": {"type": "answer", "next": "m"},
    "m": {"type": "menu", "prompt": {"tts": "press 1"}, "branches": {"1": "bye"}, "default": "bye"},
    "bye": {"type": "hangup", "prompt": {"tts": "bye"}}}}

YAML = """
id: yamlflow
name: From YAML
start: a
nodes:
  a: {type: answer, next: bye}
  bye: {type: hangup}
"""


@pytest.fixture(scope="module")
def daemon():
    import tempfile
    flows = tempfile.mkdtemp(prefix="ivr-flows-")
    with open(os.path.join(flows, "good.yaml"), "w") as f:
        f.write("id: fromdir\nstart: a\nnodes:\n  a: {type: answer, next: b}\n  b: {type: hangup}\n")
    with open(os.path.join(flows, "bad.yaml"), "w") as f:
        f.write("id: baddir\nstart: a\nnodes:\n  a: {type: answer, next: nowhere}\n")
    d = ivrlib.IvrDaemon({"ivr": {"flows_dir": flows}}).start()
    d.flows_dir = flows
    yield d
    assert d.stop() == 0, d.read_log()


def test_flow_crud_versions_and_publish(daemon):
    s, h, f = daemon.api("POST", "/api/v1/flows", {"name": "Hotline", "description": "main", "document": FLOW})
    assert s == 201, f
    assert h["location"] == "/api/v1/flows/hot"
    assert f["id"] == "hot" and f["latest_version"] == 1 and f["published_version"] is None, f
    assert daemon.api("POST", "/api/v1/flows", {"document": FLOW})[0] == 409

    s, _, one = daemon.api("GET", "/api/v1/flows/hot")
    assert s == 200 and one["document"]["version"] == 1 and one["name"] == "Hotline", one
    assert one["versions"] == [{"version": 1, "created_at": one["versions"][0]["created_at"], "created_by": "admin",
                                "published": False}]

    changed = dict(FLOW, nodes=dict(FLOW["nodes"], bye={"type": "hangup", "prompt": {"tts": "goodbye"}}))
    s, _, f2 = daemon.api("PUT", "/api/v1/flows/hot", {"name": "Hotline", "document": changed})
    assert s == 200 and f2["latest_version"] == 2 and f2["published_version"] is None, f2

    s, _, p = daemon.api("POST", "/api/v1/flows/hot/publish", {"version": 1})
    assert s == 200 and p["published_version"] == 1, p
    s, _, p = daemon.api("POST", "/api/v1/flows/hot/publish", {"version": 2})
    assert s == 200 and p["published_version"] == 2, p
    assert daemon.api("POST", "/api/v1/flows/hot/publish", {"version": 7})[0] == 404
    s, _, one = daemon.api("GET", "/api/v1/flows/hot")
    assert [v["published"] for v in one["versions"]] == [True, False], one["versions"]

    s, _, lst = daemon.api("GET", "/api/v1/flows")
    assert s == 200 and any(x["id"] == "hot" for x in lst["items"]) and lst["total"] >= 1, lst
    # The id in the URL wins over a different one in the document.
    assert daemon.api("PUT", "/api/v1/flows/hot", {"document": dict(FLOW, id="other")})[0] == 400
    assert daemon.api("PUT", "/api/v1/flows/nope", {"document": FLOW})[0] == 404


def test_invalid_flows_are_refused_with_node_and_problem(daemon):
    bad = dict(FLOW, nodes=dict(FLOW["nodes"], m={"type": "menu", "prompt": {"tts": "x"}, "branches": {"1": "gone"}},
                                lost={"type": "hangup"}))
    s, _, e = daemon.api("POST", "/api/v1/flows", {"document": dict(bad, id="bad")})
    assert s == 422 and e["error"]["code"] == "invalid_flow", e
    problems = {(d["node"], d["code"]) for d in e["error"]["details"]}
    assert ("m", "dangling_target") in problems and ("lost", "unreachable") in problems, problems
    assert all(d["problem"] for d in e["error"]["details"])
    assert daemon.api("GET", "/api/v1/flows/bad")[0] == 404

    s, _, v = daemon.api("POST", "/api/v1/flows/validate", {"document": bad})
    assert s == 200 and v["valid"] is False and v["problems"], v
    s, _, v = daemon.api("POST", "/api/v1/flows/validate", {"document": FLOW})
    assert s == 200 and v == {"valid": True, "problems": []}, v
    s, _, v = daemon.api("POST", "/api/v1/flows/validate", {"document": {"yaml": "id: [broken"}})
    assert s == 200 and v["valid"] is False and v["problems"][0]["code"] == "bad_document", v
    s, _, v = daemon.api("POST", "/api/v1/flows/validate", {"document": {"id": "x", "start": "a", "nodes": {
        "a": {"type": "teleport"}}}})
    assert {p["code"] for p in v["problems"]} >= {"unknown_type"}, v
    assert daemon.api("POST", "/api/v1/flows/validate", {"nodocument": 1})[0] == 400
    assert daemon.api("POST", "/api/v1/flows", raw=b"{not json")[0] == 400


def test_yaml_documents(daemon):
    s, _, f = daemon.api("POST", "/api/v1/flows", {"document": {"yaml": YAML}})
    assert s == 201 and f["id"] == "yamlflow" and f["name"] == "From YAML", f
    s, _, one = daemon.api("GET", "/api/v1/flows/yamlflow")
    assert one["document"]["nodes"]["a"]["type"] == "answer"


def test_flows_directory(daemon):
    s, _, f = daemon.api("GET", "/api/v1/flows/fromdir")
    assert s == 200 and f["published_version"] == 1 and f["versions"][0]["created_by"] == "flows_dir:good.yaml", f
    assert daemon.api("GET", "/api/v1/flows/baddir")[0] == 404
    s, _, r = daemon.api("POST", "/api/v1/flows/reload")
    assert s == 200, r
    by = {x["file"]: x for x in r["items"]}
    assert by["good.yaml"]["status"] == "unchanged"
    assert by["bad.yaml"]["status"] == "invalid"
    assert by["bad.yaml"]["problems"][0]["node"] == "a", by["bad.yaml"]
    assert "bad.yaml" in daemon.read_log()
    with open(os.path.join(daemon.flows_dir, "good.yaml"), "a") as fh:
        fh.write("name: edited\n")
    s, _, r = daemon.api("POST", "/api/v1/flows/reload")
    by = {x["file"]: x for x in r["items"]}
    assert by["good.yaml"]["status"] == "published" and by["good.yaml"]["version"] == 2, by


def test_did_target_types(daemon):
    s, _, d = daemon.api("POST", "/api/v1/dids", {"number": "7100", "target_type": "flow", "target": "hot"})
    assert s == 201 and d["target_type"] == "flow", d
    s, _, d2 = daemon.api("POST", "/api/v1/dids", {"number": "7101", "target_type": "queue", "target": "service"})
    assert s == 201, d2
    s, _, e = daemon.api("POST", "/api/v1/dids", {"number": "7102", "target_type": "teleport", "target": "x"})
    assert s == 400 and e["error"]["code"] == "invalid_field", e
    s, _, e = daemon.api("PATCH", "/api/v1/dids/" + d["id"], {"target_type": "nope"})
    assert s == 400, e
    # A flow that a DID routes to cannot be deleted.
    s, _, e = daemon.api("DELETE", "/api/v1/flows/hot")
    assert s == 409, e
    assert daemon.api("DELETE", "/api/v1/dids/" + d["id"])[0] == 204
    assert daemon.api("DELETE", "/api/v1/flows/hot")[0] == 204
    assert daemon.api("GET", "/api/v1/flows/hot")[0] == 404


def test_notices_blacklist_and_lists(daemon):
    s, _, n = daemon.api("GET", "/api/v1/notices")
    assert s == 200 and any(x["id"] == "emergency" for x in n["items"]), n  # the demo notice switch
    s, _, x = daemon.api("PUT", "/api/v1/notices/emergency", {"active": True, "text": "Service notice"})
    assert s == 200 and x["active"] and x["text"] == "Service notice", x
    assert daemon.api("PUT", "/api/v1/notices/emergency", {"text": "no active"})[0] == 400
    assert daemon.api("PUT", "/api/v1/notices/emergency", {"active": False})[2]["active"] is False

    s, _, b = daemon.api("POST", "/api/v1/blacklist", {"pattern": "+86 400-123*", "reason": "sales",
                                                       "expires_at": "2099-01-01T00:00:00Z"})
    assert s == 201 and b["pattern"] == "+86400123*" and b["expires_at"].startswith("2099-01-01"), b
    s, _, e = daemon.api("POST", "/api/v1/blacklist", {"pattern": "call me"})
    assert s == 400 and e["error"]["code"] == "invalid_field", e
    assert daemon.api("POST", "/api/v1/blacklist", {"pattern": "1", "expires_at": "tomorrow"})[0] == 400
    s, _, lst = daemon.api("GET", "/api/v1/blacklist?q=400123")
    assert s == 200 and lst["total"] == 1, lst
    assert daemon.api("DELETE", "/api/v1/blacklist/" + b["id"])[0] == 204
    assert daemon.api("DELETE", "/api/v1/blacklist/" + b["id"])[0] == 404

    for path in ("/api/v1/voicemails", "/api/v1/callbacks"):
        s, _, body = daemon.api("GET", path)
        assert s == 200 and "items" in body and "total" in body, body
    assert daemon.api("GET", "/api/v1/calls/nope/ivr-path")[0] == 404
    assert daemon.api("GET", "/api/v1/voicemails/nope/audio")[0] == 404


def test_permissions(daemon):
    agent = daemon.login("agent1001", "agent1001-demo")
    assert daemon.request("GET", "/api/v1/flows", token=agent)[0] == 403
    assert daemon.request("POST", "/api/v1/blacklist", {"pattern": "1"}, token=agent)[0] == 403
    assert daemon.request("GET", "/api/v1/flows")[0] == 401
    sup = daemon.login("supervisor1", "supervisor1-demo")
    assert daemon.request("GET", "/api/v1/flows", token=sup)[0] == 200
