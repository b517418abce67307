"""A city's working day (issue 15, item 6): simulated users with think time against `qingfeng serve` on a demo
database, single-process against multi-process, a full rebuild and a 5,000-row import in the middle.

    .venv/bin/python bench/workday.py --database-url postgres://postgres@127.0.0.1:5432/qf_city_ops   # a copy of qf_city
    .venv/bin/python bench/workday.py --sqlite /tmp/qf-small/small.sqlite3                             # the `small` demo

The database is changed (bench users, their records); use a copy. Phases, each with the same users:

1. **single** — `qingfeng serve --single` (waitress, one process), the working-day mix, `--seconds` long;
2. **multi** — `qingfeng serve` (gunicorn, a process per core, threads in each), the same mix;
3. **capacity** — the page reads with no think time (a closed loop of the same users) against each server, for
   the throughput of each at saturation; then the multi-process server with more clients (`--more-clients`), and
   its throughput at the single-process server's p95 against the single one's (`capacity_same_p95`);
4. **rebuild** — the multi-process server and the mix while `qingfeng rebuild-facts` runs and one district
   officer imports a 5,000-row ledger (a background job);
5. **figures** — facts = direct computation for the city and its counties (the `check` step).

The mix: branch secretaries record a meeting with its attendance through `POST /api/v1/activities` (as the phone
app does); district officers import 10-row ledgers of activities through the import pages (upload → preview →
confirm); leaders open the cockpit of their organization and a drill-through. Think time 2–6 s between requests.
Each user comes to work at a random moment of a first think time (`--arrival spread`, the default), as users do
through a day, so at any instant they are at every point of their cycle; `--arrival burst` starts all fifty in the
same two seconds — a stampede a server meets only when everyone waited for it to start.
Latency is measured by the client on loopback (the server's time plus a loopback round trip).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import PYTHON, QINGFENG, ROOT, Session, free_port, wait_healthy  # noqa: E402

SETUP = r"""
import json, random, sys
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from qingfeng.accounts.models import Role, User
from qingfeng.api.actions import issue_token
from qingfeng.orgs.models import BRANCH_KINDS, Organization
from qingfeng.people.models import Person

n_sec, n_off, n_lead = map(int, sys.argv[1:4])
rng = random.Random(15)
root = Organization.objects.filter(parent__isnull=True).order_by("code").first()
counties = list(Organization.objects.filter(parent=root).order_by("code"))
branches = list(Organization.objects.filter(kind__in=BRANCH_KINDS).annotate(m=Count("members")).filter(m__gte=5)
                .order_by("code").values_list("pk", "code", "path"))
from qingfeng.core.dates import today
last_day = today()  # the day the demo reproduces: records are entered on it

