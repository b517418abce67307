"""The things behind the distinct counts, as a city publishes them (federation.models.Item).

Distinct persons do not add up across organizations, months or cities, so the facts cannot answer them; the
city publishes one row per counted thing instead — the person as a keyed hash (`person_key`), the day it
happened or the span it held, the filter values — and the province counts distinct keys (`province.py`). Each
source below mirrors the definition in qingfeng.indicators.direct (the test suite checks the province's values
against the city's own, organization by organization).

Indicators not published here, and why: discipline.self_surrender (it would need a row per case: discipline
records do not leave the city), development.late_steps (derived from the time rules on each read) — the province
says so when asked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Callable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from qingfeng.activities.indicators import PRESENT
from qingfeng.activities.models import ActivityRole, Attendance, Lecturer
from qingfeng.core.metrics import EVER, level_pieces
from qingfeng.forms.models import Filling
from qingfeng.grassroots.models import Assignment, AssignmentEndReason
from qingfeng.membership.models import Candidate
from qingfeng.orgs.models import Election
from qingfeng.people.models import CadreLevel, CadreLevelRecord, Person, Relation
from qingfeng.supervision.models import Accountability

OPEN = dt.date(9999, 12, 31)
ONE_DAY = dt.timedelta(days=1)
KEY_ENV = "QINGFENG_FEDERATION_KEY"
MIN_KEY_LENGTH = 16

# Row: (source, org id it counts under — None: the city's root, indicator, key, day, until, d1, d2, d3)
Row = tuple


def secret() -> bytes:
    value = os.environ.get(KEY_ENV, "")
    if len(value) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            _("未设置人员去重密钥：请在环境变量 %(env)s 中给出省与各市共用的密钥（至少 %(n)d 个字符）。")
            % {"env": KEY_ENV, "n": MIN_KEY_LENGTH})
    return value.encode()


def key_id(key: bytes) -> str:
    """Names the secret without revealing it: the province checks that every city uses the same one."""
    return hmac.new(key, b"qingfeng-federation", hashlib.sha256).hexdigest()[:16]


class Keys:
    """Persons as keyed hashes of their 公民身份号码 (the same person in two cities: the same key); a person
    without one counts as a person of this city only."""

    def __init__(self, city: str, key: bytes):
        self.city, self.key = city, key
        self.known: dict[int, str] = {}

    def load(self, person_ids) -> None:
        wanted = [p for p in set(person_ids) if p not in self.known]
        for i in range(0, len(wanted), 5000):
            for pk, id_number in Person.objects.filter(pk__in=wanted[i:i + 5000]).values_list("pk", "id_number"):
                self.known[pk] = self.person(pk, id_number)

    def person(self, pk: int, id_number: str) -> str:
        number = (id_number or "").strip().upper()
        if not number:
            return f"{self.city}:p{pk}"
        return hmac.new(self.key, number.encode(), hashlib.sha256).hexdigest()[:32]

    def __getitem__(self, pk: int) -> str:
        return self.known[pk]

    def record(self, kind: str, value) -> str:
        return f"{self.city}:{kind}{value}"


def _scoped(qs, field: str, orgs):
    return qs if orgs is None else qs.filter(**{f"{field}__in": orgs})


def attendance(keys: Keys, orgs) -> Iterator[Row]:
    """读书班 and 专题轮训 trainees: a person present at a class of the organization, on its day."""
    for role, indicator in ((ActivityRole.READING_CLASS, "study.reading_class_trainees"),
                            (ActivityRole.ROTATION, "training.rotation_trainees")):
        qs = _scoped(Attendance.objects.filter(activity__type__role=role, presence__in=PRESENT), "activity__org_id", orgs)
        rows = list(qs.order_by().values_list("activity__org_id", "activity__date", "person_id").distinct())
        keys.load(r[2] for r in rows)
        for org_id, day, person_id in rows:
            yield (f"o{org_id}", org_id, indicator, keys[person_id], day, day + ONE_DAY, "", "", "")


def _span(*bounds: tuple[dt.date | None, dt.date | None]) -> tuple[dt.date, dt.date]:
    """The intersection of [start, end) spans (None: since ever / still)."""
    lo = max((b[0] for b in bounds if b[0] is not None), default=EVER)
    hi = min((b[1] for b in bounds if b[1] is not None), default=OPEN)
    return lo, hi


def lecturers(keys: Keys, orgs) -> Iterator[Row]:
    """宣讲员: on a team's roster while both the team and the membership hold."""
    qs = _scoped(Lecturer.objects.all(), "team__org_id", orgs).order_by().values_list(
        "team__org_id", "team__established_on", "team__dissolved_on", "joined_on", "left_on", "person_id")
    rows = list(qs)
    keys.load(r[5] for r in rows)
    for org_id, est, gone, joined, left, person_id in rows:
        lo, hi = _span((est, gone), (joined, left))
        if lo < hi:
            yield (f"o{org_id}", org_id, "lecture.lecturers", keys[person_id], lo, hi, "", "", "")


