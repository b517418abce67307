"""The own fact rows of commendations (qingfeng.core.metrics): what qingfeng.honors.indicators reads back.

* "hon_col" (flow): a commended collective on its decision's date, owned by the organization owning the record, d1
  the decision's grantor level (授予级别). A collective is one row per decision (表彰编号 + 集体名称 is the key), so
  the rows add up to the distinct pairs of `honors.collectives`. Commended persons are a distinct count of persons
  (one may be commended twice in a period): read from the records.
"""

from __future__ import annotations

from django.db.models import CharField, Count, F, Value

from qingfeng.core import metrics
from qingfeng.honors.models import Honoree

COLLECTIVE = "hon_col"

metrics.declare(metrics.FLOW, COLLECTIVE)


@metrics.sql_source(COLLECTIVE)
def collective_values(org_id: int | None = None):
    qs = Honoree.objects.collectives()
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    blank = Value("", output_field=CharField())
    return qs.order_by().values(o=F("org_id"), dd=F("commendation__date"), k1=F("commendation__grantor_level"),
                                k2=blank, k3=blank).annotate(c=Count("id"), s=Value(0))
