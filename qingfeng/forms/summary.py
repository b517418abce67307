"""The burden figures beside the forms: answered by the platform, hand-kept forms retired, reduction."""

from __future__ import annotations

import datetime as dt

from qingfeng.burden.models import ReportForm, RetireReason
from qingfeng.core.dates import today
from qingfeng.indicators import engine

KEYS = ["burden.forms_answered", "burden.forms_active", "burden.forms_reduction"]


def for_org(org, user, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """This year's figures of `org`'s subtree, from the indicator engine (as `qingfeng indicators` prints them),
    and the hand-kept forms of the subtree the platform answers now (retired 由系统生成)."""
    end = end or today()
    start = start or dt.date(end.year, 1, 1)
    values = engine.compute(org, start, end, KEYS, user=user)
    retired = ReportForm.objects.filter(org__path__startswith=org.path, retired_on__isnull=False,
                                        retired_on__lte=end, retire_reason=RetireReason.GENERATED)
    return {
        "org": org, "start": start, "end": end, "answered": values["burden.forms_answered"],
        "active": values["burden.forms_active"], "reduction": values["burden.forms_reduction"],
        "retired_generated": retired.count(),
        "retired_generated_in_period": retired.filter(retired_on__gte=start).count(),
    }
