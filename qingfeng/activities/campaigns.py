"""专题 (campaigns, e.g. 党史学习教育): the activities carrying one, counted by type and by organization, month by
month, for the user's subtree. Every count is one grouped query; a cell links to the activities behind it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from qingfeng.accounts import access
from qingfeng.activities.access import visible_activities
from qingfeng.core.dates import iter_months, month_end, month_start
from qingfeng.orgs.models import Organization

MAX_MONTHS = 36
MAX_CHILDREN = 100


def _month(value) -> dt.date:
    return (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)


@login_required
def campaign_index(request):
    """The campaigns of the user's subtree with their activity counts and first and last days."""
    rows = list(visible_activities(request.user).exclude(campaign="").order_by().values("campaign").annotate(
        n=Count("pk"), orgs=Count("org", distinct=True), first=Min("date"), last=Max("date")).order_by("-last"))
    for row in rows:
        row["url"] = reverse("activities:campaign", args=[row["campaign"]])
    return render(request, "activities/campaigns.html", {
        "title": _("专题"), "rows": rows, "back_url": reverse("activities:list"), "back_label": _("活动")})


@login_required
def campaign_detail(request, name):
    user = request.user
    name = " ".join(name.split())
    code = (request.GET.get("org") or "").strip()
    root = access.scope_root(user)
    parent = access.get_org_for_user(user, code) if code else root  # 404 outside the subtree
    qs = visible_activities(user).filter(campaign=name)
    if parent is not None:
        qs = qs.filter(org__path__startswith=parent.path)
    span = qs.aggregate(first=Min("date"), last=Max("date"), n=Count("pk"), orgs=Count("org", distinct=True))
    if not span["n"] and not visible_activities(user).filter(campaign=name).exists():
        raise Http404  # no activity of the subtree carries it
    months: list[dt.date] = []
    if span["n"]:
        months = list(iter_months(month_start(span["first"]), month_end(span["last"])))[-MAX_MONTHS:]
    since = months[0] if months else None
    shown = qs.filter(date__gte=since) if since else qs
    list_url = reverse("activities:list")

    def cell_url(month: dt.date | None, **params) -> str:
        query = {"campaign": name, **params}
        if month is not None:
            query.update(start=month.isoformat(), end=month_end(month).isoformat())
        return f"{list_url}?{urlencode(query)}"

    # By type, month by month: one grouped query.
    by_type: dict[tuple[int, str], dict] = {}
    for row in shown.order_by().values("type_id", "type__name", month=TruncMonth("date")).annotate(n=Count("pk")):
        entry = by_type.setdefault((row["type_id"], row["type__name"]), {})
        entry[_month(row["month"])] = row["n"]
    type_rows = sorted(({"name": type_name, "total": sum(cells.values()), "url": cell_url(None, type=pk),
                         "cells": [(cells.get(m, 0), cell_url(m, type=pk)) for m in months]}
                        for (pk, type_name), cells in by_type.items()), key=lambda r: -r["total"])
    # By child organization, month by month: one query with a conditional count per child.
    children = list(Organization.objects.filter(parent=parent) if parent is not None
                    else Organization.objects.filter(parent__isnull=True))[:MAX_CHILDREN]
    counts = {f"c{i}": Count("pk", filter=Q(org__path__startswith=c.path)) for i, c in enumerate(children)}
    per_month = {_month(row["month"]): row for row in
                 shown.order_by().values(month=TruncMonth("date")).annotate(n=Count("pk"), **counts)} if months else {}
    org_rows = []
    for i, child in enumerate(children):
        cells = [(per_month.get(m, {}).get(f"c{i}", 0), cell_url(m, org=child.code)) for m in months]
        total = sum(n for n, _url in cells)
        if total:
            org_rows.append({"org": child, "total": total, "cells": cells, "url": cell_url(None, org=child.code),
                             "down": f"{reverse('activities:campaign', args=[name])}?{urlencode({'org': child.code})}"})
    own = shown.filter(org=parent).count() if parent is not None else 0
    return render(request, "activities/campaign.html", {
        "title": _("专题：%(name)s") % {"name": name}, "name": name, "parent": parent, "span": span,
        "months": months, "type_rows": type_rows, "org_rows": org_rows, "own": own,
        "month_totals": (month_totals := [(per_month.get(m, {}).get("n", 0), cell_url(m)) for m in months]),
        "months_and_totals": list(zip(months, month_totals, strict=True)),
        "list_url": cell_url(None, **({"org": parent.code} if parent is not None else {})),
        "truncated": bool(span["n"]) and months and months[0] > month_start(span["first"]),
        "back_url": reverse("activities:campaigns"), "back_label": _("专题"),
    })
