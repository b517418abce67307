"""Indicators of collective-economy support (spec/indicators.md, "Added in the second round"), declared with
qingfeng.core.indicators: each with its direct computation from the payments, which is also its drill-through; the
funds also from the facts (qingfeng.economy.facts), the villages a distinct count read from the records."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.core import distinct
from qingfeng.core.indicators import (
    Ask,
    Indicator,
    Parts,
    RecordSet,
    between,
    distinct_count,
    register,
    stream,
    total,
    within,
)
from qingfeng.economy.facts import FUND, VILLAGES
from qingfeng.economy.models import FundSource, SupportItem

SOURCES = tuple(FundSource.values)
COLUMNS = ["项目编号", "组织编码", "组织名称", "资金来源", "金额", "拨付日期", "用途"]


def payments(ask: Ask) -> QuerySet:
    qs = between(within(SupportItem.objects.all(), ask), ask, "paid_on")
    if (wanted := ask.get("source")) is not None:
        qs = qs.filter(source__in=wanted)
    return qs


def payment_set(qs: QuerySet, value) -> RecordSet:
    def rows():
        for s in stream(qs.select_related("org").order_by("paid_on", "code")):
            yield [s.code, s.org.code, s.org.name, s.source, s.amount, s.paid_on, s.purpose]

    return RecordSet("economy.supportitem", COLUMNS, rows, value, qs.count)


def funds(ask: Ask) -> Parts:
    qs = payments(ask)
    return Parts(payment_set(qs, lambda: total(qs, "amount")))


def villages(ask: Ask) -> Parts:
    qs = payments(ask)
    return Parts(payment_set(qs, lambda: distinct_count(qs, "org_id")))


register(
    Indicator("economy.support_funds", N("集体经济扶持资金(元)"), "flow", "grassroots", {"source": SOURCES},
              reads=frozenset({FUND}), facts=lambda q: q.flow(FUND, q.get("source"))[1], records=funds),
    Indicator("economy.supported_villages", N("获扶持村数"), "flow", "grassroots", {"source": SOURCES},
              reads=distinct.reads(VILLAGES), facts=distinct.reader(VILLAGES, ("source",)), records=villages),
)
