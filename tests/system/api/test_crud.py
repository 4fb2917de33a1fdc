"""CRUD with pagination and filters for departments, users and roles; audit entries for each change."""
import uuid

from conftest import assert_error


def uniq(prefix):
    return prefix + "-" + uuid.uuid4().hex[:8]


def test_departments_crud(daemon, admin_token):
    t = admin_token
    name = uniq("Sales")
    status, headers, dep = daemon.request("POST", "/api/v1/departments", {"name": name, "description": "d"}, token=t)
    assert status == 201
    assert headers["location"] == "/api/v1/departments/" + dep["id"]
    assert dep["name"] == name and dep["parent_id"] is None and dep["created_at"].endswith("Z")
    status, _, child = daemon.request("POST", "/api/v1/departments", {"name": name + "-East",
                                                                      "parent_id": dep["id"]}, token=t)
    assert status == 201 and child["parent_id"] == dep["id"]
    assert daemon.request("GET", "/api/v1/departments/" + dep["id"], token=t)[2] == dep
    status, _, patched = daemon.request("PATCH", "/api/v1/departments/" + dep["id"], {"description": "new"}, token=t)
    assert status == 200 and patched["description"] == "new" and patched["name"] == name
    # A cycle is refused; a parent with children cannot be deleted.
    assert_error(daemon.request("PATCH", "/api/v1/departments/" + dep["id"], {"parent_id": child["id"]}, token=t),
                 400, "invalid_field", "parent_id")
    assert_error(daemon.request("DELETE", "/api/v1/departments/" + dep["id"], token=t), 409, "conflict")
    status, _, found = daemon.request("GET", "/api/v1/departments?q=" + name, token=t)
    assert found["total"] == 2  # parent and "…-East" child both contain the name
    assert daemon.request("DELETE", "/api/v1/departments/" + child["id"], token=t)[0] == 204
    assert daemon.request("DELETE", "/api/v1/departments/" + dep["id"], token=t)[0] == 204
    assert_error(daemon.request("GET", "/api/v1/departments/" + dep["id"], token=t), 404, "not_found")
    status, _, audit = daemon.request("GET", "/api/v1/audit?resource=departments&limit=1000", token=t)
    mine = [e for e in reversed(audit["items"]) if e["resource_id"] == dep["id"]]  # the log is newest first
    assert [e["action"] for e in mine] == ["create", "update", "delete"]
    assert mine[1]["before"]["description"] == "d" and mine[1]["after"]["description"] == "new"
    assert mine[0]["username"] == "admin" and mine[0]["source_address"] == "127.0.0.1"


def test_users_crud_pagination_and_filters(daemon, admin_token):
    t = admin_token
    status, _, dep = daemon.request("POST", "/api/v1/departments", {"name": uniq("Pager")}, token=t)
    prefix = uniq("pg")
    ids = []
    for i in range(7):
        status, headers, u = daemon.request("POST", "/api/v1/users",
                                            {"username": "%s-%d" % (prefix, i), "password": "Pass-word-1",
                                             "display_name": "User %d" % i, "email": "u%d@example.com" % i,
                                             "department_id": dep["id"]}, token=t)
        assert status == 201, u
        assert headers["location"] == "/api/v1/users/" + u["id"]
        assert set(u) == {"id", "username", "display_name", "email", "phone", "department_id", "role_ids",
                          "enabled", "locked_until", "last_login_at", "created_at", "updated_at"}
        ids.append(u["id"])
    status, _, page1 = daemon.request("GET", "/api/v1/users?department_id=%s&limit=3" % dep["id"], token=t)
    assert status == 200
    assert page1["total"] == 7 and page1["limit"] == 3 and page1["offset"] == 0 and len(page1["items"]) == 3
    status, _, page3 = daemon.request("GET", "/api/v1/users?department_id=%s&limit=3&offset=6" % dep["id"], token=t)
    assert len(page3["items"]) == 1 and page3["offset"] == 6
    seen = [u["id"] for u in page1["items"]] + [u["id"] for u in page3["items"]]
    assert len(set(seen)) == 4
    status, _, q = daemon.request("GET", "/api/v1/users?q=%s-3" % prefix, token=t)
    assert [u["id"] for u in q["items"]] == [ids[3]]
    # Duplicate username -> 409.
    assert_error(daemon.request("POST", "/api/v1/users", {"username": "%s-0" % prefix, "password": "Pass-word-1"},
                                token=t), 409, "conflict")
    # PATCH is partial.
    status, _, p = daemon.request("PATCH", "/api/v1/users/" + ids[0], {"phone": "+8613800000000"}, token=t)
    assert status == 200 and p["phone"] == "+8613800000000" and p["email"] == "u0@example.com"
    status, _, p = daemon.request("PATCH", "/api/v1/users/" + ids[0], {"department_id": None}, token=t)
    assert p["department_id"] is None
    assert daemon.request("DELETE", "/api/v1/users/" + ids[1], token=t)[0] == 204
    assert_error(daemon.request("GET", "/api/v1/users/" + ids[1], token=t), 404, "not_found")
    assert_error(daemon.request("DELETE", "/api/v1/users/" + ids[1], token=t), 404, "not_found")
    status, _, audit = daemon.request("GET", "/api/v1/audit?resource=users&limit=1000", token=t)
    by_id = {}
    for e in reversed(audit["items"]):  # newest first
        by_id.setdefault(e["resource_id"], []).append(e["action"])
    assert by_id[ids[0]] == ["create", "update", "update"]
    assert by_id[ids[1]] == ["create", "delete"]
    assert "argon2" not in str(audit)


