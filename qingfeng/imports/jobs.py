"""An import confirmed on the page with more rows than a request should hold runs as a background job
(qingfeng.core.jobs): validated again and written in one transaction by the worker, its progress on the job's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.core import jobs
from qingfeng.core.models import Job

# Confirmed imports writing more rows than this run in the background; smaller ones stream in the request.
JOB_ROWS = 2000


def step_text(label: str) -> str:
    from qingfeng.imports.engine import REFRESH_LABEL

    if label == REFRESH_LABEL:
        return _("已写入，正在更新受影响组织的统计数据")
    return _("正在写入“%(sheet)s”") % {"sheet": label}


def may_import(user: Any) -> bool:
    from qingfeng.imports.views import require_importer

    try:
        require_importer(user)
    except Exception:  # noqa: BLE001 — PermissionDenied: not an importer
        return False
    return True


@jobs.register("import", title=gettext_lazy("导入"), allowed=may_import, needs_params=True)
def run_import(job: Job, progress: jobs.Progress) -> tuple[str, dict[str, Any]]:
    from qingfeng.audit.models import AuditAction, record
    from qingfeng.imports.actions import check_file, write_steps
    from qingfeng.imports.models import ImportJob, JobStatus
    from qingfeng.imports.views import MAX_SHOWN, _problem_rows

    imp = ImportJob.objects.get(pk=job.params["import_job"])
    progress(_("正在重新校验整个文件"), 0, 1)
    result, importer = check_file(Path(imp.stored_path), job.user)
    if not result.ok or importer is None:
        imp.status, imp.problem_count = JobStatus.REJECTED, result.problem_count
        imp.problems = _problem_rows(result.problems[:MAX_SHOWN])
        imp.finished_at = timezone.now()
        imp.save()
        raise jobs.JobFailed(_("文件中有 %(n)d 处问题，没有写入任何数据。") % {"n": result.problem_count},
                             [{"sheet": p[0], "row": p[1], "column": p[2], "message": p[3]} for p in imp.problems[:200]])
    try:
        if result.changes:
            for label, done, total in write_steps(importer):
                progress(step_text(label), done, total)
    except Exception:
        if importer.committed:  # the records are in; the facts' refresh goes on in the job worker (changes.drain_stale)
            raise
        imp.status, imp.message, imp.finished_at = JobStatus.FAILED, _("写入出错，已回滚，未写入任何数据。"), timezone.now()
        imp.save()
        record(job.user, AuditAction.IMPORT, model="imports", object_id=str(imp.pk), summary=f"导入失败：{imp.file_name}")
        raise
    imp.status, imp.summary, imp.finished_at = JobStatus.DONE, importer.summary(), timezone.now()
    imp.save()
    return _("导入完成：%(file)s") % {"file": imp.file_name}, {"url": reverse("imports:result", args=[imp.pk])}
