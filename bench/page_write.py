"""Benchmark: one meeting recorded on a page — the demo's `branch` user records a 主题党日 with thirty members'
attendance (activities.actions.record_activity: checks, the records, the burden entries, the facts of the branch
and its ancestors), rolled back after each run so the database stays as it was; side by side, alternating, with the
previous attendance check (one statement "org = … OR id IN (…)", which PostgreSQL answers by a scan of every
person) patched back in: the baseline of the same run. Reports warm medians and the statements per write.

Usage:  DATABASE_URL=postgres://…/qf_city QINGFENG_VAR=… .venv/bin/python bench/page_write.py [--runs 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from django.db.models import Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.activities import actions  # noqa: E402
from qingfeng.activities.models import ActivityType  # noqa: E402
from qingfeng.orgs.models import Organization  # noqa: E402
from qingfeng.people.models import Person, Relation  # noqa: E402


class Rollback(Exception):
    pass


def previous_candidate_ids(org, day):
    held = Relation.objects.filter(org=org).holding_on(day).values("person")
    return set(Person.objects.filter(Q(org=org, admitted_on__isnull=False) | Q(pk__in=held)).distinct()
               .values_list("pk", flat=True))


def write_once(user, org, type_, presence) -> tuple[float, int]:
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            actions.record_activity(user=user, org=org, type=type_, date=dt.date(2021, 5, 10), topic="基准",
                                    presence=presence)
            raise Rollback((time.perf_counter() - began, len(queries)))
    except Rollback as done:
        return done.args[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    user = User.objects.get(username="branch")
    org = Organization.objects.get(pk=user.org_id)
    type_ = ActivityType.objects.filter(role="theme_day").first() or ActivityType.objects.get(name="主题党日")
    presence = {pk: "出席" for pk in Person.objects.filter(org=org).values_list("pk", flat=True)[:30]}
    print(f"database {connection.vendor}, {Person.objects.count()} persons; {org.code} {org.name}, "
          f"{len(presence)} attendees; load average {os.getloadavg()[0]:.1f}", flush=True)
    now_ids = actions.candidate_ids
    times: dict[str, list[float]] = {"now": [], "previous": []}
    counts: dict[str, int] = {}
    for run in range(args.runs + 1):
        for name, func in (("now", now_ids), ("previous", previous_candidate_ids)):
            actions.candidate_ids = func
            seconds, n = write_once(user, org, type_, presence)
            if run:  # the first round warms both
                times[name].append(seconds * 1000)
                counts[name] = n
    actions.candidate_ids = now_ids
    now, before = statistics.median(times["now"]), statistics.median(times["previous"])
    print(f"now: {now:.1f} ms ({counts['now']} statements); previous: {before:.1f} ms ({counts['previous']} statements);"
          f" now/previous {now / before:.2f}; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
