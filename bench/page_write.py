"""Benchmark: one meeting recorded on a page — the demo's `branch` user records a 主题党日 with thirty members'
attendance (activities.actions.record_activity: checks, the records, the burden entries, the facts of the branch
and its ancestors), rolled back after each run so the database stays as it was; side by side, alternating, with a
baseline patched in: the same run's other arm. Reports warm medians and the statements per write.

Baselines (`--against`):
* `whole` (default): the facts refreshed whole, as before a write named the models it wrote — every source of the
  branch's own rows recomputed and every own row rewritten (the write's announcement stripped of its models, and
  the own rows deleted and inserted whole);
* `check`: the previous attendance check (one statement "org = … OR id IN (…)", which PostgreSQL answers by a scan of
  every person).

Usage:  DATABASE_URL=postgres://…/qf_city QINGFENG_VAR=… .venv/bin/python bench/page_write.py [--runs 15] [--against whole]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from ab import alternate, rolled_back  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.activities import actions  # noqa: E402
from qingfeng.activities.models import ActivityType  # noqa: E402
from qingfeng.orgs.models import Organization  # noqa: E402
from qingfeng.people.models import Person, Relation  # noqa: E402


def previous_candidate_ids(org, day):
    held = Relation.objects.filter(org=org).holding_on(day).values("person")
    return set(Person.objects.filter(Q(org=org, admitted_on__isnull=False) | Q(pk__in=held)).distinct()
               .values_list("pk", flat=True))


def whole_refresh(arm: str):
    """Patch the facts' refresh to recompute and rewrite everything (arm "whole"), or leave it (arm "now")."""
    from qingfeng.indicators import store

    if arm != "whole":
        return contextlib.nullcontext()

    original = store.refresh

    def refresh(org_id, *days, lock=True, cells=None, cascade=True, scope=None):
        from qingfeng.indicators.models import OwnFact

        rows = list(OwnFact.objects.filter(org_id=org_id).values_list("org_id", "day", "metric", "d1", "d2", "d3",
                                                                      "n", "total"))
        OwnFact.objects.filter(org_id=org_id).delete()  # rewritten whole, as the previous refresh did
        OwnFact.objects.bulk_create([OwnFact(org_id=r[0], day=r[1], metric=r[2], d1=r[3], d2=r[4], d3=r[5], n=r[6],
                                             total=r[7]) for r in rows], batch_size=5000)
        return original(org_id, *days, lock=lock, cells=cells, cascade=cascade, scope=None)

    return mock.patch.object(store, "refresh", refresh)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", choices=("whole", "check"), default="whole")
    args = parser.parse_args()
    user = User.objects.get(username="branch")
    org = Organization.objects.get(pk=user.org_id)
    type_ = ActivityType.objects.filter(role="theme_day").first() or ActivityType.objects.get(name="主题党日")
    presence = {pk: "出席" for pk in Person.objects.filter(org=org).values_list("pk", flat=True)[:30]}
    print(f"database {connection.vendor}, {Person.objects.count()} persons; {org.code} {org.name}, "
          f"{len(presence)} attendees; load average {os.getloadavg()[0]:.1f}", flush=True)
    now_ids = actions.candidate_ids
    baseline = "previous" if args.against == "check" else "whole"

    def arm(name: str):
        def write() -> tuple[float, int]:
            actions.candidate_ids = previous_candidate_ids if name == "previous" else now_ids
            with whole_refresh(name):
                return rolled_back(lambda: actions.record_activity(
                    user=user, org=org, type=type_, date=dt.date(2021, 5, 10), topic="基准", presence=presence))
        return write

    try:
        got = alternate({"now": arm("now"), baseline: arm(baseline)}, args.runs)
    finally:
        actions.candidate_ids = now_ids
    (now, n_now), (before, n_before) = got["now"], got[baseline]
    print(f"now: {now:.1f} ms ({n_now} statements); {baseline}: {before:.1f} ms ({n_before} statements);"
          f" now/{baseline} {now / before:.2f}; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
