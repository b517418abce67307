"""Compliance (三会一课落实): requirements as data, cadence windows, due and met per branch — what
三会一课落实率 and 应开未开 count (qingfeng.activities.indicators), the branch calendar shows
(qingfeng.activities.compliance) and the fact store keeps per branch and window.

A window (calendar month, quarter or year) is *due* for a branch when it lies entirely inside the
asked period, the branch existed during all of it and — for requirements with a minimum — the branch
had that many 正式党员 on the window's first day. It is *met* when the branch held at least one
activity of the requirement's type dated inside it."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from qingfeng.activities.models import Activity, Cadence, Requirement
from qingfeng.core.dates import add_months, month_end
from qingfeng.orgs.models import REQUIREMENT_KINDS, Organization
from qingfeng.people.models import Category, Relation

CADENCE_MONTHS: dict[str, int] = {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.YEAR: 12}


@dataclass(frozen=True)
class Window:
    org_id: int
    org_code: str
    org_name: str
    requirement: str  # the activity type's name
    type_id: int
    cadence: str
    start: dt.date
    end: dt.date  # last day, inclusive
    met: bool


def window_starts(cadence: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar windows of the cadence lying entirely inside [start, end]: (first day, last day)."""
    months = CADENCE_MONTHS[cadence]
    month0 = ((start.month - 1) // months) * months + 1
    ws = dt.date(start.year, month0, 1)
    out = []
    while ws <= end:
        we = month_end(add_months(ws, months - 1))
        if ws >= start and we <= end:
            out.append((ws, we))
        ws = add_months(ws, months)
    return out


def active_requirements(names: tuple[str, ...] | None = None) -> list[Requirement]:
    qs = Requirement.objects.filter(is_active=True).select_related("activity_type")
    if names is not None:
        qs = qs.filter(activity_type__name__in=names)
    return list(qs.order_by("activity_type__sort", "id"))


def is_full(admitted: dt.date | None, full: dt.date | None, category: str, day: dt.date) -> bool:
    """正式党员 on `day` (see qingfeng.people.indicators.full_on_q)."""
    if admitted is None or admitted > day:
        return False
    if full is None:
        return category == Category.FULL
    return full <= day


def windows_for_branches(branches: list[Organization], requirements: list[Requirement], start: dt.date,
                         end: dt.date) -> list[Window]:
    """Every due window of these branches and requirements within [start, end], with its met flag."""
    if not branches or not requirements:
        return []
    per_req = {r.pk: window_starts(r.cadence, start, end) for r in requirements}
    if not any(per_req.values()):
        return []
    branch_ids = [b.pk for b in branches]
    type_ids = [r.activity_type_id for r in requirements]
    held: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for org_id, type_id, day in Activity.objects.filter(
        org_id__in=branch_ids, type_id__in=type_ids, date__gte=start, date__lte=end
    ).values_list("org_id", "type_id", "date").order_by("date").iterator(chunk_size=20000):
        held[(org_id, type_id)].append(day)
    # Stays as plain tuples (org, start, end, admitted, full, category): cheap at city scale.
    stays: dict[int, list[tuple]] = defaultdict(list)
    if any(r.min_full_members for r in requirements):
        rels = Relation.objects.filter(org_id__in=branch_ids).filter(
            Q(start_on__isnull=True) | Q(start_on__lte=end)).filter(Q(end_on__isnull=True) | Q(end_on__gt=start))
        for row in rels.order_by().values_list("org_id", "start_on", "end_on", "person__admitted_on", "person__full_on",
                                               "person__category").iterator(chunk_size=20000):
            stays[row[0]].append(row)
    out: list[Window] = []
    for b in branches:
        full_on: dict[dt.date, int] = {}
        for r in requirements:
            dates = held.get((b.pk, r.activity_type_id), [])
            for ws, we in per_req[r.pk]:
                if b.established_on is not None and b.established_on > ws:
                    continue
                if b.dissolved_on is not None and b.dissolved_on <= we:
                    continue
                if r.min_full_members:
                    if ws not in full_on:
                        full_on[ws] = sum(1 for _o, s, e, adm, full, cat in stays.get(b.pk, ())
                                          if (s is None or s <= ws) and (e is None or e > ws) and is_full(adm, full, cat, ws))
                    if full_on[ws] < r.min_full_members:
                        continue
                k = bisect.bisect_left(dates, ws)
                met = k < len(dates) and dates[k] <= we
                out.append(Window(b.pk, b.code, b.name, r.activity_type.name, r.activity_type_id, r.cadence, ws, we, met))
    return out


def requirement_branches(org: Organization, start: dt.date, end: dt.date) -> list[Organization]:
    """Branches in the subtree that may have due windows in [start, end]."""
    qs = Organization.objects.filter(path__startswith=org.path, kind__in=REQUIREMENT_KINDS).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=end)).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=start))
    return list(qs.only("id", "code", "name", "established_on", "dissolved_on", "path").order_by("path"))


WINDOW_COLUMNS = ["组织编码", "组织名称", "要求", "窗口开始", "窗口结束", "是否召开"]


def windows_for_subtree(org: Organization, start: dt.date, end: dt.date, names: tuple[str, ...] | None = None,
                        ) -> list[Window]:
    return windows_for_branches(requirement_branches(org, start, end), active_requirements(names), start, end)
