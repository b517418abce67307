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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from qingfeng.accounts.access import (
    WRITERS_PARTY_WORK,
    can_write,
    get_org_for_user,
    org_in_scope,
    scope_root,
    visible,
    visible_orgs,
)
from qingfeng.core import dates
from qingfeng.core.http import AuthedRequest
from qingfeng.core.ledger import Cell, Column, Listing, StyledForm, add_errors, list_page, within_code
from qingfeng.core.lists import paginate
from qingfeng.orgs.actions import set_village_tags
from qingfeng.orgs.models import CommitteeSeat, GroupMembership, Organization, PartyGroup, VillageTagChoice
from qingfeng.people.models import Person

if TYPE_CHECKING:
    from django.http import HttpResponseBase

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
        "committee": CommitteeSeat.objects.filter(org=org).on(today).select_related("person").in_order(),
        "party_groups": PartyGroup.objects.filter(org=org).standing().with_members() if org.is_branch else None,
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


# ---- the committee (班子成员) --------------------------------------------------------------------

COMMITTEE_CANDIDATES = 300  # members listed to choose a committee from; a larger subtree lists its own members first


def committee_candidates(org: Organization) -> list[Person]:
    """The members a committee is chosen from: the organization's own members, then its subtree's, by name."""
    own = list(Person.objects.members().filter(org=org).select_related("org").order_by("name", "pk")[:COMMITTEE_CANDIDATES])
    if len(own) < COMMITTEE_CANDIDATES:
        own += list(Person.objects.members().within(org).exclude(org=org).select_related("org")
                    .order_by("org__path", "name", "pk")[:COMMITTEE_CANDIDATES - len(own)])
    return own


class CommitteeFilter(StyledForm, forms.Form):
    org = forms.CharField(label=gettext_lazy("组织编码（含下级）"), required=False)
    current = forms.BooleanField(label=gettext_lazy("只看现任"), required=False)


@login_required
@require_GET
def committees(request: AuthedRequest) -> HttpResponseBase:
    """班子成员 of every organization in scope, past and present; exported in the import sheet 班子成员 (the seats
    each 换届 elected)."""
    today = dates.today()
    qs = visible(CommitteeSeat.objects.select_related("org", "person", "election"), request.user).order_by(
        "org__path", "-start_on", "post", "pk")
    form = CommitteeFilter(request.GET or None)
    if form.is_valid():
        qs = within_code(qs, request.user, form.cleaned_data["org"])
        if form.cleaned_data["current"]:
            qs = qs.on(today)

    def status(seat: CommitteeSeat) -> Cell:
        if seat.end_on is not None and seat.end_on <= today:
            return Cell(_("已离任"), badge="secondary")
        return Cell(_("现任"), badge="green")

    listing = Listing(
        title=_("班子成员"),
        columns=[Column(_("姓名"), phone="title"), Column(_("职务")), Column(_("党组织")), Column(_("任职日期")),
                 Column(_("离任日期"), phone="hide"), Column(_("状态"), phone="status")],
        row=lambda s: [Cell(s.person.name, url=reverse("orgs:committee", args=[s.org.code])), s.title, s.org.label,
                       s.start_on.isoformat(), s.end_on.isoformat() if s.end_on else "", status(s)],
        filters=form if form.is_bound else CommitteeFilter(), sheet="班子成员",
    )
    return list_page(request, qs, listing)


@login_required
def committee(request: AuthedRequest, code: str) -> HttpResponse:
    """班子成员: the committee now (书记, 副书记, 委员 with their 分工) and before; writers enter a new one (换届),
    add a member between elections (补选) or record one leaving (离任)."""
    from qingfeng.orgs.actions import add_seat, elect_committee
    from qingfeng.orgs.forms import CommitteeForm, EndSeatForm, SeatForm

    org = get_org_for_user(request.user, code, write=request.method == "POST")  # a reader posting: 403
    today = dates.today()
    writes = can_write(request.user, WRITERS_PARTY_WORK) and not request.user.is_read_only
    seats = list(CommitteeSeat.objects.filter(org=org).select_related("person", "person__org"))
    current = CommitteeSeat.objects.filter(pk__in=[s.pk for s in seats]).on(today).select_related("person", "person__org").in_order()
    past = sorted((s for s in seats if s.end_on is not None and s.end_on <= today), key=lambda s: (s.end_on, s.start_on), reverse=True)
    context: dict[str, object] = {"org": org, "current": current, "past": past, "writes": writes, "today": today}
    if writes:
        candidates = committee_candidates(org)
        held = {s.person_id: s for s in current}
        initial: dict[str, object] = {"held_on": request.GET.get("held_on") or org.term_started_on or today}
        for person in candidates:
            if person.pk in held:
                initial[f"post_{person.pk}"] = held[person.pk].post
                initial[f"duty_{person.pk}"] = held[person.pk].duty
        # the current committee first, so a correction starts where it should
        candidates.sort(key=lambda p: (p.pk not in held, 0))
        elect = CommitteeForm(request.POST if request.POST.get("form") == "elect" else None, candidates=candidates,
                              initial=initial)
        add = SeatForm(request.POST if request.POST.get("form") == "add" else None, candidates=candidates,
                       initial={"start_on": today})
        status = 200
        if request.method == "POST":
            form = elect if request.POST.get("form") == "elect" else add
            if form.is_valid():
                try:
                    if form is elect:
                        elect_committee(org, elect.cleaned_data["held_on"], elect.seats(), user=request.user)
                        messages.success(request, _("已登记 %(org)s 的班子成员。") % {"org": org.name})
                    else:
                        data = add.cleaned_data
                        add_seat(org, data["person"], data["post"], data["duty"], data["start_on"], user=request.user)
                        messages.success(request, _("已登记 %(name)s 任职。") % {"name": data["person"].name})
                    return redirect("orgs:committee", org.code)
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
            status = 400
        context.update(elect=elect, add=add, end_form=EndSeatForm(initial={"end_on": today}),
                       more=len(candidates) >= COMMITTEE_CANDIDATES)
        return render(request, "orgs/committee.html", context, status=status)
    return render(request, "orgs/committee.html", context)


