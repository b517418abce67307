"""Pages: upload → validation → preview → confirm (written with a progress stream) → result; templates."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qingfeng.core import sheets as S
from qingfeng.core.busy import busy_message, is_busy_error
from qingfeng.core.exports import XLSX, attachment
from qingfeng.core.http import AuthedRequest, signed_in
from qingfeng.files.uploads import upload_limit
from qingfeng.imports import mapping, wizard
from qingfeng.imports.actions import ImportResult, check_file, write_steps
from qingfeng.imports.engine import REFRESH_LABEL, Problem
from qingfeng.imports.models import ImportJob, JobStatus
from qingfeng.imports.reader import FileRejected, max_bytes
from qingfeng.imports.workbooks import template_bytes

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

logger = logging.getLogger(__name__)
ALLOWED_SUFFIXES = (".xlsx", ".csv", ".zip")
STREAM_MARK = "<!--qf-stream-->"
MAX_SHOWN = 5000


def uploads_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def require_importer(user: User) -> None:
    if user.is_read_only:
        raise PermissionDenied


def get_job_for_user(user: User, pk: int | str) -> ImportJob:
    """An upload is visible to the person who uploaded it, and to nobody else (404)."""
    try:
        return ImportJob.objects.get(pk=int(pk), user=user)
    except (ImportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def sheets_for(user: User) -> list[S.Sheet]:
    return [s for s in S.all_sheets() if user.sees_discipline or not s.restricted]


def _problem_rows(problems: Iterable[Problem]) -> list[list[object]]:
    return [[p.sheet, p.row or "", p.column, p.message] for p in problems]


@upload_limit(max_bytes)  # the import limit instead of the attachment limit, checked as the body arrives
@login_required
@require_http_methods(["GET", "POST"])
def start(request: AuthedRequest) -> HttpResponse:
    require_importer(request.user)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        size = upload.size or 0 if upload is not None else 0
        if upload is None:
            error = _("请选择要导入的文件。")
        elif Path(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
            error = _("只接受 .xlsx 工作簿、以工作表命名的 .csv 文件或装有 .csv 文件的 .zip 压缩包。")
        elif size > max_bytes():
            error = _("文件过大：%(size)d MB，上限为 %(limit)d MB。请拆分后分批导入。") % {
                "size": size // 1024 // 1024, "limit": max_bytes() // 1024 // 1024}
        else:
            job = store_and_check(request.user, upload)
            return redirect("imports:preview", pk=job.pk)
    jobs = ImportJob.objects.filter(user=signed_in(request))[:10]
    return render(request, "imports/start.html", {
        "sheets": sheets_for(request.user), "jobs": jobs, "error": error,
        "limit_mb": max_bytes() // 1024 // 1024,
    }, status=400 if error else 200)


def store_and_check(user: User, upload: UploadedFile[bytes]) -> ImportJob:
    """Keep the upload under VAR_DIR/uploads (never under static), validate it whole, remember the outcome."""
    folder = uploads_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    # The stored name keeps the original's base name: a .csv file's name is its sheet's name.
    safe = Path(upload.name or "").name.replace("\x00", "")[:200] or "upload.xlsx"
    target = folder / safe
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = ImportJob(user=user, file_name=safe, stored_path=str(target), size=upload.size or 0)
    try:
        heads = mapping.read_heads(target)
    except FileRejected:
        heads = None  # the check below says why
    if heads is not None and not wizard.template_shaped(heads):
        # A workbook of one's own: propose how its sheets read as ledgers, for the user to confirm (列对应).
        job.status, job.mapping = JobStatus.MAPPING, wizard.dump(
            mapping.propose_all(user, heads, wizard.importable(user)))
        job.save()
        return job
    record_check(job, check_file(target, user)[0])
    return job


def record_check(job: ImportJob, result: ImportResult) -> None:
    job.status = JobStatus.CHECKED if result.ok else JobStatus.REJECTED
    job.problem_count, job.problems = result.problem_count, _problem_rows(result.problems[:MAX_SHOWN])
    job.notices, job.summary = _problem_rows(result.notices[:200]), result.summary
    job.save()


@login_required
@require_http_methods(["GET", "POST"])
def mapping_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """列对应: how each sheet of a workbook of one's own reads as a ledger — proposed, editable, with its first rows
    as they will be read; then the same whole-file check as a template."""
    require_importer(request.user)
    job = get_job_for_user(request.user, pk)
    if not job.mapping or job.status not in (JobStatus.MAPPING, JobStatus.CHECKED, JobStatus.REJECTED):
        return redirect("imports:preview", pk=job.pk)
    try:
        heads = wizard.heads_of(job)
    except FileRejected as exc:
        job.status, job.problem_count, job.problems = JobStatus.REJECTED, 1, [["", "", "", str(exc)]]
        job.save()
        return redirect("imports:preview", pk=job.pk)
    maps = wizard.load(job)
    if request.method == "POST":
        maps = wizard.from_post(request.POST, maps, heads, request.user)
        job.mapping, job.status = wizard.dump(maps), JobStatus.MAPPING
        if request.POST.get("action") == "check":
            record_check(job, check_file(Path(job.stored_path), request.user, maps)[0])
            return redirect("imports:preview", pk=job.pk)
        job.save()
    return render(request, "imports/mapping.html", {
        "job": job, "sheets": wizard.views(request.user, maps, heads), "ledgers": wizard.importable(request.user),
    })


@login_required
def preview(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    if job.status == JobStatus.MAPPING:
        return redirect("imports:mapping", pk=job.pk)
    return render(request, "imports/preview.html", {
        "job": job, "hidden": max(job.problem_count - len(job.problems), 0),
    })


@login_required
@require_POST
def run(request: AuthedRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """Confirm: validate again (the database may have changed) and write, streaming the progress."""
    require_importer(request.user)
    job = get_job_for_user(request.user, pk)
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(status=JobStatus.RUNNING)
    if not claimed:
        return redirect("imports:preview", pk=job.pk)
    from qingfeng.imports import jobs as import_jobs

    if job.changes > import_jobs.JOB_ROWS:
        # A large file: the worker writes it; its page shows the progress and survives a reload.
        from qingfeng.core import jobs

        background = jobs.start("import", request.user, {"import_job": job.pk},
                                title=_("导入 %(file)s") % {"file": job.file_name})
        return redirect("core:job", pk=background.pk)
    page = render_to_string("imports/run.html", {"job": job}, request=request)
    head, tail = page.split(STREAM_MARK, 1)
    response = StreamingHttpResponse(_stream(job, request.user, head, tail), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def _step_html(text: str, done: int, total: int) -> str:
    percent = int(done * 100 / total) if total else 100
    return render_to_string("imports/_step.html", {"text": text, "percent": percent})


def _stream(job: ImportJob, user: User, head: str, tail: str) -> Iterator[str]:
    from qingfeng.audit.models import AuditAction, record

    yield head + " " * 1024  # enough for the browser to start drawing
    yield _step_html(_("正在重新校验整个文件……"), 0, 1)
    maps = wizard.load(job) if job.mapping else None
    result, importer = check_file(Path(job.stored_path), user, maps)
    if not result.ok or importer is None:
        job.status, job.problem_count = JobStatus.REJECTED, result.problem_count
        job.problems = _problem_rows(result.problems[:MAX_SHOWN])
        job.finished_at = timezone.now()
        job.save()
        yield render_to_string("imports/_outcome.html", {"job": job})
        yield tail
        return
    try:
        if result.changes:
            for label, done, total in write_steps(importer):
                if label == REFRESH_LABEL:
                    text = _("已写入，正在更新受影响组织的统计数据：%(done)d / %(total)d") % {"done": done, "total": total}
                else:
                    text = _("正在写入“%(sheet)s”：%(done)d / %(total)d 行") % {"sheet": label, "done": done, "total": total}
                yield _step_html(text, done, total)
    except GeneratorExit:  # the browser went away: the transaction has been rolled back (unless it committed)
        if importer.committed:  # written; the job worker finishes the facts' refresh (changes.drain_stale)
            job.status, job.summary, job.finished_at = JobStatus.DONE, importer.summary(), timezone.now()
        else:
            job.status, job.message, job.finished_at = JobStatus.FAILED, _("连接中断，已回滚，未写入任何数据。"), timezone.now()
        job.save()
        raise
    except Exception as exc:  # the transaction is rolled back; say so and keep the job's record
        logger.exception("import %s failed", job.pk)
        # a database too busy to take the write in time: the words every busy write gets (nothing was written)
        message = busy_message() if is_busy_error(exc) else str(exc)[:2000]
        job.status, job.message, job.finished_at = JobStatus.FAILED, message, timezone.now()
        job.save()
        record(user, AuditAction.IMPORT, model="imports", object_id=str(job.pk), summary=f"导入失败：{job.file_name}")
        yield render_to_string("imports/_outcome.html", {"job": job})
        yield tail
        return
    job.status, job.summary, job.finished_at = JobStatus.DONE, importer.summary(), timezone.now()
    job.save()
    if maps:
        mapping.remember(user, maps)  # proposed again for a file with the same headers
    yield _step_html(_("导入完成"), 1, 1)
    yield render_to_string("imports/_outcome.html", {"job": job, "result_url": reverse("imports:result", args=[job.pk])})
    yield tail


@login_required
def result(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    if job.status not in (JobStatus.DONE, JobStatus.FAILED):
        return redirect("imports:preview", pk=job.pk)
    return render(request, "imports/result.html", {"job": job})


@login_required
def template(request: AuthedRequest, sheet: str) -> HttpResponse:
    allowed = {s.name for s in sheets_for(request.user)}
    if sheet not in allowed:
        raise Http404
    return attachment(template_bytes([sheet]), f"导入模板-{sheet}.xlsx", XLSX)


@login_required
def template_all(request: AuthedRequest) -> HttpResponse:
    names = [s.name for s in sheets_for(request.user)]
    return attachment(template_bytes(names), "导入模板-全部.xlsx", XLSX)
