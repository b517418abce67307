"""Direct computation of every indicator from the raw records (spec/indicators.md, "Common rules").

This is the reference the facts are checked against (tests/indicators/test_property.py), the
fallback for periods the facts do not cover, and the source of every drill-through: a value is
always a count, distinct count or sum over the very record sets listed by `records()`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop as N

from qingfeng.activities.models import (
    Activity,
    ActivityRole,
    ActivityType,
    Attendance,
    Channel,
    Lecturer,
    LectureTeam,
    Presence,
)
from qingfeng.burden.models import ReportForm
from qingfeng.core.dates import add_years
from qingfeng.core.indicators import (
    REGISTRY,
    Ask,
    Parts,
    RecordSet,
    active_on,
    between,
    distinct_count,
    local_day_bounds,
    round_rate,
    stream,
    total,
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.core.models import Entry
from qingfeng.discipline.models import Case, Disposition, Recommendation
from qingfeng.entities.models import (
    ORG_COVERAGE,
    WORK_COVERAGE,
    CoverageChange,
    CoverageMode,
    Entity,
    EntityType,
)
from qingfeng.grassroots.models import Assignment, AssignmentEndReason, WeakOrgCase
from qingfeng.orgs.models import BRANCH_KINDS, Election, Organization
from qingfeng.people.models import CadreLevelRecord, Category, Person, Relation, RelationVia
from qingfeng.supervision.models import Accountability, Finding

# Column headings of drill-through tables (exports keep them in Chinese, like the import templates;
# pages translate them). Listed once so that makemessages extracts them.
COLUMN_HEADINGS = [
    N("活动编号"),
    N("日期"),
    N("组织编码"),
    N("组织名称"),
    N("活动类型"),
    N("形式"),
    N("主题"),
    N("受众人数"),
    N("第一议题"),
    N("公民身份号码"),
    N("姓名"),
    N("所在党组织编码"),
    N("所在党组织"),
    N("组织类别"),
    N("单位类型"),
    N("层级"),
    N("成立日期"),
    N("撤销日期"),
    N("开始日期"),
    N("结束日期"),
    N("来源"),
    N("转出组织"),
    N("统一社会信用代码"),
    N("名称"),
    N("类型"),
    N("属地党组织编码"),
    N("覆盖方式"),
    N("注销日期"),
    N("岗位"),
    N("派驻组织编码"),
    N("派驻组织"),
    N("队伍"),
    N("结束原因"),
    N("认定日期"),
    N("整顿完成日期"),
    N("选举日期"),
    N("任期年限"),
    N("届满日期"),
    N("问题编号"),
    N("责任组织编码"),
    N("责任组织"),
    N("发现日期"),
    N("整改期限"),
    N("销号日期"),
    N("问题描述"),
    N("事项编号"),
    N("事项名称"),
    N("类别"),
    N("承诺日期"),
    N("计划完成日期"),
    N("完成日期"),
    N("受益人数"),
    N("案件编号"),
    N("干部管理层级"),
    N("承办组织编码"),
    N("立案日期"),
    N("主动投案"),
    N("报表编号"),
    N("报表名称"),
    N("主管组织编码"),
    N("启用日期"),
    N("停用日期"),
    N("停用原因"),
    N("填报时间"),
    N("生成日期"),
    N("填报组织编码"),
    N("用户组织编码"),
    N("记录类型"),
    N("记录编号"),
    N("渠道"),
    N("要求"),
    N("窗口开始"),
    N("窗口结束"),
    N("是否召开"),
    N("小分队编码"),
    N("决定组织编码"),
    N("决定日期"),
    N("方式"),
    N("形态"),
    N("措施"),
    N("建议书编号"),
    N("发出组织编码"),
    N("发出日期"),
    N("收文单位"),
    N("回复日期"),
]

PRESENT = (Presence.PRESENT, "")


def role_names(role: str) -> tuple[str, ...]:
    """The name of the activity type holding `role` (none when no type holds it)."""
    return tuple(ActivityType.objects.filter(role=role).values_list("name", flat=True))


# ---- helpers ---------------------------------------------------------------------------

def channel_values(wanted: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """线上线下结合 counts under both 线下 and 线上."""
    if wanted is None:
        return None
    values = set(wanted)
    if values & {Channel.OFFLINE, Channel.ONLINE}:
        values.add(Channel.BOTH)
    return tuple(values)


def activities(ask: Ask, types: Iterable[str] | None = None, channel: tuple[str, ...] | None = None,
               role: str | None = None) -> QuerySet:
    qs = between(within(Activity.objects.all(), ask), ask, "date")
    if role is not None:
        qs = qs.filter(type__role=role)
    if types is not None:
        qs = qs.filter(type__name__in=list(types))
    channels = channel_values(channel)
    if channels is not None:
        qs = qs.filter(channel__in=channels)
    return qs


def full_on_q(day: dt.date, prefix: str = "") -> Q:
    """正式党员 on `day`: admitted, and 转正 on or before it (or 正式 without a 转正日期)."""
    p = prefix
    return Q(**{f"{p}admitted_on__lte": day}) & (
        Q(**{f"{p}full_on__lte": day}) | Q(**{f"{p}full_on__isnull": True, f"{p}category": Category.FULL})
    )


def category_q(day: dt.date, categories: tuple[str, ...] | None, prefix: str = "") -> Q:
    admitted = Q(**{f"{prefix}admitted_on__lte": day})
    if categories is None or set(categories) >= {Category.FULL, Category.PROBATIONARY}:
        return admitted
    if Category.FULL in categories:
        return full_on_q(day, prefix)
    return admitted & ~full_on_q(day, prefix)


def cadre_level_at(day: dt.date, person_ref: str = "pk"):
    """The person's cadre level at `day`: the latest record on or before it (an undated record holds
    since before any period); without any record, the level written on the person; with records
    none of which holds yet, no level (matches no filter)."""
    records = CadreLevelRecord.objects.filter(person=OuterRef(person_ref))
    latest = records.filter(Q(since__isnull=True) | Q(since__lte=day)).order_by(
        F("since").desc(nulls_last=True), "-id").values("level")[:1]
    own = Person.objects.filter(pk=OuterRef(person_ref)).values("cadre_level")[:1]
    from django.db.models import Case as DbCase
    from django.db.models import When

    return DbCase(
        When(Exists(records), then=Coalesce(Subquery(latest), Value(""))),
        default=Subquery(own),
    )


def with_cadre_level(qs: QuerySet, day: dt.date, levels: tuple[str, ...] | None, person_ref: str) -> QuerySet:
    if levels is None:
        return qs
    return qs.annotate(level_at=cadre_level_at(day, person_ref)).filter(level_at__in=levels)


def present(qs_activities: QuerySet) -> QuerySet:
    """Attendance marked 出席 at these activities (a few classes: their ids are read first, then the
    attendance by its activity index)."""
    ids = list(qs_activities.values_list("id", flat=True))
    return Attendance.objects.filter(activity_id__in=ids, presence__in=PRESENT)


# ---- row builders for drill-through ----------------------------------------------------

ACTIVITY_COLUMNS = ["活动编号", "日期", "组织编码", "组织名称", "活动类型", "形式", "主题", "受众人数", "第一议题"]


def activity_rows(qs: QuerySet):
    for a in stream(qs.select_related("org", "type").order_by("date", "code")):
        yield [a.code, a.date, a.org.code, a.org.name, a.type.name, a.channel, a.topic, a.audience,
               "是" if a.first_topic else "否"]


def activity_set(qs: QuerySet, value: Callable[[], int] | None = None) -> RecordSet:
    return RecordSet("activities.activity", ACTIVITY_COLUMNS, lambda: activity_rows(qs), value or qs.count,
                     qs.count if value else None)


PERSON_COLUMNS = ["公民身份号码", "姓名"]


def person_set(person_ids_qs: QuerySet, extra_columns: list[str] | None = None,
               extra: Callable[[Person], list] | None = None) -> RecordSet:
    """Distinct persons; person_ids_qs yields person ids."""
    people = Person.objects.filter(pk__in=person_ids_qs)

    def rows():
        for p in stream(people.select_related("org").order_by("id_number")):
            yield [mask_id(p.id_number), p.name, p.org.code if p.org_id else "", p.org.name if p.org_id else ""]

    return RecordSet("people.person", PERSON_COLUMNS + ["所在党组织编码", "所在党组织"], rows, people.count)


# ---- organizations and members ---------------------------------------------------------

def orgs_at(ask: Ask, branches: bool = False) -> QuerySet:
    qs = active_on(within(Organization.objects.all(), ask, ""), ask.end, "established_on", "dissolved_on")
    if branches:
        qs = qs.filter(kind__in=BRANCH_KINDS)
    for name in ("kind", "sector", "level"):
        if ask.get(name) is not None:
            qs = qs.filter(**{f"{name}__in": ask.get(name)})
    return qs


def org_set(qs: QuerySet) -> RecordSet:
    def rows():
        for o in stream(qs.order_by("path")):
            yield [o.code, o.name, o.kind, o.sector, o.level, o.established_on, o.dissolved_on]

    return RecordSet("orgs.organization", ["组织编码", "组织名称", "组织类别", "单位类型", "层级", "成立日期", "撤销日期"],
                     rows, qs.count)


def relations_at(ask: Ask, day: dt.date) -> QuerySet:
    return active_on(within(Relation.objects.all(), ask), day, "start_on", "end_on")


def members_at(ask: Ask) -> QuerySet:
    """Relations holding at `to` in scope of members of the asked categories and cadre levels."""
    qs = relations_at(ask, ask.end).filter(category_q(ask.end, ask.get("category"), "person__"))
    return with_cadre_level(qs, ask.end, ask.get("cadre_level"), "person_id")


def recruited(ask: Ask) -> QuerySet:
    """Persons admitted in the period by an organization in scope; when the admitting organization
    was not recorded (an import), the organization holding their relation on the admission day."""
    holding = Relation.objects.filter(person=OuterRef("pk"), org__path__startswith=ask.prefix).filter(
        Q(start_on__isnull=True) | Q(start_on__lte=OuterRef("admitted_on"))).filter(
        Q(end_on__isnull=True) | Q(end_on__gt=OuterRef("admitted_on")))
    qs = between(Person.objects.filter(admitted_on__isnull=False), ask, "admitted_on")
    return qs.filter(Q(admitting_org__path__startswith=ask.prefix) | (Q(admitting_org__isnull=True) & Exists(holding)))


def transfers_in(ask: Ask) -> QuerySet:
    qs = between(within(Relation.objects.all(), ask), ask, "start_on").filter(
        via__in=(RelationVia.TRANSFER, RelationVia.TRANSFER_IN))
    return qs.filter(Q(from_org__isnull=True) | ~Q(from_org__path__startswith=ask.prefix))


def relation_set(qs: QuerySet) -> RecordSet:
    def rows():
        for r in stream(qs.select_related("person", "org", "from_org").order_by("start_on", "id")):
            yield [mask_id(r.person.id_number), r.person.name, r.org.code, r.org.name, r.start_on, r.end_on, r.via,
                   r.from_org.code if r.from_org_id else ""]

    return RecordSet("people.relation", ["公民身份号码", "姓名", "组织编码", "组织名称", "开始日期", "结束日期", "来源", "转出组织"],
                     rows, lambda: distinct_count(qs, "person_id"), qs.count)


def rotation_trained_cadres(ask: Ask) -> QuerySet:
    """Relations (at `to`, in scope, of the asked cadre levels) of the persons who attended a 专题轮训 in
    scope in the period — starting from the attendance, a small set, not from every relation."""
    trained = present(activities(ask, role=ActivityRole.ROTATION)).values("person_id")
    qs = relations_at(ask, ask.end).filter(person_id__in=trained)
    levels = ask.get("cadre_level") or REGISTRY_DEFAULT_LEVEL
    return with_cadre_level(qs, ask.end, levels, "person_id").values("person_id").distinct()


def rotation_trained_cadre_count(ask: Ask) -> int:
    """How many of the persons who attended a 专题轮训 hold a relation in scope at `to` with the asked level
    (one query: the trainees' attendance, a small set, drives it)."""
    return rotation_trained_cadres(ask).count()


def rotation_trainee_count(ask: Ask) -> int:
    """Distinct persons attending a 专题轮训, of the asked cadre levels at `to` (any, without the filter)."""
    trained = present(activities(ask, role=ActivityRole.ROTATION)).values("person_id")
    if ask.get("cadre_level") is None:
        return trained.distinct().count()
    return with_cadre_level(Person.objects.filter(pk__in=trained), ask.end, ask.get("cadre_level"), "pk").count()


# ---- two-new coverage ------------------------------------------------------------------

def coverage_at(day: dt.date):
    """An entity's coverage mode at `day` from its history (undated rows hold since registration;
    no history at all: the mode written on the entity; before the first dated row: 未覆盖)."""
    history = CoverageChange.objects.filter(entity=OuterRef("pk"))
    latest = history.filter(Q(since__isnull=True) | Q(since__lte=day)).order_by(
        F("since").asc(nulls_first=True), "id").reverse().values("mode")[:1]
    from django.db.models import Case as DbCase
    from django.db.models import When

    return DbCase(When(Exists(history), then=Coalesce(Subquery(latest), Value(CoverageMode.NONE.value))),
                  default=F("coverage"))


def entities_at(ask: Ask, type_: str) -> QuerySet:
    qs = within(Entity.objects.filter(type=type_), ask)
    qs = qs.filter(Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=ask.end))
    return qs.annotate(mode_at=coverage_at(ask.end))


