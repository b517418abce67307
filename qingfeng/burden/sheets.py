"""The 报表目录 import sheet (spec/import-formats.md): the report forms register."""

from __future__ import annotations

from qingfeng.burden.models import RetireReason
from qingfeng.core.sheets import CODE, DATE, END_NOTE, ENUM, FREE, Col, Sheet, choices_of, register

REPORT_FORMS = register(Sheet("报表目录", order=150, model="burden.ReportForm", key=("报表编号",), columns=(
    Col("报表编号", True, CODE, max_length=40, example="BB-001", lookup="code"),
    Col("报表名称", True, FREE, example="党员学习情况统计表", lookup="name"),
    Col("主管组织编码", True, CODE, max_length=32, example="140105", lookup="org__code", org=True),
    Col("启用日期", True, DATE, example="2020-01-01", lookup="enabled_on"),
    Col("停用日期", False, DATE, note=END_NOTE, lookup="retired_on"),
    Col("停用原因", False, ENUM, choices_of(RetireReason.values), lookup="retire_reason"),
), date_rules=(("停用日期", "启用日期", True),)))
