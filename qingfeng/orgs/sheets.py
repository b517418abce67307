"""The import sheets of the organization tree (spec/import-formats.md): 党组织 and 换届.

党组织 rows are planned whole before any other sheet: each row's path is resolved parent-first (in the
database or in the file), so every later reference to an organization of the file knows where it will sit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.core.entries import log_entries
from qingfeng.core.sheets import (
    CODE,
    DATE,
    END_NOTE,
    ENUM,
    FREE,
    INT,
    TEXT,
    Col,
    Context,
    Ledger,
    OrgRef,
    Problems,
    Row,
    Sheet,
    SheetPlan,
    choices_of,
    chunks,
    register,
)
from qingfeng.orgs.actions import (
    parse_village_tags,
    record_elections,
    replace_village_tags,
    save_organization,
    village_tags_of,
)
from qingfeng.orgs.models import Election, Kind, Level, Organization, Sector

IMPORT = "import"
MAX_DEPTH = 30
# Columns written on the organization itself (本届选举日期 and 任期年限 are written as an election).
FIELDS = {"组织名称": "name", "组织类别": "kind", "单位类型": "sector", "层级": "level", "行政区划代码": "division_code",
          "成立日期": "established_on", "撤销日期": "dissolved_on"}
Step = Iterator[tuple[str, int, int]]


def division_problem(text: str) -> str | None:
    if not text.isdigit() or len(text) not in (6, 9, 12):
        return _("行政区划代码应为6、9或12位数字")
    return None


def tags_problem(text: str) -> str | None:
    try:
        parse_village_tags(text)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def check_org(row: Row) -> Problems:
    if row["本届选举日期"] is not None and row["任期年限"] is None:
        return [("任期年限", _("填写了本届选举日期时必须填写任期年限"))]
    if row["任期年限"] is not None and row["本届选举日期"] is None:
        return [("本届选举日期", _("填写了任期年限时必须填写本届选举日期"))]
    return []


class _Tree:
    """The file's organizations placed in the tree: each path resolved parent-first, cycles and unknown parents
    found."""

    def __init__(self, ctx: Context, plan: SheetPlan, existing: dict[str, dict[str, Any]]):
        ix = plan.sheet.index
        self.ctx, self.existing = ctx, existing
        self.rows = {v[ix["组织编码"]]: (n, v) for n, v in plan.rows}
        self.given = "上级组织编码" in plan.present
        self.i_parent = ix["上级组织编码"]
        self.resolved: dict[str, str] = {}
        self.visiting: set[str] = set()

    def parent(self, code: str) -> str | None:
        if self.given:
            return self.rows[code][1][self.i_parent]  # type: ignore[no-any-return]
        old = self.existing.get(code)
        return old["parent__code"] if old else None

    def path(self, code: str) -> str | None:
        if code in self.resolved:
            return self.resolved[code]
        if code not in self.rows:
            ref = self.ctx.orgs.get(code)
            return ref.path if ref else None
        if code in self.visiting:
            return None  # a cycle
        self.visiting.add(code)
        parent = self.parent(code)
        base = "/" if parent is None else self.path(parent)
        path = None if base is None else f"{base}{code}/"
        if path is not None:
            self.resolved[code] = path
        return path


class OrgLedger(Ledger):
    computed = ("村情",)  # kept in orgs.VillageTag, read for exports here

    def current(self, pks: list[int]) -> dict[int, dict[str, object]]:
        tags = village_tags_of(pks)
        return {pk: {"村情": tags.get(pk, "")} for pk in pks}

    def plan(self, ctx: Context, plan: SheetPlan) -> None:
        ix = plan.sheet.index
        existing: dict[str, dict[str, Any]] = {}
        codes = sorted({v[ix["组织编码"]] for _n, v in plan.rows})
        for chunk in chunks(codes):
            for o in Organization.objects.filter(code__in=chunk).values(
                    *dict.fromkeys(["id", "code", "path", *plan.sheet.lookups.values()])):
                existing[o["code"]] = o
        tree = _Tree(ctx, plan, existing)
        roots = {"db": Organization.objects.filter(parent__isnull=True).exists(), "file": 0}
        terms = ctx.memo("orgs.terms", list)
        tags: dict[str, list[str]] = ctx.memo("orgs.village_tags", dict)  # 组织编码 → the tags a row gives
        stored_tags = village_tags_of(o["id"] for o in existing.values()) if "村情" in plan.present else {}
        for code, (n, v) in tree.rows.items():
            path = self._place(ctx, plan, tree, code, n, roots)
            if path is None:
                continue
            old = existing.get(code)
            given = plan.present
            ctx.orgs[code] = OrgRef(code, old["id"] if old else None, path,
                                    v[ix["成立日期"]] if "成立日期" in given else (old or {}).get("established_on"),
                                    v[ix["撤销日期"]] if "撤销日期" in given else (old or {}).get("dissolved_on"))
            if "本届选举日期" in given and v[ix["本届选举日期"]] is not None:
                terms.append((code, v[ix["本届选举日期"]], v[ix["任期年限"]]))  # shorthand for a 换届 row
            if "村情" in given and v[ix["村情"]]:  # an empty cell leaves the tags as they are
                tags[code] = parse_village_tags(v[ix["村情"]])
            if old is None:
                plan.create.append(v)
                continue
            changed = [h for h, f in plan.sheet.lookups.items() if h in given and h != "组织编码" and v[ix[h]] != old[f]]
            if code in tags and "、".join(tags[code]) != stored_tags.get(old["id"], ""):
                changed.append("村情")
            if changed:
                plan.update.append((v, old["id"], changed))
            else:
                plan.unchanged += 1

    def _place(self, ctx: Context, plan: SheetPlan, tree: _Tree, code: str, n: int, roots: dict[str, Any]) -> str | None:
        """The organization's path, or None after saying why it cannot be placed."""
        name, parent, old = plan.sheet.name, tree.parent(code), tree.existing.get(code)
        problem = None
        if parent is None:
            # The existing root stays the root; otherwise there may be one root, and only for a user without scope.
            if not (old and old["parent__code"] is None) and (roots["db"] or roots["file"] or ctx.root is not None):
                problem = _("除唯一的根组织外，上级组织编码必填")
            else:
                roots["file"] += 1
        elif parent == code:
            problem = _("上级组织不能是自己")
        elif parent not in tree.rows and parent not in ctx.orgs:
            problem = _("上级组织“%(code)s”在系统和本文件中都不存在") % {"code": parent}
        path = None if problem else tree.path(code)
        if problem is None and path is None:
            problem = _("上级组织关系形成了循环")
        if problem is None and old and not ctx.in_scope(old["path"]):
            ctx.error(name, n, "组织编码", _("组织“%(code)s”不在您的管辖范围内") % {"code": code})
            return None
        if problem is None and (not ctx.in_scope(path) or (
                ctx.root is not None and code == ctx.root.code and old and path != old["path"])):
            problem = _("只能导入您管辖范围（%(root)s）内的组织") % {"root": ctx.root}
        if problem is None and path is not None and path.count("/") - 2 > MAX_DEPTH:
            problem = _("组织层级过深")
        if problem:
            ctx.error(name, n, "上级组织编码", problem)
            return None
        return path

    def write(self, ctx: Context, plan: SheetPlan) -> Step:
        yield from self._create(ctx, plan)
        if plan.update:
            self._update(ctx, plan)
            yield ctx.step(plan.sheet.name, len(plan.update))
        terms: list[tuple[str, dt.date, int]] = ctx.memo("orgs.terms", list)
        wanted = {(code, day): years for code, day, years in terms}
        write_elections(ctx, wanted)
        tags: dict[str, list[str]] = ctx.memo("orgs.village_tags", dict)
        if tags:
            org_ids = ctx.ids["org"]
            replace_village_tags({org_ids[code]: listed for code, listed in tags.items()})
            ctx.touched(orgs=[org_ids[code] for code in tags])

    def _create(self, ctx: Context, plan: SheetPlan) -> Step:
        """New organizations, parents before children (a child needs its parent's key)."""
        ix = plan.sheet.index
        by_depth = defaultdict(list)
        for v in plan.create:
            by_depth[ctx.orgs[v[ix["组织编码"]]].path.count("/")].append(v)  # type: ignore[union-attr]
        given = [(ix[h], attr) for h, attr in FIELDS.items() if h in plan.present]
        org_ids = ctx.ids["org"]
        created = []
        for depth in sorted(by_depth):
            objs = []
            for v in by_depth[depth]:
                code = v[ix["组织编码"]]
                path = ctx.orgs[code].path or ""
                parent = v[ix["上级组织编码"]] if "上级组织编码" in plan.present else None
                org = Organization(code=code, path=path, depth=path.count("/") - 2,
                                   parent_id=org_ids[parent] if parent else None)
                for i, attr in given:
                    setattr(org, attr, v[i])
                objs.append(org)
            Organization.objects.bulk_create(objs, batch_size=5000)
            for org in objs:
                org_ids[org.code] = ctx.orgs[org.code].pk = org.pk
            ctx.touched(orgs=[o.pk for o in objs])
            created += objs
            yield ctx.step(plan.sheet.name, len(objs))
        log_entries(created, IMPORT, ctx.user, org_attr="pk", at=ctx.now)

    def _update(self, ctx: Context, plan: SheetPlan) -> None:
        ix = plan.sheet.index
        current = Organization.objects.in_bulk([pk for _v, pk, _c in plan.update])
        plain = []
        for v, pk, changed in plan.update:
            org = current[pk]
            for header, attr in FIELDS.items():
                if header in changed:
                    setattr(org, attr, v[ix[header]])
            if "上级组织编码" in changed:
                org.parent = Organization.objects.get(pk=ctx.ids["org"][v[ix["上级组织编码"]]])
                save_organization(org)  # moving rewrites the subtree's paths, rare enough to do one by one
            else:
                plain.append(org)
        Organization.objects.bulk_update(plain, list(FIELDS.values()), batch_size=5000)
        ctx.touched(orgs=current)


