"""Two-new register pages: list, register, an entity's page with its coverage history, coverage changes
and deregistration."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
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
    post_transition,
    within_code,
    writable_org,
)
from qingfeng.entities import actions
from qingfeng.entities.access import get_entity_for_user
from qingfeng.entities.forms import CoverageForm, DateForm, EntityFilter, EntityForm
from qingfeng.entities.models import ORG_COVERAGE, WORK_COVERAGE, Entity

W = access.WRITERS_PARTY_WORK


def _coverage_badge(mode):
    colour = "green" if mode in ORG_COVERAGE else "azure" if mode in WORK_COVERAGE else "red"
    from qingfeng.entities.models import CoverageMode

    return Cell(CoverageMode(mode).label if mode in CoverageMode.values else mode, badge=colour)


@login_required
def entity_list(request):
    qs = access.visible(Entity.objects.select_related("org"), request.user)
    form = EntityFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = data["q"].strip()
            qs = qs.filter(Q(name__contains=text) | Q(credit_code__startswith=text.upper()))
        if data["type"]:
            qs = qs.filter(type=data["type"])
        if data["coverage"]:
            qs = qs.filter(coverage=data["coverage"])
        qs = within_code(qs, request.user, data["org"])
    listing = Listing(
        title=_("两新组织"),
        columns=[Column(_("统一社会信用代码"), phone="hide"), Column(_("名称"), phone="title"), Column(_("类型")),
                 Column(_("属地党组织")), Column(_("党员人数"), "text-end"), Column(_("覆盖方式"), phone="status")],
        row=lambda e: [e.credit_code, Cell(e.name, url=reverse("entities:detail", args=[e.credit_code])), e.get_type_display(),
                       e.org.label, Cell(e.member_count, css="text-end qf-num"),
                       Cell(_("已注销"), badge="secondary") if e.deregistered_on else _coverage_badge(e.coverage)],
        filters=form if form.is_bound else EntityFilter(), sheet="两新组织",
        create_url=reverse("entities:create") if access.can_write(request.user, W) else "", create_label=_("登记"),
    )
    return list_page(request, qs, listing)


@login_required
def entity_create(request):
    user = request.user
    access.require_write(user, W)
    form = EntityForm(request.POST or None, initial={"org": user.org.code if user.org_id else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(user, data["org"], W)
            entity = actions.register_entity(user=user, org=org, credit_code=data["credit_code"], name=data["name"],
                                             type=data["type"], coverage=data["coverage"], since=data["since"],
                                             employees=data["employees"], member_count=data["member_count"])
            return redirect("entities:detail", entity.credit_code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("登记两新组织"), back_url=reverse("entities:list"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def entity_detail(request, credit_code):
    e = get_entity_for_user(request.user, credit_code)
    can_write = access.can_write(request.user, W) and not e.deregistered_on
    changes = list(e.coverage_history.order_by("since", "id"))
    return render(request, "entities/detail.html", {
        "entity": e, "title": e.name,
        "fields": [(_("统一社会信用代码"), e.credit_code), (_("类型"), e.get_type_display()), (_("属地党组织"), str(e.org)),
                   (_("从业人员数"), e.employees), (_("党员人数"), e.member_count), (_("当前覆盖方式"), e.coverage),
                   (_("注销日期"), e.deregistered_on)],
        "related": [{"title": _("覆盖变化"), "columns": [_("覆盖日期"), _("覆盖方式")],
                     "rows": [[c.since or _("自登记起"), c.mode] for c in changes]}],
        "coverage_form": CoverageForm(initial={"since": today()}) if can_write else None,
        "deregister_form": DateForm(initial={"on": today()}) if can_write else None,
        "history": history_of(e), "back_url": reverse("entities:list"), "back_label": _("两新组织"), "actions": [],
    })


@require_POST
@login_required
def entity_coverage(request, credit_code):
    e = get_entity_for_user(request.user, credit_code, write=True)
    return post_transition(request, CoverageForm(request.POST),
                           lambda d: actions.change_coverage(e, user=request.user, mode=d["mode"], since=d["since"]),
                           _("已记录覆盖变化。"), reverse("entities:detail", args=[credit_code]))


@require_POST
@login_required
def entity_deregister(request, credit_code):
    e = get_entity_for_user(request.user, credit_code, write=True)
    return post_transition(request, DateForm(request.POST),
                           lambda d: actions.deregister_entity(e, user=request.user, on=d["on"]),
                           _("已注销。"), reverse("entities:detail", args=[credit_code]))
