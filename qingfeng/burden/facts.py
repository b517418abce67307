"""The own fact rows of burden reduction (qingfeng.core.metrics): what qingfeng.burden.indicators reads back.

* "form" (snapshot): a report form in use, from its enabling day until it is retired;
* "entry" (flow): the records created at an organization (core.Entry) on the local day of their creation, a grouped
  query the rebuild inserts in SQL.
"""

from __future__ import annotations

from django.db.models import CharField, Count, F, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from qingfeng.burden.models import ReportForm
from qingfeng.core import metrics
from qingfeng.core.metrics import Rows
from qingfeng.core.models import Entry

FORM, ENTRY = "form", "entry"

metrics.declare(metrics.SNAPSHOT, FORM)
metrics.declare(metrics.FLOW, ENTRY)


@metrics.row_source(reads=(ReportForm,), emits=(FORM,))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    forms = ReportForm.objects.all() if org_id is None else ReportForm.objects.filter(org_id=org_id)
    for org, start, end in forms.values_list("org_id", "enabled_on", "retired_on"):
        rows.segment(org, start, end, FORM)


@metrics.sql_source(ENTRY, reads=(Entry,))
def entry_values(org_id: int | None = None):
    qs = Entry.objects.all()
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    blank = Value("", output_field=CharField())
    return qs.order_by().values(
        o=F("org_id"), dd=TruncDate("at", tzinfo=timezone.get_default_timezone()), k1=blank, k2=blank, k3=blank,
    ).annotate(c=Count("id"), s=Value(0))
