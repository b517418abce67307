"""The import sheets of supervision (spec/import-formats.md): 问题整改 and 问责."""

from __future__ import annotations

from qingfeng.core.sheets import (
    CODE,
    DATE,
    ENUM,
    FREE,
    ID,
    Col,
    Context,
    Ledger,
    Sheet,
    SheetPlan,
    choices_of,
    register,
)
from qingfeng.supervision.actions import record_findings, rewrite_findings
from qingfeng.supervision.models import AccountabilityMode, FindingSource, ProblemCategory


class FindingLedger(Ledger):
    """Findings keep their status history: written through the bulk variants of the actions."""

    def create(self, ctx: Context, plan: SheetPlan, objs: list, rows: list) -> None:
        record_findings(objs, user=ctx.user)

    def update(self, ctx: Context, plan: SheetPlan, objs: list, fields: list[str], rows: list) -> None:
        rewrite_findings(objs, fields, user=ctx.user)


FINDINGS = register(Sheet("问题整改", order=120, model="supervision.Finding", key=("问题编号",), writers="supervision",
                          lifetime=("责任组织编码", "发现日期"), ledger=FindingLedger(),
                          date_rules=(("整改期限", "发现日期", False), ("销号日期", "发现日期", False)), columns=(
    Col("问题编号", True, CODE, max_length=40, example="WT-2025-001", lookup="code"),
    Col("来源", True, ENUM, choices_of(FindingSource.values), example="督导检查", lookup="source"),
    Col("发现日期", True, DATE, example="2025-04-01", lookup="found_on"),
    Col("责任组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("问题描述", True, FREE, max_length=5000, example="三会一课记录不完整", lookup="description"),
    Col("问题类别", False, ENUM, choices_of(ProblemCategory.values), note="空表示未分类；再次导入时空格不改变已有类别",
        lookup="category", keep_when_empty=True),
    Col("整改期限", True, DATE, example="2025-05-31", note="不早于发现日期", lookup="deadline"),
    Col("销号日期", False, DATE, note="不早于发现日期；空表示未销号", lookup="closed_on"),
)))

ACCOUNTABILITY = register(Sheet("问责", order=130, model="supervision.Accountability", key=("公民身份号码", "决定日期"),
                                writers="supervision", names_people=True, columns=(
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="张三", export="person__name"),
    Col("决定组织编码", True, CODE, max_length=32, example="140105", lookup="org__code", org=True),
    Col("决定日期", True, DATE, example="2025-06-01", lookup="decided_on"),
    Col("方式", False, ENUM, choices_of(AccountabilityMode.values), lookup="mode"),
    Col("关联问题编号", False, CODE, max_length=40, lookup="finding__code", ref="问题整改"),
)))
