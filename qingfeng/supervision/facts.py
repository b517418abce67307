"""The own fact rows of findings (qingfeng.core.metrics): what qingfeng.supervision.indicators reads back. d1 is
the finding's source, d2 its 问题类别 (empty: not classified).

* "found", "closed" (flows): a finding on the day it was found, on the day it was closed (销号);
* "deadline" (flow): a finding on its deadline, total 1 when it was closed by then (按期整改);
* "overdue" (snapshot): a finding past its deadline and not closed — from the day after the deadline until closed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from qingfeng.core import distinct, metrics
from qingfeng.core.distinct import Family
from qingfeng.core.metrics import Rows
from qingfeng.supervision.models import Accountability, Finding

FOUND, CLOSED, DEADLINE, OVERDUE = "found", "closed", "deadline", "overdue"

metrics.declare(metrics.FLOW, FOUND, CLOSED, DEADLINE)
metrics.declare(metrics.SNAPSHOT, OVERDUE)


@metrics.row_source(reads=(Finding,), emits=(FOUND, CLOSED, DEADLINE, OVERDUE))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    findings = Finding.objects.all() if org_id is None else Finding.objects.filter(org_id=org_id)
    for org, found, closed, deadline, source, category in findings.values_list(
            "org_id", "found_on", "closed_on", "deadline", "source", "category"):
        rows.add(org, found, FOUND, source, category)
        if closed is not None:
            rows.add(org, closed, CLOSED, source, category)
        rows.add(org, deadline, DEADLINE, source, category,
                 total=1 if closed is not None and closed <= deadline else 0)
        # 逾期未整改 at t: deadline < t and not closed at t → holds on [deadline + 1, closed_on).
        rows.segment(org, deadline + dt.timedelta(days=1), closed, OVERDUE, source, category)


# ---- distinct persons ----------------------------------------------------------------------

ACCOUNTABLE = "acc"  # persons held accountable (问责), on the day decided, at the deciding organization


def accountability_tracks(org_id: int | None) -> dict[str, list]:
    qs = Accountability.objects.all()
    if org_id is not None:
        qs = qs.filter(person_id__in=qs.filter(org_id=org_id).values("person_id"))
    out: dict[str, list] = defaultdict(list)
    for pid, org, day in qs.order_by().values_list("person_id", "org_id", "decided_on"):
        out[distinct.person(pid)].append((day, org, ("",)))
    return out


def accountability_homes(identities: set[str]) -> set[int]:
    return set(Accountability.objects.all().filter(person_id__in=distinct.person_ids(identities)).order_by()
               .values_list("org_id", flat=True).distinct())


distinct.family(Family(ACCOUNTABLE, accountability_tracks, accountability_homes, reads=(Accountability, Finding)))
