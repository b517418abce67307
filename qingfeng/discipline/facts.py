"""The own fact rows of discipline (qingfeng.core.metrics): what qingfeng.discipline.indicators reads back.

* "case" (flow): a case on the day it was filed, d1 the cadre level;
* "disp" (flow): a disposition on the day decided, d1 its form (四种形态);
* "recm" (flow): a recommendation on the day issued.

Self-surrender counts distinct persons: read from the records.
"""

from __future__ import annotations

from collections import defaultdict

from qingfeng.core import distinct, metrics
from qingfeng.core.distinct import Family
from qingfeng.core.metrics import Rows
from qingfeng.discipline.models import Case, Disposition, Recommendation

CASE, DISPOSITION, RECOMMENDATION = "case", "disp", "recm"

metrics.declare(metrics.FLOW, CASE, DISPOSITION, RECOMMENDATION)


@metrics.row_source(reads=(Case, Disposition, Recommendation), emits=(CASE, DISPOSITION, RECOMMENDATION))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    def scoped(qs):
        return qs if org_id is None else qs.filter(org_id=org_id)

    for org, filed, level in scoped(Case.objects.all()).values_list("org_id", "filed_on", "cadre_level"):
        rows.add(org, filed, CASE, level)
    for org, day, form in scoped(Disposition.objects.all()).values_list("org_id", "decided_on", "form"):
        rows.add(org, day, DISPOSITION, form)
    for org, day in scoped(Recommendation.objects.all()).values_list("org_id", "issued_on"):
        rows.add(org, day, RECOMMENDATION)


# ---- distinct persons ----------------------------------------------------------------------

SURRENDERED = "ssr"  # persons of cases marked 主动投案, on the day filed, at the organization handling it


def surrender_tracks(org_id: int | None) -> dict[str, list]:
    qs = Case.objects.filter(self_surrender=True)
    if org_id is not None:
        qs = qs.filter(person_id__in=qs.filter(org_id=org_id).values("person_id"))
    out: dict[str, list] = defaultdict(list)
    for pid, org, day in qs.order_by().values_list("person_id", "org_id", "filed_on"):
        out[distinct.person(pid)].append((day, org, ("",)))
    return out


def surrender_homes(identities: set[str]) -> set[int]:
    return set(Case.objects.filter(self_surrender=True).filter(person_id__in=distinct.person_ids(identities)).order_by()
               .values_list("org_id", flat=True).distinct())


distinct.family(Family(SURRENDERED, surrender_tracks, surrender_homes, reads=(Case,)))
