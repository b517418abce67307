"""The 学历提升 import sheet (spec/import-formats.md, second round): one row per enrollment (公民身份号码 + 入学日期);
the person need not be a party member."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qingfeng.core.sheets import CODE, DATE, ENUM, FREE, ID, Col, Problems, Row, Sheet, choices_of, register
from qingfeng.education.models import DegreeLevel


def check_study(row: Row) -> Problems:
    for header in ("入学日期", "毕业日期"):
        if row[header] is not None and row[header] > row.today:
            yield header, _("日期不能晚于今天。")


DEGREE_STUDIES = register(Sheet("学历提升", order=210, model="education.DegreeStudy", key=("公民身份号码", "入学日期"),
                                names_people=True, lifetime=("组织编码", "入学日期"), check=check_study,
                                date_rules=(("毕业日期", "入学日期", False),), columns=(
    Col("公民身份号码", True, ID, example="140122198503040017", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="张三", export="person__name"),
    Col("组织编码", True, CODE, max_length=32, example="14012210201", note="此人任职的组织，如所在村党组织",
        lookup="org__code", org=True),
    Col("层次", True, ENUM, choices_of(DegreeLevel.values), example="大专", lookup="level"),
    Col("入学日期", True, DATE, example="2018-09-01", lookup="enrolled_on"),
    Col("毕业日期", False, DATE, note="不早于入学日期；空表示在读", lookup="graduated_on"),
)))