def write_elections(ctx: Context, wanted: dict[tuple[str, dt.date], int]) -> None:
    """Elections by (组织编码, day) → 任期年限, through the bulk variant of orgs.actions.record_election."""
    if wanted:
        org_ids = ctx.ids["org"]
        new = record_elections({(org_ids[code], day): years for (code, day), years in wanted.items()})
        log_entries(new, IMPORT, ctx.user, at=ctx.now)
        ctx.touched(orgs={org_ids[code] for code, _d in wanted}, days={day for _c, day in wanted})


class ElectionLedger(Ledger):
    def plan(self, ctx: Context, plan: SheetPlan) -> None:
        ix, name = plan.sheet.index, plan.sheet.name
        good = []
        for n, v in plan.rows:
            ref = ctx.org_ref(name, n, "组织编码", v[ix["组织编码"]])
            if ref and ctx.check_lifetime(name, n, "选举日期", ref, v[ix["选举日期"]]):
                good.append(v)
        existing = {}
        for chunk in chunks(sorted({v[ix["组织编码"]] for v in good})):
            for pk, code, day, years in Election.objects.filter(org__code__in=chunk).values_list(
                    "id", "org__code", "held_on", "term_years"):
                existing[(code, day)] = (pk, years)
        for v in good:
            old = existing.get((v[ix["组织编码"]], v[ix["选举日期"]]))
            if old is None:
                plan.create.append(v)
            elif old[1] != v[ix["任期年限"]]:
                plan.update.append((v, old[0], ["任期年限"]))
            else:
                plan.unchanged += 1

    def write(self, ctx: Context, plan: SheetPlan) -> Step:
        ix = plan.sheet.index
        rows = plan.create + [v for v, _pk, _c in plan.update]
        write_elections(ctx, {(v[ix["组织编码"]], v[ix["选举日期"]]): v[ix["任期年限"]] for v in rows})
        yield ctx.step(plan.sheet.name, len(rows))


