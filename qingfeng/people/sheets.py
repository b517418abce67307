"""The 党员 import sheet (spec/import-formats.md): party members, the largest sheet a city imports.

A member imported without transfer history holds the relation to 所在党组织编码 from 入党日期 (or from the
organization's 成立日期 when that is later); a later change of organization is a transfer (组织关系转接) dated
the day of the import. New members are written as plain tuples (core.bulk): four rows each — the person, the
first relation, the cadre level held since before any period, the burden entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qingfeng.core.bulk import Table, entries_table
from qingfeng.core.idnumbers import id_birth_date, id_gender
from qingfeng.core.ledger import person_not_available
from qingfeng.core.sheets import (
    CODE,
    DATE,
    ENUM,
    FREE,
    ID,
    PHONE,
    Col,
    Context,
    Ledger,
    Month,
    Problems,
    Row,
    Sheet,
    SheetPlan,
    choices_of,
    chunks,
    register,
)
from qingfeng.people.models import (
    CadreLevel,
    CadreLevelRecord,
    Category,
    Education,
    EndReason,
    Gender,
    Person,
    Relation,
    RelationVia,
)

IMPORT = "import"
FULL_ON_REQUIRED_SINCE = dt.date(1990, 1, 1)
Step = Iterator[tuple[str, int, int]]


@lru_cache(maxsize=100_000)
def _birth(digits: str) -> dt.date | None:
    return id_birth_date("000000" + digits)  # birth dates repeat across a ledger: each parsed once


def check_member(row: Row) -> Problems:
    """Rules between the cells of a 党员 row; cells already found bad are left out, the rest still checked."""
    problems = []
    number = row["公民身份号码"]
    birth = _birth(number[6:14]) if number else None
    if number and row["性别"] and row["性别"] != id_gender(number):
        problems.append(("性别", _("与公民身份号码不一致（号码显示为%(g)s）") % {"g": id_gender(number)}))
    given = row["出生日期"]
    if "出生日期" not in row.bad and birth is not None:
        if given is None or isinstance(given, Month) and given.holds(birth):  # the ID number knows the day
            row["出生日期"] = birth
        elif isinstance(given, Month):
            problems.append(("出生日期", _("出生年月 %(m)s 与公民身份号码中的出生日期 %(d)s 不一致") % {"m": given, "d": birth}))
        elif given != birth:
            problems.append(("出生日期", _("与公民身份号码中的出生日期 %(d)s 不一致") % {"d": birth}))
    elif isinstance(given, Month):
        problems.append(("出生日期", _("只有年月，缺少日")))
    admitted, full, category = row["入党日期"], row["转正日期"], row["党员类别"]
    if admitted is not None:
        if admitted > row.today:
            problems.append(("入党日期", _("不能晚于今天")))
        if birth is not None and admitted <= birth:
            problems.append(("入党日期", _("不能早于出生日期")))
    if category == Category.PROBATIONARY and full is not None:
        problems.append(("转正日期", _("预备党员不应填写转正日期")))
    if (category == Category.FULL and full is None and "转正日期" not in row.bad and admitted is not None
            and admitted > FULL_ON_REQUIRED_SINCE):
        problems.append(("转正日期", _("1990年1月1日以后入党的正式党员必须填写转正日期")))
    if full is not None and admitted is not None and full <= admitted:
        problems.append(("转正日期", _("应晚于入党日期")))
    return problems


def category_from_dates(row: Row) -> tuple[str | None, str | None]:
    """党员类别 of a roster that has no such column: 正式 with a 转正日期, or admitted before 1990 (old ledgers seldom
    kept 转正); 预备 within two years of 入党日期 (a year's probation, extended at most once); otherwise unknown."""
    admitted, full = row["入党日期"], row["转正日期"]
    if full is not None or admitted is not None and admitted <= FULL_ON_REQUIRED_SINCE:
        return Category.FULL.value, None
    if admitted is None or admitted > row.today - dt.timedelta(days=2 * 366):
        return Category.PROBATIONARY.value, None
    return None, _("表中没有“党员类别”，本行也没有转正日期，无法判断是正式党员还是预备党员（请增加党员类别列或填写转正日期）")


class MemberLedger(Ledger):
    def exportable(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(admitted_on__isnull=False, org__isnull=False)  # non-members are not 党员 rows

    def plan(self, ctx: Context, plan: SheetPlan) -> None:
        sheet = plan.sheet
        ix, fields = sheet.index, {h: f for h, f in sheet.lookups.items() if h != "公民身份号码"}
        i_number, i_org = ix["公民身份号码"], ix["所在党组织编码"]
        existing = {}
        for chunk in chunks([v[i_number] for _n, v in plan.rows if v[i_number] in ctx.people]):
            for row in Person.objects.filter(id_number__in=chunk).values("id", "id_number", *fields.values()):
                existing[row["id_number"]] = row
        compared = [(ix[h], h, f) for h, f in fields.items() if h in plan.present or h == "出生日期"]
        for n, v in plan.rows:
            ref = ctx.org_ref(sheet.name, n, "所在党组织编码", v[i_org])
            if ref is None:
                continue
            if ref.dissolved_on and ref.dissolved_on <= ctx.today:
                ctx.error(sheet.name, n, "所在党组织编码", _("组织“%(code)s”已于 %(d)s 撤销，不能编入党员") % {
                    "code": ref.code, "d": ref.dissolved_on})
                continue
            old = existing.get(v[i_number])
            if old is None:
                plan.create.append(v)
            elif not ctx.people[v[i_number]].visible:
                ctx.error(sheet.name, n, "公民身份号码", person_not_available())
            elif changed := [h for i, h, f in compared if v[i] != old[f]]:
                plan.update.append((v, old["id"], changed))
            else:
                plan.unchanged += 1

    def write(self, ctx: Context, plan: SheetPlan) -> Step:
        yield from self._create(ctx, plan)
        for chunk in chunks(plan.update):
            self._update(ctx, plan, chunk)
            yield ctx.step(plan.sheet.name, len(chunk))

    @staticmethod
    def _attrs(plan: SheetPlan) -> list[tuple[int, str]]:
        ix = plan.sheet.index
        attrs = {h: f for h, f in plan.sheet.lookups.items() if h not in ("公民身份号码", "所在党组织编码")}
        return [(ix[h], a) for h, a in attrs.items() if h in plan.present or h == "出生日期"]

    def _create(self, ctx: Context, plan: SheetPlan) -> Step:
        """New members as tuples: the person, the initial relation (via 导入, from 入党日期 or the organization's
        成立日期 if later), the cadre level (held since before any period) and the burden entry."""
        ix, present = plan.sheet.index, self._attrs(plan)
        i_number, i_org, i_admitted = ix["公民身份号码"], ix["所在党组织编码"], ix["入党日期"]
        given = [a for _i, a in present]
        i_level = given.index("cadre_level") if "cadre_level" in given else None
        people = Table(Person, ["id_number", "org_id", "admitting_org_id", "created_at", "updated_at", *given])
        relations = Table(Relation, ["person_id", "org_id", "start_on", "via", "created_at"])
        levels = Table(CadreLevelRecord, ["person_id", "level", "since", "created_at"])
        entries = entries_table(ctx.now)
        now, user_id, label = ctx.now, getattr(ctx.user, "pk", None), Person._meta.label_lower
        org_ids, person_ids = ctx.ids["org"], ctx.ids["person"]
        starts = {code: ref.established_on for code, ref in ctx.orgs.items()}
        for chunk in chunks(plan.create):
            rows, links = [], []
            for v in chunk:
                org_id = org_ids[v[i_org]]
                values = [v[i] for i, _a in present]
                if i_level is not None and not values[i_level]:
                    values[i_level] = CadreLevel.NONE.value
                rows.append((v[i_number], org_id, org_id, now, now, *values))
                established, admitted = starts[v[i_org]], v[i_admitted]
                links.append((org_id, admitted if established is None or admitted >= established else established,
                              values[i_level] if i_level is not None else CadreLevel.NONE.value))
            pks = people.insert(rows)
            # Only the persons' keys are needed (the other rows name them): the rest are numbered by the database.
            relations.insert([(pk, o, start, RelationVia.IMPORT, now) for pk, (o, start, _l) in zip(pks, links, strict=True)],
                             ids=False)
            levels.insert([(pk, level, None, now) for pk, (_o, _s, level) in zip(pks, links, strict=True)], ids=False)
            entries.insert([(o, now, label, pk, IMPORT, user_id) for pk, (o, _s, _l) in zip(pks, links, strict=True)],
                           ids=False)
            for pk, row in zip(pks, rows, strict=True):
                person_ids[row[0]] = pk
            ctx.touched(orgs={link[0] for link in links}, people=pks)
            yield ctx.step(plan.sheet.name, len(chunk))

    def _update(self, ctx: Context, plan: SheetPlan, chunk: list[Any]) -> None:
        ix, present = plan.sheet.index, self._attrs(plan)
        i_org, i_admitted = ix["所在党组织编码"], ix["入党日期"]
        current = Person.objects.in_bulk([pk for _v, pk, _c in chunk])
        open_relations = {}
        for r in Relation.objects.filter(person_id__in=list(current), end_on__isnull=True).order_by("start_on", "id"):
            open_relations[r.person_id] = r
        people, relations, levels = [], [], []
        closed: list[Relation] = []
        for v, pk, _changed in chunk:
            p = current[pk]
            old_level, old_org = p.cadre_level, p.org_id
            for i, attr in present:
                setattr(p, attr, v[i])
            p.cadre_level = p.cadre_level or CadreLevel.NONE
            p.updated_at = ctx.now
            org_id = ctx.ids["org"][v[i_org]]
            if old_org != org_id:
                relations += self._transfer(ctx, p, org_id, open_relations.get(pk), v[i_admitted], v[i_org], closed)
                p.org_id = org_id
            if p.admitting_org_id is None:
                p.admitting_org_id = org_id
            if p.cadre_level != old_level:
                levels.append(CadreLevelRecord(person_id=pk, level=p.cadre_level, since=ctx.today, created_at=ctx.now))
            people.append(p)
            ctx.touched(orgs=[old_org, org_id], people=[pk])
        Person.objects.bulk_update(people, [a for _i, a in present] + ["org", "admitting_org", "updated_at"],
                                   batch_size=5000)
        Relation.objects.bulk_update(closed, ["end_on", "end_reason"], batch_size=5000)
        Relation.objects.bulk_create(relations, batch_size=5000)
        CadreLevelRecord.objects.bulk_create(levels, batch_size=5000)

    @staticmethod
    def _transfer(ctx: Context, person: Person, org_id: int, current: Relation | None, admitted: dt.date, code: str,
                  closed: list[Relation]) -> list[Relation]:
        """A change of organization is a transfer (组织关系转接) dated the day of the import (the bulk variant of
        people.actions.transfer_member); a member without a relation gets the first one."""
        if current is None:
            established = ctx.orgs[code].established_on
            start = max(admitted, established) if established else admitted
            return [Relation(person_id=person.pk, org_id=org_id, start_on=start, via=RelationVia.IMPORT,
                             created_at=ctx.now)]
        current.end_on, current.end_reason = ctx.today, EndReason.TRANSFER
        closed.append(current)
        return [Relation(person_id=person.pk, org_id=org_id, start_on=ctx.today, via=RelationVia.TRANSFER,
                         from_org_id=current.org_id, note="导入", created_at=ctx.now)]


MEMBERS = register(Sheet("党员", order=30, model="people.Person", key=("公民身份号码",), registers_people=True,
                         check=check_member, check_partial=True, ledger=MemberLedger(), columns=(
    Col("姓名", True, FREE, max_length=50, example="张三", lookup="name", synonyms=("党员姓名", "名字")),
    Col("公民身份号码", True, ID, example="140105198005060011", note="18位，末位可为X；请将本列设为文本格式",
        lookup="id_number", synonyms=("身份证号", "身份证号码", "公民身份证号", "公民身份证号码", "身份证", "证件号码",
                                      "身份证件号码")),
    Col("性别", True, ENUM, choices_of(Gender.values), example="男", lookup="gender",
        aliases=(("男性", "男"), ("女性", "女"))),
    Col("出生日期", False, DATE, example="1980-05-06", lookup="birth_date", month_ok=True,
        synonyms=("出生年月", "出生年月日", "出生时间")),
    Col("民族", False, FREE, max_length=20, example="汉族", lookup="ethnicity"),
    Col("学历", False, ENUM, choices_of(Education.values), example="大学本科", lookup="education",
        synonyms=("文化程度", "最高学历", "全日制学历"),
        aliases=(("本科", "大学本科"), ("大学", "大学本科"), ("大专", "大学专科"), ("专科", "大学专科"),
                 ("硕士", "研究生"), ("博士", "研究生"), ("硕士研究生", "研究生"), ("博士研究生", "研究生"),
                 ("研究生及以上", "研究生"), ("中技", "中专"), ("职高", "高中"), ("初中", "初中及以下"),
                 ("小学", "初中及以下"), ("文盲", "初中及以下"))),
    Col("党员类别", True, ENUM, choices_of(Category.values), example="正式党员", lookup="category",
        synonyms=("人员类别", "类别", "党员身份", "党籍状态"),
        aliases=(("正式", "正式党员"), ("预备", "预备党员")), derive=category_from_dates),
    Col("入党日期", True, DATE, example="2005-07-01", note="接收为预备党员的日期", lookup="admitted_on",
        synonyms=("入党时间", "加入党组织日期", "加入中国共产党日期", "入党年月日")),
    Col("转正日期", False, DATE, example="2006-07-01", note="1990-01-01以后入党的正式党员必填", lookup="full_on",
        synonyms=("转正时间",)),
    Col("所在党组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True,
        synonyms=("党组织编码", "所在党组织代码", "支部编码", "组织编码"),
        name_synonyms=("所在支部", "所在党支部", "党组织名称", "支部名称", "所在党组织", "所属党组织", "所属支部",
                       "所属党支部", "党支部", "党组织", "所在党组织名称")),
    Col("干部管理层级", False, ENUM, choices_of(CadreLevel.values), note="空表示无", lookup="cadre_level",
        default=CadreLevel.NONE.value, synonyms=("干部层级", "管理层级")),
    Col("职务", False, FREE, max_length=100, lookup="post", synonyms=("现任职务", "党内职务")),
    Col("手机号码", False, PHONE, max_length=11, example="13800000000", lookup="phone",
        synonyms=("联系电话", "手机", "手机号", "电话", "联系方式", "电话号码")),
)))
