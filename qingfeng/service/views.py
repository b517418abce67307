"""办实事 pages: list, commit an item, its page, start and complete it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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
from qingfeng.files.models import Attachment
from qingfeng.service import actions
from qingfeng.service.access import get_service_item_for_user
from qingfeng.service.forms import CompleteForm, ServiceFilter, ServiceItemForm, StartForm
from qingfeng.service.models import ServiceItem

STATUS_BADGE = {"已承诺": "secondary", "推进中": "blue", "已办结": "green"}


def _badge(item):
    if item.completed_on:
        return Cell(_("已办结"), badge="green")
    if item.planned_on < today():
        return Cell(_("逾期未办结"), badge="red")
    return Cell(_("推进中"), badge="blue") if item.started_on else Cell(_("已承诺"), badge="secondary")


@login_required
def item_list(request):
    qs = access.visible(ServiceItem.objects.select_related("org"), request.user)
    form = ServiceFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__icontains=data["q"].strip())
        if data["category"]:
            qs = qs.filter(category=data["category"])
        status = data["status"]
        if status == "committed":
            qs = qs.filter(started_on__isnull=True, completed_on__isnull=True)
        elif status == "progress":
            qs = qs.filter(started_on__isnull=False, completed_on__isnull=True)
        elif status == "completed":
            qs = qs.filter(completed_on__isnull=False)
        elif status == "late":
            qs = qs.filter(completed_on__isnull=True, planned_on__lt=today())
        qs = within_code(qs, request.user, data["org"])
    can_write = access.can_write(request.user, access.WRITERS_PARTY_WORK)
    listing = Listing(
        title=_("我为群众办实事"),
        columns=[Column(_("事项编号"), phone="hide"), Column(_("事项名称"), phone="title"), Column(_("类别")), Column(_("组织")),
                 Column(_("承诺日期")), Column(_("计划完成")), Column(_("受益人数"), "text-end"), Column(_("状态"), phone="status")],
        row=lambda i: [i.code, Cell(i.name, url=reverse("service:detail", args=[i.code])), i.get_category_display(), i.org.label,
                       i.committed_on.isoformat(), i.planned_on.isoformat(),
                       Cell(i.beneficiaries, css="text-end qf-num"), _badge(i)],
        filters=form if form.is_bound else ServiceFilter(), sheet="办实事",
        create_url=reverse("service:create") if can_write else "", create_label=_("承诺事项"),
    )
    return list_page(request, qs, listing)


@login_required
def item_create(request):
    user = request.user
    access.require_write(user, access.WRITERS_PARTY_WORK)
    form = ServiceItemForm(request.POST or None, initial={"org": user.org.code if user.org_id else "",
                                                          "committed_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(user, data["org"], access.WRITERS_PARTY_WORK)
            item = actions.commit_service_item(user=user, org=org, name=data["name"], category=data["category"],
                                               committed_on=data["committed_on"], planned_on=data["planned_on"])
            return redirect("service:detail", item.code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("承诺办实事事项"), back_url=reverse("service:list"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


@login_required
def item_detail(request, code):
    item = get_service_item_for_user(request.user, code)
    can_write = access.can_write(request.user, access.WRITERS_PARTY_WORK)
    return render(request, "service/item_detail.html", {
        "item": item, "title": item.name, "badge": _badge(item),
        "fields": [(_("事项编号"), item.code), (_("组织"), str(item.org)), (_("类别"), item.category),
                   (_("承诺日期"), item.committed_on), (_("计划完成日期"), item.planned_on),
                   (_("开始推进日期"), item.started_on), (_("完成日期"), item.completed_on),
                   (_("受益人数"), item.beneficiaries), (_("状态"), item.status)],
        "start_form": StartForm(initial={"on": today()}) if can_write and not item.started_on and not item.completed_on else None,
        "complete_form": CompleteForm(initial={"on": today()}) if can_write and not item.completed_on else None,
        "files": list(Attachment.objects.of(item)), "show_files": True, "history": history_of(item),
        "back_url": reverse("service:list"), "back_label": _("办实事"), "actions": [],
    })


@require_POST
@login_required
def item_start(request, code):
    item = get_service_item_for_user(request.user, code, write=True)
    return post_transition(request, StartForm(request.POST),
                           lambda d: actions.start_service_item(item, user=request.user, on=d["on"]),
                           _("已开始推进。"), reverse("service:detail", args=[code]))


@require_POST
@login_required
def item_complete(request, code):
    item = get_service_item_for_user(request.user, code, write=True)
    return post_transition(request, CompleteForm(request.POST, request.FILES),
                           lambda d: actions.complete_service_item(item, user=request.user, on=d["on"],
                                                                   beneficiaries=d["beneficiaries"], files=d["files"]),
                           _("事项已办结。"), reverse("service:detail", args=[code]))
