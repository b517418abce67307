"""The own fact rows of the organization tree (qingfeng.core.metrics): what qingfeng.orgs.indicators reads back.

* "org" (snapshot): an organization from its establishment until its dissolution; d1 its kind, d2 its sector, d3
  its level.
"""

from __future__ import annotations

from qingfeng.core import metrics
from qingfeng.core.metrics import Rows
from qingfeng.orgs.models import Organization

ORG = "org"

metrics.declare(metrics.SNAPSHOT, ORG)


@metrics.row_source(reads=(Organization,), emits=(ORG,))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    orgs = Organization.objects.all() if org_id is None else Organization.objects.filter(pk=org_id)
    for pk, est, gone, kind, sector, level in orgs.values_list("pk", "established_on", "dissolved_on", "kind",
                                                                "sector", "level"):
        rows.segment(pk, est, gone, ORG, kind, sector, level)
