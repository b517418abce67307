"""The 两新组织 import sheet (spec/import-formats.md): the two-new register and its coverage history."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qingfeng.core.sheets import (
    CODE,
    CREDIT,
    DATE,
    END_NOTE,
    ENUM,
    FREE,
    INT,
    Col,
    Context,
    Ledger,
    Problems,
    Row,
    Sheet,
    SheetPlan,
    choices_of,
    register,
)
from qingfeng.entities.actions import append_coverages, coverage_since, register_entities
from qingfeng.entities.models import CoverageMode, Entity, EntityType


class EntityLedger(Ledger):
    """覆盖日期 is not a field: it is the start of the current coverage in the history rows."""

    computed = ("覆盖日期",)

    def current(self, pks: list[int]) -> dict[int, dict[str, object]]:
        since = coverage_since(pks)
        modes = dict(Entity.objects.filter(pk__in=pks).values_list("pk", "coverage"))
        return {pk: {"覆盖日期": since.get(pk) if mode != CoverageMode.NONE else None} for pk, mode in modes.items()}

    def create(self, ctx: Context, plan: SheetPlan, objs: list, rows: list) -> None:
        i_since = ENTITIES.index["覆盖日期"]
        register_entities(objs, [v[i_since] for v in rows])

    def update(self, ctx: Context, plan: SheetPlan, objs: list, fields: list[str], rows: list) -> None:
        super().update(ctx, plan, objs, fields, rows)
        ix = ENTITIES.index
        append_coverages([(pk, v[ix["覆盖方式"]], v[ix["覆盖日期"]]) for v, pk, changed in rows
                          if "覆盖方式" in changed or "覆盖日期" in changed],
                         on=ctx.today, dated="覆盖日期" in plan.present)


def check_entity(row: Row) -> Problems:
    if row["覆盖方式"] == CoverageMode.NONE and row["覆盖日期"] is not None:
        return [("覆盖日期", _("覆盖方式为“未覆盖”时不能填写覆盖日期"))]
    return []


ENTITIES = register(Sheet("两新组织", order=90, model="entities.Entity", key=("统一社会信用代码",), check=check_entity,
                          date_rules=(("注销日期", "覆盖日期", True),), ledger=EntityLedger(), columns=(
    Col("统一社会信用代码", True, CREDIT, example="91140105MA0K000008", note="18位，含校验位", lookup="credit_code"),
    Col("名称", True, FREE, example="示例科技有限公司", lookup="name"),
    Col("类型", True, ENUM, choices_of(EntityType.values), example="非公有制企业", lookup="type"),
    Col("属地党组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("从业人员数", False, INT, lookup="employees"),
    Col("党员人数", False, INT, lookup="member_count"),
    Col("覆盖方式", True, ENUM, choices_of(CoverageMode.values), example="单独组建", lookup="coverage"),
    Col("覆盖日期", False, DATE, note="该覆盖方式成立的日期；空表示自登记起；未覆盖时不填"),
    Col("注销日期", False, DATE, note=END_NOTE, lookup="deregistered_on"),
)))