def entity_set(qs: QuerySet) -> RecordSet:
    def rows():
        for e in stream(qs.select_related("org").order_by("credit_code")):
            yield [e.credit_code, e.name, e.type, e.org.code, e.mode_at, e.deregistered_on]

    return RecordSet("entities.entity", ["统一社会信用代码", "名称", "类型", "属地党组织编码", "覆盖方式", "注销日期"],
                     rows, qs.count)


# ---- lectures --------------------------------------------------------------------------

def teams_at(ask: Ask) -> QuerySet:
    return active_on(within(LectureTeam.objects.all(), ask), ask.end, "established_on", "dissolved_on")


def lecturers_at(ask: Ask) -> QuerySet:
    return active_on(Lecturer.objects.filter(team__in=teams_at(ask)), ask.end, "joined_on", "left_on")


# ---- grassroots ------------------------------------------------------------------------

def assignments(ask: Ask) -> QuerySet:
    qs = within(Assignment.objects.all(), ask)
    if ask.get("role") is not None:
        qs = qs.filter(role__in=ask.get("role"))
    if ask.get("sector") is not None:
        qs = qs.filter(org__sector__in=ask.get("sector"))
    if ask.get("level") is not None:
        qs = qs.filter(org__level__in=ask.get("level"))
    return qs


