"""The own fact rows of 办实事 items (qingfeng.core.metrics): what qingfeng.service.indicators reads back.

* "svc_new" (flow): an item on the day it was committed, d1 its category;
* "svc_done" (flow): an item on the day it was completed, total its beneficiaries;
* "svc_plan" (flow): an item on its planned day, total 1 when it was completed by then (按期办结).
"""

from __future__ import annotations

from qingfeng.core import metrics
from qingfeng.core.metrics import Rows
from qingfeng.service.models import ServiceItem

NEW, DONE, PLAN = "svc_new", "svc_done", "svc_plan"

metrics.declare(metrics.FLOW, NEW, DONE, PLAN)


@metrics.row_source(reads=(ServiceItem,), emits=(NEW, DONE, PLAN))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    items = ServiceItem.objects.all() if org_id is None else ServiceItem.objects.filter(org_id=org_id)
    for org, cat, committed, planned, completed, ben in items.values_list(
            "org_id", "category", "committed_on", "planned_on", "completed_on", "beneficiaries"):
        rows.add(org, committed, NEW, cat)
        if completed is not None:
            rows.add(org, completed, DONE, cat, total=ben or 0)
        rows.add(org, planned, PLAN, cat, total=1 if completed is not None and completed <= planned else 0)
