"""The import sheets of the organization tree (spec/import-formats.md): 党组织, 换届 and the committee each 换届
elected (班子成员, docs/import-committee.md).

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
    ID,
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
    LATER_COMMITTEE,
    Nominee,
    committee_after,
    committee_problems,
    elect_committee,
    parse_village_tags,
    record_elections,
    replace_village_tags,
    save_organization,
    village_tags_of,
)
from qingfeng.orgs.models import (
    CommitteeDuty,
    CommitteePost,
    CommitteeSeat,
    Election,
    Kind,
    Level,
    Organization,
    Sector,
)

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


# ---- 班子成员: the committee elected at a 换届 -------------------------------------------------------

Group = tuple[str, dt.date]  # (组织编码, 选举日期): one committee
FIELD_COLUMNS = {"post": "职务", "duty": "分工", "person": "公民身份号码"}


class SeatLedger(Ledger):
    """The rows of one 组织编码 + 选举日期 are the whole committee elected that day. A committee that differs from
    the one stored for that day (a person added, left out, another 职务 or 分工) is written through
    orgs.actions.elect_committee, the page's action: the seats held before end on the election's day, and the
    same day's committee entered again is a correction. The rules are the action's (committee_problems), checked
    here on the file's and the database's persons before anything is written."""

    def exportable(self, queryset: Any) -> Any:
        from django.db.models import F

        # a seat taken between elections (补选) is not a row of an election's committee
        return queryset.filter(election__isnull=False, start_on=F("election__held_on"))

    def plan(self, ctx: Context, plan: SheetPlan) -> None:
        ix, name = plan.sheet.index, plan.sheet.name
        groups: dict[Group, list[tuple[int, list[Any]]]] = defaultdict(list)
        refs: dict[str, OrgRef] = {}
        for n, v in plan.rows:
            code, day = v[ix["组织编码"]], v[ix["选举日期"]]
            ref = ctx.org_ref(name, n, "组织编码", code)
            if ref is None or not ctx.check_lifetime(name, n, "选举日期", ref, day):
                continue
            if day > ctx.today:
                ctx.error(name, n, "选举日期", _("选举日期不能晚于今天。"))
                continue
            refs[code] = ref
            groups[(code, day)].append((n, v))
        members = _members(ctx, sorted({v[ix["公民身份号码"]] for rows in groups.values() for _n, v in rows}))
        elections = _elections(ctx, set(groups))
        stored = _stored_committees(set(groups), refs)
        later = committee_after(ref.pk for ref in refs.values() if ref.pk)
        writes: list[Group] = ctx.memo("orgs.committees", list)
        for group, rows in sorted(groups.items(), key=lambda kv: kv[0][1]):
            code, day = group
            if not self._group_known(ctx, plan, group, rows, members, group in elections):
                continue
            wanted = {(v[ix["公民身份号码"]], v[ix["职务"]], v[ix["分工"]] or "") for _n, v in rows}
            old = stored.get(group, set())
            if wanted == old:  # history as stored: a member since transferred elsewhere still sat on it
                plan.unchanged += len(rows)
                continue
            ref = refs[code]
            if not self._committee_ok(ctx, plan, rows, members, ref):
                continue
            if ref.pk and later.get(ref.pk, day) > day:
                ctx.error(name, rows[0][0], "选举日期", _(LATER_COMMITTEE))
                continue
            writes.append(group)
            old_people = {number: (post, duty) for number, post, duty in old}
            changed = 0
            for _n, v in rows:
                number = v[ix["公民身份号码"]]
                if number not in old_people:
                    plan.create.append(v)
                    changed += 1
                elif old_people[number] != (v[ix["职务"]], v[ix["分工"]] or ""):
                    plan.update.append((v, 0, ["职务", "分工"]))
                    changed += 1
            plan.unchanged += len(rows) - changed
            if not changed:  # some of the stored committee left out: it still changes
                plan.update.append((rows[0][1], 0, ["公民身份号码"]))
                plan.unchanged -= 1

    def _group_known(self, ctx: Context, plan: SheetPlan, group: Group, rows: list[tuple[int, list[Any]]],
                     members: dict[str, tuple[str, str | None]], elected: bool) -> bool:
        """The election is known and every row names a person the user may name, by their name."""
        ix, name = plan.sheet.index, plan.sheet.name
        code, day = group
        ok = True
        if not elected:
            ctx.error(name, rows[0][0], "选举日期", _("组织“%(code)s”没有 %(day)s 的换届记录（可在“换届”表中一并导入）") % {
                "code": code, "day": day.isoformat()})
            ok = False
        for n, v in rows:
            number = v[ix["公民身份号码"]]
            known = members.get(number)
            if known is None:
                ctx.error(name, n, "公民身份号码", _("人员“%(v)s”在您的管辖范围内和本文件中都不存在") % {"v": number})
                ok = False
            elif v[ix["姓名"]] != known[0]:
                ctx.error(name, n, "姓名", _("姓名与公民身份号码不符（应为“%(name)s”）") % {"name": known[0]})
                ok = False
        return ok

    def _committee_ok(self, ctx: Context, plan: SheetPlan, rows: list[tuple[int, list[Any]]],
                      members: dict[str, tuple[str, str | None]], ref: OrgRef) -> bool:
        """The committee's own rules (orgs.actions.committee_problems, the page's), for a committee to be written."""
        ix = plan.sheet.index
        nominees = [Nominee(v[ix["公民身份号码"]], v[ix["姓名"]], members[v[ix["公民身份号码"]]][1], v[ix["职务"]],
                            v[ix["分工"]] or "") for _n, v in rows]
        problems = committee_problems(ref.path or "", nominees)
        for i, field, message in problems:
            ctx.error(plan.sheet.name, rows[i][0], FIELD_COLUMNS[field], message)
        return not problems

    def write(self, ctx: Context, plan: SheetPlan) -> Step:
        from qingfeng.people.models import Person

        groups: list[Group] = ctx.memo("orgs.committees", list)
        if not groups:
            return
        ix = plan.sheet.index
        rows: dict[Group, list[list[Any]]] = defaultdict(list)
        for _n, v in plan.rows:
            rows[(v[ix["组织编码"]], v[ix["选举日期"]])].append(v)
        numbers = sorted({v[ix["公民身份号码"]] for g in groups for v in rows[g]})
        people: dict[str, Any] = {}
        for chunk in chunks(numbers):
            people.update((p.id_number, p) for p in Person.objects.filter(id_number__in=chunk).select_related("org"))
        org_ids = ctx.ids["org"]
        orgs = Organization.objects.in_bulk([org_ids[code] for code, _d in groups])
        elections = {(e.org_id, e.held_on): e for chunk in chunks(sorted(orgs)) for e in Election.objects.filter(
            org_id__in=chunk, held_on__in={d for _c, d in groups})}
        created: list[CommitteeSeat] = []
        for code, day in groups:  # in date order: a later committee ends an earlier one
            org = orgs[org_ids[code]]
            seats = [(people[v[ix["公民身份号码"]]], v[ix["职务"]], v[ix["分工"]] or "") for v in rows[(code, day)]]
            created += elect_committee(org, day, seats, user=ctx.user, election=elections.get((org.pk, day)))
        log_entries(created, IMPORT, ctx.user, at=ctx.now)
        ctx.touched(orgs=orgs, days={d for _c, d in groups})
        yield ctx.step(plan.sheet.name, len(created))


def _members(ctx: Context, numbers: list[str]) -> dict[str, tuple[str, str | None]]:
    """公民身份号码 → (姓名, the path of the organization holding the membership, None for a person who is not a party
    member) for the persons the user may name: a 党员 row of the file (as it will be), else one the database knows."""
    from qingfeng.people.models import Person

    out: dict[str, tuple[str, str | None]] = {}
    for chunk in chunks(numbers):
        for number, admitted in Person.objects.filter(id_number__in=chunk).values_list("id_number", "admitted_on"):
            known = ctx.people.get(number)
            if known is not None and known.visible:
                out[number] = (known.name, known.org_path if admitted is not None else None)
    registered = ctx.plans.get("党员")
    if registered is not None:
        rx = registered.sheet.index
        for _n, v in registered.rows:
            ref = ctx.orgs.get(v[rx["所在党组织编码"]])
            out[v[rx["公民身份号码"]]] = (v[rx["姓名"]], ref.path if ref and v[rx["入党日期"]] is not None else None)
    return out


def _elections(ctx: Context, groups: set[Group]) -> set[Group]:
    """The groups whose 换届 is stored or comes with the file (its 换届 rows, or 党组织's 本届选举日期)."""
    found: set[Group] = set()
    for chunk in chunks(sorted({code for code, _d in groups})):
        found.update(Election.objects.filter(org__code__in=chunk).values_list("org__code", "held_on"))
    held = ctx.plans.get("换届")
    if held is not None:
        hx = held.sheet.index
        found.update((v[hx["组织编码"]], v[hx["选举日期"]]) for _n, v in held.rows)
    terms: list[tuple[str, dt.date, int]] = ctx.memo("orgs.terms", list)
    found.update((code, day) for code, day, _years in terms)
    return found & groups


def _stored_committees(groups: set[Group], refs: dict[str, OrgRef]) -> dict[Group, set[tuple[str, str, str]]]:
    """The committee stored for each group: {(公民身份号码, 职务, 分工)} of the seats that began on the election's day."""
    by_pk = {ref.pk: code for code, ref in refs.items() if ref.pk}
    out: dict[Group, set[tuple[str, str, str]]] = defaultdict(set)
    for chunk in chunks(sorted(by_pk)):
        for org_id, day, number, post, duty in CommitteeSeat.objects.filter(org_id__in=chunk).values_list(
                "org_id", "start_on", "person__id_number", "post", "duty"):
            if (by_pk[org_id], day) in groups:
                out[(by_pk[org_id], day)].add((number, post, duty))
    return out


SEATS = register(Sheet("班子成员", order=35, model="orgs.CommitteeSeat", key=("组织编码", "选举日期", "公民身份号码"),
                       ledger=SeatLedger(), columns=(
    Col("组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("选举日期", True, DATE, example="2024-06-15", note="该组织一次换届的选举日期（须已有换届记录，或在“换届”表中一并导入）",
        lookup="start_on"),
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="张三", export="person__name"),
    Col("职务", True, ENUM, choices_of(CommitteePost.values), example="书记", lookup="post",
        note="每届一名书记；本组织或其下级组织的党员"),
    Col("分工", False, ENUM, choices_of(CommitteeDuty.values), lookup="duty", note="仅用于委员：组织、宣传、纪检"),
)))
