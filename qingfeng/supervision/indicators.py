"""Indicators of supervision: findings and their rectification, accountability (spec/indicators.md), declared with
qingfeng.core.indicators: each with its value from the facts (qingfeng.supervision.facts) and its direct computation
from the records, which is also its drill-through. 问责人数 counts distinct persons: read from the records."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.core import distinct
from qingfeng.core.indicators import (
    Ask,
    FactsQuestion,
    Indicator,
    Parts,
    RecordSet,
    between,
    distinct_count,
    register,
    round_rate,
    stream,
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.supervision.facts import ACCOUNTABLE, CLOSED, DEADLINE, FOUND, OVERDUE
from qingfeng.supervision.models import Accountability, Finding, FindingSource, ProblemCategory

SOURCES = tuple(FindingSource.values)
CATEGORIES = tuple(ProblemCategory.values)
FINDING_COLUMNS = ["问题编号", "来源", "责任组织编码", "责任组织", "发现日期", "整改期限", "销号日期", "问题描述"]


def findings(ask: Ask) -> QuerySet:
    qs = within(Finding.objects.all(), ask)
    if (wanted := ask.get("source")) is not None:
        qs = qs.filter(source__in=wanted)
    if (wanted := ask.get("category")) is not None:
        qs = qs.filter(category__in=wanted)
    return qs


def finding_set(qs: QuerySet) -> RecordSet:
    def rows():
        for f in stream(qs.select_related("org").order_by("found_on", "code")):
            yield [f.code, f.source, f.org.code, f.org.name, f.found_on, f.deadline, f.closed_on, f.description]

    return RecordSet("supervision.finding", FINDING_COLUMNS, rows, qs.count)


def on_time_rate(ask: Ask) -> Parts:
    due = between(findings(ask), ask, "deadline")
    return Parts(numerator=finding_set(due.filter(closed_on__lte=F("deadline"))), denominator=finding_set(due))


def on_time_rate_facts(q: FactsQuestion):
    due, on_time = q.flow(DEADLINE, q.get("source"), q.get("category"))
    return round_rate(on_time, due)


def overdue(ask: Ask) -> Parts:
    qs = findings(ask).filter(deadline__lt=ask.end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=ask.end))
    return Parts(finding_set(qs))


def accountability(ask: Ask) -> Parts:
    qs = between(within(Accountability.objects.all(), ask), ask, "decided_on")

    def rows():
        for a in stream(qs.select_related("person", "org").order_by("decided_on", "id")):
            yield [mask_id(a.person.id_number), a.person.name, a.org.code, a.decided_on, a.mode]

    return Parts(RecordSet("supervision.accountability", ["公民身份号码", "姓名", "决定组织编码", "决定日期", "方式"], rows,
                           lambda: distinct_count(qs, "person_id"), qs.count))


register(
    Indicator("rectify.found", N("发现问题数"), "flow", "supervision", {"source": SOURCES, "category": CATEGORIES},
              reads=frozenset({FOUND}), facts=lambda q: q.flow(FOUND, q.get("source"), q.get("category"))[0],
              records=lambda ask: Parts(finding_set(between(findings(ask), ask, "found_on")))),
    Indicator("rectify.closed", N("整改销号数"), "flow", "supervision", {"source": SOURCES, "category": CATEGORIES},
              reads=frozenset({CLOSED}), facts=lambda q: q.flow(CLOSED, q.get("source"), q.get("category"))[0],
              records=lambda ask: Parts(finding_set(between(findings(ask), ask, "closed_on")))),
    Indicator("rectify.on_time_rate", N("按期整改率"), "rate", "supervision", {"source": SOURCES, "category": CATEGORIES},
              reads=frozenset({DEADLINE}), facts=on_time_rate_facts, records=on_time_rate),
    Indicator("rectify.overdue", N("逾期未整改数"), "snapshot", "supervision", {"source": SOURCES, "category": CATEGORIES},
              reads=frozenset({OVERDUE}), facts=lambda q: q.snap(OVERDUE, q.get("source"), q.get("category"))[0], records=overdue),
    Indicator("accountability.persons", N("问责人数"), "flow", "supervision", reads=distinct.reads(ACCOUNTABLE),
              facts=distinct.reader(ACCOUNTABLE), records=accountability),
)
