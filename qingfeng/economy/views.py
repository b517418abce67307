"""集体经济扶持 pages: the payments by village and source (filters, export), the sums per county and source, a
payment's page, recording one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from qingfeng.accounts import access
from qingfeng.core.ledger import (
    Cell,
    Column,
    Listing,
    add_errors,
    form_page,
    history_of,
    list_page,
    within_code,
    writable_org,
)
from qingfeng.economy import actions
from qingfeng.economy.access import WRITERS, get_support_item_for_user
from qingfeng.economy.forms import SupportFilter, SupportItemForm
from qingfeng.economy.models import FundSource, SupportItem
from qingfeng.orgs.models import Level


def _yuan(amount) -> str:
    return f"{amount or 0:,}"


@login_required
def item_list(request):
    qs = access.visible(SupportItem.objects.select_related("org", "org__parent"), request.user)
    form = SupportFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["source"]:
            qs = qs.filter(source=data["source"])
        if data["year"]:
            qs = qs.filter(paid_on__year=data["year"])
        if data["q"]:
            text = data["q"].strip()
            qs = qs.filter(Q(org__name__contains=text) | Q(purpose__contains=text))
        qs = within_code(qs, request.user, data["org"])
    listing = Listing(
        title=_("集体经济扶持"),
        columns=[Column(_("项目编号")), Column(_("村")), Column(_("乡镇")), Column(_("资金来源")),
                 Column(_("金额(元)"), "text-end"), Column(_("拨付日期")), Column(_("用途"))],
        row=lambda i: [Cell(i.code, url=reverse("economy:detail", args=[i.code])), i.org.label,
                       i.org.parent.name if i.org.parent_id else "", i.get_source_display(),
                       Cell(_yuan(i.amount), css="text-end qf-num"), i.paid_on.isoformat(), i.purpose],
        filters=form if form.is_bound else SupportFilter(), sheet="集体经济扶持",
        create_url=reverse("economy:create") if access.can_write(request.user, WRITERS) else "",
        create_label=_("登记扶持资金"), empty=_("还没有集体经济扶持记录。"),
        extra_actions=[(_("各县汇总"), reverse("economy:by_county"))],
    )
    return list_page(request, qs.order_by("-paid_on", "-id"), listing)


def _county_rows(user, year: str):
    """The counties in the user's scope (or the user's own subtree below county level), each with its sums per
    source, total and number of villages supported: one grouped query."""
    root = access.scope_root(user)
    counties = list(access.visible_orgs(user).filter(level=Level.COUNTY).order_by("code")[:100])
    if not counties and root is not None:
        counties = [root]
    base = access.visible(SupportItem.objects.all(), user)
    if year.isdigit():
        base = base.filter(paid_on__year=int(year))
    sums = {f"s{i}": Sum("amount", filter=Q(org__path__startswith=c.path)) for i, c in enumerate(counties)}
    # source → its row, with the sums per county annotated under names made here (s0, s1, …)
    by_source: dict[str, Any] = (
        {row["source"]: row for row in base.values("source").annotate(**sums)} if sums else {})
    villages = base.aggregate(**{f"v{i}": Count("org", distinct=True, filter=Q(org__path__startswith=c.path))
                                 for i, c in enumerate(counties)}) if counties else {}
    rows = []
    for i, county in enumerate(counties):
        cells = [by_source.get(s, {}).get(f"s{i}") or 0 for s in FundSource.values]
        query = urlencode({"org": county.code, **({"year": year} if year.isdigit() else {})})
        rows.append({"org": county, "cells": [_yuan(c) for c in cells], "total": _yuan(sum(cells)),
                     "villages": villages.get(f"v{i}", 0), "url": f"{reverse('economy:list')}?{query}"})
    totals = [sum(row.get(f"s{i}") or 0 for i in range(len(counties))) for row in
              (by_source.get(s, {}) for s in FundSource.values)]
    return rows, [_yuan(t) for t in totals], _yuan(sum(totals))


@login_required
def by_county(request):
    year = (request.GET.get("year") or "").strip()
    rows, totals, total = _county_rows(request.user, year)
    return render(request, "economy/by_county.html", {
        "title": _("集体经济扶持 · 各县汇总"), "rows": rows, "sources": FundSource.labels, "totals": totals,
        "total": total, "year": year, "back_url": reverse("economy:list"),
    })


@login_required
def item_create(request):
    user = request.user
    access.require_write(user, WRITERS)
    form = SupportItemForm(request.POST or None, initial={"org": user.org.code if user.org_id else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(user, data["org"], WRITERS)
            item = actions.record_support(user=user, code=data["code"], org=org, source=data["source"],
                                          amount=data["amount"], paid_on=data["paid_on"], purpose=data["purpose"])
            return redirect("economy:detail", item.code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("登记集体经济扶持资金"), back_url=reverse("economy:list"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def item_detail(request, code):
    item = get_support_item_for_user(request.user, code)
    return render(request, "ledger/detail.html", {
        "title": f"{item.org.name} · {item.code}",
        "fields": [(_("项目编号"), item.code), (_("组织"), str(item.org)), (_("资金来源"), item.get_source_display()),
                   (_("金额(元)"), _yuan(item.amount)), (_("拨付日期"), item.paid_on), (_("用途"), item.purpose)],
        "history": history_of(item), "back_url": reverse("economy:list"), "back_label": _("集体经济扶持"),
        "actions": [],
    })