def session_for(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "qingfeng.accounts.backends.QingfengBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key

def user(name, role, org):
    u, _ = User.objects.update_or_create(username=name, defaults={"role": role, "org": org, "is_active": True})
    u.set_unusable_password()
    u.save()
    return u

out = {"root": root.code, "counties": [c.code for c in counties], "last_day": last_day.isoformat(),
       "secretaries": [], "officers": [], "leaders": []}
for i, (pk, code, path) in enumerate(rng.sample(branches, n_sec)):
    u = user(f"wd-sec{i:02d}", Role.CLERK, Organization.objects.get(pk=pk))
    members = list(Person.objects.filter(org_id=pk, admitted_on__isnull=False).values_list("pk", flat=True)[:30])
    out["secretaries"].append({"token": issue_token(u, "workday")[1], "branch": code, "members": members})
for i in range(n_off):
    county = counties[i % len(counties)]
    u = user(f"wd-off{i:02d}", Role.ORGANIZATION, county)
    in_county = [c for _pk, c, p in branches if p.startswith(county.path)][:200]
    out["officers"].append({"session": session_for(u), "county": county.code, "branches": in_county})
for i in range(n_lead):
    org = root if i % 2 == 0 else counties[i % len(counties)]
    u = user(f"wd-lead{i:02d}", Role.LEADER, org)
    drill = [c for _pk, c, p in branches if p.startswith(org.path)][:50]
    out["leaders"].append({"session": session_for(u), "org": org.code, "drill": drill})
print(json.dumps(out))
"""

CHECK = r"""
import datetime as dt, json, sys, time
import django
django.setup()
from qingfeng.indicators import engine
from qingfeng.orgs.models import Organization
root = Organization.objects.filter(parent__isnull=True).order_by("code").first()
orgs = [root, *Organization.objects.filter(parent=root).order_by("code")]
end = dt.date.fromisoformat(sys.argv[1])
start = end.replace(month=1, day=1)
keys = ["activities.count", "members.total", "orglife.compliance", "rectify.overdue", "members.transferred_in",
        "dues.payment_rate", "service.completed"]
keys = [k for k in keys if k in engine.REGISTRY] if hasattr(engine, "REGISTRY") else keys
bad = []
began = time.perf_counter()
for org in orgs:
    facts = engine.compute(org, start, end, keys)
    direct = engine.compute_direct(org, start, end, keys)
    if facts != direct:
        bad.append([org.code, {k: [facts.get(k), direct.get(k)] for k in keys if facts.get(k) != direct.get(k)}])
print(json.dumps({"organizations": len(orgs), "keys": keys, "mismatches": bad, "seconds": round(time.perf_counter() - began, 1)}))
"""

COST = r"""
import json, statistics, sys, tempfile, time, uuid
from pathlib import Path
import django
django.setup()
from qingfeng.accounts.models import User
from qingfeng.core.dates import today
from qingfeng.imports.actions import run_import
from qingfeng.indicators.store import rebuild_facts

officer = User.objects.get(username="wd-off00")
branches = json.loads(sys.argv[1])
folder = Path(tempfile.mkdtemp())

def ledger(rows):
    tag = uuid.uuid4().hex[:10]
    path = folder / tag / "活动.csv"
    path.parent.mkdir()
    lines = ["活动编号,活动类型,组织编码,日期,主题,形式"]
    lines += [f"WDC-{tag}-{i},主题党日,{branches[i % len(branches)]},{today().isoformat()},成本,线下" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path

out = {}
for rows in (1, 10):
    times = []
    for _ in range(3):
        path = ledger(rows)
        began = time.perf_counter()
        result = run_import(path, officer)
        times.append(time.perf_counter() - began)
        assert result.ok and result.written, result.problems
    out[f"import_{rows}_rows_seconds"] = [round(t, 2) for t in times]
    out[f"import_{rows}_rows_median"] = round(statistics.median(times), 2)
began = time.perf_counter()
rebuild_facts()
out["rebuild_seconds"] = round(time.perf_counter() - began, 1)
print(json.dumps(out))
"""

JOB_STATUS = r"""
import json, sys
import django
django.setup()
from qingfeng.core.models import Job
j = Job.objects.get(pk=int(sys.argv[1]))
print(json.dumps({"status": j.status, "message": j.message,
                  "seconds": (j.finished_at - j.started_at).total_seconds() if j.finished_at and j.started_at else None}))
"""


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[int, int]] = {}
        self.began = time.perf_counter()
        self.samples: dict[str, list[tuple[float, float, str]]] = {}  # kind → (seconds into the run, seconds, who)

    def add(self, kind: str, seconds: float, status: int, started: float = 0.0, who: str = "") -> None:
        with self.lock:
            self.statuses.setdefault(kind, {}).setdefault(status, 0)
            self.statuses[kind][status] += 1
            if status < 400:
                self.times.setdefault(kind, []).append(seconds)
                self.samples.setdefault(kind, []).append((started - self.began, seconds, who))

    def slowest(self, n: int = 8) -> dict[str, list[str]]:
        """Each kind's slowest requests: when in the run, how long, whose (which leader's first request it was)."""
        out = {}
        for kind, samples in sorted(self.samples.items()):
            seen: dict[str, int] = {}
            order = []
            for at, secs, who in sorted(samples):
                seen[who] = seen.get(who, 0) + 1
                order.append((secs, at, who, seen[who]))
            out[kind] = [f"{secs * 1000:.0f} ms at {at:.1f} s ({who} #{k})" for secs, at, who, k in
                         sorted(order, reverse=True)[:n]]
        return out

    def report(self, seconds: float) -> dict:
        total = sum(sum(s.values()) for s in self.statuses.values())
        errors = {k: {c: n for c, n in s.items() if c >= 400} for k, s in self.statuses.items()}
        return {"requests": total, "per_second": round(total / seconds, 2),
                "kinds": {k: {"n": len(v), "p50_ms": round(pct(v, 50) * 1000), "p95_ms": round(pct(v, 95) * 1000),
                              "p99_ms": round(pct(v, 99) * 1000)} for k, v in sorted(self.times.items())},
                "errors": {k: v for k, v in errors.items() if v}, "slowest": self.slowest()}


def timed(stats: Stats, kind: str, func, who: str = ""):
    began = time.perf_counter()
    try:
        status = func()
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError):
        status = 599
    stats.add(kind, time.perf_counter() - began, status, began, who)
    return status


def api_post(base: str, token: str, path: str, payload: dict) -> int:
    req = urllib.request.Request(base + path, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code


def page_session(base: str, session_key: str) -> Session:
    s = Session(base, timeout=300)
    import http.cookiejar

    host = urllib.parse.urlparse(base).hostname
    for name, value in (("sessionid", session_key), ("csrftoken", uuid.uuid4().hex + uuid.uuid4().hex[:32])):
        s.jar.set_cookie(http.cookiejar.Cookie(0, name, value, None, False, host, False, False, "/", True, False, None,
                                               True, None, None, {}))
    return s


def multipart(session: Session, path: str, filename: str, content: bytes) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in (("csrfmiddlewaretoken", session.csrf()),):
        body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode())
    body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
               f"Content-Type: text/csv\r\n\r\n".encode())
    body.write(content)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    req = urllib.request.Request(session.base + path, data=body.getvalue(), headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": session.base + path})
    try:
        with session.opener.open(req, timeout=session.timeout) as resp:
            resp.read()
            return resp.status, resp.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, exc.headers.get("Location", "")


def ledger_csv(branches: list[str], rows: int, day: str, tag: str) -> bytes:
    lines = ["活动编号,活动类型,组织编码,日期,主题,形式"]
    for i in range(rows):
        lines.append(f"WD-{tag}-{i},主题党日,{branches[i % len(branches)]},{day},工作日导入,线下")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def import_ledger(session: Session, branches: list[str], rows: int, day: str) -> tuple[int, str]:
    """Upload → preview → confirm; returns (status, the background job's URL when the import became one)."""
    status, location = multipart(session, "/imports/", "活动.csv", ledger_csv(branches, rows, day, uuid.uuid4().hex[:10]))
    if status != 302 or "/imports/" not in location:
        return status if status >= 400 else 422, ""
    pk = location.rstrip("/").split("/")[-1]
    status, location, body = session.request(f"/imports/{pk}/run/", {})
    if status == 302 and "/jobs/" in location:
        return 200, location
    if status == 200 and ("导入完成" in body or "Imported" in body):
        return 200, ""
    return status if status >= 400 else 500, ""


def secretary(base, info, stats, stop, rng, day, think):
    while not stop.is_set():
        attendance = [{"person": p, "presence": rng.choice(["出席", "出席", "出席", "请假"])}
                      for p in rng.sample(info["members"], min(len(info["members"]), rng.randint(5, 15)))]
        payload = {"org": info["branch"], "type": rng.choice(["支部党员大会", "支部委员会", "党小组会", "党课"]),
                   "date": day, "topic": "工作日会议", "attendance": attendance}
        timed(stats, "api write: activity with attendance", lambda p=payload: api_post(base, info["token"], "/api/v1/activities", p))
        stop.wait(rng.uniform(*think))


def officer(base, info, stats, stop, rng, day, think):
    session = page_session(base, info["session"])
    while not stop.is_set():
        timed(stats, "import: 10 rows (upload+confirm)", lambda: import_ledger(session, info["branches"], 10, day)[0])
        stop.wait(rng.uniform(think[0] * 3, think[1] * 3))


def leader(base, info, stats, stop, rng, day, think):
    session = page_session(base, info["session"])
    first = day[:4] + "-01-01"
    while not stop.is_set():
        if rng.random() < 0.5:
            timed(stats, "page read: cockpit", lambda: session.request(f"/cockpit/?org={info['org']}")[0],
                  info["org"])
        else:
            branch = rng.choice(info["drill"])
            timed(stats, "page read: drill-through", lambda b=branch: session.request(
                f"/indicators/drill/?org={b}&start={first}&end={day}&key=activities.count")[0])
        stop.wait(rng.uniform(*think))


ARRIVAL = "spread"  # --arrival


def arriving(func, span):
    """A user who comes to work at a random moment of their first think time ("spread", as through a working day: at
    any instant users are at every point of their cycle), or at once ("burst": every user's first request in the
    same two seconds, as if all had waited for the server to start)."""
    def user(base, info, stats, stop, rng, day, think):
        if ARRIVAL == "spread":
            stop.wait(rng.uniform(0, span))
        func(base, info, stats, stop, rng, day, think)
    return user


def run_mix(base, users, seconds, day, think, seed, extra=None) -> dict:
    stats = Stats()
    stop = threading.Event()
    rng = random.Random(seed)
    threads = []
    for role, func, span in (("secretaries", secretary, think[1]), ("officers", officer, think[1] * 3),
                             ("leaders", leader, think[1])):
        for info in users[role]:
            threads.append(threading.Thread(target=arriving(func, span), args=(
                base, info, stats, stop, random.Random(rng.random()), day, think), daemon=True))
    began = time.perf_counter()
    for t in threads:
        t.start()
        time.sleep(0.05)
    outcome = extra(stats) if extra else None
    remaining = seconds - (time.perf_counter() - began)
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for t in threads:
        t.join(timeout=300)
    elapsed = time.perf_counter() - began
    report = stats.report(elapsed)
    report["seconds"] = round(elapsed, 1)
    report["load_average"] = os.getloadavg()
    if outcome is not None:
        report["during"] = outcome
    return report


def capacity(base, users, seconds, clients: int | None = None) -> dict:
    """Closed loop, no think time: the leaders' and officers' sessions read pages as fast as the server answers
    (`clients` loops in all, the sessions taken in turn; by default one per session)."""
    stats = Stats()
    stop = threading.Event()
    people = users["leaders"] + users["officers"]
    sessions = [(page_session(base, u["session"]), u) for u in
                (people if clients is None else [people[i % len(people)] for i in range(clients)])]

    def loop(session, info, seed):
        rng = random.Random(seed)
        while not stop.is_set():
            if rng.random() < 0.5:
                timed(stats, "page read: home", lambda: session.request("/")[0])
            else:
                timed(stats, "page read: jobs list", lambda: session.request("/jobs/")[0])

    threads = [threading.Thread(target=loop, args=(s, u, i), daemon=True) for i, (s, u) in enumerate(sessions)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    report = stats.report(time.perf_counter() - began)
    report["load_average"] = os.getloadavg()
    return report


def worst_p95(report: dict) -> int:
    return max(k["p95_ms"] for k in report["kinds"].values())


def same_p95(result: dict, suffix: str, more: list[int]) -> dict:
    """Throughput of the multi-process server at (or under) the single-process server's p95: the best of its runs
    whose worst p95 is not above the single one's, against the single one."""
    single = result["capacity_single" + suffix]
    runs = [result["capacity_multi" + suffix]] + [result[f"capacity_multi_{c}{suffix}"] for c in more]
    within = [r for r in runs if worst_p95(r) <= worst_p95(single)]
    best = max(within, key=lambda r: r["per_second"]) if within else None
    return {"single_per_second": single["per_second"], "single_p95_ms": worst_p95(single),
            "multi_per_second": best["per_second"] if best else None, "multi_p95_ms": worst_p95(best) if best else None,
            "ratio": round(best["per_second"] / single["per_second"], 2) if best else None}


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and its living descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        stats[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


class CpuMeter:
    """How many cores the server (its process tree) and this client used during a phase: a server far below one core
    was not held back by Python's lock, so more processes cannot make it faster on that machine."""

    def __init__(self, server: subprocess.Popen):
        self.server = server
        self.began = time.perf_counter()
        self.server_cpu = tree_cpu_seconds(server.pid)
        self.client_cpu = sum(os.times()[:2])

    def report(self) -> dict:
        wall = time.perf_counter() - self.began
        return {"server_cores": round((tree_cpu_seconds(self.server.pid) - self.server_cpu) / wall, 2),
                "client_cores": round((sum(os.times()[:2]) - self.client_cpu) / wall, 2)}


def start_server(env, port, multi: bool) -> subprocess.Popen:
    mode = [] if multi else ["--single", "--threads", "8"]
    log = open(Path(env["QINGFENG_VAR"]) / f"server-{'multi' if multi else 'single'}.log", "ab")  # noqa: SIM115
    return subprocess.Popen([QINGFENG, "serve", "--port", str(port), *mode], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=log)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite")
    parser.add_argument("--secretaries", type=int, default=30)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--leaders", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--capacity-seconds", type=int, default=30)
    parser.add_argument("--more-clients", type=lambda text: [int(n) for n in text.split(",") if n], default=[30, 40],
                        help="closed-loop clients of the multi-process server's further capacity runs (default 30,40)")
    parser.add_argument("--arrival", choices=["spread", "burst"], default="spread",
                        help="users begin at a random moment of their first think time (spread) or all at once (burst)")
    parser.add_argument("--phases", default="cost,single,multi,capacity,rebuild,check")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    global ARRIVAL
    ARRIVAL = args.arrival
    var = tempfile.mkdtemp(prefix="qf-workday-")
    url = args.database_url or f"sqlite:///{args.sqlite}"
    env = dict(os.environ, QINGFENG_VAR=var, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="qingfeng.settings",
               PYTHONPATH=str(ROOT), QINGFENG_TODAY="")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    phases = args.phases.split(",")
    result: dict = {"database": "postgresql" if args.database_url else "sqlite", "cores": os.cpu_count(),
                    "arrival": args.arrival}
    subprocess.run([QINGFENG, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    out = subprocess.run([PYTHON, "-c", SETUP, str(args.secretaries), str(args.officers), str(args.leaders)], env=env,
                         cwd=ROOT, check=True, capture_output=True, text=True)
    users = json.loads(out.stdout.strip().splitlines()[-1])
    day = users["last_day"]
    think = (2.0, 6.0)
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def phase(name, multi, body):
        server = start_server(env, port, multi)
        try:
            wait_healthy(base, server, limit=180)
            meter = CpuMeter(server)
            result[name] = body()
            result[name]["cpu"] = meter.report()
            print(name, json.dumps(result[name], ensure_ascii=False), flush=True)
        finally:
            stop_server(server)

    if "cost" in phases:
        # The server's own time, in one process: a 1-row and a 10-row import (validation, write, facts refreshed)
        # against a full rebuild of the facts, on the same database in the same run.
        out = subprocess.run([PYTHON, "-c", COST, json.dumps(users["officers"][0]["branches"])], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True)
        result["cost"] = json.loads(out.stdout.strip().splitlines()[-1])
        result["cost"]["load_average"] = os.getloadavg()
        print("cost", json.dumps(result["cost"]), flush=True)
    # The servers' phases run in the order given, as often as named (single,multi,single,multi: A/B/A/B, so a
    # change of the shared machine's load weighs on both); a repeat is reported as name_2, name_3 …
    rounds: dict[str, int] = {}
    for name in phases:
        rounds[name] = rounds.get(name, 0) + 1
        suffix = "" if rounds[name] == 1 else f"_{rounds[name]}"
        if name in ("single", "multi"):
            phase(name + suffix, name == "multi", lambda: run_mix(base, users, args.seconds, day, think, 1))
        elif name == "capacity":
            phase("capacity_single" + suffix, False, lambda: capacity(base, users, args.capacity_seconds))
            phase("capacity_multi" + suffix, True, lambda: capacity(base, users, args.capacity_seconds))
            # The issue compares throughput at the same p95: the multi-process server answers the same clients
            # faster, so it is given more clients (a higher load) until its p95 reaches the single one's.
            for clients in args.more_clients:
                phase(f"capacity_multi_{clients}{suffix}", True,
                      lambda c=clients: capacity(base, users, args.capacity_seconds, c))
            result["capacity_same_p95" + suffix] = same_p95(result, suffix, args.more_clients)
            print("capacity_same_p95" + suffix, json.dumps(result["capacity_same_p95" + suffix]), flush=True)

    def during_rebuild(stats):
        """In the middle: the full rebuild (the command) and a 5,000-row import (becomes a background job)."""
        outcome = {}

        def rebuild():
            began = time.perf_counter()
            proc = subprocess.run([QINGFENG, "rebuild-facts"], env=env, cwd=ROOT, capture_output=True, text=True)
            outcome["rebuild_seconds"] = round(time.perf_counter() - began, 1)
            outcome["rebuild_exit"] = proc.returncode

        def big_import():
            session = page_session(base, users["officers"][0]["session"])
            began = time.perf_counter()
            status, job_url = import_ledger(session, users["officers"][0]["branches"], 5000, day)
            outcome["import_5000_request_seconds"] = round(time.perf_counter() - began, 1)
            outcome["import_5000_status"] = status
            if job_url:
                pk = job_url.rstrip("/").split("/")[-1]
                while True:
                    info = json.loads(subprocess.run([PYTHON, "-c", JOB_STATUS, pk], env=env, cwd=ROOT, check=True,
                                                     capture_output=True, text=True).stdout.strip().splitlines()[-1])
                    if info["status"] in ("succeeded", "failed"):
                        outcome["import_5000_job"] = info
                        break
                    time.sleep(2)

        time.sleep(10)
        threads = [threading.Thread(target=rebuild), threading.Thread(target=big_import)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return outcome

    if "rebuild" in phases:
        phase("rebuild", True, lambda: run_mix(base, users, args.seconds, day, think, 2, extra=during_rebuild))
    if "check" in phases:
        out = subprocess.run([PYTHON, "-c", CHECK, day], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        result["check"] = json.loads(out.stdout.strip().splitlines()[-1])
        print("check", json.dumps(result["check"], ensure_ascii=False), flush=True)
    result["load_average_end"] = os.getloadavg()
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    return 0 if not result.get("check", {}).get("mismatches") else 1


if __name__ == "__main__":
    sys.exit(main())
