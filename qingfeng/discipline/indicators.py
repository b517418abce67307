"""Indicators of discipline (restricted to 纪检监察 and 系统管理员; spec/indicators.md), declared with
qingfeng.core.indicators: each with its value from the facts (qingfeng.discipline.facts; warning education from the
activities' facts) and its direct computation from the records, which is also its drill-through."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.activities.facts import ACT
from qingfeng.activities.indicators import activities, activity_set, audience, held
from qingfeng.activities.models import ActivityRole
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
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.discipline.facts import CASE, DISPOSITION, RECOMMENDATION, SURRENDERED
from qingfeng.discipline.models import Case, Disposition, Recommendation
from qingfeng.people.indicators import CADRE_LEVELS

FORMS = ("1", "2", "3", "4")
WARNING = ActivityRole.WARNING_EDUCATION


def cases(ask: Ask) -> QuerySet:
    qs = between(within(Case.objects.all(), ask), ask, "filed_on")
    if (wanted := ask.get("cadre_level")) is not None:
        qs = qs.filter(cadre_level__in=wanted)
    return qs


def case_set(qs: QuerySet, value: Callable[[], int] | None = None) -> RecordSet:
    def rows():
        for c in stream(qs.select_related("person", "org").order_by("filed_on", "code")):
            yield [c.code, mask_id(c.person.id_number), c.person.name, c.cadre_level, c.org.code, c.filed_on,
                   "是" if c.self_surrender else "否"]

    return RecordSet("discipline.case", ["案件编号", "公民身份号码", "姓名", "干部管理层级", "承办组织编码", "立案日期", "主动投案"],
                     rows, value or qs.count, qs.count if value else None)


def self_surrender(ask: Ask) -> Parts:
    qs = cases(ask).filter(self_surrender=True)
    return Parts(case_set(qs, lambda: distinct_count(qs, "person_id")))


def dispositions(ask: Ask) -> Parts:
    qs = between(within(Disposition.objects.all(), ask), ask, "decided_on")
    if ask.get("form") is not None:
        qs = qs.filter(form__in=[int(v) for v in ask.get("form") or ()])

    def rows():
        for d in stream(qs.select_related("person", "org").order_by("decided_on", "id")):
            yield [mask_id(d.person.id_number), d.person.name, d.org.code, d.decided_on, d.form, d.measure]

    return Parts(RecordSet("discipline.disposition", ["公民身份号码", "姓名", "决定组织编码", "日期", "形态", "措施"], rows,
                           qs.count))


def recommendations(ask: Ask) -> Parts:
    qs = between(within(Recommendation.objects.all(), ask), ask, "issued_on")

    def rows():
        for r in stream(qs.select_related("org").order_by("issued_on", "code")):
            yield [r.code, r.org.code, r.issued_on, r.recipient, r.replied_on]

    return Parts(RecordSet("discipline.recommendation", ["建议书编号", "发出组织编码", "发出日期", "收文单位", "回复日期"], rows,
                           qs.count))


register(
    Indicator("discipline.cases_filed", N("立案数"), "flow", "discipline", {"cadre_level": CADRE_LEVELS}, True,
              reads=frozenset({CASE}), facts=lambda q: q.flow(CASE, q.get("cadre_level"))[0],
              records=lambda ask: Parts(case_set(cases(ask)))),
    Indicator("discipline.self_surrender", N("主动投案人数"), "flow", "discipline", restricted=True,
              reads=distinct.reads(SURRENDERED), facts=distinct.reader(SURRENDERED), records=self_surrender),
    Indicator("discipline.four_forms", N("运用“四种形态”处理人次"), "flow", "discipline", {"form": FORMS}, True,
              reads=frozenset({DISPOSITION}), facts=lambda q: q.flow(DISPOSITION, q.get("form"))[0],
              records=dispositions),
    Indicator("discipline.recommendations", N("纪检监察建议书数"), "flow", "discipline", restricted=True,
              reads=frozenset({RECOMMENDATION}), facts=lambda q: q.flow(RECOMMENDATION)[0], records=recommendations),
    Indicator("discipline.warning_sessions", N("警示教育场次"), "flow", "discipline", restricted=True,
              reads=frozenset({ACT}), facts=lambda q: held(q, WARNING)[0],
              records=lambda ask: Parts(activity_set(activities(ask, role=WARNING)))),
    Indicator("discipline.warning_audience", N("警示教育受教育人次"), "flow", "discipline", restricted=True,
              reads=frozenset({ACT}), facts=lambda q: held(q, WARNING)[1], records=audience(WARNING)),
)
