"""Findings and rectification pages: list, record, the finding's page with its history, and one
view per transition (submit, return, close) and for linking an accountability decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import access
from qingfeng.activities.access import get_activity_for_user, visible_activities
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
    writable_org,
)
from qingfeng.files.models import Attachment
from qingfeng.supervision import actions
from qingfeng.supervision.access import (
    can_verify,
    get_finding_for_user,
    get_finding_to_verify,
    visible_findings,
)
from qingfeng.supervision.forms import (
    AccountabilityForm,
    ClassifyForm,
    CloseForm,
    FindingFilter,
    FindingForm,
    ReturnForm,
    SubmitForm,
)
from qingfeng.supervision.models import FindingStatus, round_source

STATUS_BADGE = {FindingStatus.RECTIFYING: "blue", FindingStatus.SUBMITTED: "yellow", FindingStatus.RETURNED: "orange",
                FindingStatus.CLOSED: "green"}


def is_overdue(finding, on) -> bool:
    return finding.closed_on is None and finding.deadline < on


@login_required
def finding_list(request):
    qs = visible_findings(request.user)
    form = FindingFilter(request.GET or None)
    day = today()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = data["q"].strip()
            qs = qs.filter(Q(code__icontains=text) | Q(description__icontains=text))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["source"]:
            qs = qs.filter(source=data["source"])
        if data["category"]:
            qs = qs.filter(category="" if data["category"] == "none" else data["category"])
        if data["overdue"]:
            qs = qs.filter(closed_on__isnull=True, deadline__lt=day)
        if data["org"]:
            try:
                org = access.get_org_for_user(request.user, data["org"].strip())
                qs = qs.within(org)
            except Http404:
                qs = qs.none()

    def row(f):
        late = is_overdue(f, day)
        url = reverse("supervision:detail", args=[f.code])
        text = f.description if len(f.description) <= 40 else f"{f.description[:39]}…"
        return [Cell(f.code, url=url), Cell(text, url=url), f.get_source_display(), f.org.label,
                f.found_on.isoformat(), Cell(f.deadline.isoformat(), css="text-danger fw-bold" if late else ""),
                Cell(f.get_status_display(), badge=STATUS_BADGE.get(f.status, "secondary")),
                Cell(_("逾期"), badge="red") if late else ""]

    can_write = access.can_write(request.user, access.WRITERS_SUPERVISION)
    listing = Listing(
        title=_("问题整改"),
        columns=[Column(_("问题编号")), Column(_("问题描述"), phone="title"), Column(_("来源")), Column(_("责任组织")), Column(_("发现日期")),
                 Column(_("整改期限")), Column(_("状态"), phone="status"), Column("", phone="status")],
        row=row, filters=form if form.is_bound else FindingFilter(), sheet="问题整改",
        create_url=reverse("supervision:create") if can_write else "", create_label=_("登记问题"),
        row_css=lambda f: "bg-red-lt" if is_overdue(f, day) else "",
    )
    return list_page(request, qs, listing)


@login_required
def finding_create(request):
    user = request.user
    access.require_write(user, access.WRITERS_SUPERVISION)
    initial = {"org": user.org.code if user.org_id else "", "found_on": today()}
    round_code = request.GET.get("round", "")
    if round_code:
        asked = get_activity_for_user(user, round_code)
        initial.update(round=asked.code, org=asked.org.code, found_on=max(asked.date, min(today(), asked.date)))
        if round_source(asked.type) is not None:
            initial["source"] = round_source(asked.type)
    form = FindingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = writable_org(user, data["org"], access.WRITERS_SUPERVISION)
            round_ = None
            if data["round"].strip():
                try:
                    round_ = get_activity_for_user(user, data["round"].strip())
                except Http404 as exc:
                    raise ValidationError({"round": [_("督导轮次不存在或不在您的管理范围内。")]}) from exc
            finding = actions.record_finding(user=user, org=org, source=data["source"], found_on=data["found_on"],
                                             description=data["description"], deadline=data["deadline"],
                                             round=round_, files=data["files"], category=data["category"])
            messages.success(request, _("已登记问题 %(code)s。") % {"code": finding.code})
            return redirect("supervision:detail", finding.code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("登记问题"), back_url=reverse("supervision:list"), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)


def _detail_context(request, finding, **forms):
    user = request.user
    day = today()
    verify = can_verify(user, finding) and not user.is_read_only
    writes = access.can_write(user, access.WRITERS_SUPERVISION)
    fields = [(_("问题编号"), finding.code), (_("来源"), finding.get_source_display()),
              (_("问题类别"), finding.get_category_display() or _("未分类")), (_("责任组织"), str(finding.org)),
              (_("发现日期"), finding.found_on.isoformat()), (_("整改期限"), finding.deadline.isoformat()),
              (_("状态"), finding.get_status_display()), (_("销号日期"), finding.closed_on),
              (_("问题描述"), finding.description)]
    if finding.round_id and visible_activities(user).filter(pk=finding.round_id).exists():
        round_link = reverse("activities:detail", args=[finding.round.code])
    else:
        round_link = ""
    decisions = list(access.visible(finding.accountabilities.select_related("person", "org"), user))
    return {
        "finding": finding, "title": _("问题 %(code)s") % {"code": finding.code}, "fields": fields,
        "overdue": is_overdue(finding, day), "round_link": round_link,
        "events": finding.events.select_related("actor"), "files": list(Attachment.objects.of(finding)),
        "show_files": True, "decisions": decisions, "history": history_of(finding),
        "submit_form": forms.get("submit") or SubmitForm()
        if writes and finding.status in (FindingStatus.RECTIFYING, FindingStatus.RETURNED) else None,
        "classify_form": ClassifyForm(initial={"category": finding.category}) if writes else None,
        "return_form": forms.get("ret") or ReturnForm() if verify and finding.status == FindingStatus.SUBMITTED else None,
        "close_form": forms.get("close") or CloseForm(initial={"on": day})
        if verify and finding.status == FindingStatus.SUBMITTED else None,
        "actions": [(_("问责决定"), reverse("supervision:accountability", args=[finding.code]), "")] if verify else [],
        "back_url": reverse("supervision:list"), "back_label": _("问题整改"),
    }


@login_required
def finding_detail(request, code):
    finding = get_finding_for_user(request.user, code)
    return render(request, "supervision/finding_detail.html", _detail_context(request, finding))


def _reject(request, form, exc: ValidationError) -> None:
    """Field errors go on the form; a refusal of the transition itself (the finding is no longer in
    the state the page showed) is said at the top of the page, where the form may no longer be."""
    if hasattr(exc, "error_dict"):
        add_errors(form, exc)
    else:
        messages.error(request, " ".join(exc.messages))


@require_POST
@login_required
def finding_submit(request, code):
    finding = get_finding_for_user(request.user, code, write=True)
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.submit_finding(finding, user=request.user, note=form.cleaned_data["note"],
                                   files=form.cleaned_data["files"])
            messages.success(request, _("已提交核验。"))
            return redirect("supervision:detail", code)
        except ValidationError as exc:
            _reject(request, form, exc)
    finding.refresh_from_db()
    return render(request, "supervision/finding_detail.html", _detail_context(request, finding, submit=form), status=400)


@require_POST
@login_required
def finding_return(request, code):
    finding = get_finding_to_verify(request.user, code)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            actions.return_finding(finding, user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已退回整改。"))
            return redirect("supervision:detail", code)
        except ValidationError as exc:
            _reject(request, form, exc)
    return render(request, "supervision/finding_detail.html", _detail_context(request, finding, ret=form), status=400)


@require_POST
@login_required
def finding_close(request, code):
    finding = get_finding_to_verify(request.user, code)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            actions.close_finding(finding, user=request.user, on=form.cleaned_data["on"], note=form.cleaned_data["note"])
            messages.success(request, _("问题已销号。"))
            return redirect("supervision:detail", code)
        except ValidationError as exc:
            _reject(request, form, exc)
    return render(request, "supervision/finding_detail.html", _detail_context(request, finding, close=form), status=400)


@require_POST
@login_required
def finding_classify(request, code):
    finding = get_finding_for_user(request.user, code, write=True)
    return post_transition(request, ClassifyForm(request.POST),
                           lambda d: actions.classify_finding(finding, user=request.user, category=d["category"]),
                           _("问题类别已保存。"), reverse("supervision:detail", args=[code]))


@login_required
def accountability_create(request, code):
    user = request.user
    finding = get_finding_to_verify(user, code)
    if user.is_read_only:
        raise PermissionDenied
    form = AccountabilityForm(request.POST or None, initial={"org": user.org.code if user.org_id else finding.org.code,
                                                             "decided_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                org = writable_org(user, data["org"], access.WRITERS_SUPERVISION)
                person = person_by_id(data["id_number"], data["name"], user=user)
                actions.record_accountability(user=user, org=org, person=person, decided_on=data["decided_on"],
                                              mode=data["mode"], finding=finding)
            messages.success(request, _("已记录问责决定。"))
            return redirect("supervision:detail", code)
        except ValidationError as exc:
            add_errors(form, exc)
    return form_page(request, form, title=_("问责决定 · 问题 %(code)s") % {"code": finding.code},
                     back_url=reverse("supervision:detail", args=[code]), submit=_("保存"),
                     status=400 if request.method == "POST" else 200)
