"""学历提升 pages: the enrollments (filter by level, status, year, organization), a summary by organization
(each child's subtree: enrolled, graduated, still studying), an enrollment's page, recording one, graduation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import access
from qingfeng.core.dates import today
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
from qingfeng.education import actions
from qingfeng.education.access import WRITERS, get_study_for_user
from qingfeng.education.forms import GraduateForm, StudyFilter, StudyForm
from qingfeng.education.models import DegreeStudy
from qingfeng.orgs.models import Organization

MAX_CHILDREN = 200


def _status(s: DegreeStudy) -> Cell:
    return Cell(_("已毕业"), badge="green") if s.graduated_on else Cell(_("在读"), badge="blue")


def _filtered(request):
    qs = access.visible(DegreeStudy.objects.select_related("org", "person"), request.user)
    form = StudyFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(person__name__contains=data["q"].strip())
        if data["level"]:
            qs = qs.filter(level=data["level"])
        if data["status"] == "studying":
            qs = qs.filter(graduated_on__isnull=True)
        elif data["status"] == "graduated":
            qs = qs.filter(graduated_on__isnull=False)
        if data["year"]:
            qs = qs.filter(enrolled_on__year=data["year"])
        qs = within_code(qs, request.user, data["org"])
    return qs, form


@login_required
def study_list(request):
    qs, form = _filtered(request)
    listing = Listing(
        title=_("学历提升"),
        columns=[Column(_("姓名")), Column(_("层次")), Column(_("组织")), Column(_("入学日期")), Column(_("毕业日期")),
                 Column(_("状态"))],
        row=lambda s: [Cell(s.person.name, url=reverse("education:detail", args=[s.pk])), s.get_level_display(),
                       s.org.label, s.enrolled_on.isoformat(), s.graduated_on or "", _status(s)],
        filters=form if form.is_bound else StudyFilter(), sheet="学历提升",
        create_url=reverse("education:create") if access.can_write(request.user, WRITERS) else "",
        create_label=_("登记入学"), empty=_("还没有学历提升记录。"),
        extra_actions=[(_("按组织汇总"), reverse("education:by_org"))],
    )
    return list_page(request, qs.order_by("-enrolled_on", "-id"), listing)


@login_required
def by_org(request):
    """Each child of the chosen organization (default: the user's own) with its subtree's counts."""
    user = request.user
    code = (request.GET.get("org") or "").strip()
    root = access.scope_root(user)
    try:
        parent = access.get_org_for_user(user, code) if code else root
    except Http404:
        parent = None
        code = ""
    year = request.GET.get("year", "").strip()
    base = access.visible(DegreeStudy.objects.all(), user)
    if year.isdigit():
        base = base.filter(enrolled_on__year=int(year))
    if parent is not None:
        children = list(Organization.objects.filter(parent=parent).order_by("code")[:MAX_CHILDREN])
    else:
        children = list(Organization.objects.filter(parent__isnull=True).order_by("code")[:MAX_CHILDREN])
    day = today()
    aggregates = {}
    for i, child in enumerate(children):
        inside = Q(org__path__startswith=child.path)
        aggregates[f"e{i}"] = Count("pk", filter=inside)
        aggregates[f"g{i}"] = Count("pk", filter=inside & Q(graduated_on__isnull=False, graduated_on__lte=day))
        aggregates[f"p{i}"] = Count("person", filter=inside, distinct=True)
    counts = base.aggregate(**aggregates) if aggregates else {}
    own = base.filter(org=parent) if parent is not None else base.none()
    rows = []
    for i, child in enumerate(children):
        enrolled, graduated = counts[f"e{i}"], counts[f"g{i}"]
        if not enrolled and child.dissolved_on:
            continue
        query = urlencode({"org": child.code, **({"year": year} if year.isdigit() else {})})
        rows.append({"org": child, "enrolled": enrolled, "graduated": graduated, "studying": enrolled - graduated,
                     "persons": counts[f"p{i}"], "list_url": f"{reverse('education:list')}?{query}",
                     "down_url": f"{reverse('education:by_org')}?{query}"})
    total = (base.filter(org__path__startswith=parent.path) if parent is not None else base).aggregate(
        enrolled=Count("pk"), graduated=Count("pk", filter=Q(graduated_on__isnull=False, graduated_on__lte=day)),
        persons=Count("person", distinct=True))
    total["studying"] = total["enrolled"] - total["graduated"]
    up = None
    grandparent = parent.parent if parent is not None else None
    if parent is not None and grandparent is not None and (root is None or parent.pk != root.pk):
        up = f"{reverse('education:by_org')}?{urlencode({'org': grandparent.code})}"
    return render(request, "education/by_org.html", {
        "title": _("学历提升 · 按组织汇总"), "parent": parent, "rows": rows, "total": total, "year": year,
        "own": own.count() if parent is not None else 0, "up_url": up, "back_url": reverse("education:list"),
    })


@login_required
def study_create(request):
    user = request.user
    access.require_write(user, WRITERS)
    form = StudyForm(request.POST or None, initial={"org": user.org.code if user.org_id else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                org = writable_org(user, data["org"], WRITERS)
                person = person_by_id(data["id_number"], data["name"], user=user)
                study = actions.enroll(user=user, person=person, org=org, level=data["level"],
                                       enrolled_on=data["enrolled_on"], graduated_on=data["graduated_on"])
            return redirect("education:detail", study.pk)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("登记学历提升"), back_url=reverse("education:list"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def study_detail(request, pk):
    s = get_study_for_user(request.user, pk)
    can_write = access.can_write(request.user, WRITERS)
    return render(request, "education/detail.html", {
        "study": s, "title": f"{s.person.name} · {s.get_level_display()}", "badge": _status(s),
        "fields": [(_("姓名"), s.person.name), (_("公民身份号码"), s.person.masked_id), (_("组织"), str(s.org)),
                   (_("层次"), s.get_level_display()), (_("入学日期"), s.enrolled_on), (_("毕业日期"), s.graduated_on)],
        "graduate_form": GraduateForm(initial={"on": today()}) if can_write and not s.graduated_on else None,
        "history": history_of(s), "back_url": reverse("education:list"), "back_label": _("学历提升"), "actions": [],
    })


@require_POST
@login_required
def study_graduate(request, pk):
    s = get_study_for_user(request.user, pk, write=True)
    return post_transition(request, GraduateForm(request.POST),
                           lambda d: actions.graduate(s, user=request.user, on=d["on"]),
                           _("已登记毕业。"), reverse("education:detail", args=[s.pk]))
