"""The own fact rows of activities (qingfeng.core.metrics): what qingfeng.activities.indicators (and the warning
education of qingfeng.discipline.indicators) read back.

* "act" (flow): activities per organization, day, type (d1, the type's id), channel (d2) and whether they studied
  the 第一议题 (d3 "1"/"0"); n the activities, total their audience — a grouped query the rebuild inserts in SQL;
* "team" (snapshot): a lecture team from its establishment until it is dissolved.

The compliance windows (met or not, per branch) are kept by the fact store itself from qingfeng.activities.windows.
Attendance and rosters count distinct persons: read from the records.
"""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from qingfeng.activities.models import Activity, LectureTeam
from qingfeng.core import metrics
from qingfeng.core.metrics import Rows

ACT, TEAM = "act", "team"

metrics.declare(metrics.FLOW, ACT)
metrics.declare(metrics.SNAPSHOT, TEAM)


@metrics.sql_source(ACT)
def activity_values(org_id: int | None = None):
    qs = Activity.objects.all() if org_id is None else Activity.objects.filter(org_id=org_id)
    return qs.order_by().values(
        o=F("org_id"), dd=F("date"), k1=Cast("type_id", CharField()), k2=F("channel"),
        k3=Case(When(first_topic=True, then=Value("1")), default=Value("0"), output_field=CharField()),
    ).annotate(c=Count("id"), s=Coalesce(Sum("audience"), 0))


@metrics.row_source
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    teams = LectureTeam.objects.all() if org_id is None else LectureTeam.objects.filter(org_id=org_id)
    for org, est, gone in teams.values_list("org_id", "established_on", "dissolved_on"):
        rows.segment(org, est, gone, TEAM)