ORGANIZATIONS = register(Sheet("党组织", order=10, model="orgs.Organization", key=("组织编码",), check=check_org,
                               date_rules=(("撤销日期", "成立日期", True),), ledger=OrgLedger(), columns=(
    Col("组织编码", True, CODE, max_length=32, example="14010500199", note="1–32位字母、数字或-，不可重复", lookup="code",
        org=True),
    Col("组织名称", True, FREE, example="示例社区第一党支部", lookup="name"),
    Col("上级组织编码", False, CODE, max_length=32, example="14010500101", note="除唯一的根组织外必填",
        lookup="parent__code", org=True),
    Col("组织类别", True, ENUM, choices_of(Kind.values), example="党支部", lookup="kind"),
    Col("单位类型", True, ENUM, choices_of(Sector.values), example="社区", lookup="sector"),
    Col("层级", False, ENUM, choices_of(Level.values), lookup="level"),
    Col("行政区划代码", False, TEXT, max_length=12, note="6、9或12位数字", lookup="division_code", validate=division_problem),
    Col("成立日期", False, DATE, example="2018-03-01", lookup="established_on"),
    Col("撤销日期", False, DATE, note=END_NOTE, lookup="dissolved_on"),
    Col("本届选举日期", False, DATE, example="2024-06-15", lookup="term_started_on"),
    Col("任期年限", False, INT, ("3", "5"), example=3, note="3或5", lookup="term_years"),
    Col("村情", False, TEXT, max_length=200, example="信教群众聚居村、贫困村", validate=tags_problem, keep_when_empty=True,
        note="可填多个，用“、”分隔：信教群众聚居村、贫困村、少数民族聚居村、边远村；空格不改变已有村情"),
)))

ELECTIONS = register(Sheet("换届", order=20, model="orgs.Election", key=("组织编码", "选举日期"), ledger=ElectionLedger(),
                           columns=(
    Col("组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("选举日期", True, DATE, example="2024-06-15", lookup="held_on"),
    Col("任期年限", True, INT, ("3", "5"), example=5, note="3或5", lookup="term_years"),
)))
