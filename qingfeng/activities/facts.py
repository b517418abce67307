"""The own fact rows of activities (qingfeng.core.metrics): what qingfeng.activities.indicators (and the warning
education of qingfeng.discipline.indicators) read back.

* "act" (flow): activities per organization, day, type (d1, the type's id), channel (d2) and whether they studied
  the 第一议题 (d3 "1"/"0"); n the activities, total their audience — a grouped query the rebuild inserts in SQL;
* "team" (snapshot): a lecture team from its establishment until it is dissolved.

The compliance windows (met or not, per branch) are kept by the fact store itself from qingfeng.activities.windows.

Attendance and rosters count distinct persons, kept as distinct counts (qingfeng.core.distinct):

* "rdt", "rot" (flows per calendar period, and the rolling twelve months): persons present (出席, or not marked) at
  a 读书班, a 专题轮训, at the activity's organization on its date;
* "rcv" (the same periods, per cadre level): the trainees of 专题轮训 holding a relation at the period's end (on
  the day, for the rolling months), of that cadre level then — the numerator of 领导干部轮训覆盖率: counted in a
  subtree holding both their relation and a training, so kept at the relation's organization, counted up to the
  deepest ancestor the two share;
* "lec" (snapshot): persons on the roster of a lecture team, while both the roster entry and the team hold.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, CharField, Count, F, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from qingfeng.activities.models import Activity, ActivityRole, Attendance, Lecturer, LectureTeam, Presence
from qingfeng.core import distinct, metrics
from qingfeng.core.distinct import (
    CALENDAR,
    ONE_DAY,
    ROLLING,
    Family,
    Paths,
    period_end,
    period_start,
    rolling_last,
)
from qingfeng.core.metrics import Rows, level_at, level_pieces

ACT, TEAM = "act", "team"

metrics.declare(metrics.FLOW, ACT)
metrics.declare(metrics.SNAPSHOT, TEAM)


@metrics.sql_source(ACT, reads=(Activity,))
def activity_values(org_id: int | None = None):
    qs = Activity.objects.all() if org_id is None else Activity.objects.filter(org_id=org_id)
    return qs.order_by().values(
        o=F("org_id"), dd=F("date"), k1=Cast("type_id", CharField()), k2=F("channel"),
        k3=Case(When(first_topic=True, then=Value("1")), default=Value("0"), output_field=CharField()),
    ).annotate(c=Count("id"), s=Coalesce(Sum("audience"), 0))


@metrics.row_source(reads=(LectureTeam,), emits=(TEAM,))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    teams = LectureTeam.objects.all() if org_id is None else LectureTeam.objects.filter(org_id=org_id)
    for org, est, gone in teams.values_list("org_id", "established_on", "dissolved_on"):
        rows.segment(org, est, gone, TEAM)


# ---- distinct persons ----------------------------------------------------------------------

PRESENT = (Presence.PRESENT, "")
READING_TRAINEES, ROTATION_TRAINEES, ROTATION_COVERED, LECTURERS = "rdt", "rot", "rcv", "lec"


def present_at(role: str):
    return Attendance.objects.filter(presence__in=PRESENT, activity__type__role=role)


def trainees(role: str):
    """Persons present at activities of the type holding `role`, with every such attendance of theirs."""
    def tracks(org_id: int | None) -> dict[str, list]:
        att = present_at(role)
        if org_id is not None:
            att = att.filter(person_id__in=present_at(role).filter(activity__org_id=org_id).values("person_id"))
        out: dict[str, list] = defaultdict(list)
        for pid, org, day in att.order_by().values_list("person_id", "activity__org_id", "activity__date"):
            out[distinct.person(pid)].append((day, org, ("",)))
        return out

    def homes(identities: set[str]) -> set[int]:
        return set(present_at(role).filter(person_id__in=distinct.person_ids(identities)).order_by()
                   .values_list("activity__org_id", flat=True).distinct())

    return tracks, homes


_reading = trainees(ActivityRole.READING_CLASS)
_rotation = trainees(ActivityRole.ROTATION)
TRAINEE_READS = (Attendance, Activity, "activities.activitytype")
distinct.family(Family(READING_TRAINEES, _reading[0], _reading[1], reads=TRAINEE_READS))
distinct.family(Family(ROTATION_TRAINEES, _rotation[0], _rotation[1], reads=TRAINEE_READS))


# 轮训覆盖率's numerator: (relations, cadre-level pieces, trainings) of a person
Covered = tuple[list[tuple[int, Any, Any]], list[tuple[Any, str]], list[tuple[dt.date, int]]]


def covered_tracks(org_id: int | None) -> dict[str, Any]:
    from qingfeng.people.facts import cadre_records
    from qingfeng.people.models import Person, Relation

    trained = present_at(ActivityRole.ROTATION).values("person_id")
    people: Any = trained if org_id is None else Relation.objects.filter(org_id=org_id, person_id__in=trained).values(
        "person_id")
    data: dict[int, Covered] = defaultdict(lambda: ([], [], []))
    for pid, org, start, end in Relation.objects.filter(person_id__in=people).order_by().values_list(
            "person_id", "org_id", "start_on", "end_on"):
        data[pid][0].append((org, start, end))
    if not data:
        return {}
    for pid, org, day in present_at(ActivityRole.ROTATION).filter(person_id__in=people).order_by().values_list(
            "person_id", "activity__org_id", "activity__date"):
        data[pid][2].append((day, org))
    records = cadre_records(None if org_id is None else list(data))
    for pid, own in Person.objects.filter(pk__in=people).values_list("pk", "cadre_level"):
        if pid in data:
            data[pid][1].extend(level_pieces(records.get(pid, []), own))
    return {distinct.person(pid): d for pid, d in data.items() if d[2]}


def covered_homes(identities: set[str]) -> set[int]:
    from qingfeng.people.models import Relation

    return set(Relation.objects.filter(person_id__in=distinct.person_ids(identities)).order_by()
               .values_list("org_id", flat=True).distinct())


def covered_rows(ident: str, data: Covered, paths: Paths) -> list[distinct.Row]:
    relations, pieces, events = data

    def items(day: dt.date, orgs: set[int]) -> dict[str, set[tuple[int, int]]]:
        level = level_at(pieces, day)
        found = set()
        for org, start, end in relations:
            if (start is None or start <= day) and (end is None or end > day):
                for a in orgs:
                    x = paths.common(org, a)
                    if x is not None:
                        found.add((x, org))
        return {f"cadre_level={level}": found} if level and found else {}

    out: list[distinct.Row] = []
    for kind in CALENDAR:
        periods: dict[dt.date, set[int]] = defaultdict(set)
        for day, org in events:
            periods[period_start(day, kind)].add(org)
        for first, orgs in periods.items():
            for dim, found in items(period_end(first, kind), orgs).items():
                for home, d1, n in distinct.chain_rows(found, paths):
                    out.append((first, home, f"{ROTATION_COVERED}_{kind}", d1, dim, n))
    spans = [(day, rolling_last(day), org) for day, org in events]
    points = {lo for lo, _hi, _o in spans} | {hi + ONE_DAY for _lo, hi, _o in spans}
    points |= {d for _o, start, end in relations for d in (start, end) if d is not None}
    points |= {since for since, _level in pieces if since is not None}
    lo_bound = min(lo for lo, _hi, _o in spans)
    points = {p for p in points if p >= lo_bound}  # nothing is counted before the first training

    def at(t: dt.date) -> dict[str, set[tuple[int, int]]]:
        return items(t, {org for lo, hi, org in spans if lo <= t <= hi})

    for t, home, d1, dim, n in distinct.timeline(points, at, paths):
        out.append((t, home, f"{ROTATION_COVERED}_{ROLLING}", d1, dim, n))
    return out


distinct.family(Family(ROTATION_COVERED, covered_tracks, covered_homes, filters=("cadre_level",), unfiltered=False,
                       compute=covered_rows,
                       organizations=lambda d: {r[0] for r in d[0]} | {e[1] for e in d[2]},
                       reads=(*TRAINEE_READS, "people.relation", "people.person", "people.cadrelevelrecord")))


def lecturer_tracks(org_id: int | None) -> dict[str, list]:
    roster = Lecturer.objects.all()
    if org_id is not None:
        roster = roster.filter(person_id__in=Lecturer.objects.filter(team__org_id=org_id).values("person_id"))
    out: dict[str, list] = defaultdict(list)
    for pid, org, joined, left, est, gone in roster.order_by().values_list(
            "person_id", "team__org_id", "joined_on", "left_on", "team__established_on", "team__dissolved_on"):
        lo = max((d for d in (joined, est) if d is not None), default=None)
        hi = min((d for d in (left, gone) if d is not None), default=None)
        out[distinct.person(pid)].append((lo, hi, org, ("",)))
    return out


def lecturer_homes(identities: set[str]) -> set[int]:
    return set(Lecturer.objects.filter(person_id__in=distinct.person_ids(identities)).order_by()
               .values_list("team__org_id", flat=True).distinct())


distinct.family(Family(LECTURERS, lecturer_tracks, lecturer_homes, snapshot=True, reads=(Lecturer, LectureTeam)))
