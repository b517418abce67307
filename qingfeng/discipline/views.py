"""Restricted pages (纪检监察 and 系统管理员 only; anyone else gets 404): lists, details and entry forms
for cases, dispositions and recommendations. Every page that shows discipline records writes an
audit `read` row naming the records shown."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qingfeng.accounts import access
from qingfeng.audit.context import client_ip
from qingfeng.audit.models import AuditAction, record
from qingfeng.core.http import AuthedRequest
from qingfeng.core.lists import paginate
from qingfeng.discipline import actions
from qingfeng.discipline.access import (
    get_case_for_user,
    get_disposition_for_user,
    get_recommendation_for_user,
    visible_cases,
)
from qingfeng.discipline.forms import CaseForm, DayForm, DispositionForm, ListFilterForm, RecommendationForm
from qingfeng.discipline.models import Disposition, Recommendation

SECTIONS = [
    ("discipline:cases", gettext_lazy("案件")),
    ("discipline:dispositions", gettext_lazy("四种形态处置")),
    ("discipline:recommendations", gettext_lazy("纪检监察建议书")),
]


def _audit_list(request, model: str, objects, label: str) -> None:
    keys = [str(getattr(o, "code", None) or o.pk) for o in objects]
    record(request.user, AuditAction.READ, model=model, summary=f"{label}: {', '.join(keys)}"[:300],
           after={"shown": keys, "query": request.GET.dict()}, ip=client_ip(request))


def _audit_detail(request, obj) -> None:
    record(request.user, AuditAction.READ, obj, ip=client_ip(request))


def _list(request, *, title, model_label, qs, columns, row, create_url, filter_form=None):
    page, query = paginate(request, qs)
    objects = list(page.object_list)
    _audit_list(request, model_label, objects, str(title))
    context = {
        "title": title, "sections": SECTIONS, "columns": columns, "rows": [row(o) for o in objects],
        "page": page, "query": query, "create_url": create_url, "filter_form": filter_form,
        "can_write": access.can_write(request.user, access.WRITERS_DISCIPLINE),
    }
    template = "discipline/_results.html" if getattr(request, "htmx", False) else "discipline/list.html"
    return render(request, template, context)


def _form_page(request, form, title, back):
    return render(request, "discipline/form.html", {"form": form, "title": title, "back": back, "sections": SECTIONS})


# ---- cases -----------------------------------------------------------------------------

@login_required
@require_GET
def cases(request: AuthedRequest) -> HttpResponse:
    qs = visible_cases(request.user).select_related("org", "person")
    form = ListFilterForm(request.GET)
    if form.is_valid():
        qs = form.filter_cases(qs)
    return _list(
        request, title=_("案件"), model_label="discipline.Case", qs=qs.order_by("-filed_on", "-id"), filter_form=form,
        columns=[_("案件编号"), _("姓名"), _("公民身份号码"), _("承办组织"), _("立案日期"), _("主动投案"), _("结案日期")],
        row=lambda c: {"url": reverse("discipline:case", args=[c.code]), "cells": [
            c.code, c.person.name, c.person.masked_id, c.org.name, c.filed_on, _("是") if c.self_surrender else "",
            c.closed_on or _("未结")]},
        create_url=reverse("discipline:case_create"),
    )


@login_required
@require_GET
def case_detail(request: AuthedRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    _audit_detail(request, case)
    dispositions = case.dispositions.select_related("org").order_by("decided_on", "id")
    return render(request, "discipline/case.html", {
        "case": case, "dispositions": dispositions, "sections": SECTIONS, "close_form": DayForm(),
        "can_write": access.can_write(request.user, access.WRITERS_DISCIPLINE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    access.require_discipline(request.user)
    access.require_write(request.user, access.WRITERS_DISCIPLINE)
    form = CaseForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.file_case(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("案件 %(code)s 已登记。") % {"code": case.code})
            return redirect("discipline:case", case.code)
    return _form_page(request, form, _("登记案件"), reverse("discipline:cases"))


@login_required
@require_POST
def case_close(request: AuthedRequest, code: str) -> HttpResponse:
    case = get_case_for_user(request.user, code, write=True)
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的结案日期。"))
    else:
        try:
            actions.close_case(request.user, case, form.cleaned_data["day"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("案件已结案。"))
    return redirect("discipline:case", case.code)


# ---- dispositions ----------------------------------------------------------------------

def visible_dispositions(user):
    access.require_discipline(user)
    return access.visible(Disposition.objects.all(), user)


@login_required
@require_GET
def dispositions(request: AuthedRequest) -> HttpResponse:
    qs = visible_dispositions(request.user).select_related("org", "person", "case")
    form = ListFilterForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("q"):
        q = form.cleaned_data["q"].strip()
        qs = qs.filter(person__name__contains=q) | qs.filter(case__code__icontains=q)
    return _list(
        request, title=_("四种形态处置"), model_label="discipline.Disposition", qs=qs.order_by("-decided_on", "-id"),
        filter_form=form,
        columns=[_("日期"), _("姓名"), _("公民身份号码"), _("形态"), _("措施"), _("决定组织"), _("案件编号")],
        row=lambda d: {"url": reverse("discipline:disposition", args=[d.pk]), "cells": [
            d.decided_on, d.person.name, d.person.masked_id, d.get_form_display(), d.measure, d.org.name,
            d.case.code if d.case else ""]},
        create_url=reverse("discipline:disposition_create"),
    )


@login_required
@require_GET
def disposition_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    disposition = get_disposition_for_user(request.user, pk)
    _audit_detail(request, disposition)
    return render(request, "discipline/disposition.html", {"disposition": disposition, "sections": SECTIONS})


@login_required
@require_http_methods(["GET", "POST"])
def disposition_create(request: AuthedRequest) -> HttpResponse:
    access.require_discipline(request.user)
    access.require_write(request.user, access.WRITERS_DISCIPLINE)
    initial = {}
    if request.method == "GET" and request.GET.get("case"):
        case = get_case_for_user(request.user, request.GET["case"])
        initial = {"case": case.code, "id_number": case.person.id_number, "name": case.person.name, "org": case.org.code}
    form = DispositionForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            disposition = actions.record_disposition(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("处置记录已保存。"))
            return redirect("discipline:disposition", disposition.pk)
    return _form_page(request, form, _("登记处置"), reverse("discipline:dispositions"))


# ---- recommendations -------------------------------------------------------------------

def visible_recommendations(user):
    access.require_discipline(user)
    return access.visible(Recommendation.objects.all(), user)


@login_required
@require_GET
def recommendations(request: AuthedRequest) -> HttpResponse:
    qs = visible_recommendations(request.user).select_related("org")
    form = ListFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(code__icontains=q) | qs.filter(recipient__contains=q)
        if data.get("status") == "open":
            qs = qs.filter(replied_on__isnull=True)
        elif data.get("status") == "closed":
            qs = qs.filter(replied_on__isnull=False)
    return _list(
        request, title=_("纪检监察建议书"), model_label="discipline.Recommendation",
        qs=qs.order_by("-issued_on", "-id"), filter_form=form,
        columns=[_("建议书编号"), _("发出组织"), _("发出日期"), _("收文单位"), _("回复日期")],
        row=lambda r: {"url": reverse("discipline:recommendation", args=[r.code]), "cells": [
            r.code, r.org.name, r.issued_on, r.recipient, r.replied_on or _("未回复")]},
        create_url=reverse("discipline:recommendation_create"),
    )


@login_required
@require_GET
def recommendation_detail(request: AuthedRequest, code: str) -> HttpResponse:
    rec = get_recommendation_for_user(request.user, code)
    _audit_detail(request, rec)
    return render(request, "discipline/recommendation.html", {
        "rec": rec, "sections": SECTIONS, "reply_form": DayForm(),
        "can_write": access.can_write(request.user, access.WRITERS_DISCIPLINE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request: AuthedRequest) -> HttpResponse:
    access.require_discipline(request.user)
    access.require_write(request.user, access.WRITERS_DISCIPLINE)
    form = RecommendationForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rec = actions.issue_recommendation(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("建议书 %(code)s 已登记。") % {"code": rec.code})
            return redirect("discipline:recommendation", rec.code)
    return _form_page(request, form, _("登记建议书"), reverse("discipline:recommendations"))


@login_required
@require_POST
def recommendation_reply(request: AuthedRequest, code: str) -> HttpResponse:
    rec = get_recommendation_for_user(request.user, code, write=True)
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的回复日期。"))
    else:
        try:
            actions.record_reply(request.user, rec, form.cleaned_data["day"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已记录回复。"))
    return redirect("discipline:recommendation", rec.code)
