"""Indicators of grassroots organization building: weak organizations, elections, dispatched cadres
(spec/indicators.md), declared with qingfeng.core.indicators: each with its direct computation from the records,
which is also its drill-through, and — where the value adds up — its value from the facts
(qingfeng.grassroots.facts). Cadres, teams and elections held are distinct counts: read from the records."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.core import distinct
from qingfeng.core.dates import add_years
from qingfeng.core.indicators import (
    Ask,
    Indicator,
    Parts,
    RecordSet,
    active_on,
    between,
    distinct_count,
    register,
    stream,
    within,
)
from qingfeng.core.masking import mask_id
from qingfeng.grassroots.facts import (
    ADJUSTED,
    DISPATCHED,
    ELECTION_OVERDUE,
    ELECTIONS,
    STATIONED,
    TEAMS,
    WEAK_IDENTIFIED,
    WEAK_RECTIFIED,
)
from qingfeng.grassroots.models import Assignment, AssignmentEndReason, Role, WeakOrgCase
from qingfeng.orgs.indicators import LEVELS, SECTORS
from qingfeng.orgs.models import Election, Organization, VillageTag, VillageTagChoice

ROLES = tuple(Role.values)
VILLAGE_TAGS = tuple(VillageTagChoice.values)


# ---- dispatched cadres ------------------------------------------------------------------

def assignments(ask: Ask) -> QuerySet:
    qs = within(Assignment.objects.all(), ask)
    for name, lookup in (("role", "role__in"), ("sector", "org__sector__in"), ("level", "org__level__in")):
        if ask.get(name) is not None:
            qs = qs.filter(**{lookup: ask.get(name)})
    tags = ask.get("village_tag")
    if tags is not None:  # the organization sent to carries one of the tags (村情)
        qs = qs.filter(org__in=VillageTag.objects.filter(tag__in=tags).values("org_id"))
    return qs


def assignment_set(qs: QuerySet, value: Callable[[], int] | None = None) -> RecordSet:
    def rows():
        for a in stream(qs.select_related("person", "org").order_by("start_on", "id")):
            yield [mask_id(a.person.id_number), a.person.name, a.role, a.org.code, a.org.name, a.team, a.start_on,
                   a.end_on, a.end_reason]

    return RecordSet("grassroots.assignment",
                     ["公民身份号码", "姓名", "岗位", "派驻组织编码", "派驻组织", "队伍", "开始日期", "结束日期", "结束原因"],
                     rows, value or (lambda: distinct_count(qs, "person_id")), qs.count)


def stationed(ask: Ask) -> Parts:
    qs = active_on(assignments(ask).filter(start_on__lte=ask.end), ask.end, "start_on", "end_on")
    return Parts(assignment_set(qs))


def adjusted(ask: Ask) -> Parts:
    return Parts(assignment_set(between(assignments(ask), ask, "end_on").filter(end_reason=AssignmentEndReason.ADJUSTED)))


def teams(ask: Ask) -> Parts:
    qs = between(assignments(ask), ask, "start_on").exclude(team="")
    return Parts(assignment_set(qs, lambda: distinct_count(qs, "team")))


# ---- weak organizations -----------------------------------------------------------------

def weak_cases(ask: Ask, field: str) -> QuerySet:
    qs = between(within(WeakOrgCase.objects.all(), ask), ask, field)
    if (wanted := ask.get("sector")) is not None:
        qs = qs.filter(org__sector__in=wanted)
    return qs


def weak_set(qs: QuerySet) -> RecordSet:
    def rows():
        for w in stream(qs.select_related("org").order_by("identified_on", "id")):
            yield [w.org.code, w.org.name, w.org.sector, w.identified_on, w.rectified_on]

    return RecordSet("grassroots.weakorgcase", ["组织编码", "组织名称", "单位类型", "认定日期", "整顿完成日期"], rows, qs.count)


# ---- elections --------------------------------------------------------------------------

def election_set(qs: QuerySet, value: Callable[[], int]) -> RecordSet:
    def rows():
        for e in stream(qs.select_related("org").order_by("held_on", "id")):
            yield [e.org.code, e.org.name, e.org.level, e.held_on, e.term_years, e.term_ends_on]

    return RecordSet("orgs.election", ["组织编码", "组织名称", "层级", "选举日期", "任期年限", "届满日期"], rows, value,
                     qs.count)


def elections(ask: Ask) -> Parts:
    """Organizations that held an election in the period (each once)."""
    qs = between(within(Election.objects.all(), ask), ask, "held_on")
    if (wanted := ask.get("level")) is not None:
        qs = qs.filter(org__level__in=wanted)
    return Parts(election_set(qs, lambda: distinct_count(qs, "org_id")))


def overdue_elections(ask: Ask) -> list[Election]:
    """For each organization in scope existing at `to`, its latest election on or before `to`, when
    that term's anniversary has come."""
    orgs = active_on(within(Organization.objects.all(), ask, ""), ask.end, "established_on", "dissolved_on")
    latest: dict[int, Election] = {}
    for e in Election.objects.filter(org__in=orgs, held_on__lte=ask.end).order_by("org_id", "held_on", "id"):
        latest[e.org_id] = e
    return [e for e in latest.values() if add_years(e.held_on, e.term_years) <= ask.end]


