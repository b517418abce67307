"""Warnings (预警) for an organization's subtree on a day: what needs someone's attention now.

Red: something is late. Yellow: something is due within days, or does not fit the codified rules
(reference/domain-research.md §1.2: a branch needs 3 正式党员, holds at most 50 members, and an
organization of 100 members or more should be a 党委)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.core.dates import add_years
from qingfeng.entities.models import CoverageMode
from qingfeng.indicators import compliance, direct
from qingfeng.orgs.models import BRANCH_KINDS, Election, Kind, Organization
from qingfeng.people.models import Relation
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding

RED, YELLOW = "red", "yellow"
SOON = dt.timedelta(days=7)
ELECTION_NOTICE = dt.timedelta(days=90)
BRANCH_MAX = 50  # 党支部党员人数一般不超过50人
BRANCH_MIN_FULL = 3  # 正式党员3人以上的成立党支部
COMMITTEE_MIN = 100  # 党员100人以上的设立党的基层委员会

KINDS = {
    "meetings": gettext_lazy("应开未开"),
    "findings": gettext_lazy("问题整改逾期或临期"),
    "elections": gettext_lazy("应换届未换届"),
    "service": gettext_lazy("办实事逾期"),
    "coverage": gettext_lazy("两新组织未覆盖"),
    "oversize": gettext_lazy("支部党员超过50人"),
    "setup": gettext_lazy("组织类别与规模不符"),
}


@dataclass(frozen=True)
class Warning:  # noqa: A001 — the contract's name; never confused with the builtin here
    kind: str
    severity: str  # "red" | "yellow"
    org: Organization
    message: str
    url: str
    due: dt.date | None = None

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def _unmet_windows(org: Organization, start: dt.date, end: dt.date) -> list[tuple[Organization, str, dt.date, dt.date]]:
    """(branch, requirement, first day, last day) of the due windows in [start, end] held by no activity.

    Read from the compliance facts (one row per branch and window) when they cover the span; otherwise
    computed from the records."""
    from qingfeng.activities.models import ActivityType
    from qingfeng.indicators import facts
    from qingfeng.indicators.models import OwnFact

    st = facts.state()
    if st is not None and st.windows_from is not None and st.windows_from <= start and end <= st.windows_to:
        names = dict(ActivityType.objects.values_list("pk", "name"))
        rows = list(OwnFact.objects.filter(metric="win", total=0, org__path__startswith=org.path, day__gte=start,
                                           day__lte=end).values_list("org_id", "d1", "d2", "day"))
        orgs = Organization.objects.in_bulk({r[0] for r in rows})
        out = []
        for org_id, type_id, cadence, ws in rows:
            we = compliance.window_starts(cadence, ws, dt.date(ws.year + 1, 12, 31))[0][1]
            out.append((orgs[org_id], names.get(int(type_id), type_id), ws, we))
        return out
    branches = {b.pk: b for b in compliance.requirement_branches(org, start, end)}
    return [(branches[w.org_id], w.requirement, w.start, w.end)
            for w in compliance.windows_for_branches(list(branches.values()), compliance.active_requirements(), start, end)
            if not w.met]


def _meetings(org: Organization, on: dt.date) -> list[Warning]:
    """Windows of last year and this year that ended unmet (red), and current ones ending within a week (yellow)."""
    out = []
    for branch, requirement, ws, we in _unmet_windows(org, dt.date(on.year - 1, 1, 1), dt.date(on.year, 12, 31)):
        if ws > on:
            continue
        if we < on:
            severity = RED
            message = _("%(req)s：%(start)s 至 %(end)s 应开未开") % {"req": requirement, "start": ws, "end": we}
        elif we - on <= SOON:
            severity = YELLOW
            message = _("%(req)s：本期 %(end)s 截止，尚未召开") % {"req": requirement, "end": we}
        else:
            continue
        out.append(Warning("meetings", severity, branch, message, reverse("activities:calendar", args=[branch.code]), we))
    return out


def _findings(org: Organization, on: dt.date) -> list[Warning]:
    qs = Finding.objects.filter(org__path__startswith=org.path, deadline__lte=on + SOON, found_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)).select_related("org")
    out = []
    for f in qs.order_by("deadline", "code"):
        if f.deadline < on:
            severity, message = RED, _("问题 %(code)s 已超过整改期限 %(date)s") % {"code": f.code, "date": f.deadline}
        else:
            severity, message = YELLOW, _("问题 %(code)s 将于 %(date)s 到期") % {"code": f.code, "date": f.deadline}
        out.append(Warning("findings", severity, f.org, message, reverse("supervision:detail", args=[f.code]), f.deadline))
    return out


def _elections(org: Organization, on: dt.date) -> list[Warning]:
    orgs = direct.active_on(Organization.objects.filter(path__startswith=org.path), on, "established_on", "dissolved_on")
    latest: dict[int, Election] = {}
    for e in Election.objects.filter(org__in=orgs, held_on__lte=on).select_related("org").order_by("org_id", "held_on", "id"):
        latest[e.org_id] = e
    out = []
    for e in latest.values():
        ends = add_years(e.held_on, e.term_years)
        if ends <= on:
            out.append(Warning("elections", RED, e.org, _("本届任期已于 %(date)s 届满，尚未换届") % {"date": ends},
                               reverse("grassroots:election_detail", args=[e.pk]), ends))
        elif ends - on <= ELECTION_NOTICE:
            out.append(Warning("elections", YELLOW, e.org, _("本届任期将于 %(date)s 届满") % {"date": ends},
                               reverse("grassroots:election_detail", args=[e.pk]), ends))
    return out


def _service(org: Organization, on: dt.date) -> list[Warning]:
    qs = ServiceItem.objects.filter(org__path__startswith=org.path, planned_on__lt=on, committed_on__lte=on).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=on)).select_related("org")
    return [Warning("service", RED, s.org, _("办实事“%(name)s”计划 %(date)s 完成，尚未办结") % {"name": s.name, "date": s.planned_on},
                    reverse("service:detail", args=[s.code]), s.planned_on)
            for s in qs.order_by("planned_on", "code")]


def _coverage(org: Organization, on: dt.date) -> list[Warning]:
    ask = direct.Ask(org, on, on)
    out = []
    for type_ in ("非公有制企业", "社会组织"):
        for e in direct.entities_at(ask, type_).filter(mode_at=CoverageMode.NONE).select_related("org"):
            out.append(Warning("coverage", YELLOW, e.org, _("%(type)s“%(name)s”尚未实现党的组织和工作覆盖") % {
                "type": e.type, "name": e.name}, reverse("entities:detail", args=[e.credit_code])))
    return out


def member_counts(org: Organization, on: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """Members (正式 and 预备) and 正式党员 holding a relation to each organization of the subtree on `on`."""
    qs = direct.active_on(Relation.objects.filter(org__path__startswith=org.path, person__admitted_on__lte=on), on,
                          "start_on", "end_on")
    members: dict[int, int] = defaultdict(int)
    full: dict[int, int] = defaultdict(int)
    for org_id, is_full in qs.annotate(is_full=direct_full(on)).values_list("org_id", "is_full").iterator(chunk_size=20000):
        members[org_id] += 1
        full[org_id] += 1 if is_full else 0
    return members, full


def direct_full(on: dt.date):
    from django.db.models import BooleanField, Case, Value, When

    return Case(When(direct.full_on_q(on, "person__"), then=Value(True)), default=Value(False),
                output_field=BooleanField())


def _size(org: Organization, on: dt.date, kinds: set[str]) -> list[Warning]:
    members, full = member_counts(org, on)
    orgs = list(direct.active_on(Organization.objects.filter(path__startswith=org.path), on, "established_on",
                                 "dissolved_on").only("id", "code", "name", "kind", "path"))
    subtree: dict[int, int] = defaultdict(int)
    by_code = {o.code: o.pk for o in orgs}
    for o in orgs:
        for code in o.path.strip("/").split("/"):
            if code in by_code and members.get(o.pk):
                subtree[by_code[code]] += members[o.pk]
    out = []
    for o in orgs:
        url = reverse("orgs:detail", args=[o.code])
        if "oversize" in kinds and o.kind in BRANCH_KINDS and members.get(o.pk, 0) > BRANCH_MAX:
            out.append(Warning("oversize", YELLOW, o, _("支部党员 %(n)s 人，超过50人，宜分设支部或设立党总支") % {
                "n": members[o.pk]}, url))
        if "setup" not in kinds:
            continue
        if o.kind == Kind.BRANCH and o.pk in members and full.get(o.pk, 0) < BRANCH_MIN_FULL:
            out.append(Warning("setup", YELLOW, o, _("正式党员不足3人（%(n)s 人），宜与邻近单位成立联合党支部") % {
                "n": full.get(o.pk, 0)}, url))
        if o.kind in (Kind.BRANCH, Kind.GENERAL_BRANCH) and subtree.get(o.pk, 0) >= COMMITTEE_MIN:
            out.append(Warning("setup", YELLOW, o, _("党员 %(n)s 人，达到100人，宜设立党的基层委员会") % {
                "n": subtree[o.pk]}, url))
    return out


def warnings_for(org: Organization, on: dt.date, user=None, kinds=None) -> list[Warning]:
    """Every warning for the subtree of `org` on day `on` (red first, then by due date)."""
    wanted = set(kinds) if kinds else set(KINDS)
    out: list[Warning] = []
    if "meetings" in wanted:
        out += _meetings(org, on)
    if "findings" in wanted:
        out += _findings(org, on)
    if "elections" in wanted:
        out += _elections(org, on)
    if "service" in wanted:
        out += _service(org, on)
    if "coverage" in wanted:
        out += _coverage(org, on)
    if wanted & {"oversize", "setup"}:
        out += _size(org, on, wanted)
    out.sort(key=lambda w: (w.severity != RED, w.due or dt.date.max, w.org.path, w.kind))
    return out
