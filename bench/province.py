"""A province of 11 cities (issue 22): every indicator for the province and its cities, the replication lag of a burst
of page-sized writes in one city, and the disk each city takes.

    .venv/bin/python bench/province.py --city postgres://postgres@127.0.0.1:PORT/qf_city_fed \\
        --province postgres://postgres@127.0.0.1:PORT2/qingfeng [--writes 10000] [--writers 2]

`--city` is a city-scale platform database (a copy of the demo `city`: 19,156 organizations, 405,924 persons) on a
PostgreSQL server with wal_level=logical; `--province` an empty database on another server. Both are changed: use
copies. Steps:

1. **publish** the city (`qingfeng federation publish`): the time and the rows published;
2. **subscribe** the province to it (`federation province`, `federation subscribe`): the time of the first copy;
3. **ten more cities, generated directly**: building ten more demo cities at `city` scale would take hours, so the
   province's tables get ten more cities' rows by copying the real city's published rows under the codes of
   Shanxi's other prefecture-level cities (140200 … 141100), persons rehashed so that no person is shared — the
   province then holds 11 cities' worth of facts and items, of which one city's keep arriving by replication;
4. **indicators**: every indicator of the province and of its 11 cities for a year, in one `compute_grid` (what the
   province's cockpit and ranking ask), warm, the median of `--repeat` runs; also each place on its own;
5. **lag**: `--writes` page-sized writes in the real city — a meeting recorded with ten members present, through
   `record_activity` as the page does — from `--writers` processes; the province's lag sampled every 0.5 s (the
   city's last change against the last one received) and the time from the last commit until the province holds
   exactly the city's rows;
6. **disk**: the published tables' size on the province per city, and on the city.

Figures go to docs/benchmarks.md with the load average (`uptime`); the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
QINGFENG = Path(sys.executable).parent / "qingfeng"
KEY = "bench-province-shared-secret"
CITY = "140100"
OTHERS = ["140200", "140300", "140400", "140500", "140600", "140700", "140800", "140900", "141000", "141100"]
NAMES = {"140200": "中共大同市委", "140300": "中共阳泉市委", "140400": "中共长治市委", "140500": "中共晋城市委",
         "140600": "中共朔州市委", "140700": "中共晋中市委", "140800": "中共运城市委", "140900": "中共忻州市委",
         "141000": "中共临汾市委", "141100": "中共吕梁市委"}
TABLES = ("federation_city", "federation_activitykind", "federation_node", "federation_fact", "federation_item",
          "federation_warningcount")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def env(url: str, tier: str) -> dict[str, str]:
    e = dict(os.environ, DATABASE_URL=url, QINGFENG_TIER=tier, QINGFENG_FEDERATION_KEY=KEY,
             QINGFENG_BASE_URL="https://taiyuan.example.cn", QINGFENG_TODAY="2021-05-11")
    e.setdefault("QINGFENG_VAR", str(ROOT / "var" / f"bench-province-{tier}"))
    return e


def qingfeng(url: str, tier: str, *args: str) -> str:
    done = subprocess.run([str(QINGFENG), *args], env=env(url, tier), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"qingfeng {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def python(url: str, tier: str, code: str, *argv: str) -> str:
    boot = "import django, os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'qingfeng.settings')\ndjango.setup()\n"
    done = subprocess.run([sys.executable, "-c", boot + code, *argv], env=env(url, tier), capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode:
        sys.exit(f"python: {done.stdout}{done.stderr}")
    return done.stdout


def sql(url: str, query: str, params=()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def fingerprint(url: str, city: str) -> tuple:
    parts = []
    for table in TABLES:
        column = "code" if table == "federation_city" else "city"
        parts += sql(url, f"SELECT COUNT(*), COALESCE(SUM(hashtext(t::text)::bigint), 0) FROM {table} t "  # noqa: S608
                          f"WHERE {column} = %s", [city])[0]
    return tuple(parts)


def conninfo(url: str) -> str:
    from urllib.parse import urlparse

    u = urlparse(url)
    return f"host={u.hostname} port={u.port or 5432} dbname={u.path.lstrip('/')} user={u.username}"


def copy_rows(city: str, province: str) -> None:
    """The first copy without a subscription (for a city on a server without wal_level=logical): the published rows
    as COPY streams them — what a subscription's initial copy does."""
    with psycopg.connect(city) as src, psycopg.connect(province) as dst:
        for table in TABLES:
            with src.cursor().copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as out, \
                    dst.cursor().copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as into:
                for chunk in out:
                    into.write(chunk)
        dst.commit()


# ---- 3. ten more cities, directly ------------------------------------------------------------