@login_required
@require_POST
def committee_end(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """离任: a member leaves the committee."""
    from qingfeng.orgs.actions import end_seat
    from qingfeng.orgs.forms import EndSeatForm

    org = get_org_for_user(request.user, code, write=True)
    seat = CommitteeSeat.objects.filter(org=org, pk=pk).select_related("person").first()
    if seat is None:
        raise Http404
    form = EndSeatForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写离任日期。"))
    else:
        try:
            end_seat(seat, form.cleaned_data["end_on"], user=request.user)
            messages.success(request, _("已登记 %(name)s 离任。") % {"name": seat.person.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("orgs:committee", org.code)


# ---- 党小组 (party groups) -----------------------------------------------------------------------

def _writes(request: AuthedRequest) -> bool:
    return can_write(request.user, WRITERS_PARTY_WORK) and not request.user.is_read_only


def _group_for(org: Organization, pk: int) -> PartyGroup:
    """A group of this organization (the organization already checked against the user's scope)."""
    group = PartyGroup.objects.filter(org=org, pk=pk).select_related("leader").first()
    if group is None:
        raise Http404
    return group


@login_required
def party_groups(request: AuthedRequest, code: str) -> HttpResponse:
    """党小组 of a branch: each with its 组长 and members; a writer sets one up here."""
    from qingfeng.orgs.actions import create_party_group
    from qingfeng.orgs.forms import GroupCreateForm

    org = get_org_for_user(request.user, code, write=request.method == "POST")
    form = GroupCreateForm(request.POST or None, initial={"established_on": dates.today()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                group = create_party_group(org, form.cleaned_data["name"],
                                           established_on=form.cleaned_data["established_on"], user=request.user)
                messages.success(request, _("已设立 %(name)s，请选择小组成员。") % {"name": group.name})
                return redirect("orgs:party_group", org.code, group.pk)
            except ValidationError as exc:
                add_errors(form, exc)
        status = 400
    groups = PartyGroup.objects.filter(org=org).standing().with_members()
    in_groups = {p.pk for g in groups for p in g.members}
    ungrouped = [p for p in Person.objects.members().filter(org=org).order_by("name", "pk") if p.pk not in in_groups]
    return render(request, "orgs/groups.html", {
        "org": org, "groups": groups, "ungrouped": ungrouped, "form": form if _writes(request) else None,
        "dissolved": PartyGroup.objects.filter(org=org, dissolved_on__isnull=False).order_by("-dissolved_on"),
    }, status=status)


@login_required
def party_group(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """One 党小组: its members (chosen from the branch's members) and 组长, its name."""
    from qingfeng.orgs.actions import rename_party_group, set_group_members
    from qingfeng.orgs.forms import GroupMembersForm

    org = get_org_for_user(request.user, code, write=request.method == "POST")
    group = _group_for(org, pk)
    current = list(group.current_members())
    candidates = list(Person.objects.members().filter(org=org).order_by("name", "pk"))
    elsewhere = dict(GroupMembership.objects.filter(group__org=org, end_on__isnull=True).exclude(group=group)
                     .values_list("person_id", "group__name"))
    which = request.POST.get("form")
    members_form = GroupMembersForm(request.POST if which == "members" else None, candidates=candidates,
                                    initial={"members": [p.pk for p in current], "leader": group.leader_id,
                                             "on": dates.today()})
    from qingfeng.orgs.forms import GroupNameForm

    name_form = GroupNameForm(request.POST if which == "name" else None, initial={"name": group.name})
    status = 200
    if request.method == "POST":
        form = members_form if which == "members" else name_form
        if form.is_valid():
            try:
                if form is members_form:
                    chosen, leader = members_form.chosen()
                    set_group_members(group, chosen, leader, on=members_form.cleaned_data["on"], user=request.user)
                    messages.success(request, _("已保存 %(name)s 的成员。") % {"name": group.name})
                else:
                    rename_party_group(group, name_form.cleaned_data["name"], user=request.user)
                    messages.success(request, _("已改名为 %(name)s。") % {"name": group.name})
                return redirect("orgs:party_group", org.code, group.pk)
            except ValidationError as exc:
                add_errors(form, exc)
        status = 400
    rows = [{"person": p, "checked": str(p.pk) in [str(v) for v in (members_form["members"].value() or [])],
             "elsewhere": elsewhere.get(p.pk, "")} for p in candidates]
    return render(request, "orgs/group.html", {
        "org": org, "group": group, "current": current, "rows": rows, "members_form": members_form,
        "name_form": name_form, "writes": _writes(request) and group.dissolved_on is None,
    }, status=status)


@login_required
@require_POST
def party_group_dissolve(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """撤销 a 党小组: it ends today with its memberships."""
    from qingfeng.orgs.actions import dissolve_party_group

    org = get_org_for_user(request.user, code, write=True)
    group = _group_for(org, pk)
    try:
        dissolve_party_group(group, user=request.user)
        messages.success(request, _("已撤销 %(name)s。") % {"name": group.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("orgs:party_groups", org.code)
