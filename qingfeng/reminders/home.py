"""The home page's first panel: one-tap actions and what is due next (the inbox's first items)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from qingfeng.accounts import access
from qingfeng.core import dates
from qingfeng.core.home import panel
from qingfeng.reminders.due import Inbox, items_for

SHOWN = 6  # items of the inbox on the home page; the rest are one tap away


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def quick_actions(user) -> list[dict]:
    """The things a branch clerk does most, each one tap from home: record a meeting, register dues, report a
    finding's rectification (officers: verify the ones submitted)."""
    from qingfeng.activities.access import WRITERS_ACTIVITIES
    from qingfeng.supervision.access import VERIFIERS
    from qingfeng.supervision.models import Finding, FindingStatus

    if user.is_read_only:
        return []
    try:
        root = access.scope_root(user)
    except Http404:
        return []
    actions = []
    if access.can_write(user, WRITERS_ACTIVITIES):
        actions.append({"label": _("记录活动"), "url": reverse("activities:create"), "key": "activity", "primary": True})
    if root is not None and access.can_write(user, access.WRITERS_PARTY_WORK):
        actions.append({"label": _("登记党费"), "url": reverse("membership:dues", args=[root.code]), "key": "dues"})
    if access.can_write(user, access.WRITERS_SUPERVISION):
        # a clerk reports rectification; the officers above verify what was reported
        verifier = user.is_platform_admin or user.role in VERIFIERS
        status = FindingStatus.SUBMITTED if verifier else FindingStatus.RECTIFYING
        count = access.visible(Finding.objects.filter(status=status), user).count()
        actions.append({"label": _("核验整改") if verifier else _("提交整改"), "key": "finding", "count": count,
                        "url": _url("supervision:list", status=status)})
    return actions


@panel(10, "reminders/_home.html")
def todo(request) -> dict:
    user = request.user
    items = items_for(user)
    box = Inbox.build(items, dates.today())
    due = box.items
    # Meetings not yet held are one tap from being recorded: the form opens with the branch and type chosen.
    meetings = [i for i in due if i.kind == "meeting"][:SHOWN]
    others = [i for i in due if i.kind != "meeting"]
    return {
        "actions": quick_actions(user), "meetings": meetings, "items": others[:SHOWN],
        "more": max(0, len(others) - SHOWN), "total": len(due), "overdue": {i.key for i in box.overdue},
    }
