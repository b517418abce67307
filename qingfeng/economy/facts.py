"""The own fact rows of collective-economy support (qingfeng.core.metrics): what qingfeng.economy.indicators reads
back.

* "eco_fund" (flow): a payment on the day it was paid (拨付日期), owned by the supported village's organization, d1
  its source (资金来源), total its amount in yuan;
* "vil" (a distinct count of organizations, qingfeng.core.distinct: per calendar period and the rolling twelve
  months): a village with a payment in the period, also per source.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import CharField, Count, F, Sum, Value

from qingfeng.core import distinct, metrics
from qingfeng.core.distinct import Family
from qingfeng.economy.models import SupportItem

FUND = "eco_fund"

metrics.declare(metrics.FLOW, FUND)


@metrics.sql_source(FUND, reads=(SupportItem,))
def fund_values(org_id: int | None = None):
    qs = SupportItem.objects.all()
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    blank = Value("", output_field=CharField())
    return qs.order_by().values(o=F("org_id"), dd=F("paid_on"), k1=F("source"), k2=blank, k3=blank).annotate(
        c=Count("id"), s=Sum("amount"))


VILLAGES = "vil"


def village_tracks(org_id: int | None) -> dict[str, list]:
    qs = SupportItem.objects.all() if org_id is None else SupportItem.objects.filter(org_id=org_id)
    out: dict[str, list] = defaultdict(list)
    for org, day, source in qs.order_by().values_list("org_id", "paid_on", "source"):
        out[f"o{org}"].append((day, org, distinct.dims({"source": source})))
    return out


distinct.family(Family(VILLAGES, village_tracks, lambda identities: set(), filters=("source",), identity="o",
                       reads=(SupportItem,)))
