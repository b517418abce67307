"""Indicators of 我为群众办实事 (spec/indicators.md), declared with qingfeng.core.indicators: each with its value from
the facts (qingfeng.service.facts) and its direct computation from the items, which is also its drill-through."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F, QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import (
    Ask,
    FactsQuestion,
    Indicator,
    Parts,
    RecordSet,
    between,
    register,
    round_rate,
    stream,
    total,
    within,
)
from qingfeng.service.facts import DONE, NEW, PLAN
from qingfeng.service.models import ServiceCategory, ServiceItem

CATEGORIES = tuple(ServiceCategory.values)
COLUMNS = ["事项编号", "组织编码", "事项名称", "类别", "承诺日期", "计划完成日期", "完成日期", "受益人数"]


def items(ask: Ask) -> QuerySet:
    qs = within(ServiceItem.objects.all(), ask)
    if (wanted := ask.get("category")) is not None:
        qs = qs.filter(category__in=wanted)
    return qs


def item_set(qs: QuerySet, value: Callable[[], int] | None = None) -> RecordSet:
    def rows():
        for s in stream(qs.select_related("org").order_by("committed_on", "code")):
            yield [s.code, s.org.code, s.name, s.category, s.committed_on, s.planned_on, s.completed_on, s.beneficiaries]

    return RecordSet("service.serviceitem", COLUMNS, rows, value or qs.count, qs.count if value else None)


def completed(ask: Ask) -> QuerySet:
    return between(items(ask), ask, "completed_on")


def beneficiaries(ask: Ask) -> Parts:
    qs = completed(ask)
    return Parts(item_set(qs, lambda: total(qs, "beneficiaries")))


def completion_rate(ask: Ask) -> Parts:
    due = between(items(ask), ask, "planned_on")
    return Parts(numerator=item_set(due.filter(completed_on__lte=F("planned_on"))), denominator=item_set(due))


def completion_rate_facts(q: FactsQuestion):
    due, on_time = q.flow(PLAN, q.get("category"))
    return round_rate(on_time, due)


register(
    Indicator("service.items", N("办实事事项数"), "flow", "service", {"category": CATEGORIES},
              reads=frozenset({NEW}), facts=lambda q: q.flow(NEW, q.get("category"))[0],
              records=lambda ask: Parts(item_set(between(items(ask), ask, "committed_on")))),
    Indicator("service.completed", N("办结事项数"), "flow", "service", {"category": CATEGORIES},
              reads=frozenset({DONE}), facts=lambda q: q.flow(DONE, q.get("category"))[0],
              records=lambda ask: Parts(item_set(completed(ask)))),
    Indicator("service.completion_rate", N("按期办结率"), "rate", "service", {"category": CATEGORIES},
              reads=frozenset({PLAN}), facts=completion_rate_facts, records=completion_rate),
    Indicator("service.beneficiaries", N("受益群众人数"), "flow", "service", {"category": CATEGORIES},
              reads=frozenset({DONE}), facts=lambda q: q.flow(DONE, q.get("category"))[1],
              records=beneficiaries),
)
