"""The OpenAPI document the running daemon serves describes every route's bodies, and the
records routes (QA, staffing) that read their bodies themselves refuse bad input the way the
schemas say: a JSON error with a code and the field's name (docs/api.md "Schemas")."""
from conftest import assert_error

# Answers that are not JSON documents (the unit test api.OpenApiTest.EveryRouteHasRequestAndResponseSchemas
# lists the same ones, with reasons).
NOT_JSON = {("get", "/metrics"), ("get", "/api/v1/openapi.json"), ("get", "/api/v1/events"),
            ("get", "/api/v1/recordings/{id}/audio"), ("get", "/api/v1/voicemails/{id}/audio")}
NO_BODY = {("post", "/api/v1/auth/logout"), ("post", "/api/v1/users/{id}/unlock"), ("post", "/api/v1/flows/reload"),
           ("post", "/api/v1/agents/{id}/logout"), ("post", "/api/v1/agents/{id}/ready"),
           ("post", "/api/v1/agents/{id}/force_logout"), ("post", "/api/v1/agents/{id}/force_ready"),
           ("post", "/api/v1/interactions/{id}/force_release")}


def test_every_operation_has_schemas(daemon):
    status, _, doc = daemon.request("GET", "/api/v1/openapi.json")
    assert status == 200
    schemas = doc["components"]["schemas"]
    missing = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            ok = next(code for code in op["responses"] if code != "default" and int(code) < 300)
            if ok != "204" and (method, path) not in NOT_JSON:
                ref = op["responses"][ok].get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
                if not ref or ref.split("/")[-1] not in schemas:
                    missing.append(f"{method.upper()} {path}: response")
            if method in ("post", "put", "patch") and (method, path) not in NO_BODY:
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    if content["application/json"]["schema"]["$ref"].split("/")[-1] not in schemas:
                        missing.append(f"{method.upper()} {path}: request")
                elif not content:
                    missing.append(f"{method.upper()} {path}: request")
    assert not missing, missing
    # Fractional numbers are numbers, with their ranges.
    sl = schemas["StaffingErlangRequest"]["properties"]["target_sl_pct"]
    assert sl["type"] == "number" and sl["minimum"] == 0 and sl["maximum"] == 100 and sl["exclusiveMaximum"]
    assert schemas["ScoreCriterion"]["properties"]["weight"]["type"] == "number"
    assert schemas["Report"]["properties"]["rows"]["items"]["type"] == "object"


def test_staffing_bad_input_names_the_field(daemon, admin_token):
    t = admin_token
    good = {"calls": 100, "aht_s": 180.5, "interval_s": 1800, "target_sl_pct": 80, "target_s": 20}
    status, _, body = daemon.request("POST", "/api/v1/staffing/erlang", good, token=t)
    assert status == 200, body
    assert isinstance(body["agents"], int) and body["agents"] > 0
    assert body["service_level_pct"] >= 80
    for field, value, code in (("target_sl_pct", 100, "invalid_field"), ("calls", "many", "invalid_field"),
                               ("target_s", None, "invalid_field")):
        bad = dict(good)
        bad[field] = value
        r = daemon.request("POST", "/api/v1/staffing/erlang", bad, token=t)
        assert_error(r, 400, code, field)
    r = daemon.request("POST", "/api/v1/staffing/plan",
                       {"intervals": [{"start": "2024-05-01T08:00:00Z", "calls": "x", "aht_s": 200}],
                        "target_sl_pct": 80, "target_s": 20}, token=t)
    assert_error(r, 400, "invalid_field", "intervals[0].calls")
    assert_error(daemon.request("POST", "/api/v1/staffing/erlang", raw=b"{", token=t,
                                headers={"Content-Type": "application/json"}), 400, "invalid_json")


def test_qa_bad_input_names_the_field(daemon, admin_token):
    t = admin_token
    r = daemon.request("POST", "/api/v1/qa/forms",
                       {"name": "Schema test", "criteria": [{"id": "greet", "name": "Greeting", "weight": "all"}]},
                       token=t)
    assert_error(r, 400, "invalid_field", "weight")
    r = daemon.request("POST", "/api/v1/qa/forms", {"name": "Schema test"}, token=t)
    assert_error(r, 400, "invalid_field", "criteria")
    status, _, form = daemon.request(
        "POST", "/api/v1/qa/forms",
        {"name": "Schema test", "criteria": [{"id": "greet", "name": "Greeting", "weight": 37.5, "max_points": 5},
                                             {"id": "solve", "name": "Solved", "weight": 62.5}]}, token=t)
    assert status == 201, form
    assert [c["weight"] for c in form["criteria"]] == [37.5, 62.5]
