"""Indicators of the two-new coverage (spec/indicators.md), declared with qingfeng.core.indicators: each with its
value from the facts (qingfeng.entities.facts) and its direct computation from the entities and their coverage
history, which is also its drill-through."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import (
    Ask,
    FactsQuestion,
    Indicator,
    Parts,
    RecordSet,
    register,
    round_rate,
    stream,
    within,
)
from qingfeng.entities.facts import COV
from qingfeng.entities.models import (
    ORG_COVERAGE,
    WORK_COVERAGE,
    CoverageChange,
    CoverageMode,
    Entity,
    EntityType,
)


def coverage_at(day: dt.date):
    """An entity's coverage mode at `day` from its history (undated rows hold since registration;
    no history at all: the mode written on the entity; before the first dated row: 未覆盖)."""
    history = CoverageChange.objects.filter(entity=OuterRef("pk"))
    latest = history.filter(Q(since__isnull=True) | Q(since__lte=day)).order_by(
        F("since").asc(nulls_first=True), "id").reverse().values("mode")[:1]
    return Case(When(Exists(history), then=Coalesce(Subquery(latest), Value(CoverageMode.NONE.value))),
                default=F("coverage"))


def entities_at(ask: Ask, type_: str) -> QuerySet:
    """Entities of a type registered at the period's end in scope, with their coverage mode then (`mode_at`)."""
    qs = within(Entity.objects.filter(type=type_), ask)
    qs = qs.filter(Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=ask.end))
    return qs.annotate(mode_at=coverage_at(ask.end))


def entity_set(qs: QuerySet) -> RecordSet:
    def rows():
        for e in stream(qs.select_related("org").order_by("credit_code")):
            yield [e.credit_code, e.name, e.type, e.org.code, e.mode_at, e.deregistered_on]

    return RecordSet("entities.entity", ["统一社会信用代码", "名称", "类型", "属地党组织编码", "覆盖方式", "注销日期"],
                     rows, qs.count)


def coverage(ident: str, name: str, type_: str, modes) -> Indicator:
    """A coverage rate: entities of the type covered in one of the modes, over those registered, at the end."""
    wanted = {str(m) for m in modes}

    def facts(q: FactsQuestion):
        return round_rate(q.snap(COV, {type_}, wanted)[0], q.snap(COV, {type_})[0])

    def records(ask: Ask) -> Parts:
        registered = entities_at(ask, type_)
        return Parts(numerator=entity_set(registered.filter(mode_at__in=modes)), denominator=entity_set(registered))

    return Indicator(ident, name, "rate", "coverage", reads=frozenset({COV}), facts=facts, records=records)


register(
    coverage("coverage.nonpublic", N("非公有制企业党的工作覆盖率"), EntityType.ENTERPRISE.value, WORK_COVERAGE),
    coverage("coverage.nonpublic_org", N("非公有制企业党组织覆盖率"), EntityType.ENTERPRISE.value, ORG_COVERAGE),
    coverage("coverage.social", N("社会组织党的工作覆盖率"), EntityType.SOCIAL.value, WORK_COVERAGE),
    coverage("coverage.social_org", N("社会组织党组织覆盖率"), EntityType.SOCIAL.value, ORG_COVERAGE),
)
