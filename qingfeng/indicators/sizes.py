"""Branch sizes as facts: which organizations do not fit the codified rules on their size, on any day, kept like
every other fact so the warnings count them in a few indexed reads instead of counting every member of a subtree
per request (issue 18.2).

The rules (reference/domain-research.md §1.2): a branch holds at most 50 members; a 党支部 with members needs 3
正式党员; a 党支部 or 党总支 whose organizations hold 100 members or more should be a 党委. Each is an own snapshot row
("size", d1 one of SIZE_RULES) holding while the organization is active and breaks it: +1 on the first day, −1 on
the first day it no longer does, rolled up like every snapshot, so the facts of an organization on a day say how
many in its subtree break each rule.

The third rule reads the members of the organization's whole subtree, so an organization's "size" rows also depend
on its descendants: `holders()` names the 党支部 and 党总支 above the organizations a write changed (and, for a moved
one, above where it was), and the store refreshes them too (metrics.dependents)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from qingfeng.core import metrics
from qingfeng.core.metrics import Rows
from qingfeng.orgs.models import BRANCH_KINDS, PATH_SEP, Kind, Organization
from qingfeng.people.models import Category, Relation

SIZE = "size"
BRANCH_MAX = 50  # 党支部党员人数一般不超过50人
BRANCH_MIN_FULL = 3  # 正式党员3人以上的成立党支部
COMMITTEE_MIN = 100  # 党员100人以上的设立党的基层委员会
OVERSIZE, FEW_FULL, COMMITTEE = "big", "few", "cmte"  # d1 of the "size" rows, in the order a page lists them
SIZE_RULES = (OVERSIZE, FEW_FULL, COMMITTEE)
COMMITTEE_KINDS = (Kind.BRANCH, Kind.GENERAL_BRANCH)

metrics.declare(metrics.SNAPSHOT, SIZE)

OPEN = dt.date.max
Events = dict[dt.date, list[int]]  # day → [change of members, change of 正式党员]
REL_FIELDS = ("org_id", "start_on", "end_on", "person__admitted_on", "person__full_on", "person__category")
# a row of REL_FIELDS and of ORG_FIELDS
RelRow = tuple[int, dt.date | None, dt.date | None, dt.date | None, dt.date | None, str]
OrgRow = tuple[int, str, str, dt.date | None, dt.date | None, str]
ORG_FIELDS = ("id", "path", "kind", "established_on", "dissolved_on", "code")


def _add(events: Events, lo: dt.date, hi: dt.date, i: int) -> None:
    if lo < hi:
        events.setdefault(lo, [0, 0])[i] += 1
        if hi != OPEN:
            events.setdefault(hi, [0, 0])[i] -= 1


def member_events(relations: Iterable[RelRow], active: dict[int, tuple[dt.date, dt.date]]) -> dict[int, Events]:
    """Per organization, the days its members (admitted, holding a relation) and 正式党员 change, counted only while
    the organization is active (an inactive one warns of nothing and counts in no subtree)."""
    out: dict[int, Events] = defaultdict(dict)
    for org_id, start, end, admitted, full_on, category in relations:
        if admitted is None or org_id not in active:
            continue
        est, dis = active[org_id]
        lo, hi = max(start or metrics.EVER, admitted, est), min(end or OPEN, dis)
        _add(out[org_id], lo, hi, 0)
        if full_on is not None:
            _add(out[org_id], max(lo, full_on), hi, 1)
        elif category == Category.FULL:
            _add(out[org_id], lo, hi, 1)
    return out


def _spans(events: Events, holds: Callable[[int, int], bool]) -> list[tuple[dt.date, dt.date]]:
    """[lo, hi) where holds(members, full) is true, from the events of a step function starting at 0."""
    spans: list[list[dt.date]] = []
    members = full = 0
    for day in sorted(events):
        members += events[day][0]
        full += events[day][1]
        if holds(members, full):
            if not spans or spans[-1][1] != OPEN:
                spans.append([day, OPEN])
        elif spans and spans[-1][1] == OPEN:
            spans[-1][1] = day
    return [(lo, hi) for lo, hi in spans]


def _segment(rows: Rows, org_id: int, rule: str, spans: list[tuple[dt.date, dt.date]], est: dt.date,
             dis: dt.date) -> None:
    for lo, hi in spans:
        lo, hi = max(lo, est), min(hi, dis)
        if lo < hi:
            rows.segment(org_id, None if lo == metrics.EVER else lo, None if hi == OPEN else hi, SIZE, rule)


def add_org_rows(rows: Rows, org: OrgRow, own: Events, subtree: list[Events] | None) -> None:
    """The "size" rows of one organization (ORG_FIELDS), from its own members' events and, for a 党支部 or 党总支,
    those of every organization of its subtree (itself included)."""
    org_id, _path, kind, est, dis, _code = org
    est, dis = est or metrics.EVER, dis or OPEN
    if kind in BRANCH_KINDS:
        _segment(rows, org_id, OVERSIZE, _spans(own, lambda m, f: m > BRANCH_MAX), est, dis)
    if kind == Kind.BRANCH:
        _segment(rows, org_id, FEW_FULL, _spans(own, lambda m, f: m > 0 and f < BRANCH_MIN_FULL), est, dis)
    if kind in COMMITTEE_KINDS and subtree is not None:
        merged: Events = {}
        for events in subtree:
            for day, (dm, df) in events.items():
                cell = merged.setdefault(day, [0, 0])
                cell[0] += dm
                cell[1] += df
        _segment(rows, org_id, COMMITTEE, _spans(merged, lambda m, f: m >= COMMITTEE_MIN), est, dis)


@metrics.row_source(reads=(Organization, Relation, "people.person"), emits=(SIZE,))
def add_size_rows(rows: Rows, org_id: int | None = None) -> None:
    relations: Iterable[RelRow]
    if org_id is None:
        orgs = list(Organization.objects.order_by().values_list(*ORG_FIELDS))
        relations = Relation.objects.order_by().values_list(*REL_FIELDS).iterator(chunk_size=20000)
    else:
        org = Organization.objects.filter(pk=org_id).values_list(*ORG_FIELDS).first()
        if org is None:
            return
        # Its own members; for a 党支部 or 党总支, those of its whole subtree too.
        orgs = list(Organization.objects.filter(path__startswith=org[1]).order_by().values_list(*ORG_FIELDS)) \
            if org[2] in COMMITTEE_KINDS else [org]
        relations = Relation.objects.filter(org_id__in=[o[0] for o in orgs]).order_by().values_list(*REL_FIELDS)
    active = {o[0]: (o[3] or metrics.EVER, o[4] or OPEN) for o in orgs}
    events = member_events(relations, active)
    # Each organization's members count in the subtree of every 党支部 and 党总支 on its path.
    holder = {o[5]: o[0] for o in orgs if o[2] in COMMITTEE_KINDS}
    subtrees: dict[int, list[Events]] = {pk: [] for pk in holder.values()}
    paths = {o[0]: o[1] for o in orgs}
    for pk, own in events.items():
        for code in paths[pk].strip(PATH_SEP).split(PATH_SEP):
            if code in holder:
                subtrees[holder[code]].append(own)
    for org in orgs:
        if org_id is None or org[0] == org_id:
            add_org_rows(rows, org, events.get(org[0], {}), subtrees.get(org[0]))


@metrics.dependents
def holders(org_ids: set[int], moved: set[int]) -> set[int]:
    """The 党支部 and 党总支 whose subtree holds these organizations — or held a moved one (the ancestor table still
    names where it was until the store re-rolls it): their "size" rows count its members."""
    from qingfeng.indicators.models import OrgAncestor

    ids = set(org_ids) | set(moved)
    if not ids:
        return set()
    codes: set[str] = set()
    for path in Organization.objects.filter(pk__in=ids).values_list("path", flat=True):
        codes |= set(path.strip(PATH_SEP).split(PATH_SEP))
    out = set(Organization.objects.filter(code__in=codes, kind__in=COMMITTEE_KINDS).values_list("pk", flat=True))
    if moved:
        out |= set(OrgAncestor.objects.filter(descendant_id__in=moved, ancestor__kind__in=COMMITTEE_KINDS)
                   .values_list("ancestor_id", flat=True))
    return out - ids