def assignments(keys: Keys, orgs) -> Iterator[Row]:
    """选派: dispatched on its first day and stationed while it holds (one row), adjusted on its last, and the
    teams sent (a team counted by its name, within the city)."""
    qs = _scoped(Assignment.objects.all(), "org_id", orgs).order_by().values_list(
        "org_id", "person_id", "role", "org__sector", "org__level", "start_on", "end_on", "end_reason", "team")
    rows = list(qs)
    keys.load(r[1] for r in rows)
    for org_id, person_id, role, sector, level, start, end, reason, team in rows:
        source, who = f"o{org_id}", keys[person_id]
        yield (source, org_id, "grassroots.dispatched", who, start, end or OPEN, role, sector, level)
        if end is not None and reason == AssignmentEndReason.ADJUSTED:
            yield (source, org_id, "grassroots.adjusted", who, end, end + ONE_DAY, role, sector, level)
        if team:
            name = hashlib.sha256(team.encode()).hexdigest()[:16]
            yield (source, org_id, "grassroots.dispatch_teams", keys.record("t", name), start, start + ONE_DAY, role,
                   sector, level)


def accountability(keys: Keys, orgs) -> Iterator[Row]:
    rows = list(_scoped(Accountability.objects.all(), "org_id", orgs).order_by().values_list(
        "org_id", "decided_on", "person_id"))
    keys.load(r[2] for r in rows)
    for org_id, day, person_id in rows:
        yield (f"o{org_id}", org_id, "accountability.persons", keys[person_id], day, day + ONE_DAY, "", "", "")


def elections(keys: Keys, orgs) -> Iterator[Row]:
    """完成换届: organizations (not persons) that held an election, by their level."""
    for org_id, day, level in _scoped(Election.objects.all(), "org_id", orgs).order_by().values_list(
            "org_id", "held_on", "org__level"):
        yield (f"o{org_id}", org_id, "grassroots.elections", keys.record("o", org_id), day, day + ONE_DAY, level, "", "")


STAGES = ("申请人", "入党积极分子", "发展对象", "预备党员")  # membership.indicators.STAGE_NAMES


def candidate_stages(applied, activist, candidate, vote, approved) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """(stage, from, until) pieces of a candidacy, as membership.indicators._stage_at_q decides a stage on a day."""
    pieces: list[tuple[str, dt.date | None, dt.date | None]] = [(STAGES[0], None, activist)]
    if activist is not None:
        pieces.append((STAGES[1], activist, candidate))
    if candidate is not None:
        pieces.append((STAGES[2], candidate, max(vote, approved) if vote is not None and approved is not None else None))
    if approved is not None:
        pieces.append((STAGES[3], approved, None))
    return pieces


def development(keys: Keys, orgs) -> Iterator[Row]:
    """入党申请 (a candidacy on the day it was applied) and 发展程序中 (while in progress, by stage)."""
    for pk, org_id, applied, activist, candidate, vote, approved, full, closed in _scoped(
            Candidate.objects.all(), "org_id", orgs).order_by().values_list(
            "pk", "org_id", "applied_on", "activist_on", "candidate_on", "vote_on", "approved_on", "full_approved_on",
            "closed_on"):
        key, source = keys.record("c", pk), f"o{org_id}"
        yield (source, org_id, "development.applications", key, applied, applied + ONE_DAY, "", "", "")
        ends = [d for d in (full, closed) if d is not None]
        progress = (applied, min(ends) if ends else None)
        for stage, lo, hi in candidate_stages(applied, activist, candidate, vote, approved):
            start, until = _span(progress, (lo, hi))
            if start < until:
                yield (source, org_id, "development.in_progress", key, start, until, stage, "", "")


