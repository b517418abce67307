"""The 表彰 import sheet (spec/import-formats.md, second round): one row per commended collective or person; rows
with the same 表彰编号 are one decision and must agree on its name, level and date (with each other and with the
decision already recorded). Key: 表彰编号 + the object (集体名称 of a collective, 公民身份号码 of a person)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.core.entries import log_entries
from qingfeng.core.sheets import (
    CODE,
    DATE,
    ENUM,
    FREE,
    ID,
    Col,
    Context,
    Ledger,
    Problems,
    Row,
    Sheet,
    SheetPlan,
    choices_of,
    chunks,
    register,
)
from qingfeng.honors.actions import disagreement
from qingfeng.honors.models import Commendation, GrantorLevel, Honoree, HonoreeKind

IMPORT = "import"
DECISION = ("表彰名称", "授予级别", "日期")


def check_honoree(row: Row) -> Problems:
    kind = row["对象类型"]
    if kind == HonoreeKind.COLLECTIVE:
        if not row["集体名称"]:
            yield "集体名称", _("对象类型为集体时必须填写集体名称")
        if row["公民身份号码"]:
            yield "公民身份号码", _("对象类型为集体时不填公民身份号码")
    elif kind == HonoreeKind.PERSON:
        if not row["公民身份号码"]:
            yield "公民身份号码", _("对象类型为个人时必须填写公民身份号码")
        if not row["姓名"]:
            yield "姓名", _("对象类型为个人时必须填写姓名")
        if row["集体名称"]:
            yield "集体名称", _("对象类型为个人时不填集体名称")
    if row["日期"] is not None and row["日期"] > row.today:
        yield "日期", _("表彰日期不能晚于今天。")


def _object(ix: dict[str, int], v: list[Any]) -> tuple[str, str]:
    kind = v[ix["对象类型"]]
    return kind, (v[ix["集体名称"]] if kind == HonoreeKind.COLLECTIVE else v[ix["公民身份号码"]])


class HonorLedger(Ledger):
    """Decisions are created from their first row; honorees are matched on (decision, object)."""

    def plan(self, ctx: Context, plan: SheetPlan) -> None:
        name, ix = plan.sheet.name, plan.sheet.index
        decisions: dict[str, tuple] = {}  # 表彰编号 → (名称, 级别, 日期) as the file's first row gives them
        good = []
        for n, v in plan.rows:
            code = v[ix["表彰编号"]]
            values = tuple(v[ix[h]] for h in DECISION)
            first = decisions.setdefault(code, values)
            if first != values:
                ctx.error(name, n, "表彰编号", _("同一表彰编号的表彰名称、授予级别和日期应与本文件中该编号的第一行一致"))
                continue
            if ctx.org_ref(name, n, "组织编码", v[ix["组织编码"]]) is not None:
                good.append((n, v))
        stored: dict[str, Commendation] = {}
        for chunk in chunks(sorted(decisions)):
            stored.update((c.code, c) for c in Commendation.objects.filter(code__in=chunk))
        for code, (title, level, day) in decisions.items():
            decision = stored.get(code)
            problem = disagreement(decision, title, level, day) if decision is not None else ""
            if problem:
                for n, v in good:
                    if v[ix["表彰编号"]] == code:
                        ctx.error(name, n, "表彰编号", problem)
        existing: dict[tuple, Any] = {}
        for batch in chunks([c.pk for c in stored.values()]):
            for h in Honoree.objects.filter(commendation_id__in=batch).values(
                    "id", "commendation__code", "kind", "collective_name", "person__id_number", "org__code", "org__path"):
                obj = h["collective_name"] if h["kind"] == HonoreeKind.COLLECTIVE else h["person__id_number"]
                existing[(h["commendation__code"], h["kind"], obj)] = h
        for n, v in good:
            kind, obj = _object(ix, v)
            old = existing.get((v[ix["表彰编号"]], kind, obj))
            if old is None:
                plan.create.append(v)
            elif not ctx.in_scope(old["org__path"]):
                ctx.error(name, n, "组织编码", _("该对象已由其他组织登记在这一表彰中"))
            elif old["org__code"] != v[ix["组织编码"]]:
                plan.update.append((v, old["id"], ["组织编码"]))
            else:
                plan.unchanged += 1

    def write(self, ctx: Context, plan: SheetPlan) -> Iterator[tuple[str, int, int]]:
        ix = plan.sheet.index
        rows = plan.create + [v for v, _pk, _c in plan.update]
        codes = sorted({v[ix["表彰编号"]] for v in rows})
        decision_ids = dict(Commendation.objects.filter(code__in=codes).values_list("code", "id"))
        new = {}
        for v in rows:
            code = v[ix["表彰编号"]]
            if code not in decision_ids and code not in new:
                new[code] = Commendation(code=code, name=v[ix["表彰名称"]], grantor=v[ix["授予机关"]] or "",
                                         grantor_level=v[ix["授予级别"]], date=v[ix["日期"]], entered_via=IMPORT)
        Commendation.objects.bulk_create(list(new.values()), batch_size=5000)
        decision_ids.update((code, c.pk) for code, c in new.items())
        org_ids, person_ids = ctx.ids["org"], ctx.ids.get("person", {})
        created = []
        for v in plan.create:
            kind = v[ix["对象类型"]]
            person = person_ids[v[ix["公民身份号码"]]] if kind == HonoreeKind.PERSON else None
            created.append(Honoree(commendation_id=decision_ids[v[ix["表彰编号"]]], kind=kind, person_id=person,
                                   collective_name=(v[ix["集体名称"]] or "") if kind == HonoreeKind.COLLECTIVE else "",
                                   org_id=org_ids[v[ix["组织编码"]]], entered_via=IMPORT))
        Honoree.objects.bulk_create(created, batch_size=5000)
        log_entries(created, IMPORT, ctx.user, at=ctx.now)
        moved = Honoree.objects.in_bulk([pk for _v, pk, _c in plan.update])
        for v, pk, _changed in plan.update:
            moved[pk].org_id = org_ids[v[ix["组织编码"]]]
        Honoree.objects.bulk_update(list(moved.values()), ["org"], batch_size=5000)
        ctx.touched(orgs={org_ids[v[ix["组织编码"]]] for v in rows}, days={v[ix["日期"]] for v in rows})
        yield ctx.step(plan.sheet.name, len(rows))


HONOREES = register(Sheet("表彰", order=190, model="honors.Honoree", names_people=True, check=check_honoree,
                          key=("表彰编号", "对象类型", "集体名称", "公民身份号码"), ledger=HonorLedger(), columns=(
    Col("表彰编号", True, CODE, max_length=40, example="晋表-2021-05", note="同一表彰决定的各行编号相同",
        export="commendation__code"),
    Col("表彰名称", True, FREE, example="全省脱贫攻坚先进集体和先进个人", export="commendation__name"),
    Col("授予机关", False, FREE, example="中共山西省委", export="commendation__grantor"),
    Col("授予级别", True, ENUM, choices_of(GrantorLevel.values), example="省级", export="commendation__grantor_level"),
    Col("日期", True, DATE, example="2021-05-25", export="commendation__date"),
    Col("对象类型", True, ENUM, choices_of(HonoreeKind.values), example="集体", export="kind"),
    Col("集体名称", False, FREE, example="西村党支部", note="对象类型为集体时必填（受表彰单位，可不是党组织）",
        export="collective_name"),
    Col("公民身份号码", False, ID, note="对象类型为个人时必填（可不是党员）", export="person__id_number"),
    Col("姓名", False, FREE, max_length=50, note="对象类型为个人时必填", export="person__name"),
    Col("组织编码", True, CODE, max_length=32, example="14012210201", note="记录所属党组织：集体本身的或个人所在的",
        org=True, export="org__code"),
)))