def clone_cities(province: str) -> None:
    """Copies the real city's published rows under ten other cities' codes (one statement per table and city)."""
    for code in OTHERS:
        prefix = code[:4]

        def recode(col: str, prefix: str = prefix) -> str:
            return f"CASE WHEN {col} LIKE '1401%%' THEN '{prefix}' || substr({col}, 5) ELSE {col} END"

        steps = [
            f"INSERT INTO federation_city (code, name, url, schema, depth, key_id, windows_from, windows_to, published_at, "
            f"changed_at) SELECT '{code}', '{NAMES[code]}', 'https://{code}.example.cn', schema, depth, key_id, windows_from, "
            f"windows_to, published_at, changed_at FROM federation_city WHERE code = '{CITY}'",
            f"INSERT INTO federation_activitykind (city, name, role, is_supervision, cadence, sort) "
            f"SELECT '{code}', name, role, is_supervision, cadence, sort "
            f"FROM federation_activitykind WHERE city = '{CITY}'",
            f"INSERT INTO federation_node (city, code, parent_code, path, depth, name, kind, sector, level, established_on, "
            f"dissolved_on) SELECT '{code}', {recode('code')}, {recode('parent_code')}, "
            f"replace(path, '/1401', '/{prefix}'), depth, name, kind, sector, level, established_on, dissolved_on "
            f"FROM federation_node WHERE city = '{CITY}'",
            f"INSERT INTO federation_fact (city, code, metric, grain, day, d1, d2, d3, n, total) SELECT '{code}', "
            f"{recode('code')}, metric, grain, day, d1, d2, d3, n, total FROM federation_fact WHERE city = '{CITY}'",
            # persons rehashed per city (no one shared); records and organizations keyed by the new city
            f"INSERT INTO federation_warningcount (city, code, kind, severity, n) SELECT '{code}', {recode('code')}, kind, "
            f"severity, n FROM federation_warningcount WHERE city = '{CITY}'",
            f"INSERT INTO federation_item (city, source, indicator, code, key, day, until, d1, d2, d3) SELECT '{code}', "
            f"source, indicator, {recode('code')}, CASE WHEN key LIKE '{CITY}:%%' THEN '{code}' || substr(key, 7) "
            f"ELSE left(md5('{code}' || key), 32) END, day, until, d1, d2, d3 FROM federation_item WHERE city = '{CITY}'",
        ]
        with psycopg.connect(province, autocommit=False) as conn:
            for step in steps:
                conn.execute(step)
            conn.commit()
    sql(province, "ANALYZE")


# ---- 4. indicators ---------------------------------------------------------------------------

TIMING = r"""
import datetime as dt, importlib.util, json, statistics, sys, time
from qingfeng.federation import province
repeat, before_source = int(sys.argv[1]), sys.argv[2]
root = province.root()
places = [root] + province.children(root)
start, end = dt.date(2020, 5, 12), dt.date(2021, 5, 11)
engines = {"after": province}
if before_source:  # the province's module as it was at --before, beside today's, in the same process and run
    spec = importlib.util.spec_from_file_location("qingfeng.federation.province_before", before_source)
    engines["before"] = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(engines["before"])
grids = {name: m.compute_grid([(p, start, end, None) for p in places]) for name, m in engines.items()}  # warm
together = {name: [] for name in engines}
for _ in range(repeat):  # alternating, so that both see the same load
    for name, m in engines.items():
        t = time.perf_counter()
        grids[name] = m.compute_grid([(p, start, end, None) for p in places])
        together[name].append(time.perf_counter() - t)
differ = [] if "before" not in grids else [
    (p.pk, k, grids["before"][i].values[k], v) for i, p in enumerate(places)
    for k, v in grids["after"][i].values.items() if grids["before"][i].values.get(k) != v]
alone = []
for p in places:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        province.compute(p, start, end)
        runs.append(time.perf_counter() - t)
    alone.append((p.code, statistics.median(runs)))
answers = grids["after"]
print(json.dumps({"places": len(places), "indicators": len(answers[0].values),
                  "together": statistics.median(together["after"]), "together_runs": together["after"],
                  "before": statistics.median(together["before"]) if "before" in together else None,
                  "before_runs": together.get("before"), "identical": not differ, "differ": differ[:20],
                  "alone": alone, "members": answers[0].values["members.total"]}, default=str))
"""