def fillings(keys: Keys, orgs) -> Iterator[Row]:
    """系统生成报表: forms the platform filled for users of the organization."""
    for pk, org_id, day in _scoped(Filling.objects.filter(user_org__isnull=False), "user_org_id", orgs).order_by(
            ).values_list("pk", "user_org_id", "on"):
        yield (f"o{org_id}", org_id, "burden.forms_answered", keys.record("f", pk), day, day + ONE_DAY, "", "", "")


ORG_SOURCES: list[Callable[[Keys, set[int] | None], Iterator[Row]]] = [
    attendance, lecturers, assignments, accountability, elections, development, fillings]


def cadres(keys: Keys, people) -> Iterator[Row]:
    """Cadre levels over time, for the level filters of the 轮训 indicators: the person's level (`level`, counted
    under the city's root) and, while they hold a relation, where (`cadre`, under the relation's organization).
    Only of the persons those filters can reach: trainees of a 专题轮训, and cadres (市管, 县管) at any time."""
    ranked = (CadreLevel.CITY, CadreLevel.COUNTY)
    trainees = Attendance.objects.filter(activity__type__role=ActivityRole.ROTATION, presence__in=PRESENT)
    persons = Person.objects.filter(cadre_level__in=ranked)
    ranked_records = CadreLevelRecord.objects.filter(level__in=ranked)
    if people is not None:
        trainees, persons = trainees.filter(person_id__in=people), persons.filter(pk__in=people)
        ranked_records = ranked_records.filter(person_id__in=people)
    considered = (set(trainees.order_by().values_list("person_id", flat=True).distinct())
                  | set(persons.order_by().values_list("pk", flat=True))
                  | set(ranked_records.order_by().values_list("person_id", flat=True).distinct()))
    if not considered:
        return
    ids = sorted(considered)
    records: dict[int, list] = {}
    own: dict[int, str] = {}
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        for pid, since, pk, level in CadreLevelRecord.objects.filter(person_id__in=chunk).order_by().values_list(
                "person_id", "since", "id", "level"):
            records.setdefault(pid, []).append((since, pk, level))
        own.update(Person.objects.filter(pk__in=chunk).order_by().values_list("pk", "cadre_level"))
    spans: dict[int, list[tuple[dt.date, dt.date, str]]] = {}
    for pid in ids:
        pieces = level_pieces(records.get(pid, []), own.get(pid, ""))
        for i, (since, level) in enumerate(pieces):
            until = pieces[i + 1][0] if i + 1 < len(pieces) else None
            lo, hi = _span((since, until))
            if level and lo < hi:
                spans.setdefault(pid, []).append((lo, hi, level))
    keys.load(spans)
    for pid, lo_hi in spans.items():
        for lo, hi, level in lo_hi:
            yield (f"p{pid}", None, "level", keys[pid], lo, hi, level, "", "")
    for i in range(0, len(ids), 5000):
        relations = Relation.objects.filter(person_id__in=ids[i:i + 5000]).order_by()
        for org_id, pid, start, end in relations.values_list("org_id", "person_id", "start_on", "end_on"):
            for lo, hi, level in spans.get(pid, ()):
                a, b = _span((start, end), (lo, hi))
                if a < b:
                    yield (f"p{pid}", org_id, "cadre", keys[pid], a, b, level, "", "")


PERSON_SOURCES: list[Callable[[Keys, set[int] | None], Iterator[Row]]] = [cadres]

# Indicators answered from these rows at the province.
INDICATORS = ("study.reading_class_trainees", "training.rotation_trainees", "lecture.lecturers", "grassroots.dispatched",
              "grassroots.stationed", "grassroots.adjusted", "grassroots.dispatch_teams", "accountability.persons",
              "grassroots.elections", "development.applications", "development.in_progress", "burden.forms_answered",
              "training.rotation_coverage")
