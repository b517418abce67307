"""Direct computation of every indicator from the raw records (spec/indicators.md, "Common rules").

This is the reference the facts are checked against (tests/indicators/test_property.py), the
fallback for periods the facts do not cover, and the source of every drill-through: a value is
always a count, distinct count or sum over the very record sets listed by `records()`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet
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
from qingfeng.core.indicators import (
    REGISTRY,
    Ask,
    Parts,
    RecordSet,
    active_on,
    between,
    distinct_count,
    round_rate,
    stream,
    total,
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.discipline.models import Case, Disposition, Recommendation
from qingfeng.people.indicators import person_set, relations_at, with_cadre_level
from qingfeng.people.models import Person

# The vocabulary of record sets is the kernel's (qingfeng.core.indicators); named here too for the pages and
# benchmarks that ask this module for values and drill-throughs.
__all__ = ["Ask", "Parts", "RecordSet", "active_on", "round_rate", "parts", "value"]

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


# ---- organizations and members ---------------------------------------------------------

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


# ---- lectures --------------------------------------------------------------------------

def teams_at(ask: Ask) -> QuerySet:
    return active_on(within(LectureTeam.objects.all(), ask), ask.end, "established_on", "dissolved_on")


def lecturers_at(ask: Ask) -> QuerySet:
    return active_on(Lecturer.objects.filter(team__in=teams_at(ask)), ask.end, "joined_on", "left_on")


# ---- supervision, discipline, burden --------------------------------------------------

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
    if i == "activities.count":
        return Parts(activity_set(activities(ask, f("type"), f("channel"))))
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
    if i == "supervision.rounds":
        types = f("type") or tuple(ActivityType.objects.filter(is_supervision=True).values_list("name", flat=True))
        return Parts(activity_set(activities(ask, types)))
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
    raise KeyError(indicator_id)


REGISTRY_DEFAULT_LEVEL = ("市管",)


def value(indicator_id: str, ask: Ask):
    return parts(indicator_id, ask).value()
