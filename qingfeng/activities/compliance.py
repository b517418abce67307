"""A branch's organizational-life calendar (组织生活日历): each requirement's cadence windows in a year,
due, met or missed (spec/indicators.md "Compliance", computed for one branch).

The indicator counts only windows lying wholly inside the asked period; the calendar shows the whole
year, with the running window as 待开展 and later ones as 未到期."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from qingfeng.activities import windows as compliance
from qingfeng.activities.models import Activity, Cadence, Requirement
from qingfeng.core.dates import add_months, month_end
from qingfeng.orgs.models import REQUIREMENT_KINDS, Organization

MET, MISSED, DUE, UPCOMING, EXEMPT = "met", "missed", "due", "upcoming", "exempt"
STATUS_LABELS = {MET: _("已开展"), MISSED: _("应开未开"), DUE: _("待开展"), UPCOMING: _("未到期"), EXEMPT: _("不适用")}
STATUS_COLOURS = {MET: "green", MISSED: "red", DUE: "yellow", UPCOMING: "secondary", EXEMPT: "secondary"}


@dataclass
class Window:
    start: dt.date
    end: dt.date
    status: str
    activities: list = field(default_factory=list)
    note: str = ""
    prefill: dt.date | None = None  # the date a one-tap record pre-fills

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def colour(self):
        return STATUS_COLOURS[self.status]


@dataclass
class RequirementRow:
    requirement: Requirement
    windows: list[Window]

    @property
    def missed(self) -> int:
        return sum(1 for w in self.windows if w.status == MISSED)


def windows_of(cadence: str, year: int) -> list[tuple[dt.date, dt.date]]:
    months: dict[str, int] = {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.YEAR: 12}
    step = months[cadence]
    out, start = [], dt.date(year, 1, 1)
    while start.year == year:
        end = month_end(add_months(start, step - 1))
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def branch_calendar(branch: Organization, year: int, today: dt.date) -> list[RequirementRow]:
    """The year's windows of every active requirement for one branch. Which windows are due and which
    are met comes from the indicators' own compliance code (qingfeng.activities.windows), so the
    calendar and 三会一课落实率 never disagree; the calendar adds the activities held and the state of
    windows not yet over."""
    if branch.kind not in REQUIREMENT_KINDS:
        return []
    requirements = compliance.active_requirements()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    due = {(w.type_id, w.start): w for w in compliance.windows_for_branches([branch], requirements, start, end)}
    activities = list(Activity.objects.filter(org=branch, date__gte=start, date__lte=end,
                                              type__in=[r.activity_type_id for r in requirements]).order_by("date"))
    rows = []
    for requirement in requirements:
        windows = []
        for w_start, w_end in windows_of(requirement.cadence, year):
            held = [a for a in activities if a.type_id == requirement.activity_type_id and w_start <= a.date <= w_end]
            window = due.get((requirement.activity_type_id, w_start))
            if window is None:
                existed = ((branch.established_on is None or branch.established_on <= w_start)
                           and (branch.dissolved_on is None or branch.dissolved_on > w_end))
                note = (_("周期首日正式党员不足 %(n)d 人") % {"n": requirement.min_full_members} if existed
                        else _("支部未存续整个周期"))
                windows.append(Window(w_start, w_end, EXEMPT, held, str(note)))
                continue
            if window.met:
                status = MET
            elif w_end < today:
                status = MISSED
            elif w_start <= today:
                status = DUE
            else:
                status = UPCOMING
            windows.append(Window(w_start, w_end, status, held, prefill=min(max(w_start, today), w_end)))
        rows.append(RequirementRow(requirement, windows))
    return rows


@dataclass
class BranchSummary:
    org: Organization
    due: int
    missed: int


def subtree_summary(org: Organization, year: int, today: dt.date, limit: int = 200) -> list[BranchSummary]:
    """For an officer: the branches under `org` with the windows of `year` that are over, and how many
    of them were missed — worst first."""
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today - dt.timedelta(days=1))
    if end < start:
        return []
    due: dict[int, list[int]] = {}
    for w in compliance.windows_for_subtree(org, start, end):
        counts = due.setdefault(w.org_id, [0, 0])
        counts[0] += 1
        counts[1] += 0 if w.met else 1
    branches = Organization.objects.in_bulk(list(due))
    rows = [BranchSummary(branches[pk], d, m) for pk, (d, m) in due.items()]
    rows.sort(key=lambda r: (-r.missed, r.org.path))
    return rows[:limit]
