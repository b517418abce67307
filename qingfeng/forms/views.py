"""Pages of 一表通: the forms I answer, upload (check → preview → publish), a form's page, the download."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qingfeng.accounts import access as accounts
from qingfeng.core.dates import today
from qingfeng.core.ledger import add_errors
from qingfeng.files.uploads import upload_limit
from qingfeng.forms import access, actions, filler, summary
from qingfeng.forms.forms import FillForm, PublishForm, UploadForm
from qingfeng.forms.models import Channel, Filling, Template
from qingfeng.forms.placeholders import TemplateError, described
from qingfeng.orgs.models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_REPEATS = 20  # organizations per repeated row in a preview: a district's 2,000 branches are for the download


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def my_org(user) -> Organization | None:
    root = accounts.scope_root(user)
    if root is not None:
        return root
    return Organization.objects.filter(parent__isnull=True).order_by("code").first()


@login_required
@require_GET
def index(request):
    user = request.user
    templates = (access.visible_templates(user).annotate(answered=Count("fillings", distinct=True),
                                                         version=Max("versions__number"))
                 .order_by("form__org__path", "form__code"))
    org = my_org(user)
    return render(request, "forms/index.html", {
        "templates": templates, "org": org, "can_upload": accounts.can_write(user, access.WRITERS),
        "summary": summary.for_org(org, user) if org is not None else None,
    })


@upload_limit(filler.MAX_FILE_BYTES)  # checked as the body arrives: a template is a few dozen kilobytes
@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a template (or a new version of a saved form: ?form=报表编号) and check it."""
    user = request.user
    access.require_uploader(user)
    template = None
    code = request.GET.get("form") or request.POST.get("form")
    if code:
        template = access.get_template_for_user(user, code, write=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > filler.MAX_FILE_BYTES:
            problems = [_("文件过大：模板不能超过 %(mb)d MB。") % {"mb": filler.MAX_FILE_BYTES // 1024 // 1024}]
        else:
            try:
                draft = actions.check_upload(user=user, filename=upload_file.name, content=upload_file.read(),
                                             template=template)
                return redirect("forms:draft", pk=draft.pk)
            except ValidationError as exc:
                problems = exc.messages
    return render(request, "forms/upload.html", {"form": form, "template": template, "problems": problems},
                  status=400 if request.method == "POST" else 200)


def _preview(draft_content: bytes, user) -> tuple[dict | None, str, Organization | None, dt.date, dt.date]:
    org = my_org(user)
    day = today()
    start = dt.date(day.year, 1, 1)
    if org is None:
        return None, _("没有可以预览的组织。"), None, start, day
    try:
        filled = filler.fill(draft_content, org, start, day, user, rows_limit=PREVIEW_REPEATS)
    except TemplateError as exc:
        return None, "；".join(str(p) for p in exc.problems), org, start, day
    return filler.preview(filled), "", org, start, day


@login_required
@require_http_methods(["GET", "POST"])
def draft(request, pk):
    """The checked upload: what it found, the first sheet filled for my organization, and publishing it."""
    user = request.user
    access.require_uploader(user)
    checked = access.get_draft_for_user(user, pk)
    template = checked.template
    if template is not None and not access.can_change(user, template):
        raise Http404
    form = PublishForm(request.POST or None, initial={"org": user.org.code if user.org_id else ""})
    if request.method == "POST":
        try:
            if template is not None:
                version = actions.add_version(template, user=user, draft=checked)
                messages.success(request, _("已保存为第 %(n)d 版。") % {"n": version.number})
                return redirect("forms:detail", code=template.code)
            if form.is_valid():
                data = form.cleaned_data
                saved = actions.save_form(user=user, draft=checked, existing=data["existing"], org_code=data["org"],
                                          code=data["code"], name=data["name"])
                messages.success(request, _("报表已发布，下级组织可以下载自动填好的报表。"))
                return redirect("forms:detail", code=saved.code)
        except ValidationError as exc:
            add_errors(form, exc)
    table, preview_error, org, start, end = _preview(bytes(checked.content), user)
    return render(request, "forms/draft.html", {
        "draft": checked, "placeholders": described(checked.placeholders), "template": template, "form": form,
        "preview": table, "preview_error": preview_error, "limit": PREVIEW_REPEATS,
        "org": org, "start": start, "end": end,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def detail(request, code):
    user = request.user
    template = access.get_template_for_user(user, code)
    form = FillForm(request.GET)
    form.is_valid()
    org = access.default_fill_org(user, template)
    children = list(Organization.objects.filter(parent=org).active_on(today()).order_by("code")[:200]) \
        if accounts.org_in_scope(user, org) else []
    versions = list(template.versions.order_by("-number").select_related("uploaded_by"))
    entry = template.form
    return render(request, "forms/detail.html", {
        "template": template, "entry": entry, "form": form, "org": org, "children": children,
        "versions": versions, "placeholders": described(versions[0].placeholders) if versions else [],
        "answered": Filling.objects.filter(template=template).count(),
        "mine": Filling.objects.filter(template=template, user=user).select_related("org").order_by("-at")[:5],
        "can_change": access.can_change(user, template),
        "can_retire": access.can_change(user, template) and entry.retired_on is None,
    })


@login_required
@require_GET
def fill(request, code):
    """The form filled for the chosen organization and period, as an .xlsx download."""
    user = request.user
    template = access.get_template_for_user(user, code)
    form = FillForm(request.GET)
    if not form.is_valid():
        return _detail_with_errors(request, template, [str(e) for e in form.errors.get("__all__") or
                                                       [e for errs in form.errors.values() for e in errs]])
    org = access.get_fill_org_for_user(user, template, form.cleaned_data["org"])
    if form.cleaned_data["version"]:
        chosen = template.versions.filter(number=form.cleaned_data["version"]).first()
        if chosen is None:
            raise Http404
        version = chosen
    else:
        version = template.latest()
    try:
        answer = actions.answer(template, user=user, org=org, start=form.cleaned_data["start"],
                                end=form.cleaned_data["end"], channel=Channel.PAGE, version=version)
    except TemplateError as exc:
        return _detail_with_errors(request, template, [str(p) for p in exc.problems])
    return xlsx_response(answer.content, answer.filename)


def _detail_with_errors(request, template: Template, errors: list[str]):
    for e in errors:
        messages.error(request, e)
    response = detail(request, template.code)
    response.status_code = 400
    return response


@login_required
@require_GET
def template_file(request, code, number):
    """A version's template as uploaded (the placeholders, not filled)."""
    template = access.get_template_for_user(request.user, code)
    version = template.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return xlsx_response(bytes(version.content), version.filename)


@login_required
@require_POST
def retire(request, code):
    """The platform answers this form now: retire the hand-kept form in the register (由系统生成)."""
    template = access.get_template_for_user(request.user, code, write=True)
    try:
        actions.retire_hand_form(template, user=request.user)
        messages.success(request, _("手工报表已停用，停用原因：由系统生成。"))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect(reverse("forms:detail", args=[template.code]))
