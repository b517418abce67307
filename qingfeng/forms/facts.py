"""The own fact rows of 一表通 (qingfeng.core.metrics): "fill" (a flow), the forms the platform filled, on the day
counted (Filling.on) at the organization of the user who asked — `burden.forms_answered`, a grouped query the rebuild
inserts in SQL. A filling announces its organization (forms.actions.record_filling)."""

from __future__ import annotations

from django.db.models import CharField, Count, F, Value

from qingfeng.core import metrics
from qingfeng.forms.models import Filling

FILLED = "fill"

metrics.declare(metrics.FLOW, FILLED)


@metrics.sql_source(FILLED, reads=(Filling,))
def filling_values(org_id: int | None = None):
    qs = Filling.objects.filter(user_org__isnull=False)
    if org_id is not None:
        qs = qs.filter(user_org_id=org_id)
    blank = Value("", output_field=CharField())
    return qs.order_by().values(o=F("user_org_id"), dd=F("on"), k1=blank, k2=blank, k3=blank).annotate(
        c=Count("id"), s=Value(0))
