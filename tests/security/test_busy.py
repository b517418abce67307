"""A write the database cannot take in time answers 503 with Retry-After and a Chinese reason — never 500 — and
writes nothing; once the other writer is done the same request goes through (issue 15, item 4).

A real server on a temporary SQLite database with a one-second busy timeout; the test itself holds SQLite's
write lock (BEGIN IMMEDIATE) the way a long write would."""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.error
import urllib.request

import pytest

from tests.clock import TODAY
from tests.security.test_crash import _bench

pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="holds SQLite's write lock from the test; PostgreSQL's lock_timeout answers the same")


def _call(session, path, data=None, token=None):
    headers = {"Accept-Language": "zh-hans"}
    body = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if data is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(data).encode()
    req = urllib.request.Request(session.base + path, data=body, headers=headers)
    try:
        with session.opener.open(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def _count(db_path, sql):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchone()[0]


def test_a_write_blocked_by_another_answers_503_and_writes_nothing():
    load = _bench("load")
    with load.database(None) as env:
        env["QINGFENG_DB_WAIT_SECONDS"] = "1"
        env["QINGFENG_TODAY"] = TODAY.isoformat()
        info = load.prepare(env, [("busyclerk", "clerk"), ("busydisc", "discipline")])
        db_path = env["DATABASE_URL"].removeprefix("sqlite:///")
        port = load.free_port()
        base = f"http://127.0.0.1:{port}"
        server = load.start_server(env, port)
        try:
            load.wait_healthy(base, server)
            page = load.Session(base)
            page.login("busydisc")
            api = load.Session(base)
            status, _h, body = _call(api, "/api/v1/auth/token", {"username": "busyclerk", "password": load.PASSWORD})
            assert status == 200, body
            token = json.loads(body)["token"]
            activity = {"org": info["branch"], "type": "支部党员大会", "date": TODAY.isoformat(), "topic": "忙时记录",
                        "attendance": [{"person": info["people"][0]}]}
            recommendation = {"code": "BUSY-1", "org": info["branch"], "issued_on": TODAY.isoformat(), "recipient": "收文单位"}
            activities_before = _count(db_path, "SELECT COUNT(*) FROM activities_activity")

            holder = sqlite3.connect(db_path, isolation_level=None, timeout=5)
            holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
            try:
                status, headers, body = _call(api, "/api/v1/activities", activity, token=token)
                assert status == 503, body
                assert headers.get("Retry-After") == "5"
                assert "系统正忙" in json.loads(body)["message_zh"]
                status, _loc, body = page.request("/discipline/recommendations/new/", recommendation)
                assert status == 503
                assert "系统正忙" in body and "没有保存" in body
                status, _loc, _body = page.request("/")  # a read still answers (WAL: readers never wait)
                assert status == 200
            finally:
                holder.execute("ROLLBACK")
                holder.close()

            assert _count(db_path, "SELECT COUNT(*) FROM activities_activity") == activities_before
            assert _count(db_path, "SELECT COUNT(*) FROM discipline_recommendation WHERE code = 'BUSY-1'") == 0
            # The other writer is done: the very same requests go through.
            status, _h, body = _call(api, "/api/v1/activities", activity, token=token)
            assert status == 201, body
            status, location, _body = page.request("/discipline/recommendations/new/", recommendation)
            assert status == 302 and "/new/" not in location
            assert _count(db_path, "SELECT COUNT(*) FROM activities_activity") == activities_before + 1
            assert _count(db_path, "SELECT COUNT(*) FROM discipline_recommendation WHERE code = 'BUSY-1'") == 1
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_a_deadlock_or_a_lock_timeout_reads_as_busy_whatever_wraps_it():
    from django.db import OperationalError

    from qingfeng.core.busy import is_busy_error

    class DeadlockDetected(Exception):  # the shape of psycopg's error: a class per SQLSTATE
        sqlstate = "40P01"

    wrapped = OperationalError("deadlock detected")
    wrapped.__cause__ = DeadlockDetected("deadlock detected")
    assert is_busy_error(wrapped)
    assert is_busy_error(OperationalError("database is locked"))
    assert not is_busy_error(OperationalError("no such table: x"))
