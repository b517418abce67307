"""Indicators of commendations (spec/indicators.md, "Added in the second round"), declared with
qingfeng.core.indicators: each with its direct computation from the honorees, which is also its drill-through;
the collectives also from the facts (qingfeng.honors.facts), the persons a distinct count read from the records."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.core import distinct
from qingfeng.core.indicators import (
    Ask,
    Indicator,
    Parts,
    RecordSet,
    distinct_count,
    register,
    stream,
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.honors.facts import COLLECTIVE, PERSONS
from qingfeng.honors.models import GrantorLevel, Honoree

LEVELS = tuple(GrantorLevel.values)
COLUMNS = ["表彰编号", "表彰名称", "授予级别", "日期", "对象类型", "集体名称", "公民身份号码", "姓名", "组织编码", "组织名称"]


def honorees(ask: Ask) -> QuerySet:
    """Honorees owned in the subtree whose decision is dated in the period (of the asked grantor levels)."""
    qs = within(Honoree.objects.all(), ask).filter(commendation__date__gte=ask.start, commendation__date__lte=ask.end)
    if (wanted := ask.get("grantor_level")) is not None:
        qs = qs.filter(commendation__grantor_level__in=wanted)
    return qs


def honoree_set(qs: QuerySet, value) -> RecordSet:
    def rows():
        for h in stream(qs.select_related("commendation", "person", "org").order_by(
                "commendation__date", "commendation__code", "id")):
            c, p = h.commendation, h.person
            yield [c.code, c.name, c.grantor_level, c.date, h.kind, h.collective_name,
                   mask_id(p.id_number) if p else "", p.name if p else "", h.org.code, h.org.name]

    return RecordSet("honors.honoree", COLUMNS, rows, value, qs.count)


def collectives(ask: Ask) -> Parts:
    qs = honorees(ask).filter(kind="集体")
    # (表彰编号, 集体名称) is the row's key: the pairs are the rows
    return Parts(honoree_set(qs, lambda: distinct_count(qs, "id")))


def persons(ask: Ask) -> Parts:
    qs = honorees(ask).filter(kind="个人")
    return Parts(honoree_set(qs, lambda: distinct_count(qs, "person_id")))


register(
    Indicator("honors.collectives", N("受表彰集体数"), "flow", "grassroots", {"grantor_level": LEVELS},
              reads=frozenset({COLLECTIVE}), facts=lambda q: q.flow(COLLECTIVE, q.get("grantor_level"))[0],
              records=collectives),
    Indicator("honors.persons", N("受表彰个人数"), "flow", "grassroots", {"grantor_level": LEVELS},
              reads=distinct.reads(PERSONS), facts=distinct.reader(PERSONS, ("grantor_level",)), records=persons),
)
