"""Late steps in the development procedure, and members lapsing (党章 第九条)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qingfeng.core.dates import add_months, month_start
from qingfeng.membership import rules
from qingfeng.membership.models import Candidate, DuesPayment
from qingfeng.orgs.models import Organization


@dataclass
class LifecycleWarning:
    kind: str
    severity: str  # "red" | "yellow"
    org: Organization
    message: str
    url: str
    due: dt.date | None


def development_warnings(org: Organization, on: dt.date) -> list[LifecycleWarning]:
    found: list[LifecycleWarning] = []
    qs = Candidate.objects.within(org).in_progress().select_related("person", "org")
    messages = {
        "talk_late": ("red", _("%(name)s 递交申请超过一个月仍未谈话")),
        "approval_late": ("red", _("%(name)s 支部大会通过超过三个月未审批")),
        "probation_due": ("yellow", _("%(name)s 预备期已满，尚未讨论转正")),
        "full_approval_late": ("red", _("%(name)s 预备期满超过三个月未审批转正")),
    }
    for c in qs:
        for kind, deadline, late_from in rules.late_steps(c.stage, c.applied_on, c.talked_on, c.vote_on, c.approved_on,
                                                          c.extension_months, c.full_vote_on, c.full_approved_on):
            if on >= late_from:
                severity, message = messages[kind]
                found.append(LifecycleWarning(kind, severity, c.org, message % {"name": c.person.name},
                                              reverse("membership:candidate", args=[c.pk]), deadline))
    return found


def lapse_window(on: dt.date) -> tuple[dt.date, dt.date]:
    """The last six complete months before `on`'s month: [first day, last day]."""
    end = month_start(on) - dt.timedelta(days=1)
    start = add_months(month_start(on), -rules.LAPSE_MONTHS)
    return start, end


def lapsing_members(org: Organization, on: dt.date):
    """Members in the subtree, admitted before the window, with no dues paid or no organizational life
    (no attended activity) in any of the last six complete months."""
    from qingfeng.activities.models import Attendance, Presence
    from qingfeng.people.models import Person

    start, end = lapse_window(on)
    paid = DuesPayment.objects.filter(person=OuterRef("pk"), month__gte=start, month__lte=end)
    attended = Attendance.objects.filter(person=OuterRef("pk"), presence=Presence.PRESENT,
                                         activity__date__gte=start, activity__date__lte=end)
    return (Person.objects.within(org).filter(admitted_on__lt=start)
            .annotate(paid=Exists(paid), attended=Exists(attended))
            .filter(Q(paid=False) | Q(attended=False)))


def lapse_warning(person) -> LifecycleWarning:
    """One member of lapsing_members (annotated with paid and attended), as the warning that names them."""
    reasons = []
    if not person.paid:
        reasons.append(_("未交党费"))
    if not person.attended:
        reasons.append(_("未参加组织生活"))
    return LifecycleWarning(
        "lapse", "red", person.org,
        _("%(name)s 连续六个月%(what)s") % {"name": person.name, "what": _("、").join(reasons)},
        reverse("people:detail", args=[person.pk]), None)


def lapse_warnings(org: Organization, on: dt.date, limit: int = 500) -> list[LifecycleWarning]:
    return [lapse_warning(p) for p in lapsing_members(org, on).select_related("org").order_by("org__path", "name", "pk")[:limit]]
