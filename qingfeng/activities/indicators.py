"""Indicators of activities: counts, study, lectures and organizational life (spec/indicators.md), declared with
qingfeng.core.indicators: each with its direct computation from the records, which is also its drill-through, and —
where the value adds up — its value from the facts (qingfeng.activities.facts; the compliance windows the fact
store keeps). Trainees and lecturers are distinct persons: read from the records."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.activities.facts import (
    ACT,
    LECTURERS,
    READING_TRAINEES,
    ROTATION_COVERED,
    ROTATION_TRAINEES,
    TEAM,
)
from qingfeng.activities.models import (
    Activity,
    ActivityRole,
    ActivityType,
    Attendance,
    Channel,
    Lecturer,
    LectureTeam,
    Presence,
    Requirement,
)
from qingfeng.activities.windows import WINDOW_COLUMNS, Window, active_requirements, windows_for_subtree
from qingfeng.core import distinct, metrics
from qingfeng.core.indicators import (
    FREE_TEXT,
    Ask,
    FactsQuestion,
    Indicator,
    Parts,
    RecordSet,
    active_on,
    between,
    register,
    round_rate,
    stored_windows,
    stream,
    total,
    within,
)
from qingfeng.people.facts import MEM
from qingfeng.people.indicators import person_set, relations_at, with_cadre_level
from qingfeng.people.models import CadreLevel, Person

CHANNELS_ALL = tuple(Channel.values)
CHANNELS = (Channel.OFFLINE.value, Channel.ONLINE.value)
CADRE_LEVELS = tuple(CadreLevel.values)
ROTATION_DEFAULT_LEVELS = (CadreLevel.CITY.value,)
PRESENT = (Presence.PRESENT, "")


def type_names() -> tuple[str, ...]:
    """The activity types (data a 系统管理员 edits): the values of the `type` filter."""
    return tuple(ActivityType.objects.order_by("sort", "id").values_list("name", flat=True))


def supervision_type_names() -> tuple[str, ...]:
    return tuple(ActivityType.objects.filter(is_supervision=True).order_by("sort", "id").values_list("name", flat=True))


def requirement_names() -> tuple[str, ...]:
    return tuple(Requirement.objects.order_by("activity_type__sort").values_list("activity_type__name", flat=True))


def role_names(role: str) -> tuple[str, ...]:
    """The name of the activity type holding `role` (none when no type holds it)."""
    return tuple(ActivityType.objects.filter(role=role).values_list("name", flat=True))


# ---- from the records ---------------------------------------------------------------------

def channel_values(wanted: Iterable[str] | None) -> tuple[str, ...] | None:
    """线上线下结合 counts under both 线下 and 线上."""
    if wanted is None:
        return None
    values = set(wanted)
    if values & {Channel.OFFLINE, Channel.ONLINE}:
        values.add(Channel.BOTH)
    return tuple(values)


def activities(ask: Ask, types: Iterable[str] | None = None, channel: tuple[str, ...] | None = None,
               role: str | None = None, campaign: tuple[str, ...] | None = None) -> QuerySet:
    qs = between(within(Activity.objects.all(), ask), ask, "date")
    if campaign is not None:
        qs = qs.filter(campaign__in=list(campaign))
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


ACTIVITY_COLUMNS = ["活动编号", "日期", "组织编码", "组织名称", "活动类型", "形式", "主题", "受众人数", "第一议题"]


def activity_set(qs: QuerySet, value: Callable[[], int] | None = None) -> RecordSet:
    def rows():
        for a in stream(qs.select_related("org", "type").order_by("date", "code")):
            yield [a.code, a.date, a.org.code, a.org.name, a.type.name, a.channel, a.topic, a.audience,
                   "是" if a.first_topic else "否"]

    return RecordSet("activities.activity", ACTIVITY_COLUMNS, rows, value or qs.count, qs.count if value else None)


def audience(role: str):
    """The records of the audience of the activities of the type holding `role`, in the asked channels."""
    def records(ask: Ask) -> Parts:
        qs = activities(ask, channel=ask.get("channel"), role=role)
        return Parts(activity_set(qs, lambda: total(qs, "audience")))

    return records


def first_topic_rate(ask: Ask) -> Parts:
    due = activities(ask, role=ActivityRole.FIRST_TOPIC)
    return Parts(numerator=activity_set(due.filter(first_topic=True)), denominator=activity_set(due))


def supervision_rounds(ask: Ask) -> Parts:
    return Parts(activity_set(activities(ask, ask.get("type") or supervision_type_names())))


def rotation_trained_cadres(ask: Ask) -> QuerySet:
    """Relations (at `to`, in scope, of the asked cadre levels) of the persons who attended a 专题轮训 in
    scope in the period — starting from the attendance, a small set, not from every relation."""
    trained = present(activities(ask, role=ActivityRole.ROTATION)).values("person_id")
    qs = relations_at(ask, ask.end).filter(person_id__in=trained)
    levels = ask.get("cadre_level") or ROTATION_DEFAULT_LEVELS
    return with_cadre_level(qs, ask.end, levels, "person_id").values("person_id").distinct()


def rotation_trainees(ask: Ask) -> Parts:
    """Distinct persons attending a 专题轮训, of the asked cadre levels at `to` (any, without the filter)."""
    att = present(activities(ask, role=ActivityRole.ROTATION))
    rs = person_set(with_cadre_level(att, ask.end, ask.get("cadre_level"), "person_id").values("person_id"))
    trained = att.values("person_id")
    levels = ask.get("cadre_level")
    # Counted from the trainees, a small set (the listing's own count annotates each attendance row).
    rs.value = (lambda: trained.distinct().count()) if levels is None else (
        lambda: with_cadre_level(Person.objects.filter(pk__in=trained), ask.end, levels, "pk").count())
    return Parts(rs)


def rotation_coverage(ask: Ask) -> Parts:
    levels = ask.get("cadre_level") or ROTATION_DEFAULT_LEVELS
    cadres = with_cadre_level(relations_at(ask, ask.end), ask.end, levels, "person_id").values("person_id")
    return Parts(numerator=person_set(rotation_trained_cadres(ask).values("person_id")), denominator=person_set(cadres))


def teams_at(ask: Ask) -> QuerySet:
    return active_on(within(LectureTeam.objects.all(), ask), ask.end, "established_on", "dissolved_on")


def lecture_teams(ask: Ask) -> Parts:
    qs = teams_at(ask)

    def rows():
        for t in stream(qs.select_related("org").order_by("code")):
            yield [t.code, t.name, t.org.code, t.established_on, t.dissolved_on]

    return Parts(RecordSet("activities.lectureteam", ["小分队编码", "名称", "组织编码", "成立日期", "撤销日期"], rows,
                           qs.count))


def lecturers(ask: Ask) -> Parts:
    roster = active_on(Lecturer.objects.filter(team__in=teams_at(ask)), ask.end, "joined_on", "left_on")
    return Parts(person_set(roster.values("person_id")))


def window_set(windows: list[Window]) -> RecordSet:
    def rows():
        for w in windows:
            yield [w.org_code, w.org_name, w.requirement, w.start, w.end, "是" if w.met else "否"]

    return RecordSet("indicators.window", WINDOW_COLUMNS, rows, lambda: len(windows))


def compliance(theme_day: bool = False, missing: bool = False):
    """The due windows of the asked requirements (主题党日's for its rate) in the branches in scope: met over due, or
    the missed ones — as the fact store keeps them when it holds the period, else computed from the activities."""
    def records(ask: Ask) -> Parts:
        names = role_names(ActivityRole.THEME_DAY) if theme_day else ask.get("requirement")
        stored = stored_windows(ask, active_requirements(names))
        if stored is not None:
            due, met, missed = stored
        else:
            windows = windows_for_subtree(ask.org, ask.start, ask.end, names)
            due = window_set(windows)
            met = window_set([w for w in windows if w.met])
            missed = window_set([w for w in windows if not w.met])
        return Parts(missed) if missing else Parts(numerator=met, denominator=due)

    def facts(q: FactsQuestion):
        names = q.type_names(role=ActivityRole.THEME_DAY) if theme_day else q.get("requirement")
        due_met = q.windows(names)
        if due_met is None:
            return q.from_records()
        due, met = due_met
        return due - met if missing else round_rate(met, due)

    return facts, records


# ---- from the facts -----------------------------------------------------------------------

def held(q: FactsQuestion, role: str | None = None, types: Iterable[str] | None = None, first_topic=None,
         channel: Iterable[str] | None = None) -> tuple[int, int]:
    """(activities, audience) of the type holding `role` or of these types, in these channels."""
    return q.flow(ACT, q.type_keys(types, role), channel_values(channel), first_topic)


def rotation_coverage_facts(q: FactsQuestion):
    levels = q.get("cadre_level") or ROTATION_DEFAULT_LEVELS
    trained = distinct.count(q, distinct.FAMILIES[ROTATION_COVERED], f"cadre_level={levels[0]}" if len(levels) == 1 else None)
    if trained is None:  # several levels, or a period the facts do not keep
        trained = rotation_trained_cadres(q.ask()).count()
    return round_rate(trained, q.snap(MEM, None, levels)[0])


def first_topic_rate_facts(q: FactsQuestion):
    due = held(q, ActivityRole.FIRST_TOPIC)[0]
    return round_rate(held(q, ActivityRole.FIRST_TOPIC, first_topic={"1"})[0], due)


def _orglife(ident: str, name: str, filters, theme_day: bool = False, missing: bool = False) -> Indicator:
    facts, records = compliance(theme_day, missing)
    return Indicator(ident, name, "flow" if missing else "rate", "orglife", filters,
                     reads=frozenset({metrics.WINDOWS}), facts=facts, records=records)


LECTURE = ActivityRole.LECTURE
register(
    Indicator("activities.count", N("活动次数"), "flow", "orgs",
              {"type": type_names, "channel": CHANNELS_ALL, "campaign": FREE_TEXT},
              reads=frozenset({ACT}), facts=lambda q: held(q, types=q.get("type"), channel=q.get("channel"))[0],
              records=lambda ask: Parts(activity_set(activities(ask, ask.get("type"), ask.get("channel"),
                                                                campaign=ask.get("campaign"))))),
    # 专题 is free text: a campaign key is answered from the records (engine: reads_records).
    Indicator("activities.campaign_count", N("专题活动次数"), "flow", "orgs", {"campaign": FREE_TEXT, "type": type_names},
              required=frozenset({"campaign"}),
              records=lambda ask: Parts(activity_set(activities(ask, ask.get("type"), campaign=ask.get("campaign"))))),
    Indicator("study.first_topic_rate", N("“第一议题”落实率"), "rate", "study", reads=frozenset({ACT}),
              facts=first_topic_rate_facts, records=first_topic_rate),
    Indicator("study.reading_classes", N("读书班期数"), "flow", "study", reads=frozenset({ACT}),
              facts=lambda q: held(q, ActivityRole.READING_CLASS)[0],
              records=lambda ask: Parts(activity_set(activities(ask, role=ActivityRole.READING_CLASS)))),
    Indicator("study.reading_class_trainees", N("读书班培训人数"), "flow", "study",
              reads=distinct.reads(READING_TRAINEES), facts=distinct.reader(READING_TRAINEES),
              records=lambda ask: Parts(person_set(present(activities(ask, role=ActivityRole.READING_CLASS))
                                                   .values("person_id")))),
    Indicator("training.rotation_trainees", N("专题轮训人数"), "flow", "study", {"cadre_level": CADRE_LEVELS},
              reads=distinct.reads(ROTATION_TRAINEES), facts=distinct.reader(ROTATION_TRAINEES, ("cadre_level",)),
              records=rotation_trainees),
    Indicator("training.rotation_coverage", N("领导干部轮训覆盖率"), "rate", "study", {"cadre_level": CADRE_LEVELS},
              defaults={"cadre_level": ROTATION_DEFAULT_LEVELS}, reads=frozenset({MEM}) | distinct.reads(ROTATION_COVERED),
              facts=rotation_coverage_facts, records=rotation_coverage),
    Indicator("lecture.teams", N("宣讲小分队数"), "snapshot", "lecture", reads=frozenset({TEAM}),
              facts=lambda q: q.snap(TEAM)[0], records=lecture_teams),
    Indicator("lecture.lecturers", N("宣讲员人数"), "snapshot", "lecture", reads=distinct.reads(LECTURERS),
              facts=distinct.reader(LECTURERS), records=lecturers),
    Indicator("lecture.events", N("宣讲场次"), "flow", "lecture", {"channel": CHANNELS}, reads=frozenset({ACT}),
              facts=lambda q: held(q, LECTURE, channel=q.get("channel"))[0],
              records=lambda ask: Parts(activity_set(activities(ask, channel=ask.get("channel"), role=LECTURE)))),
    Indicator("lecture.audience", N("宣讲受众人次"), "flow", "lecture", {"channel": CHANNELS}, reads=frozenset({ACT}),
              facts=lambda q: held(q, LECTURE, channel=q.get("channel"))[1], records=audience(LECTURE)),
    _orglife("orglife.compliance", N("三会一课落实率"), {"requirement": requirement_names}),
    _orglife("orglife.theme_day_compliance", N("主题党日落实率"), {}, theme_day=True),
    _orglife("orglife.missing", N("应开未开次数"), {"requirement": requirement_names}, missing=True),
    Indicator("supervision.rounds", N("督导(督战)轮次"), "flow", "supervision", {"type": supervision_type_names},
              reads=frozenset({ACT}), facts=lambda q: held(q, types=q.get("type") or q.type_names(supervision=True))[0],
              records=supervision_rounds),
)
