"""The 办实事 import sheet (spec/import-formats.md)."""

from __future__ import annotations

from qingfeng.core.sheets import CODE, DATE, ENUM, FREE, INT, Col, Sheet, choices_of, register
from qingfeng.service.models import ServiceCategory

SERVICE_ITEMS = register(Sheet("办实事", order=140, model="service.ServiceItem", key=("事项编号",),
                               lifetime=("组织编码", "承诺日期"),
                               date_rules=(("计划完成日期", "承诺日期", False), ("完成日期", "承诺日期", False)), columns=(
    Col("事项编号", True, CODE, max_length=40, example="SS-2025-001", lookup="code"),
    Col("组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("事项名称", True, FREE, max_length=300, example="加装小区路灯", lookup="name"),
    Col("类别", False, ENUM, choices_of(ServiceCategory.values), lookup="category"),
    Col("承诺日期", True, DATE, example="2025-03-01", lookup="committed_on"),
    Col("计划完成日期", True, DATE, example="2025-06-30", lookup="planned_on"),
    Col("完成日期", False, DATE, lookup="completed_on"),
    Col("受益人数", False, INT, lookup="beneficiaries"),
)))
