"""The own fact rows of grassroots organization building (qingfeng.core.metrics): what
qingfeng.grassroots.indicators reads back.

* "weak_id", "weak_rect" (flows): a weak-organization case on the day it was identified, on the day its
  rectification was completed; d1 the organization's sector;
* "eover" (snapshot): an organization whose term is over and which has not held its next election — from the term's
  anniversary (or its establishment, if later) until the next election or its dissolution.

Dispatched cadres, their teams and the elections held count distinct persons or organizations: read from the
records, not from here.
"""

from __future__ import annotations

from collections import defaultdict

from qingfeng.core import metrics
from qingfeng.core.dates import add_years
from qingfeng.core.metrics import Rows
from qingfeng.grassroots.models import WeakOrgCase
from qingfeng.orgs.models import Election, Organization

WEAK_IDENTIFIED, WEAK_RECTIFIED, ELECTION_OVERDUE = "weak_id", "weak_rect", "eover"

metrics.declare(metrics.FLOW, WEAK_IDENTIFIED, WEAK_RECTIFIED)
metrics.declare(metrics.SNAPSHOT, ELECTION_OVERDUE)


@metrics.row_source
def add_weak_rows(rows: Rows, org_id: int | None = None) -> None:
    cases = WeakOrgCase.objects.all() if org_id is None else WeakOrgCase.objects.filter(org_id=org_id)
    for org, identified, rectified, sector in cases.values_list("org_id", "identified_on", "rectified_on",
                                                                "org__sector"):
        rows.add(org, identified, WEAK_IDENTIFIED, sector)
        if rectified is not None:
            rows.add(org, rectified, WEAK_RECTIFIED, sector)


@metrics.row_source
def add_election_rows(rows: Rows, org_id: int | None = None) -> None:
    orgs, elections = Organization.objects.all(), Election.objects.all()
    if org_id is not None:
        orgs, elections = orgs.filter(pk=org_id), elections.filter(org_id=org_id)
    life = {pk: (est, gone) for pk, est, gone in orgs.values_list("pk", "established_on", "dissolved_on")}
    terms: dict[int, list] = defaultdict(list)
    for org, held, years in elections.order_by("org_id", "held_on", "id").values_list("org_id", "held_on",
                                                                                      "term_years"):
        terms[org].append((held, years))
    for org, held_list in terms.items():
        est, gone = life.get(org, (None, None))
        for k, (held, years) in enumerate(held_list):
            nxt = held_list[k + 1][0] if k + 1 < len(held_list) else None
            lo = max(d for d in (add_years(held, years), est) if d is not None)
            hi = min((d for d in (nxt, gone) if d is not None), default=None)
            rows.segment(org, lo, hi, ELECTION_OVERDUE)