def test_roles_crud_and_permissions(daemon, admin_token):
    t = admin_token
    status, _, perms = daemon.request("GET", "/api/v1/permissions", token=t)
    names = [p["name"] for p in perms["items"]]
    assert "users.read" in names and "audit.read" in names
    status, _, roles = daemon.request("GET", "/api/v1/roles", token=t)
    builtin = {r["name"]: r for r in roles["items"] if r["builtin"]}
    assert set(builtin) >= {"admin", "supervisor", "agent", "auditor"}
    name = uniq("reader")
    status, headers, role = daemon.request("POST", "/api/v1/roles",
                                           {"name": name, "permissions": ["users.read", "departments.read"],
                                            "scope": "department"}, token=t)
    assert status == 201 and headers["location"] == "/api/v1/roles/" + role["id"]
    assert role["permissions"] == ["departments.read", "users.read"] and not role["builtin"]
    assert_error(daemon.request("POST", "/api/v1/roles", {"name": uniq("bad"), "permissions": ["users.fly"]},
                                token=t), 400, "invalid_field", "users.fly")
    status, _, patched = daemon.request("PATCH", "/api/v1/roles/" + role["id"], {"permissions": ["users.read"]},
                                        token=t)
    assert status == 200 and patched["permissions"] == ["users.read"] and patched["scope"] == "department"
    assert_error(daemon.request("PATCH", "/api/v1/roles/" + builtin["admin"]["id"], {"description": "x"}, token=t),
                 409, "conflict")
    assert_error(daemon.request("DELETE", "/api/v1/roles/" + builtin["agent"]["id"], token=t), 409, "conflict")
    # A role in use cannot be deleted; once unassigned it can.
    status, _, u = daemon.request("POST", "/api/v1/users", {"username": uniq("holder"), "password": "Pass-word-1",
                                                             "role_ids": [role["id"]]}, token=t)
    assert status == 201 and u["role_ids"] == [role["id"]]
    assert_error(daemon.request("DELETE", "/api/v1/roles/" + role["id"], token=t), 409, "conflict")
    assert daemon.request("PATCH", "/api/v1/users/" + u["id"], {"role_ids": []}, token=t)[0] == 200
    assert daemon.request("DELETE", "/api/v1/roles/" + role["id"], token=t)[0] == 204
    status, _, audit = daemon.request("GET", "/api/v1/audit?resource=roles", token=t)
    assert [e["action"] for e in audit["items"] if e["resource_id"] == role["id"]] == ["delete", "update", "create"]


def test_audit_filters_by_time_and_paginates(daemon, admin_token):
    t = admin_token
    status, _, everything = daemon.request("GET", "/api/v1/audit?limit=2", token=t)
    assert status == 200 and everything["limit"] == 2 and len(everything["items"]) == 2
    assert everything["total"] > 2
    assert_error(daemon.request("GET", "/api/v1/audit?from=yesterday", token=t), 400, "invalid_query", "from")
    status, _, future = daemon.request("GET", "/api/v1/audit?from=2999-01-01T00:00:00Z", token=t)
    assert future["total"] == 0 and future["items"] == []
    status, _, past = daemon.request("GET", "/api/v1/audit?to=2000-01-01", token=t)
    assert past["total"] == 0


def test_auditor_reads_but_cannot_change(daemon):
    token = daemon.login("auditor1", "auditor1-demo")
    assert daemon.request("GET", "/api/v1/users", token=token)[0] == 200
    assert daemon.request("GET", "/api/v1/audit", token=token)[0] == 200
    assert_error(daemon.request("POST", "/api/v1/roles", {"name": "x", "permissions": []}, token=token),
                 403, "forbidden", "roles.write")