# The baseline, in the same run: the city's own engine, every indicator of the city and its children, warm.
CITY_TIMING = r"""
import datetime as dt, json, statistics, sys, time
from qingfeng.indicators import engine
from qingfeng.orgs.models import Organization
repeat = int(sys.argv[1])
root = Organization.objects.get(code="140100")
places = [root] + list(Organization.objects.filter(parent=root).order_by("code"))
start, end = dt.date(2020, 5, 12), dt.date(2021, 5, 11)
engine.compute_grid([(p, start, end, None) for p in places])
runs = []
for _ in range(repeat):
    t = time.perf_counter()
    answers = engine.compute_grid([(p, start, end, None) for p in places])
    runs.append(time.perf_counter() - t)
print(json.dumps({"places": len(places), "indicators": len(answers[0]), "together": statistics.median(runs),
                  "members": answers[0]["members.total"]}))
"""


# ---- 5. lag ----------------------------------------------------------------------------------

WRITER = r"""
import datetime as dt, json, random, sys, time
from django.db import connection
from qingfeng.accounts.models import User
from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType, Requirement
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Relation
n, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin", "", "Bench-admin-2026")
meeting = ActivityType.objects.get(pk=Requirement.objects.order_by("id").values_list("activity_type_id", flat=True)[0])
branches = list(Organization.objects.filter(kind="党支部", dissolved_on__isnull=True).order_by("?")
                .values_list("pk", flat=True)[:2000])
times = []
for i in range(n):
    org = Organization.objects.get(pk=rng.choice(branches))
    day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(120))
    members = list(Relation.objects.filter(org=org, end_on__isnull=True).values_list("person_id", flat=True)[:10])
    t = time.perf_counter()
    record_activity(user=admin, org=org, type=meeting, date=day, topic=f"压力测试 {seed}-{i}",
                    presence={pk: "出席" for pk in members})
    times.append(time.perf_counter() - t)
print(json.dumps({"writes": n, "median": sorted(times)[len(times) // 2], "p95": sorted(times)[int(len(times) * 0.95)]}))
"""


