"""Indicators of the members (spec/indicators.md), declared with qingfeng.core.indicators: each with its value from
the facts (qingfeng.people.facts) and its direct computation from the relations and persons, which is also its
drill-through. The member queries here (categories and cadre levels on a day, persons listed) serve the indicators
of other ledgers too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, TypeVar

from django.db.models import Case, Exists, F, Model, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import (
    Ask,
    Indicator,
    Parts,
    RecordSet,
    Row,
    active_on,
    between,
    distinct_count,
    register,
    stream,
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.people.facts import MEM, MEMBER_CATEGORIES, RECRUITED, TRANSFERRED
from qingfeng.people.models import CadreLevel, CadreLevelRecord, Category, Person, Relation, RelationVia

M = TypeVar("M", bound=Model)
R = TypeVar("R")
QS = TypeVar("QS", bound="QuerySet[Any]")  # a model's own QuerySet class, kept through the filter

CATEGORIES = tuple(Category.values)
CADRE_LEVELS = tuple(CadreLevel.values)


def full_on_q(day: dt.date, prefix: str = "") -> Q:
    """正式党员 on `day`: admitted, and 转正 on or before it (or 正式 without a 转正日期)."""
    p = prefix
    return Q(**{f"{p}admitted_on__lte": day}) & (
        Q(**{f"{p}full_on__lte": day}) | Q(**{f"{p}full_on__isnull": True, f"{p}category": Category.FULL})
    )


def category_q(day: dt.date, categories: tuple[str, ...] | None, prefix: str = "") -> Q:
    admitted = Q(**{f"{prefix}admitted_on__lte": day})
    if categories is None or set(categories) >= {Category.FULL, Category.PROBATIONARY}:
        return admitted
    if Category.FULL in categories:
        return full_on_q(day, prefix)
    return admitted & ~full_on_q(day, prefix)


def cadre_level_at(day: dt.date, person_ref: str = "pk") -> Case:
    """The person's cadre level at `day`: the latest record on or before it (an undated record holds
    since before any period); without any record, the level written on the person; with records
    none of which holds yet, no level (matches no filter)."""
    records = CadreLevelRecord.objects.filter(person=OuterRef(person_ref))
    latest = records.filter(Q(since__isnull=True) | Q(since__lte=day)).order_by(
        F("since").desc(nulls_last=True), "-id").values("level")[:1]
    own = Person.objects.filter(pk=OuterRef(person_ref)).values("cadre_level")[:1]
    return Case(When(Exists(records), then=Coalesce(Subquery(latest), Value(""))), default=Subquery(own))


def with_cadre_level(qs: QS, day: dt.date, levels: tuple[str, ...] | None, person_ref: str) -> QS:
    if levels is None:
        return qs
    return qs.annotate(level_at=cadre_level_at(day, person_ref)).filter(level_at__in=levels)


def person_set(person_ids_qs: QuerySet[M, R]) -> RecordSet:
    """Distinct persons; person_ids_qs yields person ids."""
    people = Person.objects.filter(pk__in=person_ids_qs)

    def rows() -> Iterator[Row]:
        for p in stream(people.select_related("org").order_by("id_number")):
            yield [mask_id(p.id_number), p.name, p.org.code if p.org else "", p.org.name if p.org else ""]

    return RecordSet("people.person", ["公民身份号码", "姓名", "所在党组织编码", "所在党组织"], rows, people.count)


def relations_at(ask: Ask, day: dt.date) -> QuerySet[Relation]:
    return active_on(within(Relation.objects.all(), ask), day, "start_on", "end_on")


def members_at(ask: Ask) -> QuerySet[Relation]:
    """Relations holding at `to` in scope of members of the asked categories and cadre levels."""
    qs = relations_at(ask, ask.end).filter(category_q(ask.end, ask.get("category"), "person__"))
    return with_cadre_level(qs, ask.end, ask.get("cadre_level"), "person_id")


def recruited(ask: Ask) -> QuerySet[Person]:
    """Persons admitted in the period by an organization in scope; when the admitting organization
    was not recorded (an import), the organization holding their relation on the admission day."""
    holding = Relation.objects.filter(person=OuterRef("pk"), org__path__startswith=ask.prefix).filter(
        Q(start_on__isnull=True) | Q(start_on__lte=OuterRef("admitted_on"))).filter(
        Q(end_on__isnull=True) | Q(end_on__gt=OuterRef("admitted_on")))
    qs = between(Person.objects.filter(admitted_on__isnull=False), ask, "admitted_on")
    return qs.filter(Q(admitting_org__path__startswith=ask.prefix) | (Q(admitting_org__isnull=True) & Exists(holding)))


def transfers_in(ask: Ask) -> QuerySet[Relation]:
    qs = between(within(Relation.objects.all(), ask), ask, "start_on").filter(
        via__in=(RelationVia.TRANSFER, RelationVia.TRANSFER_IN))
    return qs.filter(Q(from_org__isnull=True) | ~Q(from_org__path__startswith=ask.prefix))


def relation_set(qs: QuerySet[Relation]) -> RecordSet:
    def rows() -> Iterator[Row]:
        for r in stream(qs.select_related("person", "org", "from_org").order_by("start_on", "id")):
            yield [mask_id(r.person.id_number), r.person.name, r.org.code, r.org.name, r.start_on, r.end_on, r.via,
                   r.from_org.code if r.from_org else ""]

    return RecordSet("people.relation", ["公民身份号码", "姓名", "组织编码", "组织名称", "开始日期", "结束日期", "来源", "转出组织"],
                     rows, lambda: distinct_count(qs, "person_id"), qs.count)


def transferred_in(ask: Ask) -> Parts:
    qs = transfers_in(ask)
    rs = relation_set(qs)
    rs.value = qs.count
    return Parts(rs)


register(
    Indicator("members.total", N("党员总数"), "snapshot", "orgs", {"category": CATEGORIES, "cadre_level": CADRE_LEVELS},
              reads=frozenset({MEM}), facts=lambda q: q.snap(MEM, q.get("category") or MEMBER_CATEGORIES,
                                                             q.get("cadre_level"))[0],
              records=lambda ask: Parts(relation_set(members_at(ask)))),
    Indicator("members.recruited", N("发展党员数"), "flow", "orgs", reads=frozenset({RECRUITED}),
              facts=lambda q: q.flow(RECRUITED)[0], records=lambda ask: Parts(person_set(recruited(ask).values("pk")))),
    Indicator("members.transferred_in", N("转入党员数"), "flow", "orgs", reads=frozenset({TRANSFERRED}),
              facts=lambda q: q.flow(TRANSFERRED)[0], records=transferred_in),
)