def assignment_set(qs: QuerySet, value: Callable[[], int] | None = None) -> RecordSet:
    def rows():
        for a in stream(qs.select_related("person", "org").order_by("start_on", "id")):
            yield [mask_id(a.person.id_number), a.person.name, a.role, a.org.code, a.org.name, a.team, a.start_on,
                   a.end_on, a.end_reason]

    return RecordSet("grassroots.assignment",
                     ["公民身份号码", "姓名", "岗位", "派驻组织编码", "派驻组织", "队伍", "开始日期", "结束日期", "结束原因"],
                     rows, value or (lambda: distinct_count(qs, "person_id")), qs.count)


def weak_cases(ask: Ask, field: str) -> QuerySet:
    qs = between(within(WeakOrgCase.objects.all(), ask), ask, field)
    if ask.get("sector") is not None:
        qs = qs.filter(org__sector__in=ask.get("sector"))
    return qs


def weak_set(qs: QuerySet) -> RecordSet:
    def rows():
        for w in stream(qs.select_related("org").order_by("identified_on", "id")):
            yield [w.org.code, w.org.name, w.org.sector, w.identified_on, w.rectified_on]

    return RecordSet("grassroots.weakorgcase", ["组织编码", "组织名称", "单位类型", "认定日期", "整顿完成日期"], rows, qs.count)


