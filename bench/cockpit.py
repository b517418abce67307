"""Benchmark of the cockpit (issue 7): the server time of the city cockpit, target ≤ 300 ms at city scale.

The page /cockpit/?org=140100 for period Y (2020-05-12 .. 2021-05-11) is requested in-process through Django's
test client, signed in as the demo's `leader` (the time is the server's: URL routing, access checks, every
indicator value, the assessment of the 10 districts with their month-earlier scores, 12 monthly trend points
and the template — no network, no browser). Two ways, in the same run:

  facts    as served to the first person asking: engine.compute_grid reads the pre-aggregated facts of every
           figure in a few queries (the shared figures emptied before each request); each request on a new
           database connection, and again on the connection a served process keeps (CONN_MAX_AGE)
  shared   as served to the next person asking the same question of the same facts (here the demo's `city`
           user after the leader): the figures built for the first, from cockpit.caching.shared (issue 18.5)
  written  as served after a meeting is recorded in one district's branch (the usual case on a working day: every
           write in the city changes the city's figures): the whole page is built again, each district's values
           are taken from the earlier request unless the write was in that district (cockpit.caching.shared_grid)
  direct   baseline: every value computed by engine.compute_direct (set-based SQL over the raw tables)

The warnings card is a separate request the page makes after loading (htmx); it is measured on its own
("panel"), once (bench/warnings.py measures it against the previous implementation).

"cold" is the first request on a fresh database connection; "warm" the median of the following ones. The
page's figures must be the same every way. The data set is the demo city (`qingfeng demo --scale city`),
built first when the database is empty.

Usage:  DATABASE_URL=postgres://…/bench QINGFENG_VAR=/tmp/bench .venv/bin/python bench/cockpit.py
        [--scale city] [--runs 5] [--direct-runs 1] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import qingfeng.wsgi  # noqa: E402, F401 — as a served process is: every view loaded at start-up
from qingfeng.core.schema import migrate_quietly  # noqa: E402

Y = (dt.date(2020, 5, 12), dt.date(2021, 5, 11))
TARGET_MS = 300


def ensure_data(scale: str) -> None:
    from django.core.management import call_command

    from qingfeng.orgs.models import Organization

    if not Organization.objects.exists():
        print(f"building the demo city at scale {scale} …", flush=True)
        call_command("demo", scale=scale, no_serve=True, quiet_progress=True)


def request_once(client: Client, url: str, fresh: bool = True, reconnect: bool = True, **headers) -> tuple[float, int, str]:
    """One request; `fresh`: the figures built for it (the shared figures of cockpit.caching.shared emptied);
    `reconnect`: on a new database connection, like a fresh worker's first request (a served process keeps its
    connection for CONN_MAX_AGE, 60 s: `reconnect=False` is the usual case)."""
    if fresh:
        cache.clear()
    if reconnect:
        connection.close()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries), response.content.decode()


def figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([^"]+)">([^<]+)<', page))


def measure(client: Client, url: str, runs: int, fresh: bool = True, reconnect: bool = True) -> dict:
    times, counts, page = [], [], ""
    for _ in range(runs):
        ms, n, page = request_once(client, url, fresh, reconnect)
        times.append(ms)
        counts.append(n)
    return {"cold_ms": round(times[0], 1), "warm_ms": round(statistics.median(times[1:] or times), 1),
            "min_ms": round(min(times), 1), "queries": counts[-1], "runs": runs, "page": page}


def after_a_write(client: Client, url: str, runs: int) -> dict:
    """The page as served after one meeting is recorded in a branch of one district (a different district each time):
    the whole page's shared figures no longer match (every write in the city changes the city's), but the other
    districts' values do (cockpit.caching.shared_grid). Each write is made in a transaction rolled back after the
    page, which is then checked against the same page built from nothing in that transaction."""
    from django.db import transaction

    from qingfeng.accounts.models import User
    from qingfeng.activities.actions import record_activity
    from qingfeng.activities.models import ActivityType
    from qingfeng.orgs.models import Organization

    admin = User.objects.filter(is_superuser=True).first() or User.objects.get(username="admin")
    lesson = ActivityType.objects.get(name="党课")
    districts = list(Organization.objects.filter(parent__code="140100").order_by("code"))
    times, same = [], True
    for n in range(runs):
        district = districts[n % len(districts)]
        branch = (Organization.objects.filter(path__startswith=district.path, kind="党支部")
                  .order_by("code").first())
        if branch is None:
            continue
        request_once(client, url, fresh=False, reconnect=False)  # the figures of the facts as they are, shared
        with transaction.atomic():
            record_activity(user=admin, org=branch, type=lesson, date=Y[1], topic="基准测试的党课")
            ms, _n, page = request_once(client, url, fresh=False, reconnect=False)
            times.append(ms)
            _ms, _n, built = request_once(client, url, fresh=True, reconnect=False)
            same = same and figures(page) == figures(built) and scores(page) == scores(built)
            transaction.set_rollback(True)
    cache.clear()
    print(f"after a write in one district: warm {statistics.median(times):.1f} ms (min {min(times):.1f}), "
          f"{len(times)} writes; the same figures and scores as built from nothing: {same}", flush=True)
    return {"warm_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1), "runs": len(times),
            "figures_identical": same}


def scores(page: str) -> list[tuple[str, str]]:
    return re.findall(r'data-score="(\d+)">([^<]+)<', page)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--direct-runs", type=int, default=2)
    parser.add_argument("--no-panel", action="store_true", help="skip the warnings panel")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    migrate_quietly(__import__("django.core.management", fromlist=["call_command"]).call_command)
    ensure_data(args.scale)
    from qingfeng.accounts.models import User
    from qingfeng.indicators import engine
    from qingfeng.orgs.models import Organization

    leader = User.objects.get(username="leader")
    client = Client()
    client.force_login(leader)
    url = f"/cockpit/?org=140100&from={Y[0]}&to={Y[1]}"
    orgs = Organization.objects.count()
    print(f"database {connection.vendor}, {orgs} organizations; GET {url} as leader", flush=True)

    facts = measure(client, url, args.runs)
    kept = measure(client, url, args.runs, reconnect=False)  # the same, on the connection a served process keeps
    # another person asking the same question of the same facts: the figures the leader's request built, shared
    request_once(client, url)
    other = Client()
    other.force_login(User.objects.get(username="city"))
    shared = measure(other, url, args.runs, fresh=False)
    written = after_a_write(client, url, args.runs)
    original = engine.compute_grid

    def grid_direct(asks, user=None):
        return [engine.compute_direct(o, start, end, keys, user=user) for o, start, end, keys in asks]

    engine.compute_grid = grid_direct  # the baseline: the same page from the raw tables
    try:
        direct = measure(client, url, max(args.direct_runs, 1))
    finally:
        engine.compute_grid = original
    same = (figures(facts["page"]) == figures(direct["page"]) == figures(shared["page"]) == figures(kept["page"])
            and written["figures_identical"])
    panel = None
    if not args.no_panel:
        ms, n, _page = request_once(client, f"/cockpit/warnings/?org=140100&from={Y[0]}&to={Y[1]}", HX_Request="true")
        panel = {"ms": round(ms, 1), "queries": n}
        print(f"warnings panel: {panel['ms']} ms, {n} queries", flush=True)
    result = {
        "database": connection.vendor, "organizations": orgs, "url": url,
        "facts": {k: v for k, v in facts.items() if k != "page"},
        "facts_kept_connection": {k: v for k, v in kept.items() if k != "page"},
        "direct": {k: v for k, v in direct.items() if k != "page"},
        "shared": {k: v for k, v in shared.items() if k != "page"},
        "after_a_write_in_one_district": written,
        "ratio_direct_over_facts": round(direct["warm_ms"] / facts["warm_ms"], 1) if facts["warm_ms"] else None,
        "figures_identical": same, "target_ms": TARGET_MS, "meets_target": facts["warm_ms"] <= TARGET_MS,
        "warnings_panel": panel,
    }
    print(f"facts : cold {facts['cold_ms']} ms, warm {facts['warm_ms']} ms (min {facts['min_ms']}), "
          f"{facts['queries']} queries (each request on a new database connection)")
    print(f"        on the connection a served process keeps: warm {kept['warm_ms']} ms (min {kept['min_ms']})")
    print(f"shared: first {shared['cold_ms']} ms, warm {shared['warm_ms']} ms (min {shared['min_ms']}), "
          f"{shared['queries']} queries (another person, the figures built for the leader's request)")
    print(f"direct: cold {direct['cold_ms']} ms, warm {direct['warm_ms']} ms, {direct['queries']} queries")
    print(f"direct / facts = {result['ratio_direct_over_facts']}×; figures identical: {same}; "
          f"target {TARGET_MS} ms {'met' if result['meets_target'] else 'NOT met'}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
