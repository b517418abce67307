"""Benchmark of the inbox (issue 21): the server time of the city root's inbox, target ≤ 300 ms at city scale.

The city's 组织部门 officer (`city`, 140100) asks what is due on the demo's day 2021-05-11: findings submitted
for verification anywhere in the city, transfers waiting, the terms of the districts, its own records, and per
current 三会一课/主题党日 window how many of the city's branches have recorded no meeting yet. Requests go
in-process through Django's test client (the server's time: routing, token check, derivation, JSON or template —
no network, no browser). Two ways, in the same run:

  facts    as served: the window counts read from the rolled-up compliance facts (one key lookup per window)
  records  baseline: the same counts computed from every branch's activities and relations (what the inbox
           would do without the facts — reminders.due.unmet_from_records, also the fallback when the facts do
           not hold a window)

Both must list the same items. Also measured: the inbox page, the bell, and the branch clerk's (`branch`)
inbox and calendar feed. Reported: medians of the warm runs, the first (cold) run, queries, and the load
average before and after (the machine is shared).

The city database is only read: this app's own tables (hidden items, preferences), when the database does not
have them yet, and the API token the requests carry are created inside one transaction that is rolled back at
the end, so a shared database is left as it was.

Usage:  DATABASE_URL=postgres://…/qf_city .venv/bin/python bench/reminders.py [--runs 7] [--baseline-runs 2]
        [--on 2021-05-11] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import qingfeng.wsgi  # noqa: E402, F401 — as a served process is: every view loaded at start-up

TARGET_MS = 300


class Rollback(Exception):
    pass


def timed(client: Client, url: str, runs: int, **headers) -> dict:
    times, queries, body = [], 0, b""
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries, body = len(captured), response.content
    warm = times[1:] or times
    return {"cold_ms": round(times[0], 1), "warm_ms": round(statistics.median(warm), 1), "min_ms": round(min(times), 1),
            "queries": queries, "runs": runs, "body": body}


def own_tables() -> None:
    """This app's tables, created in the open transaction when the database has none (rolled back at the end)."""
    from django.apps import apps

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_app_config("reminders").get_models():
            if model._meta.db_table not in existing:
                editor.create_model(model)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline-runs", type=int, default=2)
    parser.add_argument("--on", default="2021-05-11")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    on = dt.date.fromisoformat(args.on)

    from django.conf import settings

    settings.QINGFENG_TODAY = on.isoformat()
    from qingfeng.accounts.models import User
    from qingfeng.api.actions import issue_token
    from qingfeng.indicators import store
    from qingfeng.orgs.models import Organization
    from qingfeng.reminders import due

    load_before = os.getloadavg()
    result: dict = {}
    try:
        with transaction.atomic():
            own_tables()
            orgs = Organization.objects.count()
            st = store.state()
            print(f"database {connection.vendor}, {orgs} organizations; facts built {st.built_at if st else 'never'}; "
                  f"day {on}; load average {load_before[0]:.1f}", flush=True)
            city = User.objects.get(username="city")
            branch = User.objects.get(username="branch")
            client = Client()
            client.force_login(city)
            _token, raw = issue_token(city, "bench", days=7)
            auth = {"Authorization": f"Bearer {raw}"}

            facts = timed(client, "/api/v1/inbox", args.runs, **auth)
            page = timed(client, "/inbox/", args.runs)
            bell = timed(client, "/inbox/bell/", args.runs)
            original = due.unmet_counts
            due.unmet_counts = due.unmet_from_records  # the baseline: the same inbox counted from the records
            try:
                records = timed(client, "/api/v1/inbox", max(args.baseline_runs, 1), **auth)
            finally:
                due.unmet_counts = original
            same = json.loads(facts["body"]) == json.loads(records["body"])
            items = json.loads(facts["body"])
            kinds: dict[str, int] = {}
            for item in items["results"]:
                kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1

            client.force_login(branch)
            _token, raw = issue_token(branch, "bench", days=7)
            branch_auth = {"Authorization": f"Bearer {raw}"}
            branch_inbox = timed(client, "/api/v1/inbox", args.runs, **branch_auth)
            from qingfeng.reminders import actions

            secret = actions.feed_secret(actions.open_feed(branch))
            feed = timed(Client(), f"/calendar/{secret}.ics", args.runs)

            def strip(d):
                return {k: v for k, v in d.items() if k != "body"}

            result = {
                "database": connection.vendor, "organizations": orgs, "day": on.isoformat(),
                "city_inbox_items": items["count"], "city_inbox_due_soon": items["due_soon"], "kinds": kinds,
                "facts": strip(facts), "records": strip(records), "page": strip(page), "bell": strip(bell),
                "ratio_records_over_facts": round(records["warm_ms"] / facts["warm_ms"], 1) if facts["warm_ms"] else None,
                "identical": same, "target_ms": TARGET_MS, "meets_target": facts["warm_ms"] <= TARGET_MS,
                "branch_inbox": strip(branch_inbox), "branch_items": json.loads(branch_inbox["body"])["count"],
                "branch_feed": strip(feed),
            }
            raise Rollback
    except Rollback:
        pass
    load_after = os.getloadavg()
    result["load_average"] = {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in load_after]}
    f, r = result["facts"], result["records"]
    print(f"city inbox: {result['city_inbox_items']} items ({result['kinds']}), {result['city_inbox_due_soon']} on the bell")
    print(f"  facts  : cold {f['cold_ms']} ms, warm median {f['warm_ms']} ms (min {f['min_ms']}), {f['queries']} queries")
    print(f"  records: cold {r['cold_ms']} ms, warm median {r['warm_ms']} ms, {r['queries']} queries")
    print(f"  records / facts = {result['ratio_records_over_facts']}×; identical: {result['identical']}; "
          f"target {TARGET_MS} ms {'met' if result['meets_target'] else 'NOT met'}")
    for name in ("page", "bell", "branch_inbox", "branch_feed"):
        m = result[name]
        print(f"  {name:<12} warm median {m['warm_ms']} ms (cold {m['cold_ms']}), {m['queries']} queries")
    print(f"load average before {result['load_average']['before']}, after {result['load_average']['after']}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