def elections_in(ask: Ask) -> QuerySet:
    qs = between(within(Election.objects.all(), ask), ask, "held_on")
    if ask.get("level") is not None:
        qs = qs.filter(org__level__in=ask.get("level"))
    return qs


def election_set(qs: QuerySet, value: Callable[[], int]) -> RecordSet:
    def rows():
        for e in stream(qs.select_related("org").order_by("held_on", "id")):
            yield [e.org.code, e.org.name, e.org.level, e.held_on, e.term_years, e.term_ends_on]

    return RecordSet("orgs.election", ["组织编码", "组织名称", "层级", "选举日期", "任期年限", "届满日期"], rows, value,
                     qs.count)


def overdue_elections(ask: Ask) -> list[Election]:
    """For each organization in scope existing at `to`, its latest election on or before `to`, when
    that term's anniversary has come."""
    orgs = active_on(within(Organization.objects.all(), ask, ""), ask.end, "established_on", "dissolved_on")
    latest: dict[int, Election] = {}
    for e in Election.objects.filter(org__in=orgs, held_on__lte=ask.end).order_by("org_id", "held_on", "id"):
        latest[e.org_id] = e
    return [e for e in latest.values() if add_years(e.held_on, e.term_years) <= ask.end]


# ---- supervision, discipline, burden --------------------------------------------------

