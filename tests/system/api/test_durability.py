"""A write acknowledged by the API survives kill -9, on SQLite and on PostgreSQL."""
import os
import subprocess
import tempfile
import uuid

import pytest

from conftest import Daemon


def pg_database():
    """A fresh database in the pg_cluster fixture's cluster, so reruns start clean."""
    pg_dir = os.environ.get("HUJIAO_TEST_PG_DIR")
    if not pg_dir or not os.path.exists(os.path.join(pg_dir, "url")):
        pytest.fail("HUJIAO_TEST_PG_DIR/url missing: run through ctest (fixture pg_cluster)")
    with open(os.path.join(pg_dir, "url")) as f:
        base = f.read().strip()
    name = "api_durability_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", base, "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE " + name], check=True)
    return base, name, base.rsplit("/", 1)[0] + "/" + name


def drop_database(base, name):
    subprocess.run(["psql", base, "-qc", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"], check=False)


def crash_and_check(workdir, store_url):
    dm = Daemon(workdir, store_url=store_url).start()
    token = dm.admin()
    created = []
    status, _, dep = dm.request("POST", "/api/v1/departments", {"name": "Durable-" + uuid.uuid4().hex[:6]},
                                token=token)
    assert status == 201
    created.append(("departments", dep["id"]))
    status, _, role = dm.request("POST", "/api/v1/roles", {"name": "durable-" + uuid.uuid4().hex[:6],
                                                            "permissions": ["users.read"]}, token=token)
    assert status == 201
    created.append(("roles", role["id"]))
    status, _, user = dm.request("POST", "/api/v1/users",
                                 {"username": "durable-" + uuid.uuid4().hex[:6], "password": "Durable-pass-1",
                                  "department_id": dep["id"], "role_ids": [role["id"]]}, token=token)
    assert status == 201
    created.append(("users", user["id"]))
    dm.kill9()  # immediately after the last 201

    dm2 = Daemon(workdir, store_url=store_url)
    dm2.port = dm.port
    dm2.start()
    try:
        token = dm2.admin()
        for kind, oid in created:
            status, _, body = dm2.request("GET", "/api/v1/%s/%s" % (kind, oid), token=token)
            assert status == 200, (kind, body)
        status, _, u = dm2.request("GET", "/api/v1/users/" + user["id"], token=token)
        assert u["department_id"] == dep["id"] and u["role_ids"] == [role["id"]]
        assert dm2.login(user["username"], "Durable-pass-1")
        status, _, audit = dm2.request("GET", "/api/v1/audit?action=create&limit=1000", token=token)
        assert {oid for _, oid in created} <= {e["resource_id"] for e in audit["items"]}
    finally:
        dm2.stop()


def test_kill9_durability_sqlite():
    with tempfile.TemporaryDirectory(prefix="hujiao-api-dur-") as d:
        crash_and_check(d, "sqlite:" + os.path.join(d, "hujiao.db"))


def test_kill9_durability_postgresql():
    base, name, url = pg_database()
    try:
        with tempfile.TemporaryDirectory(prefix="hujiao-api-durpg-") as d:
            crash_and_check(d, url)
    finally:
        drop_database(base, name)
