"""Report-forms register pages: list, register, a form's page, retire it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import access
from qingfeng.burden import actions
from qingfeng.burden.access import get_report_form_for_user
from qingfeng.burden.forms import ReportFormFilter, ReportFormForm, RetireForm
from qingfeng.burden.models import ReportForm
from qingfeng.core.dates import today
from qingfeng.core.ledger import (
    Cell,
    Column,
    Listing,
    add_errors,
    form_page,
    history_of,
    list_page,
    post_transition,
    within_code,
    writable_org,
)

W = access.WRITERS_PARTY_WORK


@login_required
def form_list(request):
    qs = access.visible(ReportForm.objects.select_related("org"), request.user)
    form = ReportFormFilter(request.GET or None)
    day = today()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__contains=data["q"].strip())
        if data["state"] == "1":
            qs = qs.filter(retired_on__isnull=True) | qs.filter(retired_on__gt=day)
        elif data["state"] == "0":
            qs = qs.filter(retired_on__lte=day)
        qs = within_code(qs, request.user, data["org"])
    listing = Listing(
        title=_("报表目录"),
        columns=[Column(_("报表编号")), Column(_("报表名称"), phone="title"), Column(_("主管组织")), Column(_("启用日期")),
                 Column(_("停用日期")), Column(_("状态"), phone="status")],
        row=lambda f: [f.code, Cell(f.name, url=reverse("burden:detail", args=[f.code])), f.org.label,
                       f.enabled_on.isoformat(), f.retired_on or "",
                       Cell(f.get_retire_reason_display() or _("已停用"), badge="secondary") if f.retired_on and f.retired_on <= day
                       else Cell(_("在用"), badge="green")],
        filters=form if form.is_bound else ReportFormFilter(), sheet="报表目录",
        create_url=reverse("burden:create") if access.can_write(request.user, W) else "", create_label=_("登记报表"),
        # Forms the platform answers (一表通) and how often it has: their own pages, beside this register.
        extra_actions=[(_("一表通"), reverse("forms:index"))],
    )
    return list_page(request, qs, listing)


@login_required
def form_create(request):
    user = request.user
    access.require_write(user, W)
    form = ReportFormForm(request.POST or None, initial={"org": user.org.code if user.org_id else "",
                                                         "enabled_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(user, data["org"], W)
            report = actions.register_form(user=user, org=org, code=data["code"], name=data["name"],
                                           enabled_on=data["enabled_on"])
            return redirect("burden:detail", report.code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("登记报表"), back_url=reverse("burden:list"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def form_detail(request, code):
    f = get_report_form_for_user(request.user, code)
    can_write = access.can_write(request.user, W)
    return render(request, "grassroots/detail.html", {
        "title": f.name,
        "fields": [(_("报表编号"), f.code), (_("主管组织"), str(f.org)), (_("启用日期"), f.enabled_on),
                   (_("停用日期"), f.retired_on), (_("停用原因"), f.retire_reason)],
        "transition_form": RetireForm(initial={"on": today()}) if can_write and not f.retired_on else None,
        "transition_url": reverse("burden:retire", args=[f.code]), "transition_label": _("停用报表"),
        "history": history_of(f), "back_url": reverse("burden:list"), "back_label": _("报表目录"), "actions": [],
    })


@require_POST
@login_required
def form_retire(request, code):
    f = get_report_form_for_user(request.user, code, write=True)
    return post_transition(request, RetireForm(request.POST),
                           lambda d: actions.retire_form(f, user=request.user, on=d["on"], reason=d["reason"]),
                           _("报表已停用。"), reverse("burden:detail", args=[code]))