def findings(ask: Ask) -> QuerySet:
    qs = within(Finding.objects.all(), ask)
    if ask.get("source") is not None:
        qs = qs.filter(source__in=ask.get("source"))
    return qs


def finding_set(qs: QuerySet) -> RecordSet:
    def rows():
        for f in stream(qs.select_related("org").order_by("found_on", "code")):
            yield [f.code, f.source, f.org.code, f.org.name, f.found_on, f.deadline, f.closed_on, f.description]

    return RecordSet("supervision.finding", ["问题编号", "来源", "责任组织编码", "责任组织", "发现日期", "整改期限", "销号日期", "问题描述"],
                     rows, qs.count)


def cases(ask: Ask) -> QuerySet:
    qs = between(within(Case.objects.all(), ask), ask, "filed_on")
    if ask.get("cadre_level") is not None:
        qs = qs.filter(cadre_level__in=ask.get("cadre_level"))
    return qs


def case_set(qs: QuerySet, value: Callable[[], int] | None = None) -> RecordSet:
    def rows():
        for c in stream(qs.select_related("person", "org").order_by("filed_on", "code")):
            yield [c.code, mask_id(c.person.id_number), c.person.name, c.cadre_level, c.org.code, c.filed_on,
                   "是" if c.self_surrender else "否"]

    return RecordSet("discipline.case", ["案件编号", "公民身份号码", "姓名", "干部管理层级", "承办组织编码", "立案日期", "主动投案"],
                     rows, value or qs.count, qs.count if value else None)


def forms_at(ask: Ask, day: dt.date) -> QuerySet:
    return active_on(within(ReportForm.objects.all(), ask), day, "enabled_on", "retired_on")


def form_set(qs: QuerySet) -> RecordSet:
    def rows():
        for f in stream(qs.select_related("org").order_by("code")):
            yield [f.code, f.name, f.org.code, f.enabled_on, f.retired_on, f.retire_reason]

    return RecordSet("burden.reportform", ["报表编号", "报表名称", "主管组织编码", "启用日期", "停用日期", "停用原因"], rows, qs.count)


def entries(ask: Ask) -> QuerySet:
    lo, hi = local_day_bounds(ask.start, ask.end)
    return within(Entry.objects.all(), ask).filter(at__gte=lo, at__lt=hi)


def entry_set(qs: QuerySet) -> RecordSet:
    tz = timezone.get_default_timezone()

    def rows():
        for e in stream(qs.select_related("org").order_by("at", "id")):
            yield [e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), e.org.code, e.model, e.object_id, e.channel]

    return RecordSet("core.entry", ["填报时间", "组织编码", "记录类型", "记录编号", "渠道"], rows, qs.count)


def fillings(ask: Ask) -> QuerySet:
    """Forms filled by the platform in the period for users whose organization is in scope (qingfeng.forms)."""
    from qingfeng.forms.models import Filling

    return between(within(Filling.objects.all(), ask, "user_org"), ask, "on")