def lag(city: str, province: str, writes: int, writers: int, city_env: dict | None = None) -> dict:
    samples: list[float] = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            a = sql(city, "SELECT changed_at FROM federation_city")[0][0]
            b = sql(province, "SELECT changed_at FROM federation_city WHERE code = %s", [CITY])[0][0]
            samples.append(max((a - b).total_seconds(), 0.0))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-c", "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                               "'qingfeng.settings')\ndjango.setup()\n" + WRITER, str(writes // writers), str(k)],
                              env=city_env or env(city, "city"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
             for k in range(writers)]
    results = []
    for p in procs:
        out, err = p.communicate()
        if p.returncode:
            sys.exit(f"writer: {out}{err}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    wrote = time.monotonic() - started
    done_writing = time.monotonic()
    wanted = fingerprint(city, CITY)
    while fingerprint(province, CITY) != wanted:
        time.sleep(0.1)
    caught_up = time.monotonic() - done_writing
    stop.set()
    sampler.join()
    return {"writes": writes, "writers": writers, "seconds": wrote, "per_second": writes / wrote,
            "write_median": statistics.median(r["median"] for r in results),
            "write_p95": max(r["p95"] for r in results),
            "lag_median": statistics.median(samples) if samples else None,
            "lag_p95": sorted(samples)[int(len(samples) * 0.95)] if samples else None,
            "lag_max": max(samples) if samples else None, "caught_up": caught_up}


def lag_on_clusters(scale: str, writes: int, writers: int) -> dict:
    """The lag step on two clusters started here (tests/federation/clusters.py: initdb/pg_ctl, wal_level=logical),
    a demo city at `scale` publishing and a province subscribed to it — for when the city-scale database lives on a
    server without logical replication."""
    sys.path.insert(0, str(ROOT))
    from tests.federation.clusters import clusters

    with clusters("city", "province") as (city, province):
        t = time.monotonic()
        city.qingfeng("demo", "--scale", scale, "--no-serve", "--quiet-progress", timeout=3600)
        built = time.monotonic() - t
        city.qingfeng("federation", "publish")
        province.qingfeng("federation", "province", "--code", "140000", "--name", "中共山西省委", tier="province")
        province.qingfeng("federation", "subscribe", "--city", CITY, "--dsn", city.conninfo(), tier="province")
        while province.fingerprint(CITY) != city.fingerprint(CITY):
            time.sleep(0.5)
        persons = city.sql("SELECT COUNT(*) FROM people_person")[0][0]
        out = lag(city.dsn(), province.dsn(), writes, writers, city.env("city"))
        out.update({"scale": scale, "persons": persons, "demo_seconds": built})
        return out


# ---- 6. disk ---------------------------------------------------------------------------------

def disk(url: str) -> dict[str, int]:
    return {t: sql(url, "SELECT pg_total_relation_size(%s)", [t])[0][0] for t in TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", required=True)
    parser.add_argument("--province", required=True)
    parser.add_argument("--writes", type=int, default=10000)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip", default="", help="steps to skip: publish,subscribe,clone,indicators,disk")
    parser.add_argument("--before", default="", help="a git revision: its province module is timed beside "
                        "today's in the same run, and their values compared")
    parser.add_argument("--copy", action="store_true", help="fill the province by COPY instead of a subscription "
                        "(the city's server has no wal_level=logical); the lag is then measured on --lag-scale clusters")
    parser.add_argument("--lag-scale", default="tiny", help="the demo scale of the city the lag is measured on with --copy")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    report: dict = {"load_start": load()}
    print("load average at start:", report["load_start"], flush=True)

    for url, tier in ((args.city, "city"), (args.province, "province")):
        qingfeng(url, tier, "migrate", "-v", "0")
    if "publish" not in skip:
        t = time.monotonic()
        out = qingfeng(args.city, "city", "federation", "publish")
        report["publish"] = {"seconds": time.monotonic() - t, "out": out.strip()}
        print("publish (with the warning counts):", report["publish"], flush=True)
    if "subscribe" not in skip:
        qingfeng(args.province, "province", "federation", "province", "--code", "140000", "--name", "中共山西省委")
    if "subscribe" not in skip and args.copy:
        t = time.monotonic()
        copy_rows(args.city, args.province)
        report["first_copy"] = time.monotonic() - t
        print("first copy (COPY, no subscription):", round(report["first_copy"], 1), "s", flush=True)
    elif "subscribe" not in skip:
        t = time.monotonic()
        qingfeng(args.province, "province", "federation", "subscribe", "--city", CITY, "--dsn", conninfo(args.city))
        wanted = fingerprint(args.city, CITY)
        while fingerprint(args.province, CITY) != wanted:
            time.sleep(0.5)
        report["first_copy"] = time.monotonic() - t
        print("first copy:", round(report["first_copy"], 1), "s", flush=True)
    if "clone" not in skip:
        t = time.monotonic()
        clone_cities(args.province)
        report["clone"] = time.monotonic() - t
        print("ten more cities generated directly:", round(report["clone"], 1), "s", flush=True)
    report["rows"] = {t: sql(args.province, f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}  # noqa: S608
    print("province rows:", report["rows"], flush=True)

    if "indicators" not in skip:
        before = ""
        if args.before:  # the province's module at that revision, timed beside today's
            before = str(ROOT / "var" / "bench_province_before.py")
            Path(before).write_text(subprocess.run(["git", "show", f"{args.before}:qingfeng/federation/province.py"],
                                                   cwd=ROOT, check=True, capture_output=True, text=True).stdout)
        report["load_indicators"] = load()
        report["indicators"] = json.loads(python(args.province, "province", TIMING, str(args.repeat), before)
                                          .strip().splitlines()[-1])
        ind = report["indicators"]
        print(f"indicators (load {report['load_indicators']}): {ind['indicators']} × {ind['places']} places in one grid: "
              f"{ind['together']:.3f} s (median)" + (f"; before ({args.before}) {ind['before']:.3f} s in the same run, "
                                                     f"values identical: {ind['identical']} {ind['differ']}"
                                                     if args.before else "")
              + "; each alone: " + ", ".join(f"{c} {s:.3f}" for c, s in ind["alone"]), flush=True)

        report["city_baseline"] = json.loads(python(args.city, "city", CITY_TIMING, str(args.repeat)).strip().splitlines()[-1])
        base = report["city_baseline"]
        print(f"baseline, the city's own engine: {base['indicators']} × {base['places']} places (the city and its "
              f"children) in one grid: {base['together']:.3f} s (median); members {base['members']}", flush=True)

    if "disk" not in skip:
        report["disk_province"] = disk(args.province)
        report["disk_city"] = disk(args.city)
        per_city = sum(report["disk_province"].values()) / (1 + len(OTHERS))
        print(f"disk: province {sum(report['disk_province'].values()) / 2**20:.0f} MB in all, {per_city / 2**20:.1f} MB "
              f"per city; the city's published tables {sum(report['disk_city'].values()) / 2**20:.1f} MB", flush=True)

    if args.writes and args.copy:
        report["lag"] = lag_on_clusters(args.lag_scale, args.writes, args.writers)
        print("lag:", report["lag"], flush=True)
    elif args.writes:
        report["lag"] = lag(args.city, args.province, args.writes, args.writers)
        print("lag:", report["lag"], flush=True)
    report["load_end"] = load()
    print("load average at end:", report["load_end"], flush=True)
    out = ROOT / "var" / "bench-province.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
