"""Home, health check and the background jobs' pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from qingfeng.accounts.access import scope_root
from qingfeng.core.http import AuthedRequest

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.core.models import Job


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The database answers (else 503), and whether a job worker has beaten its heartbeat lately."""
    from qingfeng.core import jobs

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    worker = jobs.worker_status()
    return JsonResponse({"status": "ok", "database": connection.vendor,
                         "worker": "ok" if worker["alive"] else "missing", "worker_seen_seconds_ago": worker["seen_seconds_ago"]})


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """工作台: the panels the apps register (core.home) — what is due, one-tap actions, the figures — and the day
    they are for."""
    from qingfeng.core.dates import today
    from qingfeng.core.home import panels_for

    try:
        root = scope_root(request.user)
    except Http404:
        root = None
    return render(request, "core/home.html", {"root": root, "day": today(), "panels": panels_for(request)})


# ---- background jobs (qingfeng.core.jobs) -------------------------------------------------------

def visible_jobs(user: User) -> QuerySet[Job]:
    """A job is seen by its starter and by whoever sees the starter's organization (a platform administrator
    without an organization: every job)."""
    from qingfeng.accounts.access import scope_filter
    from qingfeng.core.models import Job

    scope = scope_filter(user, "user__org")
    return Job.objects.filter(Q(user=user) | scope) if scope else Job.objects.all()


def get_job_for_user(user: User, pk: int) -> Job:
    return get_object_or_404(visible_jobs(user).select_related("user"), pk=pk)


def _job_context(job: Job) -> dict[str, Any]:
    from qingfeng.core import jobs

    if not job.finished:
        jobs.fail_orphans(type(job).objects.filter(pk=job.pk))
        job.refresh_from_db()
    progress = jobs.progress_of(job) if not job.finished else None
    percent = 100 if job.finished else 0
    if progress and progress.get("total"):
        percent = min(99, int(progress["done"] * 100 / progress["total"]))
    return {"job": job, "progress": progress, "percent": percent, "worker": jobs.worker_status(),
            "may_retry": job.status == "failed" and jobs.KINDS.get(job.kind) is not None}


@login_required
@require_GET
def job_list(request: AuthedRequest) -> HttpResponse:
    from qingfeng.core import jobs

    visible = visible_jobs(request.user)
    startable = [k for k in jobs.KINDS.values() if k.allowed(request.user) and not k.needs_params]
    return render(request, "core/jobs/list.html", {
        "jobs": visible.select_related("user").order_by("-created_at")[:50], "startable": startable,
        "worker": jobs.worker_status()})


@login_required
@require_POST
def job_start(request: AuthedRequest, kind: str) -> HttpResponse:
    from qingfeng.core import jobs

    spec = jobs.KINDS.get(kind)
    if spec is None or spec.needs_params:
        raise Http404
    if not spec.allowed(request.user):
        raise PermissionDenied
    job = jobs.start(kind, request.user)
    return redirect("core:job", pk=job.pk)


@login_required
@never_cache
@require_GET
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    template = "core/jobs/_status.html" if request.headers.get("HX-Request") else "core/jobs/detail.html"
    return render(request, template, _job_context(job))


@login_required
@require_POST
def job_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    from qingfeng.core import jobs
    from qingfeng.core.models import Job

    job = get_object_or_404(Job, pk=pk)
    spec = jobs.KINDS.get(job.kind)
    if spec is None or not spec.allowed(request.user):
        raise PermissionDenied
    job = get_job_for_user(request.user, pk)
    if job.status != "failed":
        return redirect("core:job", pk=job.pk)
    return redirect("core:job", pk=jobs.retry(job, request.user).pk)


@login_required
@require_GET
def job_file(request: AuthedRequest, pk: int) -> HttpResponseBase:
    from qingfeng.core import jobs

    job = get_job_for_user(request.user, pk)
    name = (job.result or {}).get("file")
    if job.status != "succeeded" or not name:
        raise Http404
    if (job.result or {}).get("private") and job.user_id != request.user.pk:
        raise Http404  # an export is its asker's: it may hold numbers the job's other viewers may not see
    path = jobs.result_path(job, name)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