def filling_set(qs: QuerySet) -> RecordSet:
    def rows():
        for f in stream(qs.select_related("template__form", "org", "user_org").order_by("on", "at", "id")):
            yield [f.on, f.template.form.code, f.template.form.name, f.org.code, f.start, f.end,
                   f.user_org.code if f.user_org else "", f.channel]

    return RecordSet("forms.filling", ["生成日期", "报表编号", "报表名称", "填报组织编码", "开始日期", "结束日期", "用户组织编码", "渠道"],
                     rows, qs.count)


# ---- compliance ------------------------------------------------------------------------

def compliance_records(ask: Ask, requirement_names: tuple[str, ...] | None):
    """(due, met) window lists for the branches in scope; see compliance.py."""
    from qingfeng.indicators.compliance import windows_for_subtree

    return windows_for_subtree(ask.org, ask.start, ask.end, requirement_names)


def compliance_facts(ask: Ask, requirement_names: tuple[str, ...] | None):
    """The same windows as compliance_records, from the compliance facts (one row per branch and due
    window, with its met flag) when they cover the period — a subtree of thousands of branches is listed at
    once, not recomputed from every activity. None when they do not (not built, or outside their span)."""
    from qingfeng.indicators import compliance, store
    from qingfeng.indicators.models import OwnFact

    if ask.exact:
        return None
    requirements = compliance.active_requirements(requirement_names)
    ends = store.covered_windows(store.state(), requirements, ask.start, ask.end)
    if ends is None:
        return None
    match = Q(pk__in=[])
    for (type_id, cadence), starts in itertools.groupby(sorted(ends), key=lambda k: k[:2]):
        match |= Q(d1=type_id, d2=cadence, day__in=[ws for _t, _c, ws in starts])
    qs = OwnFact.objects.filter(match, metric="win", org__path__startswith=ask.prefix)
    names = {str(r.activity_type_id): r.activity_type.name for r in requirements}
    return qs, names, ends


WINDOW_COLUMNS = ["组织编码", "组织名称", "要求", "窗口开始", "窗口结束", "是否召开"]


def fact_window_set(qs: QuerySet, names: dict, ends: dict) -> RecordSet:
    def rows():
        for code, name, type_id, cadence, day, met in stream(qs.order_by("org__path", "day", "d1").values_list(
                "org__code", "org__name", "d1", "d2", "day", "total")):
            yield [code, name, names.get(type_id, type_id), day, ends[(type_id, cadence, day)], "是" if met else "否"]

    return RecordSet("indicators.window", WINDOW_COLUMNS, rows, qs.count)


def window_set(windows) -> RecordSet:
    def rows():
        for w in windows:
            yield [w.org_code, w.org_name, w.requirement, w.start, w.end, "是" if w.met else "否"]

    return RecordSet("indicators.window", WINDOW_COLUMNS, rows, lambda: len(windows))


# ---- the catalogue of record sets ------------------------------------------------------

def parts(indicator_id: str, ask: Ask) -> Parts:
    """The record sets behind one value: the indicator's declared direct computation (`records`)."""
    indicator = REGISTRY.get(indicator_id)
    if indicator is not None and indicator.records is not None:
        return indicator.records(ask)
    return legacy_parts(indicator_id, ask)


