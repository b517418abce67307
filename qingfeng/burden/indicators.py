"""Indicators of burden reduction: report forms and the entries made at the grassroots (spec/indicators.md),
declared with qingfeng.core.indicators: each with its value from the facts (qingfeng.burden.facts) and its direct
computation from the records, which is also its drill-through."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop as N

from qingfeng.burden.facts import ENTRY, FORM
from qingfeng.burden.models import ReportForm
from qingfeng.core.indicators import (
    Ask,
    FactsQuestion,
    Indicator,
    Parts,
    RecordSet,
    active_on,
    local_day_bounds,
    register,
    round_rate,
    stream,
    within,
)
from qingfeng.core.models import Entry


def forms_at(ask: Ask, day: dt.date) -> QuerySet:
    return active_on(within(ReportForm.objects.all(), ask), day, "enabled_on", "retired_on")


def form_set(qs: QuerySet) -> RecordSet:
    def rows():
        for f in stream(qs.select_related("org").order_by("code")):
            yield [f.code, f.name, f.org.code, f.enabled_on, f.retired_on, f.retire_reason]

    return RecordSet("burden.reportform", ["报表编号", "报表名称", "主管组织编码", "启用日期", "停用日期", "停用原因"], rows, qs.count)


def reduction(ask: Ask) -> Parts:
    """报表精简率: the forms in use the day before the period that are not in use at its end, over the former."""
    before = forms_at(ask, ask.start - dt.timedelta(days=1))
    after = forms_at(ask, ask.end)

    def rate():
        a = before.count()
        return round_rate(a - after.count(), a)

    return Parts(numerator=form_set(before.exclude(pk__in=after.values("pk"))), denominator=form_set(before),
                 rate_value=rate)


def reduction_facts(q: FactsQuestion):
    before = q.before(FORM)[0]
    return round_rate(before - q.snap(FORM)[0], before)


def entries(ask: Ask) -> Parts:
    lo, hi = local_day_bounds(ask.start, ask.end)
    qs = within(Entry.objects.all(), ask).filter(at__gte=lo, at__lt=hi)
    tz = timezone.get_default_timezone()

    def rows():
        for e in stream(qs.select_related("org").order_by("at", "id")):
            yield [e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), e.org.code, e.model, e.object_id, e.channel]

    return Parts(RecordSet("core.entry", ["填报时间", "组织编码", "记录类型", "记录编号", "渠道"], rows, qs.count))


register(
    Indicator("burden.forms_active", N("在用报表数"), "snapshot", "burden", reads=frozenset({FORM}),
              facts=lambda q: q.snap(FORM)[0], records=lambda ask: Parts(form_set(forms_at(ask, ask.end)))),
    Indicator("burden.forms_reduction", N("报表精简率"), "rate", "burden", reads=frozenset({FORM}),
              reads_before=frozenset({FORM}), facts=reduction_facts, records=reduction),
    Indicator("burden.entries", N("基层填报条数"), "flow", "burden", reads=frozenset({ENTRY}),
              facts=lambda q: q.flow(ENTRY)[0], records=entries),
)
