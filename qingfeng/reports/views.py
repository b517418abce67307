"""Pages: the review (preview on screen) and its downloads as .docx, .pdf, .xlsx and .md."""

from __future__ import annotations

import os

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qingfeng.cockpit.forms import PeriodForm
from qingfeng.core import jobs
from qingfeng.orgs.models import Organization
from qingfeng.reports.review import build_review
from qingfeng.reports.writers import FORMATS, write

# The review of an organization with more organizations than this below it is written by a background job
# (QINGFENG_REVIEW_JOB_ORGS): a county's or the city's.
REVIEW_JOB_ORGS = int(os.environ.get("QINGFENG_REVIEW_JOB_ORGS", "500"))


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET, request.user)
    if not form.is_valid():
        return render(request, "reports/review.html", {"form": form, "review": None}, status=400)
    org = form.resolve_org()
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    built = build_review(org, start, end, request.user)
    query = f"org={org.code}&from={start.isoformat()}&to={end.isoformat()}"
    return render(request, "reports/review.html", {
        "form": form, "review": built, "org": org, "start": start, "end": end, "query": query,
        "formats": [("docx", "Word"), ("pdf", "PDF"), ("xlsx", "Excel"), ("md", "Markdown")],
    })


@login_required
@require_GET
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form = PeriodForm(request.GET, request.user)
    if not form.is_valid():
        return render(request, "reports/review.html", {"form": form, "review": None}, status=400)
    org = form.resolve_org()
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if not jobs.in_job(request) and Organization.objects.filter(path__startswith=org.path).count() > REVIEW_JOB_ORGS:
        # A city's or a county's review takes long to compute and write: a job makes it, its page links the file.
        return jobs.download_later(request, _("年度综述 %(org)s %(fmt)s") % {"org": org.name, "fmt": fmt})
    jobs.report(_("正在计算综述中的指标"), 0, 2)
    built = build_review(org, start, end, request.user, base_url=request.build_absolute_uri("/"))
    jobs.report(_("正在写出文件"), 1, 2)
    content_type, ext = FORMATS[fmt]
    response = HttpResponse(write(built, fmt), content_type=content_type)
    lang = "en" if not (get_language() or "").startswith("zh") else "zh"
    response["Content-Disposition"] = f'attachment; filename="review-{org.code}-{start}-{end}-{lang}.{ext}"'
    return response
