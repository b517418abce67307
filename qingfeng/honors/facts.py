"""The own fact rows of commendations (qingfeng.core.metrics): what qingfeng.honors.indicators reads back.

* "hon_col" (flow): a commended collective on its decision's date, owned by the organization owning the record, d1
  the decision's grantor level (授予级别). A collective is one row per decision (表彰编号 + 集体名称 is the key), so
  the rows add up to the distinct pairs of `honors.collectives`. Commended persons are a distinct count of persons
  (one may be commended twice in a period): read from the records.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import CharField, Count, F, Q, Value

from qingfeng.core import distinct, metrics
from qingfeng.core.distinct import Family
from qingfeng.honors.models import Honoree

COLLECTIVE = "hon_col"

metrics.declare(metrics.FLOW, COLLECTIVE)


@metrics.sql_source(COLLECTIVE, reads=(Honoree, "honors.commendation"))
def collective_values(org_id: int | None = None):
    qs = Honoree.objects.collectives()
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    blank = Value("", output_field=CharField())
    return qs.order_by().values(o=F("org_id"), dd=F("commendation__date"), k1=F("commendation__grantor_level"),
                                k2=blank, k3=blank).annotate(c=Count("id"), s=Value(0))


# ---- distinct persons ----------------------------------------------------------------------

PERSONS = "hon_p"  # commended persons, on the decision's date, at the organization owning the record, per grantor level


def person_tracks(org_id: int | None) -> dict[str, list]:
    qs = Honoree.objects.persons()
    if org_id is not None:
        # a person's records (and, should one lack its person, the organization's own such rows)
        qs = qs.filter(Q(person_id__in=qs.filter(org_id=org_id, person__isnull=False).values("person_id"))
                       | Q(person__isnull=True, org_id=org_id))
    out: dict[str, list] = defaultdict(list)
    for pid, org, day, level in qs.order_by().values_list("person_id", "org_id", "commendation__date",
                                                          "commendation__grantor_level"):
        out[distinct.person(pid)].append((day, org, distinct.dims({"grantor_level": level})))
    return out


def person_homes(identities: set[str]) -> set[int]:
    return set(Honoree.objects.persons().filter(person_id__in=distinct.person_ids(identities)).order_by()
               .values_list("org_id", flat=True).distinct())


distinct.family(Family(PERSONS, person_tracks, person_homes, filters=("grantor_level",),
                       reads=(Honoree, "honors.commendation")))
