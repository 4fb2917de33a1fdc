"""Login, lockout, logout, /auth/me, RBAC and department scope, against the real daemon."""
import datetime

from conftest import ADMIN_PASSWORD, DEMO_PASSWORD, assert_error


def parse_time(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")


def test_login_returns_token_expiry_and_user(daemon):
    status, _, body = daemon.request("POST", "/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})
    assert status == 200
    assert len(body["token"]) == 43
    expires = parse_time(body["expires_at"])
    hours = (expires - datetime.datetime.utcnow()).total_seconds() / 3600
    assert 11.9 < hours <= 12.0
    assert body["user"]["username"] == "admin"
    assert "password" not in body["user"] and "password_hash" not in body["user"]
    status, _, me = daemon.request("GET", "/api/v1/auth/me", token=body["token"])
    assert status == 200
    assert me["user"]["username"] == "admin"
    assert me["scope"] == "all"
    assert "users.write" in me["permissions"]


def test_wrong_password_and_unknown_user_get_the_same_answer(daemon):
    wrong = daemon.request("POST", "/api/v1/auth/login", {"username": "agent2001", "password": "nope-nope"})
    unknown = daemon.request("POST", "/api/v1/auth/login", {"username": "nobody-here", "password": "nope-nope"})
    assert_error(wrong, 401, "invalid_credentials")
    assert_error(unknown, 401, "invalid_credentials")
    assert wrong[2] == unknown[2]


def test_requests_without_or_with_bad_token_are_401(daemon):
    r = daemon.request("GET", "/api/v1/users")
    assert_error(r, 401, "unauthorized")
    assert r[1].get("www-authenticate") == "Bearer"
    assert_error(daemon.request("GET", "/api/v1/users", token="not-a-token"), 401, "unauthorized")
    assert_error(daemon.request("GET", "/api/v1/users", headers={"Authorization": "Basic YTpi"}), 401,
                 "unauthorized")


def test_lockout_after_failures_then_unlock(daemon, admin_token):
    status, _, user = daemon.request("POST", "/api/v1/users", {"username": "lockme", "password": "Right-pass-1"},
                                     token=admin_token)
    assert status == 201
    for i in range(4):
        assert_error(daemon.request("POST", "/api/v1/auth/login", {"username": "lockme", "password": "wrong%d" % i}),
                     401, "invalid_credentials")
    # The fifth failure locks the account...
    assert_error(daemon.request("POST", "/api/v1/auth/login", {"username": "lockme", "password": "wrong5"}),
                 423, "account_locked")
    # ...and while locked even the right password is refused.
    assert_error(daemon.request("POST", "/api/v1/auth/login", {"username": "lockme", "password": "Right-pass-1"}),
                 423, "account_locked")
    status, _, locked = daemon.request("GET", "/api/v1/users/" + user["id"], token=admin_token)
    assert locked["locked_until"] is not None
    status, _, unlocked = daemon.request("POST", "/api/v1/users/%s/unlock" % user["id"], token=admin_token)
    assert status == 200 and unlocked["locked_until"] is None
    assert daemon.login("lockme", "Right-pass-1")
    # The audit log has the failures, the lockout and the unlock.
    status, _, audit = daemon.request("GET", "/api/v1/audit?limit=1000&user_id=" + user["id"], token=admin_token)
    actions = [e["action"] for e in audit["items"]]
    assert actions.count("login_failed") >= 6
    assert "lockout" in actions and "login" in actions
    status, _, audit = daemon.request("GET", "/api/v1/audit?action=unlock&resource=users", token=admin_token)
    assert any(e["resource_id"] == user["id"] for e in audit["items"])


def test_logout_revokes_the_token(daemon):
    token = daemon.admin()
    assert daemon.request("GET", "/api/v1/auth/me", token=token)[0] == 200
    status, _, _ = daemon.request("POST", "/api/v1/auth/logout", token=token)
    assert status == 204
    assert_error(daemon.request("GET", "/api/v1/auth/me", token=token), 401, "unauthorized")
    assert_error(daemon.request("POST", "/api/v1/auth/logout", token=token), 401, "unauthorized")


def test_agent_cannot_list_users(daemon):
    token = daemon.login("agent1001", DEMO_PASSWORD.format("agent1001"))
    r = daemon.request("GET", "/api/v1/users", token=token)
    assert_error(r, 403, "forbidden", "users.read")
    status, _, me = daemon.request("GET", "/api/v1/auth/me", token=token)
    assert status == 200 and me["scope"] == "self"
    assert_error(daemon.request("POST", "/api/v1/departments", {"name": "x"}, token=token), 403, "forbidden",
                 "departments.write")


def test_supervisor_sees_and_changes_only_his_department(daemon, admin_token):
    sup = daemon.login("supervisor1", DEMO_PASSWORD.format("supervisor1"))
    status, _, me = daemon.request("GET", "/api/v1/auth/me", token=sup)
    assert me["scope"] == "department"
    own_dep = me["user"]["department_id"]
    status, _, users = daemon.request("GET", "/api/v1/users?limit=1000", token=sup)
    assert status == 200
    names = {u["username"] for u in users["items"]}
    assert {"supervisor1", "agent1001", "agent1002"} <= names
    assert "agent2001" not in names and "admin" not in names
    assert all(u["department_id"] in me["department_ids"] for u in users["items"])
    assert users["total"] == len(users["items"])
    # Someone else's department: 404 as for an unknown id (existence is not revealed).
    status, _, all_users = daemon.request("GET", "/api/v1/users?q=agent2001", token=admin_token)
    other = all_users["items"][0]
    assert_error(daemon.request("GET", "/api/v1/users/" + other["id"], token=sup), 404, "not_found")
    assert_error(daemon.request("PATCH", "/api/v1/users/" + other["id"], {"display_name": "x"}, token=sup),
                 404, "not_found")
    assert_error(daemon.request("DELETE", "/api/v1/users/" + other["id"], token=sup), 404, "not_found")
    # Filtering by a foreign department is refused.
    assert_error(daemon.request("GET", "/api/v1/users?department_id=" + other["department_id"], token=sup),
                 403, "forbidden")
    # He can create agents in his department, not elsewhere, and cannot grant admin.
    status, _, roles = daemon.request("GET", "/api/v1/roles", token=sup)
    role_ids = {r["name"]: r["id"] for r in roles["items"]}
    status, _, created = daemon.request("POST", "/api/v1/users",
                                        {"username": "sup-made", "password": "Agent-pass-1",
                                         "department_id": own_dep, "role_ids": [role_ids["agent"]]}, token=sup)
    assert status == 201, created
    assert_error(daemon.request("POST", "/api/v1/users",
                                {"username": "sup-made2", "password": "Agent-pass-1",
                                 "department_id": other["department_id"]}, token=sup), 403, "forbidden")
    assert_error(daemon.request("POST", "/api/v1/users",
                                {"username": "sup-made3", "password": "Agent-pass-1", "department_id": own_dep,
                                 "role_ids": [role_ids["admin"]]}, token=sup), 403, "forbidden", "admin")
    assert_error(daemon.request("PATCH", "/api/v1/users/" + created["id"], {"role_ids": [role_ids["admin"]]},
                                token=sup), 403, "forbidden")
    # Audit reading is scoped too: nothing about the other department.
    status, _, audit = daemon.request("GET", "/api/v1/audit?limit=1000", token=sup)
    assert status == 200
    assert all(e["department_id"] in me["department_ids"] for e in audit["items"])
    assert any(e["resource_id"] == created["id"] for e in audit["items"])


def test_password_change_own_and_by_admin(daemon, admin_token):
    status, _, u = daemon.request("POST", "/api/v1/users", {"username": "pwuser", "password": "First-pass-1",
                                                             "role_ids": []}, token=admin_token)
    assert status == 201
    # A user without users.write changes his own password only with the current one.
    token = daemon.login("pwuser", "First-pass-1")
    assert_error(daemon.request("POST", "/api/v1/users/%s/password" % u["id"], {"password": "Second-pass-2"},
                                token=token), 400, "missing_field", "current_password")
    assert_error(daemon.request("POST", "/api/v1/users/%s/password" % u["id"],
                                {"password": "Second-pass-2", "current_password": "wrong"}, token=token),
                 400, "invalid_field", "current_password")
    assert_error(daemon.request("POST", "/api/v1/users/%s/password" % u["id"],
                                {"password": "short", "current_password": "First-pass-1"}, token=token),
                 400, "weak_password")
    status, _, _ = daemon.request("POST", "/api/v1/users/%s/password" % u["id"],
                                  {"password": "Second-pass-2", "current_password": "First-pass-1"}, token=token)
    assert status == 204
    assert daemon.login("pwuser", "Second-pass-2")
    # An admin reset ends the user's sessions.
    status, _, _ = daemon.request("POST", "/api/v1/users/%s/password" % u["id"], {"password": "Third-pass-3"},
                                  token=admin_token)
    assert status == 204
    assert_error(daemon.request("GET", "/api/v1/auth/me", token=token), 401, "unauthorized")
    assert daemon.login("pwuser", "Third-pass-3")
    status, _, audit = daemon.request("GET", "/api/v1/audit?action=password_change", token=admin_token)
    entries = [e for e in audit["items"] if e["resource_id"] == u["id"]]
    assert len(entries) == 2
    assert "argon2" not in str(audit)


def test_disabled_user_cannot_log_in_and_loses_sessions(daemon, admin_token):
    status, _, u = daemon.request("POST", "/api/v1/users", {"username": "tobedisabled", "password": "Some-pass-1"},
                                  token=admin_token)
    token = daemon.login("tobedisabled", "Some-pass-1")
    status, _, _ = daemon.request("PATCH", "/api/v1/users/" + u["id"], {"enabled": False}, token=admin_token)
    assert status == 200
    assert_error(daemon.request("GET", "/api/v1/auth/me", token=token), 401, "unauthorized")
    assert_error(daemon.request("POST", "/api/v1/auth/login", {"username": "tobedisabled", "password": "Some-pass-1"}),
                 403, "account_disabled")
