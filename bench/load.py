"""Load test on loopback: simulated users mixing reads and writes against `qingfeng serve`.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--write-share 0.25]
                                   [--database-url postgres://postgres@127.0.0.1:5432/qf_load]

A temporary database (SQLite under a temporary folder unless --database-url names one; a PostgreSQL
database is created fresh and dropped afterwards) gets the test city of tests/world.py and one
account per simulated user: half are 纪检监察 officers who file cases and issue recommendations
through the real entry forms (CSRF token, redirect on success) and read the discipline lists and
records, half are 组织部门 / 党组织管理员 staff who read the home page, the member list, the
organization tree and person pages. Every user signs in through the login form first.

Pass criteria: zero errors (any unexpected status, timeout or connection failure) and zero lost
writes: every write the server acknowledged (302 to the new record) is read back from the database
afterwards, with its burden entry and its audit row. Reports p50/p95/p99 per request kind."""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QINGFENG = str(ROOT / ".venv" / "bin" / "qingfeng")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "Load-test-2026!"
# The server's "today" (qingfeng.core.dates.today): the pinned day when the environment sets one.
TODAY_ISO = os.environ.get("QINGFENG_TODAY") or time.strftime("%Y-%m-%d")

SETUP = r"""
import json, sys
import django
django.setup()
from qingfeng.accounts.models import Role, User
from tests.world import World
world = World()
users = json.loads(sys.argv[1])
for name, role in users:
    org = world.city if role == "discipline" else (world.xiaodian if role == "organization" else world.branch_a)
    User.objects.create_user(username=name, password=sys.argv[2], role=role, org=org)
people = [p.pk for p in world.members_a]  # in every reader's scope (the clerks keep branch A)
print(json.dumps({"people": people, "branch": world.branch_a.code, "ids": [[p.id_number, p.name] for p in world.members_a + world.members_b]}))
"""

