"""Indicators of degree education (spec/indicators.md, "Added in the second round"), declared with
qingfeng.core.indicators: its direct computation from the enrollments, which is also its drill-through. It counts
distinct persons (a cadre may enroll twice in a period), so it is read from the records."""

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
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.education.facts import TRAINEES
from qingfeng.education.models import DegreeLevel, DegreeStudy

DEGREES = tuple(DegreeLevel.values)
COLUMNS = ["公民身份号码", "姓名", "组织编码", "组织名称", "层次", "入学日期", "毕业日期"]


def enrollments(ask: Ask) -> QuerySet:
    qs = between(within(DegreeStudy.objects.all(), ask), ask, "enrolled_on")
    if (wanted := ask.get("degree")) is not None:
        qs = qs.filter(level__in=wanted)
    return qs


def trainees(ask: Ask) -> Parts:
    qs = enrollments(ask)

    def rows():
        for s in stream(qs.select_related("person", "org").order_by("enrolled_on", "id")):
            yield [mask_id(s.person.id_number), s.person.name, s.org.code, s.org.name, s.level, s.enrolled_on,
                   s.graduated_on]

    return Parts(RecordSet("education.degreestudy", COLUMNS, rows, lambda: distinct_count(qs, "person_id"), qs.count))


register(
    Indicator("grassroots.degree_trainees", N("学历提升培养人数"), "flow", "grassroots", {"degree": DEGREES},
              reads=distinct.reads(TRAINEES), facts=distinct.reader(TRAINEES, ("degree",)), records=trainees),
)