def elections_overdue(ask: Ask) -> Parts:
    found = overdue_elections(ask)
    return Parts(election_set(Election.objects.filter(pk__in=[e.pk for e in found]), lambda: len(found)))


register(
    Indicator("grassroots.weak_identified", N("软弱涣散党组织认定数"), "flow", "grassroots", {"sector": SECTORS},
              reads=frozenset({WEAK_IDENTIFIED}), facts=lambda q: q.flow(WEAK_IDENTIFIED, q.get("sector"))[0],
              records=lambda ask: Parts(weak_set(weak_cases(ask, "identified_on")))),
    Indicator("grassroots.weak_rectified", N("软弱涣散党组织整顿完成数"), "flow", "grassroots", {"sector": SECTORS},
              reads=frozenset({WEAK_RECTIFIED}), facts=lambda q: q.flow(WEAK_RECTIFIED, q.get("sector"))[0],
              records=lambda ask: Parts(weak_set(weak_cases(ask, "rectified_on")))),
    Indicator("grassroots.elections", N("完成换届党组织数"), "flow", "grassroots", {"level": LEVELS},
              reads=distinct.reads(ELECTIONS), facts=distinct.reader(ELECTIONS, ("level",)), records=elections),
    Indicator("grassroots.elections_overdue", N("应换届未换届党组织数"), "snapshot", "grassroots",
              reads=frozenset({ELECTION_OVERDUE}), facts=lambda q: q.snap(ELECTION_OVERDUE)[0],
              records=elections_overdue),
    Indicator("grassroots.dispatched", N("选派(下派)干部人数"), "flow", "grassroots",
              {"role": ROLES, "sector": SECTORS, "level": LEVELS, "village_tag": VILLAGE_TAGS},
              reads=distinct.reads(DISPATCHED), facts=distinct.reader(DISPATCHED, ("role", "sector", "level", "village_tag")),
              records=lambda ask: Parts(assignment_set(between(assignments(ask), ask, "start_on")))),
    Indicator("grassroots.stationed", N("在岗驻村(社区)力量人数"), "snapshot", "grassroots",
              {"role": ROLES, "village_tag": VILLAGE_TAGS}, reads=distinct.reads(STATIONED),
              facts=distinct.reader(STATIONED, ("role", "village_tag")), records=stationed),
    Indicator("grassroots.adjusted", N("调整驻村干部人数"), "flow", "grassroots", {"role": ROLES},
              reads=distinct.reads(ADJUSTED), facts=distinct.reader(ADJUSTED, ("role",)), records=adjusted),
    Indicator("grassroots.dispatch_teams", N("派出队伍数"), "flow", "grassroots",
              {"role": ROLES, "village_tag": VILLAGE_TAGS}, reads=distinct.reads(TEAMS),
              facts=distinct.reader(TEAMS, ("role", "village_tag")), records=teams),
)
