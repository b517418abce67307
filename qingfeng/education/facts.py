"""The own fact rows of degree education (qingfeng.core.metrics): what qingfeng.education.indicators reads back.

* "deg" (a distinct count, qingfeng.core.distinct: per calendar period and the rolling twelve months): persons
  enrolled, on the day they enrolled, at the organization owning the record, also per degree level (层次).
"""

from __future__ import annotations

from collections import defaultdict

from qingfeng.core import distinct
from qingfeng.core.distinct import Family
from qingfeng.education.models import DegreeStudy

TRAINEES = "deg"


def trainee_tracks(org_id: int | None) -> dict[str, list]:
    qs = DegreeStudy.objects.all()
    if org_id is not None:
        qs = qs.filter(person_id__in=qs.filter(org_id=org_id).values("person_id"))
    out: dict[str, list] = defaultdict(list)
    for pid, org, day, level in qs.order_by().values_list("person_id", "org_id", "enrolled_on", "level"):
        out[distinct.person(pid)].append((day, org, distinct.dims({"degree": level})))
    return out


def trainee_homes(identities: set[str]) -> set[int]:
    return set(DegreeStudy.objects.filter(person_id__in=distinct.person_ids(identities)).order_by()
               .values_list("org_id", flat=True).distinct())


distinct.family(Family(TRAINEES, trainee_tracks, trainee_homes, filters=("degree",), reads=(DegreeStudy, "people.person")))