def legacy_parts(indicator_id: str, ask: Ask) -> Parts:  # noqa: C901 — ids not yet declared beside their records
    f = ask.get
    i = indicator_id
    if i.startswith(("development.", "dues.")) or i == "members.lapsed":
        from qingfeng.membership.indicators import parts as lifecycle_parts

        return lifecycle_parts(i, ask)
    if i == "orgs.total":
        return Parts(org_set(orgs_at(ask)))
    if i == "orgs.branches":
        return Parts(org_set(orgs_at(ask, branches=True)))
    if i == "members.total":
        return Parts(relation_set(members_at(ask)))
    if i == "members.recruited":
        qs = recruited(ask)
        return Parts(person_set(qs.values("pk")))
    if i == "members.transferred_in":
        qs = transfers_in(ask)
        rs = relation_set(qs)
        rs.value = qs.count
        return Parts(rs)
    if i == "activities.count":
        return Parts(activity_set(activities(ask, f("type"), f("channel"))))
    if i.startswith("coverage."):
        type_ = EntityType.ENTERPRISE if "nonpublic" in i else EntityType.SOCIAL
        modes = ORG_COVERAGE if i.endswith("_org") else WORK_COVERAGE
        den = entities_at(ask, type_)
        return Parts(numerator=entity_set(den.filter(mode_at__in=modes)), denominator=entity_set(den))
    if i == "study.first_topic_rate":
        den = activities(ask, role=ActivityRole.FIRST_TOPIC)
        return Parts(numerator=activity_set(den.filter(first_topic=True)), denominator=activity_set(den))
    if i == "study.reading_classes":
        return Parts(activity_set(activities(ask, role=ActivityRole.READING_CLASS)))
    if i == "study.reading_class_trainees":
        return Parts(person_set(present(activities(ask, role=ActivityRole.READING_CLASS)).values("person_id")))
    if i == "training.rotation_trainees":
        att = present(activities(ask, role=ActivityRole.ROTATION))
        return Parts(person_set(with_cadre_level(att, ask.end, f("cadre_level"), "person_id").values("person_id")))
    if i == "training.rotation_coverage":
        levels = f("cadre_level") or REGISTRY_DEFAULT_LEVEL
        cadres = with_cadre_level(relations_at(ask, ask.end), ask.end, levels, "person_id").values("person_id")
        return Parts(numerator=person_set(rotation_trained_cadres(ask).values("person_id")),
                     denominator=person_set(cadres))
    if i == "lecture.teams":
        qs = teams_at(ask)

        def team_rows():
            for t in stream(qs.select_related("org").order_by("code")):
                yield [t.code, t.name, t.org.code, t.established_on, t.dissolved_on]

        return Parts(RecordSet("activities.lectureteam", ["小分队编码", "名称", "组织编码", "成立日期", "撤销日期"], team_rows,
                               qs.count))
    if i == "lecture.lecturers":
        return Parts(person_set(lecturers_at(ask).values("person_id")))
    if i == "lecture.events":
        return Parts(activity_set(activities(ask, channel=f("channel"), role=ActivityRole.LECTURE)))
    if i == "lecture.audience":
        qs = activities(ask, channel=f("channel"), role=ActivityRole.LECTURE)
        return Parts(activity_set(qs, lambda: total(qs, "audience")))
    if i in ("orglife.compliance", "orglife.theme_day_compliance", "orglife.missing"):
        names = role_names(ActivityRole.THEME_DAY) if i == "orglife.theme_day_compliance" else f("requirement")
        from_facts = compliance_facts(ask, names)
        if from_facts is not None:
            qs, type_names, ends = from_facts
            if i == "orglife.missing":
                return Parts(fact_window_set(qs.filter(total=0), type_names, ends))
            return Parts(numerator=fact_window_set(qs.filter(total=1), type_names, ends),
                         denominator=fact_window_set(qs, type_names, ends))
        due = compliance_records(ask, names)
        met = [w for w in due if w.met]
        if i == "orglife.missing":
            return Parts(window_set([w for w in due if not w.met]))
        return Parts(numerator=window_set(met), denominator=window_set(due))
    if i == "grassroots.weak_identified":
        return Parts(weak_set(weak_cases(ask, "identified_on")))
    if i == "grassroots.weak_rectified":
        return Parts(weak_set(weak_cases(ask, "rectified_on")))
    if i == "grassroots.elections":
        qs = elections_in(ask)
        return Parts(election_set(qs, lambda: distinct_count(qs, "org_id")))
    if i == "grassroots.elections_overdue":
        found = overdue_elections(ask)
        qs = Election.objects.filter(pk__in=[e.pk for e in found])
        return Parts(election_set(qs, lambda: len(found)))
    if i == "grassroots.dispatched":
        return Parts(assignment_set(between(assignments(ask), ask, "start_on")))
    if i == "grassroots.stationed":
        return Parts(assignment_set(active_on(assignments(ask).filter(start_on__lte=ask.end), ask.end, "start_on",
                                              "end_on")))
    if i == "grassroots.adjusted":
        return Parts(assignment_set(between(assignments(ask), ask, "end_on").filter(
            end_reason=AssignmentEndReason.ADJUSTED)))
    if i == "grassroots.dispatch_teams":
        qs = between(assignments(ask), ask, "start_on").exclude(team="")
        return Parts(assignment_set(qs, lambda: distinct_count(qs, "team")))
    if i == "supervision.rounds":
        types = f("type") or tuple(ActivityType.objects.filter(is_supervision=True).values_list("name", flat=True))
        return Parts(activity_set(activities(ask, types)))
    if i == "rectify.found":
        return Parts(finding_set(between(findings(ask), ask, "found_on")))
    if i == "rectify.closed":
        return Parts(finding_set(between(findings(ask), ask, "closed_on")))
    if i == "rectify.on_time_rate":
        den = between(findings(ask), ask, "deadline")
        return Parts(numerator=finding_set(den.filter(closed_on__lte=F("deadline"))), denominator=finding_set(den))
    if i == "rectify.overdue":
        qs = findings(ask).filter(deadline__lt=ask.end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=ask.end))
        return Parts(finding_set(qs))
    if i == "accountability.persons":
        qs = between(within(Accountability.objects.all(), ask), ask, "decided_on")

        def acc_rows():
            for a in stream(qs.select_related("person", "org").order_by("decided_on", "id")):
                yield [mask_id(a.person.id_number), a.person.name, a.org.code, a.decided_on, a.mode]

        return Parts(RecordSet("supervision.accountability", ["公民身份号码", "姓名", "决定组织编码", "决定日期", "方式"], acc_rows,
                               lambda: distinct_count(qs, "person_id"), qs.count))
    if i == "discipline.cases_filed":
        return Parts(case_set(cases(ask)))
    if i == "discipline.self_surrender":
        qs = cases(ask).filter(self_surrender=True)
        return Parts(case_set(qs, lambda: distinct_count(qs, "person_id")))
    if i == "discipline.four_forms":
        qs = between(within(Disposition.objects.all(), ask), ask, "decided_on")
        if f("form") is not None:
            qs = qs.filter(form__in=[int(v) for v in f("form")])

        def disp_rows():
            for d in stream(qs.select_related("person", "org").order_by("decided_on", "id")):
                yield [mask_id(d.person.id_number), d.person.name, d.org.code, d.decided_on, d.form, d.measure]

        return Parts(RecordSet("discipline.disposition", ["公民身份号码", "姓名", "决定组织编码", "日期", "形态", "措施"],
                               disp_rows, qs.count))
    if i == "discipline.recommendations":
        qs = between(within(Recommendation.objects.all(), ask), ask, "issued_on")

        def rec_rows():
            for r in stream(qs.select_related("org").order_by("issued_on", "code")):
                yield [r.code, r.org.code, r.issued_on, r.recipient, r.replied_on]

        return Parts(RecordSet("discipline.recommendation", ["建议书编号", "发出组织编码", "发出日期", "收文单位", "回复日期"],
                               rec_rows, qs.count))
    if i == "discipline.warning_sessions":
        return Parts(activity_set(activities(ask, role=ActivityRole.WARNING_EDUCATION)))
    if i == "discipline.warning_audience":
        qs = activities(ask, role=ActivityRole.WARNING_EDUCATION)
        return Parts(activity_set(qs, lambda: total(qs, "audience")))
    if i == "burden.forms_active":
        return Parts(form_set(forms_at(ask, ask.end)))
    if i == "burden.forms_reduction":
        before = forms_at(ask, ask.start - dt.timedelta(days=1))
        after = forms_at(ask, ask.end)

        def rate():
            a = before.count()
            return round_rate(a - after.count(), a)

        return Parts(numerator=form_set(before.exclude(pk__in=after.values("pk"))), denominator=form_set(before),
                     rate_value=rate)
    if i == "burden.entries":
        return Parts(entry_set(entries(ask)))
    if i == "burden.forms_answered":
        return Parts(filling_set(fillings(ask)))
    raise KeyError(indicator_id)


REGISTRY_DEFAULT_LEVEL = ("市管",)


def value(indicator_id: str, ask: Ask):
    return parts(indicator_id, ask).value()
