"""Indicators of the organization tree (spec/indicators.md), declared with qingfeng.core.indicators: each with its
value from the facts (qingfeng.orgs.facts) and its direct computation from the organizations, which is also its
drill-through."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Ask, Indicator, Parts, RecordSet, active_on, register, stream, within
from qingfeng.orgs.facts import ORG
from qingfeng.orgs.models import BRANCH_KINDS, Kind, Level, Organization, Sector

KINDS = tuple(Kind.values)
SECTORS = tuple(Sector.values)
LEVELS = tuple(Level.values)


def orgs_at(ask: Ask, branches: bool = False) -> QuerySet[Organization]:
    """Organizations in scope existing at the period's end, of the asked kinds, sectors and levels."""
    qs = active_on(within(Organization.objects.all(), ask, ""), ask.end, "established_on", "dissolved_on")
    if branches:
        qs = qs.filter(kind__in=BRANCH_KINDS)
    for name in ("kind", "sector", "level"):
        if ask.get(name) is not None:
            qs = qs.filter(**{f"{name}__in": ask.get(name)})
    return qs


def org_set(qs: QuerySet[Organization]) -> RecordSet:
    def rows() -> Iterator[list[object]]:
        for o in stream(qs.order_by("path")):
            yield [o.code, o.name, o.kind, o.sector, o.level, o.established_on, o.dissolved_on]

    return RecordSet("orgs.organization", ["组织编码", "组织名称", "组织类别", "单位类型", "层级", "成立日期", "撤销日期"],
                     rows, qs.count)


register(
    Indicator("orgs.total", N("党组织总数"), "snapshot", "orgs", {"kind": KINDS, "sector": SECTORS, "level": LEVELS},
              reads=frozenset({ORG}), facts=lambda q: q.snap(ORG, q.get("kind"), q.get("sector"), q.get("level"))[0],
              records=lambda ask: Parts(org_set(orgs_at(ask)))),
    Indicator("orgs.branches", N("党支部数"), "snapshot", "orgs", {"sector": SECTORS},
              reads=frozenset({ORG}), facts=lambda q: q.snap(ORG, set(BRANCH_KINDS), q.get("sector"))[0],
              records=lambda ask: Parts(org_set(orgs_at(ask, branches=True)))),
)