READ_BACK = r"""
import json, sys
import django
django.setup()
from qingfeng.audit.models import AuditLog
from qingfeng.core.models import Entry
from qingfeng.discipline.models import Case, Recommendation
prefix = sys.argv[1]
cases = dict(Case.objects.filter(code__startswith=prefix).values_list("code", "pk"))
recs = dict(Recommendation.objects.filter(code__startswith=prefix).values_list("code", "pk"))
def whole(model, pks):
    label = model._meta.label
    entries = set(Entry.objects.filter(model=model._meta.label_lower, object_id__in=pks).values_list("object_id", flat=True))
    audited = set(AuditLog.objects.filter(model=label, action="create", object_id__in=[str(p) for p in pks]).values_list("object_id", flat=True))
    return [pk for pk in pks if pk not in entries or str(pk) not in audited]
print(json.dumps({"cases": sorted(cases), "recs": sorted(recs),
                  "half_written": whole(Case, list(cases.values())) + whole(Recommendation, list(recs.values()))}))
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Session:
    """One simulated user: its own cookie jar, no redirects followed (a write answers 302)."""

    def __init__(self, base: str, timeout: float = 30):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.timeout = timeout

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None
        headers = {"Accept-Language": "zh-hans"}
        if data is not None:
            data = dict(data, csrfmiddlewaretoken=self.csrf())
            body = urllib.parse.urlencode(data).encode()
            headers["Referer"] = self.base + path
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return resp.status, resp.headers.get("Location", ""), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode("utf-8", "replace")

    def login(self, username: str) -> None:
        status, _loc, _body = self.request("/accounts/login/")
        if status != 200:
            raise RuntimeError(f"login page answered {status}")
        status, loc, body = self.request("/accounts/login/", {"username": username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}: {re.findall(r'alert[^>]*>(.*?)<', body)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not become healthy")


@contextmanager
def database(url: str | None):
    """A fresh database for one run: SQLite in a temporary folder, or a PostgreSQL database created and dropped."""
    with tempfile.TemporaryDirectory(prefix="qf-load-") as tmp:
        env = dict(os.environ, QINGFENG_VAR=tmp, DJANGO_SETTINGS_MODULE="qingfeng.settings", PYTHONPATH=str(ROOT))
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        if url is None:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/load.sqlite3"
            yield env
            return
        import psycopg

        parsed = urllib.parse.urlparse(url)
        name = parsed.path.lstrip("/")
        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url
        try:
            yield env
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(env: dict, users: list[tuple[str, str]]) -> dict:
    subprocess.run([QINGFENG, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    out = subprocess.run([PYTHON, "-c", SETUP, json.dumps(users), PASSWORD], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(env: dict, port: int, threads: int = 8, workers: int = 0) -> subprocess.Popen:
    """`qingfeng serve`: one process (--single, waitress) unless `workers` asks for gunicorn's processes."""
    mode = ["--workers", str(workers)] if workers else ["--single"]
    return subprocess.Popen([QINGFENG, "serve", "--port", str(port), "--threads", str(threads), *mode], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def read_back(env: dict, prefix: str) -> dict:
    out = subprocess.run([PYTHON, "-c", READ_BACK, prefix], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# Argon2 (Django's parameters: 100 MiB, 2 passes) makes a sign-in cost about a CPU-second here; more
# than a few at once only queue. The ramp-up signs users in at most four at a time.
LOGIN_RAMP = threading.Semaphore(4)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.acknowledged = {"cases": set(), "recs": set()}

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def ack(self, what: str, code: str) -> None:
        with self.lock:
            self.acknowledged[what].add(code)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def simulated_user(base, username, role, info, start: threading.Barrier, deadline: list, stats: Stats, write_share,
                   prefix, seed):
    """Sign in (Argon2 makes that the costliest request; it is timed apart), wait for everyone, then mix
    reads and writes until the deadline."""
    rng = random.Random(seed)
    session = Session(base)
    signed_in = True
    try:
        with LOGIN_RAMP:  # users arrive a few at a time, as in a morning, not all in one second
            session.timeout = 120
            t0 = time.perf_counter()
            session.login(username)
            stats.add("login", time.perf_counter() - t0)
            session.timeout = 30
    except Exception as exc:  # noqa: BLE001 — every failure is counted
        stats.error(f"{username} login: {exc}")
        signed_in = False
    start.wait()
    if not signed_in:
        return
    writer = role == "discipline"
    n = 0
    while time.monotonic() < deadline[0]:
        n += 1
        if writer and rng.random() < write_share:
            if rng.random() < 0.6:
                kind, what = "write case", "cases"
                code = f"{prefix}{username}-{n}"
                id_number, name = info["ids"][rng.randrange(len(info["ids"]))]
                path, data, expect = "/discipline/cases/new/", {
                    "code": code, "id_number": id_number, "name": name, "org": info["branch"],
                    "filed_on": TODAY_ISO, "cadre_level": ""}, "/discipline/cases/"
            else:
                kind, what = "write recommendation", "recs"
                code = f"{prefix}{username}-{n}"
                path, data, expect = "/discipline/recommendations/new/", {
                    "code": code, "org": info["branch"], "issued_on": TODAY_ISO,
                    "recipient": "压力测试收文单位"}, "/discipline/recommendations/"
        else:
            data, code = None, None
            if writer:
                path = rng.choice(["/discipline/", "/discipline/recommendations/", "/discipline/dispositions/", "/"])
            else:
                path = rng.choice(["/", "/people/", "/orgs/", f"/people/{rng.choice(info['people'])}/", "/healthz"])
            kind, expect = "read", None
        t0 = time.perf_counter()
        try:
            status, location, body = session.request(path, data)
        except Exception as exc:  # noqa: BLE001
            stats.error(f"{username} {kind} {path}: {type(exc).__name__}: {exc}")
            continue
        stats.add(kind, time.perf_counter() - t0)
        if data is None:
            if status != 200:
                stats.error(f"{username} GET {path}: {status}")
        elif status == 302 and location.startswith(expect):
            stats.ack(what, code)
        else:
            stats.error(f"{username} POST {path}: {status} {re.findall(r'alert-danger[^>]*>(.*?)</div>', body, re.S)[:1]}")


def run(users: int = 50, seconds: float = 60, write_share: float = 0.25, database_url: str | None = None,
        threads: int = 8) -> dict:
    accounts = [(f"load{i:02d}", "discipline" if i % 2 == 0 else ("organization" if i % 4 == 1 else "clerk"))
                for i in range(users)]
    prefix = "LD-"
    with database(database_url) as env:
        info = prepare(env, accounts)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, port, threads)
        try:
            wait_healthy(base, server)
            stats = Stats()
            deadline: list[float] = []
            began: list[float] = []

            def open_the_gate():
                began.append(time.perf_counter())
                deadline.append(time.monotonic() + seconds)

            start = threading.Barrier(len(accounts), action=open_the_gate)
            workers = [threading.Thread(target=simulated_user, args=(base, name, role, info, start, deadline, stats,
                                                                     write_share, prefix, i), daemon=True)
                       for i, (name, role) in enumerate(accounts)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            elapsed = time.perf_counter() - began[0]
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = read_back(env, prefix)
    lost = {what: sorted(stats.acknowledged[what] - set(stored[what])) for what in ("cases", "recs")}
    # Rows nobody was told about: a write that landed although its answer was an error.
    unacknowledged = {what: len(set(stored[what]) - stats.acknowledged[what]) for what in ("cases", "recs")}
    written = {what: len(stats.acknowledged[what]) for what in ("cases", "recs")}
    kinds = {}
    for kind, values in sorted(stats.times.items()):
        kinds[kind] = {"count": len(values), "p50_ms": round(statistics.median(values) * 1000, 1),
                       "p95_ms": round(percentile(values, 95) * 1000, 1), "p99_ms": round(percentile(values, 99) * 1000, 1)}
    every = [v for k, vs in stats.times.items() if k != "login" for v in vs]
    return {
        "database": "postgresql" if database_url else "sqlite", "users": users, "seconds": round(elapsed, 1),
        "server_threads": threads, "requests": len(every), "requests_per_s": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1) if every else None,
        "p95_ms": round(percentile(every, 95) * 1000, 1) if every else None,
        "errors": len(stats.errors), "error_samples": stats.errors[:10],
        "written": written, "read_back": {what: len(stored[what]) for what in ("cases", "recs")},
        "lost": {what: len(v) for what, v in lost.items()}, "unacknowledged": unacknowledged,
        "half_written": len(stored["half_written"]),
        "kinds": kinds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--write-share", type=float, default=0.25,
                        help="share of a 纪检监察 user's requests that are writes (default 0.25)")
    parser.add_argument("--threads", type=int, default=8, help="server threads (qingfeng serve --threads)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    result = run(args.users, args.seconds, args.write_share, args.database_url, args.threads)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    ok = result["errors"] == 0 and not any(result["lost"].values()) and result["half_written"] == 0
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
