"""The own fact rows of findings (qingfeng.core.metrics): what qingfeng.supervision.indicators reads back. d1 is
the finding's source, d2 its 问题类别 (empty: not classified).

* "found", "closed" (flows): a finding on the day it was found, on the day it was closed (销号);
* "deadline" (flow): a finding on its deadline, total 1 when it was closed by then (按期整改);
* "overdue" (snapshot): a finding past its deadline and not closed — from the day after the deadline until closed.
"""

from __future__ import annotations

import datetime as dt

from qingfeng.core import metrics
from qingfeng.core.metrics import Rows
from qingfeng.supervision.models import Finding

FOUND, CLOSED, DEADLINE, OVERDUE = "found", "closed", "deadline", "overdue"

metrics.declare(metrics.FLOW, FOUND, CLOSED, DEADLINE)
metrics.declare(metrics.SNAPSHOT, OVERDUE)


@metrics.row_source
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
