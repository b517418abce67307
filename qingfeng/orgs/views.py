"""The organization tree and an organization's page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from qingfeng.accounts.access import (
    WRITERS_PARTY_WORK,
    can_write,
    get_org_for_user,
    org_in_scope,
    scope_root,
    visible_orgs,
)
from qingfeng.core import dates
from qingfeng.core.http import AuthedRequest
from qingfeng.core.lists import paginate
from qingfeng.orgs.actions import set_village_tags
from qingfeng.orgs.models import Organization, VillageTagChoice
from qingfeng.people.models import Person

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

SEARCH_LIMIT = 50
OPTIONS_LIMIT = 20


def with_counts(orgs: list[Organization], today: dt.date, within: Organization | None = None) -> list[Organization]:
    """Set `n_children` (standing direct sub-organizations) and `n_members` (party members whose current
    relation is anywhere in the node's subtree) on every node — two queries however many nodes there are.

    Members are grouped by their organization's path once, then each group is added to every listed node
    whose path prefixes it. `within`, when given, is a subtree holding all the nodes (their parent, say):
    one prefix condition instead of one per node."""
    if not orgs:
        return orgs
    children = dict(
        Organization.objects.active_on(today).filter(parent__in=[o.pk for o in orgs])
        .values("parent").annotate(n=Count("id")).values_list("parent", "n")
    )
    scope = Q(org__path__startswith=within.path) if within else reduce(or_, (Q(org__path__startswith=o.path) for o in orgs))
    groups = Person.objects.members().filter(scope).values("org__path").annotate(n=Count("id")).values_list("org__path", "n")
    listed = {o.path for o in orgs}
    totals: dict[str, int] = defaultdict(int)
    for path, n in groups:
        prefix = "/"
        for code in path.strip("/").split("/"):
            prefix = f"{prefix}{code}/"
            if prefix in listed:
                totals[prefix] += n
    for o in orgs:
        o.n_children = children.get(o.pk, 0)
        o.n_members = totals.get(o.path, 0)
    return orgs


class VillageTagsForm(forms.Form):
    tags = forms.MultipleChoiceField(label=gettext_lazy("村情"), choices=VillageTagChoice.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)


def _roots(user: User) -> list[Organization]:
    root = scope_root(user)
    if root is None:
        return list(Organization.objects.filter(parent__isnull=True))
    return [root]


@login_required
@require_GET
def tree(request: AuthedRequest) -> HttpResponse:
    """The tree from the user's scope down; children load on expand; `q` searches by name or code."""
    today = dates.today()
    q = request.GET.get("q", "").strip()
    tag = request.GET.get("tag", "").strip()
    tag = tag if tag in VillageTagChoice.values else ""
    if q or tag:
        qs = visible_orgs(request.user).active_on(today).search(q)
        if tag:  # 村情: the organizations carrying the tag
            qs = qs.filter(village_tags__tag=tag)
        found = list(qs[: SEARCH_LIMIT + 1])
        nodes = with_counts(found[:SEARCH_LIMIT], today)
        context = {"q": q, "tag": tag, "results": nodes, "more": len(found) > SEARCH_LIMIT, "searched": True}
    else:
        context = {"q": "", "tag": "", "nodes": with_counts(_roots(request.user), today)}
    context["tags"] = VillageTagChoice.choices
    template = "orgs/_tree_results.html" if request.htmx else "orgs/tree.html"
    return render(request, template, context)


@login_required
@require_GET
def children(request: AuthedRequest, code: str) -> HttpResponse:
    """The standing sub-organizations of one node, as list items (the htmx fragment of an expand)."""
    today = dates.today()
    org = get_org_for_user(request.user, code)
    nodes = with_counts(list(Organization.objects.active_on(today).filter(parent=org)), today, within=org)
    return render(request, "orgs/_nodes.html", {"nodes": nodes})


@login_required
@require_GET
def options(request: AuthedRequest) -> HttpResponse:
    """<option>s of organizations in scope matching `q` (or any other single parameter, so that an input
    named after its form field can ask): feeds the <datalist> of code pickers."""
    q = request.GET.get("q")
    if q is None:
        q = next((request.GET[k] for k in request.GET if k != "page"), "")
    q = q.strip()
    found: list[Organization] = []
    if q:
        found = list(visible_orgs(request.user).active_on(dates.today()).search(q)[:OPTIONS_LIMIT])
    return render(request, "orgs/_options.html", {"options": found})


@login_required
@require_GET
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    today = dates.today()
    org = get_org_for_user(request.user, code)
    # Breadcrumbs stop at the user's scope: what lies above is not theirs to browse.
    ancestors = [a for a in org.ancestors() if org_in_scope(request.user, a)]
    subs = with_counts(list(Organization.objects.filter(parent=org)), today, within=org)
    members = Person.objects.members().filter(org=org).order_by("name", "id")
    page, query = paginate(request, members, per_page=30)
    term_ends_on = org.term_ends_on
    context = {
        "org": org, "ancestors": ancestors, "subs": subs, "page": page, "query": query,
        "term_ends_on": term_ends_on, "term_expired": term_ends_on is not None and term_ends_on <= today,
        "subtree_members": Person.objects.members().within(org).count(), "today": today,
        "village_tags": [VillageTagChoice(t).label for t in org.village_tags.values_list("tag", flat=True)],
    }
    if can_write(request.user, WRITERS_PARTY_WORK):
        context["tags_form"] = VillageTagsForm(initial={"tags": list(org.village_tags.values_list("tag", flat=True))})
    return render(request, "orgs/detail.html", context)


@login_required
@require_POST
def village_tags(request: AuthedRequest, code: str) -> HttpResponse:
    """Set the organization's 村情 tags (a writer of party work in scope)."""
    org = get_org_for_user(request.user, code, write=True)
    form = VillageTagsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("村情不在可选范围内。"))
    else:
        try:
            set_village_tags(org, form.cleaned_data["tags"], user=request.user)
            messages.success(request, _("村情已保存。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("orgs:detail", org.code)
