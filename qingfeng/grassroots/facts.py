"""The own fact rows of grassroots organization building (qingfeng.core.metrics): what
qingfeng.grassroots.indicators reads back.

* "weak_id", "weak_rect" (flows): a weak-organization case on the day it was identified, on the day its
  rectification was completed; d1 the organization's sector;
* "eover" (snapshot): an organization whose term is over and which has not held its next election — from the term's
  anniversary (or its establishment, if later) until the next election or its dissolution.

Dispatched cadres, their teams and the elections held count distinct persons, teams or organizations, kept as
distinct counts (qingfeng.core.distinct), each also per 岗位 (role) or, for elections, per level:

* "dsp" (per calendar period and the rolling twelve months): persons whose assignment started, at the organization
  sent to; "adj": persons whose assignment ended 调整; "tms": teams (by name) of the assignments that started;
* "stn" (snapshot): persons on an assignment, from its start until its end;
* "elc" (per period): organizations that held an election.
"""

from __future__ import annotations

from collections import defaultdict

from qingfeng.core import distinct, metrics
from qingfeng.core.dates import add_years
from qingfeng.core.distinct import Family
from qingfeng.core.metrics import Rows
from qingfeng.grassroots.models import Assignment, AssignmentEndReason, WeakOrgCase
from qingfeng.orgs.models import Election, Organization

WEAK_IDENTIFIED, WEAK_RECTIFIED, ELECTION_OVERDUE = "weak_id", "weak_rect", "eover"

metrics.declare(metrics.FLOW, WEAK_IDENTIFIED, WEAK_RECTIFIED)
metrics.declare(metrics.SNAPSHOT, ELECTION_OVERDUE)


@metrics.row_source(reads=(WeakOrgCase,), emits=(WEAK_IDENTIFIED, WEAK_RECTIFIED))
def add_weak_rows(rows: Rows, org_id: int | None = None) -> None:
    cases = WeakOrgCase.objects.all() if org_id is None else WeakOrgCase.objects.filter(org_id=org_id)
    for org, identified, rectified, sector in cases.values_list("org_id", "identified_on", "rectified_on",
                                                                "org__sector"):
        rows.add(org, identified, WEAK_IDENTIFIED, sector)
        if rectified is not None:
            rows.add(org, rectified, WEAK_RECTIFIED, sector)


@metrics.row_source(reads=(Organization, Election), emits=(ELECTION_OVERDUE,))
def add_election_rows(rows: Rows, org_id: int | None = None) -> None:
    orgs, elections = Organization.objects.all(), Election.objects.all()
    if org_id is not None:
        orgs, elections = orgs.filter(pk=org_id), elections.filter(org_id=org_id)
    life = {pk: (est, gone) for pk, est, gone in orgs.values_list("pk", "established_on", "dissolved_on")}
    terms: dict[int, list] = defaultdict(list)
    for org, held, years in elections.order_by("org_id", "held_on", "id").values_list("org_id", "held_on",
                                                                                      "term_years"):
        terms[org].append((held, years))
    for org, held_list in terms.items():
        est, gone = life.get(org, (None, None))
        for k, (held, years) in enumerate(held_list):
            nxt = held_list[k + 1][0] if k + 1 < len(held_list) else None
            lo = max(d for d in (add_years(held, years), est) if d is not None)
            hi = min((d for d in (nxt, gone) if d is not None), default=None)
            rows.segment(org, lo, hi, ELECTION_OVERDUE)


# ---- distinct persons, teams and organizations ----------------------------------------------------

DISPATCHED, STATIONED, ADJUSTED, TEAMS, ELECTIONS = "dsp", "stn", "adj", "tms", "elc"


def assignment_tracks(kind: str):
    """Tracks of the assignments (all of a person's, or of a team's) of the persons or teams with one at an
    organization."""
    def tracks(org_id: int | None) -> dict[str, list]:
        qs = Assignment.objects.all()
        if kind == ADJUSTED:
            qs = qs.filter(end_reason=AssignmentEndReason.ADJUSTED, end_on__isnull=False)
        if kind == TEAMS:
            qs = qs.exclude(team="")
        if org_id is not None:
            key = "team" if kind == TEAMS else "person_id"
            qs = qs.filter(**{f"{key}__in": qs.filter(org_id=org_id).values(key)})
        out: dict[str, list] = defaultdict(list)
        for pid, org, start, end, role, team in qs.order_by().values_list(
                "person_id", "org_id", "start_on", "end_on", "role", "team"):
            dims = distinct.dims({"role": role})
            if kind == STATIONED:
                out[distinct.person(pid)].append((start, end, org, dims))
            elif kind == TEAMS:
                out[distinct.team(team)].append((start, org, dims))
            else:
                out[distinct.person(pid)].append((end if kind == ADJUSTED else start, org, dims))
        return out

    return tracks


def assignment_homes(identities: set[str]) -> set[int]:
    return set(Assignment.objects.filter(person_id__in=distinct.person_ids(identities)).order_by()
               .values_list("org_id", flat=True).distinct())


def team_homes(identities: set[str]) -> set[int]:
    return {org for name, org in Assignment.objects.exclude(team="").order_by().values_list("team", "org_id").distinct()
            if distinct.team(name) in identities}


for _kind in (DISPATCHED, ADJUSTED):
    distinct.family(Family(_kind, assignment_tracks(_kind), assignment_homes, filters=("role",), reads=(Assignment,)))
distinct.family(Family(STATIONED, assignment_tracks(STATIONED), assignment_homes, snapshot=True, filters=("role",),
                       reads=(Assignment,)))
distinct.family(Family(TEAMS, assignment_tracks(TEAMS), team_homes, filters=("role",), identity="t", reads=(Assignment,)))


def election_tracks(org_id: int | None) -> dict[str, list]:
    qs = Election.objects.all() if org_id is None else Election.objects.filter(org_id=org_id)
    out: dict[str, list] = defaultdict(list)
    for org, held, level in qs.order_by().values_list("org_id", "held_on", "org__level"):
        out[f"o{org}"].append((held, org, distinct.dims({"level": level})))
    return out


distinct.family(Family(ELECTIONS, election_tracks, lambda identities: set(), filters=("level",), identity="o",
                       reads=(Election, Organization)))
