"""The import sheets of grassroots work (spec/import-formats.md): 选派干部 and 软弱涣散整顿."""

from __future__ import annotations

from qingfeng.core.sheets import CODE, DATE, END_NOTE, ENUM, FREE, ID, Col, Sheet, choices_of, register
from qingfeng.grassroots.models import AssignmentEndReason, Role

# A dispatched cadre need not be a party member: the rows carry their own 姓名.
ASSIGNMENTS = register(Sheet("选派干部", order=100, model="grassroots.Assignment", names_people=True,
                             key=("公民身份号码", "岗位", "派驻组织编码", "开始日期"), lifetime=("派驻组织编码", "开始日期"),
                             date_rules=(("结束日期", "开始日期", True),), columns=(
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="张三", export="person__name"),
    Col("派出单位", False, FREE, lookup="sent_by"),
    Col("岗位", True, ENUM, choices_of(Role.values), example="第一书记", lookup="role"),
    Col("派驻组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("队伍", False, FREE, max_length=100, lookup="team"),
    Col("开始日期", True, DATE, example="2024-01-02", lookup="start_on"),
    Col("结束日期", False, DATE, note=END_NOTE, lookup="end_on"),
    Col("结束原因", False, ENUM, choices_of(AssignmentEndReason.values), lookup="end_reason"),
)))

WEAK_ORGS = register(Sheet("软弱涣散整顿", order=110, model="grassroots.WeakOrgCase", key=("组织编码", "认定日期"),
                           date_rules=(("整顿完成日期", "认定日期", False),), columns=(
    Col("组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("认定日期", True, DATE, example="2024-03-01", lookup="identified_on"),
    Col("主要问题", False, FREE, max_length=2000, lookup="problems"),
    Col("整顿完成日期", False, DATE, lookup="rectified_on"),
)))
