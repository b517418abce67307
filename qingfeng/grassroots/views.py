"""Grassroots pages: dispatched cadres, weak-organization cases, elections and terms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import access
from qingfeng.core.dates import add_years, today
from qingfeng.core.ledger import (
    Cell,
    Column,
    Listing,
    add_errors,
    form_page,
    history_of,
    list_page,
    person_by_id,
    post_transition,
    within_code,
    writable_org,
)
from qingfeng.grassroots import actions
from qingfeng.grassroots.access import get_assignment_for_user, get_weak_case_for_user
from qingfeng.grassroots.forms import (
    AssignmentFilter,
    AssignmentForm,
    DateForm,
    ElectionFilter,
    ElectionForm,
    EndForm,
    WeakCaseFilter,
    WeakCaseForm,
)
from qingfeng.grassroots.models import Assignment, WeakOrgCase
from qingfeng.orgs.models import Election

W = access.WRITERS_PARTY_WORK


def _create_url(user, name):
    return reverse(name) if access.can_write(user, W) else ""


# ---- assignments (选派干部) -------------------------------------------------------------------

@login_required
def assignment_list(request):
    qs = access.visible(Assignment.objects.select_related("org", "person"), request.user)
    form = AssignmentFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(person__name__contains=data["q"].strip())
        if data["role"]:
            qs = qs.filter(role=data["role"])
        if data["active"] == "1":
            qs = qs.filter(end_on__isnull=True)
        elif data["active"] == "0":
            qs = qs.filter(end_on__isnull=False)
        qs = within_code(qs, request.user, data["org"])
    listing = Listing(
        title=_("选派干部"),
        columns=[Column(_("姓名"), phone="title"), Column(_("岗位")), Column(_("派驻组织")), Column(_("队伍")), Column(_("开始日期")),
                 Column(_("结束日期")), Column(_("状态"), phone="status")],
        row=lambda a: [Cell(a.person.name, url=reverse("grassroots:assignment_detail", args=[a.pk])), a.get_role_display(),
                       a.org.label, a.team, a.start_on.isoformat(), a.end_on or "",
                       Cell(a.get_end_reason_display() or _("已结束"), badge="secondary") if a.end_on else Cell(_("在岗"), badge="green")],
        filters=form if form.is_bound else AssignmentFilter(), sheet="选派干部",
        create_url=_create_url(request.user, "grassroots:assignment_create"), create_label=_("选派"),
        extra_actions=[(_("软弱涣散整顿"), reverse("grassroots:weak_cases")), (_("换届"), reverse("grassroots:elections"))],
    )
    return list_page(request, qs, listing)


@login_required
def assignment_create(request):
    user = request.user
    access.require_write(user, W)
    form = AssignmentForm(request.POST or None, initial={"org": user.org.code if user.org_id else "", "start_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                org = writable_org(user, data["org"], W)
                person = person_by_id(data["id_number"], data["name"], user=user)
                assignment = actions.dispatch(user=user, person=person, org=org, role=data["role"],
                                              start_on=data["start_on"], sent_by=data["sent_by"], team=data["team"])
            return redirect("grassroots:assignment_detail", assignment.pk)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("选派干部"), back_url=reverse("grassroots:assignments"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def assignment_detail(request, pk):
    a = get_assignment_for_user(request.user, pk)
    can_write = access.can_write(request.user, W)
    return render(request, "grassroots/detail.html", {
        "title": f"{a.person.name} · {a.get_role_display()}",
        "fields": [(_("姓名"), a.person.name), (_("公民身份号码"), a.person.masked_id), (_("岗位"), a.get_role_display()),
                   (_("派驻组织"), str(a.org)), (_("派出单位"), a.sent_by), (_("队伍"), a.team),
                   (_("开始日期"), a.start_on), (_("结束日期"), a.end_on), (_("结束原因"), a.end_reason)],
        "transition_form": EndForm(initial={"on": today()}) if can_write and not a.end_on else None,
        "transition_url": reverse("grassroots:assignment_end", args=[a.pk]), "transition_label": _("结束选派"),
        "history": history_of(a), "back_url": reverse("grassroots:assignments"), "back_label": _("选派干部"),
        "actions": [],
    })


@require_POST
@login_required
def assignment_end(request, pk):
    a = get_assignment_for_user(request.user, pk, write=True)
    return post_transition(request, EndForm(request.POST),
                           lambda d: actions.end_assignment(a, user=request.user, on=d["on"], reason=d["reason"]),
                           _("选派已结束。"), reverse("grassroots:assignment_detail", args=[a.pk]))


# ---- weak-organization cases (软弱涣散整顿) ----------------------------------------------------

@login_required
def weak_case_list(request):
    qs = access.visible(WeakOrgCase.objects.select_related("org"), request.user)
    form = WeakCaseFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["open"] == "1":
            qs = qs.filter(rectified_on__isnull=True)
        elif data["open"] == "0":
            qs = qs.filter(rectified_on__isnull=False)
        qs = within_code(qs, request.user, data["org"])
    listing = Listing(
        title=_("软弱涣散党组织整顿"),
        columns=[Column(_("党组织"), phone="title"), Column(_("认定日期")), Column(_("主要问题")), Column(_("整顿完成日期")),
                 Column(_("状态"), phone="status")],
        row=lambda c: [Cell(c.org.label, url=reverse("grassroots:weak_case_detail", args=[c.pk])),
                       c.identified_on.isoformat(), c.problems[:60], c.rectified_on or "",
                       Cell(_("已完成整顿"), badge="green") if c.rectified_on else Cell(_("整顿中"), badge="orange")],
        filters=form if form.is_bound else WeakCaseFilter(), sheet="软弱涣散整顿",
        create_url=_create_url(request.user, "grassroots:weak_case_create"), create_label=_("认定"),
    )
    return list_page(request, qs, listing)


@login_required
def weak_case_create(request):
    user = request.user
    access.require_write(user, W)
    form = WeakCaseForm(request.POST or None, initial={"identified_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(user, data["org"], W)
            case = actions.identify_weak_org(user=user, org=org, identified_on=data["identified_on"],
                                             problems=data["problems"])
            return redirect("grassroots:weak_case_detail", case.pk)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("认定软弱涣散党组织"), back_url=reverse("grassroots:weak_cases"),
                     submit=_("保存"), status=400 if request.method == "POST" else 200)


@login_required
def weak_case_detail(request, pk):
    c = get_weak_case_for_user(request.user, pk)
    can_write = access.can_write(request.user, W)
    return render(request, "grassroots/detail.html", {
        "title": _("软弱涣散整顿 · %(org)s") % {"org": c.org.name},
        "fields": [(_("党组织"), str(c.org)), (_("认定日期"), c.identified_on), (_("主要问题"), c.problems),
                   (_("整顿完成日期"), c.rectified_on)],
        "transition_form": DateForm(initial={"on": today()}) if can_write and not c.rectified_on else None,
        "transition_url": reverse("grassroots:weak_case_rectify", args=[c.pk]), "transition_label": _("完成整顿"),
        "history": history_of(c), "back_url": reverse("grassroots:weak_cases"), "back_label": _("软弱涣散整顿"),
        "actions": [],
    })


@require_POST
@login_required
def weak_case_rectify(request, pk):
    c = get_weak_case_for_user(request.user, pk, write=True)
    return post_transition(request, DateForm(request.POST),
                           lambda d: actions.rectify_weak_org(c, user=request.user, on=d["on"]),
                           _("已登记整顿完成。"), reverse("grassroots:weak_case_detail", args=[c.pk]))


# ---- elections and terms (换届) ---------------------------------------------------------------

def _expired_q(day):
    """Elections whose term has run out by `day` (anniversary on or before it)."""
    return Q(term_years=3, held_on__lte=add_years(day, -3)) | Q(term_years=5, held_on__lte=add_years(day, -5))


@login_required
def election_list(request):
    day = today()
    qs = access.visible(Election.objects.select_related("org"), request.user).order_by("-held_on", "org__code")
    form = ElectionFilter(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["due"]:
            qs = qs.filter(held_on=F("org__term_started_on")).filter(_expired_q(day))
        qs = within_code(qs, request.user, form.cleaned_data["org"])

    def status(e):
        if e.org.term_started_on and e.org.term_started_on > e.held_on:
            return Cell(_("已换届"), badge="secondary")
        if e.term_ends_on <= day:
            return Cell(_("任期已满"), badge="red")
        return Cell(_("本届"), badge="green")

    listing = Listing(
        title=_("换届与任期"),
        columns=[Column(_("党组织"), phone="title"), Column(_("选举日期")), Column(_("任期年限")), Column(_("任期届满")),
                 Column(_("状态"), phone="status")],
        row=lambda e: [Cell(e.org.label, url=reverse("grassroots:election_detail", args=[e.pk])), e.held_on.isoformat(),
                       e.term_years, e.term_ends_on.isoformat(), status(e)],
        filters=form if form.is_bound else ElectionFilter(), sheet="换届",
        create_url=_create_url(request.user, "grassroots:election_create"), create_label=_("登记换届"),
        extra_actions=[(_("班子成员"), reverse("orgs:committees"))],
    )
    return list_page(request, qs, listing)


@login_required
def election_create(request):
    user = request.user
    access.require_write(user, W)
    form = ElectionForm(request.POST or None, initial={"held_on": today(), "term_years": 5,
                                                       "org": request.GET.get("org", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(user, data["org"], W)
            election = actions.hold_election(user=user, org=org, held_on=data["held_on"], term_years=data["term_years"])
            # the new term's committee is entered next (书记, 副书记, 委员 and their 分工)
            messages.success(request, _("已登记换届；请登记新一届班子成员。"))
            return redirect(f"{reverse('orgs:committee', args=[org.code])}?held_on={election.held_on.isoformat()}")
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("登记换届"), back_url=reverse("grassroots:elections"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def election_detail(request, pk):
    e = access.get_election_for_user(request.user, pk)
    terms = list(e.org.elections.order_by("-held_on"))
    return render(request, "grassroots/detail.html", {
        "title": _("换届 · %(org)s") % {"org": e.org.name},
        "fields": [(_("党组织"), str(e.org)), (_("选举日期"), e.held_on), (_("任期年限"), e.term_years),
                   (_("任期届满"), e.term_ends_on), (_("本届选举日期"), e.org.term_started_on),
                   (_("本届任期届满"), e.org.term_ends_on)],
        "related": [{"title": _("当选班子成员"), "columns": [_("姓名"), _("职务"), _("任职日期"), _("离任日期")],
                     "rows": [[s.person.name, s.title, s.start_on, s.end_on or ""]
                              for s in e.seats.select_related("person").in_order()]},
                    {"title": _("历届选举"), "columns": [_("选举日期"), _("任期年限"), _("任期届满")],
                     "rows": [[t.held_on, t.term_years, t.term_ends_on] for t in terms]}],
        "history": history_of(e), "back_url": reverse("grassroots:elections"), "back_label": _("换届"),
        "actions": [(_("班子成员"), reverse("orgs:committee", args=[e.org.code]), "")] + (
            [(_("登记新一届"), reverse("grassroots:election_create") + f"?org={e.org.code}", "")]
            if access.can_write(request.user, W) else []),
    })
